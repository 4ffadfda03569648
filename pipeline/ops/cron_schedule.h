#pragma once
// A cron schedule in the classic 5-field syntax (Zeitplan):
//
//   minute hour day-of-month month day-of-week
//   "0 2 * * *"        every day at 02:00
//   "30 1 * * 1-5"     Monday to Friday at 01:30
//   "0 3 1 * *"        the first of every month at 03:00
//   "*/15 6-18 * * *"  every 15 minutes from 06:00 to 18:45
//
// Each field is `*`, a number, a range `a-b`, a step `*/n` or `a-b/n`, or a
// comma list of those. Months may be written jan..dec, weekdays sun..sat
// (0 and 7 are both Sunday). As in Vixie cron, when both day-of-month and
// day-of-week are restricted, a day matches when either matches. The aliases
// @daily (@midnight), @weekly, @monthly, @yearly (@annually) and @hourly are
// accepted. Times are civil ("local") minutes; the caller decides the time
// zone. Nothing here reads a clock.
//
// Used by the config loader (validation of `[[jobs]] schedule`) and by the
// scheduler (next fire time, catch-up).

#include <bitset>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cb::ops {

/// A civil (local) time at minute precision.
using LocalMinutes = std::chrono::local_time<std::chrono::minutes>;

/// Where a cron expression is wrong: the 1-based column in the expression and
/// the reason ("hour 24 is outside 0..23").
struct CronError {
  std::uint32_t column = 0;
  std::string reason;
};

class CronSchedule {
 public:
  /// Parses an expression. On failure returns nullopt and fills `error`.
  static std::optional<CronSchedule> parse(std::string_view text, CronError* error = nullptr);

  /// True when the schedule fires at this minute.
  bool matches(LocalMinutes t) const;
  /// True when the schedule fires at some minute of this civil day.
  bool fires_on(std::chrono::local_days day) const;
  /// The first minute strictly after `t` at which the schedule fires; nullopt
  /// when there is none within the next 5 years (e.g. "0 0 30 2 *").
  std::optional<LocalMinutes> next_after(LocalMinutes t) const;
  /// The first minute of `day` at which the schedule fires, if any.
  std::optional<LocalMinutes> first_on(std::chrono::local_days day) const;

  /// The expression as written.
  const std::string& text() const { return text_; }

 private:
  CronSchedule() = default;
  bool day_matches(std::chrono::local_days day) const;

  std::string text_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_of_month_;  // bit 1..31
  std::bitset<13> months_;         // bit 1..12
  std::bitset<7> weekdays_;        // bit 0 = Sunday
  bool dom_restricted_ = false;
  bool dow_restricted_ = false;
};

}  // namespace cb::ops
