#include "services/event_service.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/audit.h"
#include "services/handler.h"
#include "services/page_token.h"
#include "services/proto_time.h"
#include "services/resource_names.h"
#include "services/validation.h"
#include "storage/status_macros.h"

namespace zhiyuan::services {
namespace {

namespace v1 = ::zhiyuan::v1;

constexpr absl::string_view kCollection = "events";
constexpr int kMaxTitleChars = 100;
constexpr int kMaxLocationChars = 200;
constexpr int kMaxCapacity = 100000;
constexpr int64_t kMaxFigure = 100000000;
constexpr absl::Duration kMaxDuration = absl::Hours(24 * 31);
constexpr absl::Duration kCodeMargin = absl::Hours(1);
constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;

v1::ReportedFigure FigureToProto(const storage::ReportedFigure& figure) {
  v1::ReportedFigure proto;
  proto.set_value(figure.value);
  proto.set_qualifier(static_cast<v1::FigureQualifier>(figure.qualifier));
  return proto;
}

v1::Event ToProto(const storage::Event& event) {
  v1::Event proto;
  proto.set_name(IdName(kCollection, event.id));
  proto.set_title(event.title);
  proto.set_organizer(IdName("teams", event.team_id));
  proto.set_region(RegionName(event.region_code));
  if (event.program_id != 0) proto.set_program(IdName("programs", event.program_id));
  if (event.post_id != 0) proto.set_post(IdName("posts", event.post_id));
  if (event.practice_unit_id != 0) {
    proto.set_practice_unit(IdName("practiceUnits", event.practice_unit_id));
  }
  proto.set_location(event.location);
  if (event.coordinates.has_value()) {
    proto.mutable_coordinates()->set_latitude(event.coordinates->first);
    proto.mutable_coordinates()->set_longitude(event.coordinates->second);
  }
  *proto.mutable_start_time() = services::ToProto(event.start_time);
  *proto.mutable_end_time() = services::ToProto(event.end_time);
  proto.set_capacity(event.capacity);
  proto.set_category(static_cast<v1::ServiceCategory>(event.category));
  proto.set_status(static_cast<v1::EventStatus>(event.status));
  if (event.headcount.qualifier != 0) {
    *proto.mutable_reported_headcount() = FigureToProto(event.headcount);
  }
  if (event.audience.qualifier != 0) {
    *proto.mutable_reported_audience() = FigureToProto(event.audience);
  }
  *proto.mutable_create_time() = services::ToProto(event.create_time);
  *proto.mutable_update_time() = services::ToProto(event.update_time);
  if (event.delete_time.has_value()) {
    *proto.mutable_delete_time() = services::ToProto(*event.delete_time);
  }
  proto.set_etag(absl::StrCat(event.revision));
  return proto;
}

absl::Status Reply(const absl::StatusOr<storage::Event>& event, v1::Event* response) {
  ZY_RETURN_IF_ERROR(event.status());
  *response = ToProto(*event);
  return absl::OkStatus();
}

bool Contains(const std::vector<int64_t>& ids, int64_t id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

absl::StatusOr<int64_t> ParseOptionalId(absl::string_view field, absl::string_view collection,
                                        absl::string_view name) {
  if (name.empty()) return 0;
  return ParseIdName(field, collection, name);
}

absl::StatusOr<std::optional<std::pair<double, double>>> ParseCoordinates(const v1::Event& event) {
  if (!event.has_coordinates()) return std::optional<std::pair<double, double>>();
  const double latitude = event.coordinates().latitude();
  const double longitude = event.coordinates().longitude();
  if (!std::isfinite(latitude) || latitude < -90 || latitude > 90) {
    return InvalidField("event.coordinates.latitude", "must be -90 to 90");
  }
  if (!std::isfinite(longitude) || longitude < -180 || longitude > 180) {
    return InvalidField("event.coordinates.longitude", "must be -180 to 180");
  }
  return std::make_optional(std::make_pair(latitude, longitude));
}

absl::StatusOr<storage::ReportedFigure> ParseFigure(absl::string_view field, bool present,
                                                    const v1::ReportedFigure& figure) {
  if (!present) return storage::ReportedFigure();
  if (figure.value() < 0 || figure.value() > kMaxFigure) {
    return InvalidField(absl::StrCat(field, ".value"), absl::StrCat("must be 0 to ", kMaxFigure));
  }
  if (figure.qualifier() == v1::FIGURE_QUALIFIER_UNSPECIFIED ||
      !v1::FigureQualifier_IsValid(figure.qualifier())) {
    return InvalidField(absl::StrCat(field, ".qualifier"), "is required: EXACT, AT_LEAST or ABOUT");
  }
  return storage::ReportedFigure{figure.value(), figure.qualifier()};
}

absl::StatusOr<int> ParseCategory(int category) {
  if (category == v1::SERVICE_CATEGORY_UNSPECIFIED || !v1::ServiceCategory_IsValid(category)) {
    return InvalidField("event.category", "is required: a ServiceCategory");
  }
  return category;
}

absl::StatusOr<int> ParseStatus(int status, bool required) {
  if (!v1::EventStatus_IsValid(status) || (required && status == v1::EVENT_STATUS_UNSPECIFIED)) {
    return InvalidField("event.status", "must be PLANNED, ONGOING, COMPLETED or CANCELLED");
  }
  return status == v1::EVENT_STATUS_UNSPECIFIED ? v1::EVENT_STATUS_PLANNED : status;
}

absl::Status CheckSchedule(absl::Time start, absl::Time end) {
  if (end <= start) return InvalidField("event.end_time", "must be after start_time");
  if (end - start > kMaxDuration) {
    return InvalidField("event.end_time", "must be at most 31 days after start_time");
  }
  return absl::OkStatus();
}

absl::StatusOr<storage::Event> FromCreateRequest(const v1::CreateEventRequest& request) {
  ZY_RETURN_IF_ERROR(ValidateRequestId("request_id", request.request_id()));
  const v1::Event& proto = request.event();
  storage::Event event;
  ZY_RETURN_IF_ERROR(ValidateText("event.title", proto.title(), 1, kMaxTitleChars));
  event.title = proto.title();
  ZY_ASSIGN_OR_RETURN(event.team_id, ParseIdName("event.organizer", "teams", proto.organizer()));
  ZY_ASSIGN_OR_RETURN(event.region_code, ParseRegionName("event.region", proto.region()));
  ZY_ASSIGN_OR_RETURN(event.program_id,
                      ParseOptionalId("event.program", "programs", proto.program()));
  ZY_ASSIGN_OR_RETURN(event.post_id, ParseOptionalId("event.post", "posts", proto.post()));
  ZY_ASSIGN_OR_RETURN(
      event.practice_unit_id,
      ParseOptionalId("event.practice_unit", "practiceUnits", proto.practice_unit()));
  if (event.post_id != 0 && event.practice_unit_id != 0) {
    return InvalidField("event.practice_unit", "give a post or a practice unit, not both");
  }
  ZY_RETURN_IF_ERROR(ValidateText("event.location", proto.location(), 0, kMaxLocationChars));
  event.location = proto.location();
  ZY_ASSIGN_OR_RETURN(event.coordinates, ParseCoordinates(proto));
  if (!proto.has_start_time()) return InvalidField("event.start_time", "is required");
  if (!proto.has_end_time()) return InvalidField("event.end_time", "is required");
  ZY_ASSIGN_OR_RETURN(event.start_time, ParseTimestamp("event.start_time", proto.start_time()));
  ZY_ASSIGN_OR_RETURN(event.end_time, ParseTimestamp("event.end_time", proto.end_time()));
  ZY_RETURN_IF_ERROR(CheckSchedule(event.start_time, event.end_time));
  if (proto.capacity() < 0 || proto.capacity() > kMaxCapacity) {
    return InvalidField("event.capacity", absl::StrCat("must be 0 to ", kMaxCapacity));
  }
  event.capacity = proto.capacity();
  ZY_ASSIGN_OR_RETURN(event.category, ParseCategory(proto.category()));
  ZY_ASSIGN_OR_RETURN(event.status, ParseStatus(proto.status(), /*required=*/false));
  ZY_ASSIGN_OR_RETURN(event.headcount,
                      ParseFigure("event.reported_headcount", proto.has_reported_headcount(),
                                  proto.reported_headcount()));
  ZY_ASSIGN_OR_RETURN(event.audience,
                      ParseFigure("event.reported_audience", proto.has_reported_audience(),
                                  proto.reported_audience()));
  return event;
}

absl::StatusOr<storage::EventChange> ToChange(const v1::UpdateEventRequest& request) {
  const v1::Event& proto = request.event();
  if (request.update_mask().paths().empty()) {
    return InvalidField("update_mask", "is required: name the fields to set");
  }
  storage::EventChange change;
  for (const std::string& path : request.update_mask().paths()) {
    if (path == "title") {
      ZY_RETURN_IF_ERROR(ValidateText("event.title", proto.title(), 1, kMaxTitleChars));
      change.title = proto.title();
    } else if (path == "program") {
      ZY_ASSIGN_OR_RETURN(change.program_id,
                          ParseOptionalId("event.program", "programs", proto.program()));
    } else if (path == "post") {
      ZY_ASSIGN_OR_RETURN(change.post_id, ParseOptionalId("event.post", "posts", proto.post()));
    } else if (path == "practice_unit") {
      ZY_ASSIGN_OR_RETURN(
          change.practice_unit_id,
          ParseOptionalId("event.practice_unit", "practiceUnits", proto.practice_unit()));
    } else if (path == "location") {
      ZY_RETURN_IF_ERROR(ValidateText("event.location", proto.location(), 0, kMaxLocationChars));
      change.location = proto.location();
    } else if (path == "coordinates") {
      ZY_ASSIGN_OR_RETURN(change.coordinates, ParseCoordinates(proto));
    } else if (path == "start_time") {
      if (!proto.has_start_time()) return InvalidField("event.start_time", "is required");
      ZY_ASSIGN_OR_RETURN(change.start_time, ParseTimestamp("event.start_time", proto.start_time()));
    } else if (path == "end_time") {
      if (!proto.has_end_time()) return InvalidField("event.end_time", "is required");
      ZY_ASSIGN_OR_RETURN(change.end_time, ParseTimestamp("event.end_time", proto.end_time()));
    } else if (path == "capacity") {
      if (proto.capacity() < 0 || proto.capacity() > kMaxCapacity) {
        return InvalidField("event.capacity", absl::StrCat("must be 0 to ", kMaxCapacity));
      }
      change.capacity = proto.capacity();
    } else if (path == "category") {
      ZY_ASSIGN_OR_RETURN(change.category, ParseCategory(proto.category()));
    } else if (path == "status") {
      ZY_ASSIGN_OR_RETURN(change.status, ParseStatus(proto.status(), /*required=*/true));
    } else if (path == "reported_headcount") {
      ZY_ASSIGN_OR_RETURN(change.headcount,
                          ParseFigure("event.reported_headcount", proto.has_reported_headcount(),
                                      proto.reported_headcount()));
    } else if (path == "reported_audience") {
      ZY_ASSIGN_OR_RETURN(change.audience,
                          ParseFigure("event.reported_audience", proto.has_reported_audience(),
                                      proto.reported_audience()));
    } else {
      return InvalidField("update_mask",
                          absl::StrCat("cannot set \"", path,
                                       "\": only title, program, post, practice_unit, location, "
                                       "coordinates, start_time, end_time, capacity, category, "
                                       "status, reported_headcount and reported_audience"));
    }
  }
  ZY_RETURN_IF_ERROR(ParseEtag("event.etag", proto.etag(), &change.expected_revision));
  return change;
}

absl::StatusOr<storage::EventQuery> ToQuery(const v1::ListEventsRequest& request,
                                            std::string* fingerprint) {
  storage::EventQuery query;
  if (!request.region().empty()) {
    ZY_ASSIGN_OR_RETURN(query.region_code, ParseRegionName("region", request.region()));
  }
  ZY_ASSIGN_OR_RETURN(query.program_id, ParseOptionalId("program", "programs", request.program()));
  ZY_ASSIGN_OR_RETURN(query.team_id, ParseOptionalId("organizer", "teams", request.organizer()));
  ZY_ASSIGN_OR_RETURN(query.post_id, ParseOptionalId("post", "posts", request.post()));
  ZY_ASSIGN_OR_RETURN(query.practice_unit_id,
                      ParseOptionalId("practice_unit", "practiceUnits", request.practice_unit()));
  if (!v1::EventStatus_IsValid(request.status())) {
    return InvalidField("status", "is not an EventStatus");
  }
  query.status = request.status();
  if (request.has_start_time_from()) {
    ZY_ASSIGN_OR_RETURN(query.start_from, ParseTimestamp("start_time_from", request.start_time_from()));
  }
  if (request.has_start_time_before()) {
    ZY_ASSIGN_OR_RETURN(query.start_before,
                        ParseTimestamp("start_time_before", request.start_time_before()));
  }
  query.show_deleted = request.show_deleted();
  ZY_RETURN_IF_ERROR(ResolvePageSize("page_size", request.page_size(), kDefaultPageSize,
                                     kMaxPageSize, &query.limit));
  *fingerprint = absl::StrCat("events|", query.region_code, "|", query.program_id, "|",
                              query.team_id, "|", query.post_id, "|", query.practice_unit_id, "|",
                              query.status, "|", absl::FormatTime(query.start_from), "|",
                              absl::FormatTime(query.start_before), "|", query.show_deleted);
  ZY_ASSIGN_OR_RETURN(const std::string after,
                      DecodePageToken("page_token", request.page_token(), *fingerprint));
  if (!after.empty() && !absl::SimpleAtoi(after, &query.after_id)) {
    return InvalidField("page_token", "is not a page token this service issued");
  }
  return query;
}

}  // namespace

absl::StatusOr<storage::Event> EventServiceImpl::ReachableEvent(const Principal& caller, int64_t id,
                                                                absl::string_view verb,
                                                                absl::Time deadline) {
  ZY_ASSIGN_OR_RETURN(storage::Event event, store_.Get(id, deadline));
  ZY_ASSIGN_OR_RETURN(const bool reached, authorizer_.ReachesEvent(caller, event, deadline));
  if (!reached) return Authorizer::Deny(caller, absl::StrCat(verb, " ", IdName(kCollection, id)));
  return event;
}

// What an event refers to must be within the writer's reach. A region admin: the region, the
// organizer, the program, the post and the unit by region. A team leader: an organizer that is
// its team or under it, a region within the organizer's home region, a program its teams run
// and a post its teams are on duty at, and no practice unit (those are the offices').
absl::Status EventServiceImpl::CheckReferences(const Principal& caller, const storage::Event& event,
                                               const storage::Event* before, absl::Time deadline) {
  if (caller.is_system_admin()) return absl::OkStatus();
  const bool leader = caller.role == v1::ROLE_TEAM_LEADER;
  if (before == nullptr) {
    absl::StatusOr<storage::Team> team = authorizer_.stores().teams.Get(event.team_id, deadline);
    if (absl::IsNotFound(team.status())) {
      return absl::FailedPreconditionError(
          absl::StrCat("event.organizer: teams/", event.team_id, " does not exist"));
    }
    ZY_RETURN_IF_ERROR(team.status());
    ZY_ASSIGN_OR_RETURN(const bool reached, authorizer_.ReachesTeam(caller, *team, deadline));
    if (!reached) {
      return Authorizer::Deny(caller, absl::StrCat("hold an event for teams/", event.team_id));
    }
    const bool in_region = leader ? absl::StartsWith(event.region_code, team->home_region_code)
                                  : Authorizer::ReachesRegion(caller, event.region_code);
    if (!in_region) {
      return Authorizer::Deny(caller,
                              absl::StrCat("hold an event in ", RegionName(event.region_code)));
    }
  }
  if (event.program_id != 0 && (before == nullptr || before->program_id != event.program_id)) {
    absl::StatusOr<storage::Program> program = programs_.Get(event.program_id, deadline);
    if (absl::IsNotFound(program.status())) {
      return absl::FailedPreconditionError(
          absl::StrCat("event.program: programs/", event.program_id, " does not exist"));
    }
    ZY_RETURN_IF_ERROR(program.status());
    bool reached = Authorizer::ReachesRegion(caller, program->region_code);
    if (leader && program->owner.team_id != 0) {
      ZY_ASSIGN_OR_RETURN(
          reached, authorizer_.IsTeamWithin(program->owner.team_id, caller.team_id, deadline));
    }
    if (!reached) {
      return Authorizer::Deny(caller, absl::StrCat("hold an event of programs/", event.program_id));
    }
  }
  if (event.post_id != 0 && (before == nullptr || before->post_id != event.post_id)) {
    bool reached = false;
    if (leader) {
      absl::StatusOr<storage::Post> post = authorizer_.stores().posts.Get(event.post_id, deadline);
      if (absl::IsNotFound(post.status())) {
        return absl::FailedPreconditionError(
            absl::StrCat("event.post: posts/", event.post_id, " does not exist"));
      }
      ZY_RETURN_IF_ERROR(post.status());
      if (post->duty_team_id != 0) {
        ZY_ASSIGN_OR_RETURN(reached,
                            authorizer_.IsTeamWithin(post->duty_team_id, caller.team_id, deadline));
      }
    } else {
      ZY_ASSIGN_OR_RETURN(reached,
                          authorizer_.ReachesPostId(caller, "event.post", event.post_id, deadline));
    }
    if (!reached) {
      return Authorizer::Deny(caller, absl::StrCat("hold an event at posts/", event.post_id));
    }
  }
  if (event.practice_unit_id != 0 &&
      (before == nullptr || before->practice_unit_id != event.practice_unit_id)) {
    ZY_ASSIGN_OR_RETURN(
        const bool reached,
        authorizer_.ReachesUnitId(caller, "event.practice_unit", event.practice_unit_id, deadline));
    if (!reached) {
      return Authorizer::Deny(
          caller, absl::StrCat("hold an event at practiceUnits/", event.practice_unit_id));
    }
  }
  return absl::OkStatus();
}

grpc::Status EventServiceImpl::GetEvent(grpc::ServerContext* context,
                                        const v1::GetEventRequest* request, v1::Event* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(
        caller, {v1::ROLE_REGION_ADMIN, v1::ROLE_REPORTER, v1::ROLE_TEAM_LEADER, v1::ROLE_KIOSK},
        "read events"));
    ZY_ASSIGN_OR_RETURN(const int64_t id, ParseIdName("name", kCollection, request->name()));
    return Reply(ReachableEvent(caller, id, "read", Deadline(*context)), response);
  });
}

