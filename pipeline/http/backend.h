#pragma once
// The seam between the HTTP API / dashboard (pipeline/http) and the daemon
// (pipeline/daemon). The server authenticates the caller, checks the role and
// the tenant, and then asks a Backend; the daemon implements Backend over the
// store, its routes, the outbox and the scheduler. Tests of the server use a
// fake Backend. Every call is already scoped: `tenant` is the caller's tenant
// (empty only for an admin token without a tenant, meaning all tenants).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/diag/diagnostic.h"

namespace cb::http {

/// Operator roles, weakest first. viewer reads; operator also uploads,
/// reprocesses and runs jobs; admin also sees every tenant and the config.
enum class Role : std::uint8_t { viewer, operator_, admin };

struct MessageFilter {
  std::string tenant;     // "" = all (admin only)
  std::string route;      // "" = any
  std::string state;      // "" = any; e.g. "rejected", "dead"
  std::string direction;  // "", "in", "out"
  std::string text;       // free text: source, business key, diagnostic text/code
  std::string since;      // timestamp (timestamp.h format), "" = no bound
  std::string until;
  std::int64_t before_id = 0;  // paging: only ids < before_id (0 = newest)
  int limit = 100;
};

struct MessageSummary {
  std::int64_t id = 0;
  std::string tenant, direction, route, adapter, source, state, business_key;
  std::int64_t byte_size = 0;
  int attempts = 0;
  std::string next_attempt_at;
  std::string created_at, updated_at;
  int diagnostic_count = 0;
};

struct MessageEvent {
  std::string at, actor, from_state, to_state, note;
};

struct MessageDiagnostic {
  std::string at, severity, code, location, message, hint;
};

struct MessageDetail {
  MessageSummary summary;
  std::string content_hash;
  std::string bytes;  // decompressed; empty when pruned by retention
  bool bytes_pruned = false;
  std::vector<MessageEvent> events;
  std::vector<MessageDiagnostic> diagnostics;
};

struct UploadRequest {
  std::string tenant;
  std::string channel;    // routes.match.upload
  std::string file_name;  // already checked: no path separators, no ".."
  std::string bytes;
  std::string actor;      // "token:<name>"
  std::string idempotency_key;  // Idempotency-Key header, may be empty
};

struct UploadResult {
  std::int64_t message_id = 0;
  bool duplicate = false;
  std::string state;
  Diagnostics diagnostics;
};

struct ReprocessRequest {
  std::string tenant;
  std::vector<std::int64_t> ids;  // explicit messages, or else the filter below
  MessageFilter filter;           // used when ids is empty (a route, a state…)
  std::string destination;        // "" = the original outputs
  std::string actor;
  std::string reason;
};

struct ReprocessResult {
  std::vector<std::int64_t> requeued;
  std::map<std::int64_t, std::string> refused;  // id → why
};

struct JobRequest {
  std::string tenant;
  std::string job;           // e.g. "plan-update"
  std::string working_date;  // "" = the daemon's working date
  std::string filter;
  std::string actor;
};

struct JobRun {
  std::int64_t id = 0;
  std::string job, working_date, filter, state, started_at, finished_at;
  std::map<std::string, std::int64_t> counts;
  std::string log;
};

/// For the dashboard: counts per route and state, and a time series.
struct FlowStats {
  struct Cell {
    std::string route, state;
    std::int64_t count = 0;
  };
  std::vector<Cell> by_route_state;
  struct Bucket {
    std::string start;  // timestamp of the bucket start
    std::int64_t received = 0, delivered = 0, rejected = 0, failed = 0, dead = 0;
  };
  std::vector<Bucket> over_time;  // oldest first
};

struct Health {
  bool live = true;
  bool ready = true;
  std::vector<std::string> problems;  // why not ready: "output folder X is read-only"
};

class Backend {
 public:
  virtual ~Backend() = default;

  virtual Result<std::vector<MessageSummary>> list_messages(const MessageFilter& f) = 0;
  /// nullopt when there is no such message in the tenant (404, never 403).
  virtual Result<std::optional<MessageDetail>> get_message(const std::string& tenant,
                                                           std::int64_t id) = 0;
  virtual Result<UploadResult> upload(const UploadRequest& r) = 0;
  virtual Result<ReprocessResult> reprocess(const ReprocessRequest& r) = 0;
  virtual Result<JobRun> run_job(const JobRequest& r) = 0;
  virtual Result<std::vector<JobRun>> list_job_runs(const std::string& tenant, int limit) = 0;
  /// Routes visible to the tenant (names), for filters in the dashboard.
  virtual std::vector<std::string> routes(const std::string& tenant) = 0;
  /// Counts for the dashboard; `bucket_seconds` wide buckets over `hours`.
  virtual Result<FlowStats> flow_stats(const std::string& tenant, int hours,
                                       int bucket_seconds) = 0;
  /// Read views of the domain as JSON text: kind is "case", "plan", "invoice",
  /// "log"; key is the case number / patient id / invoice number / "" for lists.
  /// nullopt = not found in this tenant.
  virtual Result<std::optional<std::string>> read_view(const std::string& tenant,
                                                       const std::string& kind,
                                                       const std::string& key) = 0;
  virtual Health health() = 0;
  /// The Prometheus text exposition of the daemon's metrics (the server adds
  /// its own request counters).
  virtual std::string metrics_text() = 0;
};

}  // namespace cb::http
