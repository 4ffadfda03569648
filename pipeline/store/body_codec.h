#pragma once
// Message bodies at rest. Inbound and outbound bytes are kept compressed
// (zlib) when that saves space; `messages.encoding` says how a body is stored,
// `messages.raw_size` how long it is decoded, and a body pruned by retention is
// an empty blob with `pruned_at` set. Everything that writes or reads
// `messages.bytes` goes through these two functions.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/diag/diagnostic.h"

namespace cb::store {

struct EncodedBody {
  std::string encoding;  // "identity" or "zlib"
  std::string blob;      // what goes into messages.bytes
  std::int64_t raw_size = 0;
};

/// Compresses `bytes` when that makes them smaller (bodies under 64 bytes are
/// kept as they are).
EncodedBody encode_body(std::string_view bytes);

/// The original bytes. STO-coded diagnostic when the encoding is unknown or
/// the blob is corrupt or does not decode to `raw_size` bytes.
Result<std::string> decode_body(std::string_view encoding, std::string_view blob,
                                std::int64_t raw_size);

}  // namespace cb::store
