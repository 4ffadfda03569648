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

/// ISO weekday numbers: monday = 1 .. sunday = 7.
enum class Weekday : std::uint8_t {
  monday = 1,
  tuesday,
  wednesday,
  thursday,
  friday,
  saturday,
  sunday
};

/// A civil date, stored as days since 1970-01-01. Every Date lies in
/// 0001-01-01..9999-12-31: constructors and arithmetic clamp to that range.
class Date {
 public:
  /// Days since 1970-01-01 of min() (0001-01-01) and max() (9999-12-31).
  static constexpr std::int32_t kMinDays = -719162;
  static constexpr std::int32_t kMaxDays = 2932896;
  static constexpr int kMinYear = 1;
  static constexpr int kMaxYear = 9999;

  /// 0001-01-01 and 9999-12-31 (the "open end" of a fixed case end).
  static Date min();
  static Date max();

  /// Fails with DAT002 for 2026-02-30 or month 13 and DAT003 outside years 1..9999.
  static Result<Date> from_ymd(int year, int month, int day);
  /// Accepts exactly ISO "2026-01-31", German "31.01.2026" and compact "20260131"
  /// (no spaces, signs or trailing characters). Fails with DAT001 (syntax),
  /// DAT002 (no such day or month) or DAT003 (year 0000); Location::column is the
  /// 1-based position of the offending character.
  static Result<Date> parse(std::string_view text);
  /// Days since 1970-01-01 (negative before). Values outside
  /// kMinDays..kMaxDays are clamped to min()/max().
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
  /// min()/max(); use the checked_* variants where that matters.
  Date add_days(std::int64_t n) const;
  /// Month arithmetic clamps to the month's end: 2026-01-31 + 1 = 2026-02-28.
  /// There is no end-of-month stickiness: 2026-04-30 + 1 = 2026-05-30.
  Date add_months(std::int64_t n) const;
  Date add_years(std::int64_t n) const { return add_months(n * 12); }
  /// As add_days/add_months, but a result outside 0001-01-01..9999-12-31 is a
  /// DAT003 failure instead of being clamped.
  Result<Date> checked_add_days(std::int64_t n) const;
  Result<Date> checked_add_months(std::int64_t n) const;
  Date start_of_month() const;
  Date end_of_month() const;
  Date start_of_quarter() const;
  Date end_of_quarter() const;
  Date start_of_year() const;
  Date end_of_year() const;
  /// Monday / Sunday of the ISO week. The Sunday after 9999-12-31 (a Friday)
  /// is clamped to 9999-12-31.
  Date start_of_week() const;
  Date end_of_week() const;

  static bool is_leap_year(int year);
  /// Days of a month (1..12) of a year; 0 for a month outside 1..12.
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
