// Fuzz target: date formulas and dates from arbitrary bytes.
//
// For a formula that parses: to_string() parses back to an equal formula with
// the same text; applying it to fixed dates (including 0001-01-01 and
// 9999-12-31) stays inside the supported range and agrees with
// checked_apply() whenever that succeeds. For a date that parses: all three
// text forms parse back to it. A broken invariant aborts.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/value/date.h"
#include "core/value/date_formula.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

bool in_range(const cb::Date& d) {
  return cb::Date::min() <= d && d <= cb::Date::max();
}

void check_formula(std::string_view text) {
  auto f = cb::DateFormula::parse(text);
  if (!f) {
    const auto& e = f.error();
    check(e.code == cb::DiagCode::FormulaEmpty || e.code == cb::DiagCode::FormulaSyntax ||
          e.code == cb::DiagCode::FormulaUnit || e.code == cb::DiagCode::FormulaNumberTooLarge);
    check(e.where.column >= 1 && e.where.column <= text.size() + 1);
    check(!e.message.empty());
    return;
  }
  check(!f->terms().empty());
  check(f->source() == text);
  const std::string canonical = f->to_string();
  auto again = cb::DateFormula::parse(canonical);
  check(again.has_value());
  check(*again == *f);
  check(again->to_string() == canonical);

  static const cb::Date kFrom[] = {
      cb::Date::min(),
      cb::Date::max(),
      cb::Date::from_days(0),  // 1970-01-01
      cb::Date::from_ymd(2024, 2, 29).value(),
      cb::Date::from_ymd(2026, 1, 31).value(),
      cb::Date::from_ymd(9999, 12, 27).value(),  // Monday of the last week
  };
  for (const cb::Date& from : kFrom) {
    const cb::Date to = f->apply(from);
    check(in_range(to));
    check(again->apply(from) == to);
    if (auto checked = f->checked_apply(from)) {
      check(*checked == to);
    } else {
      check(checked.error().code == cb::DiagCode::DateOutOfRange);
    }
  }
}

void check_date(std::string_view text) {
  auto d = cb::Date::parse(text);
  if (!d) {
    const auto& e = d.error();
    check(e.code == cb::DiagCode::DateSyntax || e.code == cb::DiagCode::DateImpossible ||
          e.code == cb::DiagCode::DateOutOfRange);
    check(e.where.column >= 1 && e.where.column <= text.size() + 1);
    return;
  }
  check(in_range(*d));
  check(cb::Date::parse(d->to_string()).value() == *d);
  check(cb::Date::parse(d->to_german()).value() == *d);
  check(cb::Date::parse(d->to_compact()).value() == *d);
  auto back = cb::Date::from_ymd(d->year(), d->month(), d->day());
  check(back.has_value() && *back == *d);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_formula(text);
  check_date(text);
  return 0;
}
