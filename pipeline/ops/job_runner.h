#pragma once
// Runs registered jobs idempotently and records every run in `job_runs`
// (Joblauf): one row per (job, tenant, working date, filter). A run that
// succeeded is never repeated for the same key — asking again returns the
// recorded run (disposition already_succeeded). A failed run stays recorded
// with its log and is run again when asked (attempts counts up). A row left
// `running` by a daemon that died is marked failed by recover_interrupted(),
// which the daemon calls once at start-up, before the scheduler's first tick.
//
// Daemon wiring:
//   ops::JobRunner runner(db, jobs, clock, &pipeline_metrics);
//   runner.recover_interrupted();
//   Backend::run_job      → runner.run({.job = r.job, .tenant = r.tenant,
//                                       .working_date = …, .filter = r.filter,
//                                       .actor = r.actor})
//   Backend::list_job_runs → runner.list_runs({.tenant = tenant, .limit = limit})
//   (OpsService in ops_service.h does this wiring; to_http_job_run() there
//   converts a record to http::JobRun.)
//
// One runner per store connection; not thread-safe (use it from the thread
// that owns `db`).

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/diag/diagnostic.h"
#include "core/value/date.h"
#include "pipeline/ops/job_registry.h"
#include "pipeline/store/database.h"
#include "pipeline/store/timestamp.h"

namespace cb::metrics {
class PipelineMetrics;
}

namespace cb::ops {

/// One row of `job_runs`.
struct JobRunRecord {
  std::int64_t id = 0;
  std::string job;
  std::string tenant;        // "" = all tenants
  std::string working_date;  // YYYY-MM-DD
  std::string filter;        // "" = no filter
  std::string state;         // running | succeeded | failed
  std::string started_at;    // timestamp.h format
  std::string finished_at;   // "" while running
  std::map<std::string, std::int64_t> counts;
  std::string log;
  int attempts = 0;          // how often the run was started
  std::string actor;         // "scheduler", "cli", "token:<name>", …
};

struct RunRequest {
  std::string job;
  std::string tenant;
  Date working_date = Date::min();
  std::string filter;
  std::string actor = "cli";
};

enum class RunDisposition : std::uint8_t {
  ran,                // the job ran now (record.state says how it went)
  already_succeeded,  // an earlier run for the same key succeeded; nothing ran
  already_running,    // another run for the same key is in progress; nothing ran
};

std::string_view to_string(RunDisposition d);

struct RunResult {
  JobRunRecord record;
  RunDisposition disposition = RunDisposition::ran;
};

/// Filters for list_runs; empty strings match everything.
struct RunQuery {
  std::string job;
  std::string tenant;  // "" = all tenants; otherwise only this tenant's runs
  std::string state;
  int limit = 50;      // newest first
};

class JobRunner {
 public:
  using Clock = std::function<store::Timestamp()>;

  /// `metrics` may be null; when set, each run records carebridge_job_runs_total
  /// and carebridge_job_duration_seconds.
  JobRunner(store::Database& db, const JobRegistry& jobs, Clock clock,
            metrics::PipelineMetrics* metrics = nullptr);

  /// Runs the job for the request's key unless it already succeeded or is
  /// running. A job that fails is recorded as failed (its diagnostic in the
  /// log) and returned with disposition ran and state "failed" — that is not an
  /// error of run(). Errors: OPS001 unknown job; STO… when the store fails.
  Result<RunResult> run(const RunRequest& request);

  /// Runs, newest first.
  Result<std::vector<JobRunRecord>> list_runs(const RunQuery& query) const;

  /// The run for one key, if recorded.
  Result<std::optional<JobRunRecord>> find_run(const std::string& job, const std::string& tenant,
                                               Date working_date,
                                               const std::string& filter) const;

  /// The newest working date recorded for (job, tenant, filter), any state.
  Result<std::optional<Date>> last_working_date(const std::string& job, const std::string& tenant,
                                                const std::string& filter) const;

  /// Marks every `running` row failed ("interrupted: the daemon stopped during
  /// the run") so it can be run again. Returns how many rows it changed. Call
  /// once at start-up while no other process runs jobs on this store.
  Result<int> recover_interrupted();

  const JobRegistry& registry() const { return jobs_; }
  store::Timestamp now() const { return clock_(); }

 private:
  store::Database& db_;
  const JobRegistry& jobs_;
  Clock clock_;
  metrics::PipelineMetrics* metrics_;
};

}  // namespace cb::ops
