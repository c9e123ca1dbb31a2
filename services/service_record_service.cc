#include "services/service_record_service.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/audit.h"
#include "services/handler.h"
#include "services/hour_rules.h"
#include "services/page_token.h"
#include "services/proto_time.h"
#include "services/resource_names.h"
#include "services/validation.h"
#include "storage/status_macros.h"

namespace zhiyuan::services {
namespace {

namespace v1 = ::zhiyuan::v1;
using storage::RecordMethod;
using storage::ServiceRecord;

constexpr char kService[] = "zhiyuan.v1.ServiceRecordService.";
constexpr int kMaxNoteChars = 200;
constexpr int64_t kMaxManualMinutes = 44640;
constexpr int kMaxSyncItems = 500;
constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;

std::string Method(absl::string_view rpc) { return absl::StrCat(kService, rpc); }

std::string TokenName(int64_t id) { return id == 0 ? "" : IdName("tokens", id); }

v1::ServiceRecord ToProto(const ServiceRecord& record) {
  v1::ServiceRecord proto;
  proto.set_name(record.name());
  proto.set_event(IdName("events", record.event_id));
  proto.set_hour_class(static_cast<v1::HourClass>(record.hour_class));
  proto.set_state(static_cast<v1::ServiceRecordState>(record.state));
  proto.set_method(static_cast<v1::RecordMethod>(record.method));
  *proto.mutable_check_in_time() = services::ToProto(record.check_in);
  if (record.check_out.has_value()) {
    *proto.mutable_check_out_time() = services::ToProto(*record.check_out);
  }
  proto.set_auto_closed(record.auto_closed);
  proto.set_raw_minutes(record.raw_minutes);
  proto.set_credited_minutes(record.credited_minutes);
  if (record.hour_rule_set_id != 0) {
    proto.set_hour_rule_set(IdName("hourRuleSets", record.hour_rule_set_id));
  }
  proto.set_recorder(TokenName(record.recorder_token_id));
  proto.set_verifier(TokenName(record.verifier_token_id));
  proto.set_note(record.note);
  proto.set_revision(record.revision);
  *proto.mutable_create_time() = services::ToProto(record.create_time);
  *proto.mutable_update_time() = services::ToProto(record.update_time);
  return proto;
}

// "volunteers/{number}/serviceRecords/{id}".
absl::StatusOr<std::pair<std::string, int64_t>> ParseRecordName(absl::string_view field,
                                                                absl::string_view name) {
  const std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[2] != "serviceRecords") {
    return InvalidField(field, "must be volunteers/{number}/serviceRecords/{id}");
  }
  ZY_ASSIGN_OR_RETURN(std::string number,
                      ParseVolunteerName(field, absl::StrCat(parts[0], "/", parts[1])));
  ZY_ASSIGN_OR_RETURN(const int64_t id,
                      ParseIdName(field, "serviceRecords", absl::StrCat(parts[2], "/", parts[3])));
  return std::make_pair(std::move(number), id);
}

// "volunteers/{number}/serviceRecords/{id}/corrections/{id}": the record's key and the id.
struct CorrectionKey {
  std::string volunteer_number;
  int64_t record_id = 0;
  int64_t id = 0;
};
absl::StatusOr<CorrectionKey> ParseCorrectionName(absl::string_view field, absl::string_view name) {
  const std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 6 || parts[4] != "corrections") {
    return InvalidField(field, "must be volunteers/{number}/serviceRecords/{id}/corrections/{id}");
  }
  ZY_ASSIGN_OR_RETURN(const auto record,
                      ParseRecordName(field, absl::StrJoin(parts.begin(), parts.begin() + 4, "/")));
  ZY_ASSIGN_OR_RETURN(const int64_t id,
                      ParseIdName(field, "corrections", absl::StrCat(parts[4], "/", parts[5])));
  return CorrectionKey{record.first, record.second, id};
}

v1::Correction ToProto(const storage::Correction& correction) {
  v1::Correction proto;
  proto.set_name(correction.name());
  if (correction.check_in.has_value()) {
    *proto.mutable_check_in_time() = services::ToProto(*correction.check_in);
  }
  if (correction.check_out.has_value()) {
    *proto.mutable_check_out_time() = services::ToProto(*correction.check_out);
  }
  proto.set_withdraw(correction.withdraw);
  proto.set_reason(correction.reason);
  proto.set_state(static_cast<v1::CorrectionState>(correction.state));
  proto.set_record_revision(correction.record_revision);
  proto.set_event(IdName("events", correction.event_id));
  proto.set_requester(TokenName(correction.requester_token_id));
  proto.set_reviewer(TokenName(correction.reviewer_token_id));
  proto.set_review_note(correction.review_note);
  *proto.mutable_create_time() = services::ToProto(correction.create_time);
  if (correction.review_time.has_value()) {
    *proto.mutable_review_time() = services::ToProto(*correction.review_time);
  }
  return proto;
}

// Lifetime hours that earn 1 to 5 stars.
constexpr int64_t kStarHours[] = {100, 300, 600, 1000, 1500};

// A client-made id: a UUID, kept in lower case as PostgreSQL prints it.
absl::StatusOr<std::string> ParseClientId(absl::string_view field, absl::string_view id,
                                          bool required) {
  if (required && id.empty()) return InvalidField(field, "is required");
  ZY_RETURN_IF_ERROR(ValidateRequestId(field, id));
  return absl::AsciiStrToLower(id);
}

// A time a client claims, no later than when the call came.
absl::StatusOr<absl::Time> ClaimedTime(absl::string_view field, bool given,
                                       const google::protobuf::Timestamp& time,
                                       absl::Time received) {
  if (!given) return received;
  ZY_ASSIGN_OR_RETURN(const absl::Time claimed, ParseTimestamp(field, time));
  return std::min(claimed, received);
}

RecordMethod MethodOf(const Principal& caller) {
  switch (caller.role) {
    case v1::ROLE_VOLUNTEER:
      return RecordMethod::kVolunteerCode;
    case v1::ROLE_KIOSK:
      return RecordMethod::kKiosk;
    default:
      return RecordMethod::kOrganizer;
  }
}

absl::Status VolunteerNotFound(absl::string_view number) {
  return absl::NotFoundError(absl::StrCat(VolunteerName(number), " does not exist"));
}

