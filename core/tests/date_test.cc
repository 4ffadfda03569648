#include "core/value/date.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "core/tests/date_printer.h"

namespace cb {
namespace {

Date ymd(int y, int m, int d) {
  auto r = Date::from_ymd(y, m, d);
  EXPECT_TRUE(r.has_value()) << y << "-" << m << "-" << d;
  return r.value_or(Date::min());
}

Date iso(std::string_view text) {
  auto r = Date::parse(text);
  EXPECT_TRUE(r.has_value()) << text << ": " << (r ? "" : r.error().to_string());
  return r.value_or(Date::min());
}

// Fixed seed for the randomised invariants; every failure prints it.
constexpr std::uint64_t kSeed = 0xCA5EB12D6E;

Date random_date(std::mt19937_64& rng) {
  const std::int32_t lo = ymd(1900, 1, 1).days_since_epoch();
  const std::int32_t hi = ymd(2200, 12, 31).days_since_epoch();
  return Date::from_days(std::uniform_int_distribution<std::int32_t>(lo, hi)(rng));
}

// --- Representation ---------------------------------------------------------

TEST(Date, KnownDaysSinceEpoch) {
  // Reference values computed independently (Python datetime).
  EXPECT_EQ(ymd(1970, 1, 1).days_since_epoch(), 0);
  EXPECT_EQ(ymd(1969, 12, 31).days_since_epoch(), -1);
  EXPECT_EQ(ymd(2026, 1, 31).days_since_epoch(), 20484);
  EXPECT_EQ(ymd(2026, 3, 14).days_since_epoch(), 20526);
  EXPECT_EQ(ymd(2000, 2, 29).days_since_epoch(), 11016);
  EXPECT_EQ(ymd(2024, 2, 29).days_since_epoch(), 19782);
  EXPECT_EQ(ymd(1900, 3, 1).days_since_epoch(), -25508);
  EXPECT_EQ(ymd(1, 1, 1).days_since_epoch(), -719162);
  EXPECT_EQ(ymd(9999, 12, 31).days_since_epoch(), 2932896);
}

TEST(Date, MinAndMax) {
  EXPECT_EQ(Date::min().to_string(), "0001-01-01");
  EXPECT_EQ(Date::max().to_string(), "9999-12-31");
  EXPECT_EQ(Date::min().days_since_epoch(), Date::kMinDays);
  EXPECT_EQ(Date::max().days_since_epoch(), Date::kMaxDays);
  EXPECT_LT(Date::min(), Date::max());
}

TEST(Date, FromDaysClampsToSupportedRange) {
  EXPECT_EQ(Date::from_days(Date::kMinDays - 1), Date::min());
  EXPECT_EQ(Date::from_days(INT32_MIN), Date::min());
  EXPECT_EQ(Date::from_days(Date::kMaxDays + 1), Date::max());
  EXPECT_EQ(Date::from_days(INT32_MAX), Date::max());
}

// Walks every day of 0001-01-01..9999-12-31 with a naive calendar (next day by
// incrementing day, month, year) and checks it against the closed formulas.
TEST(Date, EveryDayAgreesWithNaiveCalendar) {
  int y = 1, m = 1, d = 1;
  std::int32_t days = Date::kMinDays;
  int weekday = 1;  // 0001-01-01 is a Monday (proleptic Gregorian)
  for (;;) {
    const Date date = Date::from_days(days);
    ASSERT_EQ(date.year(), y) << days;
    ASSERT_EQ(date.month(), m) << days;
    ASSERT_EQ(date.day(), d) << days;
    ASSERT_EQ(static_cast<int>(date.weekday()), weekday) << days;
    if (d == 1) {  // spot-check the inverse once a month (from_ymd is slower)
      auto back = Date::from_ymd(y, m, d);
      ASSERT_TRUE(back.has_value());
      ASSERT_EQ(back->days_since_epoch(), days);
    }
    if (y == 9999 && m == 12 && d == 31) break;
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    const int month_length[] = {31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (++d > month_length[m - 1]) {
      d = 1;
      if (++m > 12) {
        m = 1;
        ++y;
      }
    }
    ++days;
    weekday = weekday % 7 + 1;
  }
  EXPECT_EQ(days, Date::kMaxDays);
}

TEST(Date, LeapYears) {
  EXPECT_TRUE(Date::is_leap_year(2024));
  EXPECT_TRUE(Date::is_leap_year(2000));
  EXPECT_TRUE(Date::is_leap_year(2400));
  EXPECT_FALSE(Date::is_leap_year(2026));
  EXPECT_FALSE(Date::is_leap_year(1900));
  EXPECT_FALSE(Date::is_leap_year(2100));
  EXPECT_EQ(Date::days_in_month(2024, 2), 29);
  EXPECT_EQ(Date::days_in_month(2026, 2), 28);
  EXPECT_EQ(Date::days_in_month(2000, 2), 29);
  EXPECT_EQ(Date::days_in_month(1900, 2), 28);
  EXPECT_EQ(Date::days_in_month(2026, 4), 30);
  EXPECT_EQ(Date::days_in_month(2026, 12), 31);
  EXPECT_EQ(Date::days_in_month(2026, 13), 0);
  EXPECT_EQ(ymd(2024, 2, 28).add_days(1), ymd(2024, 2, 29));
  EXPECT_EQ(ymd(2026, 2, 28).add_days(1), ymd(2026, 3, 1));
  EXPECT_EQ(ymd(2100, 2, 28).add_days(1), ymd(2100, 3, 1));
}

TEST(Date, Weekdays) {
  EXPECT_EQ(ymd(1970, 1, 1).weekday(), Weekday::thursday);
  EXPECT_EQ(ymd(1969, 12, 31).weekday(), Weekday::wednesday);
  EXPECT_EQ(ymd(2026, 3, 14).weekday(), Weekday::saturday);
  EXPECT_EQ(ymd(2026, 3, 15).weekday(), Weekday::sunday);
  EXPECT_EQ(ymd(2026, 3, 16).weekday(), Weekday::monday);
  EXPECT_EQ(ymd(1, 1, 1).weekday(), Weekday::monday);
  EXPECT_EQ(ymd(9999, 12, 31).weekday(), Weekday::friday);
}

// --- Parsing and formatting -------------------------------------------------

TEST(DateParse, AcceptsIsoGermanAndCompact) {
  const Date expected = ymd(2026, 1, 31);
  EXPECT_EQ(iso("2026-01-31"), expected);
  EXPECT_EQ(iso("31.01.2026"), expected);
  EXPECT_EQ(iso("20260131"), expected);
  EXPECT_EQ(iso("2024-02-29"), ymd(2024, 2, 29));
  EXPECT_EQ(iso("29.02.2000"), ymd(2000, 2, 29));
  EXPECT_EQ(iso("0001-01-01"), Date::min());
  EXPECT_EQ(iso("99991231"), Date::max());
}

TEST(DateParse, Formats) {
  const Date d = ymd(2026, 1, 31);
  EXPECT_EQ(d.to_string(), "2026-01-31");
  EXPECT_EQ(d.to_german(), "31.01.2026");
  EXPECT_EQ(d.to_compact(), "20260131");
  EXPECT_EQ(Date::min().to_german(), "01.01.0001");
  EXPECT_EQ(Date::min().to_compact(), "00010101");
  EXPECT_EQ(ymd(999, 5, 7).to_string(), "0999-05-07");
}

struct Rejection {
  std::string_view text;
  DiagCode code;
  std::uint32_t column;
  std::string_view names;  // a word the message must contain
};

TEST(DateParse, RejectsWithCodeAndColumn) {
  const Rejection cases[] = {
      {"", DiagCode::DateSyntax, 1, "empty"},
      {"2026-02-29", DiagCode::DateImpossible, 9, "February 2026 has 28 days"},
      {"2026-13-01", DiagCode::DateImpossible, 6, "month 13"},
      {"2026-00-10", DiagCode::DateImpossible, 6, "month 0"},
      {"2026-04-31", DiagCode::DateImpossible, 9, "April 2026 has 30 days"},
      {"2026-01-00", DiagCode::DateImpossible, 9, "day 0"},
      {"2100-02-29", DiagCode::DateImpossible, 9, "February 2100"},
      {"0000-01-01", DiagCode::DateOutOfRange, 1, "year 0000"},
      {"2026-01-31x", DiagCode::DateSyntax, 11, "'x'"},
      {"2026-01-31 ", DiagCode::DateSyntax, 11, "after the date"},
      {"2026-01-31\n", DiagCode::DateSyntax, 11, "\\x0A"},
      {" 2026-01-31", DiagCode::DateSyntax, 1, "digit"},
      {"+2026-01-31", DiagCode::DateSyntax, 1, "digit"},
      {"2026/01/31", DiagCode::DateSyntax, 5, "'-'"},
      {"2026-1-31", DiagCode::DateSyntax, 7, "a digit"},
      {"2026-01-3", DiagCode::DateSyntax, 10, "end of the text"},
      {"2026-01", DiagCode::DateSyntax, 8, "end of the text"},
      {"31.02.2026", DiagCode::DateImpossible, 1, "February 2026"},
      {"32.01.2026", DiagCode::DateImpossible, 1, "day 32"},
      {"31.13.2026", DiagCode::DateImpossible, 4, "month 13"},
      {"31.01.26", DiagCode::DateSyntax, 9, "end of the text"},
      {"31-01-2026", DiagCode::DateSyntax, 3, "'.'"},
      {"01.01.0000", DiagCode::DateOutOfRange, 7, "year 0000"},
      {"1.1.2026", DiagCode::DateSyntax, 2, "after 1 digit"},
      {"20260229", DiagCode::DateImpossible, 7, "February 2026"},
      {"20261301", DiagCode::DateImpossible, 5, "month 13"},
      {"00000101", DiagCode::DateOutOfRange, 1, "year 0000"},
      {"202601311", DiagCode::DateSyntax, 9, "'1'"},
      {"2026013", DiagCode::DateSyntax, 8, "end of the text"},
      {"abc", DiagCode::DateSyntax, 1, "'a'"},
      {"-0001-01-01", DiagCode::DateSyntax, 1, "'-'"},
      {"2026-01-31T00:00", DiagCode::DateSyntax, 11, "'T'"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.text));
    auto r = Date::parse(c.text);
    ASSERT_FALSE(r.has_value()) << r->to_string();
    EXPECT_EQ(code_id(r.error().code), code_id(c.code)) << r.error().to_string();
    EXPECT_EQ(r.error().where.column, c.column) << r.error().to_string();
    EXPECT_NE(r.error().message.find(c.names), std::string::npos) << r.error().message;
    if (!c.text.empty() && c.text.find('\n') == std::string_view::npos) {
      EXPECT_NE(r.error().message.find("'" + std::string(c.text) + "'"), std::string::npos)
          << "message does not quote the input: " << r.error().message;
    }
  }
}

TEST(DateParse, LongInputIsQuotedShortened) {
  const std::string junk(500, '7');
  auto r = Date::parse(junk);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().where.column, 9u);
  EXPECT_LT(r.error().message.size(), 200u);
}

TEST(DateFromYmd, Rejects) {
  auto bad = [](int y, int m, int d) {
    auto r = Date::from_ymd(y, m, d);
    EXPECT_FALSE(r.has_value()) << y << "-" << m << "-" << d;
    return r ? DiagCode{} : r.error().code;
  };
  EXPECT_EQ(bad(2026, 2, 29), DiagCode::DateImpossible);
  EXPECT_EQ(bad(2026, 2, 30), DiagCode::DateImpossible);
  EXPECT_EQ(bad(2026, 13, 1), DiagCode::DateImpossible);
  EXPECT_EQ(bad(2026, 0, 1), DiagCode::DateImpossible);
  EXPECT_EQ(bad(2026, 1, 0), DiagCode::DateImpossible);
  EXPECT_EQ(bad(2026, 1, -5), DiagCode::DateImpossible);
  EXPECT_EQ(bad(0, 1, 1), DiagCode::DateOutOfRange);
  EXPECT_EQ(bad(10000, 1, 1), DiagCode::DateOutOfRange);
  EXPECT_EQ(bad(-2026, 1, 1), DiagCode::DateOutOfRange);
  EXPECT_NE(Date::from_ymd(2026, 2, 30).error().message.find("February 2026 has 28 days"),
            std::string::npos);
}

// --- Arithmetic ---------------------------------------------------------------

TEST(DateArithmetic, Days) {
  EXPECT_EQ(ymd(2026, 12, 31).add_days(1), ymd(2027, 1, 1));
  EXPECT_EQ(ymd(2027, 1, 1).add_days(-1), ymd(2026, 12, 31));
  EXPECT_EQ(ymd(2026, 1, 31).add_days(30), ymd(2026, 3, 2));
  EXPECT_EQ(days_between(ymd(2026, 1, 1), ymd(2027, 1, 1)), 365);
  EXPECT_EQ(days_between(ymd(2024, 1, 1), ymd(2025, 1, 1)), 366);
  EXPECT_EQ(days_between(ymd(2027, 1, 1), ymd(2026, 1, 1)), -365);
}

TEST(DateArithmetic, MonthsClampToMonthEnd) {
  EXPECT_EQ(ymd(2026, 1, 31).add_months(1), ymd(2026, 2, 28));
  EXPECT_EQ(ymd(2024, 1, 31).add_months(1), ymd(2024, 2, 29));
  EXPECT_EQ(ymd(2026, 4, 30).add_months(1), ymd(2026, 5, 30));  // no end-of-month stickiness
  EXPECT_EQ(ymd(2026, 3, 31).add_months(-1), ymd(2026, 2, 28));
  EXPECT_EQ(ymd(2026, 12, 15).add_months(1), ymd(2027, 1, 15));
  EXPECT_EQ(ymd(2027, 1, 15).add_months(-1), ymd(2026, 12, 15));
  EXPECT_EQ(ymd(2026, 1, 31).add_months(-25), ymd(2023, 12, 31));
  EXPECT_EQ(ymd(2024, 2, 29).add_years(1), ymd(2025, 2, 28));
  EXPECT_EQ(ymd(2024, 2, 29).add_years(4), ymd(2028, 2, 29));
  EXPECT_EQ(ymd(2026, 5, 17).add_months(0), ymd(2026, 5, 17));
}

TEST(DateArithmetic, ClampsAtRangeEnds) {
  EXPECT_EQ(Date::max().add_days(1), Date::max());
  EXPECT_EQ(Date::min().add_days(-1), Date::min());
  EXPECT_EQ(Date::max().add_days(INT64_MAX), Date::max());
  EXPECT_EQ(Date::min().add_days(INT64_MIN), Date::min());
  EXPECT_EQ(ymd(9999, 12, 15).add_months(1), Date::max());
  EXPECT_EQ(ymd(1, 1, 15).add_months(-1), Date::min());
  EXPECT_EQ(ymd(2026, 1, 1).add_months(INT64_MAX), Date::max());
  EXPECT_EQ(ymd(2026, 1, 1).add_months(INT64_MIN), Date::min());
  EXPECT_EQ(ymd(2026, 1, 1).add_years(9999), Date::max());
  EXPECT_EQ(ymd(9999, 11, 30).add_months(1), ymd(9999, 12, 30));
  EXPECT_EQ(ymd(9999, 11, 15).add_months(1), ymd(9999, 12, 15));
  EXPECT_EQ(Date::max().end_of_week(), Date::max());  // Friday; Sunday would be 10000-01-02
}

TEST(DateArithmetic, CheckedVariantsFailOutsideRange) {
  auto r = Date::max().checked_add_days(1);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, DiagCode::DateOutOfRange);
  EXPECT_EQ(Date::min().checked_add_days(-1).error().code, DiagCode::DateOutOfRange);
  EXPECT_EQ(ymd(9999, 12, 1).checked_add_months(1).error().code, DiagCode::DateOutOfRange);
  EXPECT_EQ(ymd(2026, 1, 1).checked_add_months(INT64_MIN).error().code, DiagCode::DateOutOfRange);
  EXPECT_EQ(ymd(2026, 1, 31).checked_add_months(1).value(), ymd(2026, 2, 28));
  EXPECT_EQ(ymd(9999, 12, 30).checked_add_days(1).value(), Date::max());
}

