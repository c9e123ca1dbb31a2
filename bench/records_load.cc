// records_load: the load generator of bench/records.sh, for issue 5's write targets.
//
//   records_load seed   --database_url=URL --volunteers=N
//       Fills a fresh database (migrated by zhiyuand) with a region, a team, N volunteers, an
//       ONGOING event of the last 30 days and --history records of the year before, with their
//       revisions and audit entries (straight into the tables: this is setup, not what is
//       measured), and `bench_volunteers (k, volunteer_number)` for pgbench; then ANALYZE.
//       Prints the event id.
//   records_load single --server=ADDR --token_file=F --database_url=URL --event=ID
//                       --in_flight=64 --seconds=20
//       Durable single writes: CreateServiceRecord calls (an organiser's entry, credited at once,
//       with a request_id), `in_flight` at a time on the gRPC async client; each call is counted
//       when its response (sent only after the commit) arrives. Prints calls/s and p50/p99/max.
//   records_load sync   --server=ADDR --token_file=F --database_url=URL --event=ID
//                       --streams=4 --items=200000 --per_message=500
//       The sync stream: `streams` SyncServiceRecords streams on the async client, each sending
//       messages of `per_message` entries and waiting for each message's results. Prints
//       items/s.
//   records_load csv    --database_url=URL --event=ID --items=200000 --out=DIR
//       The same rows as `sync` writes (records, revisions, audit entries) as CSV files for COPY,
//       PostgreSQL's own ceiling for the stream.
//
// Every record goes to its own (volunteer, 10-minute slot) of the event, so none overlap: item i
// is volunteer i mod N in slot i / N, offset by --first_slot so that runs do not collide.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <pqxx/pqxx>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/bearer_channel.h"
#include "services/identity_numbers.h"
#include "zhiyuan/v1/service_record.grpc.pb.h"

ABSL_FLAG(std::string, database_url, "", "the benchmark's database");
ABSL_FLAG(std::string, server, "127.0.0.1:50051", "zhiyuand");
ABSL_FLAG(std::string, token_file, "", "a system admin token");
ABSL_FLAG(int, volunteers, 100000, "seed: how many volunteers");
ABSL_FLAG(int, history, 1000000, "seed: how many records the database holds already");
ABSL_FLAG(int64_t, event, 0, "the event records go to");
ABSL_FLAG(int, in_flight, 64, "single: calls in flight");
ABSL_FLAG(int, seconds, 20, "single: how long");
ABSL_FLAG(int, streams, 4, "sync: streams at once");
ABSL_FLAG(int, items, 200000, "sync, csv: items in all");
ABSL_FLAG(int, per_message, 500, "sync: items per message");
ABSL_FLAG(int64_t, first_slot, 0, "the first 10-minute slot to use");
ABSL_FLAG(std::string, out, "", "csv: the directory to write to");

namespace {

namespace v1 = ::zhiyuan::v1;

constexpr char kCounty[] = "141124";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return std::string(absl::StripAsciiWhitespace(text));
}

std::vector<std::string> Volunteers(pqxx::connection& connection) {
  pqxx::work txn(connection);
  std::vector<std::string> numbers;
  for (const pqxx::row& row :
       txn.exec("SELECT volunteer_number FROM bench_volunteers ORDER BY k")) {
    numbers.push_back(row[0].as<std::string>());
  }
  return numbers;
}

absl::Time EventStart(pqxx::connection& connection, int64_t event) {
  pqxx::work txn(connection);
  return absl::FromUnixSeconds(
      txn.exec_params1("SELECT extract(epoch FROM start_time)::bigint FROM events WHERE id = $1",
                       event)[0]
          .as<int64_t>());
}

std::string Uuid(std::mt19937_64& random) {
  const uint64_t a = random();
  const uint64_t b = random();
  return absl::StrFormat("%08x-%04x-4%03x-8%03x-%012x", a >> 32, (a >> 16) & 0xffff, a & 0xfff,
                         b >> 52 & 0xfff, b & 0xffffffffffffULL);
}