// The fields CheckInRequest and CheckOutRequest share.
struct CheckFields {
  std::string volunteer;
  std::string event;
  bool has_time = false;
  google::protobuf::Timestamp time;
  std::string time_field;
  std::string code;
};

CheckFields FieldsOf(const google::protobuf::Message& message) {
  CheckFields fields;
  const v1::CheckInCode* code = nullptr;
  if (const auto* in = dynamic_cast<const v1::CheckInRequest*>(&message)) {
    fields = {in->volunteer(),     in->event(),     in->has_check_in_time(),
              in->check_in_time(), "check_in_time", ""};
    code = &in->code();
  } else if (const auto* out = dynamic_cast<const v1::CheckOutRequest*>(&message)) {
    fields = {out->volunteer(),      out->event(),     out->has_check_out_time(),
              out->check_out_time(), "check_out_time", ""};
    code = &out->code();
  }
  if (code != nullptr) {
    fields.code = code->has_short_code() ? code->short_code() : code->qr_payload();
  }
  return fields;
}

}  // namespace

absl::StatusOr<const storage::Event*> ServiceRecordServiceImpl::EventOf(Call& call,
                                                                        absl::string_view field,
                                                                        int64_t id) {
  if (auto it = call.events.find(id); it != call.events.end()) return &it->second;
  {
    absl::MutexLock lock(&events_mu_);
    if (auto it = event_cache_.find(id);
        it != event_cache_.end() && call.received - it->second.second < kEventCacheTtl) {
      return &call.events.emplace(id, it->second.first).first->second;
    }
  }
  absl::StatusOr<storage::Event> event = events_.Get(id, call.deadline);
  if (absl::IsNotFound(event.status())) {
    return absl::FailedPreconditionError(
        absl::StrCat(field, ": ", IdName("events", id), " does not exist"));
  }
  ZY_RETURN_IF_ERROR(event.status());
  {
    absl::MutexLock lock(&events_mu_);
    if (event_cache_.size() >= kEventCacheSize) event_cache_.clear();
    event_cache_[id] = {*event, call.received};
  }
  return &call.events.emplace(id, *std::move(event)).first->second;
}

bool ServiceRecordServiceImpl::CodeAttemptAllowed(int64_t token_id, int64_t event_id,
                                                  absl::Time now) {
  absl::MutexLock lock(&attempts_mu_);
  auto it = wrong_codes_.find({token_id, event_id});
  return it == wrong_codes_.end() || now - it->second.minute_start >= absl::Minutes(1) ||
         it->second.count < kMaxWrongCodesPerMinute;
}

void ServiceRecordServiceImpl::CountWrongCode(int64_t token_id, int64_t event_id, absl::Time now) {
  absl::MutexLock lock(&attempts_mu_);
  if (wrong_codes_.size() > 100000) {
    // Forget the minutes that are over, so that the map stays as small as the guessing is.
    absl::erase_if(wrong_codes_, [&](const auto& entry) {
      return now - entry.second.minute_start >= absl::Minutes(1);
    });
  }
  WrongCodes& wrong = wrong_codes_[{token_id, event_id}];
  if (now - wrong.minute_start >= absl::Minutes(1)) wrong = {now, 0};
  ++wrong.count;
}

absl::StatusOr<RecordWrite> ServiceRecordServiceImpl::PrepareCheck(
    Call& call, RecordWrite::Kind kind, const google::protobuf::Message& request,
    absl::string_view method, std::string client_id) {
  const Principal& caller = call.caller;
  const CheckFields fields = FieldsOf(request);
  const bool check_in = kind == RecordWrite::Kind::kCheckIn;
  ZY_RETURN_IF_ERROR(Authorizer::RequireRole(
      caller, {v1::ROLE_REGION_ADMIN, v1::ROLE_TEAM_LEADER, v1::ROLE_KIOSK, v1::ROLE_VOLUNTEER},
      check_in ? "check volunteers in" : "check volunteers out"));
  RecordWrite write;
  write.kind = kind;
  ZY_ASSIGN_OR_RETURN(write.volunteer_number, ParseVolunteerName("volunteer", fields.volunteer));
  ZY_ASSIGN_OR_RETURN(write.event_id, ParseIdName("event", "events", fields.event));
  ZY_ASSIGN_OR_RETURN(write.time,
                      ClaimedTime(fields.time_field, fields.has_time, fields.time, call.received));
  write.client_id = std::move(client_id);
  write.method = MethodOf(caller);
  write.actor_token_id = caller.token_id;
  write.audit = AuditOf(caller, call.context, method, request);
  write.audit.request_id = write.client_id;
  if (caller.role == v1::ROLE_VOLUNTEER) {
    if (write.volunteer_number != caller.volunteer_number) {
      return VolunteerNotFound(write.volunteer_number);
    }
    if (fields.code.empty()) {
      return InvalidField("code", "is required when volunteers check in or out themselves");
    }
    if (!CodeAttemptAllowed(caller.token_id, write.event_id, call.received)) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "code: too many wrong codes for ", IdName("events", write.event_id), "; wait a minute"));
    }
    if (!codes_.Verify(write.event_id, fields.code, write.time)) {
      CountWrongCode(caller.token_id, write.event_id, call.received);
      return absl::FailedPreconditionError(
          absl::StrCat("code: not ", IdName("events", write.event_id), "'s code at ",
                       ChinaClock(write.time), " China time"));
    }
    return write;
  }
  ZY_ASSIGN_OR_RETURN(const storage::Event* event, EventOf(call, "event", write.event_id));
  ZY_ASSIGN_OR_RETURN(const bool reached, authorizer_.ReachesEvent(caller, *event, call.deadline));
  if (!reached) {
    return Authorizer::Deny(
        caller, absl::StrCat("record attendance at ", IdName("events", write.event_id)));
  }
  write.verifier_token_id = caller.token_id;
  return write;
}

