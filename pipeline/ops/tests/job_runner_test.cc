#include "pipeline/ops/job_runner.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "pipeline/metrics/pipeline_metrics.h"
#include "pipeline/ops/tests/ops_test_support.h"

namespace cb::ops {
namespace {

using testing::ManualClock;
using testing::open_store;
using testing::ts;

Date day(const char* text) { return *Date::parse(text); }

/// A job with the domain signature, as the rx helpers will write it.
struct DomainCounts {
  std::map<std::string, int> counts;
  std::string log;
};

class JobRunnerTest : public ::testing::Test {
 protected:
  JobRunnerTest() : clock_(ts(2026, 3, 14, 2, 0)), db_(open_store()) {
    jobs_.add({"count", "counts its calls",
               [this](const JobContext& ctx) -> Result<JobOutcome> {
                 ++calls_;
                 clock_.advance(std::chrono::seconds(3));
                 if (fail_next_) {
                   fail_next_ = false;
                   return fail(DiagCode::OpsJobFailed, "the insurer's file was missing");
                 }
                 JobOutcome o;
                 o.counts["calls"] = calls_;
                 o.log = "ran for " + ctx.working_date.to_string() + " filter=" + ctx.filter + "\n";
                 return o;
               },
               true});
  }

  ManualClock clock_;
  std::unique_ptr<store::SqliteDatabase> db_;
  JobRegistry jobs_;
  int calls_ = 0;
  bool fail_next_ = false;
};

TEST_F(JobRunnerTest, RunsOncePerJobTenantDateAndFilter) {
  JobRunner runner(*db_, jobs_, clock_);
  auto first = runner.run({"count", "t1", day("2026-03-14"), "", "cli"});
  ASSERT_TRUE(first) << first.error().to_string();
  EXPECT_EQ(first->disposition, RunDisposition::ran);
  EXPECT_EQ(first->record.state, "succeeded");
  EXPECT_EQ(first->record.counts.at("calls"), 1);
  EXPECT_EQ(first->record.log, "ran for 2026-03-14 filter=\n");
  EXPECT_EQ(first->record.started_at, "2026-03-14T02:00:00.000Z");
  EXPECT_EQ(first->record.finished_at, "2026-03-14T02:00:03.000Z");
  EXPECT_EQ(first->record.actor, "cli");

  auto again = runner.run({"count", "t1", day("2026-03-14"), "", "scheduler"});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->disposition, RunDisposition::already_succeeded);
  EXPECT_EQ(again->record.id, first->record.id);
  EXPECT_EQ(calls_, 1);

