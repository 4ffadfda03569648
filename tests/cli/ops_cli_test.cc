// End-to-end tests of `carebridge run` and `carebridge jobs`.

#include <gtest/gtest.h>

#include "run_binary.h"
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace fs = std::filesystem;

namespace {

using cb::testing::Run;
using cb::testing::run;

class OpsCli : public ::testing::Test {
 protected:
  OpsCli() {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("cb-ops-cli-" + std::to_string(rd()));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "ops.toml") << R"(
[store]
synchronous = "normal"

[[jobs]]
name = "nightly-check"
job = "selftest"
schedule = "0 2 * * *"
filter = "fail"
)";
  }
  ~OpsCli() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string with(const std::string& args) const {
    return args + " --workdir " + dir_.string() + " --config " + (dir_ / "ops.toml").string();
  }
  fs::path dir_;
};

TEST_F(OpsCli, RunIsIdempotentPerWorkingDate) {
  auto first = run(with("run noop --date 2026-03-14"));
  EXPECT_EQ(first.code, 0) << first.out;
  EXPECT_NE(first.out.find("noop for 2026-03-14 (all tenants): succeeded in"), std::string::npos)
      << first.out;
  EXPECT_NE(first.out.find("runs=1"), std::string::npos);
  auto again = run(with("run noop --date 2026-03-14"));
  EXPECT_EQ(again.code, 0);
  EXPECT_NE(again.out.find("already succeeded at"), std::string::npos) << again.out;
  auto other_tenant = run(with("run noop --date 2026-03-14 --tenant t2"));
  EXPECT_NE(other_tenant.out.find("(tenant t2): succeeded"), std::string::npos) << other_tenant.out;
}

TEST_F(OpsCli, AFailedRunExitsOneAndCanBeRunAgain) {
  // The entry name stands for selftest with filter "fail".
  auto failed = run(with("run nightly-check --date 2026-03-14"));
  EXPECT_EQ(failed.code, 1) << failed.out;
  EXPECT_NE(failed.out.find("selftest for 2026-03-14 (all tenants, filter fail): failed"),
            std::string::npos)
      << failed.out;
  EXPECT_NE(failed.out.find("OPS003"), std::string::npos);
  auto rerun = run(with("run nightly-check --date 2026-03-14 --filter fail"));
  EXPECT_EQ(rerun.code, 1);
  EXPECT_NE(rerun.out.find("attempt 2"), std::string::npos) << rerun.out;

  auto list = run(with("jobs list --log"));
  EXPECT_EQ(list.code, 0) << list.out;
  EXPECT_NE(list.out.find("selftest"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("failed"), std::string::npos);
  EXPECT_NE(list.out.find("--- attempt 2 ---"), std::string::npos) << list.out;
  auto only_ok = run(with("jobs list --state succeeded"));
  EXPECT_EQ(only_ok.out, "no job runs recorded\n");
}

TEST_F(OpsCli, UnknownJobsAreRefusedWithTheKnownOnes) {
  auto r = run(with("run plan-updat --date 2026-03-14"));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("OPS001"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("registered jobs: call-off, create-billing-data, invoice-call-off, noop, plan-update, retention, selftest"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ / "carebridge.db"));  // nothing was created
  EXPECT_EQ(run(with("run noop --date 2026-02-30")).code, 2);
}

TEST_F(OpsCli, JobsAvailableShowsJobsAndEntries) {
  auto r = run(with("jobs available"));
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("retention"), std::string::npos);
  EXPECT_NE(r.out.find("nightly-check"), std::string::npos);
  EXPECT_NE(r.out.find("\"0 2 * * *\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" 02:00"), std::string::npos) << r.out;
}

}  // namespace