// Item i: volunteer i mod N, in slot first_slot + i / N, 10 minutes apart, 9 minutes long.
struct Items {
  std::vector<std::string> volunteers;
  absl::Time event_start;
  int64_t first_slot;

  std::string Volunteer(int64_t i) const { return volunteers[i % volunteers.size()]; }
  absl::Time CheckIn(int64_t i) const {
    return event_start + absl::Minutes(10 * (first_slot + i / volunteers.size()));
  }
  v1::CreateServiceRecordRequest Entry(int64_t i, int64_t event) const {
    v1::CreateServiceRecordRequest request;
    request.set_parent(absl::StrCat("volunteers/", Volunteer(i)));
    v1::ServiceRecord& record = *request.mutable_service_record();
    record.set_event(absl::StrCat("events/", event));
    record.mutable_check_in_time()->set_seconds(absl::ToUnixSeconds(CheckIn(i)));
    record.mutable_check_out_time()->set_seconds(absl::ToUnixSeconds(CheckIn(i)) + 9 * 60);
    return request;
  }
};

Items LoadItems(int64_t event) {
  pqxx::connection connection(absl::GetFlag(FLAGS_database_url));
  return {Volunteers(connection), EventStart(connection, event), absl::GetFlag(FLAGS_first_slot)};
}

int Seed() {
  pqxx::connection connection(absl::GetFlag(FLAGS_database_url));
  pqxx::work txn(connection);
  txn.exec(
      "INSERT INTO regions (code, display_name) VALUES ('14', '山西省'), ('1411', '吕梁市'), "
      "('141124', '临县') ON CONFLICT DO NOTHING");
  const int64_t team = txn.exec1(
                              "INSERT INTO teams (display_name, home_region_code, status) VALUES "
                              "('临县志愿服务总队', '141124', 1) RETURNING id")[0]
                           .as<int64_t>();
  const int count = absl::GetFlag(FLAGS_volunteers);
  std::vector<std::string> numbers;
  numbers.reserve(count);
  for (int i = 1; i <= count; ++i) {
    numbers.push_back(zhiyuan::services::MintVolunteerNumber(kCounty, 2026, 5000000 + i));
  }
  const std::string array = absl::StrCat("{", absl::StrJoin(numbers, ","), "}");
  txn.exec_params(
      "INSERT INTO volunteers (volunteer_number, display_name, gender, birth_date, "
      "residence_region_code, status, guardian_consent, id_number_cipher, id_number_masked) "
      "SELECT n, '压测志愿者', 1, '1990-01-01', '141124', 1, false, '\\x00', '1411**********0000' "
      "FROM unnest($1::text[]) AS n",
      array);
  txn.exec(
      "CREATE TABLE IF NOT EXISTS bench_volunteers (k integer PRIMARY KEY, "
      "volunteer_number text COLLATE \"C\" NOT NULL)");
  txn.exec_params(
      "INSERT INTO bench_volunteers SELECT k, n FROM unnest($1::text[]) WITH ORDINALITY AS u(n, k)",
      array);
  const int64_t event =
      txn.exec_params1(
             "INSERT INTO events (title, organizer_team_id, region_code, start_time, end_time, "
             "category, status) VALUES ('压测活动', $1, '141124', now() - interval '30 days', "
             "now() - interval '1 hour', 1, 2) RETURNING id",
             team)[0]
          .as<int64_t>();
  // The records of the past year, so that the tables and their statistics look like those of a
  // database in use: what each write reads is found through the indexes.
  const int history = absl::GetFlag(FLAGS_history);
  txn.exec_params(
      "INSERT INTO service_records (volunteer_number, event_id, hour_class, state, method, "
      "check_in, check_out, raw_minutes, credited_minutes, hour_rule_set_id, close_due, "
      "recorder_token_id, verifier_token_id, create_time, update_time) "
      "SELECT b.volunteer_number, $1, 1, 2, 3, t, t + interval '9 minutes', 9, 0, 1, t, 1, 1, "
      "now(), now() FROM generate_series(1, $2::integer) AS g(i) "
      "JOIN bench_volunteers b ON b.k = 1 + g.i % $3::integer, "
      "LATERAL (SELECT now() - interval '400 days' + g.i * interval '20 seconds' AS t) AS s",
      event, history, count);
  txn.exec(
      "INSERT INTO service_record_revisions (volunteer_number, record_id, revision, change, "
      "event_id, state, check_in, check_out, auto_closed, raw_minutes, credited_minutes, "
      "hour_rule_set_id, verifier_token_id, note, actor_token_id, client_id, create_time) "
      "SELECT volunteer_number, id, 1, 1, event_id, state, check_in, check_out, false, 9, 0, 1, "
      "1, '', 1, gen_random_uuid(), now() FROM service_records");
  txn.exec(
      "INSERT INTO audit_log (actor_token_id, method, resource, region_code, request_id) "
      "SELECT 1, 'zhiyuan.v1.ServiceRecordService.CreateServiceRecord', 'volunteers/' || "
      "volunteer_number || '/serviceRecords/' || id, '141124', gen_random_uuid() "
      "FROM service_records");
  txn.commit();
  pqxx::nontransaction analyze(connection);
  analyze.exec("ANALYZE");
  std::cout << event << "\n";
  return 0;
}

