#include "pipeline/store/body_codec.h"

#include <zlib.h>

namespace cb::store {
namespace {

constexpr std::size_t kCompressFrom = 64;

Unexpected<Diagnostic> corrupt(std::string reason) {
  return fail(DiagCode::StoreBodyCorrupt, std::move(reason));
}

}  // namespace

EncodedBody encode_body(std::string_view bytes) {
  EncodedBody out;
  out.raw_size = static_cast<std::int64_t>(bytes.size());
  if (bytes.size() >= kCompressFrom) {
    uLongf bound = compressBound(static_cast<uLong>(bytes.size()));
    std::string blob(bound, '\0');
    const int rc = compress2(reinterpret_cast<Bytef*>(blob.data()), &bound,
                             reinterpret_cast<const Bytef*>(bytes.data()),
                             static_cast<uLong>(bytes.size()), Z_BEST_SPEED);
    if (rc == Z_OK && bound < bytes.size()) {
      blob.resize(bound);
      out.encoding = "zlib";
      out.blob = std::move(blob);
      return out;
    }
  }
  out.encoding = "identity";
  out.blob.assign(bytes);
  return out;
}

Result<std::string> decode_body(std::string_view encoding, std::string_view blob,
                                std::int64_t raw_size) {
  if (raw_size < 0) return corrupt("negative raw size " + std::to_string(raw_size));
  const auto size = static_cast<std::size_t>(raw_size);
  if (encoding == "identity") {
    if (blob.size() != size) {
      return corrupt("body has " + std::to_string(blob.size()) + " bytes, expected " +
                          std::to_string(size));
    }
    return std::string(blob);
  }
  if (encoding == "zlib") {
    std::string out(size, '\0');
    uLongf got = static_cast<uLongf>(size);
    const int rc = uncompress(reinterpret_cast<Bytef*>(out.data()), &got,
                              reinterpret_cast<const Bytef*>(blob.data()),
                              static_cast<uLong>(blob.size()));
    if (rc != Z_OK || got != size) {
      return corrupt("zlib body does not decode to " + std::to_string(size) + " bytes (" +
                          std::to_string(rc) + ")");
    }
    return out;
  }
  return corrupt("unknown body encoding '" + std::string(encoding) + "'");
}

}  // namespace cb::store
