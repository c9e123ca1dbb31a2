#include "services/server.h"

#include <glog/logging.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/server_builder.h>

#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.pb.h"
#include "services/admin_token.h"
#include "services/rpc_log.h"
#include "storage/personal_data_key_check.h"
#include "storage/status_macros.h"

namespace zhiyuan::services {
namespace {

// Makes the first system admin token when the database has none (see ServerOptions).
absl::Status Bootstrap(storage::TokenStore& tokens, const std::string& path) {
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  if (path.empty()) {
    storage::TokenQuery query;
    query.show_inactive = true;
    query.limit = 1;
    ZY_ASSIGN_OR_RETURN(const storage::TokenPage page, tokens.List(query, deadline));
    if (page.total == 0) {
      LOG(WARNING) << "the database has no tokens, so every call will be refused: start once "
                      "with --bootstrap_token_file, or make one with --issue_admin_token_file";
    }
    return absl::OkStatus();
  }
  ZY_ASSIGN_OR_RETURN(const std::optional<storage::Token> made,
                      MakeAdminToken(tokens, path, AdminTokenMode::kFirstOnly, deadline));
  if (made.has_value()) {
    LOG(INFO) << "made tokens/" << made->id << ", the first system admin token; its secret is in "
              << path;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Server>> Server::Start(const ServerOptions& options) {
  if (options.worker_threads < 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("worker_threads must be at least 2, got ", options.worker_threads));
  }
  // The listener's options are checked before any database work.
  ZY_ASSIGN_OR_RETURN(const std::shared_ptr<grpc::ServerCredentials> credentials,
                      ListenerCredentials(options.listen_address, options.tls));
  if (options.max_concurrent_streams < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "max_concurrent_streams must be at least 1, got ", options.max_concurrent_streams));
  }
  if (options.max_distinct_events < 0 || options.max_distinct_records < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "max_distinct_events and max_distinct_records must not be negative, got ",
        options.max_distinct_events, " and ", options.max_distinct_records));
  }
  std::unique_ptr<Server> server(new Server());
  ZY_ASSIGN_OR_RETURN(server->pool_, storage::ConnectionPool::Create(
                                         {options.database_url, options.pool_size, "zhiyuand"}));
  // The health monitor has a connection of its own, so that a pool busy with calls does not
  // read as a database that is down.
  ZY_ASSIGN_OR_RETURN(server->health_pool_, storage::ConnectionPool::Create(
                                                {options.database_url, 1, "zhiyuand-health"}));
  server->info_store_ =
      std::make_unique<storage::PostgresDatabaseInfoStore>(*server->pool_, options.migrations);
  server->health_store_ = std::make_unique<storage::PostgresDatabaseInfoStore>(
      *server->health_pool_, options.migrations);
  server->region_store_ = std::make_unique<storage::PostgresRegionStore>(*server->pool_);
  server->practice_unit_store_ =
      std::make_unique<storage::PostgresPracticeUnitStore>(*server->pool_);
  server->volunteer_store_ = std::make_unique<storage::PostgresVolunteerStore>(*server->pool_);
  server->team_store_ = std::make_unique<storage::PostgresTeamStore>(*server->pool_);
  server->team_member_store_ = std::make_unique<storage::PostgresTeamMemberStore>(*server->pool_);
  server->post_store_ = std::make_unique<storage::PostgresPostStore>(*server->pool_);
  server->program_store_ = std::make_unique<storage::PostgresProgramStore>(*server->pool_);
  server->event_store_ = std::make_unique<storage::PostgresEventStore>(*server->pool_);
  server->hour_rule_store_ = std::make_unique<storage::PostgresHourRuleStore>(*server->pool_);
  server->token_store_ = std::make_unique<storage::PostgresTokenStore>(*server->pool_);
  server->audit_log_ = std::make_unique<storage::PostgresAuditLog>(*server->pool_);
  server->authorizer_ = std::make_unique<Authorizer>(
      Authorizer::Stores{*server->token_store_, *server->team_store_, *server->practice_unit_store_,
                         *server->post_store_, *server->volunteer_store_},
      options.token_cache_ttl);
  Authorizer& authorizer = *server->authorizer_;

  ZY_ASSIGN_OR_RETURN(server->protector_, PersonalDataProtector::Create(options.personal_data_key));
  ZY_ASSIGN_OR_RETURN(server->check_in_codes_, CheckInCodes::Create(options.personal_data_key));
  // Every instance must protect personal data with the same key. A database still waiting for
  // its migrations has nowhere to record it yet; the instance that migrates it checks then.
  const absl::Time check_deadline = absl::Now() + absl::Seconds(30);
  ZY_ASSIGN_OR_RETURN(const storage::DatabaseInfo info, server->info_store_->Get(check_deadline));
  if (info.schema.up_to_date()) {
    ZY_RETURN_IF_ERROR(storage::CheckPersonalDataKey(
        *server->pool_, server->protector_->LookupHash("key-check", "zhiyuan"), check_deadline));
    ZY_RETURN_IF_ERROR(Bootstrap(*server->token_store_, options.bootstrap_token_file));
  } else {
    LOG(WARNING) << "schema not up to date: the personal-data key is checked, and the first "
                    "admin token made, on a later start";
  }

  server->server_info_service_ = std::make_unique<ServerInfoServiceImpl>(
      *server->info_store_, authorizer, kVersion, absl::Now());
  server->region_service_ = std::make_unique<RegionServiceImpl>(*server->region_store_, authorizer);
  server->practice_unit_service_ =
      std::make_unique<PracticeUnitServiceImpl>(*server->practice_unit_store_, authorizer);
  server->volunteer_service_ = std::make_unique<VolunteerServiceImpl>(
      *server->volunteer_store_, *server->protector_, authorizer, *server->audit_log_);
  server->team_service_ = std::make_unique<TeamServiceImpl>(
      *server->team_store_, *server->team_member_store_, authorizer);
  server->post_service_ = std::make_unique<PostServiceImpl>(*server->post_store_, authorizer);
  server->program_service_ =
      std::make_unique<ProgramServiceImpl>(*server->program_store_, authorizer);
  server->token_service_ =
      std::make_unique<TokenServiceImpl>(*server->token_store_, *server->region_store_, authorizer);
  server->audit_service_ = std::make_unique<AuditServiceImpl>(*server->audit_log_, authorizer);
  server->event_service_ = std::make_unique<EventServiceImpl>(
      *server->event_store_, *server->program_store_, *server->check_in_codes_, authorizer);
  server->hour_rule_service_ = std::make_unique<HourRuleServiceImpl>(
      *server->hour_rule_store_, *server->region_store_, authorizer);
  server->service_record_store_ =
      std::make_unique<storage::PostgresServiceRecordStore>(*server->pool_);
  RecordWriter::Options writer_options;
  writer_options.max_running = std::max(1, options.record_batches);
  server->record_writer_ =
      std::make_unique<RecordWriter>(*server->service_record_store_, writer_options);
  server->service_record_service_ = std::make_unique<ServiceRecordServiceImpl>(
      *server->service_record_store_, *server->event_store_, *server->hour_rule_store_,
      *server->record_writer_, *server->check_in_codes_, authorizer);
  server->stats_store_ = std::make_unique<storage::PostgresStatsStore>(
      *server->pool_, storage::PostgresStatsStore::Options{options.max_distinct_records,
                                                           options.max_distinct_events});
  server->stats_service_ = std::make_unique<StatsServiceImpl>(
      StatsServiceImpl::Stores{*server->stats_store_, *server->region_store_,
                               *server->program_store_},
      authorizer);

  // Reflection serves the descriptors in the generated pool. gRPC's built-in health service is
  // written without the generated grpc.health.v1 classes; naming one here links them in, so that
  // reflection clients (buf curl) can resolve the health service too.
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  (void)grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::EnableDefaultHealthCheckService(true);

  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen_address, credentials, &server->port_);
  builder.RegisterService(server->server_info_service_.get());
  builder.RegisterService(server->region_service_.get());
  builder.RegisterService(server->practice_unit_service_.get());
  builder.RegisterService(server->volunteer_service_.get());
  builder.RegisterService(server->team_service_.get());
  builder.RegisterService(server->post_service_.get());
  builder.RegisterService(server->program_service_.get());
  builder.RegisterService(server->token_service_.get());
  builder.RegisterService(server->audit_service_.get());
  builder.RegisterService(server->event_service_.get());
  builder.RegisterService(server->hour_rule_service_.get());
  builder.RegisterService(server->service_record_service_.get());
  builder.RegisterService(server->stats_service_.get());
  grpc::ResourceQuota quota("zhiyuand");
  quota.SetMaxThreads(options.worker_threads);
  builder.SetResourceQuota(quota);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS,
                              options.worker_threads / 2);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
                              options.worker_threads);
  // Bounds on what one client can make the server hold: the largest message either way (larger
  // ones fail with RESOURCE_EXHAUSTED; zhiyuanctl's region import batches of the national table
  // are at most 260 KB), and the calls open on one connection at once.
  constexpr int kMaxMessageBytes = 1 << 20;
  builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
  builder.SetMaxSendMessageSize(kMaxMessageBytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, options.max_concurrent_streams);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<RpcLogInterceptorFactory>());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));

  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on ", options.listen_address,
        options.tls.cert_file.empty()
            ? ""
            : " (or gRPC refused --tls_cert_file and --tls_key_file: are they a certificate chain "
              "and its private key? gRPC's log line above says more)"));
  }
  server->health_monitor_ = std::make_unique<HealthMonitor>(
      *server->health_store_, *server->server_->GetHealthCheckService(),
      options.health_check_interval, options.health_check_timeout);
  server->check_out_closer_ =
      std::make_unique<CheckOutCloser>(*server->record_writer_, options.close_check_outs_interval);
  server->stats_compactor_ =
      std::make_unique<StatsCompactor>(*server->stats_store_, options.compact_stats_interval);
  return server;
}

