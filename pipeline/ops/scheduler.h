#pragma once
// The scheduler (Zeitsteuerung): runs the `[[jobs]]` entries of the
// configuration when their cron schedule fires, through the JobRunner, so
// every run is idempotent per (job, tenant, working date, filter).
//
// Working dates: a fire at local time T runs the job for T's civil date.
// A job runs at most once per working date and filter (several fires on one
// day are the same run).
//
// Catch-up: tick() looks back from the newest recorded working date of each
// entry (in `job_runs`) and runs every day whose first fire lies between that
// date and now — oldest first — so downtime over several nights runs each
// missed night in order. It never looks back more than `catch_up_days`
// (per entry, default 7). An entry that has never run starts with the fires
// after the scheduler was created (no back-fill on a fresh install).
// Failed runs are not retried automatically; an operator re-runs them
// (`carebridge run JOB --date D`, or the API), which the runner permits.
//
// Daemon wiring (a loop on the thread that owns the store connection):
//   auto entries = ops::Scheduler::entries_from_config(config, jobs);   // CFG/OPS diags
//   ops::Scheduler scheduler(runner, *entries, {.now = clock, .to_local = zone_fn});
//   for (;;) { scheduler.tick(); wait until scheduler.next_fire() or stop; }
// Health: ops::check_scheduler(scheduler.status(), now, max_tick_age) (health.h).
// The clock is injected; tests never sleep.

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/diag/diagnostic.h"
#include "core/value/date.h"
#include "pipeline/ops/cron_schedule.h"
#include "pipeline/ops/job_runner.h"
#include "pipeline/store/timestamp.h"

namespace cb::config {
struct Config;
}

namespace cb::ops {

/// One `[[jobs]]` entry, ready to run.
struct ScheduledJob {
  std::string name;  // the entry's name (unique in the config)
  std::string job;   // the registered job it runs
  std::string tenant;
  std::string filter;
  CronSchedule schedule;
  bool enabled = true;
  int catch_up_days = 7;
  Location where;  // the entry in the config file, for diagnostics
};

/// A run the scheduler decided is due.
struct DueRun {
  std::string entry;  // ScheduledJob::name
  Date working_date = Date::min();
  LocalMinutes fire_time;  // the (first) fire on that date
  bool catch_up = false;   // true when the fire was before the current tick's window
};

/// What one tick did for one due run.
struct TickRun {
  DueRun due;
  std::optional<RunResult> result;  // absent when run() itself failed
  std::optional<Diagnostic> error;  // run() failed (unknown job, store error)
};

/// For health checks and the dashboard.
struct SchedulerStatus {
  std::optional<store::Timestamp> started_at;
  std::optional<store::Timestamp> last_tick;  // when tick() last finished
  bool in_tick = false;                       // a tick is running now
  std::optional<store::Timestamp> tick_started;
};

/// Civil time of an instant in the process's time zone (the TZ environment
/// variable, else /etc/localtime), via localtime_r — for Scheduler::Options
/// in the daemon: `{.now = clock, .to_local = ops::system_local_time}`.
LocalMinutes system_local_time(store::Timestamp t);

class Scheduler {
 public:
  struct Options {
    std::function<store::Timestamp()> now;
    /// Civil time of an instant; default UTC. The daemon passes its zone
    /// (e.g. Europe/Berlin) so "0 2 * * *" means 02:00 there.
    std::function<LocalMinutes(store::Timestamp)> to_local;
  };

  /// Builds the entries from `[[jobs]]`. Every entry whose `job` is not in the
  /// registry is an OPS002 diagnostic at the entry's file and line.
  static cb::Expected<std::vector<ScheduledJob>, Diagnostics> entries_from_config(
      const config::Config& config, const JobRegistry& jobs);

  Scheduler(JobRunner& runner, std::vector<ScheduledJob> entries, Options options);

  /// The runs that are due now, oldest first (then in entry order). Does not
  /// run anything.
  Result<std::vector<DueRun>> due() const;

  /// Runs everything due (oldest first). A failing job does not stop the
  /// others. Returns what happened, in order.
  std::vector<TickRun> tick();

  /// The next fire of any enabled entry after now (local time), for the
  /// daemon's wait.
  std::optional<LocalMinutes> next_fire() const;
  /// The same as an instant (converted back with the zone of `to_local`
  /// by searching; exact for UTC and whole-minute offsets).
  std::optional<store::Timestamp> next_fire_instant() const;

  SchedulerStatus status() const;
  const std::vector<ScheduledJob>& entries() const { return entries_; }

 private:
  LocalMinutes local(store::Timestamp t) const;

  JobRunner& runner_;
  std::vector<ScheduledJob> entries_;
  Options options_;
  store::Timestamp started_at_;
  std::atomic<std::int64_t> last_tick_ms_{-1};
  std::atomic<std::int64_t> tick_started_ms_{-1};
};

}  // namespace cb::ops
