// Every zhiyuan.v1 RPC the binary carries × every role × an object in the role's scope and one
// outside it → the expected code, through the real server on PostgreSQL. The RPCs come from the
// compiled-in descriptors, so an RPC without a rule here fails this test.
//
// The world: 临县 (regions/141124) holds a practice unit U, a post P, the team A with the sub-team
// A1, the volunteer V (a member of A) and the program G; 阜康市 (regions/652302) holds U2, P2, F,
// W (a member of F) and G2; the events E (A's, at P) and E2 (F's, at P2), both under way. The
// callers: a system admin; the region admin and the reporter of 临县; the leader of A; the
// volunteer V; a kiosk bound to P and U. Every "in" request is in the scope of each role that may
// call the method at all; every "out" request lies in 阜康.
//
// Mutations that pass authorization fail right after it on purpose where repeating them would
// change the world (a stale etag gives ABORTED, a registered ID number ALREADY_EXISTS), and use a
// fixed request_id where they succeed, so every role sees the same world.
//
// Service records: before the rules run, the system admin makes the check-ins and entries of V at
// E and W at E2 that the rules' requests then repeat (same request_id or client id), adds
// manual hours at both, and asks for the corrections $C (of V's entry $R) and $C2 (of W's $R2)
// that the rules' requests repeat too. A check-out closes its check-in for the first caller and
// repeats for the others; the region admin's review approves V's manual hours, which the system
// admin, having added them, may not review, and turns down $C, which the team leader then finds
// reviewed. A recompute names another region's rules, and fails right after authorization.
#include <gmock/gmock.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor_database.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/text_format.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "services/check_in_codes.h"
#include "services/server.h"
#include "storage/migrations.h"
#include "tests/testing/database_tokens.h"
#include "tests/testing/generic_calls.h"
#include "tests/testing/pg_test_environment.h"
#include "tests/testing/status_matchers.h"
#include "zhiyuan/v1/service_record.pb.h"

