// GrpcServer implementation.
#include "common/rpc/grpc_server.h"

#include <grpcpp/impl/service_type.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/base/config.h"
#include "common/base/logging.h"
#include "common/base/metrics_server.h"
#include "common/rpc/reflection_service.h"

namespace crm {

ServerOptions ReadServerOptions(Config& config, int default_port, int default_threads) {
  ServerOptions o;
  o.listen_address = config.GetString("listen", absl::StrCat("0.0.0.0:", default_port),
                                      "host:port to serve gRPC on (port 0 picks a free one)");
  o.threads = static_cast<int>(
      config.GetInt("threads", default_threads, "completion-queue threads serving calls"));
  o.keepalive_time_ms = static_cast<int>(
      config.GetInt("keepalive-time-ms", o.keepalive_time_ms, "server keepalive ping interval"));
  o.keepalive_timeout_ms =
      static_cast<int>(config.GetInt("keepalive-timeout-ms", o.keepalive_timeout_ms,
                                     "close a connection whose ping goes unanswered this long"));
  o.max_connection_age_ms = static_cast<int>(
      config.GetInt("max-connection-age-ms", o.max_connection_age_ms,
                    "close connections after this age so clients rebalance across replicas"));
  o.max_connection_age_grace_ms =
      static_cast<int>(config.GetInt("max-connection-age-grace-ms", o.max_connection_age_grace_ms,
                                     "time in-flight calls get to finish on an aged connection"));
  o.drain_ms = static_cast<int>(config.GetInt(
      "drain-ms", o.drain_ms, "after SIGTERM, keep serving while reporting NOT_SERVING this long"));
  o.metrics_port = static_cast<int>(
      config.GetInt("metrics-port", default_port + 1000,
                    "HTTP port of the Prometheus metrics page /metrics (0: any free one, "
                    "reported in ports-file; -1: none)"));
  o.reuse_port = config.GetBool(
      "reuse-port", o.reuse_port,
      "share the port with a replacement process started before this one stops (local restarts)");
  o.shutdown_grace_ms = static_cast<int>(config.GetInt("shutdown-grace-ms", o.shutdown_grace_ms,
                                                       "then wait this long for in-flight calls"));
  o.max_receive_message_bytes = static_cast<int>(std::min<int64_t>(
      config.GetInt("max-message-kib", o.max_receive_message_bytes / 1024,
                    "largest request message accepted, KiB (larger: RESOURCE_EXHAUSTED)") *
          1024,
      INT32_MAX));
  o.grpc_memory_mib = static_cast<int>(
      config.GetInt("grpc-memory-mib", o.grpc_memory_mib,
                    "memory gRPC may use for connections and calls (its resource quota), MiB"));
  o.max_concurrent_streams = static_cast<int>(config.GetInt(
      "max-concurrent-streams", o.max_concurrent_streams, "calls open at once per connection"));
  o.tls = ReadServerTlsOptions(config);
  o.ports_file = config.GetString(
      "ports-file", "",
      "write the ports bound (grpc_port=, metrics_port= lines) to this file once listening");
  return o;
}

GrpcServer::GrpcServer(ServerOptions options)
    : options_(std::move(options)), queues_(options_.threads) {}

namespace {

// The metrics page's host: where gRPC listens ("0.0.0.0:50061" -> "0.0.0.0",
// "[::]:50061" -> "::"), or the loopback address when gRPC listens on a Unix
// socket (tests).
std::string HostOf(const std::string& listen_address) {
  if (absl::StartsWith(listen_address, "unix:")) return "127.0.0.1";
  std::string host = listen_address.substr(0, listen_address.rfind(':'));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return host;
}

}  // namespace

int GrpcServer::metrics_port() const { return metrics_server_ ? metrics_server_->port() : 0; }

GrpcServer::~GrpcServer() {
  if (server_) server_->Shutdown(std::chrono::system_clock::now());
  queues_.Stop();
}

void GrpcServer::AddService(grpc::Service* service, std::string name) {
  reflected_names_.push_back(name);
  services_.emplace_back(service, std::move(name));
}

void GrpcServer::AddReflectedName(std::string name) { reflected_names_.push_back(std::move(name)); }

void GrpcServer::ConfigureBuilder(std::function<void(grpc::ServerBuilder&)> configure) {
  configure_.push_back(std::move(configure));
}

void GrpcServer::OnQueueReady(std::function<void(grpc::ServerCompletionQueue*)> prime) {
  primers_.push_back(std::move(prime));
}

absl::Status GrpcServer::Start() {
  // Health and reflection are ours, on the async API: no callback-API service
  // may be registered, or gRPC starts its callback threads (async_call.h).
  grpc::EnableDefaultHealthCheckService(false);
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      MakeServerCredentials(options_.tls);
  if (!credentials.ok()) return credentials.status();
  // The metrics page binds first: failing there leaves no gRPC server to undo.
  if (absl::Status metrics = StartMetricsServer(); !metrics.ok()) return metrics;
  health_service_ = std::make_unique<HealthService>(health_);
  reflection_ = std::make_unique<ReflectionServices>(reflected_names_);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options_.listen_address, *credentials, &port_);
  // gRPC binds with SO_REUSEPORT by default; unless asked for, a second copy
  // of a service must fail to start rather than silently share the port.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, options_.reuse_port ? 1 : 0);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, options_.keepalive_time_ms);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, options_.keepalive_timeout_ms);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             options_.min_client_ping_interval_ms);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 0);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, options_.max_connection_age_ms);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS,
                             options_.max_connection_age_grace_ms);
  builder.SetMaxReceiveMessageSize(options_.max_receive_message_bytes);
  builder.SetMaxSendMessageSize(options_.max_send_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, options_.max_concurrent_streams);
  grpc::ResourceQuota quota("crm-server");
  quota.Resize(static_cast<size_t>(options_.grpc_memory_mib) * 1024 * 1024);
  builder.SetResourceQuota(quota);
  for (auto& [service, name] : services_) builder.RegisterService(service);
  health_service_->Register(builder);
  reflection_->Register(builder);
  for (auto& configure : configure_) configure(builder);
  queues_.AddQueues(builder);
  server_ = builder.BuildAndStart();
  if (!server_ || port_ == 0) {
    // Nothing was accepted yet: shutting down now leaves the queues empty,
    // so they close without a thread ever polling them.
    if (server_) server_->Shutdown(std::chrono::system_clock::now());
    server_.reset();
    queues_.Stop();
    metrics_server_.reset();
    // gRPC also refuses to listen when the key does not match the certificate.
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options_.listen_address,
                     options_.tls.enabled() ? " (address in use or not local, or tls-cert-file and "
                                              "tls-key-file are not a matching pair)"
                                            : " (address in use or not local)"));
  }
  if (options_.tls.enabled()) {
    // Paths only: the key's content never reaches a log.
    log::Info("serving TLS",
              {{"cert_file", options_.tls.cert_file},
               {"client_certificates", options_.tls.client_ca_file.empty() ? "not requested"
                                       : options_.tls.require_client_cert  ? "required"
                                                                           : "verified if sent"}});
  }
  for (auto& [service, name] : services_) health_.Set(name, true);
  queues_.Start([this](grpc::ServerCompletionQueue* cq) {
    health_service_->Prime(cq);
    reflection_->Prime(cq);
    for (auto& prime : primers_) prime(cq);
  });
  log::Info("serving", {{"listen", options_.listen_address},
                        {"port", port_},
                        {"metrics_port", metrics_port()},
                        {"threads", options_.threads}});
  if (!options_.ports_file.empty()) {
    if (absl::Status written = WritePortsFile(); !written.ok()) {
      Shutdown();
      return written;
    }
  }
  return absl::OkStatus();
}

