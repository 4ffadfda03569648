#include "core/value/date_formula.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "core/tests/date_printer.h"

namespace cb {
namespace {

Date iso(std::string_view text) {
  auto r = Date::parse(text);
  EXPECT_TRUE(r.has_value()) << text;
  return r.value_or(Date::min());
}

DateFormula formula(std::string_view text) {
  auto r = DateFormula::parse(text);
  EXPECT_TRUE(r.has_value()) << text << ": " << (r ? "" : r.error().to_string());
  return r.value_or(DateFormula{});
}

/// from + formula as ISO text, or the diagnostic's text.
std::string add(std::string_view from, std::string_view text) {
  auto f = DateFormula::parse(text);
  if (!f) return f.error().to_string();
  return f->apply(iso(from)).to_string();
}

constexpr std::uint64_t kSeed = 0xF0A3E1A2026;

Date random_date(std::mt19937_64& rng) {
  const std::int32_t lo = iso("1900-01-01").days_since_epoch();
  const std::int32_t hi = iso("2200-12-31").days_since_epoch();
  return Date::from_days(std::uniform_int_distribution<std::int32_t>(lo, hi)(rng));
}

// --- The acceptance cases ----------------------------------------------

TEST(DateFormula, AcceptanceCases) {
  EXPECT_EQ(add("2026-01-31", "1M"), "2026-02-28");
  EXPECT_EQ(add("2026-03-14", "-LM+1M"), "2026-04-01");
}

// --- Every formula example of shared/domain/rx-billing.md ----------------------
//
// 14J (age limit), 4W (extension lead time), 1M / 12M / 60M (case duration,
// billing interval), LM (billing timing, posting date), 2W (delivery
// interval), -LM+1M (daily-exact billing interval), 13M (plan horizon), -2M
// (proof window), -1M (split formula), 0M and -LM (co-payment in the delivery
// month); plus LM+1T and 30T from the ERP's setup.

struct Example {
  std::string_view formula;
  std::string_view from;
  std::string_view expected;
};

constexpr Example kRxBillingExamples[] = {
    // from a mid-month Saturday
    {"14J", "2026-03-14", "2040-03-14"},
    {"4W", "2026-03-14", "2026-04-11"},
    {"1M", "2026-03-14", "2026-04-14"},
    {"12M", "2026-03-14", "2027-03-14"},
    {"60M", "2026-03-14", "2031-03-14"},
    {"LM", "2026-03-14", "2026-03-31"},
    {"2W", "2026-03-14", "2026-03-28"},
    {"-LM+1M", "2026-03-14", "2026-04-01"},
    {"13M", "2026-03-14", "2027-04-14"},
    {"-2M", "2026-03-14", "2026-01-14"},
    {"-1M", "2026-03-14", "2026-02-14"},
    {"0M", "2026-03-14", "2026-03-14"},
    {"-LM", "2026-03-14", "2026-03-01"},
    {"LM+1T", "2026-03-14", "2026-04-01"},
    {"30T", "2026-03-14", "2026-04-13"},
    // from a month end: clamping to shorter months
    {"14J", "2026-01-31", "2040-01-31"},
    {"4W", "2026-01-31", "2026-02-28"},
    {"1M", "2026-01-31", "2026-02-28"},
    {"12M", "2026-01-31", "2027-01-31"},
    {"60M", "2026-01-31", "2031-01-31"},
    {"LM", "2026-01-31", "2026-01-31"},
    {"2W", "2026-01-31", "2026-02-14"},
    {"-LM+1M", "2026-01-31", "2026-02-01"},
    {"13M", "2026-01-31", "2027-02-28"},
    {"-2M", "2026-01-31", "2025-11-30"},
    {"-1M", "2026-01-31", "2025-12-31"},
    {"0M", "2026-01-31", "2026-01-31"},
    {"-LM", "2026-01-31", "2026-01-01"},
    {"LM+1T", "2026-01-31", "2026-02-01"},
    {"30T", "2026-01-31", "2026-03-02"},
    // age limit on a leap-day birthday: 14 years later is 28 February
    {"14J", "2012-02-29", "2026-02-28"},
    // billing timing in a leap February
    {"LM", "2024-02-10", "2024-02-29"},
    {"-LM+1M", "2024-02-29", "2024-03-01"},
    // plan horizon across a year end
    {"13M", "2026-12-31", "2028-01-31"},
};

TEST(DateFormula, RxBillingExamples) {
  for (const auto& e : kRxBillingExamples) {
    EXPECT_EQ(add(e.from, e.formula), e.expected) << e.from << " + " << e.formula;
  }
}

// The remaining rows of the example table in core/README.md.
TEST(DateFormula, ReadmeTable) {
  EXPECT_EQ(add("2026-03-14", "1Q"), "2026-06-14");
  EXPECT_EQ(add("2026-01-31", "1Q"), "2026-04-30");
  EXPECT_EQ(add("2026-01-31", "CW"), "2026-02-01");
  EXPECT_EQ(add("2026-01-31", "-CW"), "2026-01-26");
  EXPECT_EQ(add("2026-01-31", "CQ"), "2026-03-31");
  EXPECT_EQ(add("2026-01-31", "-CQ"), "2026-01-01");
  EXPECT_EQ(add("2026-01-31", "CY"), "2026-12-31");
  EXPECT_EQ(add("2026-01-31", "-CY"), "2026-01-01");
  EXPECT_EQ(add("2026-01-31", "1M+1M"), "2026-03-28");
  EXPECT_EQ(add("2026-03-14", "-0M"), "2026-03-14");
  EXPECT_EQ(DateFormula::parse("WD3").error().code, DiagCode::FormulaSyntax);
}

TEST(DateFormula, MonthArithmetic) {
  EXPECT_EQ(add("2024-01-31", "1M"), "2024-02-29");
  EXPECT_EQ(add("2026-04-30", "1M"), "2026-05-30");  // no end-of-month stickiness
  EXPECT_EQ(add("2026-03-31", "-1M"), "2026-02-28");
  EXPECT_EQ(add("2026-01-31", "1M+1M"), "2026-03-28");  // terms apply in order
  EXPECT_EQ(add("2026-01-31", "2M"), "2026-03-31");
  EXPECT_EQ(add("2026-03-14", "1Q"), "2026-06-14");
  EXPECT_EQ(add("2026-11-30", "1Q"), "2027-02-28");
  EXPECT_EQ(add("2026-03-14", "-1Q"), "2025-12-14");
  EXPECT_EQ(add("2026-03-14", "1Y"), "2027-03-14");
  EXPECT_EQ(add("2026-03-14", "1J"), "2027-03-14");
  EXPECT_EQ(add("2024-02-29", "1Y"), "2025-02-28");
  EXPECT_EQ(add("2024-02-29", "4J"), "2028-02-29");
  EXPECT_EQ(add("2026-03-14", "30D"), "2026-04-13");
  EXPECT_EQ(add("2026-03-14", "-30T"), "2026-02-12");
}

TEST(DateFormula, CurrentPeriod) {
  const std::string_view from = "2026-03-14";  // Saturday
  EXPECT_EQ(add(from, "CM"), "2026-03-31");
  EXPECT_EQ(add(from, "-CM"), "2026-03-01");
  EXPECT_EQ(add(from, "+LM"), "2026-03-31");
  EXPECT_EQ(add(from, "CW"), "2026-03-15");
  EXPECT_EQ(add(from, "LW"), "2026-03-15");
  EXPECT_EQ(add(from, "-CW"), "2026-03-09");
  EXPECT_EQ(add(from, "CQ"), "2026-03-31");
  EXPECT_EQ(add(from, "-LQ"), "2026-01-01");
  EXPECT_EQ(add(from, "CJ"), "2026-12-31");
  EXPECT_EQ(add(from, "LY"), "2026-12-31");
  EXPECT_EQ(add(from, "-CY"), "2026-01-01");
  EXPECT_EQ(add(from, "-LJ"), "2026-01-01");
  EXPECT_EQ(add(from, "CT"), "2026-03-14");
  EXPECT_EQ(add(from, "CD"), "2026-03-14");
  EXPECT_EQ(add(from, "-CD"), "2026-03-14");
  EXPECT_EQ(add("2026-11-05", "CQ"), "2026-12-31");
  EXPECT_EQ(add("2026-11-05", "-CQ"), "2026-10-01");
  EXPECT_EQ(add("2026-03-14", "CM+1D"), "2026-04-01");
  EXPECT_EQ(add("2026-03-14", "-CM-1D"), "2026-02-28");
  EXPECT_EQ(add("2026-03-14", "1M+CM"), "2026-04-30");
  EXPECT_EQ(add("2026-03-14", "-1M-CM"), "2026-02-01");
}

TEST(DateFormula, YearEnds) {
  EXPECT_EQ(add("2026-12-31", "1T"), "2027-01-01");
  EXPECT_EQ(add("2027-01-01", "-1T"), "2026-12-31");
  EXPECT_EQ(add("2026-12-15", "1M"), "2027-01-15");
  EXPECT_EQ(add("2027-01-15", "-1M"), "2026-12-15");
  EXPECT_EQ(add("2026-12-31", "CW"), "2027-01-03");
  EXPECT_EQ(add("2026-12-31", "-CW"), "2026-12-28");
  EXPECT_EQ(add("2026-12-14", "LM+1T"), "2027-01-01");
  EXPECT_EQ(add("2026-12-14", "-LM+1M"), "2027-01-01");
  EXPECT_EQ(add("2026-12-31", "LJ+1T"), "2027-01-01");
}

TEST(DateFormula, ClampsToSupportedRange) {
  EXPECT_EQ(add("9999-12-31", "1T"), "9999-12-31");
  EXPECT_EQ(add("9999-12-15", "1M"), "9999-12-31");
  EXPECT_EQ(add("9999-12-31", "CW"), "9999-12-31");  // Friday; Sunday is 10000-01-02
  EXPECT_EQ(add("9999-12-31", "-CW"), "9999-12-27");
  EXPECT_EQ(add("9999-12-31", "9999Y"), "9999-12-31");
  EXPECT_EQ(add("2026-01-01", "9999J"), "9999-12-31");
  EXPECT_EQ(add("0001-01-01", "-1T"), "0001-01-01");
  EXPECT_EQ(add("0001-01-15", "-1M"), "0001-01-01");
  EXPECT_EQ(add("2026-01-01", "-9999Y"), "0001-01-01");
  // clamping happens per term
  EXPECT_EQ(add("9999-12-01", "1M-1M"), "9999-11-30");
  EXPECT_EQ(add("9999-12-31", "1T-1T"), "9999-12-30");
}

TEST(DateFormula, CheckedApplyFailsOutsideRange) {
  auto r = formula("1M").checked_apply(iso("9999-12-15"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, DiagCode::DateOutOfRange);
  EXPECT_NE(r.error().message.find("'1M'"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("9999-12-15"), std::string::npos) << r.error().message;
  EXPECT_FALSE(formula("CW").checked_apply(Date::max()).has_value());
  EXPECT_FALSE(formula("-1D").checked_apply(Date::min()).has_value());
  EXPECT_EQ(formula("-LM+1M").checked_apply(iso("2026-03-14")).value(), iso("2026-04-01"));
  EXPECT_EQ(formula("-CW").checked_apply(Date::max()).value(), iso("9999-12-27"));
}

// --- Parsing -----------------------------------------------------------------------

TEST(DateFormulaParse, Terms) {
  const auto f = formula("-LM+1M");
  ASSERT_EQ(f.terms().size(), 2u);
  EXPECT_EQ(f.terms()[0].sign, -1);
  EXPECT_TRUE(f.terms()[0].current_period);
  EXPECT_EQ(f.terms()[0].unit, DateFormula::Unit::month);
  EXPECT_EQ(f.terms()[1].sign, 1);
  EXPECT_FALSE(f.terms()[1].current_period);
  EXPECT_EQ(f.terms()[1].count, 1);
  EXPECT_EQ(f.terms()[1].unit, DateFormula::Unit::month);
  EXPECT_EQ(f.source(), "-LM+1M");
  EXPECT_EQ(formula("9999M").terms()[0].count, 9999);
  EXPECT_EQ(formula("0007D").terms()[0].count, 7);
}

TEST(DateFormulaParse, CanonicalEnglishText) {
  struct Case {
    std::string_view text;
    std::string_view canonical;
  };
  const Case cases[] = {
      {"-LM+1M", "-CM+1M"}, {"LM+1T", "CM+1D"}, {"14J", "14Y"}, {"30T", "30D"},
      {"30D", "30D"},       {"+1M", "1M"},      {"0M", "0M"},   {"-0M", "-0M"},
      {"13m", "13M"},       {"lm", "CM"},       {"-lj", "-CY"}, {"1q", "1Q"},
      {"4w", "4W"},         {"0007T", "7D"},    {"CT", "CD"},   {"-2M-1W+LQ", "-2M-1W+CQ"},
  };
  for (const auto& [text, canonical] : cases) {
    const auto f = formula(text);
    EXPECT_EQ(f.to_string(), canonical) << text;
    EXPECT_EQ(f.source(), text);
    EXPECT_EQ(formula(f.to_string()), f) << text;
  }
}

TEST(DateFormulaParse, GermanAndEnglishLettersAreEqual) {
  EXPECT_EQ(formula("LM"), formula("CM"));
  EXPECT_EQ(formula("14J"), formula("14Y"));
  EXPECT_EQ(formula("30T"), formula("30d"));
  EXPECT_EQ(formula("-LM+1M"), formula("-cm+1m"));
  EXPECT_FALSE(formula("1M") == formula("1W"));
  EXPECT_FALSE(formula("1M") == formula("-1M"));
  EXPECT_FALSE(formula("LM") == formula("-LM"));
}

struct Rejection {
  std::string_view text;
  DiagCode code;
  std::uint32_t column;
  std::string_view names;  // a phrase the message must contain
};

TEST(DateFormulaParse, RejectsWithCodeAndColumn) {
  const Rejection cases[] = {
      {"", DiagCode::FormulaEmpty, 1, "empty"},
      {"M", DiagCode::FormulaSyntax, 1, "before the unit"},
      {"D10", DiagCode::FormulaSyntax, 1, "before the unit"},
      {"1", DiagCode::FormulaSyntax, 2, "end of the formula"},
      {"+", DiagCode::FormulaSyntax, 2, "a number, 'C' or 'L'"},
      {"-", DiagCode::FormulaSyntax, 2, "a number, 'C' or 'L'"},
      {"1M+", DiagCode::FormulaSyntax, 4, "end of the formula"},
      {"1M1M", DiagCode::FormulaSyntax, 3, "'+' or '-'"},
      {"1WD", DiagCode::FormulaSyntax, 3, "'+' or '-'"},
      {"CM5", DiagCode::FormulaSyntax, 3, "'+' or '-'"},
      {"1 M", DiagCode::FormulaSyntax, 2, "spaces are not allowed"},
      {" 1M", DiagCode::FormulaSyntax, 1, "spaces are not allowed"},
      {"1M ", DiagCode::FormulaSyntax, 3, "spaces are not allowed"},
      {"1M +1T", DiagCode::FormulaSyntax, 3, "spaces are not allowed"},
      {"--1M", DiagCode::FormulaSyntax, 2, "'-'"},
      {"+-1M", DiagCode::FormulaSyntax, 2, "'-'"},
      {"1M+-1M", DiagCode::FormulaSyntax, 4, "'-'"},
      {"L", DiagCode::FormulaSyntax, 2, "unit letter"},
      {"L1M", DiagCode::FormulaSyntax, 2, "unit letter"},
      {"1.5M", DiagCode::FormulaSyntax, 2, "'.'"},
      {"1,5M", DiagCode::FormulaSyntax, 2, "','"},
      {"\xC3\x84M", DiagCode::FormulaSyntax, 1, "\\xC3"},
      {"1X", DiagCode::FormulaUnit, 2, "'X' at column 2 is not a unit"},
      {"CX", DiagCode::FormulaUnit, 2, "'X'"},
      {"1H", DiagCode::FormulaUnit, 2, "'H'"},
      {"1M+2Z", DiagCode::FormulaUnit, 5, "'Z'"},
      {"10000M", DiagCode::FormulaNumberTooLarge, 1, "'10000' at column 1 is larger than 9999"},
      {"-12345T", DiagCode::FormulaNumberTooLarge, 2, "'12345'"},
      {"1M+99999999999999999999999D", DiagCode::FormulaNumberTooLarge, 4, "larger than 9999"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.text));
    auto r = DateFormula::parse(c.text);
    ASSERT_FALSE(r.has_value()) << r->to_string();
    EXPECT_EQ(code_id(r.error().code), code_id(c.code)) << r.error().to_string();
    EXPECT_EQ(r.error().where.column, c.column) << r.error().to_string();
    EXPECT_NE(r.error().message.find(c.names), std::string::npos) << r.error().message;
    if (!c.text.empty() && c.text[0] != '\xC3') {
      EXPECT_NE(r.error().message.find("'" + std::string(c.text) + "'"), std::string::npos)
          << "message does not quote the input: " << r.error().message;
    }
  }
}

// --- Randomised invariants (fixed seed) -------------------------------------------

std::string trace(int i, const Date& d) {
  return "seed=" + std::to_string(kSeed) + " iteration=" + std::to_string(i) +
         " date=" + d.to_string();
}

TEST(DateFormulaInvariants, MonthsLandInTheExpectedMonth) {
  std::mt19937_64 rng(kSeed);
  std::uniform_int_distribution<int> months(-240, 240);
  for (int i = 0; i < 20000; ++i) {
    const Date d = random_date(rng);
    const int n = months(rng);
    SCOPED_TRACE(trace(i, d) + " n=" + std::to_string(n));
    const std::string text = (n < 0 ? "-" : "") + std::to_string(n < 0 ? -n : n) + "M";
    const Date r = formula(text).apply(d);
    ASSERT_EQ((r.year() * 12 + r.month()) - (d.year() * 12 + d.month()), n) << r.to_string();
    ASSERT_EQ(r.day(), std::min(d.day(), Date::days_in_month(r.year(), r.month())))
        << r.to_string();
  }
}

TEST(DateFormulaInvariants, CurrentMonthAndDays) {
  std::mt19937_64 rng(kSeed + 1);
  std::uniform_int_distribution<int> days(-9999, 9999);
  const auto cm = formula("CM");
  const auto start_cm = formula("-CM");
  const auto next_first = formula("-LM+1M");
  const auto lm_plus_day = formula("LM+1T");
  const auto week = formula("1W");
  for (int i = 0; i < 20000; ++i) {
    const Date d = random_date(rng);
    const int n = days(rng);
    SCOPED_TRACE(trace(i, d) + " n=" + std::to_string(n));

    const Date end = cm.apply(d);
    ASSERT_EQ(end.year(), d.year());
    ASSERT_EQ(end.month(), d.month());
    ASSERT_EQ(end.day(), Date::days_in_month(d.year(), d.month()));

    const Date start = start_cm.apply(d);
    ASSERT_EQ(start.year(), d.year());
    ASSERT_EQ(start.month(), d.month());
    ASSERT_EQ(start.day(), 1);

    const Date next = next_first.apply(d);
    ASSERT_EQ(next.day(), 1);
    ASSERT_EQ((next.year() * 12 + next.month()) - (d.year() * 12 + d.month()), 1);
    ASSERT_EQ(lm_plus_day.apply(d), next);

    const std::string text = (n < 0 ? "-" : "") + std::to_string(n < 0 ? -n : n) + "T";
    ASSERT_EQ(days_between(d, formula(text).apply(d)), n);

    const Date plus_week = week.apply(d);
    ASSERT_EQ(days_between(d, plus_week), 7);
    ASSERT_EQ(plus_week.weekday(), d.weekday());
  }
}

TEST(DateFormulaInvariants, RandomFormulasRoundTrip) {
  std::mt19937_64 rng(kSeed + 2);
  const std::string_view units = "DTWMQJYdtwmqjy";
  for (int i = 0; i < 5000; ++i) {
    std::string text;
    const int terms = 1 + static_cast<int>(rng() % 4);
    for (int t = 0; t < terms; ++t) {
      const auto sign = rng() % 3;
      if (sign == 1 || (t > 0 && sign == 0)) text += '+';
      if (sign == 2) text += '-';
      if (rng() % 3 == 0) {
        text += "CLcl"[rng() % 4];
      } else {
        text += std::to_string(rng() % 10000);
      }
      text += units[rng() % units.size()];
    }
    SCOPED_TRACE("seed=" + std::to_string(kSeed + 2) + " iteration=" + std::to_string(i) +
                 " formula=" + text);
    const auto f = formula(text);
    const auto again = formula(f.to_string());
    ASSERT_EQ(again, f);
    ASSERT_EQ(again.to_string(), f.to_string());
    const Date d = random_date(rng);
    ASSERT_EQ(again.apply(d), f.apply(d));
    if (auto checked = f.checked_apply(d)) {
      ASSERT_EQ(*checked, f.apply(d));
    }
  }
}

}  // namespace
}  // namespace cb

namespace cb {
namespace {

TEST(DateFormulaSteps, EachTermInOrderEndingAtApply) {
  const auto f = DateFormula::parse("-LM+1M+LM").value();
  const Date from = Date::from_ymd(2026, 3, 14).value();
  const auto steps = f.steps(from);
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0].to_string(), "2026-03-01");
  EXPECT_EQ(steps[1].to_string(), "2026-04-01");
  EXPECT_EQ(steps[2].to_string(), "2026-04-30");
  EXPECT_EQ(steps.back(), f.apply(from));
  EXPECT_EQ(f.term_to_string(0), "-CM");
  EXPECT_EQ(f.term_to_string(1), "+1M");
  EXPECT_EQ(f.term_to_string(2), "+CM");
}

}  // namespace
}  // namespace cb
