#include "pipeline/log/pseudonym.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace cb::log {
namespace {

constexpr char kHex[] = "0123456789abcdef";

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string digits_only(std::string_view v) {
  std::string out;
  for (char c : v)
    if (c >= '0' && c <= '9') out += c;
  return out;
}

}  // namespace

std::string_view token_label(IdKind k) {
  switch (k) {
    case IdKind::kvnr:
      return "kvnr";
    case IdKind::personnummer:
      return "pnr";
    case IdKind::cpr:
      return "cpr";
    case IdKind::name:
      return "name";
  }
  return "id";
}

std::string normalize_identifier(IdKind kind, std::string_view value) {
  switch (kind) {
    case IdKind::kvnr: {
      std::string out;
      for (char c : value) {
        if (is_space(c)) continue;
        out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
      }
      return out;
    }
    case IdKind::personnummer: {
      std::string d = digits_only(value);
      return d.size() > 10 ? d.substr(d.size() - 10) : d;
    }
    case IdKind::cpr:
      return digits_only(value);
    case IdKind::name: {
      std::string out;
      bool pending_space = false;
      for (char c : value) {
        if (is_space(c)) {
          pending_space = !out.empty();
          continue;
        }
        if (pending_space) out += ' ';
        pending_space = false;
        out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      }
      return out;
    }
  }
  return std::string(value);
}

Pseudonymizer::Pseudonymizer(std::string key) : key_(std::move(key)) {}

std::string Pseudonymizer::token(IdKind kind, std::string_view value) const {
  const std::string_view label = token_label(kind);
  std::string input(label);
  input += ':';
  input += normalize_identifier(kind, value);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  const auto* ok =
      HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
           reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &mac_len);
  std::string out = "[";
  out += label;
  out += ':';
  if (!ok || mac_len * 2 < kTokenHexDigits) {
    out += "redacted]";
    return out;
  }
  for (std::size_t i = 0; i < kTokenHexDigits / 2; ++i) {
    out += kHex[mac[i] >> 4];
    out += kHex[mac[i] & 0xf];
  }
  out += ']';
  return out;
}

std::string generate_pseudonym_key() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
  std::string out;
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
  }
  return out;
}

}  // namespace cb::log
