#include "services/volunteer_service.h"

#include <set>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "services/audit.h"
#include "services/grpc_status.h"
#include "services/handler.h"
#include "services/identity_numbers.h"
#include "services/page_token.h"
#include "services/proto_time.h"
#include "services/resource_names.h"
#include "services/validation.h"
#include "storage/region_code.h"
#include "storage/status_macros.h"

namespace zhiyuan::services {
namespace {

namespace v1 = ::zhiyuan::v1;

constexpr char kIdNumberField[] = "id_number";
constexpr char kPhoneField[] = "phone";
constexpr int kMaxNameChars = 50;
constexpr int kMaxSkills = 20;
constexpr int kMaxSkillChars = 20;
constexpr int kMinimumAge = 14;
constexpr int kAdultAge = 18;
constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;

// China Standard Time, UTC+8 all year: ages and registration years are reckoned in it.
absl::TimeZone ChinaTime() { return absl::FixedTimeZone(8 * 60 * 60); }

zhiyuan::v1::Volunteer ToProto(const storage::Volunteer& volunteer) {
  zhiyuan::v1::Volunteer proto;
  proto.set_name(VolunteerName(volunteer.number));
  proto.set_display_name(volunteer.display_name);
  proto.set_gender(static_cast<zhiyuan::v1::Gender>(volunteer.gender));
  proto.set_birth_year(static_cast<int32_t>(volunteer.birth_date.year()));
  proto.set_residence_region(RegionName(volunteer.residence_region_code));
  for (const std::string& skill : volunteer.skills) proto.add_skills(skill);
  proto.set_status(static_cast<zhiyuan::v1::VolunteerStatus>(volunteer.status));
  proto.set_volunteer_number(volunteer.number);
  proto.set_id_number_masked(volunteer.id_number_masked);
  proto.set_phone_masked(volunteer.phone_masked);
  proto.set_guardian_consent(volunteer.guardian_consent);
  *proto.mutable_create_time() = services::ToProto(volunteer.create_time);
  *proto.mutable_update_time() = services::ToProto(volunteer.update_time);
  if (volunteer.delete_time.has_value()) {
    *proto.mutable_delete_time() = services::ToProto(*volunteer.delete_time);
  }
  proto.set_etag(absl::StrCat(volunteer.revision));
  return proto;
}

absl::Status Reply(const absl::StatusOr<storage::Volunteer>& volunteer,
                   zhiyuan::v1::Volunteer* response) {
  ZY_RETURN_IF_ERROR(volunteer.status());
  *response = ToProto(*volunteer);
  return absl::OkStatus();
}

absl::StatusOr<std::string> ParseResidence(absl::string_view field, absl::string_view name) {
  ZY_ASSIGN_OR_RETURN(std::string code, ParseRegionName(field, name));
  if (code.size() < 6) return InvalidField(field, "must be a county or a region within one");
  return code;
}

absl::Status ValidateSkills(const google::protobuf::RepeatedPtrField<std::string>& skills) {
  if (skills.size() > kMaxSkills) {
    return InvalidField("volunteer.skills", absl::StrCat("at most ", kMaxSkills, " skills"));
  }
  std::set<std::string> seen;
  for (int i = 0; i < skills.size(); ++i) {
    const std::string field = absl::StrCat("volunteer.skills[", i, "]");
    ZY_RETURN_IF_ERROR(ValidateText(field, skills[i], 1, kMaxSkillChars));
    if (!seen.insert(skills[i]).second) return InvalidField(field, "repeats an earlier skill");
  }
  return absl::OkStatus();
}

absl::Status ValidateGender(int gender) {
  return zhiyuan::v1::Gender_IsValid(gender) ? absl::OkStatus()
                                             : InvalidField("volunteer.gender", "is not a Gender");
}

absl::StatusOr<int> ResolveStatus(int status) {
  if (!zhiyuan::v1::VolunteerStatus_IsValid(status)) {
    return InvalidField("volunteer.status", "is not a VolunteerStatus");
  }
  return status == zhiyuan::v1::VOLUNTEER_STATUS_UNSPECIFIED ? zhiyuan::v1::VOLUNTEER_STATUS_ACTIVE
                                                             : status;
}

// Whole years from `born` to `today`.
int AgeOn(absl::CivilDay born, absl::CivilDay today) {
  int age = static_cast<int>(today.year() - born.year());
  if (today.month() < born.month() || (today.month() == born.month() && today.day() < born.day())) {
    --age;
  }
  return age;
}

}  // namespace

std::pair<std::string, std::string> VolunteerServiceImpl::ProtectPhone(
    absl::string_view phone) const {
  if (phone.empty()) return {"", ""};
  return {protector_.Encrypt(kPhoneField, phone), MaskPhone(phone)};
}

absl::StatusOr<storage::Volunteer> VolunteerServiceImpl::FromCreateRequest(
    const zhiyuan::v1::CreateVolunteerRequest& request, std::string* id_number_hash) const {
  ZY_RETURN_IF_ERROR(ValidateRequestId("request_id", request.request_id()));
  const zhiyuan::v1::Volunteer& proto = request.volunteer();
  storage::Volunteer volunteer;
  ZY_RETURN_IF_ERROR(
      ValidateText("volunteer.display_name", proto.display_name(), 1, kMaxNameChars));
  volunteer.display_name = proto.display_name();
  ZY_RETURN_IF_ERROR(ValidateGender(proto.gender()));
  volunteer.gender = proto.gender();
  ZY_ASSIGN_OR_RETURN(volunteer.birth_date, ParseDate("volunteer.birth_date", proto.birth_date()));
  const absl::CivilDay today = absl::ToCivilDay(clock_(), ChinaTime());
  const int age = AgeOn(volunteer.birth_date, today);
  if (volunteer.birth_date > today || age < kMinimumAge) {
    return InvalidField("volunteer.birth_date",
                        absl::StrCat("a volunteer must be at least ", kMinimumAge, " years old"));
  }
  if (age < kAdultAge && !proto.guardian_consent()) {
    return InvalidField("volunteer.guardian_consent",
                        absl::StrCat("is required for a volunteer under ", kAdultAge));
  }
  volunteer.guardian_consent = proto.guardian_consent();
  ZY_ASSIGN_OR_RETURN(volunteer.residence_region_code,
                      ParseResidence("volunteer.residence_region", proto.residence_region()));
  ZY_RETURN_IF_ERROR(ValidateSkills(proto.skills()));
  volunteer.skills.assign(proto.skills().begin(), proto.skills().end());
  ZY_ASSIGN_OR_RETURN(volunteer.status, ResolveStatus(proto.status()));
  if (proto.id_number().empty()) return InvalidField("volunteer.id_number", "is required");
  ZY_RETURN_IF_ERROR(
      ValidateIdNumber("volunteer.id_number", proto.id_number(), volunteer.birth_date));
  if (!proto.phone().empty()) ZY_RETURN_IF_ERROR(ValidatePhone("volunteer.phone", proto.phone()));

  volunteer.id_number_cipher = protector_.Encrypt(kIdNumberField, proto.id_number());
  volunteer.id_number_masked = MaskIdNumber(proto.id_number());
  *id_number_hash = protector_.LookupHash(kIdNumberField, proto.id_number());
  std::tie(volunteer.phone_cipher, volunteer.phone_masked) = ProtectPhone(proto.phone());
  return volunteer;
}

absl::StatusOr<storage::VolunteerChange> VolunteerServiceImpl::ToChange(
    const zhiyuan::v1::UpdateVolunteerRequest& request) const {
  const zhiyuan::v1::Volunteer& proto = request.volunteer();
  if (request.update_mask().paths().empty()) {
    return InvalidField("update_mask", "is required: name the fields to set");
  }
  storage::VolunteerChange change;
  for (const std::string& path : request.update_mask().paths()) {
    if (path == "display_name") {
      ZY_RETURN_IF_ERROR(
          ValidateText("volunteer.display_name", proto.display_name(), 1, kMaxNameChars));
      change.display_name = proto.display_name();
    } else if (path == "gender") {
      ZY_RETURN_IF_ERROR(ValidateGender(proto.gender()));
      change.gender = proto.gender();
    } else if (path == "residence_region") {
      ZY_ASSIGN_OR_RETURN(change.residence_region_code,
                          ParseResidence("volunteer.residence_region", proto.residence_region()));
    } else if (path == "skills") {
      ZY_RETURN_IF_ERROR(ValidateSkills(proto.skills()));
      change.skills = std::vector<std::string>(proto.skills().begin(), proto.skills().end());
    } else if (path == "status") {
      if (proto.status() == zhiyuan::v1::VOLUNTEER_STATUS_UNSPECIFIED) {
        return InvalidField("volunteer.status", "is required: ACTIVE or SUSPENDED");
      }
      ZY_ASSIGN_OR_RETURN(change.status, ResolveStatus(proto.status()));
    } else if (path == "phone") {
      if (!proto.phone().empty()) {
        ZY_RETURN_IF_ERROR(ValidatePhone("volunteer.phone", proto.phone()));
      }
      change.phone = ProtectPhone(proto.phone());
    } else {
      return InvalidField("update_mask",
                          absl::StrCat("cannot set \"", path,
                                       "\": only display_name, gender, residence_region, "
                                       "skills, status and phone"));
    }
  }
  ZY_RETURN_IF_ERROR(ParseEtag("volunteer.etag", proto.etag(), &change.expected_revision));
  return change;
}

// The volunteer `number` when the caller reaches them. A volunteer out of reach reads as one that
// does not exist: a person's existence in another county is personal data too.
absl::StatusOr<storage::Volunteer> VolunteerServiceImpl::ReachableVolunteer(
    const Principal& caller, const std::string& number, absl::Time deadline) {
  ZY_ASSIGN_OR_RETURN(storage::Volunteer volunteer, store_.Get(number, deadline));
  if (!Authorizer::ReachesVolunteer(caller, volunteer)) {
    return absl::NotFoundError(absl::StrCat(VolunteerName(number), " does not exist"));
  }
  return volunteer;
}

grpc::Status VolunteerServiceImpl::GetVolunteer(grpc::ServerContext* context,
                                                const zhiyuan::v1::GetVolunteerRequest* request,
                                                zhiyuan::v1::Volunteer* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(caller, {v1::ROLE_REGION_ADMIN, v1::ROLE_VOLUNTEER},
                                               "read volunteers"));
    ZY_ASSIGN_OR_RETURN(const std::string number, ParseVolunteerName("name", request->name()));
    return Reply(ReachableVolunteer(caller, number, Deadline(*context)), response);
  });
}

