// ServiceRecordService end to end: the real zhiyuand on PostgreSQL, called over gRPC. A scripted
// day of check-ins, check-outs, a forgotten check-out, organiser entries, manual hours and their
// approval, checked against an independent calculation and explained; sync uploads replayed in
// pieces, shuffled, whole, and from two connections at once, leaving one record per item.
#include <gmock/gmock.h>
#include <google/protobuf/text_format.h>
#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <pqxx/nontransaction>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "clients/bearer_channel.h"
#include "services/check_in_codes.h"
#include "services/server.h"
#include "storage/migrations.h"
#include "tests/testing/database_tokens.h"
#include "tests/testing/generic_calls.h"
#include "tests/testing/pg_test_environment.h"
#include "tests/testing/status_matchers.h"
#include "zhiyuan/v1/service_record.grpc.pb.h"
#include "zhiyuan/v1/token.pb.h"

namespace zhiyuan::services {
namespace {

namespace v1 = ::zhiyuan::v1;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using ::zhiyuan::testing::IsOk;
using ::zhiyuan::testing::StatusIs;
using ::zhiyuan::testing::TestDatabaseUrl;

const std::string kMasterKey(32, 'k');

std::string IdNumber(const std::string& first17) {
  static constexpr int kWeights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return first17 + "10X98765432"[sum % 11];
}

// The credit the national rules give, computed here apart from services/hour_rules.cc: at most
// the scheduled minutes plus 15; whole hours, then 1-15 minutes past count 0, 16-45 count 30,
// 46-59 count 60, never past the cap.
int64_t ExpectedCredit(int64_t raw_minutes, int64_t scheduled_minutes) {
  const int64_t cap = scheduled_minutes + 15;
  const int64_t capped = std::min(raw_minutes, cap);
  const int64_t rest = capped % 60;
  const int64_t extra = rest == 0 ? 0 : rest <= 15 ? 0 : rest <= 45 ? 30 : 60;
  return std::min(capped / 60 * 60 + extra, cap);
}

google::protobuf::Timestamp Proto(absl::Time time) {
  google::protobuf::Timestamp proto;
  proto.set_seconds(absl::ToUnixSeconds(time));
  return proto;
}

class ServiceRecordServiceTest : public ::zhiyuan::testing::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped()) return;
    {
      pqxx::connection connection(TestDatabaseUrl());
      pqxx::nontransaction(connection)
          .exec(
              "TRUNCATE audit_log, api_tokens, service_record_revisions, service_records, events, "
              "team_members, teams, posts, programs, practice_units, volunteers, "
              "volunteer_identities, volunteer_create_requests, regions CASCADE");
    }
    ServerOptions options;
    options.listen_address = "127.0.0.1:0";
    options.database_url = TestDatabaseUrl();
    options.migrations = storage::BuiltinMigrations();
    options.personal_data_key = kMasterKey;
    options.token_cache_ttl = absl::ZeroDuration();
    options.close_check_outs_interval = CloseInterval();
    auto server = Server::Start(options);
    ASSERT_THAT(server, IsOk());
    server_ = *std::move(server);
    address_ = absl::StrCat("127.0.0.1:", server_->port());
    generic_ = std::make_unique<grpc::GenericStub>(
        grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
    admin_ = ::zhiyuan::testing::MintDatabaseAdminToken(TestDatabaseUrl());
    auto codes = CheckInCodes::Create(kMasterKey);
    ASSERT_THAT(codes, IsOk());
    codes_ = *std::move(codes);
    Seed();
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown(absl::Seconds(1));
  }

  virtual absl::Duration CloseInterval() { return absl::Hours(1); }

  // A stub on a connection of its own, calling with `secret`.
  std::unique_ptr<v1::ServiceRecordService::Stub> Stub(const std::string& secret) {
    grpc::ChannelArguments arguments;
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    return v1::ServiceRecordService::NewStub(clients::CreateBearerChannel(
        address_, grpc::InsecureChannelCredentials(), secret, arguments));
  }