// Latency percentiles of `samples` (microseconds), sorted in place.
std::string Percentiles(std::vector<int64_t>& samples) {
  std::sort(samples.begin(), samples.end());
  auto at = [&](double q) {
    return samples.empty()
               ? 0.0
               : samples[std::min(samples.size() - 1, static_cast<size_t>(q * samples.size()))] /
                     1000.0;
  };
  return absl::StrFormat("p50 %.2f ms, p99 %.2f ms, max %.2f ms", at(0.5), at(0.99),
                         samples.empty() ? 0.0 : samples.back() / 1000.0);
}

std::unique_ptr<v1::ServiceRecordService::Stub> Stub() {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(16 << 20);
  return v1::ServiceRecordService::NewStub(zhiyuan::clients::CreateBearerChannel(
      absl::GetFlag(FLAGS_server), grpc::InsecureChannelCredentials(),
      ReadFile(absl::GetFlag(FLAGS_token_file)), arguments));
}

int Single() {
  const int64_t event = absl::GetFlag(FLAGS_event);
  const Items items = LoadItems(event);
  auto stub = Stub();
  grpc::CompletionQueue queue;
  struct Call {
    int64_t item = 0;
    absl::Time start;
    grpc::ClientContext context;
    v1::ServiceRecord reply;
    grpc::Status status;
    std::unique_ptr<grpc::ClientAsyncResponseReader<v1::ServiceRecord>> reader;
  };
  std::mt19937_64 random(absl::ToUnixNanos(absl::Now()));
  int64_t next = 0;
  auto start = [&](std::unique_ptr<Call>& call) {
    call = std::make_unique<Call>();
    call->item = next++;
    v1::CreateServiceRecordRequest request = items.Entry(call->item, event);
    request.set_request_id(Uuid(random));
    call->context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    call->start = absl::Now();
    call->reader = stub->AsyncCreateServiceRecord(&call->context, request, &queue);
    call->reader->Finish(&call->reply, &call->status, call.get());
  };
  const int in_flight = absl::GetFlag(FLAGS_in_flight);
  std::vector<std::unique_ptr<Call>> calls(in_flight);
  const absl::Time begin = absl::Now();
  const absl::Time end = begin + absl::Seconds(absl::GetFlag(FLAGS_seconds));
  for (auto& call : calls) start(call);
  std::vector<int64_t> latencies;
  int64_t failed = 0;
  int running = in_flight;
  void* tag = nullptr;
  bool ok = false;
  while (running > 0 && queue.Next(&tag, &ok)) {
    Call* done = static_cast<Call*>(tag);
    const absl::Time now = absl::Now();
    if (done->status.ok()) {
      latencies.push_back(absl::ToInt64Microseconds(now - done->start));
    } else if (++failed <= 5) {
      std::cerr << "call failed: " << done->status.error_code() << " "
                << done->status.error_message() << "\n";
    }
    for (auto& call : calls) {
      if (call.get() != done) continue;
      if (now < end) {
        start(call);
      } else {
        call.reset();
        --running;
      }
      break;
    }
  }
  const double seconds = absl::ToDoubleSeconds(absl::Now() - begin);
  const size_t count = latencies.size();
  std::cout << absl::StrFormat("single: %d calls in %.1f s = %.0f calls/s, %s, %d failed\n", count,
                               seconds, count / seconds, Percentiles(latencies), failed);
  return failed == 0 ? 0 : 1;
}