namespace zhiyuan::services {
namespace {

using ::google::protobuf::Message;
using ::google::protobuf::MethodDescriptor;
using ::zhiyuan::testing::IsOk;
using ::zhiyuan::testing::TestDatabaseUrl;

constexpr grpc::StatusCode O = grpc::StatusCode::OK;
constexpr grpc::StatusCode P = grpc::StatusCode::PERMISSION_DENIED;
constexpr grpc::StatusCode N = grpc::StatusCode::NOT_FOUND;
constexpr grpc::StatusCode A = grpc::StatusCode::ABORTED;
constexpr grpc::StatusCode E = grpc::StatusCode::ALREADY_EXISTS;
constexpr grpc::StatusCode F = grpc::StatusCode::FAILED_PRECONDITION;

// The server's master key, from which the check-in codes are derived.
const std::string& MasterKey() {
  static const auto* key = new std::string(32, 'k');
  return *key;
}

// The callers, in the order of Codes.
enum Caller { kAdmin, kRegionAdmin, kReporter, kTeamLeader, kVolunteer, kKiosk, kCallers };
constexpr const char* kCallerNames[] = {"system admin",     "region admin of 临县",
                                        "reporter of 临县", "leader of team A",
                                        "volunteer V",      "kiosk of P and U"};
using Codes = std::array<grpc::StatusCode, kCallers>;

// For one RPC: a request in scope and the codes each caller gets, then one out of scope.
// Requests are text protos in which $A, $A1, $F, $U, $U2, $P, $P2, $V, $W, $G, $G2, $S, $S2,
// $ADMIN, the service records $R, $R2, the manual hours $M, $M2 and the corrections $C, $C2 stand
// for the names of the world's objects and tokens, and $CODE for E's check-in code of the moment.
struct Rule {
  const char* in;
  Codes in_codes;
  const char* out;
  Codes out_codes;
};

constexpr Codes kAll = {O, O, O, O, O, O};
constexpr Codes kAdminOnly = {O, P, P, P, P, P};
// Checking in and out: by the event for organisers and kiosks, with its code for a volunteer.
constexpr Codes kCheckIn = {O, O, P, O, O, O};
constexpr Codes kCheckInOut = {O, P, P, P, N, P};
// Reading a record: by its event, its volunteer's home (region admins) or its volunteer.
constexpr Codes kReadRecord = {O, O, N, O, O, O};
constexpr Codes kReadRecordOut = {O, N, N, N, N, N};

const std::map<std::string, Rule>& Rules() {
  static const auto* rules = new std::map<std::string, Rule>{
      {"zhiyuan.v1.ServerInfoService.GetServerInfo", {"", kAll, "", kAll}},

      // Regions: the national table, read by all; populations by their region admins.
      {"zhiyuan.v1.RegionService.GetRegion",
       {"name: 'regions/141124'", kAll, "name: 'regions/652302'", kAll}},
      {"zhiyuan.v1.RegionService.ListRegions",
       {"parent: 'regions/141124'", kAll, "parent: 'regions/652302'", kAll}},
      {"zhiyuan.v1.RegionService.UpdateRegion",
       {"region { name: 'regions/141124' population: 500000 population_year: 2023 } "
        "update_mask { paths: 'population' paths: 'population_year' }",
        {O, O, P, P, P, P},
        "region { name: 'regions/652302' population: 200000 population_year: 2023 } "
        "update_mask { paths: 'population' paths: 'population_year' }",
        kAdminOnly}},
      {"zhiyuan.v1.RegionService.ImportRegions",
       {"regions { name: 'regions/14' display_name: '山西省' }", kAdminOnly,
        "regions { name: 'regions/65' display_name: '新疆维吾尔自治区' }", kAdminOnly}},

      // Practice units.
      {"zhiyuan.v1.PracticeUnitService.GetPracticeUnit",
       {"name: '$U'", {O, O, O, P, P, O}, "name: '$U2'", kAdminOnly}},
      {"zhiyuan.v1.PracticeUnitService.ListPracticeUnits",
       {"region: 'regions/141124'", {O, O, O, P, P, P}, "region: 'regions/652302'", kAdminOnly}},
      {"zhiyuan.v1.PracticeUnitService.CreatePracticeUnit",
       {"request_id: '11111111-0000-4000-8000-000000000001' practice_unit { display_name: "
        "'临泉镇新时代文明实践所' kind: PRACTICE_UNIT_KIND_INSTITUTE region: 'regions/141124100' "
        "parent: '$U' }",
        {O, O, P, P, P, P},
        "request_id: '11111111-0000-4000-8000-000000000002' practice_unit { display_name: "
        "'阜康市新时代文明实践中心二' kind: PRACTICE_UNIT_KIND_CENTER region: 'regions/652302' }",
        kAdminOnly}},
      {"zhiyuan.v1.PracticeUnitService.UpdatePracticeUnit",
       {"practice_unit { name: '$U' display_name: '改名' etag: '999' } "
        "update_mask { paths: 'display_name' }",
        {A, A, P, P, P, P},
        "practice_unit { name: '$U2' display_name: '改名' etag: '999' } "
        "update_mask { paths: 'display_name' }",
        {A, P, P, P, P, P}}},
      {"zhiyuan.v1.PracticeUnitService.DeletePracticeUnit",
       {"name: '$U' etag: '999'",
        {A, A, P, P, P, P},
        "name: '$U2' etag: '999'",
        {A, P, P, P, P, P}}},

      // Posts.
      {"zhiyuan.v1.PostService.GetPost",
       {"name: '$P'", {O, O, O, P, P, O}, "name: '$P2'", kAdminOnly}},
      {"zhiyuan.v1.PostService.ListPosts",
       {"region: 'regions/141124'", {O, O, O, P, P, P}, "region: 'regions/652302'", kAdminOnly}},
      {"zhiyuan.v1.PostService.CreatePost",
       {"request_id: '22222222-0000-4000-8000-000000000001' post { display_name: '临县宾馆服务岗' "
        "host_organization: '临县宾馆' host_kind: POST_HOST_KIND_HOTEL region: 'regions/141124' "
        "duty_team: '$A' }",
        {O, O, P, P, P, P},
        "request_id: '22222222-0000-4000-8000-000000000002' post { display_name: '阜康宾馆服务岗' "
        "host_organization: '阜康宾馆' host_kind: POST_HOST_KIND_HOTEL region: 'regions/652302' }",
        kAdminOnly}},
      {"zhiyuan.v1.PostService.UpdatePost",
       {"post { name: '$P' display_name: '改名' etag: '999' } update_mask { paths: 'display_name' "
        "}",
        {A, A, P, P, P, P},
        "post { name: '$P2' display_name: '改名' etag: '999' } update_mask { paths: 'display_name' "
        "}",
        {A, P, P, P, P, P}}},
      {"zhiyuan.v1.PostService.DeletePost",
       {"name: '$P' etag: '999'",
        {A, A, P, P, P, P},
        "name: '$P2' etag: '999'",
        {A, P, P, P, P, P}}},

      // Teams and their members.
      {"zhiyuan.v1.TeamService.GetTeam",
       {"name: '$A1'", {O, O, O, O, P, P}, "name: '$F'", kAdminOnly}},
      {"zhiyuan.v1.TeamService.ListTeams",
       {"home_region: 'regions/141124' parent: '$A'",
        {O, O, O, O, P, P},
        "home_region: 'regions/652302' parent: '$F'",
        kAdminOnly}},
      {"zhiyuan.v1.TeamService.CreateTeam",
       {"request_id: '33333333-0000-4000-8000-000000000001' team { display_name: '临泉镇小队' "
        "home_region: 'regions/141124100' parent: '$A1' }",
        {O, O, P, O, P, P},
        "request_id: '33333333-0000-4000-8000-000000000002' team { display_name: '阜康小队' "
        "home_region: 'regions/652302' parent: '$F' }",
        kAdminOnly}},
      {"zhiyuan.v1.TeamService.UpdateTeam",
       {"team { name: '$A1' display_name: '改名' etag: '999' } update_mask { paths: 'display_name' "
        "}",
        {A, A, P, A, P, P},
        "team { name: '$F' display_name: '改名' etag: '999' } update_mask { paths: 'display_name' "
        "}",
        {A, P, P, P, P, P}}},
      {"zhiyuan.v1.TeamService.DeleteTeam",
       {"name: '$A1' etag: '999'",
        {A, A, P, A, P, P},
        "name: '$F' etag: '999'",
        {A, P, P, P, P, P}}},
      {"zhiyuan.v1.TeamService.GetTeamMember",
       {"name: '$A/members/$V'", {O, O, P, O, O, P}, "name: '$F/members/$W'", {O, N, P, N, N, P}}},
      {"zhiyuan.v1.TeamService.ListTeamMembers",
       {"parent: '$A' volunteer: 'volunteers/$V'",
        {O, O, P, O, O, P},
        "parent: '$F' volunteer: 'volunteers/$W'",
        kAdminOnly}},
      {"zhiyuan.v1.TeamService.CreateTeamMember",
       {"request_id: '44444444-0000-4000-8000-000000000001' parent: '$A1' "
        "volunteer: 'volunteers/$V'",
        {O, O, P, O, P, P},
        "request_id: '44444444-0000-4000-8000-000000000002' parent: '$F' "
        "volunteer: 'volunteers/$V'",
        kAdminOnly}},
      {"zhiyuan.v1.TeamService.UpdateTeamMember",
       {"team_member { name: '$A/members/$V' role: TEAM_MEMBER_ROLE_ADMIN etag: '999' } "
        "update_mask { paths: 'role' }",
        {A, A, P, A, P, P},
        "team_member { name: '$F/members/$W' role: TEAM_MEMBER_ROLE_ADMIN etag: '999' } "
        "update_mask { paths: 'role' }",
        {A, P, P, P, P, P}}},
      {"zhiyuan.v1.TeamService.DeleteTeamMember",
       {"name: '$A/members/$V' etag: '999'",
        {A, A, P, A, A, P},
        "name: '$F/members/$W' etag: '999'",
        {A, P, P, P, P, P}}},

      // Volunteers: out of reach reads as not existing.
      {"zhiyuan.v1.VolunteerService.GetVolunteer",
       {"name: 'volunteers/$V'", {O, O, P, P, O, P}, "name: 'volunteers/$W'", {O, N, P, P, N, P}}},
      {"zhiyuan.v1.VolunteerService.ListVolunteers",
       {"residence_region: 'regions/141124'",
        {O, O, P, P, P, P},
        "residence_region: 'regions/652302'",
        kAdminOnly}},
      {"zhiyuan.v1.VolunteerService.CreateVolunteer",
       {"volunteer { display_name: '张三' birth_date: '1985-11-22' residence_region: "
        "'regions/141124' id_number: '$V_ID' }",
        {E, E, P, P, P, P},
        "volunteer { display_name: '李四' birth_date: '1990-01-01' residence_region: "
        "'regions/652302' id_number: '$W_ID' }",
        {E, P, P, P, P, P}}},
      {"zhiyuan.v1.VolunteerService.UpdateVolunteer",
       {"volunteer { name: 'volunteers/$V' display_name: '改名' etag: '999' } "
        "update_mask { paths: 'display_name' }",
        {A, A, P, P, A, P},
        "volunteer { name: 'volunteers/$W' display_name: '改名' etag: '999' } "
        "update_mask { paths: 'display_name' }",
        {A, N, P, P, N, P}}},
      {"zhiyuan.v1.VolunteerService.RevealVolunteerIdentity",
       {"name: 'volunteers/$V'", kAdminOnly, "name: 'volunteers/$W'", kAdminOnly}},
      {"zhiyuan.v1.VolunteerService.DeleteVolunteer",
       {"name: 'volunteers/$V' etag: '999'",
        {A, A, P, P, P, P},
        "name: 'volunteers/$W' etag: '999'",
        {A, N, P, P, P, P}}},

      // Programs.
      {"zhiyuan.v1.ProgramService.GetProgram",
       {"name: '$G'", {O, O, O, P, P, P}, "name: '$G2'", kAdminOnly}},
      {"zhiyuan.v1.ProgramService.ListPrograms",
       {"region: 'regions/141124'", {O, O, O, P, P, P}, "region: 'regions/652302'", kAdminOnly}},
      {"zhiyuan.v1.ProgramService.CreateProgram",
       {"request_id: '55555555-0000-4000-8000-000000000001' program { display_name: '夜校二期' "
        "category: SERVICE_CATEGORY_THEORY_OUTREACH owner: '$A' start_date: '2024-01-01' }",
        {O, O, P, P, P, P},
        "request_id: '55555555-0000-4000-8000-000000000002' program { display_name: '阜康夜校' "
        "category: SERVICE_CATEGORY_THEORY_OUTREACH owner: 'regions/652302' "
        "start_date: '2024-01-01' }",
        kAdminOnly}},
      {"zhiyuan.v1.ProgramService.UpdateProgram",
       {"program { name: '$G' display_name: '改名' etag: '999' } "
        "update_mask { paths: 'display_name' }",
        {A, A, P, P, P, P},
        "program { name: '$G2' display_name: '改名' etag: '999' } "
        "update_mask { paths: 'display_name' }",
        {A, P, P, P, P, P}}},
      {"zhiyuan.v1.ProgramService.DeleteProgram",
       {"name: '$G' etag: '999'",
        {A, A, P, P, P, P},
        "name: '$G2' etag: '999'",
        {A, P, P, P, P, P}}},

      // The audit log: admins, within their region.
      {"zhiyuan.v1.AuditService.ListAuditEntries",
       {"region: 'regions/141124'", {O, O, P, P, P, P}, "region: 'regions/652302'", kAdminOnly}},

      // Events: by region, by organizing team for its leaders, by place for kiosks.
      {"zhiyuan.v1.EventService.GetEvent",
       {"name: '$E'", {O, O, O, O, P, O}, "name: '$E2'", kAdminOnly}},
      {"zhiyuan.v1.EventService.ListEvents",
       {"region: 'regions/141124' organizer: '$A' post: '$P'",
        {O, O, O, O, P, O},
        "region: 'regions/652302' organizer: '$F' post: '$P2'",
        kAdminOnly}},
      {"zhiyuan.v1.EventService.CreateEvent",
       {"request_id: '88888888-0000-4000-8000-000000000001' event { title: '夜校·第三讲' "
        "organizer: '$A' region: 'regions/141124' start_time { seconds: 1775041200 } "
        "end_time { seconds: 1775048400 } category: SERVICE_CATEGORY_THEORY_OUTREACH }",
        {O, O, P, O, P, P},
        "request_id: '88888888-0000-4000-8000-000000000002' event { title: '阜康夜校' "
        "organizer: '$F' region: 'regions/652302' start_time { seconds: 1775041200 } "
        "end_time { seconds: 1775048400 } category: SERVICE_CATEGORY_THEORY_OUTREACH }",
        kAdminOnly}},
      {"zhiyuan.v1.EventService.UpdateEvent",
       {"event { name: '$E' title: '改名' etag: '999' } update_mask { paths: 'title' }",
        {A, A, P, A, P, P},
        "event { name: '$E2' title: '改名' etag: '999' } update_mask { paths: 'title' }",
        {A, P, P, P, P, P}}},
      {"zhiyuan.v1.EventService.GetEventCheckInCode",
       {"name: '$E'", {O, O, P, O, P, O}, "name: '$E2'", kAdminOnly}},
      {"zhiyuan.v1.EventService.DeleteEvent",
       {"name: '$E' etag: '999'",
        {A, A, P, A, P, P},
        "name: '$E2' etag: '999'",
        {A, P, P, P, P, P}}},

      // Hour rules: public policy, read by all; made by system admins (national) and region
      // admins (their region).
      {"zhiyuan.v1.HourRuleService.GetHourRuleSet",
       {"name: '$RULES'", kAll, "name: '$RULES2'", kAll}},
      {"zhiyuan.v1.HourRuleService.ListHourRuleSets",
       {"region: 'regions/141124'", kAll, "region: 'regions/652302'", kAll}},
      {"zhiyuan.v1.HourRuleService.GetEffectiveHourRuleSet",
       {"region: 'regions/141124100'", kAll, "region: 'regions/652302'", kAll}},
      {"zhiyuan.v1.HourRuleService.CreateHourRuleSet",
       {"request_id: '99999999-0000-4000-8000-000000000001' hour_rule_set { region: "
        "'regions/141124' bands { up_to_minutes: 29 } bands { up_to_minutes: 59 "
        "credit_minutes: 30 } auto_close_minutes: 60 }",
        {O, O, P, P, P, P},
        "request_id: '99999999-0000-4000-8000-000000000002' hour_rule_set { region: "
        "'regions/652302' bands { up_to_minutes: 29 } bands { up_to_minutes: 59 "
        "credit_minutes: 30 } auto_close_minutes: 60 }",
        kAdminOnly}},

      // Tokens: out of reach reads as not existing.
      {"zhiyuan.v1.TokenService.CreateToken",
       {"token { display_name: '临县报表' role: ROLE_REPORTER region: 'regions/141124' }",
        {O, O, P, P, P, P},
        "token { display_name: '阜康报表' role: ROLE_REPORTER region: 'regions/652302' }",
        kAdminOnly}},
      {"zhiyuan.v1.TokenService.GetToken",
       {"name: 'tokens/self'", kAll, "name: '$ADMIN'", {O, N, N, N, N, N}}},
      {"zhiyuan.v1.TokenService.ListTokens",
       {"", {O, O, P, P, P, P}, "scope_region: 'regions/652302'", kAdminOnly}},
      {"zhiyuan.v1.TokenService.RevokeToken",
       {"name: '$S'", {O, O, N, N, N, N}, "name: '$S2'", {O, N, N, N, N, N}}},

      // Service records: written by whoever reaches the event (a volunteer: themself, with the
      // code); read also by the volunteer and the region admin of their home; out of reach
      // reads as missing, and so does another volunteer.
      {"zhiyuan.v1.ServiceRecordService.CheckIn",
       {"request_id: 'aaaaaaaa-0000-4000-8000-000000000001' volunteer: 'volunteers/$V' "
        "event: '$E' code { short_code: '$CODE' }",
        kCheckIn,
        "request_id: 'aaaaaaaa-0000-4000-8000-000000000002' volunteer: 'volunteers/$W' "
        "event: '$E2'",
        kCheckInOut}},
      {"zhiyuan.v1.ServiceRecordService.CheckOut",
       {"request_id: 'aaaaaaaa-0000-4000-8000-000000000003' volunteer: 'volunteers/$V' "
        "event: '$E' code { short_code: '$CODE' }",
        kCheckIn,
        "request_id: 'aaaaaaaa-0000-4000-8000-000000000004' volunteer: 'volunteers/$W' "
        "event: '$E2'",
        kCheckInOut}},
      {"zhiyuan.v1.ServiceRecordService.CreateServiceRecord",
       {"request_id: 'aaaaaaaa-0000-4000-8000-000000000005' parent: 'volunteers/$V' "
        "service_record { event: '$E' check_in_time { seconds: $NOW_START } "
        "check_out_time { seconds: $NOW_HALF } }",
        {O, O, P, O, P, P},
        "request_id: 'aaaaaaaa-0000-4000-8000-000000000006' parent: 'volunteers/$W' "
        "service_record { event: '$E2' check_in_time { seconds: $NOW_START } "
        "check_out_time { seconds: $NOW_HALF } }",
        kAdminOnly}},
      {"zhiyuan.v1.ServiceRecordService.ReviewServiceRecord",
       {"name: '$M' approve: true",
        {F, O, P, P, P, P},
        "name: '$M2' approve: true",
        {F, N, P, P, P, P}}},
      {"zhiyuan.v1.ServiceRecordService.GetServiceRecord",
       {"name: '$R'", kReadRecord, "name: '$R2'", kReadRecordOut}},
      {"zhiyuan.v1.ServiceRecordService.ListServiceRecords",
       {"parent: 'volunteers/$V' event: '$E'",
        {O, O, P, O, O, O},
        "parent: 'volunteers/$W' event: '$E2'",
        {O, N, P, N, N, N}}},
      {"zhiyuan.v1.ServiceRecordService.ListServiceRecordRevisions",
       {"name: '$R'", kReadRecord, "name: '$R2'", kReadRecordOut}},
      {"zhiyuan.v1.ServiceRecordService.ExplainHours",
       {"name: '$R'", kReadRecord, "name: '$R2'", kReadRecordOut}},
      // The stream is open to every caller; its one item answers as CheckIn would (Call()).
      {"zhiyuan.v1.ServiceRecordService.SyncServiceRecords",
       {"items { client_id: 'aaaaaaaa-0000-4000-8000-000000000001' check_in { "
        "volunteer: 'volunteers/$V' event: '$E' code { short_code: '$CODE' } } }",
        kCheckIn,
        "items { client_id: 'aaaaaaaa-0000-4000-8000-000000000002' check_in { "
        "volunteer: 'volunteers/$W' event: '$E2' } }",
        kCheckInOut}},
      // Corrections: asked for by whoever reads the record, but kiosks; reviewed by another
      // person who reaches the event (the region admin turns $C down, and the team leader finds
      // it reviewed); read as their records.
      {"zhiyuan.v1.ServiceRecordService.CreateCorrection",
       {"request_id: 'aaaaaaaa-0000-4000-8000-000000000007' parent: '$R' "
        "correction { withdraw: true reason: '未到场' }",
        {O, O, P, O, O, P},
        "request_id: 'aaaaaaaa-0000-4000-8000-000000000008' parent: '$R2' "
        "correction { withdraw: true reason: '未到场' }",
        {O, N, P, N, N, P}}},
      {"zhiyuan.v1.ServiceRecordService.ReviewCorrection",
       {"name: '$C' note: '记录无误'",
        {F, O, P, F, P, P},
        "name: '$C2' note: '记录无误'",
        {F, N, P, N, P, P}}},
      {"zhiyuan.v1.ServiceRecordService.GetCorrection",
       {"name: '$C'", kReadRecord, "name: '$C2'", kReadRecordOut}},
      {"zhiyuan.v1.ServiceRecordService.ListCorrections",
       {"parent: '$R'", kReadRecord, "parent: '$R2'", kReadRecordOut}},
      // Region admins of the event's region; the rules named are another region's.
      {"zhiyuan.v1.ServiceRecordService.RecomputeServiceRecords",
       {"event: '$E' hour_rule_set: '$RULES2' reason: '新计时办法'",
        {F, F, P, P, P, P},
        "event: '$E2' hour_rule_set: '$RULES' reason: '新计时办法'",
        {F, P, P, P, P, P}}},
      // A volunteer's totals: as the volunteer's profile.
      {"zhiyuan.v1.ServiceRecordService.GetServiceTotals",
       {"name: 'volunteers/$V/serviceTotals'",
        {O, O, N, N, O, N},
        "name: 'volunteers/$W/serviceTotals'",
        kReadRecordOut}},

      // Figures: of the caller's region, for region admins and reporters.
      {"zhiyuan.v1.StatsService.QueryStats",
       {"metric: STATS_METRIC_TEAMS region: 'regions/141124'", {O, O, O, P, P, P},
        "metric: STATS_METRIC_TEAMS region: 'regions/652302'", kAdminOnly}},
      {"zhiyuan.v1.StatsService.GetRegionSummary",
       {"region: 'regions/141124'", {O, O, O, P, P, P}, "region: 'regions/652302'", kAdminOnly}},
  };
  return *rules;
}

// For every RPC that changes something: a request that succeeds for the system admin, in the
// order AllMethods() gives (files, then services and methods as declared).
const std::map<std::string, std::string>& AuditCases() {
  static const auto* cases = new std::map<std::string, std::string>{
      {"zhiyuan.v1.EventService.CreateEvent",
       "request_id: '66666666-0000-4000-8000-000000000007' event { title: '学雷锋日' "
       "organizer: '$A' region: 'regions/141124' start_time { seconds: 1775041200 } "
       "end_time { seconds: 1775048400 } category: SERVICE_CATEGORY_THEORY_OUTREACH "
       "reported_headcount { value: 30 qualifier: FIGURE_QUALIFIER_AT_LEAST } }"},
      {"zhiyuan.v1.EventService.UpdateEvent",
       "event { name: '$E' status: EVENT_STATUS_CANCELLED } update_mask { paths: 'status' }"},
      {"zhiyuan.v1.EventService.DeleteEvent", "name: '$E'"},
      {"zhiyuan.v1.HourRuleService.CreateHourRuleSet",
       "request_id: '66666666-0000-4000-8000-000000000008' hour_rule_set { region: "
       "'regions/141124' bands { up_to_minutes: 59 credit_minutes: 60 } auto_close_minutes: 30 "
       "note: '临县计时办法' }"},
      {"zhiyuan.v1.PostService.CreatePost",
       "request_id: '66666666-0000-4000-8000-000000000001' post { display_name: '临县医院服务岗' "
       "host_organization: '临县医院' host_kind: POST_HOST_KIND_OTHER region: 'regions/141124' }"},
      {"zhiyuan.v1.PostService.UpdatePost",
       "post { name: '$P' opening_hours: '8:00-18:00' } update_mask { paths: 'opening_hours' }"},
      {"zhiyuan.v1.PostService.DeletePost", "name: '$P'"},
      {"zhiyuan.v1.PracticeUnitService.CreatePracticeUnit",
       "request_id: '66666666-0000-4000-8000-000000000002' practice_unit { display_name: "
       "'临泉镇新时代文明实践所' kind: PRACTICE_UNIT_KIND_INSTITUTE region: 'regions/141124100' "
       "parent: '$U' }"},
      {"zhiyuan.v1.PracticeUnitService.UpdatePracticeUnit",
       "practice_unit { name: '$U2' address: '阜康市博峰街' } update_mask { paths: 'address' }"},
      {"zhiyuan.v1.PracticeUnitService.DeletePracticeUnit", "name: '$U2'"},
      {"zhiyuan.v1.ProgramService.CreateProgram",
       "request_id: '66666666-0000-4000-8000-000000000003' program { display_name: '夜校三期' "
       "category: SERVICE_CATEGORY_THEORY_OUTREACH owner: 'regions/141124' "
       "start_date: '2025-01-01' }"},
      {"zhiyuan.v1.ProgramService.UpdateProgram",
       "program { name: '$G' description: '每周一晚' } update_mask { paths: 'description' }"},
      {"zhiyuan.v1.ProgramService.DeleteProgram", "name: '$G'"},
      {"zhiyuan.v1.RegionService.UpdateRegion",
       "region { name: 'regions/141124' population: 600000 population_year: 2024 } "
       "update_mask { paths: 'population' paths: 'population_year' }"},
      {"zhiyuan.v1.RegionService.ImportRegions",
       "regions { name: 'regions/141124101' display_name: '白文镇' }"},
      // At E2: E is cancelled and deleted by now. $MF: manual hours 阜康's region admin added;
      // $RF: V's entry, credited under rules 阜康 has replaced since, so that the recompute
      // credits it otherwise; $CF: a correction of it that 阜康's region admin asked for.
      {"zhiyuan.v1.ServiceRecordService.CheckIn",
       "request_id: '66666666-0000-4000-8000-000000000009' volunteer: 'volunteers/$W' "
       "event: '$E2'"},
      {"zhiyuan.v1.ServiceRecordService.CheckOut",
       "request_id: '66666666-0000-4000-8000-000000000010' volunteer: 'volunteers/$W' "
       "event: '$E2'"},
      {"zhiyuan.v1.ServiceRecordService.CreateServiceRecord",
       "request_id: '66666666-0000-4000-8000-000000000011' parent: 'volunteers/$W' "
       "service_record { event: '$E2' check_in_time { seconds: $NOW_START } "
       "check_out_time { seconds: $NOW_HALF } }"},
      {"zhiyuan.v1.ServiceRecordService.ReviewServiceRecord", "name: '$MF' approve: true"},
      {"zhiyuan.v1.ServiceRecordService.SyncServiceRecords",
       "items { client_id: '66666666-0000-4000-8000-000000000012' check_in { "
       "volunteer: 'volunteers/$V' event: '$E2' } }"},
      {"zhiyuan.v1.ServiceRecordService.CreateCorrection",
       "request_id: '66666666-0000-4000-8000-000000000013' parent: '$RF' "
       "correction { withdraw: true reason: '未到场' }"},
      {"zhiyuan.v1.ServiceRecordService.ReviewCorrection", "name: '$CF' approve: true"},
      {"zhiyuan.v1.ServiceRecordService.RecomputeServiceRecords",
       "event: '$E2' reason: '阜康新计时办法'"},
      {"zhiyuan.v1.TeamService.CreateTeam",
       "request_id: '66666666-0000-4000-8000-000000000004' team { display_name: '临县二分队' "
       "home_region: 'regions/141124' parent: '$A' }"},
      {"zhiyuan.v1.TeamService.UpdateTeam",
       "team { name: '$A1' display_name: '临泉镇一分队' } update_mask { paths: 'display_name' }"},
      {"zhiyuan.v1.TeamService.DeleteTeam", "name: '$A1'"},
      {"zhiyuan.v1.TeamService.CreateTeamMember",
       "request_id: '66666666-0000-4000-8000-000000000005' parent: '$A' "
       "volunteer: 'volunteers/$W'"},
      {"zhiyuan.v1.TeamService.UpdateTeamMember",
       "team_member { name: '$A/members/$V' role: TEAM_MEMBER_ROLE_LEADER } "
       "update_mask { paths: 'role' }"},
      {"zhiyuan.v1.TeamService.DeleteTeamMember", "name: '$A/members/$V'"},
      {"zhiyuan.v1.TokenService.CreateToken",
       "token { display_name: '临县统计二' role: ROLE_REPORTER region: 'regions/141124' }"},
      {"zhiyuan.v1.TokenService.RevokeToken", "name: '$S'"},
      {"zhiyuan.v1.VolunteerService.CreateVolunteer",
       "request_id: '66666666-0000-4000-8000-000000000006' volunteer { display_name: '王五' "
       "birth_date: '1988-08-08' residence_region: 'regions/141124' id_number: '$X_ID' "
       "phone: '13912345678' }"},
      {"zhiyuan.v1.VolunteerService.UpdateVolunteer",
       "volunteer { name: 'volunteers/$V' phone: '13712345678' } update_mask { paths: 'phone' }"},
      {"zhiyuan.v1.VolunteerService.DeleteVolunteer", "name: 'volunteers/$W'"},
      {"zhiyuan.v1.VolunteerService.RevealVolunteerIdentity", "name: 'volunteers/$V'"},
  };
  return *cases;
}

// Whether an RPC changes something (or, revealing numbers, must be on record as if it did).
bool IsAudited(const MethodDescriptor& method) {
  for (const absl::string_view verb : {"Create", "Update", "Delete", "Import", "Revoke", "Reveal",
                                       "CheckIn", "CheckOut", "Review", "Sync", "Recompute"}) {
    if (absl::StartsWith(method.name(), verb)) return true;
  }
  return false;
}

// The request_id an audit entry of `request` holds: its own, or a sync upload's item's client id.
std::string RequestIdOf(const Message& request) {
  if (const auto* upload = dynamic_cast<const zhiyuan::v1::SyncServiceRecordsRequest*>(&request)) {
    return upload->items_size() == 1 ? upload->items(0).client_id() : "";
  }
  const google::protobuf::FieldDescriptor* id =
      request.GetDescriptor()->FindFieldByName("request_id");
  return id == nullptr ? "" : request.GetReflection()->GetString(request, id);
}

// An ID number with its GB 11643 check digit.
std::string IdNumber(const std::string& first17) {
  static constexpr int kWeights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return first17 + "10X98765432"[sum % 11];
}

class AuthorizationMatrixTest : public ::zhiyuan::testing::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped()) return;
    {
      // Each test starts from an empty directory in this binary's database.
      pqxx::connection connection(TestDatabaseUrl());
      pqxx::nontransaction(connection)
          .exec(
              "TRUNCATE audit_log, api_tokens, service_record_revisions, service_records, events, "
              "team_members, teams, posts, programs, practice_units, volunteers, "
              "volunteer_identities, volunteer_create_requests, regions CASCADE; "
              "DELETE FROM hour_rule_sets WHERE region_code <> ''");
    }
    ServerOptions options;
    options.listen_address = "127.0.0.1:0";
    options.database_url = TestDatabaseUrl();
    options.migrations = storage::BuiltinMigrations();
    options.personal_data_key = MasterKey();
    options.token_cache_ttl = absl::ZeroDuration();
    auto server = Server::Start(options);
    ASSERT_THAT(server, IsOk());
    server_ = *std::move(server);
    stub_ = std::make_unique<grpc::GenericStub>(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", server_->port()), grpc::InsecureChannelCredentials()));
    secrets_[kAdmin] = ::zhiyuan::testing::MintDatabaseAdminToken(TestDatabaseUrl());
    ASSERT_FALSE(secrets_[kAdmin].empty());
    auto codes = CheckInCodes::Create(MasterKey());
    ASSERT_THAT(codes, IsOk());
    codes_ = *std::move(codes);
    Seed();
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown(absl::Seconds(1));
  }

