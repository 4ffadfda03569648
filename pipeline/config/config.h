#pragma once
// The daemon's configuration (carebridge.toml): typed, with defaults, validated
// on load. Every problem in the file is reported at once, each with file, line
// and column (see config/demo.toml for an example, `describe_config_schema()`
// for every key).

#include <cstdint>
#include "core/diag/expected.h"
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diag/diagnostic.h"
#include "pipeline/config/option_map.h"

namespace cb::config {

template <class T>
class Schema;

enum class StoreBackend : std::uint8_t { sqlite, postgres };
enum class SyncMode : std::uint8_t { full, normal };
enum class LogLevel : std::uint8_t { trace, debug, info, warn, error };
enum class LogFormat : std::uint8_t { text, json };

/// [store]: where domain state and messages live.
struct StoreConfig {
  StoreBackend backend = StoreBackend::sqlite;
  std::filesystem::path path = "carebridge.db";  // SQLite file, relative to workdir
  SyncMode synchronous = SyncMode::full;         // SQLite PRAGMA synchronous
  std::optional<std::string> postgres_url;       // only with backend = "postgres"
  KeyLocations where;
};

/// [log]
struct LogConfig {
  LogLevel level = LogLevel::info;
  LogFormat format = LogFormat::text;
  std::optional<std::filesystem::path> file;  // none: stderr
};

/// [mappings]
struct MappingsConfig {
  std::filesystem::path dir = "mappings/tables";
  std::optional<std::filesystem::path> tenant_dir;
};

// --- [[server.tokens]] (pipeline/http: API authentication) ---------------
enum class TokenRole : std::uint8_t { viewer, operator_, admin };

/// [[server.tokens]]: one bearer token of the HTTP API. Only the SHA-256 of the
/// token is configured (`carebridge token hash`), never the token itself.
struct TokenConfig {
  std::string name;                   // shown in the audit trail as token:<name>
  TokenRole role = TokenRole::viewer;  // viewer reads; operator also acts; admin all
  std::optional<std::string> tenant;  // required unless role = admin (admin: all tenants)
  std::string sha256;                 // 64 hex digits
  KeyLocations where;
};
// --- end [[server.tokens]] -------------------------------------------------

/// [server]: the HTTP API and dashboard.
struct ServerConfig {
  std::string listen = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: any free port (tests)
  std::optional<std::filesystem::path> tls_cert;
  std::optional<std::filesystem::path> tls_key;
  std::vector<TokenConfig> tokens;  // [[server.tokens]]
};

/// [[tenants]]: a customer whose data is kept apart (a payer, a clinic, a region).
struct TenantConfig {
  std::string id;  // [a-z0-9-]+
  std::string name;
  KeyLocations where;
};

/// routes.match: which input a route takes; at least one is set.
struct RouteMatch {
  std::optional<std::string> folder;  // an intake folder
  std::optional<std::string> upload;  // an HTTP upload channel
  std::optional<std::string> format;  // a format detected in the bytes
  std::optional<std::string> poller;  // a [[pollers]] entry by name (remote intake)
};

/// routes.outputs: where the result goes.
struct RouteOutput {
  std::string adapter;
  std::string destination;
  KeyLocations where;
};

/// [[routes]]: which adapter reads what, and where its output goes.
struct RouteConfig {
  std::string name;
  std::optional<std::string> tenant;
  RouteMatch match;
  std::string adapter;
  OptionMap options;  // checked later by the adapter's own schema
  std::optional<std::string> command;
  std::vector<RouteOutput> outputs;
  KeyLocations where;
};

/// [delivery]: how the daemon retries outputs that could not be delivered
/// (capped exponential backoff with jitter, per message and destination).
struct DeliveryConfig {
  std::int64_t retry_base_ms = 1000;     // first retry after about this long
  std::int64_t retry_cap_ms = 300000;    // no wait longer than this
  std::int64_t retry_limit = 10;         // attempts before a message is dead
  std::int64_t batch = 256;              // messages per store transaction (group commit)
};

// --- [[pollers]]: remote intake (pipeline/daemon/remote_poller) -------------

/// What a poller fetches at its URL.
enum class PollerMode : std::uint8_t {
  directory,  // sftp: every file of the remote folder
  single,     // http(s): the URL answers one message (204/304/404-free: nothing new)
  index,      // http(s): the URL answers a JSON array of message URLs
};

/// What happens remotely after a fetched file was stored.
enum class PollerAfterFetch : std::uint8_t {
  delete_,  // sftp: rm; http: DELETE on the message URL
  move,     // sftp only: rename into move_to
  keep,     // leave it; a "seen" set skips it, the content hash catches repeats
};

/// [[pollers]]: a remote source the daemon fetches messages from
/// (Abholung von einem Fernverzeichnis). Secrets are never written here: only
/// the file or environment variable that holds them.
struct PollerConfig {
  std::string name;                       // routes name it in match.poller
  std::string url;                        // sftp://host[:port]/dir/, http(s)://…
  std::optional<std::int64_t> interval_seconds;  // one of interval_seconds, schedule
  std::optional<std::string> schedule;           // 5-field cron (daemon's time zone)
  std::optional<PollerMode> mode;                // default: directory (sftp), single (http)
  std::optional<PollerAfterFetch> after_fetch;   // default: delete (sftp), keep (http)
  std::optional<std::string> move_to;            // remote folder for after_fetch = "move"
  std::optional<std::string> username;           // SFTP user, HTTP basic-auth user
  std::optional<std::filesystem::path> password_file;  // SFTP or HTTP basic password
  std::optional<std::string> password_env;
  std::optional<std::filesystem::path> bearer_token_file;  // HTTP Authorization: Bearer
  std::optional<std::string> bearer_token_env;
  std::optional<std::filesystem::path> private_key_file;  // SFTP key (OpenSSH or PEM)
  std::optional<std::filesystem::path> known_hosts;       // SFTP host keys (OpenSSH format)
  std::optional<std::string> host_key_sha256;             // SFTP host key fingerprint
  std::optional<std::filesystem::path> ca_file;           // TLS trust anchors (PEM)
  bool verify = true;                       // check the TLS certificate / SSH host key
  std::int64_t max_bytes = 64LL << 20;      // larger files are left in place (POL005)
  std::int64_t timeout_seconds = 60;        // per request
  std::int64_t unready_after = 3;           // failed intervals before readiness says why
  bool enabled = true;
  KeyLocations where;

