#include "core/value/money.h"

#include <array>
#include <ostream>

namespace cb {
namespace {

struct CurrencyInfo {
  std::string_view code;
  int minor_units;
};

/// The ISO 4217 currencies carebridge bills in, with their minor units.
constexpr std::array kCurrencies = {
    CurrencyInfo{"EUR", 2}, CurrencyInfo{"SEK", 2}, CurrencyInfo{"DKK", 2}, CurrencyInfo{"NOK", 2},
    CurrencyInfo{"CHF", 2}, CurrencyInfo{"GBP", 2}, CurrencyInfo{"USD", 2}, CurrencyInfo{"PLN", 2},
    CurrencyInfo{"CZK", 2}, CurrencyInfo{"HUF", 2}, CurrencyInfo{"ISK", 0},
};

std::string known_codes() {
  std::string out;
  for (const auto& c : kCurrencies) {
    if (!out.empty()) out += ", ";
    out += c.code;
  }
  return out;
}

std::string quote_code(std::string_view code) {
  std::string out = "'";
  for (const char ch : code.substr(0, 16)) {
    const auto c = static_cast<unsigned char>(ch);
    out += (c >= 0x20 && c < 0x7F) ? ch : '?';
  }
  if (code.size() > 16) out += "...";
  return out + "'";
}

bool is_upper_ascii(std::string_view s) {
  for (const char c : s) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

std::string mismatch(const Money& a, const char* op, const Money& b) {
  return "cannot " + std::string(op) + " " + a.to_string() + " and " + b.to_string() +
         ": the currencies differ";
}

template <class T>
T value_or_throw(Result<T> r) {
  if (r) return *std::move(r);
  if (r.error().code == DiagCode::CurrencyMismatch) throw CurrencyMismatchError(r.error().message);
  throw DecimalOverflow(r.error().message);
}

}  // namespace

Currency::Currency(std::string_view code, int minor_units) : minor_units_(minor_units) {
  for (std::size_t i = 0; i < 3 && i < code.size(); ++i) code_[i] = code[i];
}

Result<Currency> Currency::parse(std::string_view code) {
  for (const auto& c : kCurrencies) {
    if (c.code == code) return Currency(c.code, c.minor_units);
  }
  Location where;
  where.column = 1;
  std::string why = quote_code(code) + " is not a known ISO 4217 currency code";
  if (code.size() == 3 && !is_upper_ascii(code)) why += " (codes are three upper-case letters)";
  why += "; known: " + known_codes();
  return fail(DiagCode::CurrencyUnknown, std::move(why), std::move(where));
}

Currency Currency::eur() { return Currency("EUR", 2); }
Currency Currency::sek() { return Currency("SEK", 2); }
Currency Currency::dkk() { return Currency("DKK", 2); }

std::ostream& operator<<(std::ostream& os, const Currency& c) { return os << c.code(); }

Result<Money> Money::parse(std::string_view amount, std::string_view currency) {
  auto c = Currency::parse(currency);
  if (!c) return cb::Unexpected(std::move(c.error()));
  auto a = Decimal::parse(amount);
  if (!a) return cb::Unexpected(std::move(a.error()));
  return Money(*a, *c);
}

std::string Money::to_string() const {
  return amount_.format(currency_.minor_units()) + " " + std::string(currency_.code());
}

Result<Money> Money::checked_add(const Money& a, const Money& b) {
  if (!(a.currency_ == b.currency_)) return fail(DiagCode::CurrencyMismatch, mismatch(a, "add", b));
  auto r = Decimal::checked_add(a.amount_, b.amount_);
  if (!r) return cb::Unexpected(std::move(r.error()));
  return Money(*r, a.currency_);
}

Result<Money> Money::checked_sub(const Money& a, const Money& b) {
  if (!(a.currency_ == b.currency_)) {
    return fail(DiagCode::CurrencyMismatch, mismatch(a, "subtract", b));
  }
  auto r = Decimal::checked_sub(a.amount_, b.amount_);
  if (!r) return cb::Unexpected(std::move(r.error()));
  return Money(*r, a.currency_);
}

Money operator+(const Money& a, const Money& b) { return value_or_throw(Money::checked_add(a, b)); }

Money operator-(const Money& a, const Money& b) { return value_or_throw(Money::checked_sub(a, b)); }

Result<Money> Money::checked_percent(const Decimal& pct) const {
  auto r = Decimal::checked_percent(amount_, pct, currency_.minor_units());
  if (!r) return cb::Unexpected(std::move(r.error()));
  return Money(*r, currency_);
}

Money Money::percent(const Decimal& pct) const { return value_or_throw(checked_percent(pct)); }

bool operator==(const Money& a, const Money& b) {
  return a.currency_ == b.currency_ && a.amount_ == b.amount_;
}

std::strong_ordering operator<=>(const Money& a, const Money& b) {
  if (!(a.currency_ == b.currency_)) throw CurrencyMismatchError(mismatch(a, "compare", b));
  return a.amount_ <=> b.amount_;
}

std::ostream& operator<<(std::ostream& os, const Money& m) { return os << m.to_string(); }

std::string Quantity::to_string() const {
  if (unit.empty()) return value.to_string();
  return value.to_string() + " " + unit;
}

std::ostream& operator<<(std::ostream& os, const Quantity& q) { return os << q.to_string(); }

}  // namespace cb
