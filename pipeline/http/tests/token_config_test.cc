// [[server.tokens]] in the configuration and its conversion to ServerOptions.

#include <gtest/gtest.h>

#include "pipeline/config/config.h"
#include "pipeline/http/server.h"

namespace cb::http {
namespace {

TEST(TokenConfig, ReadsTokensIntoServerOptions) {
  const std::string text = R"(workdir = "/srv/cb"
[server]
port = 0
tls_cert = "tls/cert.pem"
tls_key = "tls/key.pem"
[[server.tokens]]
name = "ops"
role = "operator"
tenant = "north"
sha256 = ")" + hash_token("t1") + R"("
[[server.tokens]]
name = "root"
role = "admin"
sha256 = ")" + hash_token("t2") + R"("
[[tenants]]
id = "north"
)";
  auto c = cb::config::load_config_text(text, "t.toml");
  ASSERT_TRUE(c.has_value()) << cb::config::format_diagnostics(c.error());
  auto o = server_options_from_config(*c);
  ASSERT_EQ(o.tokens.size(), 2u);
  EXPECT_EQ(o.tokens[0].name, "ops");
  EXPECT_EQ(o.tokens[0].role, Role::operator_);
  EXPECT_EQ(o.tokens[0].tenant, "north");
  EXPECT_EQ(o.tokens[0].sha256, hash_token("t1"));
  EXPECT_EQ(o.tokens[1].role, Role::admin);
  EXPECT_EQ(o.tokens[1].tenant, "");
  EXPECT_EQ(o.tls_cert, std::filesystem::path("/srv/cb/tls/cert.pem"));
  EXPECT_EQ(o.port, 0);
}

std::string errors(const std::string& text) {
  auto c = cb::config::load_config_text(text, "t.toml");
  EXPECT_FALSE(c.has_value());
  return c ? std::string() : cb::config::format_diagnostics(c.error());
}

TEST(TokenConfig, RefusesBadTokensWithLine) {
  const std::string h = hash_token("x");
  // A viewer without a tenant.
  auto e = errors("[[server.tokens]]\nname = \"v\"\nrole = \"viewer\"\nsha256 = \"" + h + "\"\n");
  EXPECT_NE(e.find("only an admin token may see every tenant"), std::string::npos) << e;
  EXPECT_NE(e.find("t.toml:1"), std::string::npos) << e;
  // A token in clear text instead of its hash.
  e = errors("[[server.tokens]]\nname = \"v\"\nrole = \"admin\"\nsha256 = \"hunter2\"\n");
  EXPECT_NE(e.find("t.toml:4"), std::string::npos) << e;
  EXPECT_NE(e.find("64 hex digits"), std::string::npos) << e;
  // An unknown role.
  e = errors("[[server.tokens]]\nname = \"v\"\nrole = \"root\"\nsha256 = \"" + h + "\"\n");
  EXPECT_NE(e.find("t.toml:3"), std::string::npos) << e;
  // The same secret twice, and an unknown tenant.
  e = errors("[[tenants]]\nid = \"north\"\n"
             "[[server.tokens]]\nname = \"a\"\nrole = \"admin\"\nsha256 = \"" + h + "\"\n"
             "[[server.tokens]]\nname = \"b\"\nrole = \"viewer\"\ntenant = \"east\"\nsha256 = \"" +
             h + "\"\n");
  EXPECT_NE(e.find("same sha256"), std::string::npos) << e;
  EXPECT_NE(e.find("tenant 'east'"), std::string::npos) << e;
}

}  // namespace
}  // namespace cb::http
