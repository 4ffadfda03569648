#include "mappings/table_schema.h"

#include <algorithm>
#include <charconv>
#include <set>
#include <utility>

namespace cb::mappings {
namespace {

bool is_name_token(std::string_view s) {
  if (s.empty()) return false;
  return std::ranges::all_of(
      s, [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

bool is_code_token(std::string_view s) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '_' || c == '.' || c == ':' || c == '/' || c == '-';
    if (plain) continue;
    // '§' is U+00A7, in UTF-8 the two bytes C2 A7.
    if (c == '\xC2' && i + 1 < s.size() && s[i + 1] == '\xA7') {
      ++i;
      continue;
    }
    return false;
  }
  return true;
}

char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ascii_lower(x) == ascii_lower(y);
         });
}

std::string quoted(std::string_view text) {
  std::string out = "'";
  out += text;
  out += "'";
  return out;
}

}  // namespace

std::string_view to_string(ColumnType t) {
  switch (t) {
    case ColumnType::string:
      return "string";
    case ColumnType::integer:
      return "integer";
    case ColumnType::decimal:
      return "decimal";
    case ColumnType::date:
      return "date";
    case ColumnType::boolean:
      return "bool";
    case ColumnType::code:
      return "code";
  }
  return "string";
}

std::optional<ColumnType> column_type_from_string(std::string_view name) {
  for (auto t : {ColumnType::string, ColumnType::integer, ColumnType::decimal, ColumnType::date,
                 ColumnType::boolean, ColumnType::code}) {
    if (to_string(t) == name) return t;
  }
  return std::nullopt;
}

cb::Expected<Value, std::string> parse_value(std::string_view text, ColumnType type) {
  if (text.empty()) return Value{};
  const auto bad = [&](std::string_view why) {
    std::string msg = quoted(text) + " is not a valid " + std::string(to_string(type));
    if (!why.empty()) {
      msg += ": ";
      msg += why;
    }
    return cb::Unexpected(std::move(msg));
  };
  switch (type) {
    case ColumnType::string:
      return Value{std::string(text)};
    case ColumnType::code:
      if (!is_code_token(text)) return bad("a code is a token of A-Z a-z 0-9 _ . : / § -");
      return Value{std::string(text)};
    case ColumnType::integer: {
      std::string_view digits = text;
      if (digits.front() == '+') {
        digits.remove_prefix(1);
        if (digits.empty() || digits.front() < '0' || digits.front() > '9') return bad("");
      }
      std::int64_t v = 0;
      const auto* end = digits.data() + digits.size();
      auto [ptr, ec] = std::from_chars(digits.data(), end, v);
      if (ec == std::errc::result_out_of_range) return bad("out of the 64-bit range");
      if (ec != std::errc{} || ptr != end) return bad("");
      return Value{v};
    }
    case ColumnType::decimal: {
      auto d = Decimal::parse(text);
      if (!d) return bad(d.error().message);
      return Value{*d};
    }
    case ColumnType::date: {
      auto d = Date::parse(text);
      if (!d) return bad(d.error().message);
      return Value{*d};
    }
    case ColumnType::boolean:
      if (iequals(text, "true") || iequals(text, "yes") || text == "1") return Value{true};
      if (iequals(text, "false") || iequals(text, "no") || text == "0") return Value{false};
      return bad("use true/false, yes/no or 1/0");
  }
  return bad("");
}

std::string canonical_text(const Value& v) {
  struct Visitor {
    std::string operator()(std::monostate) const { return {}; }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(const Decimal& d) const { return d.normalized().to_string(); }
    std::string operator()(const Date& d) const { return d.to_string(); }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
  };
  return std::visit(Visitor{}, v);
}

Column Column::key_column(std::string name, ColumnType type, std::string description) {
  Column c;
  c.name = std::move(name);
  c.type = type;
  c.key = true;
  c.required = true;
  c.description = std::move(description);
  return c;
}

Column Column::required_column(std::string name, ColumnType type, std::string description) {
  Column c = key_column(std::move(name), type, std::move(description));
  c.key = false;
  return c;
}

