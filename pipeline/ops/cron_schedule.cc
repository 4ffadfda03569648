#include "pipeline/ops/cron_schedule.h"

#include <array>
#include <cctype>
#include <vector>

namespace cb::ops {
namespace {

using std::chrono::days;
using std::chrono::local_days;
using std::chrono::minutes;

struct FieldSpec {
  const char* name;
  int min;
  int max;
  const std::array<const char*, 12>* names;  // month or weekday names, or null
  int names_base;                            // value of names[0]
};

constexpr std::array<const char*, 12> kMonthNames = {"jan", "feb", "mar", "apr", "may", "jun",
                                                     "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<const char*, 12> kDayNames = {"sun", "mon", "tue", "wed", "thu", "fri",
                                                   "sat", nullptr, nullptr, nullptr, nullptr,
                                                   nullptr};

constexpr std::array<FieldSpec, 5> kFields = {{
    {"minute", 0, 59, nullptr, 0},
    {"hour", 0, 23, nullptr, 0},
    {"day of month", 1, 31, nullptr, 0},
    {"month", 1, 12, &kMonthNames, 1},
    {"day of week", 0, 7, &kDayNames, 0},
}};

struct Parser {
  std::string_view text;
  std::size_t field_start = 0;  // offset of the current field in the expression
  CronError* error = nullptr;

  bool fail(std::size_t offset, std::string reason) {
    if (error) {
      error->column = static_cast<std::uint32_t>(field_start + offset + 1);
      error->reason = std::move(reason);
    }
    return false;
  }

  /// A number or a name at `pos`; advances pos.
  bool value(const FieldSpec& spec, std::string_view f, std::size_t& pos, int& out) {
    const std::size_t start = pos;
    if (pos < f.size() && std::isdigit(static_cast<unsigned char>(f[pos]))) {
      int v = 0;
      while (pos < f.size() && std::isdigit(static_cast<unsigned char>(f[pos]))) {
        v = v * 10 + (f[pos] - '0');
        if (v > 1000) return fail(start, std::string(spec.name) + " value is too large");
        ++pos;
      }
      if (v < spec.min || v > spec.max) {
        return fail(start, std::string(spec.name) + " " + std::to_string(v) + " is outside " +
                               std::to_string(spec.min) + ".." + std::to_string(spec.max));
      }
      out = v;
      return true;
    }
    if (spec.names && pos + 3 <= f.size()) {
      std::string word;
      for (std::size_t i = 0; i < 3; ++i)
        word += static_cast<char>(std::tolower(static_cast<unsigned char>(f[pos + i])));
      for (std::size_t i = 0; i < spec.names->size(); ++i) {
        const char* n = (*spec.names)[i];
        if (n && word == n) {
          pos += 3;
          out = static_cast<int>(i) + spec.names_base;
          return true;
        }
      }
    }
    if (pos >= f.size()) return fail(start, std::string(spec.name) + ": a value is missing");
    return fail(start, std::string(spec.name) + ": '" + std::string(1, f[pos]) +
                           "' is not a number" + (spec.names ? " or a name" : ""));
  }

