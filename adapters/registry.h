#pragma once
// The adapter registry: the pipeline finds adapters by the name used in the
// route configuration. All adapters are registered in one explicit list
// (register_adapters.cc); a duplicate name is a start-up error.

#include <memory>
#include <string_view>
#include <vector>

#include "adapters/adapter.h"

namespace cb::adapters {

class Registry {
 public:
  /// Adds an adapter; ADP002 (fatal) if its name is taken.
  Result<void> add(std::unique_ptr<Adapter> adapter);
  /// Null when no adapter has that name.
  const Adapter* find(std::string_view name) const;
  /// ADP001 naming the known adapters when there is none.
  Result<const Adapter*> require(std::string_view name) const;
  /// All adapters in registration order.
  std::vector<const Adapter*> list() const;
  /// The adapter whose detect() is most certain (> 0), or null.
  const Adapter* detect(std::string_view bytes) const;

 private:
  std::vector<std::unique_ptr<Adapter>> adapters_;
};

/// Registers every adapter of the project. Fails on a duplicate name.
Result<void> register_adapters(Registry& registry);

/// The process-wide registry, built on first use with register_adapters();
/// throws std::runtime_error at start-up if registration fails.
const Registry& default_registry();

}  // namespace cb::adapters