grpc::Status EventServiceImpl::ListEvents(grpc::ServerContext* context,
                                          const v1::ListEventsRequest* request,
                                          v1::ListEventsResponse* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(
        caller, {v1::ROLE_REGION_ADMIN, v1::ROLE_REPORTER, v1::ROLE_TEAM_LEADER, v1::ROLE_KIOSK},
        "list events"));
    const absl::Time deadline = Deadline(*context);
    std::string fingerprint;
    ZY_ASSIGN_OR_RETURN(storage::EventQuery query, ToQuery(*request, &fingerprint));
    switch (caller.role) {
      case v1::ROLE_TEAM_LEADER: {
        // A team leader lists one team's events: its own, or one under it.
        if (query.team_id == 0) query.team_id = caller.team_id;
        ZY_ASSIGN_OR_RETURN(const bool within,
                            authorizer_.IsTeamWithin(query.team_id, caller.team_id, deadline));
        if (!within) {
          return Authorizer::Deny(caller, absl::StrCat("list the events of teams/", query.team_id));
        }
        break;
      }
      case v1::ROLE_KIOSK:
        // A kiosk lists the events at one of its places, named in the filter.
        if (!(query.post_id != 0 && Contains(caller.post_ids, query.post_id)) &&
            !(query.practice_unit_id != 0 &&
              Contains(caller.practice_unit_ids, query.practice_unit_id))) {
          return Authorizer::Deny(caller,
                                  "list events but at its posts or practice units: name one in "
                                  "post or practice_unit");
        }
        break;
      default:
        ZY_ASSIGN_OR_RETURN(query.region_code,
                            Authorizer::NarrowRegion(caller, "region", query.region_code));
    }
    const int page_size = query.limit;
    ++query.limit;  // One more tells whether there is a next page.
    ZY_ASSIGN_OR_RETURN(const storage::EventPage page, store_.List(query, deadline));
    response->set_next_page_token(FillPage(
        page.events, page_size, fingerprint,
        [&](const storage::Event& event) { *response->add_events() = ToProto(event); },
        [](const storage::Event& event) { return absl::StrCat(event.id); }));
    response->set_total_size(page.total);
    return absl::OkStatus();
  });
}

