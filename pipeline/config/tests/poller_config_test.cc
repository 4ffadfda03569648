// [[pollers]]: remote intake entries and the routes that take their files.

#include <gtest/gtest.h>

#include "pipeline/config/config.h"

namespace cb::config {
namespace {

// Each text starts right after R"( so its first line is line 1.
constexpr std::string_view kRoute = R"(
[[routes]]
name = "replies"
match = { poller = "insurer" }
adapter = "canonical-json"
)";

Diagnostics errors_of(const std::string& text) {
  auto r = load_config_text(text, "pollers.toml");
  EXPECT_FALSE(r.has_value()) << "expected errors";
  return r ? Diagnostics{} : r.error();
}

std::string dump(const Diagnostics& ds) { return format_diagnostics(ds); }

TEST(PollerConfig, SftpEntryWithDefaults) {
  auto c = load_config_text(R"([[pollers]]
name = "insurer"
url = "sftp://files.example.org:2222/outbox/"
interval_seconds = 300
username = "carebridge"
private_key_file = "keys/id_ed25519"
known_hosts = "keys/known_hosts"
)" + std::string(kRoute),
                            "pollers.toml");
  ASSERT_TRUE(c) << dump(c.error());
  ASSERT_EQ(c->pollers.size(), 1u);
  const auto& p = c->pollers[0];
  EXPECT_TRUE(p.is_sftp());
  EXPECT_EQ(p.effective_mode(), PollerMode::directory);
  EXPECT_EQ(p.effective_after_fetch(), PollerAfterFetch::delete_);
  EXPECT_EQ(p.interval_seconds, 300);
  EXPECT_TRUE(p.verify);
  EXPECT_EQ(p.max_bytes, 64LL << 20);
  EXPECT_EQ(c->routes[0].match.poller, "insurer");
  ASSERT_NE(c->find_poller("insurer"), nullptr);
}

TEST(PollerConfig, HttpIndexWithBearerTokenFromEnvironmentAndCron) {
  auto c = load_config_text(R"([[pollers]]
name = "insurer"
url = "https://api.example.org/messages"
schedule = "*/5 6-20 * * mon-fri"
mode = "index"
after_fetch = "delete"
bearer_token_env = "INSURER_TOKEN"
ca_file = "certs/ca.pem"
)" + std::string(kRoute),
                            "pollers.toml");
  ASSERT_TRUE(c) << dump(c.error());
  EXPECT_EQ(c->pollers[0].effective_mode(), PollerMode::index);
  EXPECT_EQ(c->pollers[0].effective_after_fetch(), PollerAfterFetch::delete_);
  EXPECT_EQ(c->pollers[0].schedule, "*/5 6-20 * * mon-fri");
}

TEST(PollerConfig, PasswordInUrlIsRefusedWithLine) {
  auto ds = errors_of(R"([[pollers]]
name = "insurer"
url = "sftp://user:secret@files.example.org/outbox/"
interval_seconds = 60
)" + std::string(kRoute));
  ASSERT_FALSE(ds.empty());
  EXPECT_EQ(ds[0].code, DiagCode::ConfigBadValue) << dump(ds);
  EXPECT_EQ(ds[0].where.line, 3u);
  EXPECT_NE(ds[0].message.find("password"), std::string::npos);
  EXPECT_EQ(dump(ds).find("secret"), std::string::npos) << "the secret is not echoed";
}

TEST(PollerConfig, WrongSchemeAndBadCronAndNoInterval) {
  auto ds = errors_of(R"([[pollers]]
name = "a"
url = "ftp://files.example.org/outbox/"
interval_seconds = 60
[[pollers]]
name = "b"
url = "https://x.example.org/m"
schedule = "61 * * * *"
[[pollers]]
name = "c"
url = "https://x.example.org/m"
[[routes]]
name = "ra"
match = { poller = "a" }
adapter = "canonical-json"
[[routes]]
name = "rb"
match = { poller = "b" }
adapter = "canonical-json"
[[routes]]
name = "rc"
match = { poller = "c" }
adapter = "canonical-json"
)");
  ASSERT_EQ(ds.size(), 3u) << dump(ds);
  EXPECT_EQ(ds[0].where.line, 3u);
  EXPECT_EQ(ds[1].where.line, 8u);
  EXPECT_NE(ds[1].message.find("cron"), std::string::npos);
  EXPECT_EQ(ds[2].code, DiagCode::ConfigMissingKey);
  EXPECT_NE(ds[2].message.find("interval_seconds or schedule"), std::string::npos);
}

TEST(PollerConfig, SftpNeedsHostCheckUserAndCredential) {
  auto ds = errors_of(R"([[pollers]]
name = "insurer"
url = "sftp://files.example.org/outbox/"
interval_seconds = 60
)" + std::string(kRoute));
  const auto text = dump(ds);
  EXPECT_NE(text.find("needs a username"), std::string::npos) << text;
  EXPECT_NE(text.find("private_key_file, password_file or password_env"), std::string::npos);
  EXPECT_NE(text.find("known_hosts or host_key_sha256"), std::string::npos);
}

TEST(PollerConfig, ContradictionsNameTheirKeys) {
  auto ds = errors_of(R"([[pollers]]
name = "insurer"
url = "https://x.example.org/m"
interval_seconds = 60
mode = "directory"
after_fetch = "move"
private_key_file = "k"
password_env = "PW"
bearer_token_env = "TOKEN"
)" + std::string(kRoute));
  const auto text = dump(ds);
  EXPECT_NE(text.find("pollers.toml:5"), std::string::npos) << text;  // mode
  EXPECT_NE(text.find("pollers.toml:6"), std::string::npos) << text;  // move over http
  EXPECT_NE(text.find("pollers.toml:7"), std::string::npos) << text;  // key file over http
  EXPECT_NE(text.find("pollers.toml:9"), std::string::npos) << text;  // basic + bearer
  EXPECT_NE(text.find("needs username"), std::string::npos) << text;
}

TEST(PollerConfig, RoutesAndPollersMustMatchUp) {
  auto ds = errors_of(R"([[pollers]]
name = "insurer"
url = "https://x.example.org/m"
interval_seconds = 60
[[pollers]]
name = "unused"
url = "https://x.example.org/n"
interval_seconds = 60
[[routes]]
name = "r1"
match = { poller = "insurer" }
adapter = "canonical-json"
[[routes]]
name = "r2"
match = { poller = "insurer" }
adapter = "canonical-json"
[[routes]]
name = "r3"
match = { poller = "nobody" }
adapter = "canonical-json"
)");
  const auto text = dump(ds);
  EXPECT_NE(text.find("both take poller 'insurer'"), std::string::npos) << text;
  EXPECT_NE(text.find("poller 'nobody', which is not configured"), std::string::npos) << text;
  EXPECT_NE(text.find("poller 'unused' feeds no route"), std::string::npos) << text;
  EXPECT_NE(text.find("pollers.toml:6"), std::string::npos) << text;
}

TEST(PollerConfig, SchemaDescribesPollerKeys) {
  const auto text = describe_config_schema();
  EXPECT_NE(text.find("pollers[].url"), std::string::npos);
  EXPECT_NE(text.find("pollers[].password_env"), std::string::npos);
  EXPECT_NE(text.find("routes[].match.poller"), std::string::npos);
}

}  // namespace
}  // namespace cb::config
