#include "mappings/table.h"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace cb::mappings {
namespace {

std::string show_key(const std::vector<std::string>& key) {
  std::string out = "(";
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (i > 0) out += ", ";
    out += key[i];
  }
  out += ")";
  return out;
}

std::string show_range(const Date& from, const std::optional<Date>& to) {
  return from.to_string() + ".." + (to ? to->to_string() : std::string("open end"));
}

bool overlaps(const Row& a, const Row& b) {
  const auto a_to = a.valid_to();
  const auto b_to = b.valid_to();
  return (!a_to || b.valid_from() <= *a_to) && (!b_to || a.valid_from() <= *b_to);
}

}  // namespace

// --- Row

const Value& Row::checked(std::string_view column, ColumnType a, ColumnType b) const {
  const auto i = schema_->column_index(column);
  if (!i) {
    throw std::logic_error("mapping table '" + schema_->name() + "' has no column '" +
                           std::string(column) + "'");
  }
  const Column& col = schema_->column(*i);
  if (col.type != a && col.type != b) {
    throw std::logic_error("column '" + std::string(column) + "' of mapping table '" +
                           schema_->name() + "' has type " + std::string(to_string(col.type)) +
                           ", not " + std::string(to_string(a)));
  }
  const Value& v = cells_[*i];
  return std::holds_alternative<std::monostate>(v) ? col.default_value : v;
}

std::optional<std::string_view> Row::get_string(std::string_view column) const {
  const Value& v = checked(column, ColumnType::string, ColumnType::code);
  if (const auto* s = std::get_if<std::string>(&v)) return std::string_view(*s);
  return std::nullopt;
}

std::optional<Decimal> Row::get_decimal(std::string_view column) const {
  const Value& v = checked(column, ColumnType::decimal, ColumnType::decimal);
  if (const auto* d = std::get_if<Decimal>(&v)) return *d;
  return std::nullopt;
}

std::optional<Date> Row::get_date(std::string_view column) const {
  const Value& v = checked(column, ColumnType::date, ColumnType::date);
  if (const auto* d = std::get_if<Date>(&v)) return *d;
  return std::nullopt;
}

std::optional<std::int64_t> Row::get_int(std::string_view column) const {
  const Value& v = checked(column, ColumnType::integer, ColumnType::integer);
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  return std::nullopt;
}

std::optional<bool> Row::get_bool(std::string_view column) const {
  const Value& v = checked(column, ColumnType::boolean, ColumnType::boolean);
  if (const auto* b = std::get_if<bool>(&v)) return *b;
  return std::nullopt;
}

bool Row::is_empty(std::string_view column) const {
  const auto i = schema_->column_index(column);
  if (!i) {
    throw std::logic_error("mapping table '" + schema_->name() + "' has no column '" +
                           std::string(column) + "'");
  }
  return std::holds_alternative<std::monostate>(cells_[*i]);
}

std::vector<std::string> Row::key() const {
  std::vector<std::string> out;
  for (std::size_t i : schema_->key_columns()) out.push_back(canonical_text(cells_[i]));
  return out;
}

Date Row::valid_from() const {
  if (!schema_->has_validity()) return Date::min();
  if (const auto* d = std::get_if<Date>(&cells_[schema_->valid_from_index()])) return *d;
  return Date::min();
}

std::optional<Date> Row::valid_to() const {
  if (!schema_->has_validity()) return std::nullopt;
  if (const auto* d = std::get_if<Date>(&cells_[schema_->valid_to_index()])) return *d;
  return std::nullopt;
}

bool Row::valid_on(Date d) const {
  if (!schema_->has_validity()) return true;
  const auto to = valid_to();
  return valid_from() <= d && (!to || d <= *to);
}

// --- Table