  // Another date, tenant or filter is another run.
  ASSERT_TRUE(runner.run({"count", "t1", day("2026-03-15"), "", "cli"}));
  ASSERT_TRUE(runner.run({"count", "t2", day("2026-03-14"), "", "cli"}));
  ASSERT_TRUE(runner.run({"count", "t1", day("2026-03-14"), "route=dta", "cli"}));
  EXPECT_EQ(calls_, 4);
}

TEST_F(JobRunnerTest, AFailedRunIsRecordedAndCanBeRunAgain) {
  JobRunner runner(*db_, jobs_, clock_);
  fail_next_ = true;
  auto failed = runner.run({"count", "", day("2026-03-14"), "", "scheduler"});
  ASSERT_TRUE(failed) << failed.error().to_string();
  EXPECT_EQ(failed->disposition, RunDisposition::ran);
  EXPECT_EQ(failed->record.state, "failed");
  EXPECT_NE(failed->record.log.find("OPS003"), std::string::npos);
  EXPECT_NE(failed->record.log.find("the insurer's file was missing"), std::string::npos);
  EXPECT_EQ(failed->record.attempts, 1);

  auto rerun = runner.run({"count", "", day("2026-03-14"), "", "user:anna"});
  ASSERT_TRUE(rerun);
  EXPECT_EQ(rerun->record.state, "succeeded");
  EXPECT_EQ(rerun->record.attempts, 2);
  EXPECT_EQ(rerun->record.id, failed->record.id);
  EXPECT_EQ(rerun->record.actor, "user:anna");
  // The log keeps the failed attempt.
  EXPECT_NE(rerun->record.log.find("--- attempt 1 ---"), std::string::npos) << rerun->record.log;
  EXPECT_NE(rerun->record.log.find("the insurer's file was missing"), std::string::npos);
  EXPECT_NE(rerun->record.log.find("--- attempt 2 ---\nran for 2026-03-14"), std::string::npos);
}

TEST_F(JobRunnerTest, AtomicJobsRollBackTheirWorkWhenTheyFail) {
  jobs_.add({"writer", "writes a job_runs marker then fails",
             [](const JobContext& ctx) -> Result<JobOutcome> {
               auto r = ctx.db.exec(
                   "INSERT INTO job_runs (job, working_date, state, started_at, finished_at) "
                   "VALUES ('side-effect', '2026-01-01', 'succeeded', "
                   "'2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')");
               if (!r) return cb::Unexpected(r.error());
               if (ctx.filter == "boom") throw std::runtime_error("disk on fire");
               return fail(DiagCode::OpsJobFailed, "changed its mind");
             },
             true});
  JobRunner runner(*db_, jobs_, clock_);
  auto r = runner.run({"writer", "", day("2026-03-14"), "", "cli"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->record.state, "failed");
  auto thrown = runner.run({"writer", "", day("2026-03-14"), "boom", "cli"});
  ASSERT_TRUE(thrown);
  EXPECT_EQ(thrown->record.state, "failed");
  EXPECT_NE(thrown->record.log.find("the job threw: disk on fire"), std::string::npos);
  auto side = runner.list_runs({.job = "side-effect"});
  ASSERT_TRUE(side);
  EXPECT_TRUE(side->empty());
}

TEST_F(JobRunnerTest, UnknownJobsAndMissingDatesAreRefused) {
  JobRunner runner(*db_, jobs_, clock_);
  auto r = runner.run({"plan-updat", "", day("2026-03-14"), "", "cli"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, DiagCode::OpsUnknownJob);
  EXPECT_EQ(r.error().hint, "registered jobs: count");
  auto no_date = runner.run({"count", "", Date::min(), "", "cli"});
  ASSERT_FALSE(no_date);
  EXPECT_EQ(no_date.error().code, DiagCode::OpsBadRunRequest);
}

TEST_F(JobRunnerTest, InterruptedRunsAreMarkedFailedAtStartUpAndCanBeRunAgain) {
  ASSERT_TRUE(db_->exec(
      "INSERT INTO job_runs (job, tenant, working_date, state, started_at) "
      "VALUES ('count', '', '2026-03-13', 'running', '2026-03-13T02:00:00.000Z')"));
  JobRunner runner(*db_, jobs_, clock_);
  auto busy = runner.run({"count", "", day("2026-03-13"), "", "cli"});
  ASSERT_TRUE(busy);
  EXPECT_EQ(busy->disposition, RunDisposition::already_running);
  EXPECT_EQ(calls_, 0);

  auto n = runner.recover_interrupted();
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 1);
  auto rec = runner.find_run("count", "", day("2026-03-13"), "");
  ASSERT_TRUE(rec && *rec);
  EXPECT_EQ((*rec)->state, "failed");
  EXPECT_EQ((*rec)->log, "interrupted: the daemon stopped during the run\n");

  auto rerun = runner.run({"count", "", day("2026-03-13"), "", "cli"});
  ASSERT_TRUE(rerun);
  EXPECT_EQ(rerun->record.state, "succeeded");
  EXPECT_EQ(rerun->record.attempts, 2);
}

TEST_F(JobRunnerTest, ListsRunsNewestFirstAndByTenant) {
  JobRunner runner(*db_, jobs_, clock_);
  ASSERT_TRUE(runner.run({"count", "t1", day("2026-03-14"), "", "cli"}));
  ASSERT_TRUE(runner.run({"count", "t2", day("2026-03-14"), "", "cli"}));
  ASSERT_TRUE(runner.run({"count", "t1", day("2026-03-15"), "", "cli"}));
  auto all = runner.list_runs({});
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ(all->front().working_date, "2026-03-15");
  auto t1 = runner.list_runs({.tenant = "t1", .limit = 10});
  ASSERT_TRUE(t1);
  ASSERT_EQ(t1->size(), 2u);
  for (const auto& r : *t1) EXPECT_EQ(r.tenant, "t1");
  auto limited = runner.list_runs({.limit = 1});
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->size(), 1u);
  auto last = runner.last_working_date("count", "t1", "");
  ASSERT_TRUE(last && *last);
  EXPECT_EQ((*last)->to_string(), "2026-03-15");
}

TEST_F(JobRunnerTest, DomainJobsWithTheSimpleSignatureRegister) {
  jobs_.add_simple("plan-update", "extends schedules",
                   [](store::Database&, const std::string& tenant, Date d) -> Result<DomainCounts> {
                     DomainCounts c;
                     c.counts["schedules_created"] = 12;
                     c.log = "plan update " + tenant + " " + d.to_string();
                     return c;
                   });
  EXPECT_THROW(jobs_.add_simple("plan-update", "again",
                                [](store::Database&, const std::string&, Date)
                                    -> Result<DomainCounts> { return DomainCounts{}; }),
               std::logic_error);
  JobRunner runner(*db_, jobs_, clock_);
  auto r = runner.run({"plan-update", "t1", day("2026-03-14"), "", "cli"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->record.counts.at("schedules_created"), 12);
  EXPECT_EQ(r->record.log, "plan update t1 2026-03-14");
}

TEST_F(JobRunnerTest, RecordsJobMetrics) {
  metrics::Registry registry;
  metrics::PipelineMetrics m(registry);
  JobRunner runner(*db_, jobs_, clock_, &m);
  ASSERT_TRUE(runner.run({"count", "", day("2026-03-14"), "", "cli"}));
  fail_next_ = true;
  ASSERT_TRUE(runner.run({"count", "", day("2026-03-15"), "", "cli"}));
  const std::string text = registry.render();
  EXPECT_NE(text.find("carebridge_job_runs_total{job=\"count\",state=\"succeeded\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("carebridge_job_runs_total{job=\"count\",state=\"failed\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("carebridge_job_duration_seconds_bucket{job=\"count\",le=\"5\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("carebridge_job_duration_seconds_sum{job=\"count\"} 6\n"), std::string::npos);
}

}  // namespace
}  // namespace cb::ops
