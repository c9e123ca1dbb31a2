#include "tests/storage/volunteer_store_contract.h"

#include <gmock/gmock.h>

#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
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

// Numbers "<county>2026<serial>0" (the check digit is not the store's business).
std::string Mint(const std::string& county, int64_t serial) {
  return absl::StrFormat("%s2026%07d0", county, serial % 10000000);
}

Volunteer Person(std::string region, std::string name = "张三") {
  Volunteer volunteer;
  volunteer.display_name = std::move(name);
  volunteer.gender = 1;
  volunteer.birth_date = absl::CivilDay(1990, 5, 17);
  volunteer.residence_region_code = std::move(region);
  volunteer.skills = {"急救", "手语"};
  volunteer.status = 1;
  volunteer.id_number_cipher = std::string("\x01\x00\xff cipher", 10);
  volunteer.id_number_masked = "420***********1234";
  volunteer.phone_cipher = "phone-cipher";
  volunteer.phone_masked = "138****5678";
  return volunteer;
}

}  // namespace

void VolunteerStoreContractTest::SetUp() {
  under_test_ = GetParam()();
  if (under_test_.volunteers == nullptr) GTEST_SKIP() << "no store to test";
  ASSERT_THAT(::zhiyuan::testing::ImportRegions(*under_test_.regions, {{"42", "湖北省"},
                                                                       {"4201", "武汉市"},
                                                                       {"420102", "江岸区"},
                                                                       {"14", "山西省"},
                                                                       {"1411", "吕梁市"},
                                                                       {"141124", "临县"}}),
              IsOk());
}