  bool is_sftp() const { return url.starts_with("sftp://"); }
  PollerMode effective_mode() const {
    return mode.value_or(is_sftp() ? PollerMode::directory : PollerMode::single);
  }
  PollerAfterFetch effective_after_fetch() const {
    return after_fetch.value_or(is_sftp() ? PollerAfterFetch::delete_ : PollerAfterFetch::keep);
  }
};

// --- end [[pollers]] ---------------------------------------------------------

// --- ops: scheduler, retention, health (pipeline/ops) ---------------------

/// [[jobs]]: a scheduled batch job (Zeitplan-Eintrag). See pipeline/ops/scheduler.h.
struct JobEntryConfig {
  std::string name;      // unique entry name, e.g. "nightly-plan-update"
  std::string job;       // registered job, e.g. "plan-update", "retention"
  std::string schedule;  // 5-field cron, e.g. "0 2 * * *" (checked on load)
  std::optional<std::string> tenant;
  std::string filter;
  bool enabled = true;
  int catch_up_days = 7;  // how far back missed runs are caught up
  KeyLocations where;
};

/// [[retention]]: how long message bodies and metadata are kept per route
/// (route "*" = every route without its own entry). See pipeline/ops/retention.h.
struct RetentionConfig {
  std::string route;
  std::optional<int> body_days;
  std::optional<std::filesystem::path> archive_dir;  // relative to workdir
  std::optional<int> metadata_days;
  KeyLocations where;
};

/// [health]: thresholds of the readiness checks.
struct HealthConfig {
  std::int64_t min_free_disk_mb = 1024;
  int scheduler_max_tick_age_seconds = 300;
};

// --- end ops ---------------------------------------------------------------

struct Config {
  /// Overrides the clock for demos and tests ("YYYY-MM-DD").
  std::optional<std::string> working_date;
  /// Relative paths in the configuration are resolved against this directory.
  std::filesystem::path workdir = ".";
  StoreConfig store;
  LogConfig log;
  MappingsConfig mappings;
  ServerConfig server;
  std::vector<TenantConfig> tenants;
  std::vector<RouteConfig> routes;
  DeliveryConfig delivery;
  // --- ops
  std::vector<JobEntryConfig> jobs;
  std::vector<RetentionConfig> retention;
  HealthConfig health;
  // --- end ops
  std::vector<PollerConfig> pollers;  // [[pollers]]
  /// The file the configuration came from (the name given to load_config_text).
  std::string source;

  /// `p` when absolute, else workdir / p.
  std::filesystem::path resolve(const std::filesystem::path& p) const;
  const TenantConfig* find_tenant(std::string_view id) const;
  const RouteConfig* find_route(std::string_view name) const;
  const PollerConfig* find_poller(std::string_view name) const;
};

/// Reads and validates a configuration file. All problems at once; CFG001 when
/// the file cannot be read, CFG002 for TOML syntax.
cb::Expected<Config, Diagnostics> load_config(const std::filesystem::path& path);

/// The same for text in memory; `name` is the file name used in diagnostics.
cb::Expected<Config, Diagnostics> load_config_text(std::string_view text, std::string_view name);

/// The schema of the whole file (for tools and tests).
const Schema<Config>& config_schema();

/// Every key with type, default and description, one per line.
std::string describe_config_schema();

/// One diagnostic per line, as `Diagnostic::to_string()`.
std::string format_diagnostics(const Diagnostics& ds);

std::string_view to_string(StoreBackend v);
std::string_view to_string(SyncMode v);
std::string_view to_string(LogLevel v);
std::string_view to_string(LogFormat v);
std::string_view to_string(TokenRole v);
std::string_view to_string(PollerMode v);
std::string_view to_string(PollerAfterFetch v);

}  // namespace cb::config
