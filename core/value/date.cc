#include "core/value/date.h"

#include <algorithm>
#include <array>
#include <string>

namespace cb {
namespace {

// --- Civil calendar arithmetic --------------------------------------------
//
// The proleptic Gregorian calendar repeats every 400 years (an "era" of
// 146097 days). Counting years from 1 March puts the leap day at the end of
// the counted year, so the day of the year follows from the month alone:
// the months March..February have 31 30 31 30 31 31 30 31 30 31 31 28(29)
// days, and (153 * m + 2) / 5 gives the days before month m (m = 0 for March)
// for every m in 0..11. Day 0 of the count below is 0000-03-01; 1970-01-01 is
// day 719468 of it.

constexpr std::int64_t kDaysPerEra = 146097;  // 400 * 365 + 97 leap days
constexpr std::int64_t kEpochShift = 719468;  // 0000-03-01 .. 1970-01-01

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

std::int64_t days_from_civil(std::int64_t y, int m, int d) {
  if (m <= 2) --y;  // Jan and Feb belong to the previous March-year
  const std::int64_t era = floor_div(y, 400);
  const std::int64_t yoe = y - era * 400;                          // 0..399
  const std::int64_t mp = (m + 9) % 12;                            // March = 0 .. February = 11
  const std::int64_t doy = (153 * mp + 2) / 5 + d - 1;             // 0..365
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;  // 0..146096
  return era * kDaysPerEra + doe - kEpochShift;
}

struct Ymd {
  int y;
  int m;
  int d;
};

Ymd civil_from_days(std::int64_t z) {
  z += kEpochShift;
  const std::int64_t era = floor_div(z, kDaysPerEra);
  const std::int64_t doe = z - era * kDaysPerEra;  // 0..146096
  // Years of the era: remove the leap days (every 1460 days, except every
  // 36524, except the last day of the era) and divide by 365.
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // 0..399
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // 0..365
  const std::int64_t mp = (5 * doy + 2) / 153;                                     // 0..11
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return Ymd{static_cast<int>(y), m, d};
}

Date clamp_days(std::int64_t days) {
  return Date::from_days(
      static_cast<std::int32_t>(std::clamp<std::int64_t>(days, Date::kMinDays, Date::kMaxDays)));
}

constexpr std::array<std::string_view, 12> kMonthNames = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};


/// A character as it appears in a message.
std::string describe_char(std::string_view text, std::size_t pos) {
  if (pos >= text.size()) return "the end of the text";
  return quote_input(text.substr(pos, 1));
}

void append_padded(std::string& out, int value, int width) {
  std::array<char, 8> buf{};
  for (int i = width - 1; i >= 0; --i) {
    buf[static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(buf.data(), static_cast<std::size_t>(width));
}

Location at_column(std::size_t pos0) {
  Location where;
  where.column = static_cast<std::uint32_t>(std::min<std::size_t>(pos0 + 1, UINT32_MAX));
  return where;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

Date Date::min() {
  return Date(kMinDays);
}
Date Date::max() {
  return Date(kMaxDays);
}

bool Date::is_leap_year(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int Date::days_in_month(int year, int month) {
  static constexpr std::array<int, 12> kLength = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  return month == 2 && is_leap_year(year) ? 29 : kLength[static_cast<std::size_t>(month - 1)];
}

Result<Date> Date::from_ymd(int year, int month, int day) {
  if (year < kMinYear || year > kMaxYear) {
    return fail(DiagCode::DateOutOfRange,
                "year " + std::to_string(year) + " is outside the supported years 1..9999");
  }
  if (month < 1 || month > 12) {
    return fail(DiagCode::DateImpossible,
                "month " + std::to_string(month) + " does not exist (months are 1..12)");
  }
  const int dim = days_in_month(year, month);
  if (day < 1 || day > dim) {
    return fail(DiagCode::DateImpossible,
                "day " + std::to_string(day) + " does not exist: " +
                    std::string(kMonthNames[static_cast<std::size_t>(month - 1)]) + " " +
                    std::to_string(year) + " has " + std::to_string(dim) + " days");
  }
  return Date(static_cast<std::int32_t>(days_from_civil(year, month, day)));
}

Result<Date> Date::parse(std::string_view text) {
  constexpr std::string_view kExpected = "expected YYYY-MM-DD, DD.MM.YYYY or YYYYMMDD";
  if (text.empty()) {
    return fail(DiagCode::DateSyntax, "empty text is not a date; " + std::string(kExpected),
                at_column(0));
  }
  std::size_t lead = 0;
  while (lead < text.size() && is_digit(text[lead])) ++lead;

  // The layout, 'd' for a digit; positions of year, month and day.
  struct Layout {
    std::string_view pattern;
    std::string_view name;
    std::size_t ypos, mpos, dpos;
  };
  static constexpr Layout kIso{"dddd-dd-dd", "YYYY-MM-DD", 0, 5, 8};
  static constexpr Layout kGerman{"dd.dd.dddd", "DD.MM.YYYY", 6, 3, 0};
  static constexpr Layout kCompact{"dddddddd", "YYYYMMDD", 0, 4, 6};
  const Layout* layout = nullptr;
  if (lead == 4) {
    layout = &kIso;
  } else if (lead == 2) {
    layout = &kGerman;
  } else if (lead >= 8) {
    layout = &kCompact;
  } else if (lead == 0) {
    return fail(DiagCode::DateSyntax,
                quote_input(text) + " is not a date: expected a digit at column 1 but found " +
                    describe_char(text, 0) + "; " + std::string(kExpected),
                at_column(0));
  } else {
    return fail(DiagCode::DateSyntax,
                quote_input(text) + " is not a date: unexpected " + describe_char(text, lead) +
                    " after " + std::to_string(lead) + " digit(s) at column " +
                    std::to_string(lead + 1) + "; " + std::string(kExpected),
                at_column(lead));
  }
  const std::string_view pattern = layout->pattern;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const bool ok =
        i < text.size() && (pattern[i] == 'd' ? is_digit(text[i]) : text[i] == pattern[i]);
    if (!ok) {
      const std::string want =
          pattern[i] == 'd' ? "a digit" : "'" + std::string(1, pattern[i]) + "'";
      return fail(DiagCode::DateSyntax,
                  quote_input(text) + " is not a date: expected " + want + " at column " +
                      std::to_string(i + 1) + " but found " + describe_char(text, i) + " (" +
                      std::string(layout->name) + ")",
                  at_column(i));
    }
  }
  if (text.size() > pattern.size()) {
    return fail(DiagCode::DateSyntax,
                quote_input(text) + " is not a date: unexpected " + describe_char(text, pattern.size()) +
                    " after the date at column " + std::to_string(pattern.size() + 1),
                at_column(pattern.size()));
  }
  auto number = [&text](std::size_t pos, std::size_t len) {
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) v = v * 10 + (text[i] - '0');
    return v;
  };
  const int y = number(layout->ypos, 4), m = number(layout->mpos, 2), d = number(layout->dpos, 2);
  if (y < kMinYear) {
    return fail(DiagCode::DateOutOfRange,
                quote_input(text) + ": year 0000 is outside the supported years 0001..9999",
                at_column(layout->ypos));
  }
  if (m < 1 || m > 12) {
    return fail(
        DiagCode::DateImpossible,
        quote_input(text) + ": month " + std::to_string(m) + " does not exist (months are 01..12)",
        at_column(layout->mpos));
  }
  if (d < 1 || d > days_in_month(y, m)) {
    return fail(DiagCode::DateImpossible,
                quote_input(text) + ": day " + std::to_string(d) + " does not exist, " +
                    std::string(kMonthNames[static_cast<std::size_t>(m - 1)]) + " " +
                    std::to_string(y) + " has " + std::to_string(days_in_month(y, m)) + " days",
                at_column(layout->dpos));
  }
  return Date(static_cast<std::int32_t>(days_from_civil(y, m, d)));
}

Date Date::from_days(std::int32_t days_since_epoch) {
  return Date(std::clamp(days_since_epoch, kMinDays, kMaxDays));
}

int Date::year() const {
  return civil_from_days(days_).y;
}
int Date::month() const {
  return civil_from_days(days_).m;
}
int Date::day() const {
  return civil_from_days(days_).d;
}

Weekday Date::weekday() const {
  // 1970-01-01 was a Thursday (ISO 4).
  const auto monday_based = (static_cast<std::int64_t>(days_) % 7 + 7 + 3) % 7;  // 0 = Monday
  return static_cast<Weekday>(monday_based + 1);
}

std::string Date::to_string() const {
  const Ymd c = civil_from_days(days_);
  std::string out;
  out.reserve(10);
  append_padded(out, c.y, 4);
  out += '-';
  append_padded(out, c.m, 2);
  out += '-';
  append_padded(out, c.d, 2);
  return out;
}

std::string Date::to_german() const {
  const Ymd c = civil_from_days(days_);
  std::string out;
  out.reserve(10);
  append_padded(out, c.d, 2);
  out += '.';
  append_padded(out, c.m, 2);
  out += '.';
  append_padded(out, c.y, 4);
  return out;
}

std::string Date::to_compact() const {
  const Ymd c = civil_from_days(days_);
  std::string out;
  out.reserve(8);
  append_padded(out, c.y, 4);
  append_padded(out, c.m, 2);
  append_padded(out, c.d, 2);
  return out;
}

namespace {

// Month arithmetic on a month index year * 12 + (month - 1). Any |n| beyond
// this leaves the supported range from every date, so it is cut here before
// the sums could overflow.
constexpr std::int64_t kMonthSpan = 12 * 10000;

}  // namespace

Result<Date> Date::checked_add_days(std::int64_t n) const {
  const std::int64_t target =
      static_cast<std::int64_t>(days_) + std::clamp<std::int64_t>(n, -2 * kMaxDays, 2 * kMaxDays);
  if (target < kMinDays || target > kMaxDays) {
    return fail(DiagCode::DateOutOfRange, to_string() + " + " + std::to_string(n) +
                                              " days lies outside 0001-01-01..9999-12-31");
  }
  return Date(static_cast<std::int32_t>(target));
}

Date Date::add_days(std::int64_t n) const {
  return clamp_days(static_cast<std::int64_t>(days_) +
                    std::clamp<std::int64_t>(n, -2 * kMaxDays, 2 * kMaxDays));
}

Result<Date> Date::checked_add_months(std::int64_t n) const {
  const Ymd c = civil_from_days(days_);
  const std::int64_t index = static_cast<std::int64_t>(c.y) * 12 + (c.m - 1) +
                             std::clamp<std::int64_t>(n, -kMonthSpan, kMonthSpan);
  const std::int64_t y = floor_div(index, 12);
  if (y < kMinYear || y > kMaxYear) {
    return fail(DiagCode::DateOutOfRange, to_string() + " + " + std::to_string(n) +
                                              " months lies outside 0001-01-01..9999-12-31");
  }
  const int m = static_cast<int>(index - y * 12) + 1;
  const int d = std::min(c.d, days_in_month(static_cast<int>(y), m));
  return Date(static_cast<std::int32_t>(days_from_civil(y, m, d)));
}

Date Date::add_months(std::int64_t n) const {
  auto r = checked_add_months(n);
  if (r) return *r;
  return n < 0 ? min() : max();
}

Date Date::start_of_month() const {
  const Ymd c = civil_from_days(days_);
  return Date(static_cast<std::int32_t>(days_from_civil(c.y, c.m, 1)));
}

Date Date::end_of_month() const {
  const Ymd c = civil_from_days(days_);
  return Date(static_cast<std::int32_t>(days_from_civil(c.y, c.m, days_in_month(c.y, c.m))));
}

Date Date::start_of_quarter() const {
  const Ymd c = civil_from_days(days_);
  const int m = (c.m - 1) / 3 * 3 + 1;
  return Date(static_cast<std::int32_t>(days_from_civil(c.y, m, 1)));
}

Date Date::end_of_quarter() const {
  const Ymd c = civil_from_days(days_);
  const int m = (c.m - 1) / 3 * 3 + 3;
  return Date(static_cast<std::int32_t>(days_from_civil(c.y, m, days_in_month(c.y, m))));
}

Date Date::start_of_year() const {
  return Date(static_cast<std::int32_t>(days_from_civil(civil_from_days(days_).y, 1, 1)));
}

Date Date::end_of_year() const {
  return Date(static_cast<std::int32_t>(days_from_civil(civil_from_days(days_).y, 12, 31)));
}

Date Date::start_of_week() const {
  return add_days(-(static_cast<std::int64_t>(weekday()) - 1));
}

Date Date::end_of_week() const {
  return add_days(7 - static_cast<std::int64_t>(weekday()));
}

}  // namespace cb