  // Calls `method` as the admin with a text-proto request ($names replaced); returns the reply's
  // "name".
  std::string Make(const std::string& method, const std::string& request,
                   google::protobuf::Message* reply_out = nullptr) {
    const google::protobuf::MethodDescriptor* descriptor = ::zhiyuan::testing::FindMethod(method);
    std::unique_ptr<google::protobuf::Message> message =
        ::zhiyuan::testing::NewRequest(*descriptor);
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(absl::StrReplaceAll(request, names_),
                                                              message.get()))
        << request;
    std::unique_ptr<google::protobuf::Message> reply = ::zhiyuan::testing::NewReply(*descriptor);
    google::protobuf::Message* into = reply_out != nullptr ? reply_out : reply.get();
    const grpc::Status status =
        ::zhiyuan::testing::CallMethod(*generic_, admin_, *descriptor, *message, into);
    EXPECT_TRUE(status.ok()) << method << ": " << status.error_message();
    const auto* name = into->GetDescriptor()->FindFieldByName("name");
    return name == nullptr ? "" : into->GetReflection()->GetString(*into, name);
  }

  std::string MakeToken(const std::string& token) {
    v1::CreateTokenResponse reply;
    Make("zhiyuan.v1.TokenService.CreateToken", absl::StrCat("token { ", token, " }"), &reply);
    return reply.secret();
  }

  // An event of team $A at post $P in 临县, ONGOING, from `start` to `end`.
  std::string MakeEvent(absl::Time start, absl::Time end) {
    return Make("zhiyuan.v1.EventService.CreateEvent",
                absl::StrCat("event { title: '新时代夜校' organizer: '$A' region: "
                             "'regions/141124' post: '$P' start_time { seconds: ",
                             absl::ToUnixSeconds(start),
                             " } end_time { seconds: ", absl::ToUnixSeconds(end),
                             " } category: SERVICE_CATEGORY_THEORY_OUTREACH status: "
                             "EVENT_STATUS_ONGOING }"));
  }

  void Seed() {
    Make("zhiyuan.v1.RegionService.ImportRegions",
         "regions { name: 'regions/14' display_name: '山西省' } "
         "regions { name: 'regions/1411' display_name: '吕梁市' } "
         "regions { name: 'regions/141124' display_name: '临县' }");
    names_["$A"] = Make("zhiyuan.v1.TeamService.CreateTeam",
                        "team { display_name: '临县总队' home_region: 'regions/141124' }");
    names_["$P"] = Make("zhiyuan.v1.PostService.CreatePost",
                        "post { display_name: '临县车站服务岗' host_organization: '临县车站' "
                        "host_kind: POST_HOST_KIND_HOTEL region: 'regions/141124' }");
    for (int i = 0; i < 8; ++i) {
      const std::string name =
          Make("zhiyuan.v1.VolunteerService.CreateVolunteer",
               absl::StrCat("volunteer { display_name: '志愿者", i,
                            "' birth_date: '1985-11-22' residence_region: 'regions/141124' "
                            "id_number: '",
                            IdNumber(absl::StrFormat("1411241985112200%d", i)), "' }"));
      volunteers_.push_back(name);
    }
    kiosk_ = MakeToken("display_name: '车站自助机' role: ROLE_KIOSK posts: '$P'");
    region_admin_ = MakeToken(
        "display_name: '临县文明办 王芳' role: ROLE_REGION_ADMIN region: 'regions/141124'");
    other_admin_ = MakeToken(
        "display_name: '临县文明办 李强' role: ROLE_REGION_ADMIN region: 'regions/141124'");
    same_person_ = MakeToken(
        "display_name: '临县文明办 王芳' role: ROLE_REGION_ADMIN region: 'regions/141124'");
    for (int i = 0; i < 3; ++i) {
      volunteer_tokens_.push_back(MakeToken(absl::StrCat(
          "display_name: '志愿者", i, "' role: ROLE_VOLUNTEER volunteer: '", volunteers_[i], "'")));
    }
  }

  // Yesterday at `hour`:`minute` China time.
  static absl::Time Yesterday(int hour, int minute) {
    const absl::TimeZone china = absl::FixedTimeZone(8 * 3600);
    const absl::CivilDay today = absl::ToCivilDay(absl::Now(), china);
    const absl::CivilDay day = today - 1;
    return absl::FromCivil(absl::CivilMinute(day.year(), day.month(), day.day(), hour, minute),
                           china);
  }

  static int64_t EventId(const std::string& event) {
    int64_t id = 0;
    EXPECT_TRUE(absl::SimpleAtoi(absl::StripPrefix(event, "events/"), &id)) << event;
    return id;
  }

  grpc::Status CheckIn(const std::string& secret, const std::string& volunteer,
                       const std::string& event, absl::Time time, bool with_code,
                       v1::ServiceRecord* record) {
    v1::CheckInRequest request;
    request.set_volunteer(volunteer);
    request.set_event(event);
    *request.mutable_check_in_time() = Proto(time);
    if (with_code)
      request.mutable_code()->set_short_code(codes_->At(EventId(event), time).short_code);
    grpc::ClientContext context;
    return Stub(secret)->CheckIn(&context, request, record);
  }

  grpc::Status CheckOut(const std::string& secret, const std::string& volunteer,
                        const std::string& event, absl::Time time, bool with_code,
                        v1::ServiceRecord* record) {
    v1::CheckOutRequest request;
    request.set_volunteer(volunteer);
    request.set_event(event);
    *request.mutable_check_out_time() = Proto(time);
    if (with_code)
      request.mutable_code()->set_qr_payload(codes_->At(EventId(event), time).qr_payload);
    grpc::ClientContext context;
    return Stub(secret)->CheckOut(&context, request, record);
  }

  grpc::Status Enter(const std::string& secret, const std::string& volunteer,
                     const std::string& event, absl::Time in, absl::Time out,
                     v1::ServiceRecord* record) {
    v1::CreateServiceRecordRequest request;
    request.set_parent(volunteer);
    request.mutable_service_record()->set_event(event);
    *request.mutable_service_record()->mutable_check_in_time() = Proto(in);
    *request.mutable_service_record()->mutable_check_out_time() = Proto(out);
    grpc::ClientContext context;
    return Stub(secret)->CreateServiceRecord(&context, request, record);
  }

  // Every record of `volunteer`, as the admin sees them.
  std::vector<v1::ServiceRecord> Records(const std::string& volunteer) {
    v1::ListServiceRecordsRequest request;
    request.set_parent(volunteer);
    request.set_page_size(1000);
    v1::ListServiceRecordsResponse response;
    grpc::ClientContext context;
    EXPECT_TRUE(Stub(admin_)->ListServiceRecords(&context, request, &response).ok());
    return {response.service_records().begin(), response.service_records().end()};
  }

  int64_t CreditedMinutes(const std::string& volunteer) {
    int64_t total = 0;
    for (const v1::ServiceRecord& record : Records(volunteer)) total += record.credited_minutes();
    return total;
  }

  std::unique_ptr<Server> server_;
  std::string address_;
  std::unique_ptr<grpc::GenericStub> generic_;
  std::unique_ptr<CheckInCodes> codes_;
  std::map<std::string, std::string> names_;
  std::string admin_, kiosk_, region_admin_, other_admin_, same_person_;
  std::vector<std::string> volunteers_;
  std::vector<std::string> volunteer_tokens_;
};

