// zhiyuand's gRPC server: the zhiyuan.v1 services, grpc.health.v1 tied to the database, server
// reflection and per-RPC logging, over one connection pool. Holds no state that another
// instance would need: any number can serve the same database.
#ifndef ZHIYUAN_SERVICES_SERVER_H_
#define ZHIYUAN_SERVICES_SERVER_H_

#include <grpcpp/server.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "services/audit_service.h"
#include "services/authorizer.h"
#include "services/check_in_codes.h"
#include "services/check_out_closer.h"
#include "services/event_service.h"
#include "services/health_monitor.h"
#include "services/hour_rule_service.h"
#include "services/listener_credentials.h"
#include "services/personal_data.h"
#include "services/post_service.h"
#include "services/practice_unit_service.h"
#include "services/program_service.h"
#include "services/record_writer.h"
#include "services/region_service.h"
#include "services/server_info_service.h"
#include "services/service_record_service.h"
#include "services/stats_compactor.h"
#include "services/stats_service.h"
#include "services/team_service.h"
#include "services/token_service.h"
#include "services/volunteer_service.h"
#include "storage/connection_pool.h"
#include "storage/database_info_store.h"
#include "storage/migrations.h"
#include "storage/postgres_audit_log.h"
#include "storage/postgres_event_store.h"
#include "storage/postgres_hour_rule_store.h"
#include "storage/postgres_post_store.h"
#include "storage/postgres_practice_unit_store.h"
#include "storage/postgres_program_store.h"
#include "storage/postgres_region_store.h"
#include "storage/postgres_service_record_store.h"
#include "storage/postgres_stats_store.h"
#include "storage/postgres_team_member_store.h"
#include "storage/postgres_team_store.h"
#include "storage/postgres_token_store.h"
#include "storage/postgres_volunteer_store.h"

namespace zhiyuan::services {

// The release of this source tree.
inline constexpr char kVersion[] = "0.1.0";

struct ServerOptions {
  // host:port to listen on; port 0 picks a free one (see Server::port()). Without TLS it must be
  // loopback (IsLoopbackAddress).
  std::string listen_address = "127.0.0.1:50051";
  // TLS on the listener, mutual with a client CA; none by default.
  TlsFiles tls;
  // HTTP/2 streams (calls) one connection may have open at once.
  int max_concurrent_streams = 100;
  // libpq connection string of the (migrated) database.
  std::string database_url;
  // Connections in the pool shared by all calls.
  int pool_size = 8;
  // Threads serving calls at most; gRPC keeps half of them polling for new calls.
  int worker_threads = 128;
  // How often the health monitor checks the database, and how long one check may take. A
  // database that is down refuses at once; one that does not answer within the timeout counts
  // as down.
  absl::Duration health_check_interval = absl::Milliseconds(250);
  absl::Duration health_check_timeout = absl::Seconds(2);
  // The migrations the binary carries (the schema version it needs).
  absl::Span<const storage::Migration> migrations;
  // The 32-byte master key that protects personal data (services/personal_data.h).
  std::string personal_data_key;
  // How long a token read from the database is trusted before it is read again: a token revoked
  // through another server stops working here within this time.
  absl::Duration token_cache_ttl = absl::Seconds(5);
  // Group-committed batches of service records written at once (services/record_writer.h).
  int record_batches = 2;
  // How often forgotten check-outs are closed (services/check_out_closer.h).
  absl::Duration close_check_outs_interval = absl::Seconds(60);
  // How often changes to the figures are folded into their rollups (services/stats_compactor.h).
  absl::Duration compact_stats_interval = absl::Seconds(1);
  // ACTIVE_VOLUNTEERS counts at most this many records, looked up through at most this many
  // events (storage/postgres_stats_store.h).
  int64_t max_distinct_records = storage::PostgresStatsStore::Options().max_distinct_records;
  int64_t max_distinct_events = storage::PostgresStatsStore::Options().max_distinct_events;
  // When set and the database has no tokens yet, makes the first system admin token and writes
  // its secret to this file (services/admin_token.h).
  std::string bootstrap_token_file;
};

class Server {
 public:
  // Starts serving. Errors: INVALID_ARGUMENT for bad options (a personal-data key of the wrong
  // length among them); FAILED_PRECONDITION when the database's ID and phone numbers were
  // protected with another key (checked once the schema is up to date); UNAVAILABLE when the
  // address cannot be bound or the database does not answer the key check.
  static absl::StatusOr<std::unique_ptr<Server>> Start(const ServerOptions& options);