  static const MethodDescriptor* Method(const std::string& full_name) {
    return ::zhiyuan::testing::FindMethod(full_name);
  }

  // Calls `method` as the holder of `secret` ("" for no token) with the text-proto `request`
  // (placeholders replaced); the reply lands in `reply` when given. A sync upload of one item
  // answers with the item's code: the stream itself is OK for every authenticated caller.
  grpc::Status Call(const std::string& secret, const MethodDescriptor& method,
                    const std::string& request, Message* reply = nullptr) {
    int64_t event = 0;
    if (absl::SimpleAtoi(absl::StripPrefix(names_["$E"], "events/"), &event)) {
      names_["$CODE"] = codes_->At(event, absl::Now()).short_code;
    }
    std::unique_ptr<Message> message = ::zhiyuan::testing::NewRequest(method);
    if (!google::protobuf::TextFormat::ParseFromString(absl::StrReplaceAll(request, names_),
                                                       message.get())) {
      ADD_FAILURE() << "unparsable request for " << method.full_name() << ": " << request;
      return grpc::Status(grpc::StatusCode::INTERNAL, "test bug");
    }
    if (method.full_name() != "zhiyuan.v1.ServiceRecordService.SyncServiceRecords") {
      return ::zhiyuan::testing::CallMethod(*stub_, secret, method, *message, reply);
    }
    zhiyuan::v1::SyncServiceRecordsResponse upload;
    const grpc::Status status =
        ::zhiyuan::testing::CallMethod(*stub_, secret, method, *message, &upload);
    if (!status.ok()) return status;
    if (reply != nullptr) reply->CopyFrom(upload);
    if (upload.results_size() != 1) {
      return grpc::Status(grpc::StatusCode::INTERNAL, "a sync of one item gave no one result");
    }
    return grpc::Status(static_cast<grpc::StatusCode>(upload.results(0).error_code()),
                        upload.results(0).error_message());
  }