grpc::Status VolunteerServiceImpl::ListVolunteers(grpc::ServerContext* context,
                                                  const zhiyuan::v1::ListVolunteersRequest* request,
                                                  zhiyuan::v1::ListVolunteersResponse* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(caller, {v1::ROLE_REGION_ADMIN}, "list volunteers"));
    storage::VolunteerQuery query;
    if (!request->residence_region().empty()) {
      ZY_ASSIGN_OR_RETURN(query.region_code,
                          ParseRegionName("residence_region", request->residence_region()));
    }
    if (!zhiyuan::v1::VolunteerStatus_IsValid(request->status())) {
      return InvalidField("status", "is not a VolunteerStatus");
    }
    query.status = request->status();
    query.show_deleted = request->show_deleted();
    if (!request->display_name_prefix().empty()) {
      ZY_RETURN_IF_ERROR(
          ValidateText("display_name_prefix", request->display_name_prefix(), 1, kMaxNameChars));
      query.name_prefix = request->display_name_prefix();
    }
    int page_size;
    ZY_RETURN_IF_ERROR(ResolvePageSize("page_size", request->page_size(), kDefaultPageSize,
                                       kMaxPageSize, &page_size));
    const std::string fingerprint =
        absl::StrCat("volunteers|", query.region_code, "|", query.status, "|", query.show_deleted,
                     "|", query.name_prefix);
    ZY_ASSIGN_OR_RETURN(query.after_number,
                        DecodePageToken("page_token", request->page_token(), fingerprint));
    ZY_ASSIGN_OR_RETURN(query.region_code,
                        Authorizer::NarrowRegion(caller, "residence_region", query.region_code));
    query.limit = page_size + 1;  // One more tells whether there is a next page.
    ZY_ASSIGN_OR_RETURN(const storage::VolunteerPage page, store_.List(query, Deadline(*context)));
    response->set_next_page_token(FillPage(
        page.volunteers, page_size, fingerprint,
        [&](const storage::Volunteer& volunteer) {
          *response->add_volunteers() = ToProto(volunteer);
        },
        [](const storage::Volunteer& volunteer) { return volunteer.number; }));
    response->set_total_size(page.total);
    return absl::OkStatus();
  });
}

