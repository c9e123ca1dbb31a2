#include "tests/storage/event_store_contract.h"

#include <gmock/gmock.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/testing/audit.h"
#include "tests/testing/regions.h"
#include "tests/testing/status_matchers.h"

namespace zhiyuan::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;
using ::testing::Pair;
using ::zhiyuan::testing::IsOk;
using ::zhiyuan::testing::StatusIs;
using ::zhiyuan::testing::TestAudit;

absl::Time Soon() { return absl::Now() + absl::Seconds(10); }

absl::Time China(int month, int day, int hour) {
  return absl::FromCivil(absl::CivilSecond(2026, month, day, hour, 0, 0),
                         absl::FixedTimeZone(8 * 3600));
}

std::vector<int64_t> Ids(const absl::StatusOr<EventPage>& page) {
  std::vector<int64_t> ids;
  if (page.ok()) {
    for (const Event& event : page->events) ids.push_back(event.id);
  }
  return ids;
}

}  // namespace

void EventStoreContractTest::SetUp() {
  stores_ = GetParam()();
  if (stores_.events == nullptr) GTEST_SKIP() << "no store to test";
  ASSERT_THAT(::zhiyuan::testing::ImportRegions(*stores_.regions, {{"14", "山西省"},
                                                                   {"1411", "吕梁市"},
                                                                   {"141124", "临县"},
                                                                   {"141124100", "临泉镇"},
                                                                   {"65", "新疆维吾尔自治区"},
                                                                   {"6523", "昌吉回族自治州"},
                                                                   {"652302", "阜康市"}}),
              IsOk());
  Team team;
  team.display_name = "临县党史宣讲志愿服务总队";
  team.home_region_code = "141124";
  team.status = 1;
  const auto made_team = stores_.teams->Create(team, "", TestAudit(), Soon());
  ASSERT_THAT(made_team, IsOk());
  team_ = made_team->id;
  Program program;
  program.display_name = "新时代夜校";
  program.category = 1;
  program.owner.region_code = "141124";
  program.start_date = absl::CivilDay(2024, 3, 1);
  const auto made_program = stores_.programs->Create(program, "", TestAudit(), Soon());
  ASSERT_THAT(made_program, IsOk());
  program_ = made_program->id;
  PracticeUnit unit;
  unit.kind = PracticeUnitKind::kCenter;
  unit.region_code = "141124";
  unit.display_name = "临县新时代文明实践中心";
  const auto made_unit = stores_.units->Create(unit, "", TestAudit(), Soon());
  ASSERT_THAT(made_unit, IsOk());
  unit_ = made_unit->id;
  for (auto [region, id] : {std::pair<std::string, int64_t*>{"141124100", &post_},
                            std::pair<std::string, int64_t*>{"652302", &fukang_post_}}) {
    Post post;
    post.display_name = "学雷锋志愿服务岗";
    post.host_organization = "便民服务中心";
    post.host_kind = 2;
    post.region_code = region;
    post.status = 1;
    const auto made_post = stores_.posts->Create(post, "", TestAudit(), Soon());
    ASSERT_THAT(made_post, IsOk());
    *id = made_post->id;
  }
}

Event EventStoreContractTest::Planned(const std::string& title) const {
  Event event;
  event.title = title;
  event.team_id = team_;
  event.region_code = "141124";
  event.start_time = China(3, 1, 19);
  event.end_time = China(3, 1, 21);
  event.category = 1;
  event.status = kPlanned;
  return event;
}

TEST_P(EventStoreContractTest, CreatesAnEventWithEverythingAndReadsItBack) {
  Event event = Planned("新时代夜校·乡村振兴政策宣讲");
  event.region_code = "141124100";
  event.program_id = program_;
  event.post_id = post_;
  event.location = "临泉镇便民服务中心二楼";
  event.coordinates = {37.950123456789012, 110.993456789012345};
  event.capacity = 60;
  event.headcount = {30, 2};
  event.audience = {2000, 2};
  const absl::StatusOr<Event> created = events().Create(event, "", TestAudit(), Soon());
  ASSERT_THAT(created, IsOk());
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->revision, 1);
  const absl::StatusOr<Event> read = events().Get(created->id, Soon());
  ASSERT_THAT(read, IsOk());
  EXPECT_EQ(read->title, event.title);
  EXPECT_EQ(read->team_id, team_);
  EXPECT_EQ(read->region_code, "141124100");
  EXPECT_EQ(read->program_id, program_);
  EXPECT_EQ(read->post_id, post_);
  EXPECT_EQ(read->practice_unit_id, 0);
  EXPECT_EQ(read->location, event.location);
  EXPECT_THAT(read->coordinates, Optional(Pair(37.950123456789012, 110.993456789012345)));
  EXPECT_EQ(read->start_time, event.start_time);
  EXPECT_EQ(read->end_time, event.end_time);
  EXPECT_EQ(read->capacity, 60);
  EXPECT_EQ(read->status, kPlanned);
  EXPECT_EQ(read->headcount, (ReportedFigure{30, 2}));
  EXPECT_EQ(read->audience, (ReportedFigure{2000, 2}));
  EXPECT_FALSE(read->delete_time.has_value());
  EXPECT_THAT(events().Get(created->id + 100, Soon()), StatusIs(absl::StatusCode::kNotFound));
}

