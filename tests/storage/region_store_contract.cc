#include "tests/storage/region_store_contract.h"

#include <gmock/gmock.h>

#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "tests/testing/audit.h"
#include "tests/testing/status_matchers.h"

namespace zhiyuan::storage {

void RegionStoreContractTest::SetUp() {
  under_test_ = GetParam()();
  if (under_test_.store == nullptr) GTEST_SKIP() << "no store to test";
}

namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::zhiyuan::testing::IsOk;
using ::zhiyuan::testing::StatusIs;

absl::Time Soon() { return absl::Now() + absl::Seconds(10); }

Region R(std::string code, std::string name) {
  Region region;
  region.code = std::move(code);
  region.display_name = std::move(name);
  return region;
}

// 山西省 › 吕梁市 › 临县 › 临泉镇 › a village, and 新疆 › 昌吉州 › 阜康市.
std::vector<Region> Sample() {
  return {R("14", "山西省"),           R("1411", "吕梁市"),         R("141124", "临县"),
          R("141124100", "临泉镇"),    R("141124101", "白文镇"),    R("141124100001", "临泉村"),
          R("65", "新疆维吾尔自治区"), R("6523", "昌吉回族自治州"), R("652302", "阜康市")};
}

absl::StatusOr<RegionImportCounts> Import(RegionStore& store, const std::vector<Region>& regions) {
  auto import = store.StartImport(::zhiyuan::testing::TestAudit(), Soon());
  if (!import.ok()) return import.status();
  if (absl::Status added = (*import)->Add(regions); !added.ok()) return added;
  return (*import)->Commit();
}

std::vector<std::string> Codes(const absl::StatusOr<std::vector<Region>>& regions) {
  std::vector<std::string> codes;
  if (regions.ok()) {
    for (const Region& region : *regions) codes.push_back(region.code);
  }
  return codes;
}

RegionQuery Children(std::string parent) {
  RegionQuery query;
  query.parent_code = std::move(parent);
  return query;
}

TEST_P(RegionStoreContractTest, ImportCreatesRegions) {
  const auto counts = Import(store(), Sample());
  ASSERT_THAT(counts, IsOk());
  EXPECT_EQ(counts->created, 9);
  EXPECT_EQ(counts->renamed, 0);
  EXPECT_EQ(counts->unchanged, 0);
  const auto region = store().Get("141124", Soon());
  ASSERT_THAT(region, IsOk());
  EXPECT_EQ(region->code, "141124");
  EXPECT_EQ(region->display_name, "临县");
  EXPECT_EQ(region->population, 0);
  EXPECT_EQ(region->population_year, 0);
  EXPECT_EQ(region->revision, 1);
  EXPECT_EQ(region->create_time, region->update_time);
}

TEST_P(RegionStoreContractTest, ImportAgainCountsUnchangedAndRenames) {
  ASSERT_THAT(Import(store(), Sample()), IsOk());
  std::vector<Region> again = Sample();
  again[2].display_name = "临 县";
  const auto counts = Import(store(), again);
  ASSERT_THAT(counts, IsOk());
  EXPECT_EQ(counts->created, 0);
  EXPECT_EQ(counts->renamed, 1);
  EXPECT_EQ(counts->unchanged, 8);
  const auto renamed = store().Get("141124", Soon());
  ASSERT_THAT(renamed, IsOk());
  EXPECT_EQ(renamed->display_name, "临 县");
  EXPECT_EQ(renamed->revision, 2);
  EXPECT_EQ(store().Get("14", Soon())->revision, 1);
}

TEST_P(RegionStoreContractTest, ImportAcceptsChildrenBeforeParents) {
  std::vector<Region> reversed = Sample();
  std::reverse(reversed.begin(), reversed.end());
  EXPECT_THAT(Import(store(), reversed), IsOk());
}

TEST_P(RegionStoreContractTest, ImportWithAnOrphanKeepsNothing) {
  std::vector<Region> regions = {R("14", "山西省"), R("141124", "临县")};
  EXPECT_THAT(Import(store(), regions),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("regions/141124: its parent regions/1411 is neither stored nor "
                                 "imported")));
  EXPECT_THAT(store().Get("14", Soon()), StatusIs(absl::StatusCode::kNotFound));
}