namespace {

absl::StatusOr<Volunteer> Register(VolunteerStore& store, const Volunteer& volunteer,
                                   const std::string& hash, const std::string& request_id = "") {
  const std::string county = volunteer.residence_region_code.substr(0, 6);
  return store.Create(
      volunteer, hash, [&](int64_t serial) { return Mint(county, serial); }, request_id,
      ::zhiyuan::testing::TestAudit(), Soon());
}

std::vector<std::string> Numbers(const absl::StatusOr<VolunteerPage>& page) {
  std::vector<std::string> numbers;
  if (page.ok()) {
    for (const Volunteer& volunteer : page->volunteers) numbers.push_back(volunteer.number);
  }
  return numbers;
}

TEST_P(VolunteerStoreContractTest, RegistersUnderAMintedNumberAndReadsBack) {
  const auto created = Register(volunteers(), Person("420102"), "hash-1");
  ASSERT_THAT(created, IsOk());
  EXPECT_EQ(created->number.substr(0, 10), "4201022026");
  const auto read = volunteers().Get(created->number, Soon());
  ASSERT_THAT(read, IsOk());
  const Volunteer expected = Person("420102");
  EXPECT_EQ(read->display_name, expected.display_name);
  EXPECT_EQ(read->gender, 1);
  EXPECT_EQ(read->birth_date, absl::CivilDay(1990, 5, 17));
  EXPECT_EQ(read->residence_region_code, "420102");
  EXPECT_THAT(read->skills, ElementsAre("急救", "手语"));
  EXPECT_EQ(read->status, 1);
  EXPECT_EQ(read->id_number_cipher, expected.id_number_cipher);
  EXPECT_EQ(read->id_number_masked, "420***********1234");
  EXPECT_EQ(read->phone_cipher, "phone-cipher");
  EXPECT_EQ(read->phone_masked, "138****5678");
  EXPECT_EQ(read->revision, 1);
  EXPECT_FALSE(read->delete_time.has_value());
}

TEST_P(VolunteerStoreContractTest, NoSkillsAndNoPhoneReadBackEmpty) {
  Volunteer person = Person("141124");
  person.skills.clear();
  person.phone_cipher.clear();
  person.phone_masked.clear();
  const auto created = Register(volunteers(), person, "hash-1");
  ASSERT_THAT(created, IsOk());
  EXPECT_TRUE(created->skills.empty());
  EXPECT_EQ(created->phone_cipher, "");
}

TEST_P(VolunteerStoreContractTest, ThePersonRegisteredTwiceIsAlreadyExistsNamingTheFirst) {
  const auto first = Register(volunteers(), Person("420102"), "same-person");
  ASSERT_THAT(first, IsOk());
  EXPECT_THAT(Register(volunteers(), Person("141124", "张三丰"), "same-person"),
              StatusIs(absl::StatusCode::kAlreadyExists,
                       HasSubstr("registered already, as volunteers/" + first->number)));
  EXPECT_EQ(volunteers().List(VolunteerQuery(), Soon())->total, 1);
}

TEST_P(VolunteerStoreContractTest, ARetryWithTheSameRequestIdReturnsTheFirstResult) {
  const std::string request_id = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";
  const auto first = Register(volunteers(), Person("420102"), "h", request_id);
  ASSERT_THAT(first, IsOk());
  const auto retry = Register(volunteers(), Person("420102"), "h", request_id);
  ASSERT_THAT(retry, IsOk());
  EXPECT_EQ(retry->number, first->number);
}

TEST_P(VolunteerStoreContractTest, ConcurrentRetriesRegisterOnce) {
  const std::string request_id = "0a1b2c3d-4e5f-4061-8273-8495a6b7c8d9";
  std::vector<absl::StatusOr<Volunteer>> results(4, absl::UnknownError("not run"));
  std::vector<std::thread> threads;
  for (auto& result : results) {
    threads.emplace_back([this, &result, &request_id] {
      result = Register(volunteers(), Person("420102"), "h", request_id);
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& result : results) {
    ASSERT_THAT(result, IsOk());
    EXPECT_EQ(result->number, results[0]->number);
  }
  EXPECT_EQ(volunteers().List(VolunteerQuery(), Soon())->total, 1);
}

TEST_P(VolunteerStoreContractTest, ThePersonRegisteringTwiceAtOnceGetsOneRegistration) {
  const std::vector<std::string> request_ids = {"11111111-2222-4333-8444-555555555555",
                                                "66666666-7777-4888-9999-aaaaaaaaaaaa",
                                                "bbbbbbbb-cccc-4ddd-8eee-ffffffffffff", ""};
  std::vector<absl::StatusOr<Volunteer>> results(request_ids.size(), absl::UnknownError("not run"));
  std::vector<std::thread> threads;
  for (size_t i = 0; i < request_ids.size(); ++i) {
    threads.emplace_back([this, &results, &request_ids, i] {
      results[i] = Register(volunteers(), Person("420102"), "same", request_ids[i]);
    });
  }
  for (auto& thread : threads) thread.join();
  int registered = 0;
  for (const auto& result : results) {
    if (result.ok()) {
      ++registered;
    } else {
      EXPECT_THAT(result, StatusIs(absl::StatusCode::kAlreadyExists));
    }
  }
  EXPECT_EQ(registered, 1);
  EXPECT_EQ(volunteers().List(VolunteerQuery(), Soon())->total, 1);
}

TEST_P(VolunteerStoreContractTest, ATakenNumberIsSkipped) {
  const auto first = Register(volunteers(), Person("420102"), "h1");
  ASSERT_THAT(first, IsOk());
  int calls = 0;
  const auto second = volunteers().Create(
      Person("420102", "李四"), "h2",
      [&](int64_t serial) { return ++calls == 1 ? first->number : Mint("420102", serial); }, "",
      ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(second, IsOk());
  EXPECT_NE(second->number, first->number);
  EXPECT_EQ(calls, 2);
}

TEST_P(VolunteerStoreContractTest, AMissingRegionIsAFailedPrecondition) {
  EXPECT_THAT(Register(volunteers(), Person("652302"), "h"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("regions/652302")));
}

TEST_P(VolunteerStoreContractTest, ListsByRegionAndStatusWithTotalsAndPages) {
  const auto a = Register(volunteers(), Person("420102", "甲"), "a");
  const auto b = Register(volunteers(), Person("420102", "乙"), "b");
  const auto c = Register(volunteers(), Person("141124", "丙"), "c");
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  ASSERT_THAT(c, IsOk());
  VolunteerQuery query;
  query.region_code = "4201";
  auto page = volunteers().List(query, Soon());
  EXPECT_THAT(Numbers(page), ElementsAre(a->number, b->number));
  EXPECT_EQ(page->total, 2);
  query.limit = 1;
  query.after_number = a->number;
  page = volunteers().List(query, Soon());
  EXPECT_THAT(Numbers(page), ElementsAre(b->number));
  EXPECT_EQ(page->total, 2);

  query = VolunteerQuery();
  query.name_prefix = "乙";
  EXPECT_THAT(Numbers(volunteers().List(query, Soon())), ElementsAre(b->number));
  query.name_prefix = "_";
  EXPECT_EQ(volunteers().List(query, Soon())->total, 0);

  VolunteerChange suspend;
  suspend.status = 2;
  ASSERT_THAT(volunteers().Update(c->number, suspend, ::zhiyuan::testing::TestAudit(), Soon()),
              IsOk());
  query = VolunteerQuery();
  query.status = 2;
  EXPECT_THAT(Numbers(volunteers().List(query, Soon())), ElementsAre(c->number));
}

TEST_P(VolunteerStoreContractTest, UpdateChangesFieldsAndChecksRevisionAndRegion) {
  const auto created = Register(volunteers(), Person("420102"), "h");
  ASSERT_THAT(created, IsOk());
  VolunteerChange change;
  change.display_name = "张三三";
  change.skills = std::vector<std::string>{"驾驶"};
  change.residence_region_code = "141124";
  change.phone = std::make_pair(std::string(), std::string());
  change.expected_revision = 1;
  const auto updated =
      volunteers().Update(created->number, change, ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(updated, IsOk());
  EXPECT_EQ(updated->display_name, "张三三");
  EXPECT_THAT(updated->skills, ElementsAre("驾驶"));
  EXPECT_EQ(updated->residence_region_code, "141124");
  EXPECT_EQ(updated->phone_cipher, "");
  EXPECT_EQ(updated->phone_masked, "");
  EXPECT_EQ(updated->number, created->number);  // The number stays with the person.
  EXPECT_EQ(updated->revision, 2);
  EXPECT_THAT(volunteers().Update(created->number, change, ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kAborted));
  VolunteerChange move;
  move.residence_region_code = "652302";
  EXPECT_THAT(volunteers().Update(created->number, move, ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(volunteers().Get(created->number, Soon())->residence_region_code, "141124");
  EXPECT_THAT(
      volunteers().Update("420102202600000990", move, ::zhiyuan::testing::TestAudit(), Soon()),
      StatusIs(absl::StatusCode::kNotFound));
}

TEST_P(VolunteerStoreContractTest, DeleteKeepsTheVolunteerReadableAndOutOfLists) {
  const auto created = Register(volunteers(), Person("420102"), "h");
  ASSERT_THAT(created, IsOk());
  EXPECT_THAT(volunteers().Delete(created->number, 5, ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kAborted));
  const auto deleted =
      volunteers().Delete(created->number, 1, ::zhiyuan::testing::TestAudit(), Soon());
  ASSERT_THAT(deleted, IsOk());
  EXPECT_TRUE(deleted->delete_time.has_value());
  EXPECT_EQ(volunteers()
                .Delete(created->number, std::nullopt, ::zhiyuan::testing::TestAudit(), Soon())
                ->revision,
            2);
  EXPECT_EQ(volunteers().List(VolunteerQuery(), Soon())->total, 0);
  VolunteerQuery all;
  all.show_deleted = true;
  EXPECT_EQ(volunteers().List(all, Soon())->total, 1);
  VolunteerChange change;
  change.display_name = "x";
  EXPECT_THAT(volunteers().Update(created->number, change, ::zhiyuan::testing::TestAudit(), Soon()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("deleted")));
  // A deleted registration still holds the person's identity.
  EXPECT_THAT(Register(volunteers(), Person("420102"), "h"),
              StatusIs(absl::StatusCode::kAlreadyExists));
}

}  // namespace
}  // namespace zhiyuan::storage
