#pragma once
// The HTTP API without the network: a request (method, target, headers, body)
// in, a response out. The Server feeds it from Beast; tests may call it
// directly. Authentication, roles, tenants, routing, JSON and the request
// metrics live here; the data comes from a Backend.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/http/auth.h"
#include "pipeline/http/backend.h"
#include "pipeline/http/request_metrics.h"
#include "pipeline/http/server.h"

namespace cb::http {

/// A request as the handler sees it; header names are lower case.
struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query, as sent ("/api/messages?state=rejected")
  std::map<std::string, std::string> headers;
  std::string body;

  /// The header's value or "".
  std::string header(const std::string& lower_name) const;
};

struct Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

/// Who may call a route.
enum class Access : std::uint8_t { open, viewer, operator_, admin };

/// One route the API serves, for the OpenAPI coverage test and the metrics.
struct RouteInfo {
  std::string method;
  std::string pattern;  // "/api/messages/{id}"
  Access access = Access::viewer;
};

class ApiHandler {
 public:
  /// `auth` checks the bearer tokens; `static_dir` overrides the embedded dashboard.
  ApiHandler(Backend& backend, Authenticator auth, std::optional<std::filesystem::path> static_dir);
  ~ApiHandler();

  Response handle(const Request& r);

  /// Every API route (the dashboard's static files are not listed).
  static const std::vector<RouteInfo>& routes();

  RequestMetrics& metrics() { return metrics_; }

  /// A JSON error response {"error":{"code","message"}}.
  static Response error(unsigned status, DiagCode code, const std::string& message);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  RequestMetrics metrics_;
};

/// A file name an upload may carry: not empty, at most 255 bytes, no path
/// separators, no "..", no control characters, not "." — false otherwise.
bool is_safe_file_name(std::string_view name);

/// Percent-decoding of a path segment or query value ('+' as space only when
/// `plus_is_space`); false on a malformed escape.
bool url_decode(std::string_view in, std::string& out, bool plus_is_space);

}  // namespace cb::http