TEST_P(RegionStoreContractTest, ImportWithADuplicateKeepsNothing) {
  std::vector<Region> regions = {R("14", "山西省"), R("1411", "吕梁市"), R("14", "山西")};
  EXPECT_THAT(Import(store(), regions),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("regions/14 is imported more than once")));
  EXPECT_THAT(store().Get("1411", Soon()), StatusIs(absl::StatusCode::kNotFound));
}

TEST_P(RegionStoreContractTest, ImportNotCommittedKeepsNothing) {
  {
    auto import = store().StartImport(::zhiyuan::testing::TestAudit(), Soon());
    ASSERT_THAT(import, IsOk());
    ASSERT_THAT((*import)->Add(Sample()), IsOk());
  }
  EXPECT_THAT(store().Get("14", Soon()), StatusIs(absl::StatusCode::kNotFound));
}

TEST_P(RegionStoreContractTest, ImportAcrossSeveralBatches) {
  const std::vector<Region> regions = Sample();
  auto import = store().StartImport(::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(import, IsOk());
  ASSERT_THAT((*import)->Add(absl::MakeSpan(regions).subspan(0, 4)), IsOk());
  ASSERT_THAT((*import)->Add(absl::MakeSpan(regions).subspan(4)), IsOk());
  const auto counts = (*import)->Commit();
  ASSERT_THAT(counts, IsOk());
  EXPECT_EQ(counts->created, 9);
}

TEST_P(RegionStoreContractTest, GetMissingIsNotFound) {
  EXPECT_THAT(store().Get("141124", Soon()),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("141124")));
}

TEST_P(RegionStoreContractTest, ListsProvincesAndChildrenInCodeOrder) {
  ASSERT_THAT(Import(store(), Sample()), IsOk());
  EXPECT_THAT(Codes(store().List(Children(""), Soon())), ElementsAre("14", "65"));
  EXPECT_THAT(Codes(store().List(Children("141124"), Soon())),
              ElementsAre("141124100", "141124101"));
  EXPECT_THAT(Codes(store().List(Children("141124101"), Soon())), ElementsAre());
  EXPECT_THAT(Codes(store().List(Children("99"), Soon())), ElementsAre());
}

TEST_P(RegionStoreContractTest, ListPagesWithAfterCodeAndLimit) {
  ASSERT_THAT(Import(store(), Sample()), IsOk());
  RegionQuery query;
  query.name_prefix = "";
  query.parent_code = "";
  query.limit = 1;
  EXPECT_THAT(Codes(store().List(query, Soon())), ElementsAre("14"));
  query.after_code = "14";
  EXPECT_THAT(Codes(store().List(query, Soon())), ElementsAre("65"));
  query.after_code = "65";
  EXPECT_THAT(Codes(store().List(query, Soon())), ElementsAre());
}

TEST_P(RegionStoreContractTest, SearchesASubtreeByNamePrefixAtEveryLevel) {
  ASSERT_THAT(Import(store(), Sample()), IsOk());
  RegionQuery query;
  query.name_prefix = "临";
  EXPECT_THAT(Codes(store().List(query, Soon())),
              ElementsAre("141124", "141124100", "141124100001"));
  query.parent_code = "141124";  // The root itself is not part of its subtree's search.
  EXPECT_THAT(Codes(store().List(query, Soon())), ElementsAre("141124100", "141124100001"));
  query.level = RegionLevel::kVillage;
  EXPECT_THAT(Codes(store().List(query, Soon())), ElementsAre("141124100001"));
  query.parent_code = "65";
  EXPECT_THAT(Codes(store().List(query, Soon())), ElementsAre());
}

TEST_P(RegionStoreContractTest, SearchTakesPatternCharactersLiterally) {
  ASSERT_THAT(Import(store(), {R("11", "北京%市"), R("12", "天津_市"), R("13", "河北省")}), IsOk());
  RegionQuery query;
  query.name_prefix = "北京%";
  EXPECT_THAT(Codes(store().List(query, Soon())), ElementsAre("11"));
  query.name_prefix = "%";
  EXPECT_THAT(Codes(store().List(query, Soon())), ElementsAre());
  query.name_prefix = "天津_";
  EXPECT_THAT(Codes(store().List(query, Soon())), ElementsAre("12"));
}

