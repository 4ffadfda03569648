#include "pipeline/config/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace cb::config {
namespace {

// The test TOML starts right after R"( so its first line is line 1.

Diagnostics errors_of(std::string_view text) {
  auto r = load_config_text(text, "test.toml");
  EXPECT_FALSE(r.has_value()) << "expected errors";
  if (r) return {};
  return r.error();
}

std::string dump(const Diagnostics& ds) {
  return format_diagnostics(ds);
}

// Expects exactly one diagnostic and returns it.
Diagnostic only_error(std::string_view text) {
  auto ds = errors_of(text);
  EXPECT_EQ(ds.size(), 1u) << dump(ds);
  return ds.empty() ? Diagnostic{} : ds.front();
}

TEST(Config, EmptyFileGivesDefaults) {
  auto c = load_config_text("", "empty.toml");
  ASSERT_TRUE(c) << dump(c.error());
  EXPECT_FALSE(c->working_date);
  EXPECT_EQ(c->workdir, ".");
  EXPECT_EQ(c->store.backend, StoreBackend::sqlite);
  EXPECT_EQ(c->store.path, "carebridge.db");
  EXPECT_EQ(c->store.synchronous, SyncMode::full);
  EXPECT_FALSE(c->store.postgres_url);
  EXPECT_EQ(c->log.level, LogLevel::info);
  EXPECT_EQ(c->log.format, LogFormat::text);
  EXPECT_FALSE(c->log.file);
  EXPECT_EQ(c->mappings.dir, "mappings/tables");
  EXPECT_FALSE(c->mappings.tenant_dir);
  EXPECT_EQ(c->server.listen, "127.0.0.1");
  EXPECT_EQ(c->server.port, 8080);
  EXPECT_FALSE(c->server.tls_cert);
  EXPECT_TRUE(c->tenants.empty());
  EXPECT_TRUE(c->routes.empty());
  EXPECT_EQ(c->source, "empty.toml");
}

TEST(Config, PartialTablesKeepOtherDefaults) {
  auto c = load_config_text(R"([store]
synchronous = "normal"
[server]
port = 0
[log]
level = "debug"
format = "json"
file = "logs/carebridge.log"
)",
                            "t.toml");
  ASSERT_TRUE(c) << dump(c.error());
  EXPECT_EQ(c->store.backend, StoreBackend::sqlite);
  EXPECT_EQ(c->store.synchronous, SyncMode::normal);
  EXPECT_EQ(c->server.port, 0);
  EXPECT_EQ(c->server.listen, "127.0.0.1");
  EXPECT_EQ(c->log.level, LogLevel::debug);
  EXPECT_EQ(c->log.format, LogFormat::json);
  EXPECT_EQ(c->log.file, std::filesystem::path("logs/carebridge.log"));
}

TEST(Config, DemoConfigLoadsClean) {
  auto demo = load_config(std::filesystem::path(CAREBRIDGE_SOURCE_DIR) / "config/demo.toml");
  ASSERT_TRUE(demo) << dump(demo.error());
  EXPECT_EQ(demo->working_date, "2026-11-02");
  ASSERT_EQ(demo->routes.size(), 1u);
}

TEST(Config, ExampleConfigLoadsClean) {
  auto c = load_config(std::filesystem::path(CAREBRIDGE_SOURCE_DIR) / "config/example.toml");
  ASSERT_TRUE(c) << dump(c.error());
  EXPECT_EQ(c->working_date, "2026-01-31");
  ASSERT_EQ(c->tenants.size(), 2u);
  ASSERT_EQ(c->routes.size(), 3u);
  const auto* r = c->find_route("websesam-orders");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->tenant, "region-vast");
  EXPECT_EQ(r->match.folder, "inbox/websesam");
  ASSERT_EQ(r->outputs.size(), 1u);
  EXPECT_EQ(r->outputs[0].adapter, "raindance");
  ASSERT_TRUE(r->options.contains("max_lines"));
  EXPECT_EQ(std::get<std::int64_t>(r->options.at("max_lines").value), 100000);
  EXPECT_GT(r->options.at("max_lines").where.line, 0u);
  const auto* dta = c->find_route("dta302-out");
  ASSERT_NE(dta, nullptr);
  ASSERT_EQ(dta->outputs.size(), 1u);
  EXPECT_EQ(dta->outputs[0].destination, "outbox/dta302");
  EXPECT_EQ(std::get<bool>(dta->options.at("strict").value), true);
}

