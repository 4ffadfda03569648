#include "pipeline/ops/ops_service.h"

#include <gtest/gtest.h>

#include <future>

#include "pipeline/config/config.h"
#include "pipeline/metrics/pipeline_metrics.h"
#include "pipeline/ops/tests/ops_test_support.h"

namespace cb::ops {
namespace {

namespace fs = std::filesystem;
using testing::ManualClock;
using testing::open_store;
using testing::TempDir;
using testing::ts;

config::Config load(const std::string& text) {
  auto c = config::load_config_text(text, "serve.toml");
  EXPECT_TRUE(c) << config::format_diagnostics(c.error());
  return *c;
}

class OpsServiceTest : public ::testing::Test {
 protected:
  OpsServiceTest() : clock_(ts(2026, 3, 14, 1, 0)) {}

  std::unique_ptr<OpsService> make(const std::string& text, std::vector<fs::path> outputs = {}) {
    auto cfg = load(text);
    cfg.workdir = dir_.path();
    OpsServiceOptions o;
    o.now = clock_;
    o.output_folders = std::move(outputs);
    o.free_bytes = [this](const fs::path&) { return std::optional<std::uint64_t>(free_); };
    auto s = OpsService::create(cfg, open_store(), &metrics_, o);
    EXPECT_TRUE(s) << (s ? "" : config::format_diagnostics(s.error()));
    return s ? std::move(*s) : nullptr;
  }

  TempDir dir_;
  ManualClock clock_;
  metrics::Registry registry_;
  metrics::PipelineMetrics metrics_{registry_};
  std::uint64_t free_ = 50ull << 30;
};

constexpr const char* kNightly = R"(
[[jobs]]
name = "nightly"
job = "noop"
schedule = "0 2 * * *"
)";

TEST_F(OpsServiceTest, StepRunsTheScheduleAndTheHealthChecks) {
  auto s = make(kNightly, {dir_.path()});
  EXPECT_TRUE(s->step().empty());
  EXPECT_TRUE(s->health().ready) << s->health().problems.front();
  clock_.set(ts(2026, 3, 14, 2, 0));
  auto ran = s->step();
  ASSERT_EQ(ran.size(), 1u);
  EXPECT_EQ(ran[0].result->record.job, "noop");
  EXPECT_EQ(ran[0].result->record.working_date, "2026-03-14");
  EXPECT_NE(registry_.render().find("carebridge_job_runs_total{job=\"noop\",state=\"succeeded\"} 1"),
            std::string::npos);
}

TEST_F(OpsServiceTest, HealthNamesWhatIsWrong) {
  const fs::path missing = dir_.path() / "out";
  auto s = make(kNightly, {missing});
  free_ = 10ull << 20;
  s->step();
  const auto h = s->health();
  EXPECT_FALSE(h.ready);
  EXPECT_NE(std::find(h.problems.begin(), h.problems.end(),
                      "output folder " + missing.string() + " does not exist"),
            h.problems.end());
  EXPECT_NE(std::find(h.problems.begin(), h.problems.end(),
                      "free disk space on " + dir_.path().string() + " is 10 MiB, below 1 GiB"),
            h.problems.end());
  EXPECT_NE(registry_.render().find("carebridge_health_ready 0\n"), std::string::npos);
  fs::create_directories(missing);
  free_ = 50ull << 30;
  s->step();
  EXPECT_TRUE(s->health().ready);
}

TEST_F(OpsServiceTest, TheApiRunsJobsAndListsRunsPerTenant) {
  auto s = make(kNightly);
  auto run = s->run_job({"t1", "noop", "2026-03-10", "", "token:ops"});
  ASSERT_TRUE(run) << run.error().to_string();
  EXPECT_EQ(run->state, "succeeded");
  EXPECT_EQ(run->counts.at("runs"), 1);
  auto today = s->run_job({"t2", "noop", "", "", "token:ops"});
  ASSERT_TRUE(today);
  EXPECT_EQ(today->working_date, "2026-03-14");
  auto bad = s->run_job({"t1", "noop", "2026-13-01", "", "token:ops"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, DiagCode::OpsBadRunRequest);
  auto unknown = s->run_job({"t1", "nope", "", "", "token:ops"});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, DiagCode::OpsUnknownJob);

  auto t1 = s->list_runs("t1", 10);
  ASSERT_TRUE(t1);
  ASSERT_EQ(t1->size(), 1u);
  EXPECT_EQ((*t1)[0].working_date, "2026-03-10");
  auto all = s->list_runs("", 10);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 2u);
}

TEST_F(OpsServiceTest, TheThreadRunsDueJobs) {
  auto cfg = load(kNightly);
  std::promise<std::vector<TickRun>> first_tick;
  bool reported = false;
  OpsServiceOptions o;
  o.now = clock_;
  o.after_tick = [&](const std::vector<TickRun>& ran) {
    if (!reported) {
      reported = true;
      first_tick.set_value(ran);
    }
  };
  auto s = OpsService::create(cfg, open_store(), nullptr, o);  // created at 01:00
  ASSERT_TRUE(s);
  clock_.set(ts(2026, 3, 14, 2, 0));
  ASSERT_TRUE((*s)->start());
  auto ticked = first_tick.get_future();
  ASSERT_EQ(ticked.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  const auto ran = ticked.get();
  (*s)->stop();
  ASSERT_EQ(ran.size(), 1u);
  EXPECT_EQ(ran[0].result->record.state, "succeeded");
  EXPECT_EQ(ran[0].result->record.actor, "scheduler:nightly");
}

TEST_F(OpsServiceTest, UnknownJobsInTheConfigAreRefused) {
  auto cfg = load(R"(
[[jobs]]
name = "plan"
job = "no-such-job"
schedule = "0 2 * * *"
)");
  auto s = OpsService::create(cfg, open_store(), nullptr, {.now = clock_});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().front().code, DiagCode::OpsJobNotRegistered);
  EXPECT_EQ(s.error().front().where.line, 4u);
}

TEST_F(OpsServiceTest, StartRecoversInterruptedRunsAndStopEndsTheThread) {
  auto cfg = load(kNightly);
  auto db = open_store();
  ASSERT_TRUE(db->exec(
      "INSERT INTO job_runs (job, working_date, state, started_at) "
      "VALUES ('noop', '2026-03-13', 'running', '2026-03-13T02:00:00.000Z')"));
  auto s = OpsService::create(cfg, std::move(db), nullptr, {.now = clock_});
  ASSERT_TRUE(s);
  ASSERT_TRUE((*s)->start());
  (*s)->stop();
  (*s)->stop();  // idempotent
  auto runs = (*s)->list_runs("", 10);
  ASSERT_TRUE(runs);
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].state, "failed");
  EXPECT_NE((*runs)[0].log.find("interrupted"), std::string::npos);
}

}  // namespace
}  // namespace cb::ops
