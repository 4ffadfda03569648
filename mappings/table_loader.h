#pragma once
// Loading one mapping table from CSV or TOML text or from a file, and reading a
// table schema from a `<name>.schema.toml` file. Every function validates fully
// and returns either the whole table or every diagnostic it found (never a
// partial table). Formats and rules: mappings/README.md.

#include "core/diag/expected.h"
#include <filesystem>
#include <string_view>

#include "core/diag/diagnostic.h"
#include "mappings/table.h"
#include "mappings/table_schema.h"

namespace cb::mappings {

/// CSV (RFC 4180; `,` or `;` detected from the header line; UTF-8 with optional
/// BOM; CRLF or LF; `#` comment lines and blank lines between records). `file`
/// is only used to name the place in diagnostics.
cb::Expected<Table, Diagnostics> load_csv_text(std::string_view text, std::string_view file,
                                                const TableSchema& schema);

/// TOML: one `[[row]]` table per row, each key a column.
cb::Expected<Table, Diagnostics> load_toml_text(std::string_view text, std::string_view file,
                                                 const TableSchema& schema);

/// Reads `path` and loads it by its extension (.csv or .toml). An unreadable
/// file is MAP001, another extension MAP010.
cb::Expected<Table, Diagnostics> load_table_file(const std::filesystem::path& path,
                                                  const TableSchema& schema);

/// A table schema declared in TOML (the `<name>.schema.toml` header file):
///
///     name = "unit_account"          # must match the data file's name
///     description = "..."            # optional
///     validity = true                # optional, default false
///     [[column]]
///     name = "unit"                  # a-z 0-9 _
///     type = "code"                  # string|integer|decimal|date|bool|code
///     key = true                     # optional, default false
///     required = false               # optional, default false
///     default = "4010"               # optional, text parsed by the type
///     description = "..."            # optional
///
/// TOML syntax errors are MAP008, everything else MAP012.
cb::Expected<TableSchema, Diagnostics> parse_schema_toml(std::string_view text,
                                                          std::string_view file);

}  // namespace cb::mappings
