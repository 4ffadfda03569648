#include "pipeline/ops/scheduler.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

#include "pipeline/config/config.h"
#include "pipeline/ops/builtin_jobs.h"
#include "pipeline/ops/tests/ops_test_support.h"

namespace cb::ops {
namespace {

using testing::ManualClock;
using testing::open_store;
using testing::ts;

ScheduledJob entry(std::string name, std::string job, std::string cron, int catch_up = 7) {
  CronError err;
  auto c = CronSchedule::parse(cron, &err);
  EXPECT_TRUE(c) << err.reason;
  return ScheduledJob{std::move(name), std::move(job), "", "", *c, true, catch_up, {}};
}

class SchedulerTest : public ::testing::Test {
 protected:
  SchedulerTest() : clock_(ts(2026, 3, 14, 3, 0)), db_(open_store()) {
    for (const char* name : {"a", "b"}) {
      std::string job = name;
      jobs_.add({job, "records its calls",
                 [this, job](const JobContext& ctx) -> Result<JobOutcome> {
                   calls_.push_back(job + "@" + ctx.working_date.to_string());
                   if (failing_ == job) return fail(DiagCode::OpsJobFailed, "broken");
                   return JobOutcome{};
                 },
                 true});
    }
    runner_ = std::make_unique<JobRunner>(*db_, jobs_, clock_);
  }

  void record_run(const std::string& job, const char* date, const char* state = "succeeded") {
    auto st = db_->prepare(
        "INSERT INTO job_runs (job, working_date, state, started_at, finished_at) "
        "VALUES (?1, ?2, ?3, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z')");
    st->bind_text(1, job).bind_text(2, date).bind_text(3, state);
    ASSERT_TRUE(st->run());
  }

  Scheduler make(std::vector<ScheduledJob> entries,
                 std::function<LocalMinutes(store::Timestamp)> to_local = {}) {
    return Scheduler(*runner_, std::move(entries), {clock_, std::move(to_local)});
  }

