#include "tests/storage/practice_unit_store_contract.h"

#include <gmock/gmock.h>

#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "tests/testing/audit.h"
#include "tests/testing/regions.h"
#include "tests/testing/status_matchers.h"

namespace zhiyuan::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::zhiyuan::testing::IsOk;
using ::zhiyuan::testing::StatusIs;

absl::Time Soon() { return absl::Now() + absl::Seconds(10); }

}  // namespace

void PracticeUnitStoreContractTest::SetUp() {
  under_test_ = GetParam()();
  if (under_test_.units == nullptr) GTEST_SKIP() << "no store to test";
  ASSERT_THAT(::zhiyuan::testing::ImportRegions(*under_test_.regions, {{"14", "山西省"},
                                                                       {"1411", "吕梁市"},
                                                                       {"141124", "临县"},
                                                                       {"141124100", "临泉镇"},
                                                                       {"141124101", "白文镇"},
                                                                       {"141124100001", "临泉村"},
                                                                       {"141124101001", "白文村"},
                                                                       {"65", "新疆"},
                                                                       {"6523", "昌吉州"},
                                                                       {"652302", "阜康市"}}),
              IsOk());
}

namespace {

PracticeUnit Unit(PracticeUnitKind kind, std::string region, int64_t parent,
                  std::string name = "单位") {
  PracticeUnit unit;
  unit.kind = kind;
  unit.region_code = std::move(region);
  unit.parent_id = parent;
  unit.display_name = std::move(name);
  return unit;
}

// A center in 临县, an institute in 临泉镇 and a station in 临泉村.
struct Tree {
  PracticeUnit center, institute, station;
};

absl::StatusOr<Tree> MakeTree(PracticeUnitStore& units) {
  Tree tree;
  auto center = units.Create(Unit(PracticeUnitKind::kCenter, "141124", 0, "临县中心"), "",
                             ::zhiyuan::testing::TestAudit(), Soon());
  if (!center.ok()) return center.status();
  tree.center = *center;
  auto institute =
      units.Create(Unit(PracticeUnitKind::kInstitute, "141124100", tree.center.id, "临泉镇所"), "",
                   ::zhiyuan::testing::TestAudit(), Soon());
  if (!institute.ok()) return institute.status();
  tree.institute = *institute;
  auto station =
      units.Create(Unit(PracticeUnitKind::kStation, "141124100001", tree.institute.id, "临泉村站"),
                   "", ::zhiyuan::testing::TestAudit(), Soon());
  if (!station.ok()) return station.status();
  tree.station = *station;
  return tree;
}

std::vector<int64_t> Ids(const absl::StatusOr<PracticeUnitPage>& page) {
  std::vector<int64_t> ids;
  if (page.ok()) {
    for (const PracticeUnit& unit : page->units) ids.push_back(unit.id);
  }
  return ids;
}

int64_t Total(PracticeUnitStore& units) {
  PracticeUnitQuery query;
  query.show_deleted = true;
  return units.List(query, Soon())->total;
}

TEST_P(PracticeUnitStoreContractTest, CreatesATreeAndReadsItBack) {
  const auto tree = MakeTree(units());
  ASSERT_THAT(tree, IsOk());
  const auto station = units().Get(tree->station.id, Soon());
  ASSERT_THAT(station, IsOk());
  EXPECT_EQ(station->kind, PracticeUnitKind::kStation);
  EXPECT_EQ(station->parent_id, tree->institute.id);
  EXPECT_EQ(station->region_code, "141124100001");
  EXPECT_EQ(station->display_name, "临泉村站");
  EXPECT_EQ(station->address, "");
  EXPECT_EQ(station->revision, 1);
  EXPECT_FALSE(station->delete_time.has_value());
  EXPECT_NE(tree->center.id, tree->institute.id);
}

TEST_P(PracticeUnitStoreContractTest, CreateWithTheSameRequestIdReturnsTheFirstUnit) {
  const std::string request_id = "0b6e4a8e-3c1f-4f7a-9d2b-5a1e2c3d4f50";
  const auto first = units().Create(Unit(PracticeUnitKind::kCenter, "141124", 0, "临县中心"),
                                    request_id, ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(first, IsOk());
  const auto retry = units().Create(Unit(PracticeUnitKind::kCenter, "141124", 0, "临县中心"),
                                    request_id, ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(retry, IsOk());
  EXPECT_EQ(retry->id, first->id);
  EXPECT_EQ(Total(units()), 1);
}

TEST_P(PracticeUnitStoreContractTest, ConcurrentRetriesCreateOneUnit) {
  const std::string request_id = "7d0c9f1e-2a3b-4c5d-8e9f-0a1b2c3d4e5f";
  std::vector<absl::StatusOr<PracticeUnit>> results(4, absl::UnknownError("not run"));
  std::vector<std::thread> threads;
  for (auto& result : results) {
    threads.emplace_back([this, &result, &request_id] {
      result = units().Create(Unit(PracticeUnitKind::kCenter, "141124", 0), request_id,
                              ::zhiyuan::testing::TestAudit(), Soon());
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& result : results) {
    ASSERT_THAT(result, IsOk());
    EXPECT_EQ(result->id, results[0]->id);
  }
  EXPECT_EQ(Total(units()), 1);
}

TEST_P(PracticeUnitStoreContractTest, RefusesMisplacedUnitsAndCreatesNothing) {
  const auto tree = MakeTree(units());
  ASSERT_THAT(tree, IsOk());
  struct Case {
    PracticeUnit unit;
    std::string message;
  };
  const std::vector<Case> cases = {
      {Unit(PracticeUnitKind::kInstitute, "141124101", tree->station.id),
       "the parent of an institute must be a center, not a station"},
      {Unit(PracticeUnitKind::kStation, "141124101001", tree->center.id),
       "the parent of a station must be an institute, not a center"},
      {Unit(PracticeUnitKind::kStation, "141124101001", tree->institute.id),
       "regions/141124101001 is not within the parent's region regions/141124100"},
      {Unit(PracticeUnitKind::kInstitute, "141124100", 0), "an institute needs a parent unit"},
      {Unit(PracticeUnitKind::kCenter, "652302", tree->center.id), "a center has no parent"},
      {Unit(PracticeUnitKind::kCenter, "999999", 0), "regions/999999 does not exist"},
      {Unit(PracticeUnitKind::kPoint, "141124", 987654), "practiceUnits/987654 does not exist"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(units().Create(c.unit, "", ::zhiyuan::testing::TestAudit(), Soon()),
                StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr(c.message)))
        << c.message;
  }
  EXPECT_EQ(Total(units()), 3);
}

TEST_P(PracticeUnitStoreContractTest, PointsMayHangUnderAnyUnitWithinItsRegion) {
  const auto tree = MakeTree(units());
  ASSERT_THAT(tree, IsOk());
  EXPECT_THAT(units().Create(Unit(PracticeUnitKind::kPoint, "141124", tree->center.id), "",
                             ::zhiyuan::testing::TestAudit(), Soon()),
              IsOk());
  EXPECT_THAT(units().Create(Unit(PracticeUnitKind::kPoint, "141124100001", tree->institute.id), "",
                             ::zhiyuan::testing::TestAudit(), Soon()),
              IsOk());
  EXPECT_THAT(units().Create(Unit(PracticeUnitKind::kPoint, "652302", tree->center.id), "",
                             ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_P(PracticeUnitStoreContractTest, ListsByRegionSubtreeKindAndParentWithTotals) {
  const auto tree = MakeTree(units());
  ASSERT_THAT(tree, IsOk());
  const auto second =
      units().Create(Unit(PracticeUnitKind::kInstitute, "141124101", tree->center.id, "白文镇所"),
                     "", ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(second, IsOk());
  ASSERT_THAT(units().Create(Unit(PracticeUnitKind::kCenter, "652302", 0), "",
                             ::zhiyuan::testing::TestAudit(), Soon()),
              IsOk());

  PracticeUnitQuery query;
  query.region_code = "141124";
  auto page = units().List(query, Soon());
  EXPECT_THAT(Ids(page),
              ElementsAre(tree->center.id, tree->institute.id, tree->station.id, second->id));
  EXPECT_EQ(page->total, 4);
  query.kind = PracticeUnitKind::kInstitute;
  EXPECT_THAT(Ids(units().List(query, Soon())), ElementsAre(tree->institute.id, second->id));
  query.region_code = "141124101";
  EXPECT_THAT(Ids(units().List(query, Soon())), ElementsAre(second->id));
  query = PracticeUnitQuery();
  query.parent_id = tree->center.id;
  EXPECT_THAT(Ids(units().List(query, Soon())), ElementsAre(tree->institute.id, second->id));
  query = PracticeUnitQuery();
  query.kind = PracticeUnitKind::kCenter;
  EXPECT_EQ(units().List(query, Soon())->total, 2);
}

TEST_P(PracticeUnitStoreContractTest, ListPagesWithAfterIdAndLimitKeepingTheTotal) {
  const auto tree = MakeTree(units());
  ASSERT_THAT(tree, IsOk());
  PracticeUnitQuery query;
  query.limit = 2;
  auto page = units().List(query, Soon());
  EXPECT_THAT(Ids(page), ElementsAre(tree->center.id, tree->institute.id));
  EXPECT_EQ(page->total, 3);
  query.after_id = tree->institute.id;
  page = units().List(query, Soon());
  EXPECT_THAT(Ids(page), ElementsAre(tree->station.id));
  EXPECT_EQ(page->total, 3);
}

TEST_P(PracticeUnitStoreContractTest, UpdateChangesNameAndAddressWithANewRevision) {
  const auto tree = MakeTree(units());
  ASSERT_THAT(tree, IsOk());
  PracticeUnitChange change;
  change.display_name = "临泉镇新时代文明实践所";
  change.address = "临泉镇政府院内";
  change.expected_revision = 1;
  const auto updated =
      units().Update(tree->institute.id, change, ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(updated, IsOk());
  EXPECT_EQ(updated->display_name, "临泉镇新时代文明实践所");
  EXPECT_EQ(updated->address, "临泉镇政府院内");
  EXPECT_EQ(updated->revision, 2);
  EXPECT_THAT(units().Update(tree->institute.id, change, ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("etag")));
  EXPECT_THAT(units().Update(424242, PracticeUnitChange(), ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_P(PracticeUnitStoreContractTest, DeleteKeepsTheUnitReadableAndOutOfLists) {
  const auto tree = MakeTree(units());
  ASSERT_THAT(tree, IsOk());
  EXPECT_THAT(
      units().Delete(tree->institute.id, std::nullopt, ::zhiyuan::testing::TestAudit(), Soon()),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("units under it")));
  EXPECT_THAT(units().Delete(tree->station.id, 7, ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kAborted));
  const auto deleted = units().Delete(tree->station.id, 1, ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(deleted, IsOk());
  EXPECT_TRUE(deleted->delete_time.has_value());
  EXPECT_EQ(deleted->revision, 2);
  const auto again =
      units().Delete(tree->station.id, std::nullopt, ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->revision, 2);

  EXPECT_TRUE(units().Get(tree->station.id, Soon())->delete_time.has_value());
  PracticeUnitQuery query;
  EXPECT_THAT(Ids(units().List(query, Soon())), ElementsAre(tree->center.id, tree->institute.id));
  query.show_deleted = true;
  EXPECT_EQ(units().List(query, Soon())->total, 3);

  PracticeUnitChange change;
  change.display_name = "x";
  EXPECT_THAT(units().Update(tree->station.id, change, ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("deleted")));
  EXPECT_THAT(units().Create(Unit(PracticeUnitKind::kPoint, "141124100001", tree->station.id), "",
                             ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("is deleted")));
  EXPECT_THAT(
      units().Delete(tree->institute.id, std::nullopt, ::zhiyuan::testing::TestAudit(), Soon()),
      IsOk());
}

TEST_P(PracticeUnitStoreContractTest, GetMissingIsNotFound) {
  EXPECT_THAT(units().Get(31337, Soon()),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("practiceUnits/31337")));
}

}  // namespace
}  // namespace zhiyuan::storage
