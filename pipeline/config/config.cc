#include "pipeline/config/config.h"
#include "pipeline/config/schema.h"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>

#include "pipeline/ops/cron_schedule.h"

namespace cb::config {
namespace {

Rule non_empty() {
  return [](const Scalar& v) -> std::optional<std::string> {
    if (std::get<std::string>(v).empty()) return "must not be empty";
    return std::nullopt;
  };
}

bool is_tenant_id(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

std::string line_of(const Location& l) {
  return l.line ? "line " + std::to_string(l.line) : std::string("an earlier entry");
}

Schema<StoreConfig> store_schema() {
  Schema<StoreConfig> s("[store]");
  s.choice("backend", &StoreConfig::backend,
           {{"sqlite", StoreBackend::sqlite}, {"postgres", StoreBackend::postgres}},
           "database for domain state and messages: embedded SQLite or PostgreSQL for several "
           "daemons");
  s.path("path", &StoreConfig::path, "SQLite database file, relative to workdir");
  s.choice("synchronous", &StoreConfig::synchronous,
           {{"full", SyncMode::full}, {"normal", SyncMode::normal}},
           "SQLite durability: full survives power loss, normal only process crashes");
  s.text("postgres_url", &StoreConfig::postgres_url,
         "PostgreSQL connection URL; required with backend = \"postgres\", not allowed otherwise")
      .rule("non-empty", non_empty());
  s.record_locations(&StoreConfig::where);
  s.check([](const StoreConfig& c, const KeyLocations& at, Reporter& r) {
    if (c.backend == StoreBackend::postgres && !c.postgres_url) {
      Location where = at.has("backend") ? at.of("backend") : at.of("");
      r.report(DiagCode::ConfigMissingKey, "backend = \"postgres\" needs store.postgres_url", where,
               "add postgres_url = \"postgresql://user@host/db\" to [store]");
    }
    if (c.backend != StoreBackend::postgres && at.has("postgres_url")) {
      r.report(DiagCode::ConfigConflict,
               "store.postgres_url is only allowed with backend = \"postgres\"",
               at.of("postgres_url"), "remove it, or set backend = \"postgres\"");
    }
  });
  return s;
}

Schema<LogConfig> log_schema() {
  Schema<LogConfig> s("[log]");
  s.choice("level", &LogConfig::level,
           {{"trace", LogLevel::trace},
            {"debug", LogLevel::debug},
            {"info", LogLevel::info},
            {"warn", LogLevel::warn},
            {"error", LogLevel::error}},
           "least severe level written");
  s.choice("format", &LogConfig::format, {{"text", LogFormat::text}, {"json", LogFormat::json}},
           "text lines, or one JSON object per line");
  s.path("file", &LogConfig::file, "log file, relative to workdir (default: standard error)");
  return s;
}

Schema<MappingsConfig> mappings_schema() {
  Schema<MappingsConfig> s("[mappings]");
  s.path("dir", &MappingsConfig::dir, "folder of the mapping tables, relative to workdir");
  s.path("tenant_dir", &MappingsConfig::tenant_dir,
         "folder with one sub-folder per tenant overriding tables (optional)");
  return s;
}

// --- [[server.tokens]] (pipeline/http: API authentication) ---------------
bool is_sha256_hex(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  }
  return true;
}

Schema<TokenConfig> token_schema() {
  Schema<TokenConfig> s("[[server.tokens]]");
  s.text("name", &TokenConfig::name, "token name, shown in the audit trail as token:<name>")
      .required()
      .rule("non-empty", non_empty());
  s.choice("role", &TokenConfig::role,
           {{"viewer", TokenRole::viewer}, {"operator", TokenRole::operator_},
            {"admin", TokenRole::admin}},
           "viewer reads; operator also uploads, reprocesses and runs jobs; admin all tenants");
  s.text("tenant", &TokenConfig::tenant, "tenant the token sees; absent only for admin (all)")
      .rule("[a-z0-9-]+", [](const Scalar& v) -> std::optional<std::string> {
        if (is_tenant_id(std::get<std::string>(v))) return std::nullopt;
        return "'" + std::get<std::string>(v) + "' is not a tenant id";
      });
  s.text("sha256", &TokenConfig::sha256,
         "hex SHA-256 of the token (carebridge token hash); never the token itself")
      .required()
      .rule("64 hex digits", [](const Scalar& v) -> std::optional<std::string> {
        if (is_sha256_hex(std::get<std::string>(v))) return std::nullopt;
        return "must be 64 hex digits (the SHA-256 of the token, see `carebridge token hash`)";
      });
  s.record_locations(&TokenConfig::where);
  s.check([](const TokenConfig& t, const KeyLocations& at, Reporter& r) {
    if (t.role != TokenRole::admin && !t.tenant && at.has("name")) {
      Location where = at.of("");
      where.field = where.field + ".tenant";
      r.report(DiagCode::ConfigMissingKey,
               "token '" + t.name + "' has role " + std::string(to_string(t.role)) +
                   " but no tenant; only an admin token may see every tenant",
               where, "add tenant = \"<id>\"");
    }
  });
  return s;
}

/// Token names and hashes unique; a token's tenant is configured.
void check_tokens(const Config& c, Reporter& r) {
  std::map<std::string, Location, std::less<>> names, hashes;
  for (const auto& t : c.server.tokens) {
    if (!t.name.empty()) {
      auto [it, fresh] = names.emplace(t.name, t.where.of("name"));
      if (!fresh) {
        r.report(DiagCode::ConfigDuplicate,
                 "token name '" + t.name + "' is used twice: first at " + line_of(it->second),
                 t.where.of("name"));
      }
    }
    if (!t.sha256.empty()) {
      std::string lower = t.sha256;
      for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      auto [it, fresh] = hashes.emplace(lower, t.where.of("sha256"));
      if (!fresh) {
        r.report(DiagCode::ConfigDuplicate,
                 "token '" + t.name + "' has the same sha256 as the token at " +
                     line_of(it->second),
                 t.where.of("sha256"), "give every token its own secret");
      }
    }
    if (t.tenant && !c.tenants.empty() && !c.find_tenant(*t.tenant)) {
      r.report(DiagCode::ConfigBadReference,
               "token '" + t.name + "' names tenant '" + *t.tenant + "', which is not configured",
               t.where.of("tenant"), "add a [[tenants]] entry with this id");
    }
  }
}
// --- end [[server.tokens]] -------------------------------------------------

Schema<ServerConfig> server_schema() {
  Schema<ServerConfig> s("[server]");
  s.text("listen", &ServerConfig::listen, "address the HTTP API binds to")
      .rule("non-empty", non_empty());
  s.integer("port", &ServerConfig::port, 0, 65535, "TCP port; 0 picks a free port");
  s.path("tls_cert", &ServerConfig::tls_cert, "PEM certificate chain; needs tls_key");
  s.path("tls_key", &ServerConfig::tls_key, "PEM private key; needs tls_cert");
  s.table_array("tokens", &ServerConfig::tokens, token_schema(),
                "bearer tokens of the HTTP API (hashed)");
  s.check([](const ServerConfig& c, const KeyLocations& at, Reporter& r) {
    if (c.tls_cert.has_value() == c.tls_key.has_value()) return;
    const bool has_cert = c.tls_cert.has_value();
    if (!at.has(has_cert ? "tls_cert" : "tls_key")) return;  // the value itself was bad
    r.report(DiagCode::ConfigConflict,
             std::string("server.") + (has_cert ? "tls_cert" : "tls_key") + " is set but server." +
                 (has_cert ? "tls_key" : "tls_cert") + " is not",
             at.of(has_cert ? "tls_cert" : "tls_key"),
             "give both tls_cert and tls_key, or neither");
  });
  return s;
}

Schema<TenantConfig> tenant_schema() {
  Schema<TenantConfig> s("[[tenants]]");
  s.text("id", &TenantConfig::id, "stable tenant id, lower-case letters, digits and '-'")
      .required()
      .rule("[a-z0-9-]+", [](const Scalar& v) -> std::optional<std::string> {
        if (is_tenant_id(std::get<std::string>(v))) return std::nullopt;
        return "'" + std::get<std::string>(v) +
               "' is not a tenant id (lower-case letters, digits and '-')";
      });
  s.text("name", &TenantConfig::name, "display name");
  s.record_locations(&TenantConfig::where);
  return s;
}

Schema<RouteMatch> match_schema() {
  Schema<RouteMatch> s("routes.match");
  s.text("folder", &RouteMatch::folder, "intake folder the route reads")
      .rule("non-empty", non_empty());
  s.text("upload", &RouteMatch::upload, "HTTP upload channel the route takes")
      .rule("non-empty", non_empty());
  s.text("format", &RouteMatch::format, "format detected in the bytes")
      .rule("non-empty", non_empty());
  s.text("poller", &RouteMatch::poller, "[[pollers]] entry whose fetched files the route takes")
      .rule("non-empty", non_empty());
  return s;
}

Schema<RouteOutput> output_schema() {
  Schema<RouteOutput> s("routes.outputs");
  s.text("adapter", &RouteOutput::adapter, "adapter that writes the output")
      .required()
      .rule("non-empty", non_empty());
  s.text("destination", &RouteOutput::destination, "where the output is delivered")
      .required()
      .rule("non-empty", non_empty());
  s.record_locations(&RouteOutput::where);
  return s;
}

Schema<RouteConfig> route_schema() {
  Schema<RouteConfig> s("[[routes]]");
  s.text("name", &RouteConfig::name, "unique route name").required().rule("non-empty", non_empty());
  s.text("tenant", &RouteConfig::tenant, "tenant id; required when [[tenants]] are configured");
  s.table("match", &RouteConfig::match, match_schema(),
          "what the route takes: at least one of folder, upload, format")
      .required();
  s.text("adapter", &RouteConfig::adapter, "adapter that reads the input")
      .required()
      .rule("non-empty", non_empty());
  s.scalar_map("options", &RouteConfig::options,
               "adapter options (key = scalar), validated by the adapter");
  s.text("command", &RouteConfig::command, "core command the documents are applied with");
  s.table_array("outputs", &RouteConfig::outputs, output_schema(), "outputs of the route");
  s.record_locations(&RouteConfig::where);
  s.check([](const RouteConfig& c, const KeyLocations& at, Reporter& r) {
    if (at.has("match") && !c.match.folder && !c.match.upload && !c.match.format &&
        !c.match.poller) {
      r.report(DiagCode::ConfigMissingKey,
               "routes.match needs at least one of folder, upload, format, poller",
               at.of("match"));
    }
  });
  return s;
}

Schema<DeliveryConfig> delivery_schema() {
  Schema<DeliveryConfig> s("[delivery]");
  s.integer("retry_base_ms", &DeliveryConfig::retry_base_ms, 1, 86400000,
            "first retry of a failed delivery after about this many milliseconds");
  s.integer("retry_cap_ms", &DeliveryConfig::retry_cap_ms, 1, 86400000,
            "longest wait between two delivery attempts, in milliseconds");
  s.integer("retry_limit", &DeliveryConfig::retry_limit, 1, 1000,
            "attempts before a message is dead (kept, visible, reprocessable)");
  s.integer("batch", &DeliveryConfig::batch, 1, 10000,
            "messages per store transaction in intake, routing and delivery (group commit)");
  return s;
}

// --- [[pollers]]: remote intake (pipeline/daemon/remote_poller) -------------

bool is_env_name(std::string_view s) {
  if (s.empty() || (s.front() >= '0' && s.front() <= '9')) return false;
  for (char c : s) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
      return false;
  }
  return true;
}

Rule env_name() {
  return [](const Scalar& v) -> std::optional<std::string> {
    if (is_env_name(std::get<std::string>(v))) return std::nullopt;
    return "'" + std::get<std::string>(v) +
           "' is not an environment variable name (letters, digits, '_')";
  };
}

/// The user-info part of a URL ("user" or "user:secret"), empty when none.
std::string url_userinfo(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  const auto rest = url.substr(scheme + 3);
  const auto host_end = rest.find('/');
  const auto authority = rest.substr(0, host_end);
  const auto at = authority.rfind('@');
  return at == std::string_view::npos ? std::string() : std::string(authority.substr(0, at));
}

Schema<PollerConfig> poller_schema() {
  Schema<PollerConfig> s("[[pollers]]");
  s.text("name", &PollerConfig::name, "unique poller name; a route takes its files with match.poller")
      .required()
      .rule("[a-z0-9-]+", [](const Scalar& v) -> std::optional<std::string> {
        if (is_tenant_id(std::get<std::string>(v))) return std::nullopt;
        return "'" + std::get<std::string>(v) +
               "' is not a poller name (lower-case letters, digits and '-')";
      });
  s.text("url", &PollerConfig::url,
         "sftp://host[:port]/absolute/folder/ or http(s)://… (no password in the URL)")
      .required()
      .rule("sftp, http or https URL", [](const Scalar& v) -> std::optional<std::string> {
        const auto& u = std::get<std::string>(v);
        if (!u.starts_with("sftp://") && !u.starts_with("http://") && !u.starts_with("https://"))
          return "'" + u + "' is not an sftp://, http:// or https:// URL";
        const auto scheme_end = u.find("://") + 3;
        if (scheme_end >= u.size() || u[scheme_end] == '/') return "the URL names no host";
        if (u.find_first_of(" \t\r\n") != std::string::npos) return "the URL contains white space";
        if (url_userinfo(u).find(':') != std::string::npos)
          return "the URL contains a password; name a password_file or password_env instead";
        return std::nullopt;
      });
  s.integer("interval_seconds", &PollerConfig::interval_seconds, 1, 86400 * 31,
            "poll every this many seconds (or give schedule)");
  s.text("schedule", &PollerConfig::schedule,
         "5-field cron schedule in the daemon's time zone, e.g. \"*/10 6-20 * * mon-fri\"")
      .rule("cron", [](const Scalar& v) -> std::optional<std::string> {
        ops::CronError err;
        if (ops::CronSchedule::parse(std::get<std::string>(v), &err)) return std::nullopt;
        return "'" + std::get<std::string>(v) + "' is not a cron schedule: " + err.reason +
               " (at column " + std::to_string(err.column) + ")";
      });
  s.choice("mode", &PollerConfig::mode,
           {{"directory", PollerMode::directory},
            {"single", PollerMode::single},
            {"index", PollerMode::index}},
           "directory (sftp: every file of the folder), single (http: the URL is one message), "
           "index (http: the URL answers a JSON array of message URLs)");
  s.choice("after_fetch", &PollerConfig::after_fetch,
           {{"delete", PollerAfterFetch::delete_},
            {"move", PollerAfterFetch::move},
            {"keep", PollerAfterFetch::keep}},
           "after a file is stored: delete it remotely (sftp rm, http DELETE), move it to "
           "move_to (sftp), or keep it (skipped while seen; default delete for sftp, keep for "
           "http)");
  s.text("move_to", &PollerConfig::move_to,
         "remote folder (absolute) fetched files are moved into, with after_fetch = \"move\"")
      .rule("absolute", [](const Scalar& v) -> std::optional<std::string> {
        if (std::get<std::string>(v).starts_with("/")) return std::nullopt;
        return "move_to must be an absolute remote path";
      });
  s.text("username", &PollerConfig::username, "SFTP user, or HTTP basic-auth user")
      .rule("non-empty", non_empty());
  s.path("password_file", &PollerConfig::password_file,
         "file holding the SFTP or HTTP basic-auth password, relative to workdir");
  s.text("password_env", &PollerConfig::password_env,
         "environment variable holding the SFTP or HTTP basic-auth password")
      .rule("name", env_name());
  s.path("bearer_token_file", &PollerConfig::bearer_token_file,
         "file holding the HTTP bearer token, relative to workdir");
  s.text("bearer_token_env", &PollerConfig::bearer_token_env,
         "environment variable holding the HTTP bearer token")
      .rule("name", env_name());
  s.path("private_key_file", &PollerConfig::private_key_file,
         "SFTP private key file (unencrypted OpenSSH or PEM), relative to workdir");
  s.path("known_hosts", &PollerConfig::known_hosts,
         "SFTP: OpenSSH known_hosts file with the server's host key, relative to workdir");
  s.text("host_key_sha256", &PollerConfig::host_key_sha256,
         "SFTP: the server's host key fingerprint as `ssh-keygen -lf` prints it (SHA256:…)")
      .rule("SHA256:base64", [](const Scalar& v) -> std::optional<std::string> {
        std::string_view f = std::get<std::string>(v);
        if (f.starts_with("SHA256:")) f.remove_prefix(7);
        if (f.size() != 43) return "a SHA-256 host key fingerprint has 43 base64 characters";
        for (char c : f) {
          if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/')
            return "a SHA-256 host key fingerprint is base64 (A-Z, a-z, 0-9, +, /)";
        }
        return std::nullopt;
      });
  s.path("ca_file", &PollerConfig::ca_file,
         "https: PEM file of the certificate authorities to trust, relative to workdir");
  s.boolean("verify", &PollerConfig::verify,
            "check the server: TLS certificate and name (https), host key (sftp)");
  s.integer("max_bytes", &PollerConfig::max_bytes, 1, 4LL << 30,
            "larger remote files are not fetched (left in place, reported)");
  s.integer("timeout_seconds", &PollerConfig::timeout_seconds, 1, 3600,
            "limit of one request (connect, listing, one file)");
  s.integer("unready_after", &PollerConfig::unready_after, 1, 1000,
            "readiness reports the poller after this many failed intervals in a row");
  s.boolean("enabled", &PollerConfig::enabled, "false keeps the entry but does not poll");
  s.record_locations(&PollerConfig::where);
  s.check([](const PollerConfig& c, const KeyLocations& at, Reporter& r) {
    if (!at.has("url")) return;  // missing or bad: reported already
    const bool sftp = c.is_sftp();
    const std::string kind = sftp ? "an sftp" : "an http(s)";
    auto conflict = [&](std::string_view key, const std::string& why) {
      if (at.has(key)) {
        r.report(DiagCode::ConfigConflict, "poller '" + c.name + "': " + why, at.of(key));
      }
    };
    if (c.interval_seconds.has_value() == c.schedule.has_value() && at.has("name")) {
      if (c.interval_seconds) {
        r.report(DiagCode::ConfigConflict,
                 "poller '" + c.name + "' has both interval_seconds and schedule",
                 at.of("schedule"), "keep one of them");
      } else if (!at.has("schedule") && !at.has("interval_seconds")) {
        Location where = at.of("");
        where.field += ".interval_seconds";
        r.report(DiagCode::ConfigMissingKey,
                 "poller '" + c.name + "' needs interval_seconds or schedule", where);
      }
    }
    const auto mode = c.effective_mode();
    if (sftp && mode != PollerMode::directory) {
      conflict("mode", "an sftp poller lists a folder: mode must be \"directory\"");
    }
    if (!sftp && mode == PollerMode::directory) {
      conflict("mode", "an http(s) poller has mode \"single\" or \"index\"");
    }
    if (sftp && !c.url.ends_with("/")) {
      r.report(DiagCode::ConfigBadValue,
               "poller '" + c.name + "': an sftp URL names a folder and ends with '/'",
               at.of("url"));
    }
    const auto after = c.effective_after_fetch();
    if (after == PollerAfterFetch::move && !sftp) {
      conflict("after_fetch", "after_fetch = \"move\" is for sftp; http can delete or keep");
    }
    if (after == PollerAfterFetch::move && sftp && !c.move_to) {
      r.report(DiagCode::ConfigMissingKey,
               "poller '" + c.name + "': after_fetch = \"move\" needs move_to",
               at.of("after_fetch"));
    }
    if (c.move_to && after != PollerAfterFetch::move) {
      conflict("move_to", "move_to is only used with after_fetch = \"move\"");
    }
    if (c.password_file && c.password_env) {
      conflict("password_env", "give password_file or password_env, not both");
    }
    if (c.bearer_token_file && c.bearer_token_env) {
      conflict("bearer_token_env", "give bearer_token_file or bearer_token_env, not both");
    }
    if (sftp) {
      conflict("bearer_token_file", "a bearer token is for http(s), not " + kind + " URL");
      conflict("bearer_token_env", "a bearer token is for http(s), not " + kind + " URL");
      conflict("ca_file", "ca_file is for https; sftp checks the host key (known_hosts)");
      if (!c.username && url_userinfo(c.url).empty() && at.has("name")) {
        Location where = at.of("");
        where.field += ".username";
        r.report(DiagCode::ConfigMissingKey, "sftp poller '" + c.name + "' needs a username",
                 where, "add username = \"…\" (or sftp://user@host/… in the URL)");
      }
      if (!c.password_file && !c.password_env && !c.private_key_file && at.has("name")) {
        Location where = at.of("");
        where.field += ".private_key_file";
        r.report(DiagCode::ConfigMissingKey,
                 "sftp poller '" + c.name + "' needs private_key_file, password_file or "
                 "password_env",
                 where);
      }
      if (c.verify && !c.known_hosts && !c.host_key_sha256 && at.has("name")) {
        Location where = at.of("");
        where.field += ".known_hosts";
        r.report(DiagCode::ConfigMissingKey,
                 "sftp poller '" + c.name + "' cannot check the server: give known_hosts or "
                 "host_key_sha256",
                 where, "or verify = false, which accepts any server (not for production)");
      }
    } else {
      conflict("private_key_file", "private_key_file is for sftp, not " + kind + " URL");
      conflict("known_hosts", "known_hosts is for sftp, not " + kind + " URL");
      conflict("host_key_sha256", "host_key_sha256 is for sftp, not " + kind + " URL");
      if ((c.password_file || c.password_env) && (c.bearer_token_file || c.bearer_token_env)) {
        conflict(c.bearer_token_file ? "bearer_token_file" : "bearer_token_env",
                 "give basic auth (username + password) or a bearer token, not both");
      }
      if ((c.password_file || c.password_env) && !c.username) {
        conflict(c.password_file ? "password_file" : "password_env",
                 "HTTP basic auth needs username too");
      }
      if (c.ca_file && c.url.starts_with("http://")) {
        conflict("ca_file", "ca_file is for https URLs");
      }
    }
  });
  return s;
}

/// Names unique; every poller feeds exactly one route; routes name known pollers.
void check_pollers(const Config& c, Reporter& r) {
  std::map<std::string, Location, std::less<>> names;
  for (const auto& p : c.pollers) {
    if (p.name.empty()) continue;
    auto [it, fresh] = names.emplace(p.name, p.where.of("name"));
    if (!fresh) {
      r.report(DiagCode::ConfigDuplicate,
               "poller name '" + p.name + "' is used twice: first at " + line_of(it->second),
               p.where.of("name"));
    }
  }
  std::map<std::string, std::string, std::less<>> taken;  // poller → route
  for (const auto& route : c.routes) {
    if (!route.match.poller) continue;
    const std::string& name = *route.match.poller;
    Location where = route.where.of("match");
    where.field = where.field.empty() ? "match.poller" : where.field + ".poller";
    if (!c.find_poller(name)) {
      std::string known;
      for (const auto& p : c.pollers) known += (known.empty() ? "" : ", ") + p.name;
      r.report(DiagCode::ConfigBadReference,
               "route '" + route.name + "' takes poller '" + name + "', which is not configured",
               where, known.empty() ? "add a [[pollers]] entry" : "configured pollers: " + known);
      continue;
    }
    auto [it, fresh] = taken.emplace(name, route.name);
    if (!fresh) {
      r.report(DiagCode::ConfigDuplicate,
               "routes '" + it->second + "' and '" + route.name + "' both take poller '" + name +
                   "'",
               where, "a poller feeds one route");
    }
  }
  for (const auto& p : c.pollers) {
    if (!p.name.empty() && !taken.contains(p.name)) {
      r.report(DiagCode::ConfigBadReference,
               "poller '" + p.name + "' feeds no route: its files would have nowhere to go",
               p.where.of("name"), "add match = { poller = \"" + p.name + "\" } to a route");
    }
  }
}

// --- end [[pollers]] ---------------------------------------------------------

// --- ops: [[jobs]], [[retention]], [health] (pipeline/ops) -------------------

Schema<JobEntryConfig> job_entry_schema() {
  Schema<JobEntryConfig> s("[[jobs]]");
  s.text("name", &JobEntryConfig::name, "unique name of the entry, e.g. \"nightly-plan-update\"")
      .required()
      .rule("non-empty", non_empty());
  s.text("job", &JobEntryConfig::job,
         "registered job to run, e.g. \"plan-update\", \"retention\" (`carebridge jobs list`)")
      .required()
      .rule("non-empty", non_empty());
  s.text("schedule", &JobEntryConfig::schedule,
         "5-field cron schedule in the daemon's time zone, e.g. \"0 2 * * *\" (02:00 daily)")
      .required()
      .rule("cron", [](const Scalar& v) -> std::optional<std::string> {
        ops::CronError err;
        if (ops::CronSchedule::parse(std::get<std::string>(v), &err)) return std::nullopt;
        return "'" + std::get<std::string>(v) + "' is not a cron schedule: " + err.reason +
               " (at column " + std::to_string(err.column) + ")";
      });
  s.text("tenant", &JobEntryConfig::tenant, "tenant the job runs for (default: all tenants)");
  s.text("filter", &JobEntryConfig::filter, "job-specific filter, e.g. a route for retention");
  s.boolean("enabled", &JobEntryConfig::enabled, "false keeps the entry but does not run it");
  s.integer("catch_up_days", &JobEntryConfig::catch_up_days, 0, 366,
            "after downtime, missed runs of at most this many days are caught up, oldest first");
  s.record_locations(&JobEntryConfig::where);
  return s;
}

Schema<RetentionConfig> retention_schema() {
  Schema<RetentionConfig> s("[[retention]]");
  s.text("route", &RetentionConfig::route,
         "route name, or \"*\" for every route without its own entry")
      .required()
      .rule("non-empty", non_empty());
  s.integer("body_days", &RetentionConfig::body_days, 1, 36500,
            "message bodies older than this are pruned (metadata and audit stay)");
  s.path("archive_dir", &RetentionConfig::archive_dir,
         "folder bodies are archived to before pruning, relative to workdir (optional)");
  s.integer("metadata_days", &RetentionConfig::metadata_days, 1, 36500,
            "messages older than this are deleted with their events and diagnostics");
  s.record_locations(&RetentionConfig::where);
  s.check([](const RetentionConfig& c, const KeyLocations& at, Reporter& r) {
    if (!at.has("body_days") && !at.has("metadata_days") && at.has("route")) {
      r.report(DiagCode::ConfigMissingKey,
               "retention for route '" + c.route + "' needs body_days or metadata_days",
               at.of("route"));
    }
    if (c.body_days && c.metadata_days && *c.metadata_days < *c.body_days) {
      r.report(DiagCode::ConfigConflict,
               "retention.metadata_days (" + std::to_string(*c.metadata_days) +
                   ") is shorter than body_days (" + std::to_string(*c.body_days) + ")",
               at.of("metadata_days"), "metadata must be kept at least as long as the bodies");
    }
    if (c.archive_dir && !c.body_days && at.has("archive_dir")) {
      r.report(DiagCode::ConfigConflict, "retention.archive_dir needs body_days",
               at.of("archive_dir"), "bodies are archived when they are pruned after body_days");
    }
  });
  return s;
}

Schema<HealthConfig> health_schema() {
  Schema<HealthConfig> s("[health]");
  s.integer("min_free_disk_mb", &HealthConfig::min_free_disk_mb, 0, 100'000'000,
            "not ready when the store's or an output folder's disk has less free space (MiB)");
  s.integer("scheduler_max_tick_age_seconds", &HealthConfig::scheduler_max_tick_age_seconds, 10,
            86400, "not ready when the scheduler has not run for this long");
  return s;
}

/// Names unique, tenants and routes known.
void check_ops_config(const Config& c, Reporter& r) {
  std::map<std::string, Location, std::less<>> names;
  for (const auto& j : c.jobs) {
    if (!j.name.empty()) {
      auto [it, fresh] = names.emplace(j.name, j.where.of("name"));
      if (!fresh) {
        r.report(DiagCode::ConfigDuplicate,
                 "job entry name '" + j.name + "' is used twice: first at " + line_of(it->second) +
                     ", again at " + line_of(j.where.of("name")),
                 j.where.of("name"));
      }
    }
    if (j.tenant && !c.find_tenant(*j.tenant)) {
      r.report(DiagCode::ConfigBadReference,
               "job entry '" + j.name + "' names tenant '" + *j.tenant + "', which is not configured",
               j.where.of("tenant"));
    }
  }
  std::map<std::string, Location, std::less<>> routes;
  for (const auto& ret : c.retention) {
    if (ret.route.empty()) continue;
    auto [it, fresh] = routes.emplace(ret.route, ret.where.of("route"));
    if (!fresh) {
      r.report(DiagCode::ConfigDuplicate,
               "retention for route '" + ret.route + "' is given twice: first at " +
                   line_of(it->second) + ", again at " + line_of(ret.where.of("route")),
               ret.where.of("route"));
    }
    if (ret.route != "*" && !c.find_route(ret.route)) {
      std::string known;
      for (const auto& route : c.routes) known += (known.empty() ? "" : ", ") + route.name;
      r.report(DiagCode::ConfigBadReference,
               "retention names route '" + ret.route + "', which is not configured",
               ret.where.of("route"),
               known.empty() ? "use route = \"*\" for every route" : "configured routes: " + known);
    }
  }
}

// --- end ops ------------------------------------------------------------------

Schema<Config> make_config_schema() {
  Schema<Config> s("the top level");
  s.date("working_date", &Config::working_date,
         "fixed working date instead of the clock (demos and tests)");
  s.path("workdir", &Config::workdir, "working directory; relative paths resolve against it");
  s.table("store", &Config::store, store_schema(), "the store");
  s.table("log", &Config::log, log_schema(), "logging");
  s.table("mappings", &Config::mappings, mappings_schema(), "mapping tables");
  s.table("server", &Config::server, server_schema(), "HTTP API and dashboard");
  s.table_array("tenants", &Config::tenants, tenant_schema(), "tenants");
  s.table_array("routes", &Config::routes, route_schema(), "routes");
  s.table("delivery", &Config::delivery, delivery_schema(), "retries and batching of the daemon");
  // --- ops
  s.table_array("jobs", &Config::jobs, job_entry_schema(), "scheduled batch jobs");
  s.table_array("retention", &Config::retention, retention_schema(),
                "how long message bodies and metadata are kept, per route");
  s.table("health", &Config::health, health_schema(), "readiness thresholds");
  s.check([](const Config& c, const KeyLocations&, Reporter& r) { check_ops_config(c, r); });
  // --- end ops
  s.table_array("pollers", &Config::pollers, poller_schema(),
                "remote sources (sftp, http) the daemon fetches messages from");
  s.check([](const Config& c, const KeyLocations&, Reporter& r) { check_pollers(c, r); });
  s.check([](const Config& c, const KeyLocations&, Reporter& r) { check_tokens(c, r); });
  s.check([](const Config& c, const KeyLocations&, Reporter& r) {
    std::map<std::string, Location, std::less<>> seen;
    for (const auto& t : c.tenants) {
      if (t.id.empty()) continue;
      auto [it, fresh] = seen.emplace(t.id, t.where.of("id"));
      if (!fresh) {
        r.report(DiagCode::ConfigDuplicate,
                 "tenant id '" + t.id + "' is used twice: first at " + line_of(it->second) +
                     ", again at " + line_of(t.where.of("id")),
                 t.where.of("id"));
      }
    }
    std::map<std::string, Location, std::less<>> names;
    for (const auto& route : c.routes) {
      if (!route.name.empty()) {
        auto [it, fresh] = names.emplace(route.name, route.where.of("name"));
        if (!fresh) {
          r.report(DiagCode::ConfigDuplicate,
                   "route name '" + route.name + "' is used twice: first at " +
                       line_of(it->second) + ", again at " + line_of(route.where.of("name")),
                   route.where.of("name"));
        }
      }
      if (route.tenant) {
        if (!c.find_tenant(*route.tenant)) {
          std::string known;
          for (const auto& t : c.tenants) known += (known.empty() ? "" : ", ") + t.id;
          r.report(DiagCode::ConfigBadReference,
                   "route '" + route.name + "' names tenant '" + *route.tenant +
                       "', which is not configured",
                   route.where.of("tenant"),
                   known.empty() ? "add a [[tenants]] entry with this id"
                                 : "configured tenants: " + known);
        }
      } else if (!c.tenants.empty()) {
        Location where = route.where.of("");
        where.field = where.field + ".tenant";
        r.report(DiagCode::ConfigMissingKey,
                 "route '" + route.name + "' names no tenant, but tenants are configured", where,
                 "add tenant = \"<id>\" to the route");
      }
    }
  });
  return s;
}

}  // namespace

