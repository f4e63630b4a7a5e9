// TLS for the server every process runs and for the channels between services:
// the settings, and the gRPC credentials built from their PEM files.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace grpc {
class ChannelCredentials;
class ServerCredentials;
}  // namespace grpc

namespace crm {

class Config;

// Where the server's certificate and key are (a mounted Kubernetes Secret).
// Neither set: plaintext, the local default.
struct ServerTlsOptions {
  std::string cert_file;  // PEM certificate chain
  std::string key_file;   // PEM private key
  // Client certificates are verified against these CAs when presented.
  std::string client_ca_file;
  // Refuse clients without a certificate (mutual TLS); needs client_ca_file.
  bool require_client_cert = false;

  bool enabled() const { return !cert_file.empty() || !key_file.empty(); }
};

// tls-cert-file, tls-key-file, tls-client-ca-file, tls-require-client-cert.
ServerTlsOptions ReadServerTlsOptions(Config& config);

// Insecure credentials when TLS is off; otherwise reads the PEM files. An
// inconsistent combination or a file that cannot be read is InvalidArgument
// naming the setting (never the file's content).
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const ServerTlsOptions& options);

// TLS on the channels one service opens to another: PEM text, read once at
// start-up so a missing file stops the process instead of failing each call.
struct ChannelTls {
  std::string root_certs;   // CAs the servers' certificates must chain to; "": system roots
  std::string cert_chain;   // this client's certificate, for servers requiring one; "": none
  std::string private_key;  // its key
  // The name the server's certificate must carry, when it differs from the
  // host in the target (targets that are IP addresses); "": the target's host.
  std::string server_name;
};

// internal-tls and its files, as read from configuration.
struct InternalTlsSettings {
  bool enabled = false;
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  std::string server_name;
};

// internal-tls, internal-tls-ca-file, internal-tls-cert-file,
// internal-tls-key-file, internal-tls-server-name: read by every process that
// calls another.
InternalTlsSettings ReadInternalTlsSettings(Config& config);

// nullptr when internal TLS is off; otherwise the files' content, or
// InvalidArgument naming the setting whose file is missing or unreadable.
absl::StatusOr<std::shared_ptr<const ChannelTls>> LoadChannelTls(
    const InternalTlsSettings& settings);

// SSL credentials from `tls`; insecure ones when it is nullptr. The server
// name override is a channel argument, set by MakeChannel.
std::shared_ptr<grpc::ChannelCredentials> MakeChannelCredentials(const ChannelTls* tls);

}  // namespace crm
