#pragma once
// A scenario file (fixtures/scenarios/README.md): a TOML document naming the
// initial data set and a dated timeline of steps, some of which are
// expectations. This header is the parsed form; every step keeps the line it
// was written on so that the runner's messages point back into the file.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "core/diag/diagnostic.h"
#include "core/value/date.h"
#include "core/value/decimal.h"


namespace cb::app {

/// The arguments of one step: typed accessors that remember which keys were
/// read, so that finish() can report the unknown ones (typos) with their line.
/// Every problem is an SCN diagnostic naming file and line.
class StepArgs {
 public:
  StepArgs(const toml::table* table, std::string file, std::uint32_t line);

  /// A string argument; "" when absent (SCN003 when required).
  std::string str(std::string_view key, bool required = false);
  /// A date argument: a TOML date (2026-03-02) or a string "2026-03-02".
  std::optional<Date> date(std::string_view key, bool required = false);
  /// A whole-number argument.
  std::optional<std::int64_t> integer(std::string_view key, bool required = false);
  /// A decimal argument: a TOML integer or a string such as "12.50".
  std::optional<Decimal> decimal(std::string_view key, bool required = false);
  /// A true/false argument.
  std::optional<bool> boolean(std::string_view key, bool required = false);
  /// A list of strings (a single string counts as a list of one).
  std::optional<std::vector<std::string>> str_list(std::string_view key, bool required = false);
  /// A list of dates (TOML dates or strings).
  std::optional<std::vector<Date>> date_list(std::string_view key, bool required = false);
  /// Whether the key is present (marks it as read).
  bool has(std::string_view key);

  /// Reports every key no accessor asked for.
  void finish();

  /// Location of a key's value (or of the step when the key is absent).
  Location where(std::string_view key = {}) const;
  std::uint32_t line() const { return line_; }
  const std::string& file() const { return file_; }

  Diagnostics& diagnostics() { return diagnostics_; }
  bool ok() const { return !has_errors(diagnostics_); }
  void report(DiagCode code, std::string_view key, std::string message);

 private:
  const toml::node* get(std::string_view key, bool required);

  const toml::table* table_;
  std::string file_;
  std::uint32_t line_;
  std::set<std::string, std::less<>> seen_;
  Diagnostics diagnostics_;
};

/// One timeline step (`[[step]]`).
struct ScenarioStep {
  std::uint32_t line = 0;
  Date date = Date::min();  // `on`, or the previous step's date
  std::string action;       // `do`, e.g. "import", "release", "expect"
  const toml::table* args = nullptr;  // the whole [[step]] table (owned by Scenario)

  /// Accessor over the step's arguments (`on` and `do` already read).
  StepArgs arguments(const std::string& file) const;
};

/// A parsed scenario file.
struct Scenario {
  std::string file;          // as given (for messages)
  std::string directory;     // data files are relative to it
  std::string name;
  std::string description;
  std::string tenant = "default";
  Date start = Date::min();  // working date of the initial data set
  struct DataFile {
    std::string path;        // resolved against directory
    std::uint32_t line = 0;
  };
  std::vector<DataFile> data;
  std::vector<ScenarioStep> steps;
  std::shared_ptr<const toml::table> root;  // keeps the step tables alive
};

/// Parses a scenario text. All problems come back at once, each with file and line.
Expected<Scenario, Diagnostics> parse_scenario(std::string_view text, const std::string& file);

/// Reads and parses a scenario file (SCN008 when unreadable).
Expected<Scenario, Diagnostics> load_scenario(const std::string& path);

}  // namespace cb::app
