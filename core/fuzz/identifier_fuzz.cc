// Fuzz target: check_id for every identifier kind over arbitrary bytes.
// Aborts when a valid result's normalized form does not re-parse as valid to
// the same normalized form, when a result is inconsistent (valid without facts,
// invalid without a problem), when a rejection carries a code outside
// IDN001–IDN004 or a column past the end of the input, or when a KVNR
// diagnostic echoes the number.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/value/identifiers.h"

namespace {

bool is_idn_rejection(cb::DiagCode c) {
  return c == cb::DiagCode::IdLength || c == cb::DiagCode::IdCharacters ||
         c == cb::DiagCode::IdCheckDigit || c == cb::DiagCode::IdStructure;
}

/// Text that looks like a KVNR: 10 characters, at least 8 digits.
bool kvnr_like(std::string_view s) {
  if (s.size() != 10) return false;
  std::size_t digits = 0;
  for (char c : s) digits += (c >= '0' && c <= '9') ? 1 : 0;
  return digits >= 8;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (cb::IdKind kind : cb::kAllIdKinds) {
    const cb::IdCheck c = cb::check_id(kind, input);
    if (c.valid) {
      if (c.problem || c.facts.empty() || c.normalized.empty()) std::abort();
      const cb::IdCheck again = cb::check_id(kind, c.normalized);
      if (!again.valid || again.normalized != c.normalized) std::abort();
    } else {
      if (!c.problem || !c.normalized.empty()) std::abort();
      if (!is_idn_rejection(c.problem->code)) std::abort();
      if (c.problem->where.column > size + 1) std::abort();
      if (c.problem->message.empty()) std::abort();
      if (kind == cb::IdKind::kvnr && kvnr_like(input) &&
          c.problem->to_string().find(input) != std::string::npos) {
        std::abort();
      }
    }
  }
  return 0;
}
