#pragma once
// TableSet: every mapping table of a tables directory, optionally overlaid by a
// tenant's directory. Loaded once at start-up; read-only afterwards.

#include "core/diag/expected.h"
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diag/diagnostic.h"
#include "mappings/table.h"
#include "mappings/table_schema.h"

namespace cb::mappings {

class TableSet {
 public:
  /// nullptr when the set has no table of that name (no file for it).
  const Table* find(std::string_view name) const;
  /// Throws std::out_of_range when absent: for tables the program cannot run without.
  const Table& at(std::string_view name) const;
  bool contains(std::string_view name) const { return find(name) != nullptr; }
  std::vector<std::string> names() const;
  std::size_t size() const { return tables_.size(); }
  /// The registry the set was loaded with, plus the schemas declared in files.
  const SchemaRegistry& schemas() const { return schemas_; }

  /// Adds or replaces a table.
  void put(Table table);
  void set_schemas(SchemaRegistry schemas) { schemas_ = std::move(schemas); }

 private:
  std::map<std::string, Table, std::less<>> tables_;
  SchemaRegistry schemas_;
};

/// Loads every table of `dir`: `<name>.schema.toml` files declare tables beyond
/// `registry`, `<name>.csv` / `<name>.toml` hold data; other files are ignored.
/// With `tenant_dir`, its files are loaded and validated the same way (it may
/// declare its own tables too) and overlaid table by table (Table::overlay).
/// Any error anywhere fails the whole load with every diagnostic found.
cb::Expected<TableSet, Diagnostics> load_tables(
    const std::filesystem::path& dir, const std::optional<std::filesystem::path>& tenant_dir,
    const SchemaRegistry& registry);

/// lookup(set, "vat_product_group", "DE", "standard", date): nullptr when the
/// set has no such table or no row matches.
template <class... A>
const Row* lookup(const TableSet& set, std::string_view table, const A&... args) {
  const Table* t = set.find(table);
  return t == nullptr ? nullptr : lookup(*t, args...);
}

}  // namespace cb::mappings
