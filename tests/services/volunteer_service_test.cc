// VolunteerService's handlers over an in-process channel and the in-memory stores, on a fixed
// clock (2026-11-27 in China).
#include "services/volunteer_service.h"

#include <gmock/gmock.h>
#include <grpcpp/server_builder.h>
#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "services/identity_numbers.h"
#include "storage/in_memory_audit_log.h"
#include "storage/in_memory_region_store.h"
#include "storage/in_memory_volunteer_store.h"
#include "tests/testing/auth.h"
#include "tests/testing/regions.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/text_proto.h"

namespace zhiyuan::services {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::zhiyuan::testing::IsOk;
using ::zhiyuan::testing::ParseTextProto;
using ::zhiyuan::testing::StatusIs;
using ::zhiyuan::v1::CreateVolunteerRequest;
using ::zhiyuan::v1::DeleteVolunteerRequest;
using ::zhiyuan::v1::GetVolunteerRequest;
using ::zhiyuan::v1::ListVolunteersRequest;
using ::zhiyuan::v1::ListVolunteersResponse;
using ::zhiyuan::v1::UpdateVolunteerRequest;
using ::zhiyuan::v1::Volunteer;
using ::zhiyuan::v1::VolunteerService;

// Valid ID numbers (GB 11643 check digits) with the birth dates in them.
constexpr char kAdultId[] = "420102199005170015";  // Born 1990-05-17.
constexpr char kMinorId[] = "141124201003010028";  // Born 2010-03-01: 16.
constexpr char kChildId[] = "420102201501010037";  // Born 2015-01-01: 11.
constexpr char kOtherId[] = "420102198511220041";  // Born 1985-11-22.

std::string Registration(const std::string& id_number, const std::string& birth_date,
                         const std::string& extra = "") {
  return absl::StrCat("volunteer { display_name: '张三' birth_date: '", birth_date,
                      "' residence_region: 'regions/420102' id_number: '", id_number,
                      "' phone: '13812345678' ", extra, " }");
}

class VolunteerServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(::zhiyuan::testing::ImportRegions(
                    regions_,
                    {{"42", "湖北省"}, {"4201", "武汉市"}, {"420102", "江岸区"}, {"14", "山西省"}}),
                IsOk());
    grpc::ServerBuilder builder;
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    stub_ = VolunteerService::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
    ASSERT_THAT(Create(ParseTextProto<CreateVolunteerRequest>(Registration(kAdultId, "1990-05-17")),
                       &first_),
                IsOk());
    before_ = Snapshot();
  }

  void TearDown() override { server_->Shutdown(); }

  grpc::Status Create(const CreateVolunteerRequest& request, Volunteer* volunteer) {
    grpc::ClientContext context;
    auth_.Authorize(context);
    return stub_->CreateVolunteer(&context, request, volunteer);
  }

  std::vector<std::string> Snapshot() {
    storage::VolunteerQuery query;
    query.show_deleted = true;
    query.limit = 1000;
    const auto page = volunteers_.List(query, absl::InfiniteFuture());
    EXPECT_THAT(page, IsOk());
    std::vector<std::string> all;
    for (const auto& volunteer : page->volunteers) {
      all.push_back(absl::StrCat(volunteer.number, " ", volunteer.display_name, " ",
                                 volunteer.residence_region_code, " ", volunteer.status, " ",
                                 volunteer.phone_masked, " ", volunteer.revision));
    }
    return all;
  }

  std::unique_ptr<PersonalDataProtector> protector_ =
      *PersonalDataProtector::Create(std::string(32, 'k'));
  storage::InMemoryRegionStore regions_;
  storage::InMemoryAuditLog audit_log_;
  storage::InMemoryVolunteerStore volunteers_{regions_, &audit_log_};
  ::zhiyuan::testing::TestAuth auth_{{nullptr, nullptr, nullptr, &volunteers_}};
  VolunteerServiceImpl service_{volunteers_, *protector_, auth_.authorizer(), audit_log_, [] {
                                  return absl::FromCivil(absl::CivilSecond(2026, 11, 27, 10, 0, 0),
                                                         absl::FixedTimeZone(8 * 3600));
                                }};
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<VolunteerService::Stub> stub_;
  Volunteer first_;
  std::vector<std::string> before_;
};