  ManualClock clock_;
  std::unique_ptr<store::SqliteDatabase> db_;
  JobRegistry jobs_;
  std::unique_ptr<JobRunner> runner_;
  std::vector<std::string> calls_;
  std::string failing_;
};

TEST_F(SchedulerTest, MissedRunsAfterDowntimeAreCaughtUpOldestFirst) {
  record_run("a", "2026-03-10");
  auto s = make({entry("nightly", "a", "0 2 * * *")});
  auto ran = s.tick();
  ASSERT_EQ(ran.size(), 4u);
  EXPECT_EQ(calls_, (std::vector<std::string>{"a@2026-03-11", "a@2026-03-12", "a@2026-03-13",
                                              "a@2026-03-14"}));
  EXPECT_TRUE(ran[0].due.catch_up);
  EXPECT_FALSE(ran[3].due.catch_up);
  for (const auto& r : ran) {
    ASSERT_TRUE(r.result);
    EXPECT_EQ(r.result->record.state, "succeeded");
    EXPECT_EQ(r.result->record.actor, "scheduler:nightly");
  }
  // Nothing is due again until tomorrow's fire.
  EXPECT_TRUE(s.tick().empty());
  clock_.set(ts(2026, 3, 15, 1, 59));
  EXPECT_TRUE(s.tick().empty());
  clock_.set(ts(2026, 3, 15, 2, 0));
  ASSERT_EQ(s.tick().size(), 1u);
  EXPECT_EQ(calls_.back(), "a@2026-03-15");
}

TEST_F(SchedulerTest, CatchUpIsLimitedToCatchUpDays) {
  record_run("a", "2026-01-01");
  auto s = make({entry("nightly", "a", "0 2 * * *", 3)});
  s.tick();
  EXPECT_EQ(calls_, (std::vector<std::string>{"a@2026-03-11", "a@2026-03-12", "a@2026-03-13",
                                              "a@2026-03-14"}));
}

TEST_F(SchedulerTest, SeveralEntriesRunDateByDateInEntryOrder) {
  record_run("a", "2026-03-12");
  record_run("b", "2026-03-12");
  auto s = make({entry("first", "a", "0 2 * * *"), entry("second", "b", "0 1 * * *")});
  s.tick();
  EXPECT_EQ(calls_, (std::vector<std::string>{"a@2026-03-13", "b@2026-03-13", "a@2026-03-14",
                                              "b@2026-03-14"}));
}

TEST_F(SchedulerTest, WeekdaySchedulesSkipTheWeekendWhenCatchingUp) {
  record_run("a", "2026-03-13");  // a Friday
  clock_.set(ts(2026, 3, 17, 3, 0));  // Tuesday
  auto s = make({entry("workdays", "a", "0 2 * * mon-fri")});
  s.tick();
  EXPECT_EQ(calls_, (std::vector<std::string>{"a@2026-03-16", "a@2026-03-17"}));
}

TEST_F(SchedulerTest, ANewEntryStartsWithTheFiresAfterTheSchedulerStarted) {
  auto s = make({entry("nightly", "a", "0 2 * * *")});  // created at 03:00, after today's fire
  EXPECT_TRUE(s.tick().empty());
  clock_.set(ts(2026, 3, 15, 2, 0));
  s.tick();
  EXPECT_EQ(calls_, (std::vector<std::string>{"a@2026-03-15"}));

  clock_.set(ts(2026, 3, 20, 1, 0));
  calls_.clear();
  jobs_.add({"c", "", [this](const JobContext& ctx) -> Result<JobOutcome> {
               calls_.push_back("c@" + ctx.working_date.to_string());
               return JobOutcome{};
             },
             true});
  auto fresh = make({entry("early", "c", "0 2 * * *")});  // created at 01:00
  EXPECT_TRUE(fresh.tick().empty());
  clock_.set(ts(2026, 3, 20, 2, 0));
  fresh.tick();
  EXPECT_EQ(calls_, (std::vector<std::string>{"c@2026-03-20"}));
}

TEST_F(SchedulerTest, AFailingJobDoesNotStopOthersAndIsNotRetriedAutomatically) {
  record_run("a", "2026-03-13");
  record_run("b", "2026-03-13");
  failing_ = "a";
  auto s = make({entry("first", "a", "0 2 * * *"), entry("second", "b", "0 2 * * *")});
  auto ran = s.tick();
  ASSERT_EQ(ran.size(), 2u);
  EXPECT_EQ(ran[0].result->record.state, "failed");
  EXPECT_EQ(ran[1].result->record.state, "succeeded");
  failing_.clear();
  EXPECT_TRUE(s.tick().empty());  // the failure waits for an operator
  RunRequest again{"a", "", *Date::parse("2026-03-14"), "", "user:ops"};
  auto rerun = runner_->run(again);
  ASSERT_TRUE(rerun);
  EXPECT_EQ(rerun->record.state, "succeeded");
}

TEST_F(SchedulerTest, DisabledEntriesDoNotRun) {
  record_run("a", "2026-03-12");
  auto e = entry("nightly", "a", "0 2 * * *");
  e.enabled = false;
  auto s = make({e});
  EXPECT_TRUE(s.tick().empty());
  EXPECT_FALSE(s.next_fire());
}

TEST_F(SchedulerTest, LocalTimeZoneShiftsTheFires) {
  record_run("a", "2026-03-13");
  // A zone one hour ahead of UTC: 02:00 local is 01:00 UTC.
  auto plus_one = [](store::Timestamp t) {
    return LocalMinutes{std::chrono::floor<std::chrono::minutes>(t.time_since_epoch()) +
                        std::chrono::hours(1)};
  };
  clock_.set(ts(2026, 3, 14, 0, 59, 30));
  auto s = make({entry("nightly", "a", "0 2 * * *")}, plus_one);
  EXPECT_TRUE(s.tick().empty());
  ASSERT_TRUE(s.next_fire_instant());
  EXPECT_EQ(store::format_timestamp(*s.next_fire_instant()), "2026-03-14T01:00:00.000Z");
  clock_.set(ts(2026, 3, 14, 1, 0));
  EXPECT_EQ(s.tick().size(), 1u);
}

TEST(SystemLocalTime, FollowsTheProcessTimeZoneAcrossDaylightSaving) {
  const char* old = std::getenv("TZ");
  const std::string saved = old ? old : "";
  ::setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);  // Central Europe, no tzdata needed
  ::tzset();
  auto text = [](LocalMinutes m) {
    const auto day = std::chrono::floor<std::chrono::days>(m);
    const auto mins = (m - day).count();
    return Date::from_days(static_cast<std::int32_t>(day.time_since_epoch().count())).to_string() +
           " " + std::to_string(mins / 60) + ":" + std::to_string(mins % 60);
  };
  EXPECT_EQ(text(system_local_time(ts(2026, 1, 15, 1, 0))), "2026-01-15 2:0");   // CET, +1
  EXPECT_EQ(text(system_local_time(ts(2026, 7, 15, 0, 30))), "2026-07-15 2:30");  // CEST, +2
  EXPECT_EQ(text(system_local_time(ts(2026, 3, 31, 23, 0))), "2026-04-01 1:0");  // the next day
  if (old) {
    ::setenv("TZ", saved.c_str(), 1);
  } else {
    ::unsetenv("TZ");
  }
  ::tzset();
}

TEST_F(SchedulerTest, StatusShowsTheLastTick) {
  auto s = make({entry("nightly", "a", "0 2 * * *")});
  EXPECT_FALSE(s.status().last_tick);
  EXPECT_FALSE(s.status().in_tick);
  clock_.set(ts(2026, 3, 14, 3, 5));
  s.tick();
  ASSERT_TRUE(s.status().last_tick);
  EXPECT_EQ(store::format_timestamp(*s.status().last_tick), "2026-03-14T03:05:00.000Z");
  EXPECT_EQ(store::format_timestamp(*s.status().started_at), "2026-03-14T03:00:00.000Z");
}

TEST_F(SchedulerTest, EntriesFromConfigRefuseUnregisteredJobsWithFileAndLine) {
  auto cfg = config::load_config_text(R"(
[[jobs]]
name = "nightly-retention"
job = "retention"
schedule = "0 3 * * *"

[[jobs]]
name = "plan"
job = "plan-update"
schedule = "0 2 * * *"
)",
                                      "ops.toml");
  ASSERT_TRUE(cfg) << config::format_diagnostics(cfg.error());
  JobRegistry jobs;
  register_builtin_jobs(jobs, *cfg);
  auto entries = Scheduler::entries_from_config(*cfg, jobs);
  ASSERT_FALSE(entries);
  ASSERT_EQ(entries.error().size(), 1u);
  const Diagnostic& d = entries.error().front();
  EXPECT_EQ(d.code, DiagCode::OpsJobNotRegistered);
  EXPECT_EQ(d.where.file, "ops.toml");
  EXPECT_EQ(d.where.line, 9u);
  EXPECT_EQ(d.hint, "registered jobs: noop, retention, selftest");

  jobs.add_simple("plan-update", "",
                  [](store::Database&, const std::string&, Date) -> Result<JobOutcome> {
                    return JobOutcome{};
                  });
  auto ok = Scheduler::entries_from_config(*cfg, jobs);
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->size(), 2u);
  EXPECT_EQ((*ok)[1].schedule.text(), "0 2 * * *");
  EXPECT_EQ((*ok)[0].catch_up_days, 7);
}

}  // namespace
}  // namespace cb::ops