grpc::Status VolunteerServiceImpl::CreateVolunteer(
    grpc::ServerContext* context, const zhiyuan::v1::CreateVolunteerRequest* request,
    zhiyuan::v1::Volunteer* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(
        Authorizer::RequireRole(caller, {v1::ROLE_REGION_ADMIN}, "register volunteers"));
    const absl::Time deadline = Deadline(*context);
    std::string id_number_hash;
    ZY_ASSIGN_OR_RETURN(const storage::Volunteer volunteer,
                        FromCreateRequest(*request, &id_number_hash));
    if (!Authorizer::ReachesRegion(caller, volunteer.residence_region_code)) {
      return Authorizer::Deny(caller, absl::StrCat("register a volunteer living in ",
                                                   RegionName(volunteer.residence_region_code)));
    }
    const std::string county = volunteer.residence_region_code.substr(0, 6);
    const int year = static_cast<int>(absl::ToCivilYear(clock_(), ChinaTime()).year());
    absl::StatusOr<storage::Volunteer> created = store_.Create(
        volunteer, id_number_hash,
        [&](int64_t serial) { return MintVolunteerNumber(county, year, serial); },
        absl::AsciiStrToLower(request->request_id()),
        AuditOf(caller, *context, "zhiyuan.v1.VolunteerService.CreateVolunteer", *request),
        deadline);
    if (absl::IsAlreadyExists(created.status())) {
      return HideRegistrationOutOfReach(caller, created.status(), deadline);
    }
    if (created.ok() && !Authorizer::ReachesVolunteer(caller, *created)) {
      return Authorizer::RequestIdTaken(request->request_id());
    }
    return Reply(created, response);
  });
}

