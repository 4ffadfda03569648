#pragma once
// Everything of ops the daemon runs, behind one object: the job registry and
// runner, the scheduler (on a thread of its own), the readiness checks and
// the HTTP views of job runs. Wiring in `serve`:
//
//   metrics::Registry registry;
//   metrics::PipelineMetrics metrics(registry);
//   auto ops = ops::OpsService::create(config, open_connection(), &metrics,
//                                      {.now = clock, .to_local = ops::system_local_time,
//                                       .output_folders = outputs, .intake_folders = intakes});
//   if (!ops) → print the diagnostics (file:line), refuse to start
//   (*ops)->start();                                   // recover, then tick + health loop
//   backend.set_job_runner([&](const http::JobRequest& r) { return (*ops)->run_job(r); });
//   list_job_runs → (*ops)->list_runs(tenant, limit)
//   backend.set_health_source([&] { return (*ops)->health().problems; });
//   backend.set_metrics_source([&] { return registry.render(); });
//   registry.add_collector(...refresh_store_gauges on an API connection...)  (store_gauges.h)
//   on SIGTERM: (*ops)->stop();     (waits for a running job to finish)
//
// Register domain jobs before start(): (*ops)->jobs().add_simple(...), or in
// job_catalog.cc so the CLI has them too. The store connection given to
// create() is used only under the service's mutex (scheduler thread and
// run_job/list_runs callers take turns).

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/diag/diagnostic.h"
#include "pipeline/http/backend.h"
#include "pipeline/ops/health.h"
#include "pipeline/ops/job_registry.h"
#include "pipeline/ops/job_runner.h"
#include "pipeline/ops/scheduler.h"

namespace cb::config {
struct Config;
}
namespace cb::metrics {
class PipelineMetrics;
}

namespace cb::ops {

struct OpsServiceOptions {
  /// The clock (required). Tests pass a manual one and call step().
  std::function<store::Timestamp()> now;
  /// Civil time for cron schedules; default UTC. The daemon passes
  /// ops::system_local_time (the process's TZ).
  std::function<LocalMinutes(store::Timestamp)> to_local;
  /// Folders checked for writability and free disk space.
  std::vector<std::filesystem::path> output_folders;
  std::vector<std::filesystem::path> intake_folders;
  /// How often the thread runs the health checks, and the longest it sleeps.
  std::chrono::milliseconds health_interval{std::chrono::seconds(10)};
  std::chrono::milliseconds max_sleep{std::chrono::seconds(30)};
  /// Called on the service's thread after each scheduler tick (tests, logging).
  std::function<void(const std::vector<TickRun>&)> after_tick;
  /// Injected free-space probe for tests (default statvfs).
  std::function<std::optional<std::uint64_t>(const std::filesystem::path&)> free_bytes;
};

class OpsService {
 public:
  /// Registers every job (job_catalog.h), builds the scheduler from
  /// `[[jobs]]` (OPS002 for unknown jobs, with file and line) and the health
  /// checks from the options and `[health]`.
  static cb::Expected<std::unique_ptr<OpsService>, Diagnostics> create(
      const config::Config& config, std::unique_ptr<store::Database> db,
      metrics::PipelineMetrics* metrics, OpsServiceOptions options);

  ~OpsService();
  OpsService(const OpsService&) = delete;
  OpsService& operator=(const OpsService&) = delete;

  /// Marks interrupted runs failed, then starts the thread: scheduler tick,
  /// health checks, sleep until the next fire (at most max_sleep).
  Result<void> start();
  /// Stops the thread after the job in progress (if any). Idempotent.
  void stop();

  /// One iteration without the thread (tests, `serve --once`): a scheduler
  /// tick, then the health checks. Returns what the tick ran.
  std::vector<TickRun> step();

  /// Runs a job now for the API (`working_date` "" = today in the service's
  /// clock and zone). OPS001/OPS007 for unknown jobs or bad dates.
  Result<http::JobRun> run_job(const http::JobRequest& request);
  /// Runs for the API: the tenant's (all for "").
  Result<std::vector<http::JobRun>> list_runs(const std::string& tenant, int limit);

  /// The last health report (checks run by the thread or step()).
  HealthReport health() const { return health_.last(); }
  HealthMonitor& health_monitor() { return health_; }
  JobRegistry& jobs() { return *jobs_; }
  const Scheduler& scheduler() const { return *scheduler_; }

 private:
  OpsService() = default;
  void loop();
  HealthReport run_health();

  std::unique_ptr<JobRegistry> jobs_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<JobRunner> runner_;
  std::unique_ptr<Scheduler> scheduler_;
  HealthMonitor health_;
  OpsServiceOptions options_;
  metrics::PipelineMetrics* metrics_ = nullptr;

  std::mutex db_mutex_;  // runner_ and scheduler_ use db_
  std::mutex stop_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

/// A job run record as the HTTP API shows it.
http::JobRun to_http_job_run(const JobRunRecord& record);

}  // namespace cb::ops
