// The transport security of zhiyuand's listener: TLS from PEM files, mutual when a client CA is
// given, and plaintext only on an address that nothing but this machine can reach.
#ifndef ZHIYUAN_SERVICES_LISTENER_CREDENTIALS_H_
#define ZHIYUAN_SERVICES_LISTENER_CREDENTIALS_H_

#include <grpcpp/security/server_credentials.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace zhiyuan::services {

// PEM files for TLS on the listener, named after zhiyuand's flags. All empty: plaintext.
struct TlsFiles {
  // The server's certificate chain (--tls_cert_file) and its private key (--tls_key_file): both
  // or neither.
  std::string cert_file;
  std::string key_file;
  // Optional (--tls_client_ca_file). The CA certificates a client's certificate must chain to;
  // when given, a client without such a certificate cannot connect (mutual TLS).
  std::string client_ca_file;
};

// Whether only this machine can connect to `listen_address`, in gRPC's forms host:port,
// [host]:port and unix:path: a Unix socket, 127.0.0.0/8, ::1 or localhost. Wildcards (0.0.0.0,
// ::, an empty host) and other names are not: a name may resolve to anything.
bool IsLoopbackAddress(absl::string_view listen_address);

// The credentials to listen on `listen_address` with. Errors: INVALID_ARGUMENT naming the flag
// when a file cannot be read or holds no PEM block, when only one of the certificate and key is
// given, when a client CA comes without them, and when there is no TLS and the address is not
// loopback (IsLoopbackAddress).
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ListenerCredentials(
    absl::string_view listen_address, const TlsFiles& tls);

}  // namespace zhiyuan::services

#endif  // ZHIYUAN_SERVICES_LISTENER_CREDENTIALS_H_
