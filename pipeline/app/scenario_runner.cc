#include "pipeline/app/scenario_runner.h"

#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>

#include "pipeline/app/importer.h"
#include "pipeline/store/sqlite_database.h"

namespace cb::app {
namespace {

bool read_all(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

std::string join_codes(const Diagnostics& ds) {
  std::string out;
  for (const auto& d : ds) {
    if (d.severity < Severity::error) continue;
    out += (out.empty() ? "" : ", ") + std::string(code_id(d.code));
  }
  return out.empty() ? "(none)" : out;
}

/// `import`: file = "x.json" (relative to the scenario) or json = '''…''';
/// rejected = true expects the import to be refused, codes = ["RXS001"] the
/// error codes it must report (each at least once).
void action_import(ScenarioRun& run, StepArgs& a) {
  const std::string file = a.str("file");
  const std::string inline_json = a.str("json");
  const bool want_rejected = a.boolean("rejected").value_or(false);
  const auto codes = a.str_list("codes");
  a.finish();
  if (!a.ok()) return;
  if (file.empty() == inline_json.empty()) {
    a.report(DiagCode::ScenarioMissingKey, {}, "import needs exactly one of 'file' or 'json'");
    return;
  }
  std::string bytes = inline_json;
  std::string source = "step at line " + std::to_string(a.line());
  if (!file.empty()) {
    source = file;
    if (!read_all(run.resolve(file), bytes)) {
      a.report(DiagCode::ScenarioUnreadable, "file", "cannot read data file " + run.resolve(file));
      return;
    }
  }
  auto r = run.import_bytes(bytes, source);
  if (!r) {
    run.step_failed(a, r.error());
    return;
  }
  const std::string what = "import of " + source;
  if (!want_rejected) {
    if (r->state != "applied") {
      run.expect(a, what, "applied", r->state + " (" + join_codes(r->diagnostics) + ")");
      run.step_failed(a, r->diagnostics);
    } else {
      run.expect(a, what, "applied", "applied");
    }
    return;
  }
  run.expect(a, what, "rejected", r->state);
  if (codes) {
    for (const auto& c : *codes) {
      bool found = false;
      for (const auto& d : r->diagnostics) found = found || code_id(d.code) == c;
      run.expect(a, what + ": diagnostic " + c, c, found ? c : join_codes(r->diagnostics));
    }
  }
}

/// `expect-messages`: state = "rejected", count = 1 — inbound messages of the tenant.
void action_expect_messages(ScenarioRun& run, StepArgs& a) {
  const std::string state = a.str("state", true);
  const auto count = a.integer("count", true);
  a.finish();
  if (!a.ok()) return;
  auto st = run.db().prepare("SELECT count(*) FROM messages WHERE tenant = ?1 AND state = ?2");
  st->bind_text(1, run.tenant()).bind_text(2, state);
  auto r = st->step();
  if (!r) {
    run.step_failed(a, r.error());
    return;
  }
  run.expect(a, "messages in state " + state, std::to_string(*count),
             std::to_string(st->column_int(0)));
}

/// `note`: text = "…" — a comment printed in the trace; does nothing.
void action_note(ScenarioRun&, StepArgs& a) {
  a.str("text");
  a.finish();
}

}  // namespace

ScenarioRun::ScenarioRun(const Scenario& scenario, store::Database& db,
                         const adapters::Registry& registry)
    : scenario_(scenario), db_(db), registry_(registry), working_date_(scenario.start) {
  report_.file = scenario.file;
  report_.name = scenario.name;
}

std::string ScenarioRun::now() const { return working_date_.to_string() + "T12:00:00.000Z"; }

bool ScenarioRun::expect(const StepArgs& args, const std::string& what,
                         const std::string& expected, const std::string& actual) {
  ++report_.expectations_checked;
  if (expected == actual) return true;
  report_.failures.push_back({args.file(), args.line(), what, expected, actual});
  return false;
}

void ScenarioRun::step_failed(const StepArgs& args, const Diagnostic& why) {
  Diagnostic d = Diagnostic::make(DiagCode::ScenarioStepFailed,
                                  "step failed: " + why.to_string(), args.where());
  report_.errors.push_back(std::move(d));
}

void ScenarioRun::step_failed(const StepArgs& args, const Diagnostics& why) {
  for (const auto& d : why) {
    if (d.severity >= Severity::error) step_failed(args, d);
  }
}

Result<ScenarioRun::Imported> ScenarioRun::import_bytes(const std::string& bytes,
                                                        const std::string& source) {
  ImportRequest req;
  req.tenant = tenant();
  req.route = "scenario";
  req.source = source;
  req.actor = "scenario";
  req.bytes = bytes;
  req.working_date = working_date_;
  const std::string at = now();
  auto r = import_message(db_, registry_, req, [&] { return at; });
  if (!r) return Unexpected(r.error());
  // Case requests are named by their ref in later steps.
  for (const auto& [ref, no] : r->cases) names_["case:" + ref] = no;
  return Imported{r->state, r->diagnostics, r->cases};
}

std::string ScenarioRun::resolve(const std::string& path) const {
  const std::filesystem::path p(path);
  if (p.is_absolute()) return path;
  return (std::filesystem::path(scenario_.directory) / p).string();
}

const std::map<std::string, StepHandler, std::less<>>& scenario_actions() {
  static const auto* actions = [] {
    auto* m = new std::map<std::string, StepHandler, std::less<>>();
    (*m)["import"] = action_import;
    (*m)["expect-messages"] = action_expect_messages;
    (*m)["note"] = action_note;
    add_rx_scenario_actions(*m);
    add_billing_scenario_actions(*m);
    return m;
  }();
  return *actions;
}

ScenarioReport run_scenario(const Scenario& scenario, const adapters::Registry& registry,
                            std::ostream* trace) {
  store::SqliteOptions opts;
  opts.path = ":memory:";
  opts.synchronous = store::Synchronous::normal;
  const std::string opened_at = scenario.start.to_string() + "T00:00:00.000Z";
  opts.now = [opened_at] { return opened_at; };
  auto db = store::SqliteDatabase::open(opts);
  if (!db) {
    ScenarioReport r;
    r.file = scenario.file;
    r.name = scenario.name;
    r.errors.push_back(db.error());
    return r;
  }
  ScenarioRun run(scenario, **db, registry);

  // The initial data set, on the start date.
  for (const auto& data : scenario.data) {
    std::string bytes;
    const Location where{.file = scenario.file, .line = data.line};
    if (!read_all(data.path, bytes)) {
      run.report().errors.push_back(Diagnostic::make(
          DiagCode::ScenarioUnreadable, "cannot read data file " + data.path, where));
      continue;
    }
    auto r = run.import_bytes(bytes, std::filesystem::path(data.path).filename().string());
    if (!r) {
      run.report().errors.push_back(r.error());
      continue;
    }
    if (trace != nullptr) *trace << "  " << scenario.start.to_string() << " data " << data.path
                                 << ": " << r->state << "\n";
    if (r->state != "applied") {
      run.report().errors.push_back(Diagnostic::make(
          DiagCode::ScenarioStepFailed,
          "data file " + data.path + " was " + r->state + " (" + join_codes(r->diagnostics) + ")",
          where));
      for (const auto& d : r->diagnostics) run.report().errors.push_back(d);
    }
  }
  if (has_errors(run.report().errors)) return run.report();

  const auto& actions = scenario_actions();
  for (const auto& step : scenario.steps) {
    run.set_working_date(step.date);
    StepArgs args = step.arguments(scenario.file);
    auto it = actions.find(step.action);
    if (it == actions.end()) {
      std::string known;
      for (const auto& [name, fn] : actions) known += (known.empty() ? "" : ", ") + name;
      run.report().errors.push_back(Diagnostic::make(
          DiagCode::ScenarioUnknownAction,
          "unknown action '" + step.action + "' (known: " + known + ")", args.where("do")));
      break;
    }
    const std::size_t failures_before = run.report().failures.size();
    const std::size_t errors_before = run.report().errors.size();
    it->second(run, args);
    ++run.report().steps_run;
    for (auto& d : args.diagnostics()) run.report().errors.push_back(std::move(d));
    if (trace != nullptr) {
      const bool ok = run.report().failures.size() == failures_before &&
                      run.report().errors.size() == errors_before;
      *trace << "  " << step.date.to_string() << " line " << step.line << " " << step.action
             << (ok ? "" : "  ← FAILED") << "\n";
    }
    // A malformed step stops the run: later steps would only report follow-ups.
    if (has_errors(args.diagnostics())) break;
  }
  return run.report();
}

void print_scenario_report(const ScenarioReport& r, std::ostream& out) {
  if (r.passed()) {
    out << "PASS " << r.file << " — " << r.name << " (" << r.steps_run << " steps, "
        << r.expectations_checked << " expectations)\n";
    return;
  }
  out << "FAIL " << r.file << " — " << r.name << " (" << r.steps_run << " steps, "
      << r.expectations_checked << " expectations, " << r.failures.size() << " failed)\n";
  for (const auto& f : r.failures) {
    out << "  " << f.file << ":" << f.line << ": " << code_id(DiagCode::ScenarioExpectationFailed)
        << " " << f.what << "\n"
        << "      expected: " << f.expected << "\n"
        << "      actual:   " << f.actual << "\n";
  }
  for (const auto& d : r.errors) out << "  " << d.to_string() << "\n";
}

}  // namespace cb::app