TEST_P(EventStoreContractTest, ARetryWithTheSameRequestIdReturnsTheFirstEvent) {
  const std::string request_id = "0b6f3c1e-2d4a-4b5c-8d9e-0f1a2b3c4d5e";
  const auto first = events().Create(Planned("第一次"), request_id, TestAudit(), Soon());
  const auto again = events().Create(Planned("第二次"), request_id, TestAudit(), Soon());
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->id, first->id);
  EXPECT_EQ(again->title, "第一次");
  EXPECT_EQ(events().List(EventQuery(), Soon())->total, 1);
}

TEST_P(EventStoreContractTest, RefusesMissingOrMisplacedReferencesAndCreatesNothing) {
  std::vector<std::pair<Event, std::string>> cases;
  Event event = Planned("x");
  event.region_code = "141125";
  cases.push_back({event, "regions/141125"});
  event = Planned("x");
  event.team_id = team_ + 100;
  cases.push_back({event, absl::StrCat("teams/", team_ + 100)});
  event = Planned("x");
  event.program_id = program_ + 100;
  cases.push_back({event, "programs/"});
  event = Planned("x");
  event.post_id = fukang_post_;
  cases.push_back({event, "is not within the event's region"});
  event = Planned("x");
  event.region_code = "141124100";
  event.practice_unit_id = unit_;
  cases.push_back({event, "is not within the event's region"});
  event = Planned("x");
  event.post_id = post_ + 100;
  cases.push_back({event, "posts/"});
  for (const auto& [bad, message] : cases) {
    EXPECT_THAT(events().Create(bad, "", TestAudit(), Soon()),
                StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr(message)));
  }
  EXPECT_EQ(events().List(EventQuery(), Soon())->total, 0);
}

TEST_P(EventStoreContractTest, ListsByRegionProgramTeamPlaceStatusAndStartWithTotals) {
  Event at_post = Planned("岗位");
  at_post.region_code = "141124100";
  at_post.post_id = post_;
  const int64_t a = events().Create(at_post, "", TestAudit(), Soon())->id;
  Event of_program = Planned("夜校");
  of_program.program_id = program_;
  of_program.practice_unit_id = unit_;
  of_program.start_time = China(4, 1, 19);
  of_program.end_time = China(4, 1, 21);
  const int64_t b = events().Create(of_program, "", TestAudit(), Soon())->id;
  Event ongoing = Planned("进行中");
  ongoing.status = kOngoing;
  ongoing.start_time = China(5, 1, 8);
  ongoing.end_time = China(5, 1, 12);
  const int64_t c = events().Create(ongoing, "", TestAudit(), Soon())->id;
  const int64_t d = events().Create(Planned("取消"), "", TestAudit(), Soon())->id;
  ASSERT_THAT(events().Delete(d, std::nullopt, TestAudit(), Soon()), IsOk());

  EventQuery query;
  EXPECT_THAT(Ids(events().List(query, Soon())), ElementsAre(a, b, c));
  query.region_code = "141124100";
  EXPECT_THAT(Ids(events().List(query, Soon())), ElementsAre(a));
  query = EventQuery();
  query.program_id = program_;
  EXPECT_THAT(Ids(events().List(query, Soon())), ElementsAre(b));
  query = EventQuery();
  query.post_id = post_;
  EXPECT_THAT(Ids(events().List(query, Soon())), ElementsAre(a));
  query = EventQuery();
  query.practice_unit_id = unit_;
  EXPECT_THAT(Ids(events().List(query, Soon())), ElementsAre(b));
  query = EventQuery();
  query.team_id = team_;
  query.status = kOngoing;
  EXPECT_THAT(Ids(events().List(query, Soon())), ElementsAre(c));
  query = EventQuery();
  query.start_from = China(3, 1, 19);   // Inclusive.
  query.start_before = China(5, 1, 8);  // Exclusive.
  EXPECT_THAT(Ids(events().List(query, Soon())), ElementsAre(a, b));
  query = EventQuery();
  query.region_code = "652302";
  EXPECT_TRUE(Ids(events().List(query, Soon())).empty());
  query = EventQuery();
  query.show_deleted = true;
  query.after_id = a;
  query.limit = 2;
  const absl::StatusOr<EventPage> page = events().List(query, Soon());
  EXPECT_THAT(Ids(page), ElementsAre(b, c));
  EXPECT_EQ(page->total, 4);
}

