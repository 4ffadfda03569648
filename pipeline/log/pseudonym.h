#pragma once
// Stable pseudonyms for patient identifiers in logs: a keyed hash (HMAC-SHA256
// with a per-installation key) of the normalised identifier, shortened to 8 hex
// digits: "[kvnr:3f2a9c1d]". The same person gives the same token within an
// installation; without the key a token cannot be tied to a person by trying
// all numbers.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace cb::log {

/// What kind of identifier a value is; the kind is part of the token.
enum class IdKind : std::uint8_t {
  kvnr,          // Versichertennummer (German health insurance number), letter + 9 digits
  personnummer,  // Swedish personal identity number (or samordningsnummer)
  cpr,           // Danish CPR number (CPR-nummer)
  name,          // a person's name
};

/// "kvnr", "pnr", "cpr", "name".
std::string_view token_label(IdKind k);

/// The canonical form that is hashed, so that different notations of one
/// identifier give one token: KVNR upper-case without spaces, personnummer as
/// its last 10 digits (YYMMDDNNNN, separator and century dropped), CPR as its
/// 10 digits, names trimmed, inner white space collapsed, ASCII lower-cased.
std::string normalize_identifier(IdKind kind, std::string_view value);

class Pseudonymizer {
 public:
  /// Number of hex digits in a token.
  static constexpr std::size_t kTokenHexDigits = 8;
  /// Shortest key accepted by setup (bytes).
  static constexpr std::size_t kMinKeyBytes = 16;

  /// `key`: the installation's secret, any bytes.
  explicit Pseudonymizer(std::string key);

  /// "[kvnr:3f2a9c1d]" for the value (normalised first).
  std::string token(IdKind kind, std::string_view value) const;

 private:
  std::string key_;
};

/// A fresh random key (32 bytes from the OpenSSL CSPRNG as 64 hex digits) for a
/// new installation to store next to its database.
std::string generate_pseudonym_key();

}  // namespace cb::log
