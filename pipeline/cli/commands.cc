#include "pipeline/cli/commands.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <optional>

#include "adapters/registry.h"
#include "core/value/date.h"
#include "core/value/date_formula.h"
#include "mappings/builtin_tables.h"
#include "mappings/table_set.h"
#include "pipeline/app/importer.h"
#include "pipeline/app/master_data_repository.h"
#include "pipeline/app/rx_jobs.h"
#include "pipeline/app/rx_repository.h"
#include "pipeline/app/billing_views.h"
#include "pipeline/app/rx_views.h"
#include "pipeline/app/scenario_runner.h"
#include "core/rx/billing_engine.h"
#include "core/rx/requirements.h"
#include "pipeline/cli/daemon_commands.h"
#include "pipeline/cli/tools.h"
#include "pipeline/config/config.h"
#include "pipeline/log/log.h"
#include "pipeline/store/migrations.h"
#include "pipeline/store/sqlite_database.h"
#include "pipeline/store/timestamp.h"

namespace fs = std::filesystem;

namespace cb::cli {
namespace {

std::string wall_clock_timestamp() {
  return store::format_timestamp(
      std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now()));
}

/// Everything a store command needs, set up from the options and the config.
struct Session {
  config::Config config;
  Date working_date = Date::min();
  std::unique_ptr<store::Database> db;
  std::vector<int> migrated;
};

void print(const Diagnostics& ds, std::ostream& out) {
  for (const auto& d : ds) out << d.to_string() << "\n";
}

/// The installation's pseudonym key: created once per working directory.
std::string pseudonym_key(const fs::path& workdir) {
  const fs::path file = workdir / "pseudonym.key";
  std::string key;
  if (read_file(file.string(), key) && key.size() >= 32) return key;
  key = log::generate_pseudonym_key();
  std::string error;
  if (write_file_atomic(file.string(), key, error)) ::chmod(file.c_str(), 0600);
  return key;
}

}  // namespace

std::optional<int> load_configuration(const GlobalOptions& g, const std::string& default_config,
                                      config::Config& loaded, Date& working_date,
                                      std::ostream& err) {
  struct {
    config::Config& config;
    Date& working_date;
  } s{loaded, working_date};
  const std::string file = g.config_file.empty() ? default_config : g.config_file;
  if (!file.empty()) {
    auto cfg = config::load_config(file);
    if (!cfg) {
      err << config::format_diagnostics(cfg.error());
      return kUsage;
    }
    s.config = std::move(*cfg);
  }
  if (!g.workdir.empty()) s.config.workdir = g.workdir;
  if (!g.log_level.empty() || !g.log_format.empty()) {
    std::string text = "[log]\n";
    if (!g.log_level.empty()) text += "level = \"" + g.log_level + "\"\n";
    if (!g.log_format.empty()) text += "format = \"" + g.log_format + "\"\n";
    auto overrides = config::load_config_text(text, "--log-level/--log-format");
    if (!overrides) {
      err << config::format_diagnostics(overrides.error());
      return kUsage;
    }
    s.config.log.level = overrides->log.level;
    s.config.log.format = overrides->log.format;
  }

  std::string date_text = g.working_date;
  if (date_text.empty() && s.config.working_date) date_text = *s.config.working_date;
  if (date_text.empty()) {
    const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
    s.working_date = Date::from_days(static_cast<std::int32_t>(today.time_since_epoch().count()));
  } else {
    auto d = Date::parse(date_text);
    if (!d) {
      err << "working date: " << d.error().to_string() << "\n";
      return kUsage;
    }
    s.working_date = *d;
  }

  std::error_code ec;
  fs::create_directories(s.config.workdir, ec);
  if (ec) {
    err << "cannot create the working directory " << s.config.workdir << ": " << ec.message()
        << "\n";
    return kUsage;
  }
  auto logger = log::setup_logging(s.config, {.pseudonym_key = pseudonym_key(s.config.workdir)});
  if (!logger) {
    err << logger.error().to_string() << "\n";
    return kUsage;
  }
  return std::nullopt;
}