Column Column::optional_column(std::string name, ColumnType type, std::string description,
                               std::string default_text) {
  Column c;
  c.name = std::move(name);
  c.type = type;
  c.description = std::move(description);
  c.default_text = std::move(default_text);
  return c;
}

cb::Expected<TableSchema, Diagnostics> TableSchema::make(std::string name,
                                                          std::vector<Column> columns,
                                                          bool has_validity,
                                                          std::string description, Location where) {
  Diagnostics errors;
  const auto error = [&](std::string msg) {
    errors.push_back(
        Diagnostic::make(DiagCode::MapBadSchema, "table '" + name + "': " + msg, where));
  };
  if (!is_name_token(name)) error("the table name must be a non-empty token of a-z 0-9 _");
  std::set<std::string, std::less<>> seen;
  bool any_key = false;
  for (auto& col : columns) {
    if (!is_name_token(col.name)) {
      error("column name " + quoted(col.name) + " must be a non-empty token of a-z 0-9 _");
    }
    if (col.name == kValidFrom || col.name == kValidTo) {
      error("column " + quoted(col.name) +
            " is reserved: declare validity ranges with the table's validity flag");
    }
    if (!seen.insert(col.name).second) error("column " + quoted(col.name) + " is declared twice");
    if (col.key) {
      any_key = true;
      col.required = true;
      if (!col.default_text.empty())
        error("key column " + quoted(col.name) + " cannot have a default");
    }
    if (!col.default_text.empty()) {
      if (col.required && !col.key) {
        error("required column " + quoted(col.name) +
              " cannot have a default (a default is for empty cells)");
      }
      auto v = parse_value(col.default_text, col.type);
      if (!v) {
        error("default of column " + quoted(col.name) + ": " + v.error());
      } else {
        col.default_value = std::move(*v);
      }
    } else {
      col.default_value = std::monostate{};
    }
  }
  if (!any_key) error("no key column");
  if (!errors.empty()) return cb::Unexpected(std::move(errors));

  TableSchema s;
  s.name_ = std::move(name);
  s.description_ = std::move(description);
  s.has_validity_ = has_validity;
  s.columns_ = std::move(columns);
  if (has_validity) {
    s.valid_from_ = s.columns_.size();
    s.columns_.push_back(Column::required_column(std::string(kValidFrom), ColumnType::date,
                                                 "first day the row applies (inclusive)"));
    s.valid_to_ = s.columns_.size();
    s.columns_.push_back(
        Column::optional_column(std::string(kValidTo), ColumnType::date,
                                "last day the row applies (inclusive); empty = open end"));
  }
  for (std::size_t i = 0; i < s.columns_.size(); ++i) {
    if (s.columns_[i].key) s.key_columns_.push_back(i);
  }
  return s;
}

std::optional<std::size_t> TableSchema::column_index(std::string_view col) const {
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].name == col) return i;
  }
  return std::nullopt;
}

Result<void> SchemaRegistry::add(TableSchema schema, Location where) {
  if (schemas_.contains(schema.name())) {
    return fail(DiagCode::MapBadSchema, "table '" + schema.name() + "' is declared twice",
                std::move(where));
  }
  auto name = schema.name();
  schemas_.emplace(std::move(name), std::make_shared<const TableSchema>(std::move(schema)));
  return {};
}

const TableSchema* SchemaRegistry::find(std::string_view name) const {
  auto it = schemas_.find(name);
  return it == schemas_.end() ? nullptr : it->second.get();
}

std::shared_ptr<const TableSchema> SchemaRegistry::get(std::string_view name) const {
  auto it = schemas_.find(name);
  return it == schemas_.end() ? nullptr : it->second;
}

std::vector<std::string> SchemaRegistry::names() const {
  std::vector<std::string> out;
  out.reserve(schemas_.size());
  for (const auto& [name, schema] : schemas_) out.push_back(name);
  return out;
}

}  // namespace cb::mappings
