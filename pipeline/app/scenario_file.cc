#include "pipeline/app/scenario_file.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace cb::app {
namespace {

std::uint32_t line_of(const toml::node& n) {
  return static_cast<std::uint32_t>(n.source().begin.line);
}

std::string node_kind(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "a whole number";
    case toml::node_type::floating_point: return "a floating-point number";
    case toml::node_type::boolean: return "true/false";
    case toml::node_type::date: return "a date";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::time: return "a time";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    default: return "something else";
  }
}

std::optional<Date> date_of(const toml::node& n, std::string& error) {
  if (const auto* d = n.as_date()) {
    auto r = Date::from_ymd((*d)->year, (*d)->month, (*d)->day);
    if (!r) {
      error = r.error().message;
      return std::nullopt;
    }
    return *r;
  }
  if (const auto* s = n.as_string()) {
    auto r = Date::parse(**s);
    if (!r) {
      error = r.error().message;
      return std::nullopt;
    }
    return *r;
  }
  error = "must be a date (2026-03-02), found " + node_kind(n);
  return std::nullopt;
}

}  // namespace

StepArgs::StepArgs(const toml::table* table, std::string file, std::uint32_t line)
    : table_(table), file_(std::move(file)), line_(line) {}

Location StepArgs::where(std::string_view key) const {
  Location loc;
  loc.file = file_;
  loc.line = line_;
  if (!key.empty() && table_ != nullptr) {
    if (const toml::node* n = table_->get(key)) loc.line = line_of(*n);
    loc.field = std::string(key);
  }
  return loc;
}

void StepArgs::report(DiagCode code, std::string_view key, std::string message) {
  diagnostics_.push_back(Diagnostic::make(code, std::move(message), where(key)));
}

const toml::node* StepArgs::get(std::string_view key, bool required) {
  seen_.insert(std::string(key));
  const toml::node* n = table_ != nullptr ? table_->get(key) : nullptr;
  if (n == nullptr && required) {
    report(DiagCode::ScenarioMissingKey, {}, "mandatory key '" + std::string(key) + "' is missing");
  }
  return n;
}

bool StepArgs::has(std::string_view key) { return get(key, false) != nullptr; }

std::string StepArgs::str(std::string_view key, bool required) {
  const toml::node* n = get(key, required);
  if (n == nullptr) return {};
  if (const auto* s = n->as_string()) {
    if (required && (*s)->empty()) {
      report(DiagCode::ScenarioBadValue, key, "'" + std::string(key) + "' is empty");
    }
    return **s;
  }
  report(DiagCode::ScenarioBadValue, key,
         "'" + std::string(key) + "' must be a string, found " + node_kind(*n));
  return {};
}

std::optional<Date> StepArgs::date(std::string_view key, bool required) {
  const toml::node* n = get(key, required);
  if (n == nullptr) return std::nullopt;
  std::string error;
  auto d = date_of(*n, error);
  if (!d) report(DiagCode::ScenarioBadValue, key, "'" + std::string(key) + "': " + error);
  return d;
}

std::optional<std::int64_t> StepArgs::integer(std::string_view key, bool required) {
  const toml::node* n = get(key, required);
  if (n == nullptr) return std::nullopt;
  if (const auto* i = n->as_integer()) return **i;
  report(DiagCode::ScenarioBadValue, key,
         "'" + std::string(key) + "' must be a whole number, found " + node_kind(*n));
  return std::nullopt;
}

std::optional<Decimal> StepArgs::decimal(std::string_view key, bool required) {
  const toml::node* n = get(key, required);
  if (n == nullptr) return std::nullopt;
  if (const auto* i = n->as_integer()) return Decimal::from_int(**i);
  if (const auto* s = n->as_string()) {
    auto d = Decimal::parse(**s);
    if (d) return *d;
    report(DiagCode::ScenarioBadValue, key, "'" + std::string(key) + "': " + d.error().message);
    return std::nullopt;
  }
  report(DiagCode::ScenarioBadValue, key,
         "'" + std::string(key) + "' must be a whole number or a decimal in quotes (\"1.50\"), "
         "found " + node_kind(*n));
  return std::nullopt;
}

std::optional<bool> StepArgs::boolean(std::string_view key, bool required) {
  const toml::node* n = get(key, required);
  if (n == nullptr) return std::nullopt;
  if (const auto* b = n->as_boolean()) return **b;
  report(DiagCode::ScenarioBadValue, key,
         "'" + std::string(key) + "' must be true or false, found " + node_kind(*n));
  return std::nullopt;
}

std::optional<std::vector<std::string>> StepArgs::str_list(std::string_view key, bool required) {
  const toml::node* n = get(key, required);
  if (n == nullptr) return std::nullopt;
  if (const auto* s = n->as_string()) return std::vector<std::string>{**s};
  const auto* arr = n->as_array();
  if (arr == nullptr) {
    report(DiagCode::ScenarioBadValue, key,
           "'" + std::string(key) + "' must be a list of strings, found " + node_kind(*n));
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& e : *arr) {
    if (const auto* s = e.as_string()) {
      out.push_back(**s);
    } else {
      report(DiagCode::ScenarioBadValue, key,
             "entries of '" + std::string(key) + "' must be strings, found " + node_kind(e));
      return std::nullopt;
    }
  }
  return out;
}