TEST_P(RegionStoreContractTest, ListFiltersByLevel) {
  ASSERT_THAT(Import(store(), Sample()), IsOk());
  RegionQuery query = Children("141124");
  query.level = RegionLevel::kTownship;
  EXPECT_THAT(Codes(store().List(query, Soon())), ElementsAre("141124100", "141124101"));
  query.level = RegionLevel::kCounty;
  EXPECT_THAT(Codes(store().List(query, Soon())), ElementsAre());
}

TEST_P(RegionStoreContractTest, UpdateSetsPopulationAndNameWithANewRevision) {
  ASSERT_THAT(Import(store(), Sample()), IsOk());
  RegionChange change;
  change.population = std::make_pair(int64_t{568000}, 2020);
  const auto updated = store().Update("141124", change, ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(updated, IsOk());
  EXPECT_EQ(updated->population, 568000);
  EXPECT_EQ(updated->population_year, 2020);
  EXPECT_EQ(updated->display_name, "临县");
  EXPECT_EQ(updated->revision, 2);
  EXPECT_GE(updated->update_time, updated->create_time);

  change = RegionChange();
  change.display_name = "临县(新)";
  change.expected_revision = 2;
  const auto renamed = store().Update("141124", change, ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(renamed, IsOk());
  EXPECT_EQ(renamed->display_name, "临县(新)");
  EXPECT_EQ(renamed->population, 568000);
  EXPECT_EQ(renamed->revision, 3);

  const auto read = store().Get("141124", Soon());
  ASSERT_THAT(read, IsOk());
  EXPECT_EQ(read->revision, 3);
  EXPECT_EQ(read->display_name, "临县(新)");
}

TEST_P(RegionStoreContractTest, UpdateClearsPopulation) {
  ASSERT_THAT(Import(store(), Sample()), IsOk());
  RegionChange change;
  change.population = std::make_pair(int64_t{100}, 2020);
  ASSERT_THAT(store().Update("14", change, ::zhiyuan::testing::TestAudit(), Soon()), IsOk());
  change.population = std::make_pair(int64_t{0}, 0);
  const auto cleared = store().Update("14", change, ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(cleared, IsOk());
  EXPECT_EQ(cleared->population, 0);
  EXPECT_EQ(cleared->population_year, 0);
}

TEST_P(RegionStoreContractTest, UpdateThatChangesNothingKeepsTheRevision) {
  ASSERT_THAT(Import(store(), Sample()), IsOk());
  RegionChange change;
  change.display_name = "临县";
  const auto same = store().Update("141124", change, ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(same, IsOk());
  EXPECT_EQ(same->revision, 1);
}

TEST_P(RegionStoreContractTest, UpdateWithAStaleRevisionIsAbortedAndChangesNothing) {
  ASSERT_THAT(Import(store(), Sample()), IsOk());
  RegionChange change;
  change.display_name = "新名";
  change.expected_revision = 7;
  EXPECT_THAT(store().Update("141124", change, ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("etag")));
  EXPECT_EQ(store().Get("141124", Soon())->display_name, "临县");
}

TEST_P(RegionStoreContractTest, UpdateMissingIsNotFound) {
  RegionChange change;
  change.display_name = "x";
  EXPECT_THAT(store().Update("141124", change, ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_P(RegionStoreContractTest, ConcurrentUpdatesFromTheSameRevisionLetOneWin) {
  ASSERT_THAT(Import(store(), Sample()), IsOk());
  constexpr int kWriters = 6;
  std::vector<absl::StatusOr<Region>> results(kWriters, absl::UnknownError("not run"));
  std::vector<std::thread> writers;
  for (int i = 0; i < kWriters; ++i) {
    writers.emplace_back([this, &results, i] {
      RegionChange change;
      change.population = std::make_pair(int64_t{1000 + i}, 2020);
      change.expected_revision = 1;
      results[i] = store().Update("141124", change, ::zhiyuan::testing::TestAudit(), Soon());
    });
  }
  for (auto& writer : writers) writer.join();
  int won = 0;
  for (const auto& result : results) {
    if (result.ok()) {
      ++won;
    } else {
      EXPECT_THAT(result, StatusIs(absl::StatusCode::kAborted));
    }
  }
  EXPECT_EQ(won, 1);
  EXPECT_EQ(store().Get("141124", Soon())->revision, 2);
}

}  // namespace
}  // namespace zhiyuan::storage
