// Fuzz target: the scenario file parser. Any input must give a scenario or
// diagnostics with a file name; every accepted step's arguments can be read.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "pipeline/app/scenario_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto sc = cb::app::parse_scenario(text, "fuzz.toml");
  if (!sc) {
    if (sc.error().empty()) std::abort();  // a rejection must say why
    for (const auto& d : sc.error()) {
      if (d.where.file != "fuzz.toml") std::abort();
    }
    return 0;
  }
  for (const auto& step : sc->steps) {
    auto args = step.arguments(sc->file);
    (void)args.str("case");
    (void)args.date_list("dates");
    (void)args.decimal("quantity");
    args.finish();
  }
  return 0;
}
