#pragma once

#include "adapters/registry.h"

namespace cb::adapters {

/// Registers the `canonical-json` adapter (read, write, validate, detect).
Result<void> register_canonical_json(Registry& registry);

}  // namespace cb::adapters