std::optional<Table> Table::build(std::shared_ptr<const TableSchema> schema,
                                  const std::string& file, std::vector<RowDraft> drafts,
                                  Diagnostics& errors) {
  const std::size_t errors_before = errors.size();
  const TableSchema& s = *schema;
  Table t;
  t.schema_ = std::move(schema);
  t.files_.push_back(file);
  std::vector<Location> first_key_where;

  for (auto& draft : drafts) {
    bool ok = true;
    for (std::size_t i = 0; i < s.columns().size(); ++i) {
      if (s.is_mandatory(i) && std::holds_alternative<std::monostate>(draft.cells[i])) {
        errors.push_back(Diagnostic::make(
            DiagCode::MapMissingValue, "no value for mandatory column '" + s.column(i).name + "'",
            draft.where[i]));
        ok = false;
      }
    }
    if (ok && s.has_validity()) {
      const auto* from = std::get_if<Date>(&draft.cells[s.valid_from_index()]);
      const auto* to = std::get_if<Date>(&draft.cells[s.valid_to_index()]);
      if (from && to && *to < *from) {
        errors.push_back(Diagnostic::make(
            DiagCode::MapValidityOrder,
            "valid_to " + to->to_string() + " lies before valid_from " + from->to_string(),
            draft.where[s.valid_to_index()]));
        ok = false;
      }
    }
    if (!ok) continue;
    first_key_where.push_back(draft.where[s.key_columns().front()]);
    t.rows_.emplace_back(t.schema_.get(), std::move(draft.cells), file, draft.line);
  }

  t.index_rows();
  for (const auto& [key, indices] : t.index_) {
    if (!s.has_validity()) {
      for (std::size_t k = 1; k < indices.size(); ++k) {
        const Row& first = t.rows_[indices[0]];
        errors.push_back(Diagnostic::make(
            DiagCode::MapDuplicateKey,
            "key " + show_key(key) + " is already defined on line " + std::to_string(first.line()),
            first_key_where[indices[k]]));
      }
      continue;
    }
    // Sorted by valid_from: a row overlaps an earlier one exactly when it starts
    // on or before the furthest end reached so far.
    std::optional<std::size_t> furthest;
    for (std::size_t idx : indices) {
      const Row& row = t.rows_[idx];
      if (furthest && overlaps(t.rows_[*furthest], row)) {
        const Row& other = t.rows_[*furthest];
        const Row& later = other.line() > row.line() ? other : row;
        const Row& earlier = other.line() > row.line() ? row : other;
        const std::size_t later_idx = other.line() > row.line() ? *furthest : idx;
        errors.push_back(Diagnostic::make(
            DiagCode::MapOverlappingValidity,
            "key " + show_key(key) + ": " + show_range(later.valid_from(), later.valid_to()) +
                " overlaps " + show_range(earlier.valid_from(), earlier.valid_to()) + " on line " +
                std::to_string(earlier.line()),
            first_key_where[later_idx]));
      }
      if (!furthest) {
        furthest = idx;
      } else {
        const auto cur_to = t.rows_[*furthest].valid_to();
        const auto row_to = row.valid_to();
        if (cur_to && (!row_to || *cur_to < *row_to)) furthest = idx;
      }
    }
  }
  if (errors.size() != errors_before) return std::nullopt;
  return t;
}

void Table::index_rows() {
  index_.clear();
  for (std::size_t i = 0; i < rows_.size(); ++i) index_[rows_[i].key()].push_back(i);
  if (schema_->has_validity()) {
    for (auto& [key, indices] : index_) {
      std::ranges::stable_sort(indices, [this](std::size_t a, std::size_t b) {
        return rows_[a].valid_from() < rows_[b].valid_from();
      });
    }
  }
}

Table Table::overlay(const Table& base, const Table& tenant) {
  Table t;
  t.schema_ = base.schema_;
  t.files_ = base.files_;
  t.files_.insert(t.files_.end(), tenant.files_.begin(), tenant.files_.end());
  std::set<std::vector<std::string>> replaced;
  for (const auto& [key, tenant_rows] : tenant.index_) {
    auto it = base.index_.find(key);
    if (it == base.index_.end()) continue;
    if (!base.schema_->has_validity()) {
      replaced.insert(key);
      continue;
    }
    const bool any_overlap = std::ranges::any_of(tenant_rows, [&](std::size_t ti) {
      return std::ranges::any_of(
          it->second, [&](std::size_t bi) { return overlaps(tenant.rows_[ti], base.rows_[bi]); });
    });
    if (any_overlap) replaced.insert(key);
  }
  for (const Row& r : base.rows_) {
    if (!replaced.contains(r.key()))
      t.rows_.emplace_back(t.schema_.get(), r.cells(), r.file(), r.line());
  }
  for (const Row& r : tenant.rows_)
    t.rows_.emplace_back(t.schema_.get(), r.cells(), r.file(), r.line());
  t.index_rows();
  return t;
}

std::optional<std::vector<std::string>> Table::canonical_key(
    std::span<const std::string_view> key) const {
  const auto& cols = schema_->key_columns();
  if (key.size() != cols.size()) {
    throw std::logic_error("mapping table '" + schema_->name() + "' has " +
                           std::to_string(cols.size()) + " key column(s), lookup gave " +
                           std::to_string(key.size()));
  }
  std::vector<std::string> out;
  out.reserve(key.size());
  for (std::size_t i = 0; i < key.size(); ++i) {
    auto v = parse_value(key[i], schema_->column(cols[i]).type);
    if (!v || std::holds_alternative<std::monostate>(*v)) return std::nullopt;
    out.push_back(canonical_text(*v));
  }
  return out;
}

const std::vector<std::size_t>* Table::rows_of(std::span<const std::string_view> key) const {
  auto k = canonical_key(key);
  if (!k) return nullptr;
  auto it = index_.find(*k);
  return it == index_.end() ? nullptr : &it->second;
}

const Row* Table::find(std::span<const std::string_view> key, Date on) const {
  const auto* indices = rows_of(key);
  if (!indices) return nullptr;
  for (std::size_t i : *indices) {
    if (rows_[i].valid_on(on)) return &rows_[i];
  }
  return nullptr;
}

const Row* Table::find(std::span<const std::string_view> key) const {
  if (schema_->has_validity()) {
    throw std::logic_error("mapping table '" + schema_->name() +
                           "' has validity ranges: look it up with a date");
  }
  const auto* indices = rows_of(key);
  if (!indices || indices->empty()) return nullptr;
  return &rows_[indices->front()];
}

std::vector<const Row*> Table::history(std::span<const std::string_view> key) const {
  std::vector<const Row*> out;
  if (const auto* indices = rows_of(key)) {
    for (std::size_t i : *indices) out.push_back(&rows_[i]);
  }
  return out;
}

}  // namespace cb::mappings