namespace {

/// Loads the configuration (or defaults), applies the command-line overrides,
/// sets up logging and opens the store. Returns the exit code on failure.
std::optional<int> open_session(const GlobalOptions& g, const std::string& default_config,
                                Session& s, std::ostream& err) {
  if (auto rc = load_configuration(g, default_config, s.config, s.working_date, err)) return rc;

  store::SqliteOptions opts;
  opts.path = s.config.resolve(s.config.store.path).string();
  opts.synchronous = s.config.store.synchronous == config::SyncMode::full
                         ? store::Synchronous::full
                         : store::Synchronous::normal;
  opts.now = wall_clock_timestamp;
  auto db = store::SqliteDatabase::open(opts);
  if (!db) {
    err << db.error().to_string() << "\n";
    return kUsage;
  }
  s.migrated = (*db)->applied_at_open();
  s.db = std::move(*db);
  return std::nullopt;
}

void print_report(const std::string& file, const app::ImportReport& r, std::ostream& out) {
  out << file << ": message " << r.message_id << " "
      << (r.duplicate ? "duplicate of an earlier import (" + r.state + "), not applied again"
                      : r.state);
  if (!r.adapter.empty()) out << " [" << r.adapter << "]";
  if (!r.applied.empty()) {
    out << ":";
    for (const auto& [kind, n] : r.applied) out << " " << n << " " << kind;
  }
  out << "\n";
  for (const auto& [ref, no] : r.cases) out << "  case " << ref << " → " << no << "\n";
  for (const auto& d : r.diagnostics) out << "  " << d.to_string() << "\n";
}

int import_with(Session& s, const std::vector<std::string>& files, const std::string& format,
                const std::string& tenant, std::ostream& out, std::ostream& err) {
  int rc = kOk;
  for (const auto& file : files) {
    app::ImportRequest req;
    req.tenant = tenant;
    req.working_date = s.working_date;
    req.format = format;
    req.source = fs::path(file).filename().string();
    if (!read_file(file, req.bytes)) {
      err << Diagnostic::make(DiagCode::ImportFileUnreadable, "cannot read " + file,
                              Location{.file = file})
                 .to_string()
          << "\n";
      rc = kInvalidInput;
      continue;
    }
    auto report = app::import_message(*s.db, adapters::default_registry(), req, wall_clock_timestamp);
    if (!report) {
      err << file << ": " << report.error().to_string() << "\n";
      return kUsage;
    }
    spdlog::info("import {} → message {} {}", req.source, report->message_id, report->state);
    print_report(file, *report, out);
    if (report->state == "rejected" && !report->duplicate) rc = kInvalidInput;
  }
  return rc;
}

std::string pad(std::string s, std::size_t width) {
  // Pads by code points so that German umlauts and '§' line up.
  std::size_t cps = 0;
  for (unsigned char c : s) cps += (c & 0xC0) != 0x80 ? 1 : 0;
  if (cps < width) s.append(width - cps, ' ');
  return s;
}

int years_between(const Date& birth, const Date& on) {
  int years = on.year() - birth.year();
  if (on.month() < birth.month() || (on.month() == birth.month() && on.day() < birth.day())) {
    --years;
  }
  return years;
}

}  // namespace

int import_files(const GlobalOptions& global, const std::vector<std::string>& files,
                 const std::string& format, const std::string& tenant, std::ostream& out,
                 std::ostream& err) {
  Session s;
  if (auto rc = open_session(global, "", s, err)) return *rc;
  return import_with(s, files, format, tenant, out, err);
}

