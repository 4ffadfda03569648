#pragma once
// Bearer-token authentication for the HTTP API: the configuration holds only
// the SHA-256 of each token; a presented token is hashed and compared with
// every configured hash in constant time (no early exit, no timing hint about
// which token or how many bytes matched).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diag/diagnostic.h"
#include "pipeline/http/backend.h"
#include "pipeline/http/server.h"

namespace cb::http {

/// Who is calling: the token's name, role and tenant ("" = every tenant).
struct Caller {
  std::string name;
  Role role = Role::viewer;
  std::string tenant;

  /// "token:<name>", for the audit trail.
  std::string actor() const { return "token:" + name; }
  bool all_tenants() const { return tenant.empty(); }
};

/// The configured tokens, ready to check presented ones.
class Authenticator {
 public:
  /// Fails (API003) when a hash is not 64 hex digits, a name is used twice,
  /// or a non-admin token has no tenant.
  static Result<Authenticator> make(const std::vector<ApiToken>& tokens);

  /// The caller for an Authorization header value ("Bearer <token>"), or
  /// nullopt when it is missing, malformed or matches no token.
  std::optional<Caller> authenticate(std::string_view authorization_header) const;

 private:
  struct Entry {
    Caller caller;
    std::array<unsigned char, 32> digest{};
  };
  std::vector<Entry> entries_;
};

/// SHA-256 of `data` as 32 bytes.
std::array<unsigned char, 32> sha256(std::string_view data);

}  // namespace cb::http