std::optional<std::vector<Date>> StepArgs::date_list(std::string_view key, bool required) {
  const toml::node* n = get(key, required);
  if (n == nullptr) return std::nullopt;
  const auto* arr = n->as_array();
  if (arr == nullptr) {
    report(DiagCode::ScenarioBadValue, key,
           "'" + std::string(key) + "' must be a list of dates, found " + node_kind(*n));
    return std::nullopt;
  }
  std::vector<Date> out;
  for (const auto& e : *arr) {
    std::string error;
    auto d = date_of(e, error);
    if (!d) {
      report(DiagCode::ScenarioBadValue, key, "entry of '" + std::string(key) + "': " + error);
      return std::nullopt;
    }
    out.push_back(*d);
  }
  return out;
}

void StepArgs::finish() {
  if (table_ == nullptr) return;
  for (const auto& [k, v] : *table_) {
    if (!seen_.contains(k.str())) {
      diagnostics_.push_back(Diagnostic::make(
          DiagCode::ScenarioUnknownKey,
          "unknown key '" + std::string(k.str()) + "' (misspelt, or not an argument of this step)",
          Location{.file = file_, .line = line_of(v), .field = std::string(k.str())}));
    }
  }
}

StepArgs ScenarioStep::arguments(const std::string& file) const {
  StepArgs a(args, file, line);
  a.has("on");
  a.has("do");
  return a;
}

Expected<Scenario, Diagnostics> parse_scenario(std::string_view text, const std::string& file) {
  Diagnostics ds;
  auto root = std::make_shared<toml::table>();
  try {
    *root = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    Location loc;
    loc.file = file;
    loc.line = static_cast<std::uint32_t>(e.source().begin.line);
    loc.column = static_cast<std::uint32_t>(e.source().begin.column);
    ds.push_back(Diagnostic::make(DiagCode::ScenarioSyntax, std::string(e.description()), loc));
    return Unexpected(std::move(ds));
  }

  Scenario sc;
  sc.file = file;
  sc.directory = std::filesystem::path(file).parent_path().string();
  sc.root = root;

  // Top level: only [scenario] and [[step]].
  for (const auto& [k, v] : *root) {
    if (k.str() != "scenario" && k.str() != "step") {
      ds.push_back(Diagnostic::make(DiagCode::ScenarioUnknownKey,
                                    "unknown top-level key '" + std::string(k.str()) +
                                        "' (a scenario has [scenario] and [[step]] tables)",
                                    Location{.file = file, .line = line_of(v)}));
    }
  }

  const toml::table* head = (*root)["scenario"].as_table();
  if (head == nullptr) {
    ds.push_back(Diagnostic::make(DiagCode::ScenarioMissingKey,
                                  "the [scenario] table (name, start, data) is missing",
                                  Location{.file = file, .line = 1}));
  } else {
    StepArgs h(head, file, line_of(*head));
    sc.name = h.str("name", true);
    sc.description = h.str("description");
    if (auto t = h.str("tenant"); !t.empty()) sc.tenant = t;
    if (auto d = h.date("start", true)) sc.start = *d;
    if (h.has("data")) {
      const toml::node* n = head->get("data");
      std::vector<const toml::node*> entries;
      if (const auto* arr = n->as_array()) {
        for (const auto& e : *arr) entries.push_back(&e);
      } else {
        entries.push_back(n);
      }
      for (const toml::node* e : entries) {
        const auto* s = e->as_string();
        if (s == nullptr || (*s)->empty()) {
          h.report(DiagCode::ScenarioBadValue, "data",
                   "'data' lists data files (canonical JSON) as strings");
          continue;
        }
        const std::filesystem::path p(**s);
        sc.data.push_back(
            {p.is_absolute() ? p.string() : (std::filesystem::path(sc.directory) / p).string(),
             line_of(*e) != 0 ? line_of(*e) : line_of(*n)});
      }
    }
    h.finish();
    ds.insert(ds.end(), h.diagnostics().begin(), h.diagnostics().end());
  }

  if (const toml::node* steps = root->get("step")) {
    const auto* arr = steps->as_array();
    if (arr == nullptr || !arr->is_array_of_tables()) {
      ds.push_back(Diagnostic::make(DiagCode::ScenarioBadValue,
                                    "'step' must be written as [[step]] tables",
                                    Location{.file = file, .line = line_of(*steps)}));
    } else {
      Date current = sc.start;
      for (const auto& n : *arr) {
        const toml::table& t = *n.as_table();
        ScenarioStep step;
        step.line = line_of(t);
        step.args = &t;
        StepArgs a(&t, file, step.line);
        if (auto d = a.date("on")) {
          if (*d < current) {
            a.report(DiagCode::ScenarioDateOrder, "on",
                     "step on " + d->to_string() + " comes after a step on " +
                         current.to_string() + " (the timeline runs forward)");
          }
          current = *d;
        }
        step.date = current;
        step.action = a.str("do", true);
        ds.insert(ds.end(), a.diagnostics().begin(), a.diagnostics().end());
        sc.steps.push_back(std::move(step));
      }
    }
  }

  if (has_errors(ds)) return Unexpected(std::move(ds));
  return sc;
}

Expected<Scenario, Diagnostics> load_scenario(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Unexpected(Diagnostics{Diagnostic::make(DiagCode::ScenarioUnreadable,
                                                   "cannot read the scenario file",
                                                   Location{.file = path})});
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_scenario(ss.str(), path);
}

}  // namespace cb::app