grpc::Status EventServiceImpl::CreateEvent(grpc::ServerContext* context,
                                           const v1::CreateEventRequest* request,
                                           v1::Event* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(
        caller, {v1::ROLE_REGION_ADMIN, v1::ROLE_TEAM_LEADER}, "hold events"));
    const absl::Time deadline = Deadline(*context);
    ZY_ASSIGN_OR_RETURN(const storage::Event event, FromCreateRequest(*request));
    ZY_RETURN_IF_ERROR(CheckReferences(caller, event, nullptr, deadline));
    ZY_ASSIGN_OR_RETURN(
        const storage::Event created,
        store_.Create(event, absl::AsciiStrToLower(request->request_id()),
                      AuditOf(caller, *context, "zhiyuan.v1.EventService.CreateEvent", *request),
                      deadline));
    ZY_ASSIGN_OR_RETURN(const bool reached, authorizer_.ReachesEvent(caller, created, deadline));
    if (!reached) return Authorizer::RequestIdTaken(request->request_id());
    *response = ToProto(created);
    return absl::OkStatus();
  });
}

grpc::Status EventServiceImpl::UpdateEvent(grpc::ServerContext* context,
                                           const v1::UpdateEventRequest* request,
                                           v1::Event* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(
        caller, {v1::ROLE_REGION_ADMIN, v1::ROLE_TEAM_LEADER}, "change events"));
    const absl::Time deadline = Deadline(*context);
    ZY_ASSIGN_OR_RETURN(const int64_t id,
                        ParseIdName("event.name", kCollection, request->event().name()));
    ZY_ASSIGN_OR_RETURN(storage::EventChange change, ToChange(*request));
    ZY_ASSIGN_OR_RETURN(const storage::Event before,
                        ReachableEvent(caller, id, "change", deadline));
    // What is authorised is the change to the event as read here: the write is pinned to this
    // revision, so a concurrent change makes it ABORTED rather than let it apply unchecked.
    storage::Event next = before;
    ZY_RETURN_IF_ERROR(storage::ApplyEventChange(change, next));
    ZY_RETURN_IF_ERROR(CheckSchedule(next.start_time, next.end_time));
    ZY_RETURN_IF_ERROR(CheckReferences(caller, next, &before, deadline));
    if (!change.expected_revision.has_value()) change.expected_revision = before.revision;
    return Reply(
        store_.Update(id, change,
                      AuditOf(caller, *context, "zhiyuan.v1.EventService.UpdateEvent", *request),
                      deadline),
        response);
  });
}

