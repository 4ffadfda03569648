// TLS: a self-signed certificate made in the test; the server speaks HTTPS
// only, and a bad certificate path fails start() with API002.

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "pipeline/http/tests/server_fixture.h"

namespace cb::http::testing {
namespace {

namespace fs = std::filesystem;

/// Writes a fresh EC P-256 key and a self-signed certificate for 127.0.0.1.
void make_self_signed(const fs::path& cert, const fs::path& key) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(EVP_EC_gen("P-256"), EVP_PKEY_free);
  ASSERT_TRUE(pkey);
  std::unique_ptr<X509, decltype(&X509_free)> x(X509_new(), X509_free);
  X509_set_version(x.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(x.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(x.get()), 3600);
  X509_set_pubkey(x.get(), pkey.get());
  X509_NAME* name = X509_get_subject_name(x.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(x.get(), name);
  ASSERT_GT(X509_sign(x.get(), pkey.get(), EVP_sha256()), 0);
  std::FILE* f = std::fopen(cert.c_str(), "wb");
  ASSERT_TRUE(f);
  PEM_write_X509(f, x.get());
  std::fclose(f);
  f = std::fopen(key.c_str(), "wb");
  ASSERT_TRUE(f);
  PEM_write_PrivateKey(f, pkey.get(), nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
}

class TlsTest : public ServerTest {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("cb-http-tls-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    fs::create_directories(dir_);
    make_self_signed(dir_ / "cert.pem", dir_ / "key.pem");
    start({.tls_cert = dir_ / "cert.pem", .tls_key = dir_ / "key.pem"});
  }
  void TearDown() override {
    server_.reset();
    fs::remove_all(dir_);
  }
  fs::path dir_;
};

TEST_F(TlsTest, HandshakeAndRequestsOverTls) {
  EXPECT_TRUE(server_->tls());
  TestClient c(port_, /*tls=*/true);
  auto h = c.request("GET", "/healthz");
  EXPECT_EQ(h.status, 200u);
  EXPECT_NE(h.headers["Strict-Transport-Security"], "");
  auto m = c.request("GET", "/api/messages/1", kViewNorth);  // same connection
  EXPECT_EQ(m.status, 200u);
  EXPECT_EQ(c.request("GET", "/api/messages/1").status, 401u);
}

TEST_F(TlsTest, PlainHttpToTheTlsPortGetsNoAnswer) {
  TestClient c(port_, /*tls=*/false);
  EXPECT_THROW(c.request("GET", "/healthz"), std::exception);
}

TEST(TlsStart, MissingCertificateIsApi002) {
  FakeBackend b;
  Server s(b, {.listen = "127.0.0.1", .port = 0, .tls_cert = "/nonexistent/cert.pem",
               .tls_key = "/nonexistent/key.pem"});
  auto p = s.start();
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, DiagCode::ApiTls);
  EXPECT_NE(p.error().message.find("/nonexistent/cert.pem"), std::string::npos);
}

TEST(TlsStart, CertificateWithoutKeyIsApi003) {
  FakeBackend b;
  Server s(b, {.listen = "127.0.0.1", .port = 0, .tls_cert = "/x/cert.pem"});
  auto p = s.start();
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, DiagCode::ApiOptions);
}

}  // namespace
}  // namespace cb::http::testing
