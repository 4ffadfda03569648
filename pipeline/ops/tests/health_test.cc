#include "pipeline/ops/health.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>

#include "pipeline/ops/scheduler.h"
#include "pipeline/ops/tests/ops_test_support.h"

namespace cb::ops {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::open_store;
using testing::TempDir;
using testing::ts;

TEST(Health, AWritableFolderPassesAndLeavesNothingBehind) {
  TempDir dir;
  auto r = check_folder_writable(dir.path(), "output folder");
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.name, "output folder " + dir.path().string());
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(Health, AMissingFolderOrAFileIsAProblem) {
  TempDir dir;
  auto missing = check_folder_writable(dir.path() / "out", "output folder");
  EXPECT_FALSE(missing.ok);
  EXPECT_EQ(missing.problem, "output folder " + (dir.path() / "out").string() + " does not exist");
  std::ofstream(dir.path() / "file") << "x";
  auto file = check_folder_writable(dir.path() / "file", "intake folder");
  EXPECT_EQ(file.problem, "intake folder " + (dir.path() / "file").string() + " is not a folder");
}

TEST(Health, AReadOnlyFolderIsAProblem) {
  TempDir dir;
  fs::permissions(dir.path(), fs::perms::owner_read | fs::perms::owner_exec |
                                  fs::perms::group_read | fs::perms::group_exec |
                                  fs::perms::others_read | fs::perms::others_exec);
  const std::string expected = "output folder " + dir.path().string() + " is read-only";
  if (::geteuid() != 0) {
    auto r = check_folder_writable(dir.path(), "output folder");
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.problem.rfind(expected, 0), 0u) << r.problem;
    return;
  }
  // Root writes anywhere: check as an unprivileged user in a child process.
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(2);
    auto r = check_folder_writable(dir.path(), "output folder");
    ::_exit(!r.ok && r.problem.rfind(expected, 0) == 0 ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 2) GTEST_SKIP() << "cannot drop privileges here";
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the check did not report '" << expected << "'";
}

TEST(Health, LowDiskSpaceIsAProblemWithBothFigures) {
  auto free_120mib = [](const fs::path&) { return std::optional<std::uint64_t>(120ull << 20); };
  auto low = check_free_space("/data", 1ull << 30, free_120mib);
  EXPECT_FALSE(low.ok);
  EXPECT_EQ(low.problem, "free disk space on /data is 120 MiB, below 1 GiB");
  EXPECT_TRUE(check_free_space("/data", 100ull << 20, free_120mib).ok);
  auto unknown = check_free_space("/nowhere", 1, [](const fs::path&) {
    return std::optional<std::uint64_t>();
  });
  EXPECT_FALSE(unknown.ok);
  // The real statvfs: the temp folder has more than one byte free, not 1 EiB.
  EXPECT_TRUE(check_free_space(fs::temp_directory_path(), 1).ok);
  EXPECT_FALSE(check_free_space(fs::temp_directory_path(), 1ull << 60).ok);
}

TEST(Health, FormatsBytesForPeople) {
  EXPECT_EQ(format_bytes(512), "512 B");
  EXPECT_EQ(format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(format_bytes(120ull << 20), "120 MiB");
  EXPECT_EQ(format_bytes(3ull << 30), "3 GiB");
}

TEST(Health, TheStoreAnswers) {
  auto db = open_store();
  EXPECT_TRUE(check_store(*db).ok);
}

TEST(Health, ASchedulerThatStoppedTickingOrIsStuckIsAProblem) {
  SchedulerStatus s;
  s.started_at = ts(2026, 3, 14, 3, 0);
  EXPECT_TRUE(check_scheduler(s, ts(2026, 3, 14, 3, 2), 5min).ok);
  auto never = check_scheduler(s, ts(2026, 3, 14, 3, 10), 5min);
  EXPECT_EQ(never.problem,
            "the scheduler has not run since it started at 2026-03-14T03:00:00.000Z");

  s.last_tick = ts(2026, 3, 14, 3, 1);
  EXPECT_TRUE(check_scheduler(s, ts(2026, 3, 14, 3, 5), 5min).ok);
  auto late = check_scheduler(s, ts(2026, 3, 14, 3, 21), 5min);
  EXPECT_EQ(late.problem, "the scheduler last ran at 2026-03-14T03:01:00.000Z, 20 min ago");

  s.in_tick = true;
  s.tick_started = ts(2026, 3, 14, 3, 1);
  EXPECT_TRUE(check_scheduler(s, ts(2026, 3, 14, 4, 0), 5min, 2h).ok);  // a long job is fine
  auto stuck = check_scheduler(s, ts(2026, 3, 14, 6, 1), 5min, 2h);
  EXPECT_EQ(stuck.problem,
            "the scheduler has been running jobs for 180 min since 2026-03-14T03:01:00.000Z "
            "(a job may be stuck)");
}

TEST(Health, TheMonitorCollectsProblemsAndKeepsTheLastReport) {
  HealthMonitor m;
  EXPECT_TRUE(m.last().ready);
  bool disk_ok = true;
  m.add("disk", [&] {
    return disk_ok ? CheckResult{"disk", true, {}}
                   : CheckResult{"disk", false, "free disk space on /data is 1 MiB, below 1 GiB"};
  });
  m.add("thrower", []() -> CheckResult { throw std::runtime_error("no permission"); });
  auto r = m.run(ts(2026, 3, 14));
  EXPECT_FALSE(r.ready);
  EXPECT_EQ(r.problems, (std::vector<std::string>{"thrower: the check failed: no permission"}));
  disk_ok = false;
  m.run(ts(2026, 3, 14, 0, 1));
  const auto last = m.last();
  ASSERT_EQ(last.problems.size(), 2u);
  EXPECT_EQ(last.problems[0], "free disk space on /data is 1 MiB, below 1 GiB");
  EXPECT_EQ(last.checks.size(), 2u);
  EXPECT_EQ(last.checked_at, ts(2026, 3, 14, 0, 1));
}

}  // namespace
}  // namespace cb::ops