absl::StatusOr<RecordWrite> ServiceRecordServiceImpl::PrepareEntry(
    Call& call, const v1::CreateServiceRecordRequest& request, absl::string_view method,
    std::string client_id) {
  const Principal& caller = call.caller;
  const v1::ServiceRecord& record = request.service_record();
  const bool manual = record.hour_class() == v1::HOUR_CLASS_MANUAL;
  if (manual) {
    ZY_RETURN_IF_ERROR(
        Authorizer::RequireRole(caller, {v1::ROLE_REGION_ADMIN}, "add manual hours"));
  } else {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(
        caller, {v1::ROLE_REGION_ADMIN, v1::ROLE_TEAM_LEADER}, "enter service records"));
  }
  RecordWrite write;
  write.kind = manual ? RecordWrite::Kind::kManual : RecordWrite::Kind::kEntry;
  ZY_ASSIGN_OR_RETURN(write.volunteer_number, ParseVolunteerName("parent", request.parent()));
  ZY_ASSIGN_OR_RETURN(write.event_id,
                      ParseIdName("service_record.event", "events", record.event()));
  if (record.hour_class() != v1::HOUR_CLASS_UNSPECIFIED &&
      record.hour_class() != v1::HOUR_CLASS_ATTENDANCE && !manual) {
    return InvalidField("service_record.hour_class", "must be ATTENDANCE or MANUAL");
  }
  if (!record.has_check_in_time())
    return InvalidField("service_record.check_in_time", "is required");
  ZY_ASSIGN_OR_RETURN(write.time,
                      ParseTimestamp("service_record.check_in_time", record.check_in_time()));
  if (write.time > call.received) {
    return InvalidField("service_record.check_in_time", "must not be in the future");
  }
  if (manual) {
    if (record.has_check_out_time()) {
      return InvalidField("service_record.check_out_time", "must be unset for manual hours");
    }
    if (record.credited_minutes() < 1 || record.credited_minutes() > kMaxManualMinutes) {
      return InvalidField("service_record.credited_minutes",
                          "must be 1 to 44,640 (31 days) for manual hours");
    }
    write.minutes = record.credited_minutes();
    write.method = RecordMethod::kAdministrator;
  } else {
    if (!record.has_check_out_time()) {
      return InvalidField("service_record.check_out_time", "is required");
    }
    ZY_ASSIGN_OR_RETURN(write.check_out,
                        ParseTimestamp("service_record.check_out_time", record.check_out_time()));
    if (write.check_out > call.received) {
      return InvalidField("service_record.check_out_time", "must not be in the future");
    }
    write.method = RecordMethod::kOrganizer;
    write.verifier_token_id = caller.token_id;
  }
  ZY_RETURN_IF_ERROR(ValidateText("service_record.note", record.note(), 0, kMaxNoteChars));
  write.note = record.note();
  write.client_id = std::move(client_id);
  write.actor_token_id = caller.token_id;
  write.audit = AuditOf(caller, call.context, method, request);
  write.audit.request_id = write.client_id;
  ZY_ASSIGN_OR_RETURN(const storage::Event* event,
                      EventOf(call, "service_record.event", write.event_id));
  ZY_ASSIGN_OR_RETURN(const bool reached, authorizer_.ReachesEvent(caller, *event, call.deadline));
  if (!reached) {
    return Authorizer::Deny(caller, absl::StrCat(manual ? "add hours at " : "enter records at ",
                                                 IdName("events", write.event_id)));
  }
  return write;
}

absl::StatusOr<bool> ServiceRecordServiceImpl::ReachesRecord(Call& call,
                                                             const ServiceRecord& record) {
  const Principal& caller = call.caller;
  if (caller.role == v1::ROLE_REPORTER) return false;
  if (caller.role == v1::ROLE_VOLUNTEER) {
    return caller.volunteer_number == record.volunteer_number;
  }
  ZY_ASSIGN_OR_RETURN(const storage::Event* event, EventOf(call, "event", record.event_id));
  ZY_ASSIGN_OR_RETURN(const bool at_event, authorizer_.ReachesEvent(caller, *event, call.deadline));
  if (at_event || caller.role != v1::ROLE_REGION_ADMIN) return at_event;
  // A region admin also reaches the records of the volunteers who live in their region.
  return authorizer_.ReachesVolunteerNumber(caller, record.volunteer_number, call.deadline);
}

absl::StatusOr<ServiceRecord> ServiceRecordServiceImpl::ReachableRecord(Call& call,
                                                                        absl::string_view name) {
  ZY_ASSIGN_OR_RETURN(const auto key, ParseRecordName("name", name));
  absl::StatusOr<ServiceRecord> record = store_.Get(key.first, key.second, call.deadline);
  ZY_RETURN_IF_ERROR(record.status());
  ZY_ASSIGN_OR_RETURN(const bool reached, ReachesRecord(call, *record));
  // Out of reach reads as missing: a record tells where a person was.
  if (!reached) return absl::NotFoundError(absl::StrCat(name, " does not exist"));
  return record;
}

absl::Status ServiceRecordServiceImpl::Reachable(Call& call, const RecordWriteResult& result,
                                                 absl::string_view client_id) {
  if (!result.duplicate) return absl::OkStatus();
  ZY_ASSIGN_OR_RETURN(const bool reached, ReachesRecord(call, result.record));
  return reached ? absl::OkStatus() : Authorizer::RequestIdTaken(client_id);
}

absl::Status ServiceRecordServiceImpl::WriteOne(Call& call,
                                                const absl::StatusOr<RecordWrite>& write,
                                                v1::ServiceRecord* response) {
  ZY_RETURN_IF_ERROR(write.status());
  const RecordWriteResult result = writer_.WriteOne(*write, call.deadline);
  ZY_RETURN_IF_ERROR(result.status);
  ZY_RETURN_IF_ERROR(Reachable(call, result, write->client_id));
  *response = ToProto(result.record);
  return absl::OkStatus();
}

grpc::Status ServiceRecordServiceImpl::CheckIn(grpc::ServerContext* context,
                                               const v1::CheckInRequest* request,
                                               v1::ServiceRecord* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    Call call{caller, *context, clock_(), Deadline(*context), {}};
    ZY_ASSIGN_OR_RETURN(std::string client_id,
                        ParseClientId("request_id", request->request_id(), false));
    return WriteOne(call,
                    PrepareCheck(call, RecordWrite::Kind::kCheckIn, *request, Method("CheckIn"),
                                 std::move(client_id)),
                    response);
  });
}