// The store names the volunteer an ID number is registered as. Only a caller who reaches that
// volunteer learns who it is; others learn only that the number is taken.
absl::Status VolunteerServiceImpl::HideRegistrationOutOfReach(const Principal& caller,
                                                              const absl::Status& exists,
                                                              absl::Time deadline) {
  const std::string number = storage::RegisteredVolunteer(exists);
  if (number.empty()) return exists;
  ZY_ASSIGN_OR_RETURN(const bool reached,
                      authorizer_.ReachesVolunteerNumber(caller, number, deadline));
  if (reached) return exists;
  return absl::AlreadyExistsError(
      "this ID number is registered already, by a volunteer outside your region");
}

grpc::Status VolunteerServiceImpl::UpdateVolunteer(
    grpc::ServerContext* context, const zhiyuan::v1::UpdateVolunteerRequest* request,
    zhiyuan::v1::Volunteer* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(caller, {v1::ROLE_REGION_ADMIN, v1::ROLE_VOLUNTEER},
                                               "change volunteers"));
    const absl::Time deadline = Deadline(*context);
    ZY_ASSIGN_OR_RETURN(const std::string number,
                        ParseVolunteerName("volunteer.name", request->volunteer().name()));
    ZY_ASSIGN_OR_RETURN(const storage::VolunteerChange change, ToChange(*request));
    ZY_RETURN_IF_ERROR(ReachableVolunteer(caller, number, deadline).status());
    if (caller.role == v1::ROLE_VOLUNTEER && change.status.has_value()) {
      return Authorizer::Deny(caller, "change its own status");
    }
    if (caller.role == v1::ROLE_VOLUNTEER && change.residence_region_code.has_value()) {
      // Where a volunteer lives decides which office manages them: a region admin moves them.
      return Authorizer::Deny(caller, "move itself to another region: a region admin does that");
    }
    if (caller.role == v1::ROLE_REGION_ADMIN && change.residence_region_code.has_value() &&
        !Authorizer::ReachesRegion(caller, *change.residence_region_code)) {
      return Authorizer::Deny(
          caller, absl::StrCat("move a volunteer to ", RegionName(*change.residence_region_code)));
    }
    return Reply(store_.Update(number, change,
                               AuditOf(caller, *context,
                                       "zhiyuan.v1.VolunteerService.UpdateVolunteer", *request),
                               deadline),
                 response);
  });
}

