// zhiyuan.v1.ServiceRecordService: validation, authorization and conversion around a
// RecordWriter (writes) and a ServiceRecordStore (reads).
#ifndef ZHIYUAN_SERVICES_SERVICE_RECORD_SERVICE_H_
#define ZHIYUAN_SERVICES_SERVICE_RECORD_SERVICE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "services/authorizer.h"
#include "services/check_in_codes.h"
#include "services/record_writer.h"
#include "storage/event_store.h"
#include "storage/hour_rule_store.h"
#include "storage/service_record_store.h"
#include "zhiyuan/v1/service_record.grpc.pb.h"

namespace zhiyuan::services {

// Wrong check-in codes a caller may present for one event in a minute, on one server. Six digits
// valid for three 30-second steps leave a guess three chances in a million: at this rate an even
// chance takes about 46 days of guessing per server, and only while the event is under way
// (codes are checked against the claimed time, which must lie in the event's window).
inline constexpr int kMaxWrongCodesPerMinute = 5;

// Authorization reads events through a cache that keeps each this long: an event's region and
// organizer never change, and a change of its post or practice unit (a kiosk's reach) is seen
// this late at most. What a write is decided on (the event's status and schedule) is read fresh,
// under lock, in the write's own transaction.
inline constexpr absl::Duration kEventCacheTtl = absl::Seconds(5);
inline constexpr size_t kEventCacheSize = 10000;

class ServiceRecordServiceImpl final : public zhiyuan::v1::ServiceRecordService::Service {
 public:
  // Everything must outlive the service; `clock` gives the time calls are received at.
  ServiceRecordServiceImpl(storage::ServiceRecordStore& store, storage::EventStore& events,
                           storage::HourRuleStore& rules, RecordWriter& writer,
                           const CheckInCodes& codes, Authorizer& authorizer,
                           std::function<absl::Time()> clock = absl::Now)
      : store_(store),
        events_(events),
        rules_(rules),
        writer_(writer),
        codes_(codes),
        authorizer_(authorizer),
        clock_(std::move(clock)) {}

  grpc::Status CheckIn(grpc::ServerContext* context, const zhiyuan::v1::CheckInRequest* request,
                       zhiyuan::v1::ServiceRecord* response) override;
  grpc::Status CheckOut(grpc::ServerContext* context, const zhiyuan::v1::CheckOutRequest* request,
                        zhiyuan::v1::ServiceRecord* response) override;
  grpc::Status CreateServiceRecord(grpc::ServerContext* context,
                                   const zhiyuan::v1::CreateServiceRecordRequest* request,
                                   zhiyuan::v1::ServiceRecord* response) override;
  grpc::Status ReviewServiceRecord(grpc::ServerContext* context,
                                   const zhiyuan::v1::ReviewServiceRecordRequest* request,
                                   zhiyuan::v1::ServiceRecord* response) override;
  grpc::Status GetServiceRecord(grpc::ServerContext* context,
                                const zhiyuan::v1::GetServiceRecordRequest* request,
                                zhiyuan::v1::ServiceRecord* response) override;
  grpc::Status ListServiceRecords(grpc::ServerContext* context,
                                  const zhiyuan::v1::ListServiceRecordsRequest* request,
                                  zhiyuan::v1::ListServiceRecordsResponse* response) override;
  grpc::Status ListServiceRecordRevisions(
      grpc::ServerContext* context, const zhiyuan::v1::ListServiceRecordRevisionsRequest* request,
      zhiyuan::v1::ListServiceRecordRevisionsResponse* response) override;
  grpc::Status ExplainHours(grpc::ServerContext* context,
                            const zhiyuan::v1::ExplainHoursRequest* request,
                            zhiyuan::v1::HoursExplanation* response) override;
  grpc::Status SyncServiceRecords(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<zhiyuan::v1::SyncServiceRecordsResponse,
                               zhiyuan::v1::SyncServiceRecordsRequest>* stream) override;
  grpc::Status CreateCorrection(grpc::ServerContext* context,
                                const zhiyuan::v1::CreateCorrectionRequest* request,
                                zhiyuan::v1::Correction* response) override;
  grpc::Status ReviewCorrection(grpc::ServerContext* context,
                                const zhiyuan::v1::ReviewCorrectionRequest* request,
                                zhiyuan::v1::Correction* response) override;
  grpc::Status GetCorrection(grpc::ServerContext* context,
                             const zhiyuan::v1::GetCorrectionRequest* request,
                             zhiyuan::v1::Correction* response) override;
  grpc::Status ListCorrections(grpc::ServerContext* context,
                               const zhiyuan::v1::ListCorrectionsRequest* request,
                               zhiyuan::v1::ListCorrectionsResponse* response) override;
  grpc::Status RecomputeServiceRecords(
      grpc::ServerContext* context, const zhiyuan::v1::RecomputeServiceRecordsRequest* request,
      zhiyuan::v1::RecomputeServiceRecordsResponse* response) override;
  grpc::Status GetServiceTotals(grpc::ServerContext* context,
                                const zhiyuan::v1::GetServiceTotalsRequest* request,
                                zhiyuan::v1::ServiceTotals* response) override;

