#pragma once
// The remote intake of `carebridge serve` (Abholung): every `[[pollers]]`
// entry is fetched on its interval or cron schedule from an SFTP folder or an
// HTTP(S) URL (remote_source.h), on one thread of its own. Each fetched file
// is stored exactly like a file of an intake folder — on the route whose
// match.poller names the poller, content hash deduplicated per route, state
// "received" — and only after that transaction committed is it removed or
// moved remotely, so a crash between fetch and store loses nothing (the file
// is fetched again; stored twice it is a duplicate, never a second message).
//
// Transient failures (connection refused, timeout, 5xx) are retried with the
// daemon's backoff (retry_policy.h), never later than the next regular poll;
// permanent ones (401, 403, 404, login denied, host key rejected) are logged
// with the reason and wait for the next interval. A poller that failed for
// `unready_after` intervals in a row, or permanently, is one of the daemon's
// readiness problems, and every round shows in /metrics.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/diag/diagnostic.h"
#include "pipeline/config/config.h"
#include "pipeline/daemon/message_log.h"
#include "pipeline/daemon/remote_source.h"
#include "pipeline/daemon/retry_policy.h"
#include "pipeline/daemon/route_table.h"
#include "pipeline/ops/cron_schedule.h"
#include "pipeline/store/timestamp.h"

namespace cb::metrics {
class Registry;
template <class M>
class Family;
class Counter;
class Gauge;
}  // namespace cb::metrics

namespace cb::daemon {

/// What a poller is doing, for health, metrics and the log.
struct PollerStatus {
  std::string name;
  std::string url;
  std::string route;
  bool enabled = true;
  std::optional<store::Timestamp> last_attempt, last_success, failing_since, next_poll;
  int failed_attempts = 0;   // in a row, retries included
  int failed_intervals = 0;  // regular polls in a row that failed
  bool permanent = false;    // the last failure will not go away by itself
  std::string last_error;    // empty when the last round succeeded
  std::int64_t stored = 0, duplicates = 0, acknowledged = 0;
  std::map<std::string, std::string> file_problems;  // remote file → why it stays there
};

/// One round of one poller.
struct PollRound {
  RemoteStatus status = RemoteStatus::ok;  // ok, nothing, transient, permanent
  std::string reason;
  int fetched = 0, stored = 0, duplicates = 0, acknowledged = 0, skipped = 0;
  std::vector<std::int64_t> message_ids;  // stored or found duplicate, in order
};

/// Stores one fetched message (Daemon::receive in serve).
using PollSink = std::function<Result<Received>(const InboundMessage&)>;
/// The routes in force now (they change on reload).
using RouteSource = std::function<std::shared_ptr<const RouteTable>()>;

struct RemotePollerOptions {
  std::function<store::Timestamp()> now;  // default: system clock
  /// Civil time of an instant for cron schedules; default UTC.
  std::function<ops::LocalMinutes(store::Timestamp)> to_local;
  /// Retry of transient failures; default from the config's [delivery].
  std::optional<RetryPolicy> retry;
  /// Prometheus families carebridge_poller_* are declared here when given.
  metrics::Registry* metrics = nullptr;
  /// Called after messages were stored (wakes the daemon's pipeline thread).
  std::function<void()> stored;
};

class RemotePoller {
 public:
  RemotePoller(const config::Config& cfg, RouteSource routes, PollSink sink,
               RemotePollerOptions options = {});
  ~RemotePoller();
  RemotePoller(const RemotePoller&) = delete;
  RemotePoller& operator=(const RemotePoller&) = delete;

  /// Starts the polling thread (every enabled poller is due at once).
  void start();
  /// Stops the thread; a transfer in progress is aborted, nothing stored half.
  void stop();
  /// Takes a new (validated) configuration: new and changed pollers start
  /// over and are due at once, removed ones stop; unchanged ones keep their
  /// state.
  void reload(const config::Config& cfg);

  /// Runs every poller that is due now (in the caller's thread). Returns the
  /// earliest next due time, if any poller is enabled.
  std::optional<store::Timestamp> step();
  /// Polls one poller now, whatever its schedule (tests, operators). Counts as
  /// a regular poll.
  PollRound poll_now(const std::string& name);

  std::vector<PollerStatus> status() const;
  /// Readiness problems, each naming the poller and what to do.
  std::vector<std::string> problems() const;
  std::size_t size() const;

 private:
  struct State;
  void set_pollers(const config::Config& cfg, bool keep_state);
  PollRound run(State& s, store::Timestamp now, bool regular);
  PollRound run_round(State& s, RemoteSource& source, const CompiledRoute& route);
  bool store_one(State& s, const CompiledRoute& route, const RemoteEntry& entry,
                 std::string bytes, PollRound& round);
  void finish(State& s, const PollRound& round, store::Timestamp now, bool regular);
  store::Timestamp next_regular(const State& s, store::Timestamp after) const;
  void loop();

  RouteSource routes_;
  PollSink sink_;
  RemotePollerOptions options_;
  RetryPolicy retry_;
  std::filesystem::path workdir_;

  mutable std::mutex lock_;  // states_ and their status
  std::vector<std::shared_ptr<State>> states_;
  std::mutex run_lock_;  // one round at a time

  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::mutex wait_lock_;
  std::condition_variable wake_;
  bool signal_ = false;

  metrics::Family<metrics::Counter>* rounds_ = nullptr;
  metrics::Family<metrics::Counter>* files_ = nullptr;
  metrics::Family<metrics::Gauge>* failing_ = nullptr;
  metrics::Family<metrics::Gauge>* last_success_ = nullptr;
};

}  // namespace cb::daemon