TEST(DateArithmetic, PeriodBoundaries) {
  const Date d = ymd(2026, 3, 14);  // Saturday
  EXPECT_EQ(d.start_of_month(), ymd(2026, 3, 1));
  EXPECT_EQ(d.end_of_month(), ymd(2026, 3, 31));
  EXPECT_EQ(d.start_of_quarter(), ymd(2026, 1, 1));
  EXPECT_EQ(d.end_of_quarter(), ymd(2026, 3, 31));
  EXPECT_EQ(d.start_of_year(), ymd(2026, 1, 1));
  EXPECT_EQ(d.end_of_year(), ymd(2026, 12, 31));
  EXPECT_EQ(d.start_of_week(), ymd(2026, 3, 9));
  EXPECT_EQ(d.end_of_week(), ymd(2026, 3, 15));
  EXPECT_EQ(ymd(2026, 11, 5).start_of_quarter(), ymd(2026, 10, 1));
  EXPECT_EQ(ymd(2026, 11, 5).end_of_quarter(), ymd(2026, 12, 31));
  EXPECT_EQ(ymd(2026, 5, 5).end_of_quarter(), ymd(2026, 6, 30));
  EXPECT_EQ(ymd(2024, 2, 10).end_of_month(), ymd(2024, 2, 29));
  EXPECT_EQ(ymd(2026, 12, 31).end_of_week(), ymd(2027, 1, 3));  // Thursday
  EXPECT_EQ(ymd(2026, 12, 31).start_of_week(), ymd(2026, 12, 28));
  EXPECT_EQ(ymd(2026, 3, 16).start_of_week(), ymd(2026, 3, 16));  // Monday stays
  EXPECT_EQ(ymd(2026, 3, 15).end_of_week(), ymd(2026, 3, 15));    // Sunday stays
  EXPECT_EQ(Date::min().start_of_week(), Date::min());            // a Monday
}

