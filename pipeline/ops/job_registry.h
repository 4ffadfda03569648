#pragma once
// Batch jobs by name (Stapelverarbeitung): "plan-update", "call-off",
// "retention", "noop", … A job is a function of the store, the tenant, the
// working date and a filter; it returns counts and a log text, or a
// diagnostic. The registry maps names to functions; the JobRunner
// (job_runner.h) runs them idempotently and records each run in `job_runs`.
//
// Registering a domain job with the simple signature
// `(store::Database&, tenant, working_date) → Result<R>`, where R has a
// `counts` member (a map or vector of name → integer pairs) and a `log`
// member (text):
//
//   ops::JobRegistry jobs;
//   ops::register_builtin_jobs(jobs, config);            // noop, selftest, retention
//   jobs.add_simple("plan-update", "extend delivery schedules to the plan horizon",
//                   &app::run_plan_update);               // lead wires these at merge
//
// The full signature (JobFn) also sees the filter, the clock and the config.
// Names are unique: registering a name twice throws std::logic_error (a
// start-up programming error).

#include <concepts>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/diag/diagnostic.h"
#include "core/value/date.h"
#include "pipeline/store/database.h"
#include "pipeline/store/timestamp.h"

namespace cb::ops {

/// What a job gets to work with.
struct JobContext {
  store::Database& db;
  std::string tenant;   // "" when the job runs for every tenant
  Date working_date;    // the business day the run is for (Arbeitsdatum)
  std::string filter;   // job-specific, "" = everything
  store::Timestamp now; // the injected clock at the start of the run
};

/// What a job reports: counts (e.g. {"schedules_created": 12}) and a log text
/// shown by `carebridge jobs list --log` and the dashboard. The log must not
/// contain patient names or insurance numbers in clear text.
struct JobOutcome {
  std::map<std::string, std::int64_t> counts;
  std::string log;
};

using JobFn = std::function<Result<JobOutcome>(const JobContext&)>;

/// One registered job.
struct JobSpec {
  std::string name;
  std::string description;
  JobFn fn;
  /// true: the runner wraps the job and the "succeeded" record in one store
  /// transaction (the job's own transactions become savepoints), so a crash
  /// never leaves work done without its record. false: the job manages its
  /// own transactions (long jobs such as retention, which vacuums).
  bool atomic = true;
};

class JobRegistry {
 public:
  /// Adds a job. Throws std::logic_error on an empty or duplicate name.
  void add(JobSpec spec);

  /// Adds a job with the domain signature (see the file comment).
  template <class F>
    requires std::invocable<F&, store::Database&, const std::string&, Date>
  void add_simple(std::string name, std::string description, F fn, bool atomic = true) {
    JobSpec spec;
    spec.name = std::move(name);
    spec.description = std::move(description);
    spec.atomic = atomic;
    spec.fn = [fn = std::move(fn)](const JobContext& ctx) mutable -> Result<JobOutcome> {
      auto r = fn(ctx.db, ctx.tenant, ctx.working_date);
      if (!r) return cb::Unexpected(std::move(r.error()));
      JobOutcome out;
      for (const auto& [key, value] : r->counts)
        out.counts[std::string(key)] = static_cast<std::int64_t>(value);
      out.log = std::string(r->log);
      return out;
    };
    add(std::move(spec));
  }

  /// The job, or nullptr.
  const JobSpec* find(std::string_view name) const;
  /// Every job, sorted by name.
  std::vector<const JobSpec*> list() const;

 private:
  std::map<std::string, JobSpec, std::less<>> jobs_;
};

}  // namespace cb::ops