TEST_F(VolunteerServiceTest, RegistrationMintsANumberAndReturnsOnlyMaskedPersonalData) {
  EXPECT_EQ(first_.volunteer_number().substr(0, 10), "4201022026");
  EXPECT_TRUE(IsVolunteerNumber(first_.volunteer_number()));
  EXPECT_EQ(first_.name(), "volunteers/" + first_.volunteer_number());
  EXPECT_EQ(first_.id_number(), "");
  EXPECT_EQ(first_.id_number_masked(), "420***********0015");
  EXPECT_EQ(first_.phone(), "");
  EXPECT_EQ(first_.phone_masked(), "138****5678");
  EXPECT_EQ(first_.status(), zhiyuan::v1::VOLUNTEER_STATUS_ACTIVE);
  EXPECT_EQ(first_.birth_year(), 1990);
  EXPECT_EQ(first_.birth_date(), "");  // Never returned: it would unmask the ID number.
  EXPECT_THAT(first_.DebugString(), Not(HasSubstr("199005170015")));
  EXPECT_THAT(first_.DebugString(), Not(HasSubstr("12345678")));
  // At rest too: the store holds ciphertext, never the number.
  const auto stored = volunteers_.Get(first_.volunteer_number(), absl::InfiniteFuture());
  ASSERT_THAT(stored, IsOk());
  EXPECT_THAT(stored->id_number_cipher, Not(HasSubstr(kAdultId)));
  EXPECT_EQ(*protector_->Decrypt("id_number", stored->id_number_cipher), kAdultId);
}

TEST_F(VolunteerServiceTest, TheSameIdNumberAgainIsAlreadyExistsNamingTheVolunteer) {
  Volunteer second;
  EXPECT_THAT(
      Create(ParseTextProto<CreateVolunteerRequest>(Registration(kAdultId, "1990-05-17")), &second),
      StatusIs(grpc::StatusCode::ALREADY_EXISTS, HasSubstr(first_.volunteer_number())));
  EXPECT_EQ(Snapshot(), before_);
}

TEST_F(VolunteerServiceTest, ASystemAdminRevealsTheNumbersAndTheRevealIsOnRecord) {
  grpc::ClientContext context;
  auth_.Authorize(context);
  zhiyuan::v1::RevealVolunteerIdentityRequest request;
  request.set_name(first_.name());
  zhiyuan::v1::RevealVolunteerIdentityResponse revealed;
  ASSERT_THAT(stub_->RevealVolunteerIdentity(&context, request, &revealed), IsOk());
  EXPECT_EQ(revealed.id_number(), kAdultId);
  EXPECT_EQ(revealed.phone(), "13812345678");

  storage::AuditQuery query;
  query.resource = first_.name();
  const auto page = audit_log_.List(query, absl::InfiniteFuture());
  ASSERT_THAT(page, IsOk());
  ASSERT_FALSE(page->records.empty());
  const storage::AuditRecord& newest = page->records.front();
  EXPECT_EQ(newest.entry.method, "zhiyuan.v1.VolunteerService.RevealVolunteerIdentity");
  EXPECT_THAT(newest.entry.field_paths, ElementsAre("id_number", "phone"));
  EXPECT_EQ(newest.region_code, "420102");
  for (const storage::AuditRecord& record : page->records) {
    for (const std::string& text :
         {record.resource, record.entry.peer, record.entry.method, record.entry.request_id}) {
      EXPECT_THAT(text, Not(HasSubstr(kAdultId)));
      EXPECT_THAT(text, Not(HasSubstr("13812345678")));
    }
  }
}

TEST_F(VolunteerServiceTest, NobodyButASystemAdminRevealsNumbers) {
  storage::Token region_admin;
  region_admin.display_name = "武汉市文明办";
  region_admin.role = zhiyuan::v1::ROLE_REGION_ADMIN;
  region_admin.region_code = "420102";
  region_admin.scope_region_code = "420102";
  grpc::ClientContext context;
  ::zhiyuan::testing::TestAuth::Authorize(context, auth_.Mint(region_admin));
  zhiyuan::v1::RevealVolunteerIdentityRequest request;
  request.set_name(first_.name());
  zhiyuan::v1::RevealVolunteerIdentityResponse revealed;
  EXPECT_THAT(stub_->RevealVolunteerIdentity(&context, request, &revealed),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED, HasSubstr("system admin")));
  EXPECT_EQ(revealed.id_number(), "");
}

