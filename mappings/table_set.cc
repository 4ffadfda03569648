#include "mappings/table_set.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <system_error>

#include "mappings/table_loader.h"

namespace cb::mappings {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSchemaSuffix = ".schema.toml";

Location file_location(const fs::path& p) {
  Location l;
  l.file = p.string();
  return l;
}

std::optional<std::string> read_file(const fs::path& path, Diagnostics& errors) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    errors.push_back(
        Diagnostic::make(DiagCode::MapFileUnreadable, "cannot open the file", file_location(path)));
    return std::nullopt;
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) {
    errors.push_back(
        Diagnostic::make(DiagCode::MapFileUnreadable, "read error", file_location(path)));
    return std::nullopt;
  }
  return text;
}

void append(Diagnostics& to, Diagnostics&& from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

/// Loads one directory: its schema files into `registry`, its data files into the result.
std::map<std::string, Table> load_dir(const fs::path& dir, SchemaRegistry& registry,
                                      Diagnostics& errors) {
  std::map<std::string, Table> tables;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    errors.push_back(Diagnostic::make(DiagCode::MapFileUnreadable,
                                      "not a readable directory of mapping tables",
                                      file_location(dir)));
    return tables;
  }
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const auto name = it->path().filename().string();
    if (name.starts_with(".")) continue;
    if (it->is_regular_file(ec)) files.push_back(it->path());
  }
  if (ec) {
    errors.push_back(Diagnostic::make(DiagCode::MapFileUnreadable,
                                      "cannot list the directory: " + ec.message(),
                                      file_location(dir)));
    return tables;
  }
  std::ranges::sort(files);

  for (const auto& path : files) {
    const auto name = path.filename().string();
    if (!name.ends_with(kSchemaSuffix)) continue;
    auto text = read_file(path, errors);
    if (!text) continue;
    auto schema = parse_schema_toml(*text, path.string());
    if (!schema) {
      append(errors, std::move(schema.error()));
      continue;
    }
    const auto stem = name.substr(0, name.size() - kSchemaSuffix.size());
    if (schema->name() != stem) {
      errors.push_back(Diagnostic::make(DiagCode::MapBadSchema,
                                        "the schema declares table '" + schema->name() +
                                            "' but the file is named for '" + stem + "'",
                                        file_location(path)));
      continue;
    }
    if (auto added = registry.add(std::move(*schema), file_location(path)); !added) {
      errors.push_back(added.error());
      errors.back().hint =
          "a table known to the program or declared in the base directory cannot be redeclared";
    }
  }

  std::map<std::string, fs::path> seen;
  for (const auto& path : files) {
    const auto name = path.filename().string();
    if (name.ends_with(kSchemaSuffix)) continue;
    const auto ext = path.extension().string();
    if (ext != ".csv" && ext != ".toml") continue;
    const auto stem = path.stem().string();
    if (auto [it, fresh] = seen.emplace(stem, path); !fresh) {
      errors.push_back(Diagnostic::make(DiagCode::MapTableTwice,
                                        "table '" + stem + "' is also given in " +
                                            it->second.string() + ": keep one file per table",
                                        file_location(path)));
      continue;
    }
    const TableSchema* schema = registry.find(stem);
    if (schema == nullptr) {
      auto d = Diagnostic::make(DiagCode::MapUnknownTable, "no table '" + stem + "' is known",
                                file_location(path));
      d.hint = "declare it in " + stem + std::string(kSchemaSuffix) + " next to the data file";
      errors.push_back(std::move(d));
      continue;
    }
    auto table = load_table_file(path, *schema);
    if (!table) {
      append(errors, std::move(table.error()));
      continue;
    }
    tables.emplace(stem, std::move(*table));
  }
  return tables;
}

}  // namespace

cb::Expected<Table, Diagnostics> load_table_file(const std::filesystem::path& path,
                                                  const TableSchema& schema) {
  Diagnostics errors;
  const auto ext = path.extension().string();
  if (ext != ".csv" && ext != ".toml") {
    errors.push_back(Diagnostic::make(DiagCode::MapUnknownTable,
                                      "a table file is .csv or .toml, not '" + ext + "'",
                                      file_location(path)));
    return cb::Unexpected(std::move(errors));
  }
  auto text = read_file(path, errors);
  if (!text) return cb::Unexpected(std::move(errors));
  return ext == ".csv" ? load_csv_text(*text, path.string(), schema)
                       : load_toml_text(*text, path.string(), schema);
}

const Table* TableSet::find(std::string_view name) const {
  auto it = tables_.find(name);
  return it == tables_.end() ? nullptr : &it->second;
}

const Table& TableSet::at(std::string_view name) const {
  const Table* t = find(name);
  if (t == nullptr) throw std::out_of_range("no mapping table '" + std::string(name) + "' loaded");
  return *t;
}

std::vector<std::string> TableSet::names() const {
  std::vector<std::string> out;
  for (const auto& [name, table] : tables_) out.push_back(name);
  return out;
}

void TableSet::put(Table table) {
  auto name = table.name();
  tables_.insert_or_assign(std::move(name), std::move(table));
}

cb::Expected<TableSet, Diagnostics> load_tables(
    const std::filesystem::path& dir, const std::optional<std::filesystem::path>& tenant_dir,
    const SchemaRegistry& registry) {
  Diagnostics errors;
  SchemaRegistry schemas = registry;
  auto base = load_dir(dir, schemas, errors);
  std::map<std::string, Table> tenant;
  if (tenant_dir) tenant = load_dir(*tenant_dir, schemas, errors);
  if (!errors.empty()) return cb::Unexpected(std::move(errors));

  TableSet set;
  for (auto& [name, table] : base) {
    auto over = tenant.find(name);
    if (over == tenant.end()) {
      set.put(std::move(table));
    } else {
      set.put(Table::overlay(table, over->second));
      tenant.erase(over);
    }
  }
  for (auto& [name, table] : tenant) set.put(std::move(table));
  set.set_schemas(std::move(schemas));
  return set;
}

}  // namespace cb::mappings
