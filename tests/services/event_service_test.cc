// EventService's handlers over an in-process channel and the in-memory stores.
#include "services/event_service.h"

#include <gmock/gmock.h>
#include <grpcpp/server_builder.h>
#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storage/in_memory_audit_log.h"
#include "storage/in_memory_event_store.h"
#include "storage/in_memory_post_store.h"
#include "storage/in_memory_practice_unit_store.h"
#include "storage/in_memory_program_store.h"
#include "storage/in_memory_region_store.h"
#include "storage/in_memory_team_store.h"
#include "storage/in_memory_volunteer_store.h"
#include "tests/testing/audit.h"
#include "tests/testing/auth.h"
#include "tests/testing/regions.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/text_proto.h"

namespace zhiyuan::services {
namespace {

using ::testing::HasSubstr;
using ::zhiyuan::testing::IsOk;
using ::zhiyuan::testing::ParseTextProto;
using ::zhiyuan::testing::StatusIs;
using ::zhiyuan::v1::CreateEventRequest;
using ::zhiyuan::v1::Event;
using ::zhiyuan::v1::EventService;
using ::zhiyuan::v1::ListEventsRequest;
using ::zhiyuan::v1::ListEventsResponse;
using ::zhiyuan::v1::UpdateEventRequest;

// 2026-03-01 19:00 to 21:00 China time.
constexpr char kEvening[] = "start_time { seconds: 1772362800 } end_time { seconds: 1772370000 }";
constexpr char kNightSchool[] =
    "title: '新时代夜校·乡村振兴政策宣讲' organizer: 'teams/1' region: 'regions/141124' "
    "category: SERVICE_CATEGORY_THEORY_OUTREACH ";

// 临县 with 临泉镇, a team there (teams/1), and one event (events/1).
class EventServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(
        ::zhiyuan::testing::ImportRegions(
            regions_,
            {{"14", "山西省"}, {"1411", "吕梁市"}, {"141124", "临县"}, {"141124100", "临泉镇"}}),
        IsOk());
    storage::Team team;
    team.display_name = "临县党史宣讲志愿服务总队";
    team.home_region_code = "141124";
    team.status = 1;
    ASSERT_THAT(teams_.Create(team, "", ::zhiyuan::testing::TestAudit(), absl::InfiniteFuture()),
                IsOk());
    grpc::ServerBuilder builder;
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    stub_ = EventService::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
    Event event;
    ASSERT_THAT(Create(Request(""), &event), IsOk());
    ASSERT_EQ(event.name(), "events/1");
    before_ = Snapshot();
  }

  void TearDown() override { server_->Shutdown(); }

  static CreateEventRequest Request(const std::string& extra) {
    return ParseTextProto<CreateEventRequest>(
        absl::StrCat("event { ", kNightSchool, kEvening, " ", extra, " }"));
  }

  grpc::Status Create(const CreateEventRequest& request, Event* event) {
    grpc::ClientContext context;
    auth_.Authorize(context);
    return stub_->CreateEvent(&context, request, event);
  }

  grpc::Status Update(const std::string& text, Event* event) {
    grpc::ClientContext context;
    auth_.Authorize(context);
    return stub_->UpdateEvent(&context, ParseTextProto<UpdateEventRequest>(text), event);
  }

  std::vector<std::string> Snapshot() {
    storage::EventQuery query;
    query.show_deleted = true;
    query.limit = 1000;
    const auto page = events_.List(query, absl::InfiniteFuture());
    EXPECT_THAT(page, IsOk());
    std::vector<std::string> all;
    for (const auto& event : page->events) {
      all.push_back(absl::StrCat(event.id, " ", event.title, " ", event.revision));
    }
    return all;
  }

