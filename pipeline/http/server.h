#pragma once
// The HTTP API and the web dashboard of `carebridge serve` (Boost.Beast):
// HTTP/1.1 with keep-alive on a small thread pool, TLS when a certificate is
// configured, bearer tokens with roles and tenants, JSON routes under /api/,
// /healthz, /readyz, /metrics, the OpenAPI document at /api/openapi.json and
// the dashboard (embedded at build time) at /. Everything the server knows
// about messages, jobs and views it asks a Backend (backend.h).
//
//   cb::http::Server server(backend, cb::http::server_options_from_config(cfg));
//   auto port = server.start();          // binds; Result<std::uint16_t>
//   if (!port) { ... port.error() ... }  // e.g. API001 address in use
//   ...
//   server.stop();                       // graceful: in-flight requests finish

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diag/diagnostic.h"
#include "pipeline/http/backend.h"

namespace cb::config {
struct Config;
}

namespace cb::http {

/// One API token as the configuration holds it ([[server.tokens]]): never the
/// token itself, only the hex SHA-256 of it.
struct ApiToken {
  std::string name;    // shown in the audit trail as "token:<name>"
  Role role = Role::viewer;
  std::string tenant;  // "" only for admin = every tenant
  std::string sha256;  // lower-case hex of SHA-256(token)
};

/// What the server is told at start-up.
struct ServerOptions {
  std::string listen = "127.0.0.1";  // address to bind
  std::uint16_t port = 8080;         // 0 = any free port (tests)
  /// TLS: both set = HTTPS only; both unset = plain HTTP.
  std::optional<std::filesystem::path> tls_cert;  // PEM certificate chain
  std::optional<std::filesystem::path> tls_key;   // PEM private key
  std::vector<ApiToken> tokens;
  /// Serve the dashboard from this folder instead of the embedded copy
  /// (for working on the dashboard without rebuilding).
  std::optional<std::filesystem::path> static_dir;
  int threads = 2;                              // I/O and handler threads
  std::size_t max_body_bytes = 32u << 20;       // larger requests: 413
  std::size_t max_header_bytes = 16u << 10;     // larger headers: 431
  std::chrono::seconds read_timeout{30};        // a request must arrive within this
  std::chrono::seconds idle_timeout{60};        // keep-alive connections close after this
  std::chrono::seconds drain_timeout{10};       // stop() waits this long for in-flight work
};

/// The [server] section of the configuration as ServerOptions (relative TLS
/// paths resolved against the workdir).
ServerOptions server_options_from_config(const cb::config::Config& cfg);

/// Lower-case hex SHA-256 of a token, as [[server.tokens]] sha256 wants it
/// (`carebridge token hash`).
std::string hash_token(std::string_view token);

/// A fresh random token (32 bytes from the OpenSSL CSPRNG, base64url).
std::string new_token();

/// "viewer", "operator", "admin"; parse_role is false for anything else.
std::string_view to_string(Role r);
bool parse_role(std::string_view text, Role& out);

/// The HTTP server. Not copyable; start() once, stop() once (the destructor
/// stops a running server).
class Server {
 public:
  Server(Backend& backend, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Checks the options (TLS files load, token hashes are 64 hex digits),
  /// binds and starts the threads. Returns the bound port (useful with port 0)
  /// or a diagnostic (API001 cannot bind, API002 TLS set-up, API003 options).
  Result<std::uint16_t> start();

  /// Stops accepting, lets in-flight requests finish (up to drain_timeout),
  /// closes the connections and joins the threads. Idempotent.
  void stop();

  /// The bound port after start(), else 0.
  std::uint16_t port() const;
  bool tls() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cb::http