  // Calls as the system admin and returns the "name" of the reply.
  std::string Make(const std::string& method, const std::string& request) {
    const MethodDescriptor* descriptor = Method(method);
    EXPECT_NE(descriptor, nullptr) << method;
    if (descriptor == nullptr) return "";
    std::unique_ptr<Message> reply = ::zhiyuan::testing::NewReply(*descriptor);
    const grpc::Status status = Call(secrets_[kAdmin], *descriptor, request, reply.get());
    EXPECT_TRUE(status.ok()) << method << ": " << status.error_message();
    const google::protobuf::FieldDescriptor* name = reply->GetDescriptor()->FindFieldByName("name");
    return name == nullptr ? "" : reply->GetReflection()->GetString(*reply, name);
  }

  // Creates a token as the system admin; returns its name and puts its secret in `secret`.
  std::string MakeToken(const std::string& token, std::string* secret) {
    zhiyuan::v1::CreateTokenResponse reply;
    const grpc::Status status =
        Call(secrets_[kAdmin], *Method("zhiyuan.v1.TokenService.CreateToken"),
             absl::StrCat("token { ", token, " }"), &reply);
    EXPECT_TRUE(status.ok()) << token << ": " << status.error_message();
    if (secret != nullptr) *secret = reply.secret();
    return reply.token().name();
  }