int Sync() {
  const int64_t event = absl::GetFlag(FLAGS_event);
  const Items items = LoadItems(event);
  const int total = absl::GetFlag(FLAGS_items);
  const int per_message = absl::GetFlag(FLAGS_per_message);
  const int streams = absl::GetFlag(FLAGS_streams);
  auto stub = Stub();
  grpc::CompletionQueue queue;
  // One stream's life: start, then write a message and read its results until its share is
  // sent, then half-close and finish.
  struct Stream {
    enum class Step { kStarting, kWriting, kReading, kClosing, kFinishing, kDone };
    Step step = Step::kStarting;
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientAsyncReaderWriter<v1::SyncServiceRecordsRequest,
                                                  v1::SyncServiceRecordsResponse>>
        stream;
    v1::SyncServiceRecordsResponse response;
    grpc::Status status;
    int64_t next = 0;  // The next item of this stream's share.
    int64_t end = 0;
    absl::Time sent;
  };
  std::mt19937_64 random(absl::ToUnixNanos(absl::Now()));
  std::vector<std::unique_ptr<Stream>> all;
  const int64_t share = (total + streams - 1) / streams;
  for (int s = 0; s < streams; ++s) {
    auto stream = std::make_unique<Stream>();
    stream->next = s * share;
    stream->end = std::min<int64_t>(total, (s + 1) * share);
    stream->stream = stub->AsyncSyncServiceRecords(&stream->context, &queue, stream.get());
    all.push_back(std::move(stream));
  }
  auto write = [&](Stream* stream) {
    v1::SyncServiceRecordsRequest request;
    for (int j = 0; j < per_message && stream->next < stream->end; ++j, ++stream->next) {
      v1::SyncItem& item = *request.add_items();
      item.set_client_id(Uuid(random));
      *item.mutable_entry() = items.Entry(stream->next, event);
    }
    stream->step = Stream::Step::kWriting;
    stream->sent = absl::Now();
    stream->stream->Write(request, stream);
  };
  const absl::Time begin = absl::Now();
  int64_t accepted = 0;
  int64_t other = 0;
  std::vector<int64_t> latencies;
  int running = streams;
  void* tag = nullptr;
  bool ok = false;
  while (running > 0 && queue.Next(&tag, &ok)) {
    Stream* stream = static_cast<Stream*>(tag);
    switch (stream->step) {
      case Stream::Step::kStarting:
        write(stream);
        break;
      case Stream::Step::kWriting:
        stream->step = Stream::Step::kReading;
        stream->stream->Read(&stream->response, stream);
        break;
      case Stream::Step::kReading:
        latencies.push_back(absl::ToInt64Microseconds(absl::Now() - stream->sent));
        for (const v1::SyncItemResult& result : stream->response.results()) {
          if (result.outcome() == v1::SYNC_OUTCOME_ACCEPTED) {
            ++accepted;
          } else if (++other <= 5) {
            std::cerr << "item " << result.client_id() << ": " << result.error_message() << "\n";
          }
        }
        if (stream->next < stream->end) {
          write(stream);
        } else {
          stream->step = Stream::Step::kClosing;
          stream->stream->WritesDone(stream);
        }
        break;
      case Stream::Step::kClosing:
        stream->step = Stream::Step::kFinishing;
        stream->stream->Finish(&stream->status, stream);
        break;
      case Stream::Step::kFinishing:
        if (!stream->status.ok()) {
          std::cerr << "stream failed: " << stream->status.error_message() << "\n";
        }
        stream->step = Stream::Step::kDone;
        --running;
        break;
      case Stream::Step::kDone:
        break;
    }
    if (!ok && stream->step != Stream::Step::kDone && stream->step != Stream::Step::kFinishing) {
      std::cerr << "stream broke\n";
      return 1;
    }
  }
  const double seconds = absl::ToDoubleSeconds(absl::Now() - begin);
  std::cout << absl::StrFormat(
      "sync: %d items accepted in %.1f s = %.0f items/s (%d streams, %d per message; message "
      "round trip %s), %d not accepted\n",
      accepted, seconds, accepted / seconds, streams, per_message, Percentiles(latencies), other);
  return other == 0 ? 0 : 1;
}

