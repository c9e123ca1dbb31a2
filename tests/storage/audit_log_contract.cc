#include "tests/storage/audit_log_contract.h"

#include <gmock/gmock.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/testing/status_matchers.h"

namespace zhiyuan::storage {
namespace {

using ::testing::ElementsAre;
using ::zhiyuan::testing::IsOk;
using ::zhiyuan::testing::StatusIs;

absl::Time Soon() { return absl::Now() + absl::Seconds(10); }

AuditEntry Entry(const std::string& method, const std::string& request_id = "") {
  AuditEntry entry;
  entry.actor_token_id = 7;
  entry.method = method;
  entry.peer = "ipv4:127.0.0.1:5000";
  entry.request_id = request_id;
  entry.field_paths = {"display_name"};
  return entry;
}

Region MakeRegion(const std::string& code, const std::string& name) {
  Region region;
  region.code = code;
  region.display_name = name;
  return region;
}

// "method resource region", newest first.
std::vector<std::string> Log(AuditLog& log, AuditQuery query = {}) {
  std::vector<std::string> lines;
  const absl::StatusOr<AuditPage> page = log.List(query, Soon());
  EXPECT_THAT(page, IsOk());
  if (!page.ok()) return lines;
  for (const AuditRecord& record : page->records) {
    lines.push_back(
        absl::StrCat(record.entry.method, " ", record.resource, " ", record.region_code));
  }
  return lines;
}

}  // namespace

void AuditLogContractTest::SetUp() {
  stores_ = GetParam()();
  if (stores_.log == nullptr) GTEST_SKIP() << "no store to test";
}

TEST_P(AuditLogContractTest, AnImportIsOneEntryWhenItChangesSomething) {
  std::vector<Region> regions(2);
  regions[0].code = "14";
  regions[0].display_name = "山西省";
  regions[1].code = "1411";
  regions[1].display_name = "吕梁市";
  for (int round = 0; round < 2; ++round) {
    auto import = stores_.regions->StartImport(Entry("import"), Soon());
    ASSERT_THAT(import, IsOk());
    ASSERT_THAT((*import)->Add(regions), IsOk());
    ASSERT_THAT((*import)->Commit(), IsOk());
  }
  EXPECT_THAT(Log(*stores_.log), ElementsAre("import regions "));
}

TEST_P(AuditLogContractTest, EachChangeIsOneEntryAndRetriesNoOpsAndFailuresNone) {
  std::vector<Region> regions(3);
  regions[0] = MakeRegion("14", "山西省");
  regions[1] = MakeRegion("1411", "吕梁市");
  regions[2] = MakeRegion("141124", "临县");
  auto import = stores_.regions->StartImport(Entry("import"), Soon());
  ASSERT_THAT(import, IsOk());
  ASSERT_THAT((*import)->Add(regions), IsOk());
  ASSERT_THAT((*import)->Commit(), IsOk());

  PracticeUnit unit;
  unit.kind = PracticeUnitKind::kCenter;
  unit.region_code = "141124";
  unit.display_name = "临县新时代文明实践中心";
  const std::string request_id = "5b0e8c1a-7f2d-4e3b-9a4c-1d2e3f4a5b6c";
  const auto created = stores_.units->Create(unit, request_id, Entry("create", request_id), Soon());
  ASSERT_THAT(created, IsOk());
  const std::string name = absl::StrCat("practiceUnits/", created->id);
  ASSERT_THAT(stores_.units->Create(unit, request_id, Entry("retry", request_id), Soon()), IsOk());
  PracticeUnitChange same;
  same.display_name = unit.display_name;
  ASSERT_THAT(stores_.units->Update(created->id, same, Entry("same"), Soon()), IsOk());
  PracticeUnitChange rename;
  rename.display_name = "临县文明实践中心";
  ASSERT_THAT(stores_.units->Update(created->id, rename, Entry("rename"), Soon()), IsOk());
  rename.expected_revision = 1;
  EXPECT_THAT(stores_.units->Update(created->id, rename, Entry("stale"), Soon()),
              StatusIs(absl::StatusCode::kAborted));
  ASSERT_THAT(stores_.units->Delete(created->id, std::nullopt, Entry("delete"), Soon()), IsOk());
  ASSERT_THAT(stores_.units->Delete(created->id, std::nullopt, Entry("again"), Soon()), IsOk());

  EXPECT_THAT(Log(*stores_.log),
              ElementsAre(absl::StrCat("delete ", name, " 141124"),
                          absl::StrCat("rename ", name, " 141124"),
                          absl::StrCat("create ", name, " 141124"), "import regions "));
  AuditQuery query;
  query.resource = name;
  const absl::StatusOr<AuditPage> page = stores_.log->List(query, Soon());
  ASSERT_THAT(page, IsOk());
  ASSERT_EQ(page->records.size(), 3u);
  const AuditRecord& first = page->records.back();
  EXPECT_EQ(first.entry.actor_token_id, 7);
  EXPECT_EQ(first.entry.request_id, request_id);
  EXPECT_EQ(first.entry.peer, "ipv4:127.0.0.1:5000");
  EXPECT_THAT(first.entry.field_paths, ElementsAre("display_name"));
  EXPECT_LT(absl::AbsDuration(first.time - absl::Now()), absl::Minutes(1));
  EXPECT_GT(page->records.front().id, first.id);
}

TEST_P(AuditLogContractTest, TeamsMembersAndTokensCarryTheirRegion) {
  std::vector<Region> regions(4);
  regions[0] = MakeRegion("14", "山西省");
  regions[1] = MakeRegion("1411", "吕梁市");
  regions[2] = MakeRegion("141124", "临县");
  regions[3] = MakeRegion("141124100", "临泉镇");
  auto import = stores_.regions->StartImport(Entry("import"), Soon());
  ASSERT_THAT(import, IsOk());
  ASSERT_THAT((*import)->Add(regions), IsOk());
  ASSERT_THAT((*import)->Commit(), IsOk());

  Team team;
  team.home_region_code = "141124100";
  team.display_name = "临泉镇志愿服务队";
  team.status = 1;
  const auto made = stores_.teams->Create(team, "", Entry("team"), Soon());
  ASSERT_THAT(made, IsOk());
  Volunteer person;
  person.display_name = "人";
  person.birth_date = absl::CivilDay(1980, 1, 1);
  person.residence_region_code = "141124";
  person.id_number_cipher = "c";
  person.id_number_masked = "m";
  const auto volunteer = stores_.volunteers->Create(
      person, "hash", [](int64_t) { return std::string("141124202601000010"); }, "",
      Entry("volunteer"), Soon());
  ASSERT_THAT(volunteer, IsOk());
  ASSERT_THAT(stores_.members->Create(made->id, volunteer->number, 1, "", Entry("join"), Soon()),
              IsOk());
  ASSERT_THAT(
      stores_.members->Leave(made->id, volunteer->number, std::nullopt, Entry("leave"), Soon()),
      IsOk());
  Token token;
  token.display_name = "临泉镇";
  token.role = 2;
  token.region_code = "141124100";
  token.scope_region_code = "141124100";
  token.expire_time = absl::Now() + absl::Hours(1);
  const auto minted = stores_.tokens->Create(token, std::string(32, 't'), Entry("token"), Soon());
  ASSERT_THAT(minted, IsOk());
  ASSERT_THAT(stores_.tokens->Revoke(minted->id, Entry("revoke"), Soon()), IsOk());
  ASSERT_THAT(stores_.tokens->Revoke(minted->id, Entry("again"), Soon()), IsOk());

  const std::string member = absl::StrCat("teams/", made->id, "/members/", volunteer->number);
  const std::string token_name = absl::StrCat("tokens/", minted->id);
  EXPECT_THAT(Log(*stores_.log),
              ElementsAre(absl::StrCat("revoke ", token_name, " 141124100"),
                          absl::StrCat("token ", token_name, " 141124100"),
                          absl::StrCat("leave ", member, " 141124100"),
                          absl::StrCat("join ", member, " 141124100"),
                          absl::StrCat("volunteer volunteers/", volunteer->number, " 141124"),
                          absl::StrCat("team teams/", made->id, " 141124100"), "import regions "));

  // Filters: a region's subtree, an actor, and pages of older entries.
  AuditQuery query;
  query.region_code = "141124100";
  EXPECT_EQ(Log(*stores_.log, query).size(), 5u);
  query.region_code = "141124";
  query.limit = 2;
  const std::vector<std::string> newest = Log(*stores_.log, query);
  EXPECT_EQ(newest.size(), 2u);
  const absl::StatusOr<AuditPage> page = stores_.log->List(query, Soon());
  ASSERT_THAT(page, IsOk());
  query.before_id = page->records.back().id;
  query.limit = 100;
  EXPECT_EQ(Log(*stores_.log, query).size(), 4u);
  query = AuditQuery();
  query.actor_token_id = 8;
  EXPECT_TRUE(Log(*stores_.log, query).empty());
}

TEST_P(AuditLogContractTest, AppendRecordsWhatChangesNothing) {
  ASSERT_THAT(
      stores_.log->Append(Entry("reveal"), "volunteers/141124202601000010", "141124", Soon()),
      IsOk());
  EXPECT_THAT(Log(*stores_.log), ElementsAre("reveal volunteers/141124202601000010 141124"));
}

}  // namespace zhiyuan::storage