int demo(const GlobalOptions& global, bool fresh, const std::string& fixtures_opt,
         std::ostream& out, std::ostream& err) {
  const fs::path source_dir = CAREBRIDGE_SOURCE_DIR;
  const fs::path fixtures = fixtures_opt.empty() ? source_dir / "fixtures" : fs::path(fixtures_opt);
  GlobalOptions g = global;
  if (g.workdir.empty()) g.workdir = "demo-work";
  if (fresh) {
    for (const char* f : {"carebridge.db", "carebridge.db-wal", "carebridge.db-shm"}) {
      std::error_code ec;
      fs::remove(fs::path(g.workdir) / f, ec);
    }
  }
  const std::string default_config =
      fs::exists(source_dir / "config/demo.toml") ? (source_dir / "config/demo.toml").string() : "";
  Session s;
  if (auto rc = open_session(g, default_config, s, err)) return *rc;
  const std::string tenant =
      s.config.tenants.empty() ? std::string("default") : s.config.tenants.front().id;

  out << "carebridge demo — working date " << s.working_date.to_string() << ", tenant " << tenant
      << "\n";
  out << "store: " << s.db->location();
  if (auto v = store::schema_version(*s.db)) out << " (schema version " << *v << ")";
  if (!s.migrated.empty()) out << ", " << s.migrated.size() << " migration(s) applied now";
  out << "\n\n";

  // 1. Through the daemon: the demo inbox into the route's intake folder, then
  //    the first file again (a duplicate); routed, applied, written, delivered.
  out << "1. daemon: intake → route → outbox → delivery\n";
  std::vector<fs::path> inbox;
  for (const auto& e : fs::directory_iterator(fixtures / "demo" / "inbox")) {
    if (e.is_regular_file()) inbox.push_back(e.path());
  }
  std::sort(inbox.begin(), inbox.end());
  if (inbox.empty()) {
    err << "no demo files in " << (fixtures / "demo" / "inbox") << "\n";
    return kUsage;
  }
  if (s.config.routes.empty()) {
    // Without a configuration: one route like config/demo.toml's.
    auto fallback = config::load_config_text(
        "[[routes]]\nname = \"master-data-in\"\nmatch = { folder = \"inbox/master-data\" }\n"
        "adapter = \"canonical-json\"\ncommand = \"import\"\n"
        "outputs = [ { adapter = \"canonical-json\", destination = \"outbox/master-data\" } ]\n",
        "demo defaults");
    if (fallback) s.config.routes = fallback->routes;
  }
  if (int rc = demo_through_daemon(s.config, inbox, out, err); rc != kOk) return rc;
  out << "\n";

  // 2. Mapping tables: VAT of every item on the working date.
  out << "2. mapping tables (" << (source_dir / "mappings/tables").string() << ")\n";
  auto tables = mappings::load_tables(source_dir / "mappings/tables", std::nullopt,
                                      mappings::builtin_registry());
  if (!tables) {
    print(tables.error(), err);
    return kUsage;
  }
  out << "   " << tables->size() << " tables loaded\n";
  for (const auto& item : app::list_items(*s.db, tenant)) {
    const auto* row = mappings::lookup(*tables, "vat_product_group", "DE", item.vat_product_group,
                                       s.working_date);
    out << "   item " << pad(item.number, 8) << " " << pad(item.description, 34) << " VAT ";
    if (row == nullptr) {
      out << "— no rate for group '" << item.vat_product_group << "'\n";
    } else {
      out << row->get_decimal("rate").value_or(Decimal()).to_string() << " % ("
          << row->get_string("category").value_or("?") << ")\n";
    }
  }
  const Date july_2020 = *Date::from_ymd(2020, 7, 15);
  if (const auto* row = mappings::lookup(*tables, "vat_product_group", "DE", "standard", july_2020)) {
    out << "   (on " << july_2020.to_string() << " the German standard rate was "
        << row->get_decimal("rate")->to_string() << " %)\n";
  }
  out << "\n";

  // 3. Date formulas of the contract set-up, from the working date.
  out << "3. date formulas from " << s.working_date.to_string() << "\n";
  for (const char* text : {"13M", "LM", "-LM+1M", "LM+1T", "4W", "-2M", "1J"}) {
    const auto f = DateFormula::parse(text);
    out << "   " << pad(text, 8) << " → " << f->apply(s.working_date).to_string() << "\n";
  }
  out << "\n";

  // 4. Patients: age on the working date decides the statutory co-payment (none under 18).
  out << "4. parties\n";
  for (const auto& p : app::list_parties(*s.db, tenant)) {
    std::string roles;
    for (const auto& r : p.roles) roles += (roles.empty() ? "" : ",") + r;
    out << "   " << pad(p.id, 12) << " " << pad(roles, 12);
    if (p.ik) out << " IK " << *p.ik;
    if (p.birth_date) {
      const int age = years_between(*Date::parse(*p.birth_date), s.working_date);
      out << " age " << age << (age < 18 ? " (no co-payment: under 18)" : "");
    }
    if (p.insurer_id) out << " insured with " << *p.insurer_id;
    out << "\n";
  }
  out << "\n";

  // 5. Supply (issue 3): today's plan update and call-off, then the demo patient's cases and plan.
  out << "5. supply: delivery plans on " << s.working_date.to_string() << "\n";
  for (const auto& job : app::rx_jobs()) {
    auto r = job.run(*s.db, tenant, s.working_date, wall_clock_timestamp, app::kJobChunkPatients);
    if (!r) {
      err << r.error().to_string() << "\n";
      return kUsage;
    }
    std::istringstream lines(r->log);
    for (std::string line; std::getline(lines, line);) out << "   " << line << "\n";
  }
  rx::Workspace ws;
  if (auto ok = app::load_rx_workspace(*s.db, tenant, ws); !ok) {
    err << ok.error().to_string() << "\n";
    return kUsage;
  }
  std::size_t blocked_cases = 0, released_cases = 0;
  for (const auto& [patient_id, plan] : ws.plans) {
    out << "\n";
    for (const auto& case_no : ws.cases_of(patient_id)) {
      const auto* c = ws.cases.find(case_no);
      for (const auto& p : c->periods) {
        const bool blocked = rx::delivery_blocked(ws, p);
        (blocked ? blocked_cases : released_cases) += 1;
        out << "   case " << case_no << " (" << p.contract_no << ", " << rx::to_text(p.status)
            << "): delivery " << (blocked ? "BLOCKED" : "free");
        for (const auto& r : p.requirements) {
          if (r.purpose == rx::RequirementPurpose::delivery) out << "  " << r.code << "=" << r.status;
        }
        out << "\n";
      }
    }
    std::istringstream view(app::render_plan(ws, patient_id, s.working_date));
    for (std::string line; std::getline(view, line);) {
      out << (line.empty() ? "" : "   ") << line << "\n";
    }
  }
  out << "\n";

  // 6. Billing (issue 4): the month-end invoice run — every schedule posted up
  // to the end of the working month, one invoice per recipient and prescription.
  const Date month_end = s.working_date.end_of_month();
  out << "6. billing: invoices with posting dates up to " << month_end.to_string() << "\n";
  rx::InvoiceCallOffResult billed;
  if (auto ok = app::with_rx_workspace(*s.db, tenant, wall_clock_timestamp(),
                                       [&](rx::Workspace& w) -> Result<void> {
                                         rx::create_billing_data(w, s.working_date);
                                         rx::InvoiceFilter filter;
                                         filter.posting_date_to = month_end;
                                         billed = rx::call_off_invoices(w, filter, s.working_date);
                                         return {};
                                       });
      !ok) {
    err << ok.error().to_string() << "\n";
    return kUsage;
  }
  for (const auto& n : billed.not_invoiceable) {
    out << "   not invoiceable: case " << n.case_no << " billing line " << n.billing_line_no
        << " schedule " << n.schedule_no << " (" << n.reason << ")\n";
  }
  rx::Workspace billed_ws;
  if (auto ok = app::load_rx_workspace(*s.db, tenant, billed_ws); !ok) {
    err << ok.error().to_string() << "\n";
    return kUsage;
  }
  std::size_t insurer_invoices = 0, patient_invoices = 0;
  for (const auto& [no, inv] : billed_ws.invoices) {
    if (inv.kind != rx::InvoiceKind::invoice) continue;
    (inv.patient_share ? patient_invoices : insurer_invoices) += 1;
    out << "\n";
    std::istringstream view(app::render_invoice(billed_ws, no));
    for (std::string line; std::getline(view, line);) {
      out << (line.empty() ? "" : "   ") << line << "\n";
    }
  }
  out << "\n";

  // 7. Summary.
  out << "supply: " << ws.cases.size() << " case(s), " << released_cases
      << " with delivery free, " << blocked_cases << " blocked by requirements; "
      << ws.sales_orders.size() << " sales order(s)\n";
  out << "billing: " << insurer_invoices << " insurer invoice(s), " << patient_invoices
      << " patient invoice(s)\n";
  out << "summary: messages";
  for (const auto& [state, n] : app::count_messages_by_state(*s.db, tenant)) {
    out << " " << state << "=" << n;
  }
  out << "; parties=" << app::list_parties(*s.db, tenant).size()
      << " items=" << app::list_items(*s.db, tenant).size() << "\n";
  out << "look around: sqlite3 " << s.db->location()
      << " 'select id, state, source from messages'\n";
  return kOk;
}

