#include "pipeline/cli/ops_commands.h"

#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>

#include "core/value/date.h"
#include "pipeline/cli/tools.h"
#include "pipeline/config/config.h"
#include "pipeline/ops/job_catalog.h"
#include "pipeline/ops/job_runner.h"
#include "pipeline/ops/scheduler.h"
#include "pipeline/store/sqlite_database.h"
#include "pipeline/store/timestamp.h"

namespace fs = std::filesystem;

namespace cb::cli {
namespace {

store::Timestamp wall_clock() {
  return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

/// Configuration, working date and store for the job commands.
struct OpsSession {
  config::Config config;
  Date working_date = Date::min();
  std::unique_ptr<store::Database> db;
};

std::optional<int> load_ops_config(const GlobalOptions& g, const std::string& date_override,
                                   OpsSession& s, std::ostream& err) {
  if (!g.config_file.empty()) {
    auto cfg = config::load_config(g.config_file);
    if (!cfg) {
      err << config::format_diagnostics(cfg.error());
      return kUsage;
    }
    s.config = std::move(*cfg);
  }
  if (!g.workdir.empty()) s.config.workdir = g.workdir;

  std::string date_text = date_override;
  if (date_text.empty()) date_text = g.working_date;
  if (date_text.empty() && s.config.working_date) date_text = *s.config.working_date;
  if (date_text.empty()) {
    const auto today = std::chrono::floor<std::chrono::days>(ops::system_local_time(wall_clock()));
    s.working_date = Date::from_days(static_cast<std::int32_t>(today.time_since_epoch().count()));
  } else {
    auto d = Date::parse(date_text);
    if (!d) {
      err << "working date: " << d.error().to_string() << "\n";
      return kUsage;
    }
    s.working_date = *d;
  }
  return std::nullopt;
}

std::optional<int> open_ops_store(OpsSession& s, std::ostream& err) {
  std::error_code ec;
  fs::create_directories(s.config.workdir, ec);
  if (ec) {
    err << "cannot create the working directory " << s.config.workdir << ": " << ec.message()
        << "\n";
    return kUsage;
  }
  store::SqliteOptions opts;
  opts.path = s.config.resolve(s.config.store.path).string();
  opts.synchronous = s.config.store.synchronous == config::SyncMode::full
                         ? store::Synchronous::full
                         : store::Synchronous::normal;
  opts.now = [] { return store::format_timestamp(wall_clock()); };
  auto db = store::SqliteDatabase::open(opts);
  if (!db) {
    err << db.error().to_string() << "\n";
    return kUsage;
  }
  s.db = std::move(*db);
  return std::nullopt;
}

std::string counts_text(const std::map<std::string, std::int64_t>& counts) {
  std::string out;
  for (const auto& [k, v] : counts) out += (out.empty() ? "" : " ") + k + "=" + std::to_string(v);
  return out;
}

void print_log(const std::string& log, std::ostream& out) {
  std::istringstream lines(log);
  std::string line;
  while (std::getline(lines, line)) out << "    " << line << "\n";
}

/// "12.345 s" between two stored timestamps (same fixed format), or "".
std::string duration_text(const std::string& from, const std::string& to) {
  auto parse = [](const std::string& t) -> std::optional<std::int64_t> {
    if (!store::is_timestamp(t)) return std::nullopt;
    auto d = Date::parse(t.substr(0, 10));
    if (!d) return std::nullopt;
    const std::int64_t ms = std::stoll(t.substr(11, 2)) * 3'600'000 +
                            std::stoll(t.substr(14, 2)) * 60'000 +
                            std::stoll(t.substr(17, 2)) * 1'000 + std::stoll(t.substr(20, 3));
    return std::int64_t{d->days_since_epoch()} * 86'400'000 + ms;
  };
  const auto a = parse(from);
  const auto b = parse(to);
  if (!a || !b) return {};
  std::ostringstream s;
  s << std::fixed << std::setprecision(3) << static_cast<double>(*b - *a) / 1000.0 << " s";
  return s.str();
}

}  // namespace

int run_job(const GlobalOptions& global, const RunJobArgs& args, std::ostream& out,
            std::ostream& err) {
  OpsSession s;
  if (auto rc = load_ops_config(global, args.date, s, err)) return *rc;

  ops::JobRegistry jobs;
  ops::register_all_jobs(jobs, s.config);
  ops::RunRequest req;
  req.job = args.job;
  req.working_date = s.working_date;
  req.actor = "cli";
  // A [[jobs]] entry name stands for its job, tenant and filter.
  if (!jobs.find(args.job)) {
    for (const auto& e : s.config.jobs) {
      if (e.name != args.job) continue;
      req.job = e.job;
      req.tenant = e.tenant.value_or("");
      req.filter = e.filter;
    }
  }
  if (args.tenant_set) req.tenant = args.tenant;
  if (args.filter_set) req.filter = args.filter;
  if (!jobs.find(req.job)) {  // refused before a store is opened or created
    std::string known;
    for (const auto* j : jobs.list()) known += (known.empty() ? "" : ", ") + j->name;
    err << Diagnostic::make(DiagCode::OpsUnknownJob,
                            "no job or [[jobs]] entry named '" + args.job + "'")
               .to_string()
        << "\n  hint: registered jobs: " << known << "\n";
    return kUsage;
  }
  if (auto rc = open_ops_store(s, err)) return *rc;

  ops::JobRunner runner(*s.db, jobs, wall_clock);
  auto r = runner.run(req);
  if (!r) {
    err << r.error().to_string() << "\n";
    if (!r.error().hint.empty()) err << "  hint: " << r.error().hint << "\n";
    return kUsage;
  }
  const ops::JobRunRecord& rec = r->record;
  out << rec.job << " for " << rec.working_date << " ("
      << (rec.tenant.empty() ? std::string("all tenants") : "tenant " + rec.tenant)
      << (rec.filter.empty() ? std::string() : ", filter " + rec.filter) << "): ";
  switch (r->disposition) {
    case ops::RunDisposition::already_succeeded:
      out << "already succeeded at " << rec.finished_at << " (run " << rec.id
          << "); not run again\n";
      break;
    case ops::RunDisposition::already_running:
      out << "already running since " << rec.started_at << " (run " << rec.id << ")\n";
      return kInvalidInput;
    case ops::RunDisposition::ran:
      out << rec.state << " in " << duration_text(rec.started_at, rec.finished_at) << " (run "
          << rec.id << ", attempt " << rec.attempts << ")\n";
      break;
  }
  if (!rec.counts.empty()) out << "  " << counts_text(rec.counts) << "\n";
  if (!rec.log.empty()) print_log(rec.log, out);
  return rec.state == "failed" ? kInvalidInput : kOk;
}

int jobs_list(const GlobalOptions& global, const JobsListArgs& args, std::ostream& out,
              std::ostream& err) {
  OpsSession s;
  if (auto rc = load_ops_config(global, "", s, err)) return *rc;
  if (auto rc = open_ops_store(s, err)) return *rc;
  ops::JobRegistry jobs;
  ops::register_all_jobs(jobs, s.config);
  ops::JobRunner runner(*s.db, jobs, wall_clock);
  auto runs = runner.list_runs({args.job, args.tenant, args.state, args.limit});
  if (!runs) {
    err << runs.error().to_string() << "\n";
    return kUsage;
  }
  if (runs->empty()) {
    out << "no job runs recorded\n";
    return kOk;
  }
  out << std::left << std::setw(6) << "id" << std::setw(14) << "job" << std::setw(12) << "date"
      << std::setw(12) << "tenant" << std::setw(12) << "filter" << std::setw(11) << "state"
      << std::setw(4) << "try" << std::setw(26) << "started" << std::setw(11) << "took"
      << "counts\n";
  for (const auto& rec : *runs) {
    out << std::left << std::setw(6) << rec.id << std::setw(14) << rec.job << std::setw(12)
        << rec.working_date << std::setw(12) << (rec.tenant.empty() ? "*" : rec.tenant)
        << std::setw(12) << (rec.filter.empty() ? "-" : rec.filter) << std::setw(11) << rec.state
        << std::setw(4) << rec.attempts << std::setw(26) << rec.started_at << std::setw(11)
        << duration_text(rec.started_at, rec.finished_at) << counts_text(rec.counts) << "\n";
    if (args.log && !rec.log.empty()) print_log(rec.log, out);
  }
  return kOk;
}

int jobs_available(const GlobalOptions& global, std::ostream& out, std::ostream& err) {
  OpsSession s;
  if (auto rc = load_ops_config(global, "", s, err)) return *rc;
  if (auto rc = open_ops_store(s, err)) return *rc;
  ops::JobRegistry jobs;
  ops::register_all_jobs(jobs, s.config);
  out << "registered jobs:\n";
  for (const auto* j : jobs.list()) {
    out << "  " << std::left << std::setw(14) << j->name << j->description << "\n";
  }
  if (s.config.jobs.empty()) {
    out << "no [[jobs]] entries configured\n";
    return kOk;
  }
  auto entries = ops::Scheduler::entries_from_config(s.config, jobs);
  if (!entries) {
    err << config::format_diagnostics(entries.error());
    return kUsage;
  }
  ops::JobRunner runner(*s.db, jobs, wall_clock);
  ops::Scheduler scheduler(runner, *entries, {wall_clock, ops::system_local_time});
  out << "[[jobs]] entries (local time):\n";
  for (const auto& e : scheduler.entries()) {
    out << "  " << std::left << std::setw(22) << e.name << std::setw(14) << e.job << std::setw(16)
        << ("\"" + e.schedule.text() + "\"");
    if (!e.enabled) {
      out << "disabled\n";
      continue;
    }
    const auto now_local = ops::system_local_time(wall_clock());
    if (auto next = e.schedule.next_after(now_local)) {
      const auto day = std::chrono::floor<std::chrono::days>(*next);
      const auto mins = (*next - day).count();
      const Date d = Date::from_days(static_cast<std::int32_t>(day.time_since_epoch().count()));
      out << "next " << d.to_string() << " " << std::right << std::setfill('0') << std::setw(2)
          << mins / 60 << ":" << std::setw(2) << mins % 60 << std::setfill(' ') << std::left;
    } else {
      out << "never fires";
    }
    out << "\n";
  }
  return kOk;
}

}  // namespace cb::cli
