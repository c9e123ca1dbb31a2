// zhiyuan.v1.EventService: validation, authorization and conversion around an EventStore.
#ifndef ZHIYUAN_SERVICES_EVENT_SERVICE_H_
#define ZHIYUAN_SERVICES_EVENT_SERVICE_H_

#include <functional>

#include "absl/time/clock.h"
#include "services/authorizer.h"
#include "services/check_in_codes.h"
#include "storage/event_store.h"
#include "storage/program_store.h"
#include "zhiyuan/v1/event.grpc.pb.h"

namespace zhiyuan::services {

class EventServiceImpl final : public zhiyuan::v1::EventService::Service {
 public:
  // The stores, the codes and the authorizer must outlive the service; `clock` gives the time
  // check-in codes are made for.
  EventServiceImpl(storage::EventStore& store, storage::ProgramStore& programs,
                   const CheckInCodes& codes, Authorizer& authorizer,
                   std::function<absl::Time()> clock = absl::Now)
      : store_(store),
        programs_(programs),
        codes_(codes),
        authorizer_(authorizer),
        clock_(std::move(clock)) {}

  grpc::Status GetEvent(grpc::ServerContext* context, const zhiyuan::v1::GetEventRequest* request,
                        zhiyuan::v1::Event* response) override;
  grpc::Status ListEvents(grpc::ServerContext* context,
                          const zhiyuan::v1::ListEventsRequest* request,
                          zhiyuan::v1::ListEventsResponse* response) override;
  grpc::Status CreateEvent(grpc::ServerContext* context,
                           const zhiyuan::v1::CreateEventRequest* request,
                           zhiyuan::v1::Event* response) override;
  grpc::Status UpdateEvent(grpc::ServerContext* context,
                           const zhiyuan::v1::UpdateEventRequest* request,
                           zhiyuan::v1::Event* response) override;
  grpc::Status DeleteEvent(grpc::ServerContext* context,
                           const zhiyuan::v1::DeleteEventRequest* request,
                           zhiyuan::v1::Event* response) override;
  grpc::Status GetEventCheckInCode(grpc::ServerContext* context,
                                   const zhiyuan::v1::GetEventCheckInCodeRequest* request,
                                   zhiyuan::v1::EventCheckInCode* response) override;

 private:
  absl::StatusOr<storage::Event> ReachableEvent(const Principal& caller, int64_t id,
                                                absl::string_view verb, absl::Time deadline);
  absl::Status CheckReferences(const Principal& caller, const storage::Event& event,
                               const storage::Event* before, absl::Time deadline);

  storage::EventStore& store_;
  storage::ProgramStore& programs_;
  const CheckInCodes& codes_;
  Authorizer& authorizer_;
  const std::function<absl::Time()> clock_;
};

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_EVENT_SERVICE_H_