TEST_F(ServiceRecordServiceTest, AScriptedDayCreditsWhatAnIndependentCalculationExpects) {
  if (IsSkipped()) return;
  // Morning 09:00-12:00 and afternoon 14:00-17:00 sessions, yesterday; national rules (grace 15,
  // forgotten check-outs closed 120 minutes after the end).
  const std::string morning = MakeEvent(Yesterday(9, 0), Yesterday(12, 0));
  const std::string afternoon = MakeEvent(Yesterday(14, 0), Yesterday(17, 0));
  const std::string& v0 = volunteers_[0];
  const std::string& v1 = volunteers_[1];
  const std::string& v2 = volunteers_[2];
  v1::ServiceRecord record;

  // v0 checks in and out with the event's codes: 08:50-12:10, 200 minutes, capped at 195.
  ASSERT_THAT(CheckIn(volunteer_tokens_[0], v0, morning, Yesterday(8, 50), true, &record), IsOk());
  EXPECT_EQ(record.state(), v1::SERVICE_RECORD_STATE_OPEN);
  EXPECT_EQ(record.method(), v1::RECORD_METHOD_VOLUNTEER_CODE);
  EXPECT_EQ(record.verifier(), "");
  ASSERT_THAT(CheckOut(volunteer_tokens_[0], v0, morning, Yesterday(12, 10), true, &record),
              IsOk());
  EXPECT_EQ(record.state(), v1::SERVICE_RECORD_STATE_CREDITED);
  EXPECT_EQ(record.raw_minutes(), 200);
  EXPECT_EQ(record.credited_minutes(), ExpectedCredit(200, 180));
  const std::string v0_morning = record.name();

  // v1 at the kiosk: 09:20-10:40, 80 minutes.
  ASSERT_THAT(CheckIn(kiosk_, v1, morning, Yesterday(9, 20), false, &record), IsOk());
  EXPECT_EQ(record.method(), v1::RECORD_METHOD_KIOSK);
  EXPECT_FALSE(record.verifier().empty());
  ASSERT_THAT(CheckOut(kiosk_, v1, morning, Yesterday(10, 40), false, &record), IsOk());
  EXPECT_EQ(record.credited_minutes(), ExpectedCredit(80, 180));

  // v2 checks in at 09:05 and forgets to check out. Checking in at the afternoon session closes
  // the morning at its scheduled end (12:00: 175 minutes).
  ASSERT_THAT(CheckIn(volunteer_tokens_[2], v2, morning, Yesterday(9, 5), true, &record), IsOk());
  const std::string v2_morning = record.name();
  ASSERT_THAT(CheckIn(volunteer_tokens_[2], v2, afternoon, Yesterday(14, 10), true, &record),
              IsOk());
  ASSERT_THAT(CheckOut(volunteer_tokens_[2], v2, afternoon, Yesterday(16, 20), true, &record),
              IsOk());
  EXPECT_EQ(record.credited_minutes(), ExpectedCredit(130, 180));

  // An organiser enters v0's afternoon (14:00-17:30, capped) and v1's (14:00-15:00).
  ASSERT_THAT(Enter(region_admin_, v0, afternoon, Yesterday(14, 0), Yesterday(17, 30), &record),
              IsOk());
  EXPECT_EQ(record.method(), v1::RECORD_METHOD_ORGANIZER);
  EXPECT_EQ(record.credited_minutes(), ExpectedCredit(210, 180));
  ASSERT_THAT(Enter(region_admin_, v1, afternoon, Yesterday(14, 0), Yesterday(15, 0), &record),
              IsOk());

  // Overlaps are refused: v0 was at the morning session until 12:10.
  EXPECT_THAT(Enter(region_admin_, v0, morning, Yesterday(11, 0), Yesterday(11, 30), &record),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("overlapping")));
  // A wrong code is refused, and so is a check-out with no check-in.
  {
    v1::CheckInRequest request;
    request.set_volunteer(v0);
    request.set_event(afternoon);
    *request.mutable_check_in_time() = Proto(Yesterday(17, 40));
    request.mutable_code()->set_short_code("000000");
    grpc::ClientContext context;
    EXPECT_THAT(Stub(volunteer_tokens_[0])->CheckIn(&context, request, &record),
                StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("code")));
  }
  EXPECT_THAT(CheckOut(kiosk_, volunteers_[3], morning, Yesterday(11, 0), false, &record),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("no open check-in")));

  // Manual hours: 120 minutes for v1, added by 王芳, approved by 李强 (not by 王芳's other token).
  v1::CreateServiceRecordRequest manual;
  manual.set_parent(v1);
  manual.mutable_service_record()->set_event(morning);
  manual.mutable_service_record()->set_hour_class(v1::HOUR_CLASS_MANUAL);
  manual.mutable_service_record()->set_credited_minutes(120);
  *manual.mutable_service_record()->mutable_check_in_time() = Proto(Yesterday(18, 0));
  {
    grpc::ClientContext context;
    ASSERT_THAT(Stub(region_admin_)->CreateServiceRecord(&context, manual, &record), IsOk());
  }
  EXPECT_EQ(record.state(), v1::SERVICE_RECORD_STATE_PENDING_APPROVAL);
  EXPECT_EQ(record.credited_minutes(), 0);
  v1::ReviewServiceRecordRequest review;
  review.set_name(record.name());
  review.set_approve(true);
  for (const std::string* secret : {&region_admin_, &same_person_}) {
    grpc::ClientContext context;
    EXPECT_THAT(Stub(*secret)->ReviewServiceRecord(&context, review, &record),
                StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("another person")));
  }
  {
    grpc::ClientContext context;
    ASSERT_THAT(Stub(other_admin_)->ReviewServiceRecord(&context, review, &record), IsOk());
  }
  EXPECT_EQ(record.state(), v1::SERVICE_RECORD_STATE_CREDITED);
  EXPECT_EQ(record.credited_minutes(), 120);

  // The day's totals.
  EXPECT_EQ(CreditedMinutes(v0), ExpectedCredit(200, 180) + ExpectedCredit(210, 180));
  EXPECT_EQ(CreditedMinutes(v1), ExpectedCredit(80, 180) + ExpectedCredit(60, 180) + 120);
  EXPECT_EQ(CreditedMinutes(v2), ExpectedCredit(175, 180) + ExpectedCredit(130, 180));

  // Why v2's morning credits what it does: closed by the rules, capped, rounded.
  v1::ExplainHoursRequest explain;
  explain.set_name(v2_morning);
  v1::HoursExplanation explanation;
  {
    grpc::ClientContext context;
    ASSERT_THAT(Stub(volunteer_tokens_[2])->ExplainHours(&context, explain, &explanation), IsOk());
  }
  EXPECT_TRUE(explanation.service_record().auto_closed());
  ASSERT_THAT(explanation.steps(), SizeIs(3));
  EXPECT_EQ(explanation.steps(0).rule(), "auto_close");
  EXPECT_EQ(explanation.steps(0).minutes(), 175);
  EXPECT_EQ(explanation.steps(2).rule(), "rounding");
  EXPECT_EQ(explanation.steps(2).minutes(), ExpectedCredit(175, 180));
  EXPECT_THAT(explanation.steps(2).explanation(), HasSubstr("national v1"));
  EXPECT_EQ(explanation.service_record().credited_minutes(), ExpectedCredit(175, 180));

  // Its history: made, then closed by zhiyuand.
  v1::ListServiceRecordRevisionsRequest history;
  history.set_name(v2_morning);
  v1::ListServiceRecordRevisionsResponse revisions;
  {
    grpc::ClientContext context;
    ASSERT_THAT(Stub(admin_)->ListServiceRecordRevisions(&context, history, &revisions), IsOk());
  }
  ASSERT_THAT(revisions.revisions(), SizeIs(2));
  EXPECT_EQ(revisions.revisions(0).change(), v1::REVISION_CHANGE_CREATED);
  EXPECT_EQ(revisions.revisions(1).change(), v1::REVISION_CHANGE_AUTO_CLOSED);
  EXPECT_EQ(revisions.revisions(1).actor(), "");

  // Another volunteer cannot read v0's record; the event's schedule is now fixed.
  v1::GetServiceRecordRequest get;
  get.set_name(v0_morning);
  {
    grpc::ClientContext context;
    EXPECT_THAT(Stub(volunteer_tokens_[1])->GetServiceRecord(&context, get, &record),
                StatusIs(grpc::StatusCode::NOT_FOUND));
  }
  const google::protobuf::MethodDescriptor* update =
      ::zhiyuan::testing::FindMethod("zhiyuan.v1.EventService.UpdateEvent");
  auto request = ::zhiyuan::testing::NewRequest(*update);
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      absl::StrCat("event { name: '", morning,
                   "' status: EVENT_STATUS_CANCELLED } update_mask { paths: 'status' }"),
      request.get()));
  EXPECT_EQ(::zhiyuan::testing::CallMethod(*generic_, admin_, *update, *request).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(ServiceRecordServiceTest, CorrectionsAreReviewedByAnotherPersonAndKeepTheHistory) {
  if (IsSkipped()) return;
  const std::string morning = MakeEvent(Yesterday(9, 0), Yesterday(12, 0));
  const std::string afternoon = MakeEvent(Yesterday(14, 0), Yesterday(17, 0));
  const std::string& v0 = volunteers_[0];
  v1::ServiceRecord record;
  ASSERT_THAT(Enter(region_admin_, v0, morning, Yesterday(9, 0), Yesterday(10, 0), &record),
              IsOk());
  const std::string name = record.name();
  ASSERT_THAT(Enter(region_admin_, v0, afternoon, Yesterday(14, 0), Yesterday(15, 0), &record),
              IsOk());
  const std::string afternoon_record = record.name();

  auto ask = [&](const std::string& secret, const std::string& parent, v1::Correction wanted,
                 v1::Correction* made) {
    v1::CreateCorrectionRequest request;
    request.set_parent(parent);
    *request.mutable_correction() = std::move(wanted);
    grpc::ClientContext context;
    return Stub(secret)->CreateCorrection(&context, request, made);
  };
  auto review = [&](const std::string& secret, const std::string& correction, bool approve,
                    v1::Correction* reviewed) {
    v1::ReviewCorrectionRequest request;
    request.set_name(correction);
    request.set_approve(approve);
    if (!approve) request.set_note("不符");
    grpc::ClientContext context;
    return Stub(secret)->ReviewCorrection(&context, request, reviewed);
  };

  // The volunteer left at 11:00, not 10:00.
  v1::Correction later;
  *later.mutable_check_out_time() = Proto(Yesterday(11, 0));
  later.set_reason("签退时手机没电");
  v1::Correction asked;
  ASSERT_THAT(ask(volunteer_tokens_[0], name, later, &asked), IsOk());
  EXPECT_EQ(asked.state(), v1::CORRECTION_STATE_PENDING);
  EXPECT_EQ(asked.record_revision(), 1);
  // Times that would overlap the afternoon are refused at once.
  v1::Correction overlapping;
  *overlapping.mutable_check_out_time() = Proto(Yesterday(14, 30));
  overlapping.set_reason("x");
  v1::Correction refused;
  EXPECT_THAT(ask(volunteer_tokens_[0], name, overlapping, &refused),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION));
  // Another volunteer cannot see the record to correct it; the requester cannot review.
  EXPECT_THAT(ask(volunteer_tokens_[1], name, later, &refused),
              StatusIs(grpc::StatusCode::NOT_FOUND));
  v1::Correction reviewed;
  EXPECT_THAT(review(volunteer_tokens_[0], asked.name(), true, &reviewed),
              StatusIs(grpc::StatusCode::PERMISSION_DENIED));
  ASSERT_THAT(review(region_admin_, asked.name(), true, &reviewed), IsOk());
  EXPECT_EQ(reviewed.state(), v1::CORRECTION_STATE_APPROVED);
  EXPECT_FALSE(reviewed.reviewer().empty());
  EXPECT_THAT(review(other_admin_, asked.name(), true, &reviewed),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("not PENDING")));

  v1::GetServiceRecordRequest get;
  get.set_name(name);
  {
    grpc::ClientContext context;
    ASSERT_THAT(Stub(admin_)->GetServiceRecord(&context, get, &record), IsOk());
  }
  EXPECT_EQ(record.revision(), 2);
  EXPECT_EQ(record.raw_minutes(), 120);
  EXPECT_EQ(record.credited_minutes(), ExpectedCredit(120, 180));

  // A correction asked by 王芳 against revision 2: 王芳's other token may not approve it, and
  // once the record moves on it no longer applies.
  v1::Correction withdraw;
  withdraw.set_withdraw(true);
  withdraw.set_reason("重复登记");
  v1::Correction by_admin;
  ASSERT_THAT(ask(region_admin_, name, withdraw, &by_admin), IsOk());
  EXPECT_THAT(review(same_person_, by_admin.name(), true, &reviewed),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("another person")));
  v1::Correction earlier;
  *earlier.mutable_check_in_time() = Proto(Yesterday(8, 30));
  earlier.set_reason("提前到岗");
  v1::Correction second;
  ASSERT_THAT(ask(volunteer_tokens_[0], name, earlier, &second), IsOk());
  ASSERT_THAT(review(other_admin_, second.name(), true, &reviewed), IsOk());
  EXPECT_THAT(review(other_admin_, by_admin.name(), true, &reviewed),
              StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("has changed since")));
  ASSERT_THAT(review(other_admin_, by_admin.name(), false, &reviewed), IsOk());
  EXPECT_EQ(reviewed.state(), v1::CORRECTION_STATE_REJECTED);

  // Withdrawn for good: VOIDED, nothing credited, and the whole history kept.
  ASSERT_THAT(ask(region_admin_, name, withdraw, &by_admin), IsOk());
  ASSERT_THAT(review(other_admin_, by_admin.name(), true, &reviewed), IsOk());
  {
    grpc::ClientContext context;
    ASSERT_THAT(Stub(admin_)->GetServiceRecord(&context, get, &record), IsOk());
  }
  EXPECT_EQ(record.state(), v1::SERVICE_RECORD_STATE_VOIDED);
  EXPECT_EQ(record.credited_minutes(), 0);
  v1::ListServiceRecordRevisionsRequest history;
  history.set_name(name);
  v1::ListServiceRecordRevisionsResponse revisions;
  {
    grpc::ClientContext context;
    ASSERT_THAT(
        Stub(volunteer_tokens_[0])->ListServiceRecordRevisions(&context, history, &revisions),
        IsOk());
  }
  ASSERT_THAT(revisions.revisions(), SizeIs(4));
  EXPECT_EQ(revisions.revisions(1).change(), v1::REVISION_CHANGE_CORRECTED);
  EXPECT_EQ(revisions.revisions(1).reason(), "签退时手机没电");
  EXPECT_EQ(revisions.revisions(2).service_record().raw_minutes(), 150);
  EXPECT_EQ(revisions.revisions(3).change(), v1::REVISION_CHANGE_VOIDED);

  v1::ListCorrectionsRequest queue;
  queue.set_parent("volunteers/-/serviceRecords/-");
  queue.set_event(morning);
  v1::ListCorrectionsResponse corrections;
  {
    grpc::ClientContext context;
    ASSERT_THAT(Stub(other_admin_)->ListCorrections(&context, queue, &corrections), IsOk());
  }
  EXPECT_THAT(corrections.corrections(), SizeIs(4));
  {
    grpc::ClientContext context;
    EXPECT_THAT(Stub(kiosk_)->ListCorrections(&context, queue, &corrections), IsOk());
  }
  EXPECT_EQ(CreditedMinutes(v0), ExpectedCredit(60, 180));
  (void)afternoon_record;
}