grpc::Status ServiceRecordServiceImpl::CheckOut(grpc::ServerContext* context,
                                                const v1::CheckOutRequest* request,
                                                v1::ServiceRecord* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    Call call{caller, *context, clock_(), Deadline(*context), {}};
    ZY_ASSIGN_OR_RETURN(std::string client_id,
                        ParseClientId("request_id", request->request_id(), false));
    return WriteOne(call,
                    PrepareCheck(call, RecordWrite::Kind::kCheckOut, *request, Method("CheckOut"),
                                 std::move(client_id)),
                    response);
  });
}

grpc::Status ServiceRecordServiceImpl::CreateServiceRecord(
    grpc::ServerContext* context, const v1::CreateServiceRecordRequest* request,
    v1::ServiceRecord* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    Call call{caller, *context, clock_(), Deadline(*context), {}};
    ZY_ASSIGN_OR_RETURN(std::string client_id,
                        ParseClientId("request_id", request->request_id(), false));
    return WriteOne(
        call, PrepareEntry(call, *request, Method("CreateServiceRecord"), std::move(client_id)),
        response);
  });
}

grpc::Status ServiceRecordServiceImpl::ReviewServiceRecord(
    grpc::ServerContext* context, const v1::ReviewServiceRecordRequest* request,
    v1::ServiceRecord* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(
        Authorizer::RequireRole(caller, {v1::ROLE_REGION_ADMIN}, "review manual hours"));
    Call call{caller, *context, clock_(), Deadline(*context), {}};
    ZY_ASSIGN_OR_RETURN(const auto key, ParseRecordName("name", request->name()));
    if (!request->approve() && request->reason().empty()) {
      return InvalidField("reason", "is required when rejecting");
    }
    ZY_RETURN_IF_ERROR(ValidateText("reason", request->reason(), 0, kMaxNoteChars));
    // A record out of reach reads as missing, as for GetServiceRecord; one in reach (a resident's)
    // at an event outside the caller's region is refused.
    ZY_ASSIGN_OR_RETURN(const ServiceRecord record, ReachableRecord(call, request->name()));
    ZY_ASSIGN_OR_RETURN(const storage::Event* event, EventOf(call, "event", record.event_id));
    if (!Authorizer::ReachesRegion(caller, event->region_code)) {
      return Authorizer::Deny(caller,
                              absl::StrCat("review hours at ", IdName("events", event->id)));
    }
    ZY_RETURN_IF_ERROR(AnotherPerson(call, record.recorder_token_id, request->name()));
    RecordWrite write;
    write.kind = RecordWrite::Kind::kReview;
    write.volunteer_number = key.first;
    write.record_id = key.second;
    write.approve = request->approve();
    write.note = request->reason();
    write.actor_token_id = caller.token_id;
    write.audit = AuditOf(caller, *context, Method("ReviewServiceRecord"), *request);
    write.audit.field_paths = {"state", "credited_minutes"};
    return WriteOne(call, write, response);
  });
}

grpc::Status ServiceRecordServiceImpl::GetServiceRecord(grpc::ServerContext* context,
                                                        const v1::GetServiceRecordRequest* request,
                                                        v1::ServiceRecord* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    Call call{caller, *context, clock_(), Deadline(*context), {}};
    ZY_ASSIGN_OR_RETURN(const ServiceRecord record, ReachableRecord(call, request->name()));
    *response = ToProto(record);
    return absl::OkStatus();
  });
}

grpc::Status ServiceRecordServiceImpl::ListServiceRecords(
    grpc::ServerContext* context, const v1::ListServiceRecordsRequest* request,
    v1::ListServiceRecordsResponse* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    Call call{caller, *context, clock_(), Deadline(*context), {}};
    storage::RecordQuery query;
    if (request->parent() != "volunteers/-") {
      ZY_ASSIGN_OR_RETURN(query.volunteer_number, ParseVolunteerName("parent", request->parent()));
    }
    if (!request->event().empty()) {
      ZY_ASSIGN_OR_RETURN(query.event_id, ParseIdName("event", "events", request->event()));
    } else if (query.volunteer_number.empty()) {
      return InvalidField("event", "is required when parent is volunteers/-");
    }
    if (request->state() < 0 || request->state() > v1::SERVICE_RECORD_STATE_VOIDED) {
      return InvalidField("state", "is not a ServiceRecordState");
    }
    query.state = request->state();
    if (request->has_check_in_from()) {
      ZY_ASSIGN_OR_RETURN(query.check_in_from,
                          ParseTimestamp("check_in_from", request->check_in_from()));
    }
    if (request->has_check_in_before()) {
      ZY_ASSIGN_OR_RETURN(query.check_in_before,
                          ParseTimestamp("check_in_before", request->check_in_before()));
    }
    int page_size = 0;
    ZY_RETURN_IF_ERROR(ResolvePageSize("page_size", request->page_size(), kDefaultPageSize,
                                       kMaxPageSize, &page_size));
    // Who may list: the volunteer's own, a region admin's residents, or an event's.
    bool reached = false;
    if (query.event_id != 0 && caller.role != v1::ROLE_REPORTER &&
        caller.role != v1::ROLE_VOLUNTEER) {
      ZY_ASSIGN_OR_RETURN(const storage::Event* event, EventOf(call, "event", query.event_id));
      ZY_ASSIGN_OR_RETURN(reached, authorizer_.ReachesEvent(caller, *event, call.deadline));
    }
    if (!reached && !query.volunteer_number.empty() && caller.role != v1::ROLE_REPORTER) {
      ZY_ASSIGN_OR_RETURN(reached, authorizer_.ReachesVolunteerNumber(
                                       caller, query.volunteer_number, call.deadline));
      if (!reached) return VolunteerNotFound(query.volunteer_number);
    }
    if (!reached) {
      return Authorizer::Deny(caller, absl::StrCat("list the records of ", request->event()));
    }
    v1::ListServiceRecordsRequest canonical = *request;
    canonical.clear_page_size();
    canonical.clear_page_token();
    const std::string fingerprint = canonical.SerializeAsString();
    ZY_ASSIGN_OR_RETURN(const std::string after,
                        DecodePageToken("page_token", request->page_token(), fingerprint));
    if (!after.empty()) {
      const std::vector<std::string> parts = absl::StrSplit(after, ',');
      int64_t micros = 0;
      int64_t id = 0;
      if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &micros) ||
          !absl::SimpleAtoi(parts[1], &id)) {
        return InvalidField("page_token", "is not a page token this service issued");
      }
      query.after = std::make_pair(absl::FromUnixMicros(micros), id);
    }
    query.limit = page_size + 1;
    ZY_ASSIGN_OR_RETURN(const std::vector<ServiceRecord> records,
                        store_.List(query, call.deadline));
    response->set_next_page_token(FillPage(
        records, page_size, fingerprint,
        [&](const ServiceRecord& record) { *response->add_service_records() = ToProto(record); },
        [](const ServiceRecord& record) {
          return absl::StrCat(absl::ToUnixMicros(record.check_in), ",", record.id);
        }));
    return absl::OkStatus();
  });
}

