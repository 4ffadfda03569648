#pragma once
// Money (amount + ISO 4217 currency) and Quantity (amount + unit of measure).

#include <compare>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/diag/diagnostic.h"
#include "core/value/decimal.h"

namespace cb {

/// An ISO 4217 currency code: three upper-case letters, with its minor units.
class Currency {
 public:
  /// Known codes: EUR, SEK, DKK, NOK, CHF, GBP, USD, PLN, CZK, HUF (2 minor
  /// units) and ISK (0 minor units). Exactly three upper-case letters; anything
  /// else, including "eur", fails with DEC005 (column 1).
  static Result<Currency> parse(std::string_view code);
  static Currency eur();
  static Currency sek();
  static Currency dkk();
  std::string_view code() const { return {code_, 3}; }
  int minor_units() const { return minor_units_; }
  friend bool operator==(const Currency& a, const Currency& b) { return a.code() == b.code(); }
  /// Writes code().
  friend std::ostream& operator<<(std::ostream& os, const Currency& c);

 private:
  Currency(std::string_view code, int minor_units);
  char code_[3]{};
  int minor_units_ = 2;
};

/// Thrown by Money's unchecked operators when currencies differ: a defect.
class CurrencyMismatchError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

class Money {
 public:
  Money(Decimal amount, Currency currency) : amount_(amount), currency_(currency) {}
  static Money zero(Currency c) { return Money(Decimal(), c); }
  /// "12.50" or "12,50" in the given currency. The amount keeps its written
  /// scale (unit prices may have more places than the currency's minor units).
  /// Fails with the Decimal::parse codes or DEC005 for the currency.
  static Result<Money> parse(std::string_view amount, std::string_view currency);

  const Decimal& amount() const { return amount_; }
  const Currency& currency() const { return currency_; }

  /// Rounded half away from zero to the currency's minor units.
  Money rounded() const { return Money(amount_.rounded(currency_.minor_units()), currency_); }
  /// "12.50 EUR" (rounded half away from zero to minor units for display).
  std::string to_string() const;

  /// Sum in one currency; DEC006 when the currencies differ, DEC003 on overflow.
  static Result<Money> checked_add(const Money& a, const Money& b);
  /// Difference in one currency; DEC006 when the currencies differ, DEC003 on overflow.
  static Result<Money> checked_sub(const Money& a, const Money& b);
  /// Throw CurrencyMismatchError when the currencies differ, DecimalOverflow on overflow.
  friend Money operator+(const Money& a, const Money& b);
  friend Money operator-(const Money& a, const Money& b);
  Money operator-() const { return Money(-amount_, currency_); }
  /// Amount × factor (e.g. unit price × quantity), exact, not rounded.
  Money operator*(const Decimal& factor) const { return Money(amount_ * factor, currency_); }
  /// Percentage of the amount, rounded once, half away from zero, to minor
  /// units (e.g. 10 % co-payment: 10 % of 12.35 EUR is 1.24 EUR). Throws
  /// DecimalOverflow when it does not fit; see checked_percent.
  Money percent(const Decimal& pct) const;
  /// percent() as a Result: DEC003 when it does not fit.
  Result<Money> checked_percent(const Decimal& pct) const;

  /// Same currency and numerically equal amounts (12.5 EUR == 12.50 EUR);
  /// different currencies are never equal.
  friend bool operator==(const Money& a, const Money& b);
  /// Ordering only within one currency; throws CurrencyMismatchError otherwise.
  friend std::strong_ordering operator<=>(const Money& a, const Money& b);
  /// Writes to_string().
  friend std::ostream& operator<<(std::ostream& os, const Money& m);

 private:
  Decimal amount_;
  Currency currency_;
};

/// A quantity with its unit of measure (e.g. "ST", "PCE", "KCAL", "ML").
struct Quantity {
  Decimal value;
  std::string unit;
  /// "30 ST": the value as written (its scale kept), a space and the unit
  /// (no space when the unit is empty).
  std::string to_string() const;
  /// Numerically equal values and the same unit.
  friend bool operator==(const Quantity&, const Quantity&) = default;
  /// Writes to_string().
  friend std::ostream& operator<<(std::ostream& os, const Quantity& q);
};

}  // namespace cb