grpc::Status EventServiceImpl::DeleteEvent(grpc::ServerContext* context,
                                           const v1::DeleteEventRequest* request,
                                           v1::Event* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(
        caller, {v1::ROLE_REGION_ADMIN, v1::ROLE_TEAM_LEADER}, "delete events"));
    const absl::Time deadline = Deadline(*context);
    ZY_ASSIGN_OR_RETURN(const int64_t id, ParseIdName("name", kCollection, request->name()));
    std::optional<int64_t> revision;
    ZY_RETURN_IF_ERROR(ParseEtag("etag", request->etag(), &revision));
    ZY_RETURN_IF_ERROR(ReachableEvent(caller, id, "delete", deadline).status());
    return Reply(
        store_.Delete(id, revision,
                      AuditOf(caller, *context, "zhiyuan.v1.EventService.DeleteEvent", *request),
                      deadline),
        response);
  });
}

grpc::Status EventServiceImpl::GetEventCheckInCode(grpc::ServerContext* context,
                                                   const v1::GetEventCheckInCodeRequest* request,
                                                   v1::EventCheckInCode* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(
        caller, {v1::ROLE_REGION_ADMIN, v1::ROLE_TEAM_LEADER, v1::ROLE_KIOSK},
        "show check-in codes"));
    ZY_ASSIGN_OR_RETURN(const int64_t id, ParseIdName("name", kCollection, request->name()));
    ZY_ASSIGN_OR_RETURN(
        const storage::Event event,
        ReachableEvent(caller, id, "show the check-in code of", Deadline(*context)));
    if (event.delete_time.has_value() || event.status != storage::kOngoing) {
      return absl::FailedPreconditionError(
          absl::StrCat(IdName(kCollection, id),
                       " is not ONGOING: check-in codes are shown while it is under way"));
    }
    // From an hour before the scheduled start to an hour after the scheduled end: a code shown
    // long after the event would credit people who were never there.
    const absl::Time now = clock_();
    if (now < event.start_time - kCodeMargin || now > event.end_time + kCodeMargin) {
      return absl::FailedPreconditionError(
          absl::StrCat(IdName(kCollection, id), " is scheduled ",
                       absl::FormatTime(event.start_time), " to ", absl::FormatTime(event.end_time),
                       ": check-in codes are shown from an hour before to an hour after"));
    }
    const CheckInCodes::Code code = codes_.At(id, now);
    response->set_event(IdName(kCollection, id));
    response->set_short_code(code.short_code);
    response->set_qr_payload(code.qr_payload);
    *response->mutable_valid_from() = services::ToProto(code.valid_from);
    *response->mutable_valid_until() = services::ToProto(code.valid_until);
    return absl::OkStatus();
  });
}

}  // namespace zhiyuan::services