  // The system admin's view of the audit log, newest first, `count` entries at most.
  std::vector<zhiyuan::v1::AuditEntry> AuditLog(int count) {
    std::vector<zhiyuan::v1::AuditEntry> entries;
    std::string token;
    do {
      zhiyuan::v1::ListAuditEntriesResponse page;
      const grpc::Status status = Call(
          secrets_[kAdmin], *Method("zhiyuan.v1.AuditService.ListAuditEntries"),
          absl::StrCat("page_size: ", std::min(count, 1000), " page_token: '", token, "'"), &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      entries.insert(entries.end(), page.audit_entries().begin(), page.audit_entries().end());
      token = page.next_page_token();
    } while (!token.empty() && static_cast<int>(entries.size()) < count);
    return entries;
  }

  void Seed() {
    ASSERT_TRUE(Call(secrets_[kAdmin], *Method("zhiyuan.v1.RegionService.ImportRegions"),
                     "regions { name: 'regions/14' display_name: '山西省' } "
                     "regions { name: 'regions/1411' display_name: '吕梁市' } "
                     "regions { name: 'regions/141124' display_name: '临县' } "
                     "regions { name: 'regions/141124100' display_name: '临泉镇' } "
                     "regions { name: 'regions/65' display_name: '新疆维吾尔自治区' } "
                     "regions { name: 'regions/6523' display_name: '昌吉回族自治州' } "
                     "regions { name: 'regions/652302' display_name: '阜康市' }")
                    .ok());
    names_["$U2"] = Make("zhiyuan.v1.PracticeUnitService.CreatePracticeUnit",
                         "practice_unit { display_name: '阜康市新时代文明实践中心' kind: "
                         "PRACTICE_UNIT_KIND_CENTER region: 'regions/652302' }");
    names_["$U"] = Make("zhiyuan.v1.PracticeUnitService.CreatePracticeUnit",
                        "practice_unit { display_name: '临县新时代文明实践中心' kind: "
                        "PRACTICE_UNIT_KIND_CENTER region: 'regions/141124' }");
    names_["$A"] = Make("zhiyuan.v1.TeamService.CreateTeam",
                        "team { display_name: '临县总队' home_region: 'regions/141124' }");
    names_["$A1"] = Make("zhiyuan.v1.TeamService.CreateTeam",
                         absl::StrCat("team { display_name: '临泉镇分队' home_region: "
                                      "'regions/141124100' parent: '",
                                      names_["$A"], "' }"));
    names_["$F"] = Make("zhiyuan.v1.TeamService.CreateTeam",
                        "team { display_name: '阜康总队' home_region: 'regions/652302' }");
    names_["$P"] = Make("zhiyuan.v1.PostService.CreatePost",
                        "post { display_name: '临县车站服务岗' host_organization: '临县车站' "
                        "host_kind: POST_HOST_KIND_HOTEL region: 'regions/141124' }");
    names_["$P2"] = Make("zhiyuan.v1.PostService.CreatePost",
                         "post { display_name: '阜康车站服务岗' host_organization: '阜康车站' "
                         "host_kind: POST_HOST_KIND_HOTEL region: 'regions/652302' }");
    names_["$V_ID"] = IdNumber("14112419851122004");
    names_["$W_ID"] = IdNumber("65230219900101003");
    names_["$X_ID"] = IdNumber("14112419880808002");
    const std::string v =
        Make("zhiyuan.v1.VolunteerService.CreateVolunteer",
             "volunteer { display_name: '张三' birth_date: '1985-11-22' residence_region: "
             "'regions/141124' id_number: '$V_ID' }");
    names_["$V"] = std::string(absl::StripPrefix(v, "volunteers/"));
    const std::string w =
        Make("zhiyuan.v1.VolunteerService.CreateVolunteer",
             "volunteer { display_name: '李四' birth_date: '1990-01-01' residence_region: "
             "'regions/652302' id_number: '$W_ID' }");
    names_["$W"] = std::string(absl::StripPrefix(w, "volunteers/"));
    Make("zhiyuan.v1.TeamService.CreateTeamMember", "parent: '$A' volunteer: 'volunteers/$V'");
    Make("zhiyuan.v1.TeamService.CreateTeamMember", "parent: '$F' volunteer: 'volunteers/$W'");
    // Under way now, so that their check-in codes are shown.
    const int64_t now = absl::ToUnixSeconds(absl::Now());
    names_["$NOW_START"] = absl::StrCat(now - 3600);
    names_["$NOW_HALF"] = absl::StrCat(now - 1800);
    names_["$NOW_QUARTER"] = absl::StrCat(now - 900);
    names_["$NOW_END"] = absl::StrCat(now + 3600);
    names_["$E"] = Make("zhiyuan.v1.EventService.CreateEvent",
                        "event { title: '新时代夜校·政策宣讲' organizer: '$A' region: "
                        "'regions/141124' post: '$P' start_time { seconds: $NOW_START } "
                        "end_time { seconds: $NOW_END } category: "
                        "SERVICE_CATEGORY_THEORY_OUTREACH status: EVENT_STATUS_ONGOING }");
    names_["$E2"] = Make("zhiyuan.v1.EventService.CreateEvent",
                         "event { title: '阜康学雷锋日' organizer: '$F' region: "
                         "'regions/652302' post: '$P2' start_time { seconds: $NOW_START } "
                         "end_time { seconds: $NOW_END } category: "
                         "SERVICE_CATEGORY_THEORY_OUTREACH status: EVENT_STATUS_ONGOING }");
    names_["$RULES"] = Make("zhiyuan.v1.HourRuleService.CreateHourRuleSet",
                            "hour_rule_set { region: 'regions/141124' bands { up_to_minutes: 59 "
                            "credit_minutes: 60 } auto_close_minutes: 60 }");
    names_["$RULES2"] = Make("zhiyuan.v1.HourRuleService.CreateHourRuleSet",
                             "hour_rule_set { region: 'regions/652302' bands { up_to_minutes: 59 "
                             "credit_minutes: 60 } auto_close_minutes: 60 }");
    names_["$G"] = Make("zhiyuan.v1.ProgramService.CreateProgram",
                        "program { display_name: '新时代夜校' category: "
                        "SERVICE_CATEGORY_THEORY_OUTREACH owner: 'regions/141124' "
                        "start_date: '2024-01-01' }");
    names_["$G2"] = Make("zhiyuan.v1.ProgramService.CreateProgram",
                         "program { display_name: '阜康夜校' category: "
                         "SERVICE_CATEGORY_THEORY_OUTREACH owner: 'regions/652302' "
                         "start_date: '2024-01-01' }");

    names_["$ADMIN"] = "tokens/1";
    MakeToken("display_name: '临县文明办' role: ROLE_REGION_ADMIN region: 'regions/141124'",
              &secrets_[kRegionAdmin]);
    MakeToken("display_name: '临县统计' role: ROLE_REPORTER region: 'regions/141124'",
              &secrets_[kReporter]);
    MakeToken("display_name: '总队长' role: ROLE_TEAM_LEADER team: '$A'", &secrets_[kTeamLeader]);
    MakeToken("display_name: '张三' role: ROLE_VOLUNTEER volunteer: 'volunteers/$V'",
              &secrets_[kVolunteer]);
    MakeToken("display_name: '车站自助机' role: ROLE_KIOSK posts: '$P' practice_units: '$U'",
              &secrets_[kKiosk]);
    names_["$S"] =
        MakeToken("display_name: '备用' role: ROLE_REPORTER region: 'regions/141124'", nullptr);
    names_["$S2"] =
        MakeToken("display_name: '备用' role: ROLE_REPORTER region: 'regions/652302'", nullptr);
    // The first token in this database is the admin's (MintDatabaseAdminToken made it).
    zhiyuan::v1::Token self;
    ASSERT_TRUE(Call(secrets_[kAdmin], *Method("zhiyuan.v1.TokenService.GetToken"),
                     "name: 'tokens/self'", &self)
                    .ok());
    names_["$ADMIN"] = self.name();
  }

  // The service records the rules of ServiceRecordService read (see the file comment).
  void SeedServiceRecords() {
    const std::string check_in = "zhiyuan.v1.ServiceRecordService.CheckIn";
    Make(check_in, Rules().at(check_in).in);
    Make(check_in, Rules().at(check_in).out);
    const std::string create = "zhiyuan.v1.ServiceRecordService.CreateServiceRecord";
    names_["$R"] = Make(create, Rules().at(create).in);
    names_["$R2"] = Make(create, Rules().at(create).out);
    names_["$M"] = Make(create,
                        "parent: 'volunteers/$V' service_record { event: '$E' hour_class: "
                        "HOUR_CLASS_MANUAL check_in_time { seconds: $NOW_START } "
                        "credited_minutes: 120 }");
    names_["$M2"] = Make(create,
                         "parent: 'volunteers/$W' service_record { event: '$E2' hour_class: "
                         "HOUR_CLASS_MANUAL check_in_time { seconds: $NOW_START } "
                         "credited_minutes: 120 }");
    const std::string correct = "zhiyuan.v1.ServiceRecordService.CreateCorrection";
    names_["$C"] = Make(correct, Rules().at(correct).in);
    names_["$C2"] = Make(correct, Rules().at(correct).out);
  }

  std::unique_ptr<Server> server_;
  std::unique_ptr<grpc::GenericStub> stub_;
  std::unique_ptr<CheckInCodes> codes_;
  std::array<std::string, kCallers> secrets_;
  std::map<std::string, std::string> names_;
};

// Every RPC in every zhiyuan.v1 file compiled into this test.
std::vector<const MethodDescriptor*> AllMethods() {
  std::vector<std::string> files;
  google::protobuf::DescriptorPool::internal_generated_database()->FindAllFileNames(&files);
  std::vector<const MethodDescriptor*> methods;
  for (const std::string& file_name : files) {
    if (!absl::StartsWith(file_name, "zhiyuan/v1/")) continue;
    const google::protobuf::FileDescriptor* file =
        google::protobuf::DescriptorPool::generated_pool()->FindFileByName(file_name);
    for (int s = 0; file != nullptr && s < file->service_count(); ++s) {
      for (int m = 0; m < file->service(s)->method_count(); ++m) {
        methods.push_back(file->service(s)->method(m));
      }
    }
  }
  return methods;
}

TEST(AuthorizationRulesTest, EveryRpcHasARuleAndEveryRuleAnRpc) {
  std::set<std::string> seen;
  for (const MethodDescriptor* method : AllMethods()) {
    seen.insert(method->full_name());
    EXPECT_EQ(Rules().count(method->full_name()), 1u)
        << method->full_name()
        << " has no authorization rule: add its expected codes per role to "
           "tests/services/authorization_matrix_pgtest.cc and docs/SECURITY.md";
  }
  EXPECT_GT(seen.size(), 30u);
  for (const auto& [name, rule] : Rules()) {
    EXPECT_EQ(seen.count(name), 1u) << "the rule for " << name << " names no RPC";
  }
}

TEST_F(AuthorizationMatrixTest, EveryRpcAnswersEveryCallerAsItsRuleSays) {
  // The world is the same for each caller; the order of RPCs does not matter (see the file
  // comment), but RevokeToken goes last so that no later call meets a revoked spare by surprise.
  std::vector<const MethodDescriptor*> methods = AllMethods();
  std::stable_partition(methods.begin(), methods.end(), [](const MethodDescriptor* method) {
    return method->name() != "RevokeToken";
  });
  SeedServiceRecords();
  for (const MethodDescriptor* method : methods) {
    const auto rule = Rules().find(method->full_name());
    if (rule == Rules().end()) continue;  // AuthorizationRulesTest reports it.
    SCOPED_TRACE(method->full_name());
    EXPECT_EQ(Call("", *method, rule->second.in).error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << "without a token";
    EXPECT_EQ(Call("zyt_not-a-token", *method, rule->second.in).error_code(),
              grpc::StatusCode::UNAUTHENTICATED)
        << "with a malformed token";
    for (int caller = 0; caller < kCallers; ++caller) {
      const grpc::Status in = Call(secrets_[caller], *method, rule->second.in);
      EXPECT_EQ(in.error_code(), rule->second.in_codes[caller])
          << kCallerNames[caller] << ", in scope: " << in.error_message();
      const grpc::Status out = Call(secrets_[caller], *method, rule->second.out);
      EXPECT_EQ(out.error_code(), rule->second.out_codes[caller])
          << kCallerNames[caller] << ", out of scope: " << out.error_message();
    }
  }
}

TEST_F(AuthorizationMatrixTest, ARequestIdUsedOutOfReachReturnsNothingOfIt) {
  // 阜康's team, made with a request_id that a 临县 caller then sends with a 临县 team.
  Make("zhiyuan.v1.TeamService.CreateTeam",
       "request_id: '77777777-0000-4000-8000-000000000001' team { display_name: '阜康二队' "
       "home_region: 'regions/652302' }");
  zhiyuan::v1::Team reply;
  const grpc::Status status =
      Call(secrets_[kRegionAdmin], *Method("zhiyuan.v1.TeamService.CreateTeam"),
           "request_id: '77777777-0000-4000-8000-000000000001' team { display_name: '临县二队' "
           "home_region: 'regions/141124' }",
           &reply);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS) << status.error_message();
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("request_id"));
  EXPECT_THAT(status.error_message(), ::testing::Not(::testing::HasSubstr("阜康")));
  EXPECT_EQ(reply.name(), "");

