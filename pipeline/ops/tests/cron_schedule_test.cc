#include "pipeline/ops/cron_schedule.h"

#include <gtest/gtest.h>

namespace cb::ops {
namespace {

using namespace std::chrono;

LocalMinutes at(int y, unsigned mo, unsigned d, int h, int mi) {
  return LocalMinutes{local_days{year{y} / month{mo} / day{d}}} + hours{h} + minutes{mi};
}

CronSchedule cron(std::string_view text) {
  CronError err;
  auto c = CronSchedule::parse(text, &err);
  EXPECT_TRUE(c) << text << ": " << err.reason;
  return *c;
}

TEST(CronSchedule, DailyAtTwo) {
  auto c = cron("0 2 * * *");
  EXPECT_TRUE(c.matches(at(2026, 3, 14, 2, 0)));
  EXPECT_FALSE(c.matches(at(2026, 3, 14, 2, 1)));
  EXPECT_EQ(c.next_after(at(2026, 3, 14, 2, 0)), at(2026, 3, 15, 2, 0));
  EXPECT_EQ(c.next_after(at(2026, 3, 14, 1, 59)), at(2026, 3, 14, 2, 0));
  EXPECT_EQ(c.first_on(local_days{year{2026} / 3 / 14}), at(2026, 3, 14, 2, 0));
}

TEST(CronSchedule, ListsRangesStepsAndNames) {
  auto c = cron("*/15 6-18 * * mon-fri");
  EXPECT_TRUE(c.matches(at(2026, 3, 13, 18, 45)));  // a Friday
  EXPECT_FALSE(c.matches(at(2026, 3, 14, 12, 0)));  // a Saturday
  EXPECT_FALSE(c.matches(at(2026, 3, 13, 19, 0)));
  EXPECT_EQ(c.next_after(at(2026, 3, 13, 18, 45)), at(2026, 3, 16, 6, 0));  // Monday

  auto m = cron("30 1 1,15 jan,JUL *");
  EXPECT_TRUE(m.matches(at(2026, 7, 15, 1, 30)));
  EXPECT_FALSE(m.matches(at(2026, 8, 15, 1, 30)));
  EXPECT_EQ(m.next_after(at(2026, 1, 15, 1, 30)), at(2026, 7, 1, 1, 30));

  auto stepped = cron("5/20 * * * *");
  EXPECT_TRUE(stepped.matches(at(2026, 1, 1, 0, 45)));
  EXPECT_FALSE(stepped.matches(at(2026, 1, 1, 0, 0)));
}

TEST(CronSchedule, DayOfMonthOrDayOfWeekWhenBothRestricted) {
  auto c = cron("0 0 1 * 0");  // the first of the month, and every Sunday
  EXPECT_TRUE(c.matches(at(2026, 4, 1, 0, 0)));   // a Wednesday, the 1st
  EXPECT_TRUE(c.matches(at(2026, 4, 5, 0, 0)));   // a Sunday
  EXPECT_FALSE(c.matches(at(2026, 4, 6, 0, 0)));
  auto sunday7 = cron("0 0 * * 7");
  EXPECT_TRUE(sunday7.matches(at(2026, 4, 5, 0, 0)));
}

TEST(CronSchedule, Aliases) {
  EXPECT_TRUE(cron("@daily").matches(at(2026, 2, 3, 0, 0)));
  EXPECT_TRUE(cron("@monthly").matches(at(2026, 2, 1, 0, 0)));
  EXPECT_FALSE(cron("@monthly").matches(at(2026, 2, 2, 0, 0)));
  EXPECT_TRUE(cron("@hourly").matches(at(2026, 2, 2, 13, 0)));
}

TEST(CronSchedule, ImpossibleDatesHaveNoNextFire) {
  auto c = cron("0 0 30 2 *");
  EXPECT_FALSE(c.next_after(at(2026, 1, 1, 0, 0)));
  EXPECT_EQ(cron("0 0 29 2 *").next_after(at(2026, 1, 1, 0, 0)), at(2028, 2, 29, 0, 0));
}

TEST(CronSchedule, ErrorsNameTheColumnAndReason) {
  CronError err;
  EXPECT_FALSE(CronSchedule::parse("0 24 * * *", &err));
  EXPECT_EQ(err.column, 3u);
  EXPECT_EQ(err.reason, "hour 24 is outside 0..23");

  EXPECT_FALSE(CronSchedule::parse("0 2 * *", &err));
  EXPECT_NE(err.reason.find("5 fields"), std::string::npos);

  EXPECT_FALSE(CronSchedule::parse("0 2 * foo *", &err));
  EXPECT_EQ(err.column, 7u);
  EXPECT_EQ(err.reason, "month: 'f' is not a number or a name");

  EXPECT_FALSE(CronSchedule::parse("0 5-2 * * *", &err));
  EXPECT_EQ(err.reason, "hour range 5-2 runs backwards");

  EXPECT_FALSE(CronSchedule::parse("*/0 * * * *", &err));
  EXPECT_EQ(err.column, 3u);

  EXPECT_FALSE(CronSchedule::parse("1,,2 * * * *", &err));
  EXPECT_FALSE(CronSchedule::parse("1, * * * *", &err));
  EXPECT_FALSE(CronSchedule::parse("@sometimes", &err));
  EXPECT_FALSE(CronSchedule::parse("", &err));
}

}  // namespace
}  // namespace cb::ops
