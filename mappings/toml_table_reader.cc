// TOML loaders: mapping-table data (`[[row]]` tables) and table schemas
// (`<name>.schema.toml`). Positions are toml++'s: 1-based line and column of the
// key or value concerned.

#include <toml++/toml.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mappings/table_loader.h"

namespace cb::mappings {
namespace {

Location location(std::string_view file, const toml::source_region& r) {
  Location l;
  l.file = std::string(file);
  l.line = r.begin.line;
  l.column = r.begin.column;
  return l;
}

/// Byte offset of a toml++ position (1-based line, column in code points).
std::optional<std::size_t> offset_of(std::string_view text, const toml::source_position& p) {
  if (p.line == 0 || p.column == 0) return std::nullopt;
  std::size_t i = 0;
  for (std::uint32_t line = 1; line < p.line; ++line) {
    i = text.find('\n', i);
    if (i == std::string_view::npos) return std::nullopt;
    ++i;
  }
  for (std::uint32_t col = 1; col < p.column; ++col) {
    if (i >= text.size() || text[i] == '\n') return std::nullopt;
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0u) == 0x80u) ++i;
  }
  return i;
}

/// The value's text as written in the source (one line only), or nullopt.
std::optional<std::string> source_text(std::string_view text, const toml::node& node) {
  const auto& r = node.source();
  if (r.begin.line != r.end.line) return std::nullopt;
  const auto b = offset_of(text, r.begin);
  const auto e = offset_of(text, r.end);
  if (!b || !e || *e < *b) return std::nullopt;
  return std::string(text.substr(*b, *e - *b));
}

std::string_view toml_type_name(const toml::node& node);

std::string describe(std::string_view text, const toml::node& node) {
  if (auto s = source_text(text, node)) return *s;
  return "(" + std::string(toml_type_name(node)) + ")";
}

std::string_view toml_type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "string";
    case toml::node_type::integer:
      return "integer";
    case toml::node_type::floating_point:
      return "float";
    case toml::node_type::boolean:
      return "boolean";
    case toml::node_type::date:
      return "date";
    case toml::node_type::time:
      return "time";
    case toml::node_type::date_time:
      return "date-time";
    case toml::node_type::array:
      return "array";
    case toml::node_type::table:
      return "table";
    case toml::node_type::none:
      break;
  }
  return "value";
}

/// Converts a TOML value to a cell of `type`; the error message quotes the value.
cb::Expected<Value, std::string> convert(std::string_view text, const toml::node& node,
                                          ColumnType type) {
  if (const auto* s = node.as_string()) return parse_value(s->get(), type);
  const auto wrong = [&](std::string_view hint) {
    std::string msg = "TOML " + std::string(toml_type_name(node)) + " " + describe(text, node) +
                      " is not a valid " + std::string(to_string(type));
    if (!hint.empty()) {
      msg += ": ";
      msg += hint;
    }
    return cb::Unexpected(std::move(msg));
  };
  switch (type) {
    case ColumnType::string:
    case ColumnType::code:
    case ColumnType::integer:
      if (const auto* i = node.as_integer()) return parse_value(std::to_string(i->get()), type);
      return wrong("");
    case ColumnType::decimal: {
      if (const auto* i = node.as_integer()) return Value{Decimal::from_int(i->get())};
      if (node.is_floating_point()) {
        // The exact text, never the binary double: 19.00 stays 19.00.
        auto written = source_text(text, node);
        if (!written) return wrong("write the decimal as a string");
        std::string digits;
        for (char c : *written) {
          if (c != '_') digits += c;
        }
        auto v = parse_value(digits, type);
        if (!v) return wrong("write the decimal without exponent, e.g. 19.00");
        return v;
      }
      return wrong("");
    }
    case ColumnType::date:
      if (const auto* d = node.as_date()) {
        const toml::date& td = d->get();
        auto date = Date::from_ymd(td.year, td.month, td.day);
        if (!date) return wrong(date.error().message);
        return Value{*date};
      }
      return wrong(node.is_date_time() ? "a date has no time of day" : "");
    case ColumnType::boolean:
      if (const auto* b = node.as_boolean()) return Value{b->get()};
      return wrong("");
  }
  return wrong("");
}

std::optional<toml::table> parse_toml(std::string_view text, std::string_view file,
                                      Diagnostics& errors) {
  try {
    return toml::parse(text, std::string_view(file));
  } catch (const toml::parse_error& e) {
    errors.push_back(Diagnostic::make(DiagCode::MapTomlSyntax, std::string(e.description()),
                                      location(file, e.source())));
    return std::nullopt;
  }
}

}  // namespace

