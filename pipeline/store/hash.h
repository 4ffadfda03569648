#pragma once
// Content hashes for the message store and the migration checksums (OpenSSL).

#include <string>
#include <string_view>

namespace cb::store {

/// SHA-256 of the bytes as 64 lower-case hex digits.
std::string sha256_hex(std::string_view bytes);

}  // namespace cb::store
