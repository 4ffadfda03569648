#pragma once
// The daemon behind the HTTP API and dashboard: cb::http::Backend over the
// store, the routes, intake (uploads) and reprocessing. The server has already
// checked the caller's role and tenant; every query here is scoped to
// `tenant` (empty = all tenants, admin only). The message queries are also
// free functions, for the CLI (`carebridge messages list|show`).

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/daemon/daemon.h"
#include "pipeline/http/backend.h"

namespace cb::daemon {

/// Messages matching the filter, newest first.
Result<std::vector<http::MessageSummary>> list_messages(store::Database& db,
                                                        const http::MessageFilter& f);
/// One message with its bytes, events and diagnostics; nullopt when it is not
/// in the tenant.
Result<std::optional<http::MessageDetail>> get_message(store::Database& db,
                                                       const std::string& tenant, std::int64_t id);

class DaemonBackend final : public http::Backend {
 public:
  explicit DaemonBackend(Daemon& daemon) : daemon_(daemon) {}

  Result<std::vector<http::MessageSummary>> list_messages(const http::MessageFilter& f) override;
  Result<std::optional<http::MessageDetail>> get_message(const std::string& tenant,
                                                         std::int64_t id) override;
  Result<http::UploadResult> upload(const http::UploadRequest& r) override;
  Result<http::ReprocessResult> reprocess(const http::ReprocessRequest& r) override;
  Result<http::JobRun> run_job(const http::JobRequest& r) override;
  Result<std::vector<http::JobRun>> list_job_runs(const std::string& tenant, int limit) override;
  std::vector<std::string> routes(const std::string& tenant) override;
  Result<http::FlowStats> flow_stats(const std::string& tenant, int hours,
                                     int bucket_seconds) override;
  Result<std::optional<std::string>> read_view(const std::string& tenant, const std::string& kind,
                                               const std::string& key) override;
  http::Health health() override;
  std::string metrics_text() override;

  /// Runs a job for run_job (wired to the scheduler's job runner by serve).
  using JobFn = std::function<Result<http::JobRun>(const http::JobRequest&)>;
  void set_job_runner(JobFn fn) { run_job_ = std::move(fn); }
  /// Extra health problems and metrics text (from the ops checks and registry).
  void set_health_source(std::function<std::vector<std::string>()> fn) { extra_health_ = std::move(fn); }
  void set_metrics_source(std::function<std::string()> fn) { extra_metrics_ = std::move(fn); }
  /// Lists job runs (the ops service's view); default: the job_runs table.
  using JobRunsFn = std::function<Result<std::vector<http::JobRun>>(const std::string&, int)>;
  void set_job_runs_source(JobRunsFn fn) { job_runs_ = std::move(fn); }

 private:
  Daemon& daemon_;
  JobFn run_job_;
  JobRunsFn job_runs_;
  std::function<std::vector<std::string>()> extra_health_;
  std::function<std::string()> extra_metrics_;
};

/// True when an upload name is a plain file name: no path separators, no
/// "..", no control characters, not empty, at most 255 bytes.
bool is_safe_file_name(const std::string& name);

}  // namespace cb::daemon
