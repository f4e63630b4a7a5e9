// Server bootstrap shared by every process: listening (plaintext or TLS),
// keepalive and connection age, the completion-queue threads (async_call.h),
// health and reflection, and the SIGTERM drain.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/rpc/async_call.h"
#include "common/rpc/health_service.h"
#include "common/rpc/tls_credentials.h"

namespace grpc {
class Server;
class ServerBuilder;
class ServerCompletionQueue;
class Service;
}  // namespace grpc

namespace crm {

class Config;
class ReflectionServices;
namespace metrics {
class MetricsServer;
}

struct ServerOptions {
  std::string listen_address;
  // Completion-queue threads; each serves one call at a time when handlers
  // block (backends), or any number of calls when they do not (gateway).
  int threads = 4;
  int keepalive_time_ms = 60000;
  int keepalive_timeout_ms = 20000;
  // Clients may ping this often; the channels we make ping every 30 s.
  int min_client_ping_interval_ms = 10000;
  // Connections are closed (GOAWAY) after this age so clients re-resolve and
  // spread over new replicas; in-flight calls get the grace period to finish.
  int max_connection_age_ms = 10 * 60 * 1000;
  int max_connection_age_grace_ms = 10 * 60 * 1000;
  // After SIGTERM: report NOT_SERVING and keep serving this long (load balancers
  // stop sending), then stop accepting and give in-flight calls shutdown_grace_ms.
  int drain_ms = 5000;
  // Lets a replacement process bind the same port before this one stops: a
  // rolling restart on one host (deploy/local/restart.sh). Off by default, so
  // a second copy started by mistake fails instead of silently sharing.
  bool reuse_port = false;
  int shutdown_grace_ms = 20000;
  // The Prometheus endpoint's port (metrics_server.h), on the host gRPC listens
  // on; 0 picks a free one, -1 turns it off.
  int metrics_port = -1;
  // The largest request message accepted (larger: RESOURCE_EXHAUSTED before
  // it is buffered). Imports stream in chunks far below it.
  int max_receive_message_bytes = 4 * 1024 * 1024;
  // The largest answer sent: a page or an export row is far below it.
  int max_send_message_bytes = 16 * 1024 * 1024;
  // Memory gRPC may use for this server's connections and calls (its
  // ResourceQuota): past it, reading slows down instead of the process
  // growing. Under the Kubernetes memory limits (deploy/k8s).
  int grpc_memory_mib = 64;
  // Calls one client connection may have open at once (HTTP/2
  // MAX_CONCURRENT_STREAMS); more wait in the client.
  int max_concurrent_streams = 128;
  // Plaintext unless a certificate and key are configured; the files are read
  // by Start().
  ServerTlsOptions tls;
  // When set, Start() writes the ports it bound here ("grpc_port=N" and
  // "metrics_port=M" lines, replaced atomically): with port 0 for a listener,
  // this is how whoever started the process learns the port.
  std::string ports_file;
};

// Reads listen, threads, keepalive, connection age, drain and TLS settings.
ServerOptions ReadServerOptions(Config& config, int default_port, int default_threads);

class GrpcServer {
 public:
  explicit GrpcServer(ServerOptions options);
  ~GrpcServer();

  // Registers a generated AsyncService; reflection lists it and health reports
  // it SERVING under `name` (its full name). Before Start().
  void AddService(grpc::Service* service, std::string name);
  // A service served some other way (the gateway's proxy) that reflection
  // lists; its health is whatever health().Set says.
  void AddReflectedName(std::string name);
  // Extra builder set-up (the gateway's generic service). Before Start().
  void ConfigureBuilder(std::function<void(grpc::ServerBuilder&)> configure);
  // Called for every completion queue once the server runs, to post the
  // first accepts of the calls served on it. Before Start().
  void OnQueueReady(std::function<void(grpc::ServerCompletionQueue*)> prime);

  // Binds, starts the threads; "" and every service added are SERVING.
  // InvalidArgument naming the setting when the TLS files are inconsistent
  // or unreadable; Unavailable naming the address when a port cannot be bound.
  // After a failure nothing is left listening or running.
  absl::Status Start();
  int port() const { return port_; }
  // The metrics endpoint's port (0 when off).
  int metrics_port() const;
  HealthStatusStore& health() { return health_; }

  // Waits for SIGTERM/SIGINT, then drains and shuts down (see ServerOptions);
  // returns the process's exit code: 0, or StopForError's.
  int ServeUntilShutdownSignal();
  // From any thread: ends ServeUntilShutdownSignal without a drain (the
  // process could not get ready, so no client is using it), which returns
  // `exit_code`. The caller has logged why.
  void StopForError(int exit_code);
  // The same drain and shutdown, without waiting for a signal.
  void Shutdown();

 private:
  absl::Status StartMetricsServer();
  absl::Status WritePortsFile() const;

  ServerOptions options_;
  std::vector<std::pair<grpc::Service*, std::string>> services_;
  std::vector<std::string> reflected_names_;
  std::vector<std::function<void(grpc::ServerBuilder&)>> configure_;
  std::vector<std::function<void(grpc::ServerCompletionQueue*)>> primers_;
  HealthStatusStore health_;
  std::unique_ptr<HealthService> health_service_;
  std::unique_ptr<ReflectionServices> reflection_;
  CompletionQueueThreads queues_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<metrics::MetricsServer> metrics_server_;
  int port_ = 0;
  std::atomic<int> exit_code_{0};
};

}  // namespace crm