grpc::Status ServiceRecordServiceImpl::ListServiceRecordRevisions(
    grpc::ServerContext* context, const v1::ListServiceRecordRevisionsRequest* request,
    v1::ListServiceRecordRevisionsResponse* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    Call call{caller, *context, clock_(), Deadline(*context), {}};
    ZY_ASSIGN_OR_RETURN(const ServiceRecord record, ReachableRecord(call, request->name()));
    ZY_ASSIGN_OR_RETURN(const std::vector<storage::RecordRevision> revisions,
                        store_.Revisions(record.volunteer_number, record.id, call.deadline));
    for (const storage::RecordRevision& revision : revisions) {
      v1::ServiceRecordRevision* proto = response->add_revisions();
      ServiceRecord snapshot = revision.record;
      snapshot.hour_class = record.hour_class;
      snapshot.method = record.method;
      snapshot.recorder_token_id = record.recorder_token_id;
      snapshot.close_due = record.close_due;
      snapshot.create_time = record.create_time;
      snapshot.update_time = revision.time;
      *proto->mutable_service_record() = ToProto(snapshot);
      proto->set_change(static_cast<v1::RevisionChange>(revision.change));
      proto->set_actor(TokenName(revision.actor_token_id));
      proto->set_reason(revision.reason);
      *proto->mutable_time() = services::ToProto(revision.time);
    }
    return absl::OkStatus();
  });
}

grpc::Status ServiceRecordServiceImpl::ExplainHours(grpc::ServerContext* context,
                                                    const v1::ExplainHoursRequest* request,
                                                    v1::HoursExplanation* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    Call call{caller, *context, clock_(), Deadline(*context), {}};
    ZY_ASSIGN_OR_RETURN(const ServiceRecord record, ReachableRecord(call, request->name()));
    *response->mutable_service_record() = ToProto(record);
    auto step = [&](absl::string_view rule, std::string explanation, int64_t minutes) {
      v1::HoursStep* proto = response->add_steps();
      proto->set_rule(std::string(rule));
      proto->set_explanation(std::move(explanation));
      proto->set_minutes(minutes);
    };
    if (record.hour_class == storage::HourClass::kManual) {
      step("manual",
           absl::StrCat(record.raw_minutes, " minutes added by ",
                        TokenName(record.recorder_token_id), " for service on ",
                        ChinaClock(record.check_in)),
           record.raw_minutes);
      switch (record.state) {
        case storage::RecordState::kCredited:
          step("approval",
               absl::StrCat("approved by ", TokenName(record.verifier_token_id), ": ",
                            record.credited_minutes, " minutes credited"),
               record.credited_minutes);
          break;
        case storage::RecordState::kRejected:
          step("approval", "rejected: nothing credited", 0);
          break;
        case storage::RecordState::kVoided:
          step("approval",
               absl::StrCat("approved by ", TokenName(record.verifier_token_id),
                            ", then withdrawn by a correction"),
               record.raw_minutes);
          step("void", "withdrawn: nothing credited", 0);
          break;
        default:
          step("approval", "waiting for another person's approval: nothing credited yet", 0);
          break;
      }
      return absl::OkStatus();
    }
    if (record.state == storage::RecordState::kOpen) {
      step("raw",
           absl::StrCat("checked in ", ChinaClock(record.check_in),
                        ", not checked out yet: nothing credited yet; with no check-out by ",
                        ChinaClock(record.close_due.value_or(record.check_in)),
                        " the record is closed at the scheduled end"),
           0);
      return absl::OkStatus();
    }
    ZY_ASSIGN_OR_RETURN(const storage::Event* event, EventOf(call, "event", record.event_id));
    ZY_ASSIGN_OR_RETURN(const storage::HourRuleSet rules,
                        rules_.Get(record.hour_rule_set_id, call.deadline));
    Attendance attendance{record.check_in, record.check_out, event->start_time, event->end_time};
    if (record.auto_closed) attendance.check_out.reset();
    ZY_ASSIGN_OR_RETURN(const Credit credit,
                        CreditAttendance(ToHourRules(rules), attendance, absl::InfiniteFuture()));
    for (const CreditStep& credit_step : credit.steps) {
      step(credit_step.rule, credit_step.explanation, credit_step.minutes);
    }
    if (record.state == storage::RecordState::kVoided) {
      step("void", "withdrawn: nothing credited", 0);
    } else if (credit.credited_minutes != record.credited_minutes) {
      return absl::InternalError(absl::StrCat(record.name(), " credits ", record.credited_minutes,
                                              " minutes, but its rules give ",
                                              credit.credited_minutes));
    }
    return absl::OkStatus();
  });
}

