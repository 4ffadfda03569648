// Fuzz target: arbitrary bytes loaded as a CSV mapping table of a fixed schema
// (every column type, two key columns, validity ranges). Aborts only on a crash
// or a broken invariant: a load either yields a table whose rows are all found
// again by their own key and dates, or at least one MAP diagnostic with a file.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "mappings/table_loader.h"

namespace {

using cb::mappings::Column;
using cb::mappings::ColumnType;
using cb::mappings::TableSchema;

const TableSchema& fuzz_schema() {
  static const TableSchema schema = [] {
    auto s = TableSchema::make("fuzz_table",
                               {
                                   Column::key_column("country", ColumnType::code),
                                   Column::key_column("qty", ColumnType::integer),
                                   Column::required_column("rate", ColumnType::decimal),
                                   Column::optional_column("label", ColumnType::string),
                                   Column::optional_column("since", ColumnType::date),
                                   Column::optional_column("flag", ColumnType::boolean, "", "no"),
                               },
                               true);
    if (!s) std::abort();
    return *s;
  }();
  return schema;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto table = cb::mappings::load_csv_text(text, "fuzz.csv", fuzz_schema());
  if (!table) {
    if (table.error().empty()) std::abort();
    for (const auto& d : table.error()) {
      if (d.where.file != "fuzz.csv" || cb::code_id(d.code).substr(0, 3) != "MAP") std::abort();
    }
    return 0;
  }
  for (const auto& row : table->rows()) {
    const auto key = row.key();
    if (key.size() != 2 || key[0].empty() || key[1].empty()) std::abort();
    if (!row.get_decimal("rate")) std::abort();
    if (!row.get_bool("flag")) std::abort();  // the default fills an empty cell
    const auto to = row.valid_to();
    if (to && *to < row.valid_from()) std::abort();
    const std::string_view k[] = {key[0], key[1]};
    for (auto day : {row.valid_from(), to ? *to : row.valid_from()}) {
      if (table->find(k, day) != &row) std::abort();
    }
  }
  return 0;
}
