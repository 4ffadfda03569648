#pragma once
// Health and readiness (Betriebsbereitschaft): checks the daemon runs
// periodically (e.g. every 10 s, and on GET /health) to say whether it can do
// its work, in words an operator acts on: "output folder /x is read-only",
// "free disk space on /var/lib/carebridge is 120 MiB, below 1 GiB".
//
// Daemon wiring:
//   ops::HealthMonitor health;
//   for (auto& dir : output_folders) health.add("output " + dir.string(),
//       [dir] { return ops::check_folder_writable(dir, "output folder"); });
//   health.add("disk", [=] { return ops::check_free_space(workdir, 1ull << 30); });
//   health.add("store", [&db] { return ops::check_store(db); });           // own connection
//   health.add("scheduler", [&] { return ops::check_scheduler(sched.status(), clock(),
//                                                             std::chrono::minutes(5)); });
//   every 10 s: health.run();                  Backend::health(): health.last() →
//   http::Health{.live = true, .ready = r.ready, .problems = r.problems}
//
// Checks must be quick and never throw (an exception is turned into a problem).
// HealthMonitor is thread-safe: run() on one thread, last() from any.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/store/database.h"
#include "pipeline/store/timestamp.h"

namespace cb::ops {

struct SchedulerStatus;

/// The outcome of one check: no problem, or the reason in words.
struct CheckResult {
  std::string name;
  bool ok = true;
  std::string problem;  // empty when ok
};

struct HealthReport {
  bool ready = true;
  std::vector<std::string> problems;  // one line per failed check
  std::vector<CheckResult> checks;    // every check, in the order added
  store::Timestamp checked_at{};
};

class HealthMonitor {
 public:
  using Check = std::function<CheckResult()>;

  /// Adds a named check; `name` labels it in the report.
  void add(std::string name, Check check);
  /// Runs every check now and keeps the report. `now` stamps it.
  HealthReport run(store::Timestamp now);
  /// The last report (ready with no checks before the first run).
  HealthReport last() const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, Check>> checks_;
  HealthReport last_;
};

/// The folder exists, is a folder, and a file can be created, written, synced
/// and removed in it (so read-only mounts and full disks show up). `what`
/// names it in the problem ("output folder", "intake folder").
CheckResult check_folder_writable(const std::filesystem::path& dir, const std::string& what);

/// Free space (for unprivileged users) on the file system of `path` is at least
/// `min_free_bytes`. `free_bytes` may be injected for tests; by default statvfs.
CheckResult check_free_space(
    const std::filesystem::path& path, std::uint64_t min_free_bytes,
    const std::function<std::optional<std::uint64_t>(const std::filesystem::path&)>&
        free_bytes = {});

/// The store answers a trivial query.
CheckResult check_store(store::Database& db);

/// The scheduler ticked within `max_tick_age`, and a tick in progress has not
/// been running longer than `max_tick_duration`.
CheckResult check_scheduler(const SchedulerStatus& status, store::Timestamp now,
                            std::chrono::milliseconds max_tick_age,
                            std::chrono::milliseconds max_tick_duration = std::chrono::hours(6));

/// "1.5 GiB", "120 MiB", "512 B".
std::string format_bytes(std::uint64_t bytes);

}  // namespace cb::ops