const Schema<Config>& config_schema() {
  static const Schema<Config> kSchema = make_config_schema();
  return kSchema;
}

std::filesystem::path Config::resolve(const std::filesystem::path& p) const {
  if (p.is_absolute()) return p;
  return workdir / p;
}

const TenantConfig* Config::find_tenant(std::string_view id) const {
  for (const auto& t : tenants)
    if (t.id == id) return &t;
  return nullptr;
}

const RouteConfig* Config::find_route(std::string_view name) const {
  for (const auto& r : routes)
    if (r.name == name) return &r;
  return nullptr;
}

const PollerConfig* Config::find_poller(std::string_view name) const {
  for (const auto& p : pollers)
    if (p.name == name) return &p;
  return nullptr;
}

cb::Expected<Config, Diagnostics> load_config_text(std::string_view text, std::string_view name) {
  Reporter r{std::string(name)};
  toml::table root;
  try {
    root = toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    r.report(DiagCode::ConfigSyntax, std::string(e.description()), r.at(e.source(), {}));
    return cb::Unexpected(r.take());
  }
  Config c;
  c.source = std::string(name);
  config_schema().apply(root, c, r);
  if (!r.diagnostics().empty()) return cb::Unexpected(r.take());
  return c;
}

cb::Expected<Config, Diagnostics> load_config(const std::filesystem::path& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    const int err = errno;
    Location where;
    where.file = path.string();
    return cb::Unexpected(Diagnostics{Diagnostic::make(
        DiagCode::ConfigUnreadable, "cannot open: " + std::string(std::strerror(err)), where)});
  }
  std::string text;
  char buf[65536];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) {
    Location where;
    where.file = path.string();
    return cb::Unexpected(
        Diagnostics{Diagnostic::make(DiagCode::ConfigUnreadable, "read error", where)});
  }
  return load_config_text(text, path.string());
}