  // A membership's request_id belongs to the volunteer's joining of one team.
  Make("zhiyuan.v1.TeamService.CreateTeamMember",
       "request_id: '77777777-0000-4000-8000-000000000002' parent: '$F' "
       "volunteer: 'volunteers/$V'");
  EXPECT_EQ(Call(secrets_[kTeamLeader], *Method("zhiyuan.v1.TeamService.CreateTeamMember"),
                 "request_id: '77777777-0000-4000-8000-000000000002' parent: '$A1' "
                 "volunteer: 'volunteers/$V'")
                .error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
}

TEST_F(AuthorizationMatrixTest, ARegionAdminSetsItsPopulationButRenamesNothing) {
  const MethodDescriptor& update = *Method("zhiyuan.v1.RegionService.UpdateRegion");
  EXPECT_TRUE(Call(secrets_[kRegionAdmin], update,
                   "region { name: 'regions/141124100' population: 40000 population_year: 2023 } "
                   "update_mask { paths: 'population' paths: 'population_year' }")
                  .ok());
  EXPECT_EQ(Call(secrets_[kRegionAdmin], update,
                 "region { name: 'regions/141124' display_name: '临县县' } "
                 "update_mask { paths: 'display_name' }")
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(Call(secrets_[kAdmin], update,
                   "region { name: 'regions/141124' display_name: '临县' } "
                   "update_mask { paths: 'display_name' }")
                  .ok());
}

TEST_F(AuthorizationMatrixTest, ListsNeverReachPastTheCallersScope) {
  // Unfiltered lists of a 临县 caller hold 临县 only, however the filters are combined.
  zhiyuan::v1::ListTeamsResponse teams;
  ASSERT_TRUE(
      Call(secrets_[kRegionAdmin], *Method("zhiyuan.v1.TeamService.ListTeams"), "", &teams).ok());
  EXPECT_EQ(teams.total_size(), 2);  // A and A1; F is 阜康's.
  for (const zhiyuan::v1::Team& team : teams.teams()) {
    EXPECT_THAT(team.home_region(), ::testing::StartsWith("regions/141124"));
  }
  // A parent in 阜康 with the caller's own region: nothing of 阜康 comes back.
  zhiyuan::v1::ListTeamsResponse under_f;
  ASSERT_TRUE(Call(secrets_[kRegionAdmin], *Method("zhiyuan.v1.TeamService.ListTeams"),
                   "parent: '$F'", &under_f)
                  .ok());
  EXPECT_EQ(under_f.total_size(), 0);
  EXPECT_EQ(Call(secrets_[kRegionAdmin], *Method("zhiyuan.v1.TeamService.ListTeams"),
                 "home_region: 'regions/14'")
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // A team leader lists under its own team; with no parent, its own team's children.
  zhiyuan::v1::ListTeamsResponse own;
  ASSERT_TRUE(
      Call(secrets_[kTeamLeader], *Method("zhiyuan.v1.TeamService.ListTeams"), "", &own).ok());
  ASSERT_EQ(own.teams_size(), 1);
  EXPECT_EQ(own.teams(0).name(), names_["$A1"]);
  // A reporter reads teams, but not who leads them.
  Make("zhiyuan.v1.TeamService.UpdateTeam",
       "team { name: '$A' leader: 'volunteers/$V' } update_mask { paths: 'leader' }");
  zhiyuan::v1::Team seen;
  ASSERT_TRUE(
      Call(secrets_[kReporter], *Method("zhiyuan.v1.TeamService.GetTeam"), "name: '$A'", &seen)
          .ok());
  EXPECT_EQ(seen.leader(), "");
  ASSERT_TRUE(
      Call(secrets_[kRegionAdmin], *Method("zhiyuan.v1.TeamService.GetTeam"), "name: '$A'", &seen)
          .ok());
  EXPECT_EQ(seen.leader(), absl::StrCat("volunteers/", names_["$V"]));
  // Volunteers: a region admin's list holds its residents only.
  zhiyuan::v1::ListVolunteersResponse volunteers;
  ASSERT_TRUE(Call(secrets_[kRegionAdmin], *Method("zhiyuan.v1.VolunteerService.ListVolunteers"),
                   "", &volunteers)
                  .ok());
  ASSERT_EQ(volunteers.volunteers_size(), 1);
  EXPECT_EQ(volunteers.volunteers(0).volunteer_number(), names_["$V"]);
  // The audit log of a region admin holds its region's entries only.
  zhiyuan::v1::ListAuditEntriesResponse audit;
  ASSERT_TRUE(Call(secrets_[kRegionAdmin], *Method("zhiyuan.v1.AuditService.ListAuditEntries"),
                   "page_size: 1000", &audit)
                  .ok());
  EXPECT_GT(audit.audit_entries_size(), 0);
  for (const zhiyuan::v1::AuditEntry& entry : audit.audit_entries()) {
    EXPECT_THAT(entry.region(), ::testing::StartsWith("regions/141124"));
  }
}

TEST_F(AuthorizationMatrixTest, ATeamLeaderChangesItsEventsButRefersToNothingOutOfReach) {
  const MethodDescriptor& update = *Method("zhiyuan.v1.EventService.UpdateEvent");
  // A practice unit, a program its teams do not run, a post it is not on duty at: refused.
  EXPECT_EQ(Call(secrets_[kTeamLeader], update,
                 "event { name: '$E' practice_unit: '$U' } "
                 "update_mask { paths: 'post' paths: 'practice_unit' }")
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(secrets_[kTeamLeader], update,
                 "event { name: '$E' program: '$G' } update_mask { paths: 'program' }")
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(secrets_[kTeamLeader], update,
                 "event { name: '$E' post: '$P2' } update_mask { paths: 'post' }")
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Its own event's title: allowed. The region admin links 临县's unit.
  EXPECT_TRUE(Call(secrets_[kTeamLeader], update,
                   "event { name: '$E' title: '夜校·改期' } update_mask { paths: 'title' }")
                  .ok());
  EXPECT_TRUE(Call(secrets_[kRegionAdmin], update,
                   "event { name: '$E' practice_unit: '$U' } "
                   "update_mask { paths: 'post' paths: 'practice_unit' }")
                  .ok());
}

TEST_F(AuthorizationMatrixTest, ServiceRecordsAreReachedByTheirEventOrTheVolunteersHome) {
  // V, who lives in 临县, served at 阜康's E2: an organiser's entry and manual hours.
  const std::string create = "zhiyuan.v1.ServiceRecordService.CreateServiceRecord";
  names_["$RV"] = Make(create,
                       "parent: 'volunteers/$V' service_record { event: '$E2' check_in_time { "
                       "seconds: $NOW_START } check_out_time { seconds: $NOW_HALF } }");
  names_["$MV"] = Make(create,
                       "parent: 'volunteers/$V' service_record { event: '$E2' hour_class: "
                       "HOUR_CLASS_MANUAL check_in_time { seconds: $NOW_START } "
                       "credited_minutes: 60 }");
  // A correction of $RV, asked for with the request the cases repeat.
  const std::string correct = "zhiyuan.v1.ServiceRecordService.CreateCorrection";
  const char* correct_rv =
      "request_id: 'bbbbbbbb-0000-4000-8000-000000000001' parent: '$RV' "
      "correction { withdraw: true reason: '未到场' }";
  names_["$CV"] = Make(correct, correct_rv);
  const MethodDescriptor& get = *Method("zhiyuan.v1.ServiceRecordService.GetServiceRecord");
  const MethodDescriptor& list = *Method("zhiyuan.v1.ServiceRecordService.ListServiceRecords");
  const MethodDescriptor& review = *Method("zhiyuan.v1.ServiceRecordService.ReviewServiceRecord");
  const MethodDescriptor& ask = *Method(correct);
  const MethodDescriptor& get_correction = *Method("zhiyuan.v1.ServiceRecordService.GetCorrection");
  const MethodDescriptor& list_corrections =
      *Method("zhiyuan.v1.ServiceRecordService.ListCorrections");
  const MethodDescriptor& review_correction =
      *Method("zhiyuan.v1.ServiceRecordService.ReviewCorrection");
  const struct {
    const MethodDescriptor& method;
    const char* request;
    Codes codes;
  } cases[] = {
      // 临县's region admin reads its resident's record; 阜康's event is out of the others' reach.
      {get, "name: '$RV'", {O, O, N, N, O, N}},
      // A volunteer's records: whoever reaches the volunteer.
      {list, "parent: 'volunteers/$V'", {O, O, P, N, O, N}},
      // An event's records: whoever reaches the event; a volunteer lists only their own.
      {list, "parent: 'volunteers/-' event: '$E'", {O, O, P, O, P, O}},
      {list, "parent: 'volunteers/-' event: '$E2'", kAdminOnly},
      // Hours at 阜康's event are reviewed in 阜康, though 临县's region admin reads them (and the
      // system admin added them).
      {review, "name: '$MV' approve: true", {F, P, P, P, P, P}},
      // Its corrections go as the record: 临县's region admin asks for one and reads it, but
      // reviews them in 阜康 no more than the hours.
      {ask, correct_rv, {O, O, P, N, O, P}},
      {get_correction, "name: '$CV'", {O, O, N, N, O, N}},
      {review_correction, "name: '$CV' approve: true", {F, P, P, N, P, P}},
      // An event's corrections (a reviewer's queue): whoever reaches the event, but volunteers.
      {list_corrections, "parent: 'volunteers/-/serviceRecords/-' event: '$E'", {O, O, P, O, P, O}},
      {list_corrections, "parent: 'volunteers/-/serviceRecords/-' event: '$E2'", kAdminOnly},
  };
  for (const auto& one : cases) {
    for (int caller = 0; caller < kCallers; ++caller) {
      EXPECT_EQ(Call(secrets_[caller], one.method, one.request).error_code(), one.codes[caller])
          << kCallerNames[caller] << ": " << one.method.name() << " " << one.request;
    }
  }
  zhiyuan::v1::ListServiceRecordsResponse records;
  ASSERT_TRUE(Call(secrets_[kRegionAdmin], list, "parent: 'volunteers/$V'", &records).ok());
  std::vector<std::string> listed;
  for (const zhiyuan::v1::ServiceRecord& record : records.service_records()) {
    listed.push_back(record.name());
  }
  EXPECT_THAT(listed, ::testing::UnorderedElementsAre(names_["$RV"], names_["$MV"]));
}

TEST(AuditCasesTest, EveryChangingRpcHasAnAuditCase) {
  for (const MethodDescriptor* method : AllMethods()) {
    EXPECT_EQ(AuditCases().count(method->full_name()), IsAudited(*method) ? 1u : 0u)
        << method->full_name()
        << ": every RPC that changes something needs a case in AuditCases(), and no other";
  }
}

TEST_F(AuthorizationMatrixTest, EveryChangeIsOnTheAuditLogWithItsRequestIdAndNoPersonalNumber) {
  const std::string admin = names_["$ADMIN"];
  std::string fukang_admin;
  MakeToken("display_name: '阜康文明办' role: ROLE_REGION_ADMIN region: 'regions/652302'",
            &fukang_admin);
  zhiyuan::v1::ServiceRecord manual;
  ASSERT_TRUE(Call(fukang_admin, *Method("zhiyuan.v1.ServiceRecordService.CreateServiceRecord"),
                   "parent: 'volunteers/$W' service_record { event: '$E2' hour_class: "
                   "HOUR_CLASS_MANUAL check_in_time { seconds: $NOW_START } "
                   "credited_minutes: 60 }",
                   &manual)
                  .ok());
  names_["$MF"] = manual.name();
  // V's entry at E2 and a correction of it that 阜康's region admin asks for; then 阜康's new
  // rules, which credit 45 minutes as 30 where the old gave 60.
  names_["$RF"] = Make("zhiyuan.v1.ServiceRecordService.CreateServiceRecord",
                       "parent: 'volunteers/$V' service_record { event: '$E2' check_in_time { "
                       "seconds: $NOW_START } check_out_time { seconds: $NOW_HALF } }");
  zhiyuan::v1::Correction correction;
  ASSERT_TRUE(Call(fukang_admin, *Method("zhiyuan.v1.ServiceRecordService.CreateCorrection"),
                   "parent: '$RF' correction { check_out_time { seconds: $NOW_QUARTER } "
                   "reason: '签退记早了' }",
                   &correction)
                  .ok());
  names_["$CF"] = correction.name();
  Make("zhiyuan.v1.HourRuleService.CreateHourRuleSet",
       "hour_rule_set { region: 'regions/652302' bands { up_to_minutes: 29 } "
       "bands { up_to_minutes: 59 credit_minutes: 30 } auto_close_minutes: 60 }");
  for (const MethodDescriptor* method : AllMethods()) {
    const auto audit_case = AuditCases().find(method->full_name());
    if (audit_case == AuditCases().end()) continue;
    SCOPED_TRACE(method->full_name());
    std::unique_ptr<Message> request = ::zhiyuan::testing::NewRequest(*method);
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
        absl::StrReplaceAll(audit_case->second, names_), request.get()));
    std::unique_ptr<Message> reply = ::zhiyuan::testing::NewReply(*method);
    const grpc::Status status = Call(secrets_[kAdmin], *method, audit_case->second, reply.get());
    ASSERT_TRUE(status.ok()) << status.error_message();
    const std::vector<zhiyuan::v1::AuditEntry> newest = AuditLog(1);
    ASSERT_EQ(newest.size(), 1u);
    EXPECT_EQ(newest[0].method(), method->full_name());
    EXPECT_EQ(newest[0].actor(), admin);
    EXPECT_THAT(newest[0].peer(), ::testing::HasSubstr("127.0.0.1"));
    EXPECT_EQ(newest[0].request_id(), RequestIdOf(*request));
    const google::protobuf::FieldDescriptor* mask =
        request->GetDescriptor()->FindFieldByName("update_mask");
    if (mask != nullptr) {
      const auto& paths = static_cast<const google::protobuf::FieldMask&>(
                              request->GetReflection()->GetMessage(*request, mask))
                              .paths();
      EXPECT_THAT(newest[0].field_paths(), ::testing::ElementsAreArray(paths));
    }
    // The newest entries name what changed, newest first, in its event's region (all are at
    // E2, 阜康): a service record; a correction, after which an approval revises its record; the
    // one record a recompute credits otherwise, $RF.
    std::vector<std::string> changed;
    const auto* record = dynamic_cast<const zhiyuan::v1::ServiceRecord*>(reply.get());
    if (const auto* upload =
            dynamic_cast<const zhiyuan::v1::SyncServiceRecordsResponse*>(reply.get());
        upload != nullptr && upload->results_size() == 1) {
      record = &upload->results(0).service_record();
    }
    if (record != nullptr) changed = {record->name()};
    if (const auto* correction = dynamic_cast<const zhiyuan::v1::Correction*>(reply.get())) {
      const std::string& name = correction->name();
      changed = {name};
      if (correction->state() == zhiyuan::v1::CORRECTION_STATE_APPROVED) {
        changed.insert(changed.begin(), name.substr(0, name.find("/corrections/")));
      }
    }
    if (const auto* recompute =
            dynamic_cast<const zhiyuan::v1::RecomputeServiceRecordsResponse*>(reply.get())) {
      EXPECT_EQ(recompute->changed(), 1);
      changed = {names_["$RF"]};
    }
    if (changed.empty()) continue;
    const std::vector<zhiyuan::v1::AuditEntry> entries = AuditLog(static_cast<int>(changed.size()));
    ASSERT_EQ(entries.size(), changed.size());
    for (size_t i = 0; i < changed.size(); ++i) {
      EXPECT_EQ(entries[i].method(), method->full_name());
      EXPECT_EQ(entries[i].resource(), changed[i]);
      EXPECT_EQ(entries[i].region(), "regions/652302");
    }
  }
  // Nothing on the log holds an ID or phone number, though every one of them went through it.
  for (const zhiyuan::v1::AuditEntry& entry : AuditLog(100000)) {
    const std::string text = entry.DebugString();
    for (const std::string& number : {names_["$V_ID"], names_["$W_ID"], names_["$X_ID"],
                                      std::string("13912345678"), std::string("13712345678")}) {
      EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr(number)));
    }
  }
}

}  // namespace
}  // namespace zhiyuan::services