grpc::Status ServiceRecordServiceImpl::SyncServiceRecords(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<v1::SyncServiceRecordsResponse, v1::SyncServiceRecordsRequest>*
        stream) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    const std::string method = Method("SyncServiceRecords");
    v1::SyncServiceRecordsRequest request;
    while (stream->Read(&request)) {
      if (request.items_size() < 1 || request.items_size() > kMaxSyncItems) {
        return InvalidField("items", "must hold 1 to 500 items");
      }
      // Each message is a call of its own: its own time, deadline and events.
      Call call{caller, *context, clock_(), Deadline(*context), {}};
      v1::SyncServiceRecordsResponse response;
      std::vector<RecordWrite> writes;
      std::vector<int> write_of_item(request.items_size(), -1);
      for (int i = 0; i < request.items_size(); ++i) {
        const v1::SyncItem& item = request.items(i);
        v1::SyncItemResult* result = response.add_results();
        result->set_client_id(item.client_id());
        absl::StatusOr<RecordWrite> write = [&]() -> absl::StatusOr<RecordWrite> {
          ZY_ASSIGN_OR_RETURN(std::string client_id,
                              ParseClientId("client_id", item.client_id(), true));
          switch (item.action_case()) {
            case v1::SyncItem::kCheckIn:
              return PrepareCheck(call, RecordWrite::Kind::kCheckIn, item.check_in(), method,
                                  std::move(client_id));
            case v1::SyncItem::kCheckOut:
              return PrepareCheck(call, RecordWrite::Kind::kCheckOut, item.check_out(), method,
                                  std::move(client_id));
            case v1::SyncItem::kEntry:
              return PrepareEntry(call, item.entry(), method, std::move(client_id));
            case v1::SyncItem::ACTION_NOT_SET:
              break;
          }
          return InvalidField("action", "is required: check_in, check_out or entry");
        }();
        if (!write.ok()) {
          result->set_outcome(v1::SYNC_OUTCOME_REJECTED);
          result->set_error_code(static_cast<int>(write.status().code()));
          result->set_error_message(std::string(write.status().message()));
          continue;
        }
        write_of_item[i] = static_cast<int>(writes.size());
        writes.push_back(*std::move(write));
      }
      const std::vector<RecordWriteResult> written = writer_.Write(writes, call.deadline);
      for (int i = 0; i < request.items_size(); ++i) {
        if (write_of_item[i] < 0) continue;
        const RecordWriteResult& outcome = written[write_of_item[i]];
        v1::SyncItemResult* result = response.mutable_results(i);
        absl::Status status = outcome.status;
        if (status.ok()) status = Reachable(call, outcome, writes[write_of_item[i]].client_id);
        if (!status.ok()) {
          result->set_outcome(v1::SYNC_OUTCOME_REJECTED);
          result->set_error_code(static_cast<int>(status.code()));
          result->set_error_message(std::string(status.message()));
          continue;
        }
        result->set_outcome(outcome.duplicate ? v1::SYNC_OUTCOME_DUPLICATE
                                              : v1::SYNC_OUTCOME_ACCEPTED);
        *result->mutable_service_record() = ToProto(outcome.record);
      }
      if (!stream->Write(response)) return absl::CancelledError("the client went away");
    }
    return absl::OkStatus();
  });
}

absl::Status ServiceRecordServiceImpl::AnotherPerson(Call& call, int64_t token_id,
                                                     absl::string_view what) {
  if (token_id == call.caller.token_id) {
    return absl::FailedPreconditionError(
        absl::StrCat(what, ": another person must review what you made"));
  }
  ZY_ASSIGN_OR_RETURN(const storage::Token maker,
                      authorizer_.stores().tokens.Get(token_id, call.deadline));
  ZY_ASSIGN_OR_RETURN(const storage::Token reviewer,
                      authorizer_.stores().tokens.Get(call.caller.token_id, call.deadline));
  if (maker.display_name == reviewer.display_name) {
    return absl::FailedPreconditionError(absl::StrCat(what, ": made by ", TokenName(maker.id),
                                                      ", held by \"", maker.display_name,
                                                      "\" too: another person must review it"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::pair<storage::Correction, ServiceRecord>>
ServiceRecordServiceImpl::ReachableCorrection(Call& call, absl::string_view name) {
  ZY_ASSIGN_OR_RETURN(const CorrectionKey key, ParseCorrectionName("name", name));
  absl::StatusOr<storage::Correction> correction =
      store_.GetCorrection(key.volunteer_number, key.id, call.deadline);
  if (correction.ok() && correction->record_id != key.record_id) {
    correction = absl::NotFoundError(absl::StrCat(name, " does not exist"));
  }
  ZY_RETURN_IF_ERROR(correction.status());
  absl::StatusOr<ServiceRecord> record = ReachableRecord(
      call, absl::StrCat(VolunteerName(key.volunteer_number), "/serviceRecords/", key.record_id));
  if (absl::IsNotFound(record.status())) {
    return absl::NotFoundError(absl::StrCat(name, " does not exist"));
  }
  ZY_RETURN_IF_ERROR(record.status());
  return std::make_pair(*std::move(correction), *std::move(record));
}

grpc::Status ServiceRecordServiceImpl::CreateCorrection(grpc::ServerContext* context,
                                                        const v1::CreateCorrectionRequest* request,
                                                        v1::Correction* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(
        caller, {v1::ROLE_REGION_ADMIN, v1::ROLE_TEAM_LEADER, v1::ROLE_VOLUNTEER},
        "ask for corrections"));
    Call call{caller, *context, clock_(), Deadline(*context), {}};
    const v1::Correction& asked = request->correction();
    RecordWrite write;
    write.kind = RecordWrite::Kind::kRequestCorrection;
    ZY_ASSIGN_OR_RETURN(const auto key, ParseRecordName("parent", request->parent()));
    write.volunteer_number = key.first;
    write.record_id = key.second;
    ZY_ASSIGN_OR_RETURN(write.client_id, ParseClientId("request_id", request->request_id(), false));
    if (asked.has_check_in_time()) {
      ZY_ASSIGN_OR_RETURN(write.new_check_in,
                          ParseTimestamp("correction.check_in_time", asked.check_in_time()));
    }
    if (asked.has_check_out_time()) {
      ZY_ASSIGN_OR_RETURN(write.new_check_out,
                          ParseTimestamp("correction.check_out_time", asked.check_out_time()));
    }
    write.withdraw = asked.withdraw();
    if (write.withdraw && (write.new_check_in.has_value() || write.new_check_out.has_value())) {
      return InvalidField("correction", "withdraw takes no new times");
    }
    if (!write.withdraw && !write.new_check_in.has_value() && !write.new_check_out.has_value()) {
      return InvalidField("correction", "needs check_in_time, check_out_time or withdraw");
    }
    for (const std::optional<absl::Time>& time : {write.new_check_in, write.new_check_out}) {
      if (time.has_value() && *time > call.received) {
        return InvalidField("correction", "times must not be in the future");
      }
    }
    ZY_RETURN_IF_ERROR(ValidateText("correction.reason", asked.reason(), 1, kMaxNoteChars));
    write.note = asked.reason();
    write.actor_token_id = caller.token_id;
    write.audit = AuditOf(caller, *context, Method("CreateCorrection"), *request);
    // Only a record the caller reaches may be corrected.
    ZY_RETURN_IF_ERROR(ReachableRecord(call, request->parent()).status());
    const std::vector<RecordWriteResult> results = writer_.Write({write}, call.deadline);
    ZY_RETURN_IF_ERROR(results[0].status);
    ZY_RETURN_IF_ERROR(Reachable(call, results[0], write.client_id));
    *response = ToProto(*results[0].correction);
    return absl::OkStatus();
  });
}

grpc::Status ServiceRecordServiceImpl::ReviewCorrection(grpc::ServerContext* context,
                                                        const v1::ReviewCorrectionRequest* request,
                                                        v1::Correction* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(
        caller, {v1::ROLE_REGION_ADMIN, v1::ROLE_TEAM_LEADER}, "review corrections"));
    Call call{caller, *context, clock_(), Deadline(*context), {}};
    if (!request->approve() && request->note().empty()) {
      return InvalidField("note", "is required when rejecting");
    }
    ZY_RETURN_IF_ERROR(ValidateText("note", request->note(), 0, kMaxNoteChars));
    ZY_ASSIGN_OR_RETURN(const auto found, ReachableCorrection(call, request->name()));
    const storage::Correction& correction = found.first;
    ZY_ASSIGN_OR_RETURN(const storage::Event* event, EventOf(call, "event", correction.event_id));
    ZY_ASSIGN_OR_RETURN(const bool reached,
                        authorizer_.ReachesEvent(caller, *event, call.deadline));
    if (!reached) {
      return Authorizer::Deny(caller,
                              absl::StrCat("review corrections at ", IdName("events", event->id)));
    }
    ZY_RETURN_IF_ERROR(AnotherPerson(call, correction.requester_token_id, request->name()));
    RecordWrite write;
    write.kind = RecordWrite::Kind::kReviewCorrection;
    write.volunteer_number = correction.volunteer_number;
    write.correction_id = correction.id;
    write.new_check_in = correction.check_in;
    write.new_check_out = correction.check_out;
    write.approve = request->approve();
    write.note = request->note();
    write.actor_token_id = caller.token_id;
    write.audit = AuditOf(caller, *context, Method("ReviewCorrection"), *request);
    write.audit.field_paths = {"state"};
    const std::vector<RecordWriteResult> results = writer_.Write({write}, call.deadline);
    ZY_RETURN_IF_ERROR(results[0].status);
    *response = ToProto(*results[0].correction);
    return absl::OkStatus();
  });
}