grpc::Status VolunteerServiceImpl::DeleteVolunteer(
    grpc::ServerContext* context, const zhiyuan::v1::DeleteVolunteerRequest* request,
    zhiyuan::v1::Volunteer* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(
        Authorizer::RequireRole(caller, {v1::ROLE_REGION_ADMIN}, "delete volunteers"));
    const absl::Time deadline = Deadline(*context);
    ZY_ASSIGN_OR_RETURN(const std::string number, ParseVolunteerName("name", request->name()));
    std::optional<int64_t> revision;
    ZY_RETURN_IF_ERROR(ParseEtag("etag", request->etag(), &revision));
    ZY_RETURN_IF_ERROR(ReachableVolunteer(caller, number, deadline).status());
    return Reply(store_.Delete(number, revision,
                               AuditOf(caller, *context,
                                       "zhiyuan.v1.VolunteerService.DeleteVolunteer", *request),
                               deadline),
                 response);
  });
}

grpc::Status VolunteerServiceImpl::RevealVolunteerIdentity(
    grpc::ServerContext* context, const zhiyuan::v1::RevealVolunteerIdentityRequest* request,
    zhiyuan::v1::RevealVolunteerIdentityResponse* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(
        Authorizer::RequireRole(caller, {}, "reveal ID numbers: that is a system admin's alone"));
    const absl::Time deadline = Deadline(*context);
    ZY_ASSIGN_OR_RETURN(const std::string number, ParseVolunteerName("name", request->name()));
    ZY_ASSIGN_OR_RETURN(const storage::Volunteer volunteer, store_.Get(number, deadline));
    ZY_ASSIGN_OR_RETURN(const std::string id_number,
                        protector_.Decrypt(kIdNumberField, volunteer.id_number_cipher));
    std::string phone;
    if (!volunteer.phone_cipher.empty()) {
      ZY_ASSIGN_OR_RETURN(phone, protector_.Decrypt(kPhoneField, volunteer.phone_cipher));
    }
    // On record before anything is sent: a reveal that cannot be recorded does not happen.
    storage::AuditEntry entry =
        AuditOf(caller, *context, "zhiyuan.v1.VolunteerService.RevealVolunteerIdentity", *request);
    entry.field_paths = {"id_number"};
    if (!phone.empty()) entry.field_paths.push_back("phone");
    ZY_RETURN_IF_ERROR(
        audit_log_.Append(entry, VolunteerName(number), volunteer.residence_region_code, deadline));
    response->set_id_number(id_number);
    response->set_phone(phone);
    return absl::OkStatus();
  });
}

}  // namespace zhiyuan::services
