#include "services/listener_credentials.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "tests/testing/status_matchers.h"

namespace zhiyuan::services {
namespace {

using ::testing::HasSubstr;
using ::zhiyuan::testing::IsOk;
using ::zhiyuan::testing::StatusIs;

// Writes `contents` to a file in the test's temporary directory and returns its path.
std::string WriteFile(const std::string& name, const std::string& contents) {
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
  std::ofstream(path) << contents;
  return path;
}

// Enough for ListenerCredentials, which leaves parsing to gRPC when the server starts.
constexpr char kPem[] = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

TEST(IsLoopbackAddressTest, LoopbackHostsAndUnixSockets) {
  for (const char* address :
       {"127.0.0.1:50051", "127.0.0.1:0", "127.1.2.3:80", "[::1]:50051", "[::1]", "::1",
        "localhost:50051", "LOCALHOST:1", "localhost", "[::ffff:127.0.0.1]:50051",
        "unix:/run/zhiyuan.sock", "unix:relative.sock", "unix-abstract:zhiyuan"}) {
    EXPECT_TRUE(IsLoopbackAddress(address)) << address;
  }
}

TEST(IsLoopbackAddressTest, WildcardsOtherAddressesAndNamesAreNot) {
  for (const char* address :
       {"0.0.0.0:50051", "0.0.0.0:0", "[::]:50051", "::", ":50051", "", "10.0.0.1:50051",
        "128.0.0.1:50051", "[::2]:50051", "[::ffff:10.0.0.1]:1", "example.com:50051",
        "localhost.example.com:50051", "127.0.0.1.example.com:1", "[::1:50051", "vsock:2:50051",
        "[fe80::1%lo]:50051"}) {
    EXPECT_FALSE(IsLoopbackAddress(address)) << address;
  }
}

TEST(ListenerCredentialsTest, PlaintextOnLoopback) {
  EXPECT_THAT(ListenerCredentials("127.0.0.1:0", TlsFiles()), IsOk());
  EXPECT_THAT(ListenerCredentials("unix:/tmp/zhiyuan.sock", TlsFiles()), IsOk());
}

TEST(ListenerCredentialsTest, PlaintextElsewhereIsRefusedNamingTheTlsFlags) {
  EXPECT_THAT(ListenerCredentials("0.0.0.0:50051", TlsFiles()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "listen_address 0.0.0.0:50051 is not loopback: give --tls_cert_file and "
                       "--tls_key_file, or listen on 127.0.0.1/[::1]/localhost"));
}

TEST(ListenerCredentialsTest, TlsAnywhere) {
  TlsFiles tls;
  tls.cert_file = WriteFile("cert.pem", kPem);
  tls.key_file = WriteFile("key.pem", kPem);
  EXPECT_THAT(ListenerCredentials("0.0.0.0:50051", tls), IsOk());
  tls.client_ca_file = WriteFile("ca.pem", kPem);
  EXPECT_THAT(ListenerCredentials("[::]:50051", tls), IsOk());
}

TEST(ListenerCredentialsTest, CertificateAndKeyComeTogether) {
  TlsFiles cert_only;
  cert_only.cert_file = WriteFile("cert.pem", kPem);
  EXPECT_THAT(ListenerCredentials("127.0.0.1:0", cert_only),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--tls_key_file")));
  TlsFiles key_only;
  key_only.key_file = WriteFile("key.pem", kPem);
  EXPECT_THAT(ListenerCredentials("127.0.0.1:0", key_only),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--tls_cert_file")));
  TlsFiles client_ca_only;
  client_ca_only.client_ca_file = WriteFile("ca.pem", kPem);
  EXPECT_THAT(ListenerCredentials("127.0.0.1:0", client_ca_only),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--tls_client_ca_file")));
}

TEST(ListenerCredentialsTest, UnreadableOrNonPemFilesNameTheirFlag) {
  const std::string pem = WriteFile("good.pem", kPem);
  const std::string missing = std::string(std::getenv("TEST_TMPDIR")) + "/missing.pem";
  const std::string not_pem = WriteFile("not.pem", "not a certificate\n");
  TlsFiles tls{missing, pem, pem};
  EXPECT_THAT(ListenerCredentials("127.0.0.1:0", tls),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "--tls_cert_file: cannot read " + missing + ": No such file or directory"));
  tls = {pem, not_pem, pem};
  EXPECT_THAT(ListenerCredentials("127.0.0.1:0", tls),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--tls_key_file: " + not_pem + " holds no PEM block")));
  tls = {pem, pem, std::getenv("TEST_TMPDIR")};  // A directory.
  EXPECT_THAT(ListenerCredentials("127.0.0.1:0", tls),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--tls_client_ca_file: ")));
}

}  // namespace
}  // namespace zhiyuan::services