  storage::InMemoryAuditLog audit_log_;
  storage::InMemoryRegionStore regions_;
  storage::InMemoryPracticeUnitStore units_{regions_};
  storage::InMemoryVolunteerStore volunteers_{regions_};
  storage::InMemoryTeamStore teams_{regions_, units_, volunteers_};
  storage::InMemoryProgramStore programs_{regions_, units_, teams_};
  storage::InMemoryPostStore posts_{regions_, teams_};
  storage::InMemoryEventStore events_{regions_, teams_, programs_, posts_, units_, &audit_log_};
  ::zhiyuan::testing::TestAuth auth_{{&teams_, &units_, &posts_, &volunteers_}};
  std::unique_ptr<CheckInCodes> codes_ = *CheckInCodes::Create(std::string(32, 'k'));
  absl::Time now_ = absl::FromUnixSeconds(1772363000);
  EventServiceImpl service_{events_, programs_, *codes_, auth_.authorizer(),
                            [this] { return now_; }};
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<EventService::Stub> stub_;
  std::vector<std::string> before_;
};

TEST_F(EventServiceTest, CreateReturnsTheWholeEventWithItsReportedFigures) {
  Event event;
  ASSERT_THAT(
      Create(Request("location: '临泉镇便民服务中心' capacity: 60 "
                     "coordinates { latitude: 37.95 longitude: 110.99 } "
                     "reported_headcount { value: 30 qualifier: FIGURE_QUALIFIER_AT_LEAST } "
                     "reported_audience { value: 2000 qualifier: FIGURE_QUALIFIER_ABOUT }"),
             &event),
      IsOk());
  EXPECT_EQ(event.name(), "events/2");
  EXPECT_EQ(event.organizer(), "teams/1");
  EXPECT_EQ(event.region(), "regions/141124");
  EXPECT_EQ(event.status(), zhiyuan::v1::EVENT_STATUS_PLANNED);
  EXPECT_EQ(event.start_time().seconds(), 1772362800);
  EXPECT_EQ(event.capacity(), 60);
  EXPECT_DOUBLE_EQ(event.coordinates().latitude(), 37.95);
  EXPECT_EQ(event.reported_headcount().value(), 30);
  EXPECT_EQ(event.reported_headcount().qualifier(), zhiyuan::v1::FIGURE_QUALIFIER_AT_LEAST);
  EXPECT_EQ(event.reported_audience().qualifier(), zhiyuan::v1::FIGURE_QUALIFIER_ABOUT);
  EXPECT_EQ(event.etag(), "1");

  storage::AuditQuery query;
  query.resource = "events/2";
  const auto entries = audit_log_.List(query, absl::InfiniteFuture());
  ASSERT_THAT(entries, IsOk());
  ASSERT_EQ(entries->records.size(), 1u);
  EXPECT_EQ(entries->records[0].entry.method, "zhiyuan.v1.EventService.CreateEvent");
  EXPECT_EQ(entries->records[0].region_code, "141124");
}

TEST_F(EventServiceTest, StatusMovesForwardOnlyAndAHeldEventIsNotDeleted) {
  Event event;
  ASSERT_THAT(Update("event { name: 'events/1' status: EVENT_STATUS_ONGOING } "
                     "update_mask { paths: 'status' }",
                     &event),
              IsOk());
  EXPECT_EQ(event.status(), zhiyuan::v1::EVENT_STATUS_ONGOING);
  EXPECT_THAT(Update("event { name: 'events/1' status: EVENT_STATUS_PLANNED } "
                     "update_mask { paths: 'status' }",
                     &event),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("cannot become PLANNED")));
  grpc::ClientContext context;
  auth_.Authorize(context);
  zhiyuan::v1::DeleteEventRequest request;
  request.set_name("events/1");
  EXPECT_THAT(stub_->DeleteEvent(&context, request, &event),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("stays on record")));
}

