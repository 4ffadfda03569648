#pragma once
// Money (amount + ISO 4217 currency) and Quantity (amount + unit of measure).

#include <compare>
#include <string>
#include <string_view>

#include "core/diag/diagnostic.h"
#include "core/value/decimal.h"

namespace cb {

/// An ISO 4217 currency code: three upper-case letters, with its minor units.
class Currency {
 public:
  /// Known codes: EUR, SEK, DKK, NOK, CHF, GBP, USD, PLN (2 minor units).
  static Result<Currency> parse(std::string_view code);
  static Currency eur();
  static Currency sek();
  static Currency dkk();
  std::string_view code() const { return {code_, 3}; }
  int minor_units() const { return minor_units_; }
  friend bool operator==(const Currency& a, const Currency& b) { return a.code() == b.code(); }

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
  /// "12.50" or "12,50" in the given currency.
  static Result<Money> parse(std::string_view amount, std::string_view currency);

  const Decimal& amount() const { return amount_; }
  const Currency& currency() const { return currency_; }

  /// Rounded half away from zero to the currency's minor units.
  Money rounded() const { return Money(amount_.rounded(currency_.minor_units()), currency_); }
  /// "12.50 EUR" (rounded to minor units for display).
  std::string to_string() const;

  static Result<Money> checked_add(const Money& a, const Money& b);
  static Result<Money> checked_sub(const Money& a, const Money& b);
  friend Money operator+(const Money& a, const Money& b);
  friend Money operator-(const Money& a, const Money& b);
  Money operator-() const { return Money(-amount_, currency_); }
  /// Amount × factor (e.g. unit price × quantity), exact, not rounded.
  Money operator*(const Decimal& factor) const { return Money(amount_ * factor, currency_); }
  /// Percentage of the amount, rounded to minor units (e.g. 10 % co-payment).
  Money percent(const Decimal& pct) const;

  friend bool operator==(const Money& a, const Money& b);
  /// Ordering only within one currency; throws CurrencyMismatchError otherwise.
  friend std::strong_ordering operator<=>(const Money& a, const Money& b);

 private:
  Decimal amount_;
  Currency currency_;
};

/// A quantity with its unit of measure (e.g. "ST", "PCE", "KCAL", "ML").
struct Quantity {
  Decimal value;
  std::string unit;
  std::string to_string() const;  // "30 ST"
  friend bool operator==(const Quantity&, const Quantity&) = default;
};

}  // namespace cb
