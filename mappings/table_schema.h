#pragma once
// Table schemas: the declared shape of a mapping table (columns with type, key
// flag, required flag, default, description; optional validity range), and the
// registry of the tables a program knows. See mappings/README.md.

#include <cstddef>
#include <cstdint>
#include "core/diag/expected.h"
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/diag/diagnostic.h"
#include "core/value/date.h"
#include "core/value/decimal.h"

namespace cb::mappings {

enum class ColumnType : std::uint8_t {
  string,   ///< any UTF-8 text
  integer,  ///< signed 64-bit, decimal digits, no grouping
  decimal,  ///< exact decimal via cb::Decimal::parse ("19.00", "7,5")
  date,     ///< via cb::Date::parse (ISO, German or compact)
  boolean,  ///< true/false, yes/no, 1/0 (case-insensitive)
  code,     ///< non-empty token of [A-Za-z0-9_.:/§-]
};

/// "string", "integer", "decimal", "date", "bool", "code".
std::string_view to_string(ColumnType t);
/// The inverse of to_string(ColumnType); nullopt for an unknown name.
std::optional<ColumnType> column_type_from_string(std::string_view name);

/// A typed cell. std::monostate is the empty cell; string and code columns hold
/// std::string, integer std::int64_t, decimal Decimal, date Date, bool bool.
using Value = std::variant<std::monostate, std::string, std::int64_t, Decimal, Date, bool>;

/// Parses one cell's text as `type`. Empty text gives the empty cell. On failure
/// the message says why, quoting the text and naming the type (no location: the
/// caller adds it).
cb::Expected<Value, std::string> parse_value(std::string_view text, ColumnType type);

/// The canonical text of a value, used for keys and messages: integers in decimal,
/// decimals normalized ("19" for 19.00), dates ISO, bools "true"/"false", "" empty.
std::string canonical_text(const Value& v);

/// Names of the two validity columns added to a table with validity ranges.
inline constexpr std::string_view kValidFrom = "valid_from";
inline constexpr std::string_view kValidTo = "valid_to";

/// One declared column.
struct Column {
  std::string name;
  ColumnType type = ColumnType::string;
  /// Part of the table key. Key columns are always required and have no default.
  bool key = false;
  /// The column must appear in the file, and every row must give a value.
  bool required = false;
  /// The value an empty cell stands for, as text parsed by the column type;
  /// empty = no default. Filled into default_value by TableSchema::make.
  std::string default_text;
  std::string description;
  /// The parsed default (std::monostate when there is none).
  Value default_value;

  /// A key column (always required, no default).
  static Column key_column(std::string name, ColumnType type, std::string description = {});
  /// A column every row must fill.
  static Column required_column(std::string name, ColumnType type, std::string description = {});
  /// A column that may be empty or left out; `default_text` fills empty cells.
  static Column optional_column(std::string name, ColumnType type, std::string description = {},
                                std::string default_text = {});
};

/// The declared shape of one mapping table. Built only through make(), which
/// checks the declaration; a TableSchema is therefore always consistent.
class TableSchema {
 public:
  /// Checks a declaration and completes it: names are tokens of [a-z0-9_],
  /// column names are unique, at least one key column, key columns without
  /// default, defaults parse by their column type, `valid_from`/`valid_to` are
  /// not declared by hand. With `has_validity` the two date columns valid_from
  /// (required) and valid_to (optional, empty = open end) are appended.
  /// Errors are MAP012 diagnostics located at `where` (the schema file, if any).
  static cb::Expected<TableSchema, Diagnostics> make(std::string name, std::vector<Column> columns,
                                                      bool has_validity,
                                                      std::string description = {},
                                                      Location where = {});

  const std::string& name() const { return name_; }
  const std::string& description() const { return description_; }
  bool has_validity() const { return has_validity_; }
  /// All columns in declaration order, valid_from/valid_to last when present.
  const std::vector<Column>& columns() const { return columns_; }
  const Column& column(std::size_t i) const { return columns_[i]; }
  std::optional<std::size_t> column_index(std::string_view name) const;
  /// Indices of the key columns, in declaration order.
  const std::vector<std::size_t>& key_columns() const { return key_columns_; }
  /// Index of valid_from / valid_to; only meaningful when has_validity().
  std::size_t valid_from_index() const { return valid_from_; }
  std::size_t valid_to_index() const { return valid_to_; }
  /// A column that must be present in a CSV header: key, required or valid_from.
  bool is_mandatory(std::size_t i) const { return columns_[i].key || columns_[i].required; }

 private:
  TableSchema() = default;
  std::string name_;
  std::string description_;
  bool has_validity_ = false;
  std::vector<Column> columns_;
  std::vector<std::size_t> key_columns_;
  std::size_t valid_from_ = 0;
  std::size_t valid_to_ = 0;
};

/// The tables a program knows, by name. Copying is cheap (shared schemas).
class SchemaRegistry {
 public:
  /// Adds a schema; a name already present fails with MAP012 at `where`.
  Result<void> add(TableSchema schema, Location where = {});
  /// nullptr when unknown.
  const TableSchema* find(std::string_view name) const;
  std::shared_ptr<const TableSchema> get(std::string_view name) const;
  std::vector<std::string> names() const;
  std::size_t size() const { return schemas_.size(); }

 private:
  std::map<std::string, std::shared_ptr<const TableSchema>, std::less<>> schemas_;
};

}  // namespace cb::mappings