grpc::Status ServiceRecordServiceImpl::GetCorrection(grpc::ServerContext* context,
                                                     const v1::GetCorrectionRequest* request,
                                                     v1::Correction* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    Call call{caller, *context, clock_(), Deadline(*context), {}};
    ZY_ASSIGN_OR_RETURN(const auto found, ReachableCorrection(call, request->name()));
    *response = ToProto(found.first);
    return absl::OkStatus();
  });
}

grpc::Status ServiceRecordServiceImpl::ListCorrections(grpc::ServerContext* context,
                                                       const v1::ListCorrectionsRequest* request,
                                                       v1::ListCorrectionsResponse* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    Call call{caller, *context, clock_(), Deadline(*context), {}};
    storage::CorrectionQuery query;
    if (request->parent() == "volunteers/-/serviceRecords/-") {
      if (request->event().empty()) {
        return InvalidField("event", "is required when parent is volunteers/-/serviceRecords/-");
      }
      ZY_ASSIGN_OR_RETURN(query.event_id, ParseIdName("event", "events", request->event()));
      bool reached = false;
      if (caller.role != v1::ROLE_REPORTER && caller.role != v1::ROLE_VOLUNTEER) {
        ZY_ASSIGN_OR_RETURN(const storage::Event* event, EventOf(call, "event", query.event_id));
        ZY_ASSIGN_OR_RETURN(reached, authorizer_.ReachesEvent(caller, *event, call.deadline));
      }
      if (!reached) {
        return Authorizer::Deny(caller, absl::StrCat("list the corrections at ", request->event()));
      }
    } else {
      ZY_ASSIGN_OR_RETURN(const ServiceRecord record, ReachableRecord(call, request->parent()));
      query.volunteer_number = record.volunteer_number;
      query.record_id = record.id;
      if (!request->event().empty()) {
        ZY_ASSIGN_OR_RETURN(query.event_id, ParseIdName("event", "events", request->event()));
      }
    }
    if (request->state() < 0 || request->state() > v1::CORRECTION_STATE_REJECTED) {
      return InvalidField("state", "is not a CorrectionState");
    }
    query.state = request->state();
    int page_size = 0;
    ZY_RETURN_IF_ERROR(ResolvePageSize("page_size", request->page_size(), kDefaultPageSize,
                                       kMaxPageSize, &page_size));
    v1::ListCorrectionsRequest canonical = *request;
    canonical.clear_page_size();
    canonical.clear_page_token();
    const std::string fingerprint = canonical.SerializeAsString();
    ZY_ASSIGN_OR_RETURN(const std::string after,
                        DecodePageToken("page_token", request->page_token(), fingerprint));
    if (!after.empty() && !absl::SimpleAtoi(after, &query.after_id)) {
      return InvalidField("page_token", "is not a page token this service issued");
    }
    query.limit = page_size + 1;
    ZY_ASSIGN_OR_RETURN(const std::vector<storage::Correction> corrections,
                        store_.ListCorrections(query, call.deadline));
    response->set_next_page_token(FillPage(
        corrections, page_size, fingerprint,
        [&](const storage::Correction& c) { *response->add_corrections() = ToProto(c); },
        [](const storage::Correction& c) { return absl::StrCat(c.id); }));
    return absl::OkStatus();
  });
}

