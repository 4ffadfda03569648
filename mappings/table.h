#pragma once
// A loaded, validated mapping table: rows of typed cells with a key index and,
// for tables with validity ranges, lookups by date.

#include <cstddef>
#include <cstdint>
#include "core/diag/expected.h"
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/diag/diagnostic.h"
#include "core/value/date.h"
#include "core/value/decimal.h"
#include "mappings/table_schema.h"

namespace cb::mappings {

/// One row of a table. The typed accessors take a column name; asking for a
/// column the schema does not have, or with the wrong type, is a defect of the
/// caller and throws std::logic_error. An empty cell gives the column default,
/// and std::nullopt when the column has none.
class Row {
 public:
  Row(const TableSchema* schema, std::vector<Value> cells, std::string file, std::uint32_t line)
      : schema_(schema), cells_(std::move(cells)), file_(std::move(file)), line_(line) {}

  /// For string and code columns.
  std::optional<std::string_view> get_string(std::string_view column) const;
  std::optional<Decimal> get_decimal(std::string_view column) const;
  std::optional<Date> get_date(std::string_view column) const;
  std::optional<std::int64_t> get_int(std::string_view column) const;
  std::optional<bool> get_bool(std::string_view column) const;
  /// True when the cell is empty (whether or not the column has a default).
  bool is_empty(std::string_view column) const;

  /// The cell as stored (std::monostate when empty, default not applied).
  const Value& cell(std::size_t column_index) const { return cells_[column_index]; }
  const std::vector<Value>& cells() const { return cells_; }
  /// The canonical texts of the key cells, in key column order.
  std::vector<std::string> key() const;

  /// Validity range (tables with validity only; otherwise Date::min()/nullopt).
  Date valid_from() const;
  /// nullopt = open end.
  std::optional<Date> valid_to() const;
  bool valid_on(Date d) const;

  /// Where the row was defined: the file and its first line.
  const std::string& file() const { return file_; }
  std::uint32_t line() const { return line_; }
  const TableSchema& schema() const { return *schema_; }

 private:
  const Value& checked(std::string_view column, ColumnType a, ColumnType b) const;
  const TableSchema* schema_;
  std::vector<Value> cells_;
  std::string file_;
  std::uint32_t line_;
};

/// A row as a reader produced it, before the table-level checks.
struct RowDraft {
  std::uint32_t line = 0;
  /// One per schema column; std::monostate = empty.
  std::vector<Value> cells;
  /// Per schema column: where its value stands (the row's place when absent).
  std::vector<Location> where;
};

/// A validated table. Rows keep file order; the key index is ordered.
class Table {
 public:
  /// Runs the table-level checks over the drafts: mandatory values (MAP009),
  /// valid_to before valid_from (MAP011), duplicate keys (MAP005) and, for
  /// tables with validity, overlapping ranges of the same key (MAP006). Every
  /// error is appended to `errors`; the table is returned only without errors.
  static std::optional<Table> build(std::shared_ptr<const TableSchema> schema,
                                    const std::string& file, std::vector<RowDraft> drafts,
                                    Diagnostics& errors);

  /// Applies a tenant's table over a base table (same schema). Without validity
  /// a tenant row replaces the base row of its key. With validity, when any
  /// tenant row of a key overlaps any base row of that key, the tenant's rows
  /// replace all base rows of the key; otherwise the tenant rows are added to
  /// the key's history. New keys are added.
  static Table overlay(const Table& base, const Table& tenant);

  const TableSchema& schema() const { return *schema_; }
  const std::string& name() const { return schema_->name(); }
  const std::vector<Row>& rows() const { return rows_; }
  std::size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }
  /// The files the rows came from (base first, then a tenant's).
  const std::vector<std::string>& files() const { return files_; }

  /// The row of `key` (one text per key column, parsed by the column's type:
  /// "007" finds integer key 7) valid on `on`; nullptr when none. For tables
  /// without validity the date is ignored. A wrong number of key values throws
  /// std::logic_error.
  const Row* find(std::span<const std::string_view> key, Date on) const;
  /// The row of `key` in a table without validity; throws std::logic_error when
  /// the table has validity ranges (a lookup there needs a date).
  const Row* find(std::span<const std::string_view> key) const;
  const Row* find(std::initializer_list<std::string_view> key, Date on) const {
    return find(std::span<const std::string_view>(key.begin(), key.size()), on);
  }
  const Row* find(std::initializer_list<std::string_view> key) const {
    return find(std::span<const std::string_view>(key.begin(), key.size()));
  }
  /// Every row of `key`, ordered by valid_from (file order without validity).
  std::vector<const Row*> history(std::span<const std::string_view> key) const;

 private:
  Table() = default;
  void index_rows();
  std::optional<std::vector<std::string>> canonical_key(
      std::span<const std::string_view> key) const;
  const std::vector<std::size_t>* rows_of(std::span<const std::string_view> key) const;

  std::shared_ptr<const TableSchema> schema_;
  std::vector<Row> rows_;
  std::vector<std::string> files_;
  std::map<std::vector<std::string>, std::vector<std::size_t>> index_;
};

namespace detail {
template <class... A>
struct LastIsDate : std::false_type {};
template <class... A>
requires(sizeof...(A) > 0) struct LastIsDate<A...>
    : std::is_same<std::remove_cvref_t<std::tuple_element_t<sizeof...(A) - 1, std::tuple<A...>>>,
                   Date> {
};

template <class Tuple, std::size_t... I>
const Row* lookup_impl(const Table& table, const Tuple& args, std::index_sequence<I...>,
                       const Date* on) {
  const std::string_view key[] = {std::string_view(std::get<I>(args))..., std::string_view()};
  const std::span<const std::string_view> span(key, sizeof...(I));
  return on ? table.find(span, *on) : table.find(span);
}
}  // namespace detail

/// lookup(vat, "DE", "standard", date) → the row valid on date, or nullptr;
/// lookup(iso, "12") for a table without validity. Key values are anything
/// convertible to std::string_view; a trailing Date makes it a dated lookup.
template <class... A>
const Row* lookup(const Table& table, const A&... args) {
  auto tuple = std::tie(args...);
  if constexpr (detail::LastIsDate<A...>::value) {
    const Date& on = std::get<sizeof...(A) - 1>(tuple);
    return detail::lookup_impl(table, tuple, std::make_index_sequence<sizeof...(A) - 1>{}, &on);
  } else {
    return detail::lookup_impl(table, tuple, std::make_index_sequence<sizeof...(A)>{}, nullptr);
  }
}

}  // namespace cb::mappings