absl::Status GrpcServer::StartMetricsServer() {
  if (options_.metrics_port < 0) return absl::OkStatus();
  metrics::RegisterProcessMetrics();
  metrics_server_ = std::make_unique<metrics::MetricsServer>();
  // Readiness and liveness over plain HTTP too: the kubelet's gRPC probe
  // cannot speak TLS, so a process serving TLS is probed here.
  metrics_server_->AddPage("/healthz/ready", [this] {
    const bool ready = health_.Get("") == grpc::health::v1::HealthCheckResponse::SERVING;
    return std::make_pair(ready ? 200 : 503, std::string(ready ? "SERVING\n" : "NOT_SERVING\n"));
  });
  metrics_server_->AddPage("/healthz/live",
                           [] { return std::make_pair(200, std::string("SERVING\n")); });
  absl::Status started = metrics_server_->Start(HostOf(options_.listen_address),
                                                options_.metrics_port, options_.reuse_port);
  if (!started.ok()) metrics_server_.reset();
  return started;
}

absl::Status GrpcServer::WritePortsFile() const {
  // Written beside the target and renamed over it, so a reader never sees
  // half a file.
  const std::string temporary = options_.ports_file + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << "grpc_port=" << port_ << "\nmetrics_port=" << metrics_port() << "\n";
    if (!out.flush()) {
      return absl::UnavailableError(absl::StrCat("cannot write ports-file ", temporary));
    }
  }
  if (std::rename(temporary.c_str(), options_.ports_file.c_str()) != 0) {
    return absl::UnavailableError(absl::StrCat("cannot write ports-file ", options_.ports_file));
  }
  return absl::OkStatus();
}

int GrpcServer::ServeUntilShutdownSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int signal_number = 0;
  sigwait(&set, &signal_number);
  const int exit_code = exit_code_.load();
  if (exit_code == 0) {
    log::Info("shutdown signal received", {{"signal", signal_number}});
  } else {
    options_.drain_ms = 0;  // never ready: no client to drain
  }
  Shutdown();
  return exit_code;
}

void GrpcServer::StopForError(int exit_code) {
  exit_code_.store(exit_code);
  // The waiting main thread takes it (every thread blocks the signal).
  kill(getpid(), SIGTERM);
}

void GrpcServer::Shutdown() {
  if (!server_) return;
  // Health goes NOT_SERVING first and stays so, while calls are still served
  // during the drain period.
  health_.Shutdown();
  log::Info("draining", {{"drain_ms", options_.drain_ms}});
  std::this_thread::sleep_for(std::chrono::milliseconds(options_.drain_ms));
  log::Info("stopping", {{"grace_ms", options_.shutdown_grace_ms}});
  server_->Shutdown(std::chrono::system_clock::now() +
                    std::chrono::milliseconds(options_.shutdown_grace_ms));
  server_->Wait();
  queues_.Stop();
  server_.reset();
  log::Info("stopped");
}

}  // namespace crm