TEST_F(ServiceRecordServiceTest, RecomputeCreditsAnEventAgainUnderNewRules) {
  if (IsSkipped()) return;
  const std::string morning = MakeEvent(Yesterday(9, 0), Yesterday(12, 0));
  v1::ServiceRecord record;
  // 70, 100 and 130 minutes: 60, 90 and 120 under the national rules.
  for (int i = 0; i < 3; ++i) {
    ASSERT_THAT(Enter(region_admin_, volunteers_[i], morning, Yesterday(9, 0),
                      Yesterday(10, 10 + 30 * i), &record),
                IsOk());
  }
  // 临县 now credits every started hour in full.
  const std::string rules =
      Make("zhiyuan.v1.HourRuleService.CreateHourRuleSet",
           "hour_rule_set { region: 'regions/141124' bands { up_to_minutes: 0 credit_minutes: 0 "
           "} bands { up_to_minutes: 59 credit_minutes: 60 } grace_minutes: 15 "
           "auto_close_minutes: 120 }");
  // Changing the rules rewrites nothing by itself.
  EXPECT_EQ(CreditedMinutes(volunteers_[0]), 60);
  v1::RecomputeServiceRecordsRequest request;
  request.set_event(morning);
  request.set_reason("临县计时办法修订");
  v1::RecomputeServiceRecordsResponse response;
  {
    grpc::ClientContext context;
    EXPECT_THAT(Stub(kiosk_)->RecomputeServiceRecords(&context, request, &response),
                StatusIs(grpc::StatusCode::PERMISSION_DENIED));
  }
  {
    grpc::ClientContext context;
    ASSERT_THAT(Stub(region_admin_)->RecomputeServiceRecords(&context, request, &response), IsOk());
  }
  EXPECT_EQ(response.hour_rule_set(), rules);
  EXPECT_EQ(response.examined(), 3);
  EXPECT_EQ(response.changed(), 3);
  EXPECT_EQ(response.credited_minutes_before(), 60 + 90 + 120);
  EXPECT_EQ(response.credited_minutes_after(), 120 + 120 + 180);
  // Again: nothing changes.
  {
    grpc::ClientContext context;
    ASSERT_THAT(Stub(region_admin_)->RecomputeServiceRecords(&context, request, &response), IsOk());
  }
  EXPECT_EQ(response.changed(), 0);
  EXPECT_EQ(CreditedMinutes(volunteers_[2]), 180);
  v1::ExplainHoursRequest explain;
  explain.set_name(Records(volunteers_[2])[0].name());
  v1::HoursExplanation explanation;
  grpc::ClientContext context;
  ASSERT_THAT(Stub(admin_)->ExplainHours(&context, explain, &explanation), IsOk());
  EXPECT_THAT(explanation.steps(explanation.steps_size() - 1).explanation(),
              HasSubstr(absl::StrCat(rules, " (regions/141124 v1)")));
}

