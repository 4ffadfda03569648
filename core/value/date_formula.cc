// Date formulas (Datumsformel) as in Microsoft Dynamics NAV / Business Central,
// with German and English letters.
//
// Grammar (no spaces anywhere; letters are case-insensitive):
//
//   formula = first-term , { sign , term } ;
//   first-term = [ sign ] , term ;
//   term    = count , unit            (* move by count units: "13M", "30T" *)
//           | period , unit ;         (* end, after '-' start, of the current period: "LM", "-CM"
//           *)
//   sign    = "+" | "-" ;
//   count   = digit , { digit } ;     (* value 0..9999; leading zeros allowed *)
//   period  = "C" | "L" ;             (* current / laufend *)
//   unit    = "D" | "T"               (* day / Tag *)
//           | "W"                     (* week = 7 days / Woche *)
//           | "M"                     (* month / Monat *)
//           | "Q"                     (* quarter = 3 months / Quartal *)
//           | "Y" | "J" ;             (* year = 12 months / Jahr *)
//
// Semantics: terms apply left to right. Month, quarter and year steps keep the
// day of the month, clamped to the target month's length (2026-01-31 + 1M =
// 2026-02-28). "CM" is the last day of the month, "-CM" the first; likewise
// CW (Sunday / Monday of the ISO week), CQ and CY; CD is the same day. Every
// term's result is clamped to 0001-01-01..9999-12-31. See core/README.md.

#include "core/value/date_formula.h"

#include <algorithm>

