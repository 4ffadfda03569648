#include "pipeline/store/timestamp.h"

#include <gtest/gtest.h>

namespace cb::store {
namespace {

using namespace std::chrono;

TEST(Timestamp, FormatsUtcWithMilliseconds) {
  const Timestamp t =
      sys_days(year{2026} / 1 / 31) + hours(9) + minutes(30) + seconds(5) + milliseconds(7);
  EXPECT_EQ(format_timestamp(t), "2026-01-31T09:30:05.007Z");
  EXPECT_EQ(format_timestamp(Timestamp{}), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_timestamp(sys_days(year{1969} / 12 / 31) + hours(23) + milliseconds(999)),
            "1969-12-31T23:00:00.999Z");
}

TEST(Timestamp, TextOrderIsTimeOrder) {
  const Timestamp a = sys_days(year{2026} / 1 / 31) + hours(9);
  EXPECT_LT(format_timestamp(a), format_timestamp(a + milliseconds(1)));
  EXPECT_LT(format_timestamp(a + seconds(9)), format_timestamp(a + seconds(10)));
}

TEST(Timestamp, RecognisesOnlyTheExactShape) {
  EXPECT_TRUE(is_timestamp("2026-01-31T09:30:05.007Z"));
  EXPECT_FALSE(is_timestamp("2026-01-31T09:30:05Z"));
  EXPECT_FALSE(is_timestamp("2026-01-31 09:30:05.007Z"));
  EXPECT_FALSE(is_timestamp("2026-01-31T09:30:05.007+01:00"));
  EXPECT_FALSE(is_timestamp("2026-01-31T09:30:05.0070"));
  EXPECT_FALSE(is_timestamp(""));
}

}  // namespace
}  // namespace cb::store