Server::~Server() {
  if (server_ != nullptr) Shutdown(absl::ZeroDuration());  // Null when Start() failed.
}

void Server::Shutdown(absl::Duration grace) {
  bool first;
  {
    absl::MutexLock lock(&mu_);
    first = !shutdown_started_;
    shutdown_started_ = true;
  }
  if (!first) {
    shutdown_done_.WaitForNotification();
    return;
  }
  // Load balancers stop sending calls here while the ones in flight finish.
  server_->GetHealthCheckService()->Shutdown();
  // gRPC cancels the calls still running at the deadline, but a handler blocked in the database
  // only returns when its statement ends, and gRPC's Shutdown waits for every handler. So from
  // the deadline on, waits for a connection fail and running statements are cancelled, again
  // and again until all handlers have returned (one may start a statement after a cancel).
  const absl::Time deadline = absl::Now() + grace;
  absl::Notification done;
  std::thread canceller([&] {
    if (done.WaitForNotificationWithDeadline(deadline)) return;
    pool_->Close();
    do {
      if (absl::Status cancelled = pool_->CancelInFlight(); !cancelled.ok()) {
        LOG(WARNING) << "shutdown: " << cancelled;
      }
    } while (!done.WaitForNotificationWithTimeout(absl::Milliseconds(100)));
  });
  server_->Shutdown(absl::ToChronoTime(deadline));
  done.Notify();
  canceller.join();
  health_monitor_.reset();
  check_out_closer_.reset();
  stats_compactor_.reset();
  pool_->Close();
  health_pool_->Close();
  shutdown_done_.Notify();
}

}  // namespace zhiyuan::services