// The rows zhiyuand writes for an organiser's entry: the record, its first revision, its audit
// entry.
int Csv() {
  const int64_t event = absl::GetFlag(FLAGS_event);
  const Items items = LoadItems(event);
  const std::string out = absl::GetFlag(FLAGS_out);
  std::ofstream records(out + "/records.csv");
  std::ofstream revisions(out + "/revisions.csv");
  std::ofstream audit(out + "/audit.csv");
  std::mt19937_64 random(absl::ToUnixNanos(absl::Now()));
  // Far from what the sequence gives out, and apart for each run.
  const int64_t first_id = 1000000000000 + absl::GetFlag(FLAGS_first_slot) * 1000000;
  const std::string now =
      absl::FormatTime("%Y-%m-%d %H:%M:%E6S+00", absl::Now(), absl::UTCTimeZone());
  auto time = [](absl::Time t) {
    return absl::FormatTime("%Y-%m-%d %H:%M:%E6S+00", t, absl::UTCTimeZone());
  };
  for (int64_t i = 0; i < absl::GetFlag(FLAGS_items); ++i) {
    const std::string volunteer = items.Volunteer(i);
    const int64_t id = first_id + i;
    const absl::Time in = items.CheckIn(i);
    const std::string check_in = time(in);
    const std::string check_out = time(in + absl::Minutes(9));
    const std::string close_due = time(in + absl::Hours(24 * 31));
    // volunteer_number, id, event_id, hour_class, state, method, check_in, check_out,
    // auto_closed, raw_minutes, credited_minutes, hour_rule_set_id, close_due,
    // recorder_token_id, verifier_token_id, note, revision, create_time, update_time
    records << volunteer << ',' << id << ',' << event << ",1,2,3," << check_in << ',' << check_out
            << ",f,9,0,1," << close_due << ",1,1,\"\",1," << now << ',' << now << '\n';
    // volunteer_number, record_id, revision, change, event_id, state, check_in, check_out,
    // auto_closed, raw_minutes, credited_minutes, hour_rule_set_id, verifier_token_id, note,
    // actor_token_id, reason, client_id, create_time
    revisions << volunteer << ',' << id << ",1,1," << event << ",2," << check_in << ',' << check_out
              << ",f,9,0,1,1,\"\",1,\"\"," << Uuid(random) << ',' << now << '\n';
    // actor_token_id, method, resource, region_code, field_paths, peer, request_id
    audit << "1,zhiyuan.v1.ServiceRecordService.SyncServiceRecords,volunteers/" << volunteer
          << "/serviceRecords/" << id << ",141124,\"{event,check_in_time,check_out_time}\","
          << "ipv4:127.0.0.1:1," << Uuid(random) << '\n';
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  const std::string command = args.size() == 2 ? args[1] : "";
  if (command == "seed") return Seed();
  if (command == "single") return Single();
  if (command == "sync") return Sync();
  if (command == "csv") return Csv();
  std::cerr << "usage: records_load seed|single|sync|csv [flags]; see the file comment\n";
  return 2;
}
