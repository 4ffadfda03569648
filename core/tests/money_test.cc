#include "core/value/money.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>
#include <string>

namespace cb {
namespace {

using ::testing::HasSubstr;

Decimal dec(std::string_view text) {
  auto r = Decimal::parse(text);
  if (!r) throw std::logic_error("test literal does not parse: " + r.error().to_string());
  return *r;
}

Currency currency(std::string_view code) {
  auto r = Currency::parse(code);
  if (!r) throw std::logic_error("test currency does not parse: " + r.error().to_string());
  return *r;
}

Money money(std::string_view amount, std::string_view code) {
  auto r = Money::parse(amount, code);
  if (!r) throw std::logic_error("test money does not parse: " + r.error().to_string());
  return *r;
}

// ------------------------------------------------------------------ Currency

TEST(Currency, ParsesTheKnownCodes) {
  for (const char* code : {"EUR", "SEK", "DKK", "NOK", "CHF", "GBP", "USD", "PLN", "CZK", "HUF"}) {
    auto c = Currency::parse(code);
    ASSERT_TRUE(c.has_value()) << code;
    EXPECT_EQ(c->code(), code);
    EXPECT_EQ(c->minor_units(), 2) << code;
  }
  EXPECT_EQ(currency("ISK").minor_units(), 0);
  EXPECT_EQ(Currency::eur().code(), "EUR");
  EXPECT_EQ(Currency::sek().code(), "SEK");
  EXPECT_EQ(Currency::dkk().code(), "DKK");
  EXPECT_EQ(currency("EUR"), Currency::eur());
  EXPECT_FALSE(currency("EUR") == Currency::sek());
  std::ostringstream os;
  os << Currency::dkk();
  EXPECT_EQ(os.str(), "DKK");
}

TEST(Currency, UnknownCodesAreDec005) {
  for (const char* code : {"XXX", "eur", "", "EURO", "EU", "E1R", "JPY "}) {
    SCOPED_TRACE(code);
    auto c = Currency::parse(code);
    ASSERT_FALSE(c.has_value());
    EXPECT_EQ(c.error().code, DiagCode::CurrencyUnknown);
    EXPECT_EQ(code_id(c.error().code), "DEC005");
    EXPECT_EQ(c.error().where.column, 1u);
    EXPECT_THAT(c.error().message, HasSubstr(std::string("'") + code + "'"));
    EXPECT_THAT(c.error().message, HasSubstr("known: EUR, SEK"));
  }
  EXPECT_THAT(Currency::parse("eur").error().message, HasSubstr("upper-case"));
  EXPECT_THAT(Currency::parse(std::string_view("E\0R", 3)).error().message, HasSubstr("'E?R'"));
}

// ------------------------------------------------------------------ Money

TEST(Money, ParseAndToString) {
  EXPECT_EQ(money("12.50", "EUR").to_string(), "12.50 EUR");
  EXPECT_EQ(money("12,5", "SEK").to_string(), "12.50 SEK");
  EXPECT_EQ(money("-3", "DKK").to_string(), "-3.00 DKK");
  EXPECT_EQ(money("0.005", "EUR").to_string(), "0.01 EUR");
  EXPECT_EQ(money("-0.005", "EUR").to_string(), "-0.01 EUR");
  EXPECT_EQ(money("125.5", "ISK").to_string(), "126 ISK");
  // The amount keeps its written scale; only the display is rounded.
  const Money unit_price = money("0.1234", "EUR");
  EXPECT_EQ(unit_price.amount().scale(), 4);
  EXPECT_EQ(unit_price.to_string(), "0.12 EUR");
  EXPECT_EQ(Money::zero(Currency::eur()).to_string(), "0.00 EUR");
  std::ostringstream os;
  os << money("7", "NOK");
  EXPECT_EQ(os.str(), "7.00 NOK");
}

TEST(Money, ParseFailuresKeepTheirCodes) {
  auto bad_amount = Money::parse("12.5.0", "EUR");
  ASSERT_FALSE(bad_amount.has_value());
  EXPECT_EQ(bad_amount.error().code, DiagCode::DecimalSyntax);
  EXPECT_EQ(bad_amount.error().where.column, 5u);
  EXPECT_EQ(Money::parse("", "EUR").error().code, DiagCode::DecimalEmpty);
  EXPECT_EQ(Money::parse("12.50", "EUX").error().code, DiagCode::CurrencyUnknown);
}

TEST(Money, RoundedToMinorUnits) {
  const Money m = money("12.345", "EUR").rounded();
  EXPECT_EQ(m.amount().to_string(), "12.35");
  EXPECT_EQ(money("-12.345", "EUR").rounded().amount().to_string(), "-12.35");
  EXPECT_EQ(money("2.5", "ISK").rounded().amount().to_string(), "3");
}

TEST(Money, AddAndSubtractInOneCurrency) {
  EXPECT_EQ(money("12.50", "EUR") + money("0.75", "EUR"), money("13.25", "EUR"));
  EXPECT_EQ(money("12.50", "EUR") - money("20", "EUR"), money("-7.50", "EUR"));
  EXPECT_EQ((-money("1.50", "EUR")).to_string(), "-1.50 EUR");
  auto sum = Money::checked_add(money("0.10", "SEK"), money("0.20", "SEK"));
  ASSERT_TRUE(sum.has_value());
  EXPECT_EQ(sum->to_string(), "0.30 SEK");
  auto diff = Money::checked_sub(money("1", "DKK"), money("0.01", "DKK"));
  ASSERT_TRUE(diff.has_value());
  EXPECT_EQ(diff->amount().to_string(), "0.99");
}

TEST(Money, MixedCurrenciesAreDec006OrThrow) {
  const Money eur = money("12.50", "EUR");
  const Money sek = money("3", "SEK");
  auto sum = Money::checked_add(eur, sek);
  ASSERT_FALSE(sum.has_value());
  EXPECT_EQ(sum.error().code, DiagCode::CurrencyMismatch);
  EXPECT_THAT(sum.error().message, HasSubstr("12.50 EUR"));
  EXPECT_THAT(sum.error().message, HasSubstr("3.00 SEK"));
  EXPECT_EQ(Money::checked_sub(eur, sek).error().code, DiagCode::CurrencyMismatch);
  EXPECT_THROW((void)(eur + sek), CurrencyMismatchError);
  EXPECT_THROW((void)(eur - sek), CurrencyMismatchError);
  EXPECT_THROW((void)(eur < sek), CurrencyMismatchError);
  EXPECT_FALSE(eur == sek);
  EXPECT_FALSE(money("0", "EUR") == money("0", "SEK"));
}

TEST(Money, OverflowIsDec003OrThrows) {
  const Money huge(*Decimal::from_parts(Decimal::kMaxCoefficient, 0), Currency::eur());
  auto sum = Money::checked_add(huge, money("1", "EUR"));
  ASSERT_FALSE(sum.has_value());
  EXPECT_EQ(sum.error().code, DiagCode::DecimalOverflow);
  EXPECT_THROW((void)(huge + money("1", "EUR")), DecimalOverflow);
  EXPECT_THROW((void)(huge * dec("10")), DecimalOverflow);
  EXPECT_EQ(huge.checked_percent(dec("1000")).error().code, DiagCode::DecimalOverflow);
  EXPECT_THROW((void)huge.percent(dec("1000")), DecimalOverflow);
  // Display never overflows.
  EXPECT_EQ(huge.to_string(), std::string(36, '9') + ".00 EUR");
}

TEST(Money, TimesFactorIsExact) {
  const Money m = money("0.1234", "EUR") * dec("30");
  EXPECT_EQ(m.amount().to_string(), "3.7020");
  EXPECT_EQ(m.to_string(), "3.70 EUR");
  EXPECT_EQ(money("2.50", "EUR") * dec("3"), money("7.5", "EUR"));
}

TEST(Money, PercentRoundsHalfAwayFromZeroToMinorUnits) {
  struct Case {
    std::string_view amount, code, pct, expected;
  };
  const Case cases[] = {
      {"12.35", "EUR", "10", "1.24"},  {"-12.35", "EUR", "10", "-1.24"},
      {"100", "EUR", "7.5", "7.50"},   {"0.05", "EUR", "10", "0.01"},
      {"-0.05", "EUR", "10", "-0.01"}, {"0.04", "EUR", "10", "0.00"},
      {"100.00", "SEK", "33.333", "33.33"}, {"100.00", "SEK", "33.335", "33.34"},
      {"125", "ISK", "10", "13"},      {"12.50", "EUR", "0", "0.00"},
      {"12.50", "EUR", "100", "12.50"}, {"12.50", "EUR", "-10", "-1.25"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.pct) + " % of " + std::string(c.amount));
    const Money m = money(c.amount, c.code);
    const Money p = m.percent(dec(c.pct));
    EXPECT_EQ(p.amount().to_string(), c.expected);
    EXPECT_EQ(p.amount().scale(), m.currency().minor_units());
    EXPECT_EQ(p.currency(), m.currency());
  }
}

TEST(Money, EqualityAndOrderingWithinOneCurrency) {
  EXPECT_EQ(money("12.5", "EUR"), money("12.50", "EUR"));
  EXPECT_NE(money("12.50", "EUR"), money("12.51", "EUR"));
  EXPECT_LT(money("12.50", "EUR"), money("12.51", "EUR"));
  EXPECT_GT(money("-1", "EUR"), money("-1.01", "EUR"));
  EXPECT_TRUE((money("1", "EUR") <=> money("1.000", "EUR")) == 0);
}

// ------------------------------------------------------------------ Quantity

TEST(Quantity, ToStringAndEquality) {
  EXPECT_EQ((Quantity{dec("30"), "ST"}).to_string(), "30 ST");
  EXPECT_EQ((Quantity{dec("2.5"), "ML"}).to_string(), "2.5 ML");
  EXPECT_EQ((Quantity{dec("-1.250"), "KCAL"}).to_string(), "-1.250 KCAL");
  EXPECT_EQ((Quantity{dec("3"), ""}).to_string(), "3");
  EXPECT_EQ((Quantity{dec("30"), "ST"}), (Quantity{dec("30.0"), "ST"}));
  EXPECT_NE((Quantity{dec("30"), "ST"}), (Quantity{dec("30"), "PCE"}));
  std::ostringstream os;
  os << Quantity{dec("1"), "PCE"};
  EXPECT_EQ(os.str(), "1 PCE");
}

}  // namespace
}  // namespace cb
