// The one list of adapters. Adding a format means adding its folder and one
// line here; a duplicate name fails at start-up.

#include "adapters/canonical_json/canonical_json_adapter.h"
#include "adapters/registry.h"

namespace cb::adapters {

Result<void> register_adapters(Registry& registry) {
  for (auto* add : {&register_canonical_json}) {
    if (auto ok = add(registry); !ok) return ok;
  }
  return {};
}

}  // namespace cb::adapters