TEST(Config, UnreadableFileIsCfg001) {
  auto c = load_config("/nonexistent/carebridge.toml");
  ASSERT_FALSE(c);
  ASSERT_EQ(c.error().size(), 1u);
  EXPECT_EQ(c.error()[0].code, DiagCode::ConfigUnreadable);
  EXPECT_EQ(c.error()[0].where.file, "/nonexistent/carebridge.toml");
}

TEST(Config, SyntaxErrorIsCfg002WithPosition) {
  auto d = only_error(R"([store]
backend = "sqlite"
path = "unterminated
)");
  EXPECT_EQ(d.code, DiagCode::ConfigSyntax);
  EXPECT_EQ(d.where.file, "test.toml");
  EXPECT_EQ(d.where.line, 3u);
  EXPECT_GT(d.where.column, 0u);
}

TEST(Config, DuplicateTomlKeyIsSyntaxError) {
  auto d = only_error(R"(workdir = "a"
workdir = "b"
)");
  EXPECT_EQ(d.code, DiagCode::ConfigSyntax);
  EXPECT_EQ(d.where.line, 2u);
}

TEST(Config, UnknownKeysWithLineColumnAndHint) {
  auto ds = errors_of(R"(wokdir = "."
[store]
bakend = "sqlite"
[nonsense]
x = 1
)");
  ASSERT_EQ(ds.size(), 3u) << dump(ds);
  for (const auto& d : ds) EXPECT_EQ(d.code, DiagCode::ConfigUnknownKey);
  EXPECT_EQ(ds[0].where.line, 1u);
  EXPECT_EQ(ds[0].where.column, 1u);
  EXPECT_EQ(ds[0].hint, "did you mean 'workdir'?");
  EXPECT_EQ(ds[1].where.line, 3u);
  EXPECT_EQ(ds[1].where.field, "store.bakend");
  EXPECT_EQ(ds[1].hint, "did you mean 'backend'?");
  EXPECT_EQ(ds[2].where.line, 4u);
  EXPECT_EQ(ds[2].hint, "");
}

TEST(Config, WrongTypeIsCfg006AtTheValue) {
  auto d = only_error(R"([server]
port = "8080"
)");
  EXPECT_EQ(d.code, DiagCode::ConfigBadType);
  EXPECT_EQ(d.where.line, 2u);
  EXPECT_EQ(d.where.column, 8u);
  EXPECT_NE(d.message.find("must be an integer, found a string"), std::string::npos) << d.message;
}

TEST(Config, TableExpectedButScalarGiven) {
  auto d = only_error(R"(workdir = "."
store = "sqlite"
)");
  EXPECT_EQ(d.code, DiagCode::ConfigBadType);
  EXPECT_EQ(d.where.line, 2u);
}

TEST(Config, BadValuesAreCfg004) {
  auto ds = errors_of(R"([store]
backend = "mysql"
synchronous = "off"
path = ""
[log]
level = "verbose"
[server]
port = 70000
listen = ""
)");
  ASSERT_EQ(ds.size(), 6u) << dump(ds);
  const std::uint32_t lines[] = {2, 3, 4, 6, 8, 9};
  for (std::size_t i = 0; i < ds.size(); ++i) {
    EXPECT_EQ(ds[i].code, DiagCode::ConfigBadValue) << ds[i].to_string();
    EXPECT_EQ(ds[i].where.line, lines[i]) << ds[i].to_string();
  }
  EXPECT_NE(ds[0].message.find("'mysql' is not one of sqlite, postgres"), std::string::npos);
  EXPECT_NE(ds[4].message.find("70000 is outside 0..65535"), std::string::npos);
}

TEST(Config, NegativePortIsBadValue) {
  auto d = only_error("[server]\nport = -1\n");
  EXPECT_EQ(d.code, DiagCode::ConfigBadValue);
  EXPECT_EQ(d.where.line, 2u);
}

TEST(Config, WorkingDateAcceptsTomlDateAndString) {
  auto a = load_config_text("working_date = 2024-02-29\n", "t.toml");
  ASSERT_TRUE(a) << dump(a.error());
  EXPECT_EQ(a->working_date, "2024-02-29");
  auto b = load_config_text("working_date = \"2026-01-31\"\n", "t.toml");
  ASSERT_TRUE(b) << dump(b.error());
  EXPECT_EQ(b->working_date, "2026-01-31");
}