  /// Parses one field into `bits` (indexes are the values).
  template <std::size_t N>
  bool field(const FieldSpec& spec, std::string_view f, std::bitset<N>& bits, bool& restricted) {
    restricted = f != "*";
    std::size_t pos = 0;
    for (;;) {
      const std::size_t item_start = pos;
      int lo = spec.min;
      int hi = spec.max;
      bool star = false;
      if (pos < f.size() && f[pos] == '*') {
        star = true;
        ++pos;
      } else {
        if (!value(spec, f, pos, lo)) return false;
        hi = lo;
        if (pos < f.size() && f[pos] == '-') {
          ++pos;
          if (!value(spec, f, pos, hi)) return false;
          if (hi < lo) {
            return fail(item_start, std::string(spec.name) + " range " + std::to_string(lo) + "-" +
                                        std::to_string(hi) + " runs backwards");
          }
        }
      }
      int step = 1;
      if (pos < f.size() && f[pos] == '/') {
        ++pos;
        const std::size_t step_start = pos;
        int s = 0;
        if (pos >= f.size() || !std::isdigit(static_cast<unsigned char>(f[pos])))
          return fail(step_start, std::string(spec.name) + ": a step must be a number");
        while (pos < f.size() && std::isdigit(static_cast<unsigned char>(f[pos]))) {
          s = s * 10 + (f[pos] - '0');
          if (s > 1000) break;
          ++pos;
        }
        if (s < 1 || s > spec.max)
          return fail(step_start, std::string(spec.name) + ": step " + std::to_string(s) +
                                      " is outside 1.." + std::to_string(spec.max));
        step = s;
        if (!star && hi == lo) hi = spec.max;  // "5/15" = 5-max/15
      }
      for (int v = lo; v <= hi; v += step) bits.set(static_cast<std::size_t>(v));
      if (pos == f.size()) return true;
      if (f[pos] != ',') {
        return fail(pos, std::string(spec.name) + ": unexpected '" + std::string(1, f[pos]) + "'");
      }
      ++pos;
      if (pos == f.size()) return fail(pos, std::string(spec.name) + ": a value is missing after ','");
    }
  }
};

std::string_view alias(std::string_view t) {
  if (t == "@yearly" || t == "@annually") return "0 0 1 1 *";
  if (t == "@monthly") return "0 0 1 * *";
  if (t == "@weekly") return "0 0 * * 0";
  if (t == "@daily" || t == "@midnight") return "0 0 * * *";
  if (t == "@hourly") return "0 * * * *";
  return {};
}

}  // namespace

std::optional<CronSchedule> CronSchedule::parse(std::string_view text, CronError* error) {
  CronSchedule c;
  c.text_ = std::string(text);
  std::string_view expr = text;
  bool aliased = false;
  if (!text.empty() && text.front() == '@') {
    expr = alias(text);
    if (expr.empty()) {
      if (error) *error = {1, "unknown alias '" + std::string(text) +
                                  "' (known: @yearly, @monthly, @weekly, @daily, @hourly)"};
      return std::nullopt;
    }
    aliased = true;
  }
  // Split into fields on blanks, remembering where each starts.
  std::vector<std::pair<std::size_t, std::string_view>> fields;
  std::size_t i = 0;
  while (i < expr.size()) {
    while (i < expr.size() && (expr[i] == ' ' || expr[i] == '\t')) ++i;
    if (i >= expr.size()) break;
    const std::size_t start = i;
    while (i < expr.size() && expr[i] != ' ' && expr[i] != '\t') ++i;
    fields.emplace_back(start, expr.substr(start, i - start));
  }
  if (fields.size() != 5) {
    if (error) {
      *error = {fields.size() > 5 ? static_cast<std::uint32_t>(fields[5].first + 1) : 1,
                "a cron schedule has 5 fields (minute hour day-of-month month day-of-week), "
                "found " + std::to_string(fields.size())};
    }
    return std::nullopt;
  }
  Parser p{expr, 0, error};
  std::bitset<8> weekdays8;
  bool ok = true;
  bool ignored = false;
  p.field_start = fields[0].first;
  ok = ok && p.field(kFields[0], fields[0].second, c.minutes_, ignored);
  p.field_start = fields[1].first;
  ok = ok && p.field(kFields[1], fields[1].second, c.hours_, ignored);
  p.field_start = fields[2].first;
  ok = ok && p.field(kFields[2], fields[2].second, c.days_of_month_, c.dom_restricted_);
  p.field_start = fields[3].first;
  ok = ok && p.field(kFields[3], fields[3].second, c.months_, ignored);
  p.field_start = fields[4].first;
  ok = ok && p.field(kFields[4], fields[4].second, weekdays8, c.dow_restricted_);
  if (!ok) {
    if (error && aliased) error->column = 1;
    return std::nullopt;
  }
  for (std::size_t d = 0; d < 7; ++d) c.weekdays_.set(d, weekdays8.test(d));
  if (weekdays8.test(7)) c.weekdays_.set(0);
  // A day-of-month/month combination that never exists ("30 2") is allowed
  // here, as in cron; next_after() returns nullopt for it.
  return c;
}

bool CronSchedule::day_matches(local_days day) const {
  const std::chrono::year_month_day ymd{day};
  if (!months_.test(static_cast<unsigned>(ymd.month()))) return false;
  const bool dom = days_of_month_.test(static_cast<unsigned>(ymd.day()));
  const bool dow = weekdays_.test(std::chrono::weekday{day}.c_encoding());
  if (dom_restricted_ && dow_restricted_) return dom || dow;
  return dom && dow;
}

bool CronSchedule::matches(LocalMinutes t) const {
  const auto day = std::chrono::floor<days>(t);
  const auto mins = (t - day).count();
  return day_matches(day) && hours_.test(static_cast<std::size_t>(mins / 60)) &&
         minutes_.test(static_cast<std::size_t>(mins % 60));
}

bool CronSchedule::fires_on(local_days day) const {
  return day_matches(day) && hours_.any() && minutes_.any();
}

std::optional<LocalMinutes> CronSchedule::first_on(local_days day) const {
  if (!day_matches(day)) return std::nullopt;
  for (std::size_t h = 0; h < 24; ++h) {
    if (!hours_.test(h)) continue;
    for (std::size_t m = 0; m < 60; ++m) {
      if (minutes_.test(m)) return LocalMinutes(day) + minutes(h * 60 + m);
    }
  }
  return std::nullopt;
}

std::optional<LocalMinutes> CronSchedule::next_after(LocalMinutes t) const {
  LocalMinutes cur = t + minutes(1);
  auto day = std::chrono::floor<days>(cur);
  const auto limit = day + days(5 * 366 + 1);
  while (day <= limit) {
    if (day_matches(day)) {
      std::int64_t from = (cur - LocalMinutes(day)).count();
      if (from < 0) from = 0;
      for (std::int64_t m = from; m < 24 * 60; ++m) {
        if (hours_.test(static_cast<std::size_t>(m / 60)) &&
            minutes_.test(static_cast<std::size_t>(m % 60))) {
          return LocalMinutes(day) + minutes(m);
        }
      }
    }
    day += days(1);
    cur = LocalMinutes(day);
  }
  return std::nullopt;
}

}  // namespace cb::ops