TEST_F(EventServiceTest, CheckInCodesAreShownWhileTheEventIsUnderWay) {
  zhiyuan::v1::GetEventCheckInCodeRequest request;
  request.set_name("events/1");
  zhiyuan::v1::EventCheckInCode code;
  {
    grpc::ClientContext context;
    auth_.Authorize(context);
    EXPECT_THAT(stub_->GetEventCheckInCode(&context, request, &code),
                StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("not ONGOING")));
  }
  Event event;
  ASSERT_THAT(Update("event { name: 'events/1' status: EVENT_STATUS_ONGOING } "
                     "update_mask { paths: 'status' }",
                     &event),
              IsOk());
  grpc::ClientContext context;
  auth_.Authorize(context);
  ASSERT_THAT(stub_->GetEventCheckInCode(&context, request, &code), IsOk());
  EXPECT_EQ(code.event(), "events/1");
  EXPECT_TRUE(codes_->Verify(1, code.short_code(), now_));
  EXPECT_TRUE(codes_->Verify(1, code.qr_payload(), now_));
  EXPECT_FALSE(codes_->Verify(2, code.qr_payload(), now_));
  EXPECT_LE(code.valid_from().seconds(), absl::ToUnixSeconds(now_));
  EXPECT_GT(code.valid_until().seconds(), absl::ToUnixSeconds(now_));

  // Not long after the scheduled end (21:00): none after 22:00.
  now_ = absl::FromUnixSeconds(1772370000) + absl::Hours(1) + absl::Seconds(1);
  grpc::ClientContext late;
  auth_.Authorize(late);
  EXPECT_THAT(stub_->GetEventCheckInCode(&late, request, &code),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("an hour after")));
}

TEST_F(EventServiceTest, ListsByStartWindow) {
  Event later;
  ASSERT_THAT(Create(ParseTextProto<CreateEventRequest>(absl::StrCat(
                         "event { ", kNightSchool,
                         "start_time { seconds: 1775041200 } end_time { seconds: 1775048400 } }")),
                     &later),
              IsOk());
  grpc::ClientContext context;
  auth_.Authorize(context);
  ListEventsResponse listed;
  ASSERT_THAT(stub_->ListEvents(
                  &context,
                  ParseTextProto<ListEventsRequest>("start_time_from { seconds: 1775000000 } "
                                                    "start_time_before { seconds: 1776000000 }"),
                  &listed),
              IsOk());
  ASSERT_EQ(listed.events_size(), 1);
  EXPECT_EQ(listed.events(0).name(), later.name());
  EXPECT_EQ(listed.total_size(), 1);
}

using BadInput = std::tuple<std::string, grpc::StatusCode, std::string>;
constexpr grpc::StatusCode kInvalid = grpc::StatusCode::INVALID_ARGUMENT;
constexpr grpc::StatusCode kMissing = grpc::StatusCode::FAILED_PRECONDITION;

class CreateBadInputTest : public EventServiceTest,
                           public ::testing::WithParamInterface<BadInput> {};

TEST_P(CreateBadInputTest, IsRefusedAndChangesNothing) {
  const auto& [text, code, message] = GetParam();
  Event event;
  EXPECT_THAT(Create(ParseTextProto<CreateEventRequest>(text), &event),
              StatusIs(code, HasSubstr(message)));
  EXPECT_EQ(Snapshot(), before_);
}

const std::string Full(const std::string& extra) {
  return absl::StrCat("event { ", kNightSchool, kEvening, " ", extra, " }");
}