TEST_P(EventStoreContractTest, UpdateSetsFieldsMovesStatusForwardAndChecksTheRevision) {
  const Event created = *events().Create(Planned("夜校"), "", TestAudit(), Soon());
  EventChange change;
  change.title = "夜校·第二讲";
  change.practice_unit_id = unit_;
  change.status = kOngoing;
  change.headcount = ReportedFigure{32, 1};
  change.expected_revision = created.revision;
  const absl::StatusOr<Event> updated = events().Update(created.id, change, TestAudit(), Soon());
  ASSERT_THAT(updated, IsOk());
  EXPECT_EQ(updated->title, "夜校·第二讲");
  EXPECT_EQ(updated->practice_unit_id, unit_);
  EXPECT_EQ(updated->status, kOngoing);
  EXPECT_EQ(updated->headcount, (ReportedFigure{32, 1}));
  EXPECT_EQ(updated->revision, created.revision + 1);
  EXPECT_THAT(events().Update(created.id, change, TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kAborted));

  // The same values again change nothing.
  change.expected_revision.reset();
  EXPECT_EQ(events().Update(created.id, change, TestAudit(), Soon())->revision, updated->revision);

  EventChange back;
  back.status = kPlanned;
  EXPECT_THAT(events().Update(created.id, back, TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("cannot become PLANNED")));
  EventChange both;
  both.post_id = post_;
  EXPECT_THAT(events().Update(created.id, both, TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("give one")));
  EventChange reversed;
  reversed.end_time = China(3, 1, 18);
  EXPECT_THAT(events().Update(created.id, reversed, TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("end before")));
  EventChange missing;
  missing.program_id = program_ + 100;
  EXPECT_THAT(events().Update(created.id, missing, TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EventChange done;
  done.status = kCompleted;
  done.practice_unit_id = 0;
  done.audience = ReportedFigure{2000, 2};
  ASSERT_THAT(events().Update(created.id, done, TestAudit(), Soon()), IsOk());
  EventChange cancel;
  cancel.status = kCancelled;
  EXPECT_THAT(events().Update(created.id, cancel, TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("is COMPLETED")));
  EXPECT_EQ(events().Get(created.id, Soon())->revision, updated->revision + 1);
  EXPECT_THAT(events().Update(created.id + 100, done, TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_P(EventStoreContractTest, DeleteTakesPlannedOrCancelledEventsOnly) {
  const Event planned = *events().Create(Planned("计划"), "", TestAudit(), Soon());
  EXPECT_THAT(events().Delete(planned.id, planned.revision + 1, TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kAborted));
  const absl::StatusOr<Event> deleted =
      events().Delete(planned.id, planned.revision, TestAudit(), Soon());
  ASSERT_THAT(deleted, IsOk());
  ASSERT_TRUE(deleted->delete_time.has_value());
  EXPECT_EQ(events().Delete(planned.id, std::nullopt, TestAudit(), Soon())->revision,
            deleted->revision);
  EventChange change;
  change.title = "改";
  EXPECT_THAT(events().Update(planned.id, change, TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("is deleted")));

  Event held = Planned("举办");
  held.status = kOngoing;
  const Event ongoing = *events().Create(held, "", TestAudit(), Soon());
  EXPECT_THAT(events().Delete(ongoing.id, std::nullopt, TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("stays on record")));
  EventChange cancel;
  cancel.status = kCancelled;
  ASSERT_THAT(events().Update(ongoing.id, cancel, TestAudit(), Soon()), IsOk());
  EXPECT_THAT(events().Delete(ongoing.id, std::nullopt, TestAudit(), Soon()), IsOk());
}

}  // namespace zhiyuan::storage
