#include "pipeline/ops/health.h"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <system_error>

#include "pipeline/ops/scheduler.h"

namespace cb::ops {
namespace fs = std::filesystem;

namespace {

CheckResult ok(std::string name) { return CheckResult{std::move(name), true, {}}; }

CheckResult problem(std::string name, std::string text) {
  return CheckResult{std::move(name), false, std::move(text)};
}

std::string minutes_text(std::chrono::milliseconds d) {
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  if (s < 120) return std::to_string(s) + " s";
  return std::to_string(s / 60) + " min";
}

}  // namespace

std::string format_bytes(std::uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  std::uint64_t whole = bytes;
  std::uint64_t tenths = 0;
  while (whole >= 1024 && u < 4) {
    tenths = (whole % 1024) * 10 / 1024;
    whole /= 1024;
    ++u;
  }
  std::string out = std::to_string(whole);
  if (u > 0 && whole < 10 && tenths > 0) out += "." + std::to_string(tenths);
  return out + " " + units[u];
}

void HealthMonitor::add(std::string name, Check check) {
  std::lock_guard lock(mutex_);
  checks_.emplace_back(std::move(name), std::move(check));
}

HealthReport HealthMonitor::run(store::Timestamp now) {
  std::vector<std::pair<std::string, Check>> checks;
  {
    std::lock_guard lock(mutex_);
    checks = checks_;
  }
  HealthReport report;
  report.checked_at = now;
  for (const auto& [name, check] : checks) {
    CheckResult r;
    try {
      r = check();
    } catch (const std::exception& e) {
      r = problem(name, name + ": the check failed: " + e.what());
    }
    if (r.name.empty()) r.name = name;
    if (!r.ok) {
      report.ready = false;
      report.problems.push_back(r.problem.empty() ? name + " is not ok" : r.problem);
    }
    report.checks.push_back(std::move(r));
  }
  std::lock_guard lock(mutex_);
  last_ = report;
  return report;
}

HealthReport HealthMonitor::last() const {
  std::lock_guard lock(mutex_);
  return last_;
}

CheckResult check_folder_writable(const fs::path& dir, const std::string& what) {
  const std::string name = what + " " + dir.string();
  std::error_code ec;
  const auto st = fs::status(dir, ec);
  if (ec || !fs::exists(st)) return problem(name, name + " does not exist");
  if (!fs::is_directory(st)) return problem(name, name + " is not a folder");

  const fs::path probe =
      dir / (".carebridge-health-" + std::to_string(::getpid()) + ".tmp");
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int err = errno;
    if (err == EROFS) return problem(name, name + " is read-only (read-only file system)");
    if (err == EACCES || err == EPERM) {
      return problem(name, name + " is read-only for carebridge (" + std::strerror(err) + ")");
    }
    if (err == ENOSPC || err == EDQUOT) return problem(name, name + " is full");
    return problem(name, name + " cannot be written: " + std::strerror(err));
  }
  const char byte = 'x';
  bool written = ::write(fd, &byte, 1) == 1 && ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  ::unlink(probe.c_str());
  if (!written) {
    if (err == ENOSPC || err == EDQUOT) return problem(name, name + " is full");
    return problem(name, name + " cannot be written: " + std::strerror(err));
  }
  return ok(name);
}

CheckResult check_free_space(
    const fs::path& path, std::uint64_t min_free_bytes,
    const std::function<std::optional<std::uint64_t>(const fs::path&)>& free_bytes) {
  const std::string name = "free disk space on " + path.string();
  std::optional<std::uint64_t> available;
  if (free_bytes) {
    available = free_bytes(path);
  } else {
    struct statvfs s {};
    if (::statvfs(path.c_str(), &s) == 0) {
      available = static_cast<std::uint64_t>(s.f_bavail) * static_cast<std::uint64_t>(s.f_frsize);
    }
  }
  if (!available) return problem(name, "free disk space on " + path.string() + " is unknown");
  if (*available < min_free_bytes) {
    return problem(name, "free disk space on " + path.string() + " is " +
                             format_bytes(*available) + ", below " +
                             format_bytes(min_free_bytes));
  }
  return ok(name);
}

CheckResult check_store(store::Database& db) {
  const std::string name = "store " + db.location();
  try {
    auto st = db.prepare("SELECT 1");
    auto s = st->step();
    if (!s) return problem(name, "store " + db.location() + " does not answer: " + s.error().message);
  } catch (const std::exception& e) {
    return problem(name, "store " + db.location() + " does not answer: " + e.what());
  }
  return ok(name);
}

CheckResult check_scheduler(const SchedulerStatus& status, store::Timestamp now,
                            std::chrono::milliseconds max_tick_age,
                            std::chrono::milliseconds max_tick_duration) {
  const std::string name = "scheduler";
  if (status.in_tick && status.tick_started) {
    const auto running = now - *status.tick_started;
    if (running > max_tick_duration) {
      return problem(name, "the scheduler has been running jobs for " + minutes_text(running) +
                               " since " + store::format_timestamp(*status.tick_started) +
                               " (a job may be stuck)");
    }
    return ok(name);
  }
  if (status.last_tick) {
    const auto age = now - *status.last_tick;
    if (age > max_tick_age) {
      return problem(name, "the scheduler last ran at " + store::format_timestamp(*status.last_tick) +
                               ", " + minutes_text(age) + " ago");
    }
    return ok(name);
  }
  if (status.started_at && now - *status.started_at > max_tick_age) {
    return problem(name, "the scheduler has not run since it started at " +
                             store::format_timestamp(*status.started_at));
  }
  return ok(name);
}

}  // namespace cb::ops