INSTANTIATE_TEST_SUITE_P(
    Requests, CreateBadInputTest,
    ::testing::Values(
        BadInput{absl::StrCat("request_id: 'x' ", Full("")), kInvalid, "request_id"},
        BadInput{absl::StrCat("event { organizer: 'teams/1' region: 'regions/141124' ", kEvening,
                              " category: SERVICE_CATEGORY_THEORY_OUTREACH }"),
                 kInvalid, "event.title"},
        BadInput{absl::StrCat("event { title: 'x' region: 'regions/141124' ", kEvening,
                              " category: SERVICE_CATEGORY_THEORY_OUTREACH }"),
                 kInvalid, "event.organizer"},
        BadInput{absl::StrCat("event { title: 'x' organizer: 'teams/1' ", kEvening,
                              " category: SERVICE_CATEGORY_THEORY_OUTREACH }"),
                 kInvalid, "event.region"},
        BadInput{absl::StrCat("event { ", kNightSchool, " end_time { seconds: 1772370000 } }"),
                 kInvalid, "event.start_time: is required"},
        BadInput{absl::StrCat("event { ", kNightSchool,
                              " start_time { seconds: 1772370000 } end_time { seconds: "
                              "1772362800 } }"),
                 kInvalid, "event.end_time: must be after start_time"},
        BadInput{absl::StrCat("event { ", kNightSchool,
                              " start_time { seconds: 1772362800 } end_time { seconds: "
                              "1775041201 } }"),
                 kInvalid, "at most 31 days"},
        BadInput{absl::StrCat("event { ", kNightSchool,
                              " start_time { seconds: 1772362800 nanos: -1 } end_time { seconds: "
                              "1772370000 } }"),
                 kInvalid, "event.start_time: is not a valid timestamp"},
        BadInput{absl::StrCat("event { title: 'x' organizer: 'teams/1' region: 'regions/141124' ",
                              kEvening, " }"),
                 kInvalid, "event.category"},
        BadInput{Full("post: 'posts/1' practice_unit: 'practiceUnits/1'"), kInvalid, "not both"},
        BadInput{Full("capacity: -1"), kInvalid, "event.capacity"},
        BadInput{Full("coordinates { latitude: 91 longitude: 0 }"), kInvalid,
                 "event.coordinates.latitude"},
        BadInput{Full("reported_headcount { value: 30 }"), kInvalid,
                 "event.reported_headcount.qualifier"},
        BadInput{Full("reported_audience { value: -5 qualifier: FIGURE_QUALIFIER_EXACT }"),
                 kInvalid, "event.reported_audience.value"},
        BadInput{Full("status: 9"), kInvalid, "event.status"},
        BadInput{absl::StrCat("event { title: 'x' organizer: 'teams/9' region: 'regions/141124' ",
                              kEvening, " category: SERVICE_CATEGORY_THEORY_OUTREACH }"),
                 kMissing, "teams/9"},
        BadInput{Full("program: 'programs/4'"), kMissing, "programs/4"},
        BadInput{Full("post: 'posts/4'"), kMissing, "posts/4"}));

class UpdateBadInputTest : public EventServiceTest,
                           public ::testing::WithParamInterface<BadInput> {};

TEST_P(UpdateBadInputTest, IsRefusedAndChangesNothing) {
  const auto& [text, code, message] = GetParam();
  Event event;
  EXPECT_THAT(Update(text, &event), StatusIs(code, HasSubstr(message)));
  EXPECT_EQ(Snapshot(), before_);
}

INSTANTIATE_TEST_SUITE_P(
    Requests, UpdateBadInputTest,
    ::testing::Values(
        BadInput{"event { name: 'events/1' title: 'x' }", kInvalid, "update_mask: is required"},
        BadInput{"event { name: 'events/1' } update_mask { paths: 'organizer' }", kInvalid,
                 "cannot set \"organizer\""},
        BadInput{"event { name: 'events/1' } update_mask { paths: 'region' }", kInvalid,
                 "cannot set \"region\""},
        BadInput{"event { name: 'events/1' title: '' } update_mask { paths: 'title' }", kInvalid,
                 "event.title"},
        BadInput{"event { name: 'events/1' } update_mask { paths: 'status' }", kInvalid,
                 "event.status"},
        BadInput{"event { name: 'events/1' end_time { seconds: 1772362000 } } "
                 "update_mask { paths: 'end_time' }",
                 kMissing, "end before it starts"},
        BadInput{"event { name: 'events/1' } update_mask { paths: 'start_time' }", kInvalid,
                 "event.start_time: is required"},
        BadInput{"event { name: 'events/1' end_time { seconds: 1775127600 } } "
                 "update_mask { paths: 'end_time' }",
                 kInvalid, "at most 31 days"},
        BadInput{"event { name: 'events/1' title: 'x' etag: '7' } update_mask { paths: 'title' }",
                 grpc::StatusCode::ABORTED, "etag"},
        BadInput{"event { name: 'events/2' title: 'x' } update_mask { paths: 'title' }",
                 grpc::StatusCode::NOT_FOUND, "events/2"},
        BadInput{"event { name: 'teams/1' title: 'x' } update_mask { paths: 'title' }", kInvalid,
                 "event.name"}));

}  // namespace
}  // namespace zhiyuan::services