std::string describe_config_schema() {
  std::vector<SchemaRow> rows;
  config_schema().describe(rows);
  return format_schema_rows(rows);
}

std::string format_diagnostics(const Diagnostics& ds) {
  std::string out;
  for (const auto& d : ds) out += d.to_string() + "\n";
  return out;
}

std::string_view to_string(StoreBackend v) {
  return v == StoreBackend::postgres ? "postgres" : "sqlite";
}
std::string_view to_string(SyncMode v) {
  return v == SyncMode::normal ? "normal" : "full";
}
std::string_view to_string(LogLevel v) {
  switch (v) {
    case LogLevel::trace:
      return "trace";
    case LogLevel::debug:
      return "debug";
    case LogLevel::info:
      return "info";
    case LogLevel::warn:
      return "warn";
    case LogLevel::error:
      return "error";
  }
  return "info";
}
std::string_view to_string(LogFormat v) {
  return v == LogFormat::json ? "json" : "text";
}
std::string_view to_string(TokenRole v) {
  switch (v) {
    case TokenRole::viewer:
      return "viewer";
    case TokenRole::operator_:
      return "operator";
    case TokenRole::admin:
      return "admin";
  }
  return "viewer";
}

std::string_view to_string(PollerMode v) {
  switch (v) {
    case PollerMode::directory:
      return "directory";
    case PollerMode::single:
      return "single";
    case PollerMode::index:
      return "index";
  }
  return "single";
}
std::string_view to_string(PollerAfterFetch v) {
  switch (v) {
    case PollerAfterFetch::delete_:
      return "delete";
    case PollerAfterFetch::move:
      return "move";
    case PollerAfterFetch::keep:
      return "keep";
  }
  return "keep";
}

}  // namespace cb::config