TEST_F(ServiceRecordServiceTest, TotalsAndStarsFollowTheRecords) {
  if (IsSkipped()) return;
  const std::string morning = MakeEvent(Yesterday(9, 0), Yesterday(12, 0));
  const std::string& v1_name = volunteers_[1];
  v1::ServiceRecord record;
  ASSERT_THAT(Enter(region_admin_, v1_name, morning, Yesterday(9, 0), Yesterday(11, 0), &record),
              IsOk());
  // 700 hours of manual service, approved: 3 stars (600 to 1,000 hours).
  v1::CreateServiceRecordRequest manual;
  manual.set_parent(v1_name);
  manual.mutable_service_record()->set_event(morning);
  manual.mutable_service_record()->set_hour_class(v1::HOUR_CLASS_MANUAL);
  manual.mutable_service_record()->set_credited_minutes(700 * 60);
  *manual.mutable_service_record()->mutable_check_in_time() = Proto(Yesterday(12, 0));
  {
    grpc::ClientContext context;
    ASSERT_THAT(Stub(region_admin_)->CreateServiceRecord(&context, manual, &record), IsOk());
  }
  auto totals = [&](const std::string& secret, v1::ServiceTotals* out) {
    v1::GetServiceTotalsRequest request;
    request.set_name(absl::StrCat(v1_name, "/serviceTotals"));
    request.set_period(v1::TOTALS_PERIOD_MONTH);
    grpc::ClientContext context;
    return Stub(secret)->GetServiceTotals(&context, request, out);
  };
  v1::ServiceTotals before;
  ASSERT_THAT(totals(volunteer_tokens_[1], &before), IsOk());
  EXPECT_EQ(before.window().attendance_minutes(), 120);
  EXPECT_EQ(before.window().manual_minutes(), 0);  // Not approved yet.
  EXPECT_EQ(before.star_level(), 0);
  EXPECT_EQ(before.next_star_minutes(), 100 * 60 - 120);
  v1::ReviewServiceRecordRequest review;
  review.set_name(record.name());
  review.set_approve(true);
  {
    grpc::ClientContext context;
    ASSERT_THAT(Stub(other_admin_)->ReviewServiceRecord(&context, review, &record), IsOk());
  }
  v1::ServiceTotals after;
  ASSERT_THAT(totals(volunteer_tokens_[1], &after), IsOk());
  EXPECT_EQ(after.window().manual_minutes(), 700 * 60);
  EXPECT_EQ(after.lifetime_minutes(), 700 * 60 + 120);
  EXPECT_EQ(after.star_level(), 3);
  EXPECT_EQ(after.next_star_minutes(), 1000 * 60 - (700 * 60 + 120));
  ASSERT_THAT(after.periods(), SizeIs(1));
  const absl::CivilDay day = absl::ToCivilDay(Yesterday(9, 0), absl::FixedTimeZone(8 * 3600));
  EXPECT_EQ(after.periods(0).start_date(),
            absl::FormatCivilTime(absl::CivilDay(day.year(), day.month(), 1)));
  EXPECT_EQ(after.periods(0).record_count(), 2);
  // Another volunteer may not read them; the kiosk neither.
  EXPECT_THAT(totals(volunteer_tokens_[0], &after), StatusIs(grpc::StatusCode::NOT_FOUND));
  EXPECT_THAT(totals(kiosk_, &after), StatusIs(grpc::StatusCode::NOT_FOUND));
}