grpc::Status ServiceRecordServiceImpl::RecomputeServiceRecords(
    grpc::ServerContext* context, const v1::RecomputeServiceRecordsRequest* request,
    v1::RecomputeServiceRecordsResponse* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(
        Authorizer::RequireRole(caller, {v1::ROLE_REGION_ADMIN}, "recompute service records"));
    // A whole event's records: the import's longer bound.
    Call call{caller, *context, clock_(), Deadline(*context, absl::Minutes(10)), {}};
    ZY_ASSIGN_OR_RETURN(const int64_t event_id, ParseIdName("event", "events", request->event()));
    ZY_RETURN_IF_ERROR(ValidateText("reason", request->reason(), 1, kMaxNoteChars));
    ZY_ASSIGN_OR_RETURN(const storage::Event* event, EventOf(call, "event", event_id));
    if (!Authorizer::ReachesRegion(caller, event->region_code)) {
      return Authorizer::Deny(
          caller, absl::StrCat("recompute the records of ", IdName("events", event_id)));
    }
    storage::HourRuleSet rules;
    if (request->hour_rule_set().empty()) {
      ZY_ASSIGN_OR_RETURN(rules, rules_.Effective(event->region_code, call.deadline));
    } else {
      ZY_ASSIGN_OR_RETURN(const int64_t rules_id,
                          ParseIdName("hour_rule_set", "hourRuleSets", request->hour_rule_set()));
      absl::StatusOr<storage::HourRuleSet> named = rules_.Get(rules_id, call.deadline);
      if (absl::IsNotFound(named.status())) {
        return absl::FailedPreconditionError(
            absl::StrCat("hour_rule_set: ", request->hour_rule_set(), " does not exist"));
      }
      ZY_RETURN_IF_ERROR(named.status());
      if (!absl::StartsWith(event->region_code, named->region_code)) {
        return absl::FailedPreconditionError(absl::StrCat(
            "hour_rule_set: ", request->hour_rule_set(), " is for ",
            named->region_code.empty() ? "the country" : RegionName(named->region_code),
            ", not a region that holds ", IdName("events", event_id)));
      }
      rules = *std::move(named);
    }
    response->set_hour_rule_set(IdName("hourRuleSets", rules.id));
    const storage::AuditEntry audit = [&] {
      storage::AuditEntry entry =
          AuditOf(caller, *context, Method("RecomputeServiceRecords"), *request);
      entry.field_paths = {"credited_minutes", "hour_rule_set"};
      return entry;
    }();
    // Page through the event's credited records, newest first, and credit each page again.
    storage::RecordQuery query;
    query.event_id = event_id;
    query.state = static_cast<int>(storage::RecordState::kCredited);
    query.limit = 500;
    while (true) {
      ZY_ASSIGN_OR_RETURN(const std::vector<ServiceRecord> page, store_.List(query, call.deadline));
      std::vector<RecordWrite> writes;
      for (const ServiceRecord& record : page) {
        if (record.hour_class != storage::HourClass::kAttendance) continue;
        RecordWrite& write = writes.emplace_back();
        write.kind = RecordWrite::Kind::kRecompute;
        write.volunteer_number = record.volunteer_number;
        write.record_id = record.id;
        write.rule_set_id = rules.id;
        write.note = request->reason();
        write.actor_token_id = caller.token_id;
        write.audit = audit;
      }
      for (const RecordWriteResult& result : writer_.Write(writes, call.deadline)) {
        ZY_RETURN_IF_ERROR(result.status);
        response->set_examined(response->examined() + 1);
        if (!result.unchanged) response->set_changed(response->changed() + 1);
        response->set_credited_minutes_after(response->credited_minutes_after() +
                                             result.record.credited_minutes);
      }
      for (const ServiceRecord& record : page) {
        if (record.hour_class == storage::HourClass::kAttendance) {
          response->set_credited_minutes_before(response->credited_minutes_before() +
                                                record.credited_minutes);
        }
      }
      if (static_cast<int>(page.size()) < query.limit) break;
      query.after = std::make_pair(page.back().check_in, page.back().id);
    }
    return absl::OkStatus();
  });
}

grpc::Status ServiceRecordServiceImpl::GetServiceTotals(grpc::ServerContext* context,
                                                        const v1::GetServiceTotalsRequest* request,
                                                        v1::ServiceTotals* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    Call call{caller, *context, clock_(), Deadline(*context), {}};
    const absl::string_view name = request->name();
    if (!absl::EndsWith(name, "/serviceTotals")) {
      return InvalidField("name", "must be volunteers/{number}/serviceTotals");
    }
    storage::TotalsQuery query;
    ZY_ASSIGN_OR_RETURN(query.volunteer_number,
                        ParseVolunteerName("name", absl::StripSuffix(name, "/serviceTotals")));
    if (request->has_start_time()) {
      ZY_ASSIGN_OR_RETURN(query.from, ParseTimestamp("start_time", request->start_time()));
    }
    if (request->has_end_time()) {
      ZY_ASSIGN_OR_RETURN(query.before, ParseTimestamp("end_time", request->end_time()));
    }
    switch (request->period()) {
      case v1::TOTALS_PERIOD_UNSPECIFIED:
        break;
      case v1::TOTALS_PERIOD_MONTH:
        query.period = storage::TotalsQuery::Period::kMonth;
        break;
      case v1::TOTALS_PERIOD_YEAR:
        query.period = storage::TotalsQuery::Period::kYear;
        break;
      default:
        return InvalidField("period", "is not a TotalsPeriod");
    }
    ZY_ASSIGN_OR_RETURN(const bool reached, authorizer_.ReachesVolunteerNumber(
                                                caller, query.volunteer_number, call.deadline));
    if (!reached || caller.role == v1::ROLE_REPORTER) {
      return VolunteerNotFound(query.volunteer_number);
    }
    ZY_ASSIGN_OR_RETURN(const storage::Totals totals, store_.GetTotals(query, call.deadline));
    response->set_name(std::string(name));
    auto fill = [](const storage::TotalsRow& row, bool dated, v1::ServiceTotalsPeriod* proto) {
      if (dated) proto->set_start_date(absl::FormatCivilTime(row.start));
      proto->set_attendance_minutes(row.attendance_minutes);
      proto->set_manual_minutes(row.manual_minutes);
      proto->set_record_count(row.record_count);
    };
    fill(totals.window, false, response->mutable_window());
    for (const storage::TotalsRow& row : totals.periods) fill(row, true, response->add_periods());
    response->set_lifetime_minutes(totals.lifetime_minutes);
    int stars = 0;
    while (stars < 5 && totals.lifetime_minutes >= kStarHours[stars] * 60) ++stars;
    response->set_star_level(stars);
    response->set_next_star_minutes(stars == 5 ? 0
                                               : kStarHours[stars] * 60 - totals.lifetime_minutes);
    return absl::OkStatus();
  });
}

}  // namespace zhiyuan::services
