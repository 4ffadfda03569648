#pragma once
// Civil dates (proleptic Gregorian, years 1..9999, no time, no time zone).
// Dates in core/ always come from the caller (the working date); core/ never
// reads a clock.

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/diag/diagnostic.h"

namespace cb {

enum class Weekday : std::uint8_t { monday = 1, tuesday, wednesday, thursday, friday, saturday, sunday };

class Date {
 public:
  /// 0001-01-01 and 9999-12-31 (the "open end" of a fixed case end).
  static Date min();
  static Date max();

  /// Fails with DAT002 for 2026-02-30 and DAT003 outside years 1..9999.
  static Result<Date> from_ymd(int year, int month, int day);
  /// Accepts ISO "2026-01-31", German "31.01.2026" and compact "20260131".
  static Result<Date> parse(std::string_view text);
  /// Days since 1970-01-01 (negative before).
  static Date from_days(std::int32_t days_since_epoch);

  int year() const;
  int month() const;
  int day() const;
  Weekday weekday() const;
  std::int32_t days_since_epoch() const { return days_; }

  /// ISO 8601 "2026-01-31".
  std::string to_string() const;
  /// German "31.01.2026".
  std::string to_german() const;
  /// Compact "20260131" (EDIFACT CCYYMMDD).
  std::string to_compact() const;

  /// Calendar arithmetic. Results outside years 1..9999 are clamped to
  /// min()/max(); use the Result variants where that matters.
  Date add_days(std::int64_t n) const;
  /// Month arithmetic clamps to the month's end: 2026-01-31 + 1 = 2026-02-28.
  Date add_months(std::int64_t n) const;
  Date add_years(std::int64_t n) const { return add_months(n * 12); }
  Date start_of_month() const;
  Date end_of_month() const;
  Date start_of_quarter() const;
  Date end_of_quarter() const;
  Date start_of_year() const;
  Date end_of_year() const;
  /// Monday / Sunday of the ISO week.
  Date start_of_week() const;
  Date end_of_week() const;

  static bool is_leap_year(int year);
  static int days_in_month(int year, int month);

  /// b - a in days.
  friend std::int64_t days_between(const Date& a, const Date& b) {
    return static_cast<std::int64_t>(b.days_) - a.days_;
  }
  friend bool operator==(const Date&, const Date&) = default;
  friend std::strong_ordering operator<=>(const Date&, const Date&) = default;

 private:
  explicit constexpr Date(std::int32_t d) : days_(d) {}
  std::int32_t days_ = 0;
};

}  // namespace cb