TEST_F(VolunteerServiceTest, ARetriedRegistrationReturnsTheFirstResult) {
  const auto request = ParseTextProto<CreateVolunteerRequest>(absl::StrCat(
      "request_id: '3e1a2b4c-5d6e-4f70-8a91-b2c3d4e5f607' ", Registration(kOtherId, "1985-11-22")));
  Volunteer once;
  Volunteer again;
  ASSERT_THAT(Create(request, &once), IsOk());
  ASSERT_THAT(Create(request, &again), IsOk());
  EXPECT_EQ(again.name(), once.name());
}

TEST_F(VolunteerServiceTest, AMinorWithGuardianConsentRegisters) {
  Volunteer minor;
  EXPECT_THAT(Create(ParseTextProto<CreateVolunteerRequest>(
                         Registration(kMinorId, "2010-03-01", "guardian_consent: true")),
                     &minor),
              IsOk());
}

using BadInput = std::tuple<std::string, grpc::StatusCode, std::string>;
constexpr grpc::StatusCode kInvalid = grpc::StatusCode::INVALID_ARGUMENT;

class CreateBadInputTest : public VolunteerServiceTest,
                           public ::testing::WithParamInterface<BadInput> {};

TEST_P(CreateBadInputTest, IsRefusedAndChangesNothing) {
  Volunteer volunteer;
  EXPECT_THAT(Create(ParseTextProto<CreateVolunteerRequest>(std::get<0>(GetParam())), &volunteer),
              StatusIs(std::get<1>(GetParam()), HasSubstr(std::get<2>(GetParam()))));
  EXPECT_EQ(Snapshot(), before_);
}

INSTANTIATE_TEST_SUITE_P(
    Requests, CreateBadInputTest,
    ::testing::Values(
        BadInput{Registration(kMinorId, "2010-03-01"), kInvalid,
                 "volunteer.guardian_consent: is required for a volunteer under 18"},
        BadInput{Registration(kChildId, "2015-01-01", "guardian_consent: true"), kInvalid,
                 "volunteer.birth_date: a volunteer must be at least 14"},
        BadInput{Registration("420102199005170016", "1990-05-17"), kInvalid,
                 "volunteer.id_number: has a wrong check digit"},
        BadInput{Registration(kOtherId, "1985-11-23"), kInvalid,
                 "volunteer.id_number: does not hold the birth date"},
        BadInput{Registration("", "1985-11-22"), kInvalid, "volunteer.id_number: is required"},
        BadInput{Registration(kOtherId, "1985-11-31"), kInvalid, "volunteer.birth_date"},
        BadInput{Registration(kOtherId, "85-11-22"), kInvalid, "volunteer.birth_date"},
        BadInput{absl::StrCat("volunteer { display_name: '张三' birth_date: '1985-11-22' "
                              "residence_region: 'regions/420102' id_number: '",
                              kOtherId, "' phone: '12345' }"),
                 kInvalid, "volunteer.phone"},
        BadInput{absl::StrCat("volunteer { display_name: '张三' birth_date: '1985-11-22' "
                              "residence_region: 'regions/4201' id_number: '",
                              kOtherId, "' }"),
                 kInvalid, "volunteer.residence_region: must be a county"},
        BadInput{Registration(kOtherId, "1985-11-22", "skills: ['急救', '急救']"), kInvalid,
                 "volunteer.skills[1]"},
        BadInput{Registration(kOtherId, "1985-11-22", "gender: 7"), kInvalid, "volunteer.gender"},
        BadInput{absl::StrCat("request_id: 'x' ", Registration(kOtherId, "1985-11-22")), kInvalid,
                 "request_id"},
        BadInput{absl::StrCat("volunteer { display_name: '张三' birth_date: '1985-11-22' "
                              "residence_region: 'regions/652302' id_number: '",
                              kOtherId, "' }"),
                 grpc::StatusCode::FAILED_PRECONDITION, "regions/652302"}));

