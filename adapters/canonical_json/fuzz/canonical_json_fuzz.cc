// Fuzz target: the canonical-JSON reader. Any input must give either documents
// without errors or a rejection with diagnostics; accepted documents must
// survive write → read unchanged.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "adapters/canonical_json/canonical_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto first = cb::adapters::canonical_json::read(text, "fuzz.json");
  if (first.outcome == cb::adapters::Outcome::ok) {
    if (cb::has_errors(first.diagnostics)) std::abort();
    const std::string again = cb::adapters::canonical_json::write(first.documents);
    const auto second = cb::adapters::canonical_json::read(again, "again.json");
    if (second.outcome != cb::adapters::Outcome::ok) std::abort();
    if (!(second.documents == first.documents)) std::abort();
  } else if (first.diagnostics.empty()) {
    std::abort();  // a rejection must say why
  }
  return 0;
}