class CheckOutCloserTest : public ServiceRecordServiceTest {
 protected:
  absl::Duration CloseInterval() override { return absl::Milliseconds(200); }
};

TEST_F(CheckOutCloserTest, ClosesForgottenCheckOutsInTheBackground) {
  if (IsSkipped()) return;
  const std::string morning = MakeEvent(Yesterday(9, 0), Yesterday(12, 0));
  v1::ServiceRecord record;
  ASSERT_THAT(CheckIn(kiosk_, volunteers_[4], morning, Yesterday(10, 0), false, &record), IsOk());
  const absl::Time give_up = absl::Now() + absl::Seconds(20);
  v1::GetServiceRecordRequest get;
  get.set_name(record.name());
  while (record.state() == v1::SERVICE_RECORD_STATE_OPEN && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(100));
    grpc::ClientContext context;
    ASSERT_THAT(Stub(admin_)->GetServiceRecord(&context, get, &record), IsOk());
  }
  EXPECT_EQ(record.state(), v1::SERVICE_RECORD_STATE_CREDITED);
  EXPECT_TRUE(record.auto_closed());
  EXPECT_EQ(record.raw_minutes(), 120);
  EXPECT_EQ(record.credited_minutes(), ExpectedCredit(120, 180));
}

// A sync upload: every volunteer checks in at the morning session and out, and is entered at
// the afternoon one; one stray check-out, with no check-in before it, is refused.
struct Upload {
  std::vector<v1::SyncItem> items;
  int refused = 0;
};