TEST_F(VolunteerServiceTest, ErrorsNeverQuoteTheIdOrPhoneNumber) {
  Volunteer volunteer;
  const grpc::Status status = Create(
      ParseTextProto<CreateVolunteerRequest>(Registration("420102199005170016", "1990-05-17")),
      &volunteer);
  EXPECT_THAT(status.error_message(), Not(HasSubstr("4201021990")));
}

class GetBadInputTest : public VolunteerServiceTest,
                        public ::testing::WithParamInterface<BadInput> {};

TEST_P(GetBadInputTest, IsRefused) {
  grpc::ClientContext context;
  auth_.Authorize(context);
  Volunteer volunteer;
  EXPECT_THAT(
      stub_->GetVolunteer(&context, ParseTextProto<GetVolunteerRequest>(std::get<0>(GetParam())),
                          &volunteer),
      StatusIs(std::get<1>(GetParam()), HasSubstr(std::get<2>(GetParam()))));
}

INSTANTIATE_TEST_SUITE_P(
    Requests, GetBadInputTest,
    ::testing::Values(BadInput{"", kInvalid, "name: is required"},
                      BadInput{"name: 'volunteers/123'", kInvalid, "name"},
                      BadInput{"name: 'volunteers/420102202600000010'", kInvalid, "check digit"},
                      BadInput{"name: 'people/420102202600000013'", kInvalid, "name"},
                      BadInput{absl::StrCat("name: 'volunteers/", kAdultId, "'"), kInvalid, "name"},
                      BadInput{absl::StrCat("name: 'volunteers/",
                                            MintVolunteerNumber("420102", 2026, 99), "'"),
                               grpc::StatusCode::NOT_FOUND, "does not exist"}));

class ListBadInputTest : public VolunteerServiceTest,
                         public ::testing::WithParamInterface<BadInput> {};

TEST_P(ListBadInputTest, IsRefused) {
  grpc::ClientContext context;
  auth_.Authorize(context);
  ListVolunteersResponse response;
  EXPECT_THAT(
      stub_->ListVolunteers(
          &context, ParseTextProto<ListVolunteersRequest>(std::get<0>(GetParam())), &response),
      StatusIs(std::get<1>(GetParam()), HasSubstr(std::get<2>(GetParam()))));
}

INSTANTIATE_TEST_SUITE_P(
    Requests, ListBadInputTest,
    ::testing::Values(BadInput{"residence_region: 'x'", kInvalid, "residence_region"},
                      BadInput{"status: 5", kInvalid, "status"},
                      BadInput{"page_size: -1", kInvalid, "page_size"},
                      BadInput{"page_token: '%%'", kInvalid, "page_token"},
                      BadInput{"page_token: 'MTpY'", kInvalid, "page_token"},
                      BadInput{"display_name_prefix: 'a\\x01'", kInvalid, "display_name_prefix"}));

TEST_F(VolunteerServiceTest, ListFindsVolunteersByResidenceWithATotal) {
  grpc::ClientContext context;
  auth_.Authorize(context);
  ListVolunteersResponse response;
  ASSERT_THAT(stub_->ListVolunteers(
                  &context, ParseTextProto<ListVolunteersRequest>("residence_region: 'regions/42'"),
                  &response),
              IsOk());
  EXPECT_EQ(response.total_size(), 1);
  ASSERT_EQ(response.volunteers_size(), 1);
  EXPECT_EQ(response.volunteers(0).name(), first_.name());
  EXPECT_EQ(response.volunteers(0).id_number(), "");
}

class UpdateBadInputTest : public VolunteerServiceTest,
                           public ::testing::WithParamInterface<BadInput> {};

TEST_P(UpdateBadInputTest, IsRefusedAndChangesNothing) {
  grpc::ClientContext context;
  auth_.Authorize(context);
  Volunteer volunteer;
  const std::string text = absl::StrReplaceAll(std::get<0>(GetParam()), {{"$NAME", first_.name()}});
  EXPECT_THAT(
      stub_->UpdateVolunteer(&context, ParseTextProto<UpdateVolunteerRequest>(text), &volunteer),
      StatusIs(std::get<1>(GetParam()), HasSubstr(std::get<2>(GetParam()))));
  EXPECT_EQ(Snapshot(), before_);
}