TEST(Config, WorkingDateRejectsImpossibleAndMalformed) {
  auto ds = errors_of(R"(working_date = "2026-02-29"
)");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].code, DiagCode::ConfigBadValue);
  EXPECT_EQ(ds[0].where.line, 1u);
  EXPECT_EQ(ds[0].where.column, 16u);
  for (const char* bad : {"2026-1-31", "31.01.2026", "2026-13-01", "2026-00-10", "20260131",
                          "2026-01-32", "0000-01-01", "２026-01-01", " 2026-01-31"}) {
    std::string text = std::string("working_date = \"") + bad + "\"\n";
    auto r = load_config_text(text, "t.toml");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error()[0].code, DiagCode::ConfigBadValue) << bad;
  }
  auto t = errors_of("working_date = 12:00:00\n");
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].code, DiagCode::ConfigBadType);
}

TEST(Config, PostgresUrlOnlyWithPostgres) {
  auto d = only_error(R"([store]
backend = "sqlite"
postgres_url = "postgresql://cb@db/carebridge"
)");
  EXPECT_EQ(d.code, DiagCode::ConfigConflict);
  EXPECT_EQ(d.where.line, 3u);

  auto d2 = only_error(R"([store]
postgres_url = "postgresql://cb@db/carebridge"
)");
  EXPECT_EQ(d2.code, DiagCode::ConfigConflict);
  EXPECT_EQ(d2.where.line, 2u);

  auto ok = load_config_text(R"([store]
backend = "postgres"
postgres_url = "postgresql://cb@db/carebridge"
)",
                             "t.toml");
  ASSERT_TRUE(ok) << dump(ok.error());
  EXPECT_EQ(ok->store.backend, StoreBackend::postgres);
  EXPECT_EQ(ok->store.postgres_url, "postgresql://cb@db/carebridge");
}

TEST(Config, PostgresNeedsUrl) {
  auto d = only_error(R"(
[store]
backend = "postgres"
)");
  EXPECT_EQ(d.code, DiagCode::ConfigMissingKey);
  EXPECT_EQ(d.where.line, 3u);
}

TEST(Config, TlsCertAndKeyBothOrNeither) {
  auto d = only_error(R"([server]
port = 8443
tls_key = "key.pem"
)");
  EXPECT_EQ(d.code, DiagCode::ConfigConflict);
  EXPECT_EQ(d.where.line, 3u);
  EXPECT_NE(d.message.find("tls_key is set but server.tls_cert is not"), std::string::npos);

  auto d2 = only_error(R"([server]
tls_cert = "cert.pem"
)");
  EXPECT_EQ(d2.code, DiagCode::ConfigConflict);
  EXPECT_EQ(d2.where.line, 2u);

  auto ok = load_config_text(R"([server]
tls_cert = "cert.pem"
tls_key = "key.pem"
)",
                             "t.toml");
  ASSERT_TRUE(ok) << dump(ok.error());
  EXPECT_EQ(ok->server.tls_key, std::filesystem::path("key.pem"));
}

TEST(Config, TenantIdRequiredAndWellFormed) {
  auto ds = errors_of(R"([[tenants]]
name = "no id"

[[tenants]]
id = "Acme GmbH"
)");
  ASSERT_EQ(ds.size(), 2u) << dump(ds);
  EXPECT_EQ(ds[0].code, DiagCode::ConfigMissingKey);
  EXPECT_EQ(ds[0].where.line, 1u);  // the [[tenants]] header
  EXPECT_EQ(ds[0].where.field, "tenants[0].id");
  EXPECT_EQ(ds[1].code, DiagCode::ConfigBadValue);
  EXPECT_EQ(ds[1].where.line, 5u);
}

TEST(Config, DuplicateTenantNamesBothLines) {
  auto d = only_error(R"([[tenants]]
id = "acme"

[[tenants]]
id = "other"

[[tenants]]
id = "acme"
)");
  EXPECT_EQ(d.code, DiagCode::ConfigDuplicate);
  EXPECT_EQ(d.where.line, 8u);
  EXPECT_NE(d.message.find("first at line 2, again at line 8"), std::string::npos) << d.message;
}

constexpr std::string_view kTwoTenants = R"([[tenants]]
id = "nord"
[[tenants]]
id = "vast"
)";