 private:
  // The events one call reads, each once.
  using EventCache = absl::flat_hash_map<int64_t, storage::Event>;

  struct Call {
    const Principal& caller;
    const grpc::ServerContext& context;
    absl::Time received;
    absl::Time deadline;
    EventCache events;
  };

  absl::StatusOr<RecordWrite> PrepareCheck(Call& call, RecordWrite::Kind kind,
                                           const google::protobuf::Message& request,
                                           absl::string_view method, std::string client_id);
  absl::StatusOr<RecordWrite> PrepareEntry(Call& call,
                                           const zhiyuan::v1::CreateServiceRecordRequest& request,
                                           absl::string_view method, std::string client_id);
  // Writes one and answers with the record, as a unary call does.
  absl::Status WriteOne(Call& call, const absl::StatusOr<RecordWrite>& write,
                        zhiyuan::v1::ServiceRecord* response);
  // The result of `write` as the caller may see it: a duplicate of a write made by a call out of
  // the caller's reach is refused (Authorizer::RequestIdTaken).
  absl::Status Reachable(Call& call, const RecordWriteResult& result, absl::string_view client_id);

  absl::StatusOr<const storage::Event*> EventOf(Call& call, absl::string_view field, int64_t id);
  absl::StatusOr<bool> ReachesRecord(Call& call, const storage::ServiceRecord& record);
  absl::StatusOr<storage::ServiceRecord> ReachableRecord(Call& call, absl::string_view name);
  // A correction whose record the caller reaches (else NOT_FOUND), and that record.
  absl::StatusOr<std::pair<storage::Correction, storage::ServiceRecord>> ReachableCorrection(
      Call& call, absl::string_view name);
  // OK when the caller and the holder of `token_id` are different people: different tokens
  // held under different names. Errors: FAILED_PRECONDITION naming `what`.
  absl::Status AnotherPerson(Call& call, int64_t token_id, absl::string_view what);

  // Counts a wrong code; false once the caller has had its share for the event this minute.
  bool CodeAttemptAllowed(int64_t token_id, int64_t event_id, absl::Time now);
  void CountWrongCode(int64_t token_id, int64_t event_id, absl::Time now);

  storage::ServiceRecordStore& store_;
  storage::EventStore& events_;
  storage::HourRuleStore& rules_;
  RecordWriter& writer_;
  const CheckInCodes& codes_;
  Authorizer& authorizer_;
  const std::function<absl::Time()> clock_;

  struct WrongCodes {
    absl::Time minute_start;
    int count = 0;
  };
  absl::Mutex events_mu_;
  absl::flat_hash_map<int64_t, std::pair<storage::Event, absl::Time>> event_cache_
      ABSL_GUARDED_BY(events_mu_);
  absl::Mutex attempts_mu_;
  absl::flat_hash_map<std::pair<int64_t, int64_t>, WrongCodes> wrong_codes_
      ABSL_GUARDED_BY(attempts_mu_);
};

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_SERVICE_RECORD_SERVICE_H_