int config_check(const std::string& file, std::ostream& out, std::ostream& err) {
  auto cfg = config::load_config(file);
  if (!cfg) {
    err << config::format_diagnostics(cfg.error());
    err << file << ": " << cfg.error().size() << " problem(s)\n";
    return kUsage;
  }
  out << file << ": ok (" << cfg->tenants.size() << " tenant(s), " << cfg->routes.size()
      << " route(s))\n";
  return kOk;
}

int config_schema(std::ostream& out) {
  out << config::describe_config_schema();
  return kOk;
}

}  // namespace cb::cli

// --- rx (issue 3): views, scenarios, jobs -------------------------------------
namespace cb::cli {

int show_case(const GlobalOptions& global, const std::string& case_no, const std::string& tenant,
              std::ostream& out, std::ostream& err) {
  Session s;
  if (auto rc = open_session(global, "", s, err)) return *rc;
  rx::Workspace ws;
  if (auto ok = app::load_rx_workspace(*s.db, tenant, ws); !ok) {
    err << ok.error().to_string() << "\n";
    return kUsage;
  }
  const std::string no = app::resolve_case_number(ws, case_no);
  const std::string text = app::render_case(ws, no);
  if (text.empty()) {
    err << Diagnostic::make(DiagCode::RxNotFound, "case '" + case_no + "' not found in tenant " + tenant)
               .to_string()
        << "\n";
    return kInvalidInput;
  }
  out << text;
  return kOk;
}

int show_plan(const GlobalOptions& global, const std::string& patient, const std::string& tenant,
              std::ostream& out, std::ostream& err) {
  Session s;
  if (auto rc = open_session(global, "", s, err)) return *rc;
  rx::Workspace ws;
  if (auto ok = app::load_rx_workspace(*s.db, tenant, ws); !ok) {
    err << ok.error().to_string() << "\n";
    return kUsage;
  }
  const std::string text = app::render_plan(ws, patient, s.working_date);
  if (text.empty()) {
    err << Diagnostic::make(DiagCode::RxNotFound,
                            "patient '" + patient + "' has no delivery plan in tenant " + tenant)
               .to_string()
        << "\n";
    return kInvalidInput;
  }
  out << text;
  return kOk;
}

int show_invoice(const GlobalOptions& global, const std::string& invoice_no,
                 const std::string& tenant, std::ostream& out, std::ostream& err) {
  Session s;
  if (auto rc = open_session(global, "", s, err)) return *rc;
  rx::Workspace ws;
  if (auto ok = app::load_rx_workspace(*s.db, tenant, ws); !ok) {
    err << ok.error().to_string() << "\n";
    return kUsage;
  }
  const std::string text = app::render_invoice(ws, invoice_no);
  if (text.empty()) {
    err << Diagnostic::make(DiagCode::BilInvoiceNotFound,
                            "invoice '" + invoice_no + "' not found in tenant " + tenant)
               .to_string()
        << "\n";
    return kInvalidInput;
  }
  out << text;
  return kOk;
}

int scenario_run(const std::vector<std::string>& files, bool verbose, std::ostream& out,
                 std::ostream& err) {
  int rc = kOk;
  int passed = 0;
  for (const auto& file : files) {
    auto sc = app::load_scenario(file);
    if (!sc) {
      out << "FAIL " << file << " — malformed scenario file\n";
      for (const auto& d : sc.error()) err << "  " << d.to_string() << "\n";
      rc = kInvalidInput;
      continue;
    }
    std::ostringstream trace;
    const auto report = app::run_scenario(*sc, adapters::default_registry(), verbose ? &trace : nullptr);
    out << trace.str();
    app::print_scenario_report(report, out);
    if (report.passed()) {
      ++passed;
    } else {
      rc = kInvalidInput;
    }
  }
  if (files.size() > 1) out << passed << " of " << files.size() << " scenario(s) passed\n";
  return rc;
}

}  // namespace cb::cli
