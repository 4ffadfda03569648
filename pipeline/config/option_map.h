#pragma once
// The configuration values that outlive parsing: a scalar with the place it was
// written (adapter options are kept like this so the adapter's own schema can
// point at the line later) and where each key of a table was written. Split
// from schema.h so that code holding a parsed configuration does not compile
// the TOML parser.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/diag/diagnostic.h"

namespace cb::config {

/// A scalar as written in configuration.
using Scalar = std::variant<bool, std::int64_t, double, std::string>;

/// A scalar with the place it was written; adapter options are kept like this so
/// the adapter's own schema can point at the line later.
struct OptionValue {
  Scalar value;
  Location where;
};
using OptionMap = std::map<std::string, OptionValue, std::less<>>;

/// "a string", "an integer", ... for messages.
std::string_view scalar_type_name(const Scalar& v);
/// The scalar as it would be written in TOML ("text" quoted, numbers plain).
std::string scalar_to_toml(const Scalar& v);

/// Where each key of one table was written; key "" is the table itself.
class KeyLocations {
 public:
  void set(std::string key, Location where);
  bool has(std::string_view key) const;
  /// The key's location; the table's own location when the key is absent.
  const Location& of(std::string_view key) const;

 private:
  std::vector<std::pair<std::string, Location>> entries_;
};

}  // namespace cb::config
