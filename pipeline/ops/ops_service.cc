#include "pipeline/ops/ops_service.h"

#include <algorithm>

#include "pipeline/config/config.h"
#include "pipeline/metrics/pipeline_metrics.h"
#include "pipeline/ops/job_catalog.h"

namespace cb::ops {
namespace fs = std::filesystem;

http::JobRun to_http_job_run(const JobRunRecord& record) {
  http::JobRun j;
  j.id = record.id;
  j.job = record.job;
  j.working_date = record.working_date;
  j.filter = record.filter;
  j.state = record.state;
  j.started_at = record.started_at;
  j.finished_at = record.finished_at;
  j.counts = record.counts;
  j.log = record.log;
  return j;
}

cb::Expected<std::unique_ptr<OpsService>, Diagnostics> OpsService::create(
    const config::Config& config, std::unique_ptr<store::Database> db,
    metrics::PipelineMetrics* metrics, OpsServiceOptions options) {
  if (!options.now) throw std::invalid_argument("OpsService: a clock is required");
  if (!db) throw std::invalid_argument("OpsService: a store connection is required");
  std::unique_ptr<OpsService> s(new OpsService());
  s->options_ = std::move(options);
  s->metrics_ = metrics;
  s->jobs_ = std::make_unique<JobRegistry>();
  register_all_jobs(*s->jobs_, config);
  auto entries = Scheduler::entries_from_config(config, *s->jobs_);
  if (!entries) return cb::Unexpected(std::move(entries.error()));
  s->db_ = std::move(db);
  s->runner_ = std::make_unique<JobRunner>(*s->db_, *s->jobs_, s->options_.now, metrics);
  s->scheduler_ = std::make_unique<Scheduler>(
      *s->runner_, std::move(*entries), Scheduler::Options{s->options_.now, s->options_.to_local});

  // Readiness checks.
  const std::uint64_t min_free =
      static_cast<std::uint64_t>(std::max<std::int64_t>(0, config.health.min_free_disk_mb)) << 20;
  const auto free_bytes = s->options_.free_bytes;
  OpsService* self = s.get();
  s->health_.add("store", [self] {
    std::lock_guard lock(self->db_mutex_);
    return check_store(*self->db_);
  });
  const fs::path store_dir = config.resolve(config.store.path).parent_path();
  const fs::path store_folder = store_dir.empty() ? fs::path(".") : store_dir;
  s->health_.add("store disk", [store_folder, min_free, free_bytes] {
    return check_free_space(store_folder, min_free, free_bytes);
  });
  for (const auto& dir : s->options_.output_folders) {
    s->health_.add("output " + dir.string(), [dir] {
      return check_folder_writable(dir, "output folder");
    });
    s->health_.add("output disk " + dir.string(), [dir, min_free, free_bytes] {
      return check_free_space(dir, min_free, free_bytes);
    });
  }
  for (const auto& dir : s->options_.intake_folders) {
    s->health_.add("intake " + dir.string(), [dir] {
      return check_folder_writable(dir, "intake folder");
    });
  }
  const auto max_age = std::chrono::milliseconds(
      std::chrono::seconds(config.health.scheduler_max_tick_age_seconds));
  s->health_.add("scheduler", [self, max_age] {
    return check_scheduler(self->scheduler_->status(), self->options_.now(), max_age);
  });
  return s;
}

OpsService::~OpsService() { stop(); }

Result<void> OpsService::start() {
  {
    std::lock_guard lock(db_mutex_);
    auto n = runner_->recover_interrupted();
    if (!n) return cb::Unexpected(std::move(n.error()));
  }
  std::lock_guard lock(stop_mutex_);
  if (thread_.joinable()) return {};
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
  return {};
}

void OpsService::stop() {
  {
    std::lock_guard lock(stop_mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

HealthReport OpsService::run_health() {
  auto report = health_.run(options_.now());
  if (metrics_) metrics_->set_ready(report.ready);
  return report;
}

std::vector<TickRun> OpsService::step() {
  std::vector<TickRun> ran;
  {
    std::lock_guard lock(db_mutex_);
    ran = scheduler_->tick();
  }
  run_health();
  return ran;
}

void OpsService::loop() {
  auto next_health = options_.now();
  for (;;) {
    {
      std::lock_guard lock(stop_mutex_);
      if (stopping_) return;
    }
    std::vector<TickRun> ran;
    {
      std::lock_guard lock(db_mutex_);
      ran = scheduler_->tick();
    }
    if (options_.after_tick) options_.after_tick(ran);
    const auto now = options_.now();
    if (now >= next_health) {
      run_health();
      next_health = now + options_.health_interval;
    }
    // Sleep until the next fire, the next health check or max_sleep.
    auto wake_at = now + options_.max_sleep;
    if (auto fire = scheduler_->next_fire_instant(); fire && *fire < wake_at) wake_at = *fire;
    if (next_health < wake_at) wake_at = next_health;
    const auto wait = std::max(std::chrono::milliseconds(10), wake_at - now);
    std::unique_lock lock(stop_mutex_);
    wake_.wait_for(lock, wait, [this] { return stopping_; });
  }
}

Result<http::JobRun> OpsService::run_job(const http::JobRequest& request) {
  RunRequest req;
  req.job = request.job;
  req.tenant = request.tenant;
  req.filter = request.filter;
  req.actor = request.actor.empty() ? std::string("api") : request.actor;
  if (request.working_date.empty()) {
    const auto today = std::chrono::floor<std::chrono::days>(
        options_.to_local ? options_.to_local(options_.now())
                          : LocalMinutes{std::chrono::floor<std::chrono::minutes>(
                                options_.now().time_since_epoch())});
    req.working_date = Date::from_days(static_cast<std::int32_t>(today.time_since_epoch().count()));
  } else {
    auto d = Date::parse(request.working_date);
    if (!d) {
      auto e = Diagnostic::make(DiagCode::OpsBadRunRequest,
                                "working date: " + d.error().message);
      e.where.field = "working_date";
      return cb::Unexpected(std::move(e));
    }
    req.working_date = *d;
  }
  std::lock_guard lock(db_mutex_);
  auto r = runner_->run(req);
  if (!r) return cb::Unexpected(std::move(r.error()));
  return to_http_job_run(r->record);
}

Result<std::vector<http::JobRun>> OpsService::list_runs(const std::string& tenant, int limit) {
  std::lock_guard lock(db_mutex_);
  RunQuery q;
  q.tenant = tenant;
  q.limit = std::clamp(limit, 1, 1000);
  auto runs = runner_->list_runs(q);
  if (!runs) return cb::Unexpected(std::move(runs.error()));
  std::vector<http::JobRun> out;
  out.reserve(runs->size());
  for (const auto& r : *runs) out.push_back(to_http_job_run(r));
  return out;
}

}  // namespace cb::ops
