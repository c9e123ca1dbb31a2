// RecordWriter's group commit: concurrent single writes share batches, each call gets its own
// write's result, and no more batches run at once than allowed.
#include "services/record_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"

namespace zhiyuan::services {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1780000000);

// A store that keeps nothing: it hands each batch a state in which every volunteer exists and
// one event is under way, and counts what it is asked to write.
class CountingStore final : public storage::ServiceRecordStore {
 public:
  absl::Status ApplyBatch(const storage::RecordBatchKeys& keys,
                          absl::FunctionRef<absl::StatusOr<storage::RecordBatchWrites>(
                              const storage::RecordBatchState&)>
                              plan,
                          absl::Time) override {
    const int running = ++running_;
    int seen = max_running_.load();
    while (running > seen && !max_running_.compare_exchange_weak(seen, running)) {
    }
    storage::RecordBatchState state;
    for (const std::string& number : keys.volunteer_numbers) state.live_volunteers.insert(number);
    storage::Event event;
    event.id = 1;
    event.region_code = "141124";
    event.status = storage::kOngoing;
    event.start_time = kStart;
    event.end_time = kStart + absl::Hours(3);
    state.events[1] = event;
    storage::HourRuleSet rules;
    rules.id = 1;
    rules.version = 1;
    rules.bands = {{15, 0}, {45, 30}, {59, 60}};
    rules.grace_minutes = 15;
    rules.auto_close_minutes = 120;
    state.rules_by_region["141124"] = rules;
    state.rules_by_id[1] = rules;
    {
      absl::MutexLock lock(&mu_);
      for (int i = 0; i < keys.new_records; ++i) state.new_ids.push_back(++next_id_);
    }
    absl::SleepFor(absl::Milliseconds(20));  // A commit's worth of time.
    absl::StatusOr<storage::RecordBatchWrites> writes = plan(state);
    --running_;
    if (!writes.ok()) return writes.status();
    absl::MutexLock lock(&mu_);
    batch_sizes_.push_back(static_cast<int>(writes->inserts.size()));
    return absl::OkStatus();
  }
  absl::StatusOr<storage::ServiceRecord> Get(const std::string&, int64_t, absl::Time) override {
    return absl::UnimplementedError("");
  }
  absl::StatusOr<std::vector<storage::ServiceRecord>> List(const storage::RecordQuery&,
                                                           absl::Time) override {
    return absl::UnimplementedError("");
  }
  absl::StatusOr<std::vector<storage::RecordRevision>> Revisions(const std::string&, int64_t,
                                                                 absl::Time) override {
    return absl::UnimplementedError("");
  }
  absl::StatusOr<storage::Correction> GetCorrection(const std::string&, int64_t,
                                                    absl::Time) override {
    return absl::UnimplementedError("");
  }
  absl::StatusOr<std::vector<storage::Correction>> ListCorrections(const storage::CorrectionQuery&,
                                                                   absl::Time) override {
    return absl::UnimplementedError("");
  }
  absl::StatusOr<storage::Totals> GetTotals(const storage::TotalsQuery&, absl::Time) override {
    return absl::UnimplementedError("");
  }
  absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> DueForClose(absl::Time, int,
                                                                           absl::Time) override {
    return absl::UnimplementedError("");
  }

  std::vector<int> batch_sizes() {
    absl::MutexLock lock(&mu_);
    return batch_sizes_;
  }
  int max_running() const { return max_running_.load(); }

 private:
  std::atomic<int> running_{0};
  std::atomic<int> max_running_{0};
  absl::Mutex mu_;
  int64_t next_id_ = 0;
  std::vector<int> batch_sizes_;
};

RecordWrite Entry(int volunteer) {
  RecordWrite write;
  write.kind = RecordWrite::Kind::kEntry;
  write.volunteer_number = absl::StrCat("v", volunteer);
  write.event_id = 1;
  write.time = kStart;
  write.check_out = kStart + absl::Minutes(50 + volunteer % 10);
  return write;
}

TEST(RecordWriterTest, ConcurrentSingleWritesShareBatchesAndGetTheirOwnResults) {
  CountingStore store;
  RecordWriter writer(store, {/*max_batch=*/500, /*max_running=*/2},
                      [] { return kStart + absl::Hours(24); });
  constexpr int kCalls = 64;
  std::vector<RecordWriteResult> results(kCalls);
  std::vector<std::thread> calls;
  for (int i = 0; i < kCalls; ++i) {
    calls.emplace_back([&, i] { results[i] = writer.WriteOne(Entry(i), absl::InfiniteFuture()); });
  }
  for (std::thread& call : calls) call.join();

  std::set<int64_t> ids;
  for (int i = 0; i < kCalls; ++i) {
    ASSERT_TRUE(results[i].status.ok()) << i << ": " << results[i].status;
    EXPECT_EQ(results[i].record.volunteer_number, absl::StrCat("v", i));
    // 50 to 59 minutes: up to 45 count 30, from 46 an hour, never past the 195-minute cap.
    EXPECT_EQ(results[i].record.credited_minutes, 60) << i;
    ids.insert(results[i].record.id);
  }
  EXPECT_EQ(ids.size(), static_cast<size_t>(kCalls));
  const std::vector<int> sizes = store.batch_sizes();
  int total = 0;
  for (const int size : sizes) total += size;
  EXPECT_EQ(total, kCalls);
  EXPECT_LT(sizes.size(), static_cast<size_t>(kCalls)) << "no two calls shared a batch";
  EXPECT_LE(store.max_running(), 2);
}

TEST(RecordWriterTest, ABatchIsNoLargerThanAllowed) {
  CountingStore store;
  RecordWriter writer(store, {/*max_batch=*/4, /*max_running=*/1},
                      [] { return kStart + absl::Hours(24); });
  std::vector<std::thread> calls;
  for (int i = 0; i < 20; ++i) {
    calls.emplace_back([&, i] { (void)writer.WriteOne(Entry(i), absl::InfiniteFuture()); });
  }
  for (std::thread& call : calls) call.join();
  for (const int size : store.batch_sizes()) EXPECT_LE(size, 4);
  EXPECT_EQ(store.max_running(), 1);
}

}  // namespace
}  // namespace zhiyuan::services