TEST(Config, DuplicateRouteNamesBothLines) {
  auto d = only_error(R"([[routes]]
name = "in"
match = { folder = "a" }
adapter = "dta302"

[[routes]]
name = "in"
match = { folder = "b" }
adapter = "dta302"
)");
  EXPECT_EQ(d.code, DiagCode::ConfigDuplicate);
  EXPECT_EQ(d.where.line, 7u);
  EXPECT_NE(d.message.find("first at line 2, again at line 7"), std::string::npos) << d.message;
}

TEST(Config, RouteTenantMustBeConfigured) {
  std::string text = std::string(kTwoTenants) + R"([[routes]]
name = "in"
tenant = "sued"
match = { folder = "a" }
adapter = "dta302"
[[routes]]
name = "out"
match = { folder = "b" }
adapter = "dta302"
)";
  auto ds = errors_of(text);
  ASSERT_EQ(ds.size(), 2u) << dump(ds);
  EXPECT_EQ(ds[0].code, DiagCode::ConfigBadReference);
  EXPECT_EQ(ds[0].where.line, 7u);
  EXPECT_EQ(ds[0].hint, "configured tenants: nord, vast");
  EXPECT_EQ(ds[1].code, DiagCode::ConfigMissingKey);  // no tenant although tenants exist
  EXPECT_EQ(ds[1].where.line, 10u);
}

TEST(Config, RouteTenantWithoutAnyTenantsIsAnError) {
  auto d = only_error(R"([[routes]]
name = "in"
tenant = "nord"
match = { folder = "a" }
adapter = "dta302"
)");
  EXPECT_EQ(d.code, DiagCode::ConfigBadReference);
  EXPECT_EQ(d.where.line, 3u);
}

TEST(Config, RouteRequiredKeysAndMatch) {
  auto ds = errors_of(R"([[routes]]
name = "a"
adapter = "x"

[[routes]]
name = "b"
adapter = "x"
match = {}

[[routes]]
match = { folder = "in", protocol = "ftp" }
)");
  ASSERT_EQ(ds.size(), 5u) << dump(ds);
  EXPECT_EQ(ds[0].code, DiagCode::ConfigMissingKey);  // match missing in route a
  EXPECT_EQ(ds[0].where.line, 1u);
  EXPECT_EQ(ds[1].code, DiagCode::ConfigMissingKey);  // empty match
  EXPECT_EQ(ds[1].where.line, 8u);
  EXPECT_EQ(ds[2].code, DiagCode::ConfigMissingKey);  // name missing in third route
  EXPECT_EQ(ds[2].where.line, 10u);
  EXPECT_EQ(ds[3].code, DiagCode::ConfigMissingKey);  // adapter missing in third route
  EXPECT_EQ(ds[3].where.line, 10u);
  EXPECT_EQ(ds[4].code, DiagCode::ConfigUnknownKey);  // match.protocol
  EXPECT_EQ(ds[4].where.line, 11u);
  EXPECT_EQ(ds[4].where.field, "routes[2].match.protocol");
}

TEST(Config, RouteOptionsAndOutputs) {
  auto ds = errors_of(R"([[routes]]
name = "a"
adapter = "x"
match = { upload = "u" }
options = { ok = "fine", list = [1, 2] }
outputs = [{ adapter = "y" }, "nope"]
)");
  ASSERT_EQ(ds.size(), 3u) << dump(ds);
  EXPECT_EQ(ds[0].code, DiagCode::ConfigBadType);  // options.list is an array
  EXPECT_EQ(ds[0].where.line, 5u);
  EXPECT_EQ(ds[0].where.field, "routes[0].options.list");
  EXPECT_EQ(ds[1].code, DiagCode::ConfigMissingKey);  // outputs[0].destination
  EXPECT_EQ(ds[1].where.line, 6u);
  EXPECT_EQ(ds[2].code, DiagCode::ConfigBadType);  // outputs[1] not a table
  EXPECT_EQ(ds[2].where.line, 6u);
  EXPECT_GT(ds[2].where.column, ds[1].where.column);
}