INSTANTIATE_TEST_SUITE_P(
    Requests, UpdateBadInputTest,
    ::testing::Values(
        BadInput{"volunteer { display_name: 'x' } update_mask { paths: 'display_name' }", kInvalid,
                 "volunteer.name"},
        BadInput{"volunteer { name: '$NAME' display_name: 'x' }", kInvalid, "update_mask"},
        BadInput{"volunteer { name: '$NAME' id_number: '420102198511220041' } "
                 "update_mask { paths: 'id_number' }",
                 kInvalid, "update_mask: cannot set \"id_number\""},
        BadInput{"volunteer { name: '$NAME' birth_date: '1991-01-01' } "
                 "update_mask { paths: 'birth_date' }",
                 kInvalid, "update_mask"},
        BadInput{"volunteer { name: '$NAME' phone: '999' } update_mask { paths: 'phone' }",
                 kInvalid, "volunteer.phone"},
        BadInput{"volunteer { name: '$NAME' } update_mask { paths: 'status' }", kInvalid,
                 "volunteer.status"},
        BadInput{"volunteer { name: '$NAME' residence_region: 'regions/14' } "
                 "update_mask { paths: 'residence_region' }",
                 kInvalid, "volunteer.residence_region"},
        BadInput{"volunteer { name: '$NAME' display_name: 'x' etag: '9' } "
                 "update_mask { paths: 'display_name' }",
                 grpc::StatusCode::ABORTED, "etag"},
        BadInput{"volunteer { name: '$NAME' residence_region: 'regions/652302' } "
                 "update_mask { paths: 'residence_region' }",
                 grpc::StatusCode::FAILED_PRECONDITION, "regions/652302"}));

TEST_F(VolunteerServiceTest, UpdateSetsAndClearsThePhone) {
  grpc::ClientContext context;
  auth_.Authorize(context);
  Volunteer volunteer;
  ASSERT_THAT(stub_->UpdateVolunteer(
                  &context,
                  ParseTextProto<UpdateVolunteerRequest>(absl::StrCat(
                      "volunteer { name: '", first_.name(),
                      "' phone: '' skills: '手语' } update_mask { paths: ['phone', 'skills'] }")),
                  &volunteer),
              IsOk());
  EXPECT_EQ(volunteer.phone_masked(), "");
  EXPECT_THAT(volunteer.skills(), ::testing::ElementsAre("手语"));
}

class DeleteBadInputTest : public VolunteerServiceTest,
                           public ::testing::WithParamInterface<BadInput> {};

TEST_P(DeleteBadInputTest, IsRefusedAndChangesNothing) {
  grpc::ClientContext context;
  auth_.Authorize(context);
  Volunteer volunteer;
  const std::string text = absl::StrReplaceAll(std::get<0>(GetParam()), {{"$NAME", first_.name()}});
  EXPECT_THAT(
      stub_->DeleteVolunteer(&context, ParseTextProto<DeleteVolunteerRequest>(text), &volunteer),
      StatusIs(std::get<1>(GetParam()), HasSubstr(std::get<2>(GetParam()))));
  EXPECT_EQ(Snapshot(), before_);
}

INSTANTIATE_TEST_SUITE_P(
    Requests, DeleteBadInputTest,
    ::testing::Values(
        BadInput{"", kInvalid, "name"}, BadInput{"name: 'volunteers/1'", kInvalid, "name"},
        BadInput{"name: '$NAME' etag: 'abc'", kInvalid, "etag"},
        BadInput{"name: '$NAME' etag: '0'", kInvalid, "etag"},
        BadInput{"name: '$NAME' etag: '4'", grpc::StatusCode::ABORTED, "etag"},
        BadInput{absl::StrCat("name: 'volunteers/", MintVolunteerNumber("420102", 2026, 77), "'"),
                 grpc::StatusCode::NOT_FOUND, "does not exist"}));

}  // namespace
}  // namespace zhiyuan::services