  // Shuts down if Shutdown() was not called.
  ~Server();

  // The port the server listens on.
  int port() const { return port_; }

  // Reports NOT_SERVING and stops accepting calls, lets calls in flight finish for up to `grace`,
  // then cancels those left: their waits for a connection fail and their database statements are
  // cancelled until they have all returned. Then stops the health monitor and closes the pools.
  // Returns when all of that is done. Safe to call from any thread; a second call
  // waits for the first to finish.
  void Shutdown(absl::Duration grace);

 private:
  Server() = default;

  std::unique_ptr<storage::ConnectionPool> pool_;
  std::unique_ptr<storage::ConnectionPool> health_pool_;
  std::unique_ptr<storage::PostgresDatabaseInfoStore> info_store_;
  std::unique_ptr<storage::PostgresDatabaseInfoStore> health_store_;
  // The stores, then what uses them: members are destroyed in reverse order.
  std::unique_ptr<storage::PostgresRegionStore> region_store_;
  std::unique_ptr<storage::PostgresPracticeUnitStore> practice_unit_store_;
  std::unique_ptr<storage::PostgresVolunteerStore> volunteer_store_;
  std::unique_ptr<storage::PostgresTeamStore> team_store_;
  std::unique_ptr<storage::PostgresTeamMemberStore> team_member_store_;
  std::unique_ptr<storage::PostgresPostStore> post_store_;
  std::unique_ptr<storage::PostgresProgramStore> program_store_;
  std::unique_ptr<storage::PostgresEventStore> event_store_;
  std::unique_ptr<storage::PostgresHourRuleStore> hour_rule_store_;
  std::unique_ptr<storage::PostgresTokenStore> token_store_;
  std::unique_ptr<storage::PostgresAuditLog> audit_log_;
  std::unique_ptr<PersonalDataProtector> protector_;
  std::unique_ptr<CheckInCodes> check_in_codes_;
  std::unique_ptr<Authorizer> authorizer_;
  std::unique_ptr<ServerInfoServiceImpl> server_info_service_;
  std::unique_ptr<RegionServiceImpl> region_service_;
  std::unique_ptr<PracticeUnitServiceImpl> practice_unit_service_;
  std::unique_ptr<VolunteerServiceImpl> volunteer_service_;
  std::unique_ptr<TeamServiceImpl> team_service_;
  std::unique_ptr<PostServiceImpl> post_service_;
  std::unique_ptr<ProgramServiceImpl> program_service_;
  std::unique_ptr<TokenServiceImpl> token_service_;
  std::unique_ptr<AuditServiceImpl> audit_service_;
  std::unique_ptr<EventServiceImpl> event_service_;
  std::unique_ptr<HourRuleServiceImpl> hour_rule_service_;
  std::unique_ptr<storage::PostgresServiceRecordStore> service_record_store_;
  std::unique_ptr<RecordWriter> record_writer_;
  std::unique_ptr<ServiceRecordServiceImpl> service_record_service_;
  std::unique_ptr<CheckOutCloser> check_out_closer_;
  std::unique_ptr<storage::PostgresStatsStore> stats_store_;
  std::unique_ptr<StatsServiceImpl> stats_service_;
  std::unique_ptr<StatsCompactor> stats_compactor_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<HealthMonitor> health_monitor_;
  int port_ = 0;
  absl::Mutex mu_;
  bool shutdown_started_ ABSL_GUARDED_BY(mu_) = false;
  absl::Notification shutdown_done_;
};

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_SERVER_H_
