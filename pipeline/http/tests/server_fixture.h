#pragma once
// A running server over a FakeBackend with four tokens, for the API tests.

#include <gtest/gtest.h>

#include <memory>

#include "pipeline/http/server.h"
#include "pipeline/http/tests/fake_backend.h"
#include "pipeline/http/tests/test_client.h"

namespace cb::http::testing {

inline constexpr const char* kAdmin = "admin-secret-1";
inline constexpr const char* kOpNorth = "op-north-secret";
inline constexpr const char* kViewNorth = "view-north-secret";
inline constexpr const char* kOpSouth = "op-south-secret";

inline std::vector<ApiToken> test_tokens() {
  return {{"root", Role::admin, "", hash_token(kAdmin)},
          {"op-north", Role::operator_, "north", hash_token(kOpNorth)},
          {"view-north", Role::viewer, "north", hash_token(kViewNorth)},
          {"op-south", Role::operator_, "south", hash_token(kOpSouth)}};
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override { start({}); }

  void start(ServerOptions o) {
    o.listen = "127.0.0.1";
    o.port = 0;
    o.tokens = test_tokens();
    server_ = std::make_unique<Server>(backend_, o);
    auto p = server_->start();
    ASSERT_TRUE(p.has_value()) << p.error().to_string();
    port_ = *p;
  }

  Reply call(const std::string& method, const std::string& target, const std::string& token = {},
             const std::string& body = {}, const std::map<std::string, std::string>& h = {}) {
    TestClient c(port_);
    return c.request(method, target, token, body, h);
  }

  FakeBackend backend_;
  std::unique_ptr<Server> server_;
  std::uint16_t port_ = 0;
};

}  // namespace cb::http::testing
