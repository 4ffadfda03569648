#pragma once
// The scenario runner (fixtures/scenarios/README.md): loads a scenario's data
// set into a fresh in-memory store through the real importer and repository,
// applies its timeline step by step on each step's working date and checks its
// expectations. Every failed expectation is reported with its line, what was
// expected and what was found; a step the domain core refuses is a failure too.

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "adapters/registry.h"
#include "core/diag/diagnostic.h"
#include "pipeline/app/scenario_file.h"
#include "pipeline/store/database.h"

namespace cb::app {

/// One failed expectation.
struct ExpectationFailure {
  std::string file;
  std::uint32_t line = 0;
  std::string what;      // e.g. "schedules of case 1 line 10000"
  std::string expected;
  std::string actual;
};

/// The outcome of one scenario.
struct ScenarioReport {
  std::string file;
  std::string name;
  int steps_run = 0;
  int expectations_checked = 0;
  std::vector<ExpectationFailure> failures;
  Diagnostics errors;  // malformed steps and refused commands (SCN/RXS/JSN…)

  bool passed() const { return failures.empty() && !has_errors(errors); }
};

/// The state of a running scenario, handed to every step handler.
class ScenarioRun {
 public:
  ScenarioRun(const Scenario& scenario, store::Database& db, const adapters::Registry& registry);

  const Scenario& scenario() const { return scenario_; }
  store::Database& db() { return db_; }
  const adapters::Registry& registry() const { return registry_; }
  const std::string& tenant() const { return scenario_.tenant; }
  /// The working date of the current step.
  const Date& working_date() const { return working_date_; }
  void set_working_date(const Date& d) { working_date_ = d; }
  /// A store timestamp for the current working date (noon UTC): runs repeat exactly.
  std::string now() const;

  /// Records an expectation: a failure when expected != actual.
  bool expect(const StepArgs& args, const std::string& what, const std::string& expected,
              const std::string& actual);
  /// Records a step the program refused or could not run.
  void step_failed(const StepArgs& args, const Diagnostic& why);
  void step_failed(const StepArgs& args, const Diagnostics& why);

  /// Imports canonical JSON bytes as a message; returns the message state
  /// ("applied", "rejected") and the diagnostics, or a store failure.
  struct Imported {
    std::string state;
    Diagnostics diagnostics;
    std::map<std::string, std::string> cases;  // case request ref → case number
  };
  Result<Imported> import_bytes(const std::string& bytes, const std::string& source);

  /// Resolves a path named in the scenario against its directory.
  std::string resolve(const std::string& path) const;

  /// Free-form values a step leaves for later steps (e.g. the number of a case
  /// created under an alias: "case:stoma" → "1").
  std::map<std::string, std::string>& names() { return names_; }

  ScenarioReport& report() { return report_; }

 private:
  const Scenario& scenario_;
  store::Database& db_;
  const adapters::Registry& registry_;
  Date working_date_;
  std::map<std::string, std::string> names_;
  ScenarioReport report_;
};

/// A step handler: reads its arguments (StepArgs), acts, records expectations.
/// Argument problems stay in args.diagnostics(); the runner collects them.
using StepHandler = std::function<void(ScenarioRun&, StepArgs&)>;

/// The actions a scenario can use, by name ("import", "expect", "release"…).
/// Generic actions are built in; the rx actions come from scenario_rx_actions.cc.
const std::map<std::string, StepHandler, std::less<>>& scenario_actions();

/// The rx (supply side) actions; defined in scenario_rx_actions.cc.
void add_rx_scenario_actions(std::map<std::string, StepHandler, std::less<>>& actions);
/// The billing actions (invoice, credit-note, reject, expect-billing,
/// expect-invoices); defined in scenario_billing_actions.cc.
void add_billing_scenario_actions(std::map<std::string, StepHandler, std::less<>>& actions);

/// Runs a parsed scenario in a fresh in-memory store. A store that cannot be
/// opened is reported in errors. `trace` (optional) gets one line per step.
ScenarioReport run_scenario(const Scenario& scenario, const adapters::Registry& registry,
                            std::ostream* trace = nullptr);

/// Prints a report: "PASS name (n steps, m expectations)" or every failure as
/// "file:line: expected … / actual …"; and every error diagnostic.
void print_scenario_report(const ScenarioReport& report, std::ostream& out);

}  // namespace cb::app
