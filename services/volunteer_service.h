// zhiyuan.v1.VolunteerService: validation of registrations (ID number, age, guardian consent,
// phone), protection of personal data, and conversion around a VolunteerStore. ID and phone
// numbers leave this class only encrypted or masked.
#ifndef ZHIYUAN_SERVICES_VOLUNTEER_SERVICE_H_
#define ZHIYUAN_SERVICES_VOLUNTEER_SERVICE_H_

#include <functional>

#include "absl/time/time.h"
#include "services/authorizer.h"
#include "services/personal_data.h"
#include "storage/audit_log.h"
#include "storage/volunteer_store.h"
#include "zhiyuan/v1/volunteer.grpc.pb.h"

namespace zhiyuan::services {

class VolunteerServiceImpl final : public zhiyuan::v1::VolunteerService::Service {
 public:
  // `store`, `protector`, `authorizer` and `audit_log` (where revealed numbers are recorded)
  // must outlive the service; `clock` gives the time that ages and registration years are
  // reckoned from (in China Standard Time).
  VolunteerServiceImpl(storage::VolunteerStore& store, const PersonalDataProtector& protector,
                       Authorizer& authorizer, storage::AuditLog& audit_log,
                       std::function<absl::Time()> clock = absl::Now)
      : store_(store),
        protector_(protector),
        authorizer_(authorizer),
        audit_log_(audit_log),
        clock_(std::move(clock)) {}

  grpc::Status GetVolunteer(grpc::ServerContext* context,
                            const zhiyuan::v1::GetVolunteerRequest* request,
                            zhiyuan::v1::Volunteer* response) override;
  grpc::Status ListVolunteers(grpc::ServerContext* context,
                              const zhiyuan::v1::ListVolunteersRequest* request,
                              zhiyuan::v1::ListVolunteersResponse* response) override;
  grpc::Status CreateVolunteer(grpc::ServerContext* context,
                               const zhiyuan::v1::CreateVolunteerRequest* request,
                               zhiyuan::v1::Volunteer* response) override;
  grpc::Status UpdateVolunteer(grpc::ServerContext* context,
                               const zhiyuan::v1::UpdateVolunteerRequest* request,
                               zhiyuan::v1::Volunteer* response) override;
  grpc::Status DeleteVolunteer(grpc::ServerContext* context,
                               const zhiyuan::v1::DeleteVolunteerRequest* request,
                               zhiyuan::v1::Volunteer* response) override;
  grpc::Status RevealVolunteerIdentity(
      grpc::ServerContext* context, const zhiyuan::v1::RevealVolunteerIdentityRequest* request,
      zhiyuan::v1::RevealVolunteerIdentityResponse* response) override;

 private:
  absl::StatusOr<storage::Volunteer> FromCreateRequest(
      const zhiyuan::v1::CreateVolunteerRequest& request, std::string* id_number_hash) const;
  absl::StatusOr<storage::VolunteerChange> ToChange(
      const zhiyuan::v1::UpdateVolunteerRequest& request) const;
  std::pair<std::string, std::string> ProtectPhone(absl::string_view phone) const;
  absl::StatusOr<storage::Volunteer> ReachableVolunteer(const Principal& caller,
                                                        const std::string& number,
                                                        absl::Time deadline);
  absl::Status HideRegistrationOutOfReach(const Principal& caller, const absl::Status& exists,
                                          absl::Time deadline);

  storage::VolunteerStore& store_;
  const PersonalDataProtector& protector_;
  Authorizer& authorizer_;
  storage::AuditLog& audit_log_;
  const std::function<absl::Time()> clock_;
};

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_VOLUNTEER_SERVICE_H_
