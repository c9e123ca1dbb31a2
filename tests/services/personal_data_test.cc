#include "services/personal_data.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/testing/status_matchers.h"

namespace zhiyuan::services {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::zhiyuan::testing::IsOk;
using ::zhiyuan::testing::StatusIs;

std::unique_ptr<PersonalDataProtector> Make(char fill) {
  auto protector = PersonalDataProtector::Create(std::string(32, fill));
  EXPECT_THAT(protector, IsOk());
  return *std::move(protector);
}

TEST(PersonalDataTest, EncryptsToSomethingElseEachTimeAndDecryptsBack) {
  const auto protector = Make('k');
  const std::string a = protector->Encrypt("id_number", "11010519491231002X");
  const std::string b = protector->Encrypt("id_number", "11010519491231002X");
  EXPECT_NE(a, b);
  EXPECT_THAT(a, Not(HasSubstr("1101051949")));
  const auto plain = protector->Decrypt("id_number", a);
  ASSERT_THAT(plain, IsOk());
  EXPECT_EQ(*plain, "11010519491231002X");
}

TEST(PersonalDataTest, RefusesAlteredCiphertextOtherFieldsAndOtherKeys) {
  const auto protector = Make('k');
  std::string sealed = protector->Encrypt("phone", "13812345678");
  EXPECT_THAT(protector->Decrypt("id_number", sealed), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(Make('j')->Decrypt("phone", sealed), StatusIs(absl::StatusCode::kDataLoss));
  sealed[30] ^= 1;
  EXPECT_THAT(protector->Decrypt("phone", sealed), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(protector->Decrypt("phone", "short"), StatusIs(absl::StatusCode::kDataLoss));
}

TEST(PersonalDataTest, LookupHashIsStablePerKeyAndField) {
  const auto protector = Make('k');
  EXPECT_EQ(protector->LookupHash("id_number", "x"), Make('k')->LookupHash("id_number", "x"));
  EXPECT_NE(protector->LookupHash("id_number", "x"), protector->LookupHash("phone", "x"));
  EXPECT_NE(protector->LookupHash("id_number", "x"), Make('j')->LookupHash("id_number", "x"));
}

TEST(PersonalDataTest, RefusesAKeyOfTheWrongLength) {
  EXPECT_THAT(PersonalDataProtector::Create("short"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(PersonalDataTest, KeyFileIsCreatedPrivateAndReadBack) {
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/data.key";
  std::filesystem::remove(path);
  EXPECT_THAT(PersonalDataProtector::LoadKeyFile(path, /*create=*/false),
              StatusIs(absl::StatusCode::kNotFound));
  const auto created = PersonalDataProtector::LoadKeyFile(path, /*create=*/true);
  ASSERT_THAT(created, IsOk());
  EXPECT_EQ(created->size(), 32u);
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const auto read = PersonalDataProtector::LoadKeyFile(path, /*create=*/false);
  ASSERT_THAT(read, IsOk());
  EXPECT_EQ(*read, *created);
  std::ofstream(path) << "not hex\n";
  EXPECT_THAT(PersonalDataProtector::LoadKeyFile(path, false),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(PersonalDataTest, KeyFromHexTextIsThe32BytesItSpells) {
  const auto key = PersonalDataProtector::ParseKeyHex(std::string(64, 'a') + "\n", "KEY");
  ASSERT_THAT(key, IsOk());
  EXPECT_EQ(*key, std::string(32, '\xaa'));
  EXPECT_THAT(PersonalDataProtector::ParseKeyHex("abc", "ZHIYUAN_DATA_KEY"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("ZHIYUAN_DATA_KEY")));
  EXPECT_THAT(PersonalDataProtector::ParseKeyHex(std::string(64, 'g'), "KEY"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace zhiyuan::services