cb::Expected<Table, Diagnostics> load_toml_text(std::string_view text, std::string_view file,
                                                 const TableSchema& schema) {
  Diagnostics errors;
  auto root = parse_toml(text, file, errors);
  if (!root) return cb::Unexpected(std::move(errors));

  const std::size_t ncols = schema.columns().size();
  std::vector<RowDraft> drafts;
  for (auto&& [key, node] : *root) {
    if (key.str() != "row") {
      errors.push_back(Diagnostic::make(DiagCode::MapUnknownColumn,
                                        "unknown top-level key '" + std::string(key.str()) +
                                            "': a table file holds only [[row]] tables",
                                        location(file, key.source())));
      continue;
    }
    const auto* rows = node.as_array();
    if (rows == nullptr || (!rows->empty() && !rows->is_array_of_tables())) {
      errors.push_back(Diagnostic::make(DiagCode::MapTomlSyntax,
                                        "'row' must be an array of tables: write [[row]]",
                                        location(file, node.source())));
      continue;
    }
    for (const auto& element : *rows) {
      const auto* row = element.as_table();
      RowDraft draft;
      draft.line = row->source().begin.line;
      draft.cells.resize(ncols);
      draft.where.assign(ncols, location(file, row->source()));
      bool ok = true;
      for (auto&& [ckey, cnode] : *row) {
        const auto idx = schema.column_index(ckey.str());
        if (!idx) {
          errors.push_back(Diagnostic::make(
              DiagCode::MapUnknownColumn,
              "unknown column '" + std::string(ckey.str()) + "' in table '" + schema.name() + "'",
              location(file, ckey.source())));
          ok = false;
          continue;
        }
        const Column& col = schema.column(*idx);
        draft.where[*idx] = location(file, cnode.source());
        auto v = convert(text, cnode, col.type);
        if (!v) {
          errors.push_back(Diagnostic::make(
              DiagCode::MapBadValue, "column '" + col.name + "': " + v.error(), draft.where[*idx]));
          ok = false;
          continue;
        }
        draft.cells[*idx] = std::move(*v);
      }
      if (ok) drafts.push_back(std::move(draft));
    }
  }
  auto table = Table::build(std::make_shared<const TableSchema>(schema), std::string(file),
                            std::move(drafts), errors);
  if (table && errors.empty()) return std::move(*table);
  return cb::Unexpected(std::move(errors));
}

cb::Expected<TableSchema, Diagnostics> parse_schema_toml(std::string_view text,
                                                          std::string_view file) {
  Diagnostics errors;
  auto root = parse_toml(text, file, errors);
  if (!root) return cb::Unexpected(std::move(errors));

  const auto error = [&](const toml::source_region& where, std::string msg) {
    errors.push_back(
        Diagnostic::make(DiagCode::MapBadSchema, std::move(msg), location(file, where)));
  };
  const auto get_string = [&](const toml::key& k, const toml::node& n, std::string& out) {
    if (const auto* s = n.as_string()) {
      out = s->get();
    } else {
      error(n.source(), "'" + std::string(k.str()) + "' must be a string");
    }
  };
  const auto get_bool = [&](const toml::key& k, const toml::node& n, bool& out) {
    if (const auto* b = n.as_boolean()) {
      out = b->get();
    } else {
      error(n.source(), "'" + std::string(k.str()) + "' must be true or false");
    }
  };

  std::string name;
  std::string description;
  bool validity = false;
  bool has_name = false;
  Location where;
  where.file = std::string(file);
  where.line = 1;
  std::vector<Column> columns;
  for (auto&& [key, node] : *root) {
    const std::string_view k = key.str();
    if (k == "name") {
      get_string(key, node, name);
      has_name = true;
      where = location(file, node.source());
    } else if (k == "description") {
      get_string(key, node, description);
    } else if (k == "validity") {
      get_bool(key, node, validity);
    } else if (k == "column") {
      const auto* arr = node.as_array();
      if (arr == nullptr || !arr->is_array_of_tables()) {
        error(node.source(), "'column' must be an array of tables: write [[column]]");
        continue;
      }
      for (const auto& element : *arr) {
        const auto* t = element.as_table();
        Column col;
        bool has_type = false;
        bool has_col_name = false;
        for (auto&& [ck, cn] : *t) {
          const std::string_view c = ck.str();
          if (c == "name") {
            get_string(ck, cn, col.name);
            has_col_name = true;
          } else if (c == "type") {
            std::string type;
            get_string(ck, cn, type);
            has_type = true;
            if (auto ct = column_type_from_string(type)) {
              col.type = *ct;
            } else if (cn.is_string()) {
              error(cn.source(), "unknown column type '" + type +
                                     "' (use string, integer, decimal, date, bool or code)");
            }
          } else if (c == "key") {
            get_bool(ck, cn, col.key);
          } else if (c == "required") {
            get_bool(ck, cn, col.required);
          } else if (c == "default") {
            if (const auto* s = cn.as_string()) {
              col.default_text = s->get();
            } else if (const auto* i = cn.as_integer()) {
              col.default_text = std::to_string(i->get());
            } else if (const auto* b = cn.as_boolean()) {
              col.default_text = b->get() ? "true" : "false";
            } else {
              error(cn.source(), "'default' must be a string, an integer or a boolean");
            }
          } else if (c == "description") {
            get_string(ck, cn, col.description);
          } else {
            error(ck.source(), "unknown column property '" + std::string(c) +
                                   "' (use name, type, key, required, default, description)");
          }
        }
        if (!has_col_name) error(t->source(), "column without 'name'");
        if (!has_type) error(t->source(), "column '" + col.name + "' without 'type'");
        columns.push_back(std::move(col));
      }
    } else {
      error(key.source(), "unknown schema key '" + std::string(k) +
                              "' (use name, description, validity, [[column]])");
    }
  }
  if (!has_name) error(toml::source_region{}, "the schema has no 'name'");
  if (!errors.empty()) return cb::Unexpected(std::move(errors));
  return TableSchema::make(std::move(name), std::move(columns), validity, std::move(description),
                           where);
}

}  // namespace cb::mappings
