#include "pipeline/http/auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <set>
#include <stdexcept>

namespace cb::http {

std::array<unsigned char, 32> sha256(std::string_view data) {
  std::array<unsigned char, 32> out{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr);
  return out;
}

std::string hash_token(std::string_view token) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char b : sha256(token)) {
    hex += kHex[b >> 4];
    hex += kHex[b & 0xF];
  }
  return hex;
}

std::string new_token() {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::array<unsigned char, 32> raw{};
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) {
    throw std::runtime_error("the random number generator failed");
  }
  std::string out;
  // 6 bits per character; 43 characters carry the 256 bits.
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char b : raw) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(acc >> bits) & 0x3F];
    }
  }
  if (bits > 0) out += kAlphabet[(acc << (6 - bits)) & 0x3F];
  return out;
}

std::string_view to_string(Role r) {
  switch (r) {
    case Role::viewer: return "viewer";
    case Role::operator_: return "operator";
    case Role::admin: return "admin";
  }
  return "viewer";
}

bool parse_role(std::string_view text, Role& out) {
  if (text == "viewer") out = Role::viewer;
  else if (text == "operator") out = Role::operator_;
  else if (text == "admin") out = Role::admin;
  else return false;
  return true;
}

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<Authenticator> Authenticator::make(const std::vector<ApiToken>& tokens) {
  Authenticator a;
  std::set<std::string> names;
  for (const auto& t : tokens) {
    const std::string where = "server.tokens '" + t.name + "'";
    if (t.name.empty()) return fail(DiagCode::ApiOptions, "a server token has no name");
    if (!names.insert(t.name).second) {
      return fail(DiagCode::ApiOptions, where + ": the name is used twice");
    }
    if (t.tenant.empty() && t.role != Role::admin) {
      return fail(DiagCode::ApiOptions,
                  where + ": only an admin token may be without a tenant");
    }
    if (t.sha256.size() != 64) {
      return fail(DiagCode::ApiOptions, where + ": sha256 must be 64 hex digits");
    }
    Entry e{Caller{t.name, t.role, t.tenant}, {}};
    for (std::size_t i = 0; i < 32; ++i) {
      const int hi = hex_value(t.sha256[2 * i]);
      const int lo = hex_value(t.sha256[2 * i + 1]);
      if (hi < 0 || lo < 0) {
        return fail(DiagCode::ApiOptions, where + ": sha256 must be 64 hex digits");
      }
      e.digest[i] = static_cast<unsigned char>(hi * 16 + lo);
    }
    a.entries_.push_back(std::move(e));
  }
  return a;
}

std::optional<Caller> Authenticator::authenticate(std::string_view header) const {
  constexpr std::string_view kScheme = "Bearer ";
  if (header.size() <= kScheme.size()) return std::nullopt;
  // The scheme is case-insensitive (RFC 9110 §11.1).
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    const char c = header[i];
    const char want = kScheme[i];
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    const char want_lower =
        (want >= 'A' && want <= 'Z') ? static_cast<char>(want - 'A' + 'a') : want;
    if (lower != want_lower) return std::nullopt;
  }
  std::string_view token = header.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty()) return std::nullopt;
  const auto digest = sha256(token);
  const Entry* found = nullptr;
  for (const auto& e : entries_) {
    // Every entry is compared, whatever matched before.
    const bool same = CRYPTO_memcmp(e.digest.data(), digest.data(), digest.size()) == 0;
    if (same) found = &e;
  }
  if (!found) return std::nullopt;
  return found->caller;
}

}  // namespace cb::http