class SyncTest : public ServiceRecordServiceTest {
 protected:
  Upload MakeUpload(const std::string& morning, const std::string& afternoon, int first,
                    int count) {
    Upload upload;
    int serial = 0;
    auto add = [&]() -> v1::SyncItem& {
      v1::SyncItem& item = upload.items.emplace_back();
      item.set_client_id(absl::StrFormat("00000000-0000-4000-8000-%06d%06d", first, ++serial));
      return item;
    };
    for (int i = first; i < first + count; ++i) {
      v1::CheckInRequest& in = *add().mutable_check_in();
      in.set_volunteer(volunteers_[i]);
      in.set_event(morning);
      *in.mutable_check_in_time() = Proto(Yesterday(9, i));
      v1::CheckOutRequest& out = *add().mutable_check_out();
      out.set_volunteer(volunteers_[i]);
      out.set_event(morning);
      *out.mutable_check_out_time() = Proto(Yesterday(11, 30 + i));
      v1::CreateServiceRecordRequest& entry = *add().mutable_entry();
      entry.set_parent(volunteers_[i]);
      entry.mutable_service_record()->set_event(afternoon);
      *entry.mutable_service_record()->mutable_check_in_time() = Proto(Yesterday(14, 0));
      *entry.mutable_service_record()->mutable_check_out_time() = Proto(Yesterday(15, i));
    }
    // A check-out at the afternoon session, where nobody checked in.
    v1::CheckOutRequest& stray = *add().mutable_check_out();
    stray.set_volunteer(volunteers_[first]);
    stray.set_event(afternoon);
    *stray.mutable_check_out_time() = Proto(Yesterday(16, 0));
    upload.refused = 1;
    return upload;
  }

  // Uploads `items` in messages of `per_message` over one stream; returns every result.
  std::vector<v1::SyncItemResult> Sync(const std::vector<v1::SyncItem>& items, int per_message) {
    auto stub = Stub(region_admin_);
    grpc::ClientContext context;
    auto stream = stub->SyncServiceRecords(&context);
    std::vector<v1::SyncItemResult> results;
    for (size_t i = 0; i < items.size(); i += per_message) {
      v1::SyncServiceRecordsRequest request;
      for (size_t j = i; j < std::min(items.size(), i + per_message); ++j) {
        *request.add_items() = items[j];
      }
      EXPECT_TRUE(stream->Write(request));
      v1::SyncServiceRecordsResponse response;
      EXPECT_TRUE(stream->Read(&response));
      EXPECT_EQ(response.results_size(), request.items_size());
      results.insert(results.end(), response.results().begin(), response.results().end());
    }
    stream->WritesDone();
    EXPECT_THAT(stream->Finish(), IsOk());
    return results;
  }

