#pragma once
// The pipeline daemon: intake (folder watch, uploads), routing with the
// transactional outbox, delivery with retries and dead letters, reprocessing,
// reload of routes, health and metrics. `carebridge serve` runs it with two
// threads (pipeline: intake + routing; delivery); `carebridge demo` and tests
// drive it step by step with run_until_idle(). Each thread has its own store
// connection; the API side (http::Backend) has a third, serialised by a mutex.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "adapters/registry.h"
#include "core/diag/diagnostic.h"
#include "core/diag/expected.h"
#include "pipeline/config/config.h"
#include "pipeline/daemon/destination.h"
#include "pipeline/daemon/directory_watcher.h"
#include "pipeline/daemon/file_remover.h"
#include "pipeline/daemon/message_log.h"
#include "pipeline/daemon/processor.h"
#include "pipeline/daemon/retry_policy.h"
#include "pipeline/daemon/route_table.h"
#include "pipeline/store/database.h"
#include "pipeline/store/timestamp.h"

namespace cb::metrics {
class PipelineMetrics;
}

namespace cb::daemon {

struct DaemonOptions {
  config::Config config;
  const adapters::Registry* registry = nullptr;  // default: adapters::default_registry()
  /// The clock (store timestamps, retry times). Default: the system clock.
  std::function<store::Timestamp()> clock;
  /// Where deliveries go. Default: default_resolver(config).
  DestinationResolver resolver;
  std::uint64_t jitter_seed = 0;  // 0: from the clock
  /// Opens a store connection. Default: SQLite at config.store.path.
  std::function<Result<std::unique_ptr<store::Database>>()> open_store;
  /// Prometheus observations (messages by route and state, latency, retries,
  /// dead letters); optional.
  metrics::PipelineMetrics* metrics = nullptr;
};

/// Counters for /metrics, by route and state.
struct DaemonCounters {
  std::map<std::string, std::int64_t> received;                 // route → count
  std::map<std::pair<std::string, std::string>, std::int64_t> routed;  // (route, state)
  std::int64_t duplicates = 0;
  std::int64_t delivered = 0, retries = 0, dead = 0;
  /// Emitted → delivered latency histogram: upper bounds in seconds → count.
  std::vector<std::pair<double, std::int64_t>> latency_buckets;
  double latency_sum = 0;
  std::int64_t latency_count = 0;
};

struct ReprocessSelection {
  std::string tenant;  // "" = all tenants
  std::vector<std::int64_t> ids;
  std::string route, state, direction, text;
  std::string destination;  // "" = the original outputs
  std::string actor, reason;
  int limit = 1000;
};

struct ReprocessOutcome {
  std::vector<std::int64_t> requeued;
  std::map<std::int64_t, std::string> refused;
};

/// Sets glibc's allocator for a long-running daemon process: freed memory is
/// kept instead of being handed back to the kernel after each transaction.
/// Process-wide, so the program calls it once at start-up (`carebridge serve`,
/// the benchmark) — never a library or a test.
void tune_allocator_for_daemon();

class Daemon {
 public:
  /// Compiles the routes (refusing a bad configuration with every problem,
  /// each with file and line) and opens the store connections.
  static cb::Expected<std::unique_ptr<Daemon>, Diagnostics> open(DaemonOptions options);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  /// Starts the pipeline and delivery threads.
  void start();
  /// Graceful stop: the current batch of each thread finishes (or its
  /// transaction rolls back and the work stays for the next start), then the
  /// threads end. Idempotent.
  void stop();
  /// Wakes both threads (after an upload or a reprocess).
  void wake();

  /// Validates and swaps in a new configuration's routes; on problems the old
  /// routes stay and the problems are returned.
  cb::Expected<void, Diagnostics> reload(const config::Config& cfg);

  /// One round of intake and routing (pipeline thread). Returns messages handled.
  int pipeline_step();
  /// One round of delivery. Returns outbox rows handled.
  int delivery_step();
  /// Steps both until nothing is left to do now (demo, tests). False on timeout.
  bool run_until_idle(std::chrono::milliseconds timeout);

  /// Stores an inbound message from an upload or a poller on a route.
  Result<Received> receive(const InboundMessage& m);
  /// Requeues messages: inbound ones are routed again, outbound ones delivered again.
  Result<ReprocessOutcome> reprocess(const ReprocessSelection& sel);

  /// The API connection, with its lock held while `fn` runs.
  template <class Fn>
  auto with_api_db(Fn&& fn) {
    std::lock_guard guard(api_lock_);
    return fn(*api_db_);
  }
  /// The same, also holding the process's write lock (for write transactions).
  template <class Fn>
  auto with_api_db_writing(Fn&& fn) {
    std::lock_guard guard(api_lock_);
    std::lock_guard writing(write_lock_);
    return fn(*api_db_);
  }

  std::shared_ptr<const RouteTable> routes() const;
  config::Config config() const;
  store::Timestamp now() const { return clock_(); }
  /// Opens another connection to the daemon's store (for ops, metrics).
  Result<std::unique_ptr<store::Database>> open_connection() const { return options_.open_store(); }
  DaemonCounters counters() const;
  /// Why the daemon is not ready: destinations failing, intake folders.
  std::vector<std::string> problems() const;

 private:
  explicit Daemon(DaemonOptions options);
  void pipeline_loop();
  void delivery_loop();
  int intake_step(const RouteTable& routes);
  void rewatch(const RouteTable& routes);
  void count_outcomes(const std::vector<ProcessOutcome>& outcomes);
  /// Counts, logs rejects and wakes delivery when outputs were emitted.
  void after_routing(const std::vector<ProcessOutcome>& outcomes);

  DaemonOptions options_;
  const adapters::Registry* registry_;
  std::function<store::Timestamp()> clock_;
  RetryPolicy retry_;
  int batch_ = 256;

  mutable std::mutex config_lock_;
  config::Config config_;
  std::shared_ptr<const RouteTable> routes_;
  DestinationResolver resolver_;
  std::atomic<bool> rewatch_{true};

  std::unique_ptr<store::Database> pipeline_db_, delivery_db_, api_db_;
  /// Held by every write transaction of this process (see deliver_due).
  std::mutex write_lock_;
  std::unique_ptr<StatementCache> pipeline_cache_;
  std::mutex api_lock_;
  DirectoryWatcher watcher_;
  /// Removes committed intake files off the pipeline thread (inline when the
  /// threads are not running: demo, tests).
  FileRemover remover_;
  int wake_fd_ = -1;

  std::atomic<bool> stopping_{false};
  std::thread pipeline_thread_, delivery_thread_;
  std::mutex delivery_wait_lock_;
  std::condition_variable delivery_wake_;
  bool delivery_signal_ = false;

  mutable std::mutex stats_lock_;
  DaemonCounters counters_;
  std::map<std::string, std::string> destination_problems_;
  std::map<std::string, std::string> intake_problems_;
};

}  // namespace cb::daemon