// --- Randomised invariants (fixed seed) -----------------------------------------

TEST(DateInvariants, RandomDates) {
  std::mt19937_64 rng(kSeed);
  for (int i = 0; i < 20000; ++i) {
    const Date d = random_date(rng);
    SCOPED_TRACE("seed=" + std::to_string(kSeed) + " iteration=" + std::to_string(i) +
                 " date=" + d.to_string());
    // from_days(days) and from_ymd(fields) round trips
    ASSERT_EQ(Date::from_days(d.days_since_epoch()), d);
    auto back = Date::from_ymd(d.year(), d.month(), d.day());
    ASSERT_TRUE(back.has_value());
    ASSERT_EQ(*back, d);
    // parse(to_string) in all three forms
    ASSERT_EQ(Date::parse(d.to_string()).value(), d);
    ASSERT_EQ(Date::parse(d.to_german()).value(), d);
    ASSERT_EQ(Date::parse(d.to_compact()).value(), d);
    // weekday is periodic in 7 days and steps by one each day
    ASSERT_EQ(d.add_days(7).weekday(), d.weekday());
    ASSERT_EQ(d.add_days(-7).weekday(), d.weekday());
    ASSERT_EQ(static_cast<int>(d.add_days(1).weekday()), static_cast<int>(d.weekday()) % 7 + 1);
    ASSERT_EQ(d.start_of_week().weekday(), Weekday::monday);
    ASSERT_EQ(d.end_of_week().weekday(), Weekday::sunday);
    ASSERT_EQ(days_between(d.start_of_week(), d.end_of_week()), 6);
    ASSERT_LE(d.start_of_week(), d);
    ASSERT_GE(d.end_of_week(), d);
    // days are ordered like the calendar fields
    const Date next = d.add_days(1);
    ASSERT_LT(d, next);
    ASSERT_EQ(days_between(d, next), 1);
  }
}

}  // namespace
}  // namespace cb