  static std::map<v1::SyncOutcome, int> Outcomes(const std::vector<v1::SyncItemResult>& results) {
    std::map<v1::SyncOutcome, int> outcomes;
    for (const v1::SyncItemResult& result : results) ++outcomes[result.outcome()];
    return outcomes;
  }

  // Each volunteer's records: one morning and one afternoon record, each with its revisions.
  void ExpectOneRecordPerItem(int first, int count) {
    for (int i = first; i < first + count; ++i) {
      const std::vector<v1::ServiceRecord> records = Records(volunteers_[i]);
      ASSERT_THAT(records, SizeIs(2)) << volunteers_[i];
      for (const v1::ServiceRecord& record : records) {
        EXPECT_EQ(record.state(), v1::SERVICE_RECORD_STATE_CREDITED) << record.name();
      }
    }
  }
};

TEST_F(SyncTest, ReplaysInPiecesShuffledAndWholeLeaveOneRecordPerItem) {
  if (IsSkipped()) return;
  const std::string morning = MakeEvent(Yesterday(9, 0), Yesterday(12, 0));
  const std::string afternoon = MakeEvent(Yesterday(14, 0), Yesterday(17, 0));
  const Upload upload = MakeUpload(morning, afternoon, 0, 4);  // 13 items.

  // A prefix, in messages of 2.
  const std::vector<v1::SyncItem> prefix(upload.items.begin(), upload.items.begin() + 5);
  std::map<v1::SyncOutcome, int> outcomes = Outcomes(Sync(prefix, 2));
  EXPECT_EQ(outcomes[v1::SYNC_OUTCOME_ACCEPTED], 5);

  // The same prefix again: nothing new.
  outcomes = Outcomes(Sync(prefix, 5));
  EXPECT_EQ(outcomes[v1::SYNC_OUTCOME_DUPLICATE], 5);

  // The whole upload shuffled, one message: a check-out that comes before its check-in is
  // refused, so whatever the order, nothing is written twice.
  std::vector<v1::SyncItem> shuffled = upload.items;
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(7));
  outcomes = Outcomes(Sync(shuffled, 500));
  EXPECT_EQ(outcomes[v1::SYNC_OUTCOME_DUPLICATE], 5);

  // The whole upload in order, in messages of 3: what is left is written.
  const std::vector<v1::SyncItemResult> results = Sync(upload.items, 3);
  outcomes = Outcomes(results);
  EXPECT_EQ(outcomes[v1::SYNC_OUTCOME_REJECTED], upload.refused);
  EXPECT_EQ(results.back().error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(results.back().error_message(), HasSubstr("no open check-in"));
  ExpectOneRecordPerItem(0, 4);

  // And once more: only duplicates and the same refusal.
  outcomes = Outcomes(Sync(upload.items, 500));
  EXPECT_EQ(outcomes[v1::SYNC_OUTCOME_ACCEPTED], 0);
  EXPECT_EQ(outcomes[v1::SYNC_OUTCOME_DUPLICATE],
            static_cast<int>(upload.items.size()) - upload.refused);
  ExpectOneRecordPerItem(0, 4);
}

TEST_F(SyncTest, TheSameUploadFromTwoConnectionsAtOnceIsWrittenOnce) {
  if (IsSkipped()) return;
  const std::string morning = MakeEvent(Yesterday(9, 0), Yesterday(12, 0));
  const std::string afternoon = MakeEvent(Yesterday(14, 0), Yesterday(17, 0));
  const Upload upload = MakeUpload(morning, afternoon, 0, 8);  // 25 items.
  for (int round = 0; round < 3; ++round) {
    std::vector<v1::SyncItemResult> first, second;
    std::thread a([&] { first = Sync(upload.items, round == 0 ? 500 : 4); });
    std::thread b([&] { second = Sync(upload.items, round == 0 ? 500 : 3); });
    a.join();
    b.join();
    ASSERT_EQ(first.size(), upload.items.size());
    ASSERT_EQ(second.size(), upload.items.size());
    // Each item is accepted at most once over both connections (exactly once in the first
    // round, except the one refused everywhere).
    int accepted = 0;
    for (size_t i = 0; i < upload.items.size(); ++i) {
      const int here = (first[i].outcome() == v1::SYNC_OUTCOME_ACCEPTED) +
                       (second[i].outcome() == v1::SYNC_OUTCOME_ACCEPTED);
      EXPECT_LE(here, 1) << upload.items[i].client_id();
      accepted += here;
      if (first[i].outcome() != v1::SYNC_OUTCOME_REJECTED &&
          second[i].outcome() != v1::SYNC_OUTCOME_REJECTED) {
        EXPECT_EQ(first[i].service_record().name(), second[i].service_record().name());
      }
    }
    // Each message is written whole or not at all, in order: the first round writes every
    // item but the stray one, the later ones nothing.
    EXPECT_EQ(accepted, round == 0 ? static_cast<int>(upload.items.size()) - upload.refused : 0);
  }
  // After three rounds every item has landed once.
  ExpectOneRecordPerItem(0, 8);
}

}  // namespace
}  // namespace zhiyuan::services
