// Server and channel credentials from the TLS settings.
#include "common/rpc/tls_credentials.h"

#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/base/config.h"

namespace crm {
namespace {

// "--tls-key-file (CRM_TLS_KEY_FILE)": both ways an operator may have set it.
std::string Setting(absl::string_view name) {
  return absl::StrCat("--", name, " (", EnvVarName(name), ")");
}

// The file's text; errors name the setting and the path, never the content
// (a key must not reach a log).
absl::StatusOr<std::string> ReadPem(absl::string_view setting, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat(Setting(setting), ": cannot read '", path, "': ", std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return absl::InvalidArgumentError(
        absl::StrCat(Setting(setting), ": cannot read '", path, "': ", std::strerror(errno)));
  }
  // gRPC would only say "handshaker factory creation failed" much later.
  if (!absl::StrContains(text.str(), "-----BEGIN ")) {
    return absl::InvalidArgumentError(
        absl::StrCat(Setting(setting), ": '", path, "' holds no PEM data"));
  }
  return text.str();
}

}  // namespace

ServerTlsOptions ReadServerTlsOptions(Config& config) {
  ServerTlsOptions o;
  o.cert_file = config.GetString(
      "tls-cert-file", "", "PEM certificate chain; with tls-key-file, serve TLS (\"\": plaintext)");
  o.key_file =
      config.GetString("tls-key-file", "", "PEM private key of tls-cert-file (from a secret)");
  o.client_ca_file = config.GetString("tls-client-ca-file", "",
                                      "PEM CAs that client certificates are verified against");
  o.require_client_cert =
      config.GetBool("tls-require-client-cert", o.require_client_cert,
                     "mutual TLS: refuse clients without a certificate from tls-client-ca-file");
  return o;
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const ServerTlsOptions& options) {
  if (!options.enabled()) {
    if (!options.client_ca_file.empty() || options.require_client_cert) {
      // Whoever asked for client certificates expects no plaintext client.
      return absl::InvalidArgumentError(absl::StrCat("client certificates need TLS: set ",
                                                     Setting("tls-cert-file"), " and ",
                                                     Setting("tls-key-file")));
    }
    return grpc::InsecureServerCredentials();
  }
  if (options.cert_file.empty() || options.key_file.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "TLS needs both ", Setting("tls-cert-file"), " and ", Setting("tls-key-file"), "; only ",
        options.cert_file.empty() ? "the key" : "the certificate", " is set"));
  }
  if (options.require_client_cert && options.client_ca_file.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(Setting("tls-require-client-cert"), " needs ",
                                                   Setting("tls-client-ca-file"),
                                                   " to verify the certificates against"));
  }
  absl::StatusOr<std::string> cert = ReadPem("tls-cert-file", options.cert_file);
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadPem("tls-key-file", options.key_file);
  if (!key.ok()) return key.status();
  // Without a client CA no certificate is asked for; with one, a presented
  // certificate must verify, and is required only when so configured.
  grpc_ssl_client_certificate_request_type request = GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE;
  std::string client_ca;
  if (!options.client_ca_file.empty()) {
    absl::StatusOr<std::string> ca = ReadPem("tls-client-ca-file", options.client_ca_file);
    if (!ca.ok()) return ca.status();
    client_ca = *std::move(ca);
    request = options.require_client_cert
                  ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                  : GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  grpc::SslServerCredentialsOptions ssl(request);
  ssl.pem_root_certs = std::move(client_ca);
  ssl.pem_key_cert_pairs.push_back({*std::move(key), *std::move(cert)});
  return grpc::SslServerCredentials(ssl);
}

InternalTlsSettings ReadInternalTlsSettings(Config& config) {
  InternalTlsSettings s;
  s.enabled = config.GetBool("internal-tls", s.enabled,
                             "call the other services over TLS (they serve it with tls-cert-file)");
  s.ca_file = config.GetString(
      "internal-tls-ca-file", "",
      "PEM CAs the services' certificates must chain to (\"\": the system's roots)");
  s.cert_file = config.GetString(
      "internal-tls-cert-file", "",
      "PEM client certificate presented to services that require one (mutual TLS)");
  s.key_file = config.GetString("internal-tls-key-file", "",
                                "PEM private key of internal-tls-cert-file (from a secret)");
  s.server_name = config.GetString(
      "internal-tls-server-name", "",
      "name the services' certificates must carry (\"\": the host of each address)");
  return s;
}

absl::StatusOr<std::shared_ptr<const ChannelTls>> LoadChannelTls(
    const InternalTlsSettings& settings) {
  // The files are ignored while the switch is off, so turning it off alone
  // rolls back.
  if (!settings.enabled) return nullptr;
  if (settings.cert_file.empty() != settings.key_file.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("a client certificate needs both ",
                                                   Setting("internal-tls-cert-file"), " and ",
                                                   Setting("internal-tls-key-file")));
  }
  auto tls = std::make_shared<ChannelTls>();
  tls->server_name = settings.server_name;
  if (!settings.ca_file.empty()) {
    absl::StatusOr<std::string> ca = ReadPem("internal-tls-ca-file", settings.ca_file);
    if (!ca.ok()) return ca.status();
    tls->root_certs = *std::move(ca);
  }
  if (!settings.cert_file.empty()) {
    absl::StatusOr<std::string> cert = ReadPem("internal-tls-cert-file", settings.cert_file);
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadPem("internal-tls-key-file", settings.key_file);
    if (!key.ok()) return key.status();
    tls->cert_chain = *std::move(cert);
    tls->private_key = *std::move(key);
  }
  return std::shared_ptr<const ChannelTls>(std::move(tls));
}

std::shared_ptr<grpc::ChannelCredentials> MakeChannelCredentials(const ChannelTls* tls) {
  if (tls == nullptr) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = tls->root_certs;
  ssl.pem_cert_chain = tls->cert_chain;
  ssl.pem_private_key = tls->private_key;
  return grpc::SslCredentials(ssl);
}

}  // namespace crm
