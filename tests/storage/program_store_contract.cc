#include "tests/storage/program_store_contract.h"

#include <gmock/gmock.h>

#include <vector>

#include "absl/time/clock.h"
#include "tests/testing/audit.h"
#include "tests/testing/regions.h"
#include "tests/testing/status_matchers.h"

namespace zhiyuan::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;
using ::zhiyuan::testing::IsOk;
using ::zhiyuan::testing::StatusIs;

absl::Time Soon() { return absl::Now() + absl::Seconds(10); }

}  // namespace

void ProgramStoreContractTest::SetUp() {
  under_test_ = GetParam()();
  if (under_test_.programs == nullptr) GTEST_SKIP() << "no store to test";
  ASSERT_THAT(::zhiyuan::testing::ImportRegions(*under_test_.regions, {{"14", "山西省"},
                                                                       {"1411", "吕梁市"},
                                                                       {"141124", "临县"},
                                                                       {"141124100", "临泉镇"},
                                                                       {"65", "新疆"},
                                                                       {"6523", "昌吉州"},
                                                                       {"652302", "阜康市"}}),
              IsOk());
  PracticeUnit center;
  center.kind = PracticeUnitKind::kCenter;
  center.region_code = "141124";
  center.display_name = "临县中心";
  const auto unit = under_test_.units->Create(center, "", ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(unit, IsOk());
  center_id_ = unit->id;
  Team team;
  team.home_region_code = "141124100";
  team.display_name = "临泉镇宣讲队";
  team.status = 1;
  const auto created = under_test_.teams->Create(team, "", ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(created, IsOk());
  team_id_ = created->id;
}

namespace {

Program NewProgram(ProgramOwner owner, std::string name = "新时代夜校") {
  Program program;
  program.display_name = std::move(name);
  program.category = 1;
  program.owner = std::move(owner);
  program.start_date = absl::CivilDay(2024, 3, 1);
  return program;
}

ProgramOwner RegionOwner(std::string code) { return ProgramOwner{std::move(code), 0, 0}; }

std::vector<int64_t> Ids(const absl::StatusOr<ProgramPage>& page) {
  std::vector<int64_t> ids;
  if (page.ok()) {
    for (const Program& program : page->programs) ids.push_back(program.id);
  }
  return ids;
}

TEST_P(ProgramStoreContractTest, CreatesProgramsForEachKindOfOwnerWithTheirRegion) {
  Program by_region = NewProgram(RegionOwner("141124"));
  by_region.description = "夜校";
  by_region.end_date = absl::CivilDay(2024, 12, 31);
  const auto a = programs().Create(by_region, "", ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->region_code, "141124");
  const auto read = programs().Get(a->id, Soon());
  ASSERT_THAT(read, IsOk());
  EXPECT_EQ(read->display_name, "新时代夜校");
  EXPECT_EQ(read->category, 1);
  EXPECT_EQ(read->owner, RegionOwner("141124"));
  EXPECT_EQ(read->description, "夜校");
  EXPECT_EQ(read->start_date, absl::CivilDay(2024, 3, 1));
  EXPECT_THAT(read->end_date, Optional(absl::CivilDay(2024, 12, 31)));
  EXPECT_EQ(read->revision, 1);

  const auto b = programs().Create(NewProgram(ProgramOwner{"", center_id_, 0}), "",
                                   ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(b->region_code, "141124");
  const auto c = programs().Create(NewProgram(ProgramOwner{"", 0, team_id_}), "",
                                   ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->region_code, "141124100");
  EXPECT_FALSE(c->end_date.has_value());
}

TEST_P(ProgramStoreContractTest, ARetryWithTheSameRequestIdReturnsTheFirstProgram) {
  const std::string request_id = "2a3b4c5d-6e7f-4809-9a1b-2c3d4e5f6a7b";
  const auto first = programs().Create(NewProgram(RegionOwner("141124")), request_id,
                                       ::zhiyuan::testing::TestAudit(), Soon());
  const auto retry = programs().Create(NewProgram(RegionOwner("141124")), request_id,
                                       ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(retry, IsOk());
  EXPECT_EQ(retry->id, first->id);
  EXPECT_EQ(programs().List(ProgramQuery(), Soon())->total, 1);
}

TEST_P(ProgramStoreContractTest, RefusesOwnersThatDoNotExistOrAreDeleted) {
  EXPECT_THAT(programs().Create(NewProgram(RegionOwner("999999")), "",
                                ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("regions/999999")));
  EXPECT_THAT(programs().Create(NewProgram(ProgramOwner{"", 777, 0}), "",
                                ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("practiceUnits/777")));
  ASSERT_THAT(teams().Delete(team_id_, std::nullopt, ::zhiyuan::testing::TestAudit(), Soon()),
              IsOk());
  EXPECT_THAT(programs().Create(NewProgram(ProgramOwner{"", 0, team_id_}), "",
                                ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("is deleted")));
  EXPECT_EQ(programs().List(ProgramQuery(), Soon())->total, 0);
}

TEST_P(ProgramStoreContractTest, ListsByRegionCategoryAndOwnerWithTotals) {
  const auto a = programs().Create(NewProgram(RegionOwner("141124")), "",
                                   ::zhiyuan::testing::TestAudit(), Soon());
  Program story = NewProgram(ProgramOwner{"", 0, team_id_}, "红色故事会");
  story.category = 5;
  const auto b = programs().Create(story, "", ::zhiyuan::testing::TestAudit(), Soon());
  const auto c = programs().Create(NewProgram(RegionOwner("652302")), "",
                                   ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(c, IsOk());
  ProgramQuery query;
  query.region_code = "141124";
  auto page = programs().List(query, Soon());
  EXPECT_THAT(Ids(page), ElementsAre(a->id, b->id));
  EXPECT_EQ(page->total, 2);
  query.region_code = "141124100";
  EXPECT_THAT(Ids(programs().List(query, Soon())), ElementsAre(b->id));
  query = ProgramQuery();
  query.category = 1;
  query.limit = 1;
  page = programs().List(query, Soon());
  EXPECT_THAT(Ids(page), ElementsAre(a->id));
  EXPECT_EQ(page->total, 2);
  query.after_id = a->id;
  EXPECT_THAT(Ids(programs().List(query, Soon())), ElementsAre(c->id));
  query = ProgramQuery();
  query.owner = ProgramOwner{"", 0, team_id_};
  EXPECT_THAT(Ids(programs().List(query, Soon())), ElementsAre(b->id));
  query.owner = RegionOwner("652302");
  EXPECT_THAT(Ids(programs().List(query, Soon())), ElementsAre(c->id));
}

TEST_P(ProgramStoreContractTest, UpdateChangesFieldsAndRefusesAnEndBeforeTheStart) {
  const auto program = programs().Create(NewProgram(RegionOwner("141124")), "",
                                         ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(program, IsOk());
  ProgramChange change;
  change.display_name = "新时代文明实践夜校";
  change.category = 5;
  change.end_date = std::optional<absl::CivilDay>(absl::CivilDay(2025, 6, 30));
  change.expected_revision = 1;
  const auto updated =
      programs().Update(program->id, change, ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(updated, IsOk());
  EXPECT_EQ(updated->display_name, "新时代文明实践夜校");
  EXPECT_EQ(updated->category, 5);
  EXPECT_THAT(updated->end_date, Optional(absl::CivilDay(2025, 6, 30)));
  EXPECT_EQ(updated->revision, 2);
  EXPECT_THAT(programs().Update(program->id, change, ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kAborted));
  ProgramChange backwards;
  backwards.start_date = absl::CivilDay(2026, 1, 1);
  EXPECT_THAT(programs().Update(program->id, backwards, ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("end_date")));
  ProgramChange open_ended;
  open_ended.end_date = std::optional<absl::CivilDay>();
  const auto reopened =
      programs().Update(program->id, open_ended, ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(reopened, IsOk());
  EXPECT_FALSE(reopened->end_date.has_value());
  EXPECT_THAT(programs().Update(5150, open_ended, ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_P(ProgramStoreContractTest, DeleteKeepsTheProgramReadableAndOutOfLists) {
  const auto program = programs().Create(NewProgram(RegionOwner("141124")), "",
                                         ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(program, IsOk());
  EXPECT_THAT(programs().Delete(program->id, 4, ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kAborted));
  const auto deleted = programs().Delete(program->id, 1, ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(deleted, IsOk());
  EXPECT_TRUE(deleted->delete_time.has_value());
  EXPECT_EQ(programs()
                .Delete(program->id, std::nullopt, ::zhiyuan::testing::TestAudit(), Soon())
                ->revision,
            2);
  EXPECT_EQ(programs().List(ProgramQuery(), Soon())->total, 0);
  ProgramQuery all;
  all.show_deleted = true;
  EXPECT_EQ(programs().List(all, Soon())->total, 1);
  ProgramChange change;
  change.display_name = "x";
  EXPECT_THAT(programs().Update(program->id, change, ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

}  // namespace
}  // namespace zhiyuan::storage
