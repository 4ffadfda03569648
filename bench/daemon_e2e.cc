// End-to-end benchmark of the daemon: small canonical-JSON messages renamed
// into an intake folder, parsed, applied (import), written by the output
// adapter and delivered as files — with durable commits (synchronous = full)
// and fsynced output files. Two measurements:
//   throughput: a burst of N files, messages per second until all delivered;
//   latency:    files at a steady rate, intake → delivered-file latency
//               percentiles (the delivered file's arrival seen by inotify).
// Both print the process's CPU time (user + system) per message, which does
// not depend on how busy the rest of the machine is.
// Usage: daemon_e2e [--messages N] [--rate R] [--seconds S] [--dir D]
//                   [--only throughput|latency]
// With CB_PERF_CTL=<fifo> (perf record --control=fifo:<fifo> -D -1) the
// profiler is enabled only while messages flow, not while files are staged.

#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/config/config.h"
#include "pipeline/daemon/daemon.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

/// User + system CPU time of the whole process so far, in seconds.
double cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  auto tv = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return tv(u.ru_utime) + tv(u.ru_stime);
}

/// Switches `perf record --control=fifo:…` on or off (no-op without CB_PERF_CTL).
void profiler(bool on) {
  const char* fifo = std::getenv("CB_PERF_CTL");
  if (fifo == nullptr) return;
  const int fd = ::open(fifo, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return;
  const char* cmd = on ? "enable\n" : "disable\n";
  [[maybe_unused]] auto n = ::write(fd, cmd, std::strlen(cmd));
  ::close(fd);
}

std::string item(int n) {
  return "{\"format\": \"carebridge-canonical\", \"version\": 1, \"documents\": [{\"kind\": "
         "\"item\", \"number\": \"B-" +
         std::to_string(n) + "\", \"unit\": \"ST\", \"description\": \"bench item\"}]}\n";
}

std::unique_ptr<cb::daemon::Daemon> start_daemon(const fs::path& dir) {
  const std::string text = "workdir = \"" + dir.string() +
                           "\"\n[store]\npath = \"bench.db\"\nsynchronous = \"full\"\n"
                           "[log]\nlevel = \"error\"\n[delivery]\nbatch = 512\n"
                           "[[routes]]\nname = \"bench\"\nmatch = { folder = \"in\" }\n"
                           "adapter = \"canonical-json\"\ncommand = \"import\"\n"
                           "outputs = [ { adapter = \"canonical-json\", destination = \"out\" } ]\n";
  auto cfg = cb::config::load_config_text(text, "bench.toml");
  if (!cfg) {
    std::cerr << cb::config::format_diagnostics(cfg.error());
    std::exit(2);
  }
  cb::daemon::DaemonOptions o;
  o.config = *cfg;
  auto d = cb::daemon::Daemon::open(std::move(o));
  if (!d) {
    std::cerr << cb::config::format_diagnostics(d.error());
    std::exit(2);
  }
  (*d)->start();
  return std::move(*d);
}

void throughput(const fs::path& dir, int n) {
  fs::remove_all(dir);
  fs::create_directories(dir / "stage");
  fs::create_directories(dir / "in");
  for (int i = 0; i < n; ++i) std::ofstream(dir / "stage" / ("t" + std::to_string(i) + ".json")) << item(i);
  auto d = start_daemon(dir);
  profiler(true);
  const double cpu0 = cpu_seconds();
  const auto t0 = Clock::now();
  for (int i = 0; i < n; ++i) {
    const auto name = "t" + std::to_string(i) + ".json";
    fs::rename(dir / "stage" / name, dir / "in" / name);
  }
  while (d->counters().delivered < n && Clock::now() - t0 < 600s) std::this_thread::sleep_for(5ms);
  const double s = std::chrono::duration<double>(Clock::now() - t0).count();
  const double cpu = cpu_seconds() - cpu0;
  profiler(false);
  const auto c = d->counters();
  d->stop();
  std::printf("throughput: %d messages in %.2f s = %.0f messages/s (delivered %lld), "
              "CPU %.3f ms per message\n",
              n, s, n / s, static_cast<long long>(c.delivered), 1000.0 * cpu / n);
}

void latency(const fs::path& dir, int rate, int seconds) {
  fs::remove_all(dir);
  fs::create_directories(dir / "stage");
  fs::create_directories(dir / "in");
  fs::create_directories(dir / "out");
  const int n = rate * seconds;
  for (int i = 0; i < n; ++i) std::ofstream(dir / "stage" / ("l" + std::to_string(i) + ".json")) << item(i);
  std::vector<Clock::time_point> sent(static_cast<std::size_t>(n)), seen(static_cast<std::size_t>(n));
  std::atomic<int> arrived{0};
  const int fd = inotify_init1(IN_CLOEXEC);
  inotify_add_watch(fd, (dir / "out").c_str(), IN_MOVED_TO);
  std::thread watcher([&] {
    alignas(inotify_event) char buf[65536];
    while (arrived < n) {
      const ssize_t len = ::read(fd, buf, sizeof buf);
      if (len <= 0) break;
      const auto now = Clock::now();
      for (ssize_t off = 0; off < len;) {
        const auto* ev = reinterpret_cast<const inotify_event*>(buf + off);
        off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
        const std::string name = ev->len ? ev->name : "";
        const auto at = name.find("-l");
        if (name.empty() || name.front() == '.' || at == std::string::npos) continue;
        const int seq = std::atoi(name.c_str() + at + 2);
        if (seq >= 0 && seq < n) seen[static_cast<std::size_t>(seq)] = now;
        ++arrived;
      }
    }
  });
  auto d = start_daemon(dir);
  profiler(true);
  const double cpu0 = cpu_seconds();
  const auto t0 = Clock::now();
  const auto gap = std::chrono::nanoseconds(1000000000LL / rate);
  for (int i = 0; i < n; ++i) {
    std::this_thread::sleep_until(t0 + gap * i);
    const auto name = "l" + std::to_string(i) + ".json";
    sent[static_cast<std::size_t>(i)] = Clock::now();
    fs::rename(dir / "stage" / name, dir / "in" / name);
  }
  while (arrived < n && Clock::now() - t0 < std::chrono::seconds(seconds + 120)) {
    std::this_thread::sleep_for(5ms);
  }
  const double cpu = cpu_seconds() - cpu0;
  profiler(false);
  d->stop();
  ::close(fd);
  watcher.detach();
  std::vector<double> ms;
  for (int i = 0; i < n; ++i) {
    if (seen[static_cast<std::size_t>(i)] == Clock::time_point{}) continue;
    ms.push_back(std::chrono::duration<double, std::milli>(seen[static_cast<std::size_t>(i)] -
                                                          sent[static_cast<std::size_t>(i)])
                     .count());
  }
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double p) {
    return ms.empty() ? 0.0 : ms[std::min(ms.size() - 1, static_cast<std::size_t>(p * static_cast<double>(ms.size())))];
  };
  std::printf("latency at %d messages/s for %d s: %zu/%d delivered, p50 %.1f ms, p90 %.1f ms, "
              "p95 %.1f ms, p99 %.1f ms, max %.1f ms, CPU %.3f ms per message\n",
              rate, seconds, ms.size(), n, pct(0.5), pct(0.9), pct(0.95), pct(0.99),
              ms.empty() ? 0 : ms.back(), 1000.0 * cpu / n);
}

}  // namespace

int main(int argc, char** argv) {
  int messages = 10000, rate = 500, seconds = 10;
  std::string only;
  fs::path dir = fs::temp_directory_path() / ("cb-bench-" + std::to_string(::getpid()));
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    if (k == "--messages") messages = std::atoi(argv[i + 1]);
    if (k == "--rate") rate = std::atoi(argv[i + 1]);
    if (k == "--seconds") seconds = std::atoi(argv[i + 1]);
    if (k == "--dir") dir = argv[i + 1];
    if (k == "--only") only = argv[i + 1];
  }
  cb::daemon::tune_allocator_for_daemon();  // as `carebridge serve` does
  std::printf("daemon end to end: canonical JSON, import, canonical JSON out, synchronous=full\n");
  if (only.empty() || only == "throughput") throughput(dir / "throughput", messages);
  if (only.empty() || only == "latency") latency(dir / "latency", rate, seconds);
  fs::remove_all(dir);
  return 0;
}