TEST(Config, OptionsKeepTypesAndLocations) {
  auto c = load_config_text(R"([[routes]]
name = "a"
adapter = "x"
match = { format = "dta302" }
command = "bill"
[routes.options]
text = "s"
count = 3
ratio = 0.5
flag = false
)",
                            "t.toml");
  ASSERT_TRUE(c) << dump(c.error());
  const auto& o = c->routes.at(0).options;
  ASSERT_EQ(o.size(), 4u);
  EXPECT_EQ(std::get<std::string>(o.at("text").value), "s");
  EXPECT_EQ(std::get<std::int64_t>(o.at("count").value), 3);
  EXPECT_DOUBLE_EQ(std::get<double>(o.at("ratio").value), 0.5);
  EXPECT_EQ(std::get<bool>(o.at("flag").value), false);
  EXPECT_EQ(o.at("count").where.line, 8u);
  EXPECT_EQ(o.at("count").where.file, "t.toml");
  EXPECT_EQ(c->routes[0].command, "bill");
  EXPECT_EQ(c->routes[0].where.of("adapter").line, 3u);
}

TEST(Config, ManyErrorsReportedTogetherInLineOrder) {
  auto ds = errors_of(R"(working_date = "tomorrow"
unknown = 1
[store]
backend = 7
[log]
format = "xml"
[server]
port = 65536
tls_cert = "c.pem"
[[tenants]]
id = "a"
[[tenants]]
id = "a"
[[routes]]
name = "r"
tenant = "b"
adapter = "x"
match = { folder = "f" }
)");
  ASSERT_EQ(ds.size(), 8u) << dump(ds);
  const std::pair<DiagCode, std::uint32_t> expected[] = {
      {DiagCode::ConfigBadValue, 1},   {DiagCode::ConfigUnknownKey, 2},
      {DiagCode::ConfigBadType, 4},    {DiagCode::ConfigBadValue, 6},
      {DiagCode::ConfigBadValue, 8},   {DiagCode::ConfigConflict, 9},
      {DiagCode::ConfigDuplicate, 13}, {DiagCode::ConfigBadReference, 16},
  };
  for (std::size_t i = 0; i < ds.size(); ++i) {
    EXPECT_EQ(ds[i].code, expected[i].first) << ds[i].to_string();
    EXPECT_EQ(ds[i].where.line, expected[i].second) << ds[i].to_string();
    EXPECT_EQ(ds[i].where.file, "test.toml");
  }
}

TEST(Config, DiagnosticTextNamesFileLineAndKey) {
  auto d = only_error("[server]\nport = \"x\"\n");
  EXPECT_EQ(d.to_string(),
            "test.toml:2:8 server.port: error CFG006 (configuration value has the wrong type): "
            "'server.port' must be an integer, found a string");
}

TEST(Config, ResolveAgainstWorkdir) {
  auto c = load_config_text("workdir = \"/srv/cb\"\n", "t.toml");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->resolve(c->store.path), std::filesystem::path("/srv/cb/carebridge.db"));
  EXPECT_EQ(c->resolve("/abs/x"), std::filesystem::path("/abs/x"));
}

TEST(Config, LoadFromFileUsesPathInDiagnostics) {
  auto dir = std::filesystem::temp_directory_path() / "cb_config_test";
  std::filesystem::create_directories(dir);
  auto file = dir / "bad.toml";
  std::ofstream(file) << "[log]\nlevel = 3\n";
  auto c = load_config(file);
  ASSERT_FALSE(c);
  ASSERT_EQ(c.error().size(), 1u);
  EXPECT_EQ(c.error()[0].where.file, file.string());
  EXPECT_EQ(c.error()[0].where.line, 2u);
  std::filesystem::remove_all(dir);
}

TEST(Config, DescribeListsEveryKeyWithDefaults) {
  const std::string s = describe_config_schema();
  for (const char* key :
       {"working_date", "workdir", "store.backend", "store.postgres_url", "log.level", "log.file",
        "mappings.tenant_dir", "server.port", "tenants[].id", "routes[].match.folder",
        "routes[].outputs[].adapter", "routes[].options"}) {
    EXPECT_NE(s.find(key), std::string::npos) << key;
  }
  EXPECT_NE(s.find("one of sqlite | postgres"), std::string::npos) << s;
  EXPECT_NE(s.find("\"carebridge.db\""), std::string::npos) << s;
  EXPECT_NE(s.find("integer 0..65535"), std::string::npos) << s;
  EXPECT_NE(s.find("8080"), std::string::npos) << s;
  EXPECT_NE(s.find("required"), std::string::npos) << s;
}

}  // namespace
}  // namespace cb::config
