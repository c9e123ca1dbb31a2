#include "services/volunteer_service.h"

#include <set>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "services/grpc_status.h"
#include "services/identity_numbers.h"
#include "services/page_token.h"
#include "services/proto_time.h"
#include "services/resource_names.h"
#include "services/validation.h"
#include "storage/region_code.h"
#include "storage/status_macros.h"

namespace zhiyuan::services {
namespace {

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

grpc::Status Reply(const absl::StatusOr<storage::Volunteer>& volunteer,
                   zhiyuan::v1::Volunteer* response) {
  if (!volunteer.ok()) return ToGrpcStatus(volunteer.status());
  *response = ToProto(*volunteer);
  return grpc::Status::OK;
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

grpc::Status VolunteerServiceImpl::GetVolunteer(grpc::ServerContext* context,
                                                const zhiyuan::v1::GetVolunteerRequest* request,
                                                zhiyuan::v1::Volunteer* response) {
  const absl::StatusOr<std::string> number = ParseVolunteerName("name", request->name());
  if (!number.ok()) return ToGrpcStatus(number.status());
  return Reply(store_.Get(*number, Deadline(*context)), response);
}

grpc::Status VolunteerServiceImpl::ListVolunteers(grpc::ServerContext* context,
                                                  const zhiyuan::v1::ListVolunteersRequest* request,
                                                  zhiyuan::v1::ListVolunteersResponse* response) {
  storage::VolunteerQuery query;
  if (!request->residence_region().empty()) {
    const absl::StatusOr<std::string> code =
        ParseRegionName("residence_region", request->residence_region());
    if (!code.ok()) return ToGrpcStatus(code.status());
    query.region_code = *code;
  }
  if (!zhiyuan::v1::VolunteerStatus_IsValid(request->status())) {
    return ToGrpcStatus(InvalidField("status", "is not a VolunteerStatus"));
  }
  query.status = request->status();
  query.show_deleted = request->show_deleted();
  if (!request->display_name_prefix().empty()) {
    if (absl::Status valid =
            ValidateText("display_name_prefix", request->display_name_prefix(), 1, kMaxNameChars);
        !valid.ok()) {
      return ToGrpcStatus(valid);
    }
    query.name_prefix = request->display_name_prefix();
  }
  int page_size;
  if (absl::Status valid = ResolvePageSize("page_size", request->page_size(), kDefaultPageSize,
                                           kMaxPageSize, &page_size);
      !valid.ok()) {
    return ToGrpcStatus(valid);
  }
  const std::string fingerprint = absl::StrCat("volunteers|", query.region_code, "|", query.status,
                                               "|", query.show_deleted, "|", query.name_prefix);
  absl::StatusOr<std::string> after =
      DecodePageToken("page_token", request->page_token(), fingerprint);
  if (!after.ok()) return ToGrpcStatus(after.status());
  query.after_number = *std::move(after);
  query.limit = page_size + 1;  // One more tells whether there is a next page.
  absl::StatusOr<storage::VolunteerPage> page = store_.List(query, Deadline(*context));
  if (!page.ok()) return ToGrpcStatus(page.status());
  response->set_next_page_token(FillPage(
      page->volunteers, page_size, fingerprint,
      [&](const storage::Volunteer& volunteer) {
        *response->add_volunteers() = ToProto(volunteer);
      },
      [](const storage::Volunteer& volunteer) { return volunteer.number; }));
  response->set_total_size(page->total);
  return grpc::Status::OK;
}

grpc::Status VolunteerServiceImpl::CreateVolunteer(
    grpc::ServerContext* context, const zhiyuan::v1::CreateVolunteerRequest* request,
    zhiyuan::v1::Volunteer* response) {
  std::string id_number_hash;
  const absl::StatusOr<storage::Volunteer> volunteer = FromCreateRequest(*request, &id_number_hash);
  if (!volunteer.ok()) return ToGrpcStatus(volunteer.status());
  const std::string county = volunteer->residence_region_code.substr(0, 6);
  const int year = static_cast<int>(absl::ToCivilYear(clock_(), ChinaTime()).year());
  return Reply(store_.Create(
                   *volunteer, id_number_hash,
                   [&](int64_t serial) { return MintVolunteerNumber(county, year, serial); },
                   absl::AsciiStrToLower(request->request_id()), Deadline(*context)),
               response);
}

grpc::Status VolunteerServiceImpl::UpdateVolunteer(
    grpc::ServerContext* context, const zhiyuan::v1::UpdateVolunteerRequest* request,
    zhiyuan::v1::Volunteer* response) {
  const absl::StatusOr<std::string> number =
      ParseVolunteerName("volunteer.name", request->volunteer().name());
  if (!number.ok()) return ToGrpcStatus(number.status());
  const absl::StatusOr<storage::VolunteerChange> change = ToChange(*request);
  if (!change.ok()) return ToGrpcStatus(change.status());
  return Reply(store_.Update(*number, *change, Deadline(*context)), response);
}

grpc::Status VolunteerServiceImpl::DeleteVolunteer(
    grpc::ServerContext* context, const zhiyuan::v1::DeleteVolunteerRequest* request,
    zhiyuan::v1::Volunteer* response) {
  const absl::StatusOr<std::string> number = ParseVolunteerName("name", request->name());
  if (!number.ok()) return ToGrpcStatus(number.status());
  std::optional<int64_t> revision;
  if (absl::Status valid = ParseEtag("etag", request->etag(), &revision); !valid.ok()) {
    return ToGrpcStatus(valid);
  }
  return Reply(store_.Delete(*number, revision, Deadline(*context)), response);
}

}  // namespace zhiyuan::services
