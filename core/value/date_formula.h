#pragma once
// DateFormula: the ERP's date formula syntax used throughout the seeds
// (contract periods, horizons, lead times, billing timing). Grammar and
// semantics are documented in core/README.md and in date_formula.cc.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/diag/diagnostic.h"
#include "core/value/date.h"

namespace cb {

/// A date formula (Datumsformel): "1M", "-LM+1M", "14J". Each term moves the
/// date by a count of days, weeks, months, quarters or years, or to the end
/// (with '-': the start) of the current period.
class DateFormula {
 public:
  /// The largest count of a term ("9999M"); a larger one fails with DAT013.
  static constexpr std::int32_t kMaxCount = 9999;

  enum class Unit : std::uint8_t { day, week, month, quarter, year };

  /// One term: either "<sign><count><unit>" (e.g. -2M) or
  /// "<sign>C<unit>" / "<sign>L<unit>" (end, or with '-' start, of the current period).
  struct Term {
    int sign = 1;                 // +1 or -1
    bool current_period = false;  // C/L prefix
    std::int32_t count = 0;       // ignored for current_period
    Unit unit = Unit::day;
    friend bool operator==(const Term&, const Term&) = default;
  };

  /// Parses e.g. "1M", "-2M", "13M", "0M", "4W", "30T", "30D", "1J", "1Y", "1Q",
  /// "LM", "CM", "-LM", "LJ", "-LM+1M", "LM+1T". Letters are case-insensitive;
  /// German (T, J, L) and English (D, Y, C) letters may be mixed. The empty
  /// formula is an error (DAT010); callers that allow "no formula" keep an optional.
  /// No spaces. Failures: DAT010 empty, DAT011 syntax, DAT012 unknown unit
  /// letter, DAT013 count above kMaxCount; Location::column is the 1-based
  /// position of the offending character.
  static Result<DateFormula> parse(std::string_view text);

  /// Applies the terms left to right to `from`. Each term's result is clamped
  /// to 0001-01-01..9999-12-31 before the next term applies.
  Date apply(const Date& from) const;
  /// As apply(), but fails with DAT003 when a term leaves 0001-01-01..9999-12-31
  /// (including "CW" in the last days of 9999).
  Result<Date> checked_apply(const Date& from) const;
  /// The date after each term, as apply() computes them (for --explain).
  std::vector<Date> steps(const Date& from) const;

  const std::vector<Term>& terms() const { return terms_; }
  /// Term i in canonical English letters, with its sign ("-CM", "+1M").
  std::string term_to_string(std::size_t i) const;
  /// Canonical text in English letters ("-CM+1M"); parse(to_string()) == *this.
  std::string to_string() const;
  /// The text as given to parse().
  const std::string& source() const { return source_; }

  friend bool operator==(const DateFormula& a, const DateFormula& b) {
    return a.terms_ == b.terms_;
  }

 private:
  std::vector<Term> terms_;
  std::string source_;
};

}  // namespace cb