namespace cb {
namespace {


std::string describe_char(std::string_view text, std::size_t pos) {
  if (pos >= text.size()) return "the end of the formula";
  if (text[pos] == ' ') return "a space (spaces are not allowed)";
  return quote_input(text.substr(pos, 1));
}

Location at_column(std::size_t pos0) {
  Location where;
  where.column = static_cast<std::uint32_t>(std::min<std::size_t>(pos0 + 1, UINT32_MAX));
  return where;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
char upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

bool unit_from_letter(char c, DateFormula::Unit& out) {
  switch (upper(c)) {
    case 'D':
    case 'T':
      out = DateFormula::Unit::day;
      return true;
    case 'W':
      out = DateFormula::Unit::week;
      return true;
    case 'M':
      out = DateFormula::Unit::month;
      return true;
    case 'Q':
      out = DateFormula::Unit::quarter;
      return true;
    case 'Y':
    case 'J':
      out = DateFormula::Unit::year;
      return true;
    default:
      return false;
  }
}

char english_letter(DateFormula::Unit u) {
  switch (u) {
    case DateFormula::Unit::day:
      return 'D';
    case DateFormula::Unit::week:
      return 'W';
    case DateFormula::Unit::month:
      return 'M';
    case DateFormula::Unit::quarter:
      return 'Q';
    case DateFormula::Unit::year:
      return 'Y';
  }
  return 'D';
}

/// Applies one term; a result outside the supported range fails with DAT003.
Result<Date> apply_term(const DateFormula::Term& t, const Date& d) {
  using Unit = DateFormula::Unit;
  if (t.current_period) {
    const bool start = t.sign < 0;
    switch (t.unit) {
      case Unit::day:
        return d;
      case Unit::week: {
        // Only the Sunday after 9999-12-31 can leave the range.
        const std::int64_t to =
            start ? 1 - static_cast<int>(d.weekday()) : 7 - static_cast<int>(d.weekday());
        return d.checked_add_days(to);
      }
      case Unit::month:
        return start ? d.start_of_month() : d.end_of_month();
      case Unit::quarter:
        return start ? d.start_of_quarter() : d.end_of_quarter();
      case Unit::year:
        return start ? d.start_of_year() : d.end_of_year();
    }
    return d;
  }
  const std::int64_t n = static_cast<std::int64_t>(t.sign) * t.count;
  switch (t.unit) {
    case Unit::day:
      return d.checked_add_days(n);
    case Unit::week:
      return d.checked_add_days(n * 7);
    case Unit::month:
      return d.checked_add_months(n);
    case Unit::quarter:
      return d.checked_add_months(n * 3);
    case Unit::year:
      return d.checked_add_months(n * 12);
  }
  return d;
}

}  // namespace

Result<DateFormula> DateFormula::parse(std::string_view text) {
  if (text.empty()) {
    return fail(DiagCode::FormulaEmpty,
                "the date formula is empty; expected e.g. '1M', '-LM+1M' or '30T'", at_column(0));
  }
  auto syntax = [&text](std::size_t pos, std::string_view expected) {
    return fail(DiagCode::FormulaSyntax,
                "date formula " + quote_input(text) + ": expected " + std::string(expected) +
                    " at column " + std::to_string(pos + 1) + " but found " +
                    describe_char(text, pos),
                at_column(pos));
  };
  auto unit_at = [&text, &syntax](std::size_t pos, Unit& out) -> Result<void> {
    if (pos < text.size() && unit_from_letter(text[pos], out)) return {};
    if (pos < text.size() && is_letter(text[pos])) {
      return fail(DiagCode::FormulaUnit,
                  "date formula " + quote_input(text) + ": " + quote_input(text.substr(pos, 1)) +
                      " at column " + std::to_string(pos + 1) +
                      " is not a unit; units are D/T (day), W (week), M (month), Q (quarter), "
                      "Y/J (year)",
                  at_column(pos));
    }
    return syntax(pos, "a unit letter (D/T, W, M, Q, Y/J)");
  };

  DateFormula f;
  f.source_ = std::string(text);
  std::size_t pos = 0;
  while (pos < text.size()) {
    Term t;
    if (text[pos] == '+' || text[pos] == '-') {
      t.sign = text[pos] == '-' ? -1 : 1;
      ++pos;
    } else if (!f.terms_.empty()) {
      return syntax(pos, "'+' or '-' before the next term");
    }
    if (pos < text.size() && is_digit(text[pos])) {
      const std::size_t start = pos;
      std::int64_t count = 0;
      while (pos < text.size() && is_digit(text[pos])) {
        count = std::min<std::int64_t>(count * 10 + (text[pos] - '0'), kMaxCount + 1);
        ++pos;
      }
      if (count > kMaxCount) {
        return fail(DiagCode::FormulaNumberTooLarge,
                    "date formula " + quote_input(text) + ": the number " +
                        quote_input(text.substr(start, pos - start)) + " at column " +
                        std::to_string(start + 1) + " is larger than " + std::to_string(kMaxCount),
                    at_column(start));
      }
      t.count = static_cast<std::int32_t>(count);
    } else if (pos < text.size() && (upper(text[pos]) == 'C' || upper(text[pos]) == 'L')) {
      t.current_period = true;
      ++pos;
    } else if (pos < text.size() && unit_from_letter(text[pos], t.unit)) {
      return syntax(pos, "a number, 'C' or 'L' before the unit");
    } else {
      return syntax(pos, "a number, 'C' or 'L'");
    }
    if (auto u = unit_at(pos, t.unit); !u) return cb::Unexpected(std::move(u.error()));
    ++pos;
    f.terms_.push_back(t);
  }
  return f;
}

Result<Date> DateFormula::checked_apply(const Date& from) const {
  Date d = from;
  for (const Term& t : terms_) {
    auto next = apply_term(t, d);
    if (!next) {
      next.error().message = "date formula " + quote_input(to_string()) + " from " + from.to_string() +
                             ": " + next.error().message;
      return next;
    }
    d = *next;
  }
  return d;
}

namespace {

/// One term applied with clamping: out of range goes to the end of the range
/// in the direction of travel. Only "CW" (end of week) and counted steps can
/// leave the range.
Date clamped_term(const DateFormula::Term& t, const Date& d) {
  auto next = apply_term(t, d);
  if (next) return *next;
  return (t.sign < 0 && !t.current_period) ? Date::min() : Date::max();
}

}  // namespace

Date DateFormula::apply(const Date& from) const {
  Date d = from;
  for (const Term& t : terms_) d = clamped_term(t, d);
  return d;
}

std::vector<Date> DateFormula::steps(const Date& from) const {
  std::vector<Date> out;
  out.reserve(terms_.size());
  Date d = from;
  for (const Term& t : terms_) {
    d = clamped_term(t, d);
    out.push_back(d);
  }
  return out;
}

std::string DateFormula::term_to_string(std::size_t i) const {
  const Term& t = terms_.at(i);
  std::string out;
  if (t.sign < 0) {
    out += '-';
  } else if (i > 0) {
    out += '+';
  }
  if (t.current_period) {
    out += 'C';
  } else {
    out += std::to_string(t.count);
  }
  out += english_letter(t.unit);
  return out;
}

std::string DateFormula::to_string() const {
  std::string out;
  for (std::size_t i = 0; i < terms_.size(); ++i) out += term_to_string(i);
  return out;
}

}  // namespace cb
