#include "core/value/decimal.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace cb {
namespace {

using ::testing::HasSubstr;

/// A value the test knows to be valid; a parse failure is a test defect.
Decimal dec(std::string_view text) {
  auto r = Decimal::parse(text);
  if (!r) throw std::logic_error("test literal does not parse: " + r.error().to_string());
  return *r;
}

Decimal parts(int128 coefficient, int scale) {
  auto r = Decimal::from_parts(coefficient, scale);
  if (!r) throw std::logic_error("test parts do not fit: " + r.error().to_string());
  return *r;
}

int128 pow10(int n) {
  int128 p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

std::string str(int128 v) {
  auto r = Decimal::from_parts(v, 0);
  return r ? r->to_string() : "<out of range>";
}

/// Expects `text` with `scale` and coefficient digits as written.
void expect_decimal(const Decimal& d, std::string_view text, int scale) {
  EXPECT_EQ(d.to_string(), text);
  EXPECT_EQ(d.scale(), scale) << d;
}

const Decimal kMax = parts(Decimal::kMaxCoefficient, 0);
const Decimal kMaxFraction = parts(Decimal::kMaxCoefficient, Decimal::kMaxScale);

// ------------------------------------------------------------------ parse

TEST(DecimalParse, AcceptsTheDocumentedForms) {
  struct Case {
    std::string_view text;
    std::string_view canonical;
    int scale;
  };
  const Case cases[] = {
      {"0", "0", 0},
      {"-12.50", "-12.50", 2},
      {"12,5", "12.5", 1},
      {"+3", "3", 0},
      {".5", "0.5", 1},
      {"-.5", "-0.5", 1},
      {"+,25", "0.25", 2},
      {"0.000", "0.000", 3},
      {"007", "7", 0},
      {"-0", "0", 0},
      {"-0.00", "0.00", 2},
      {"0.000000000000000001", "0.000000000000000001", 18},
      {"999999999999999999999999999999999999", "999999999999999999999999999999999999", 0},
      {"-999999999999999999.999999999999999999", "-999999999999999999.999999999999999999", 18},
      {"000000000000000000000000000000000000000001.5", "1.5", 1},
      {"0.000000000000000000", "0.000000000000000000", 18},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.text));
    auto r = Decimal::parse(c.text);
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    expect_decimal(*r, c.canonical, c.scale);
  }
  EXPECT_EQ(dec("-12.50").coefficient(), -1250);
  EXPECT_FALSE(dec("-0").is_negative());
  EXPECT_EQ(dec("-0.00").sign(), 0);
}

struct Rejection {
  std::string text;
  DiagCode code;
  std::uint32_t column;
  bool allow_comma = true;
  int max_scale = Decimal::kMaxScale;
};

TEST(DecimalParse, EveryRejectionHasCodeColumnAndQuotedInput) {
  const std::string nines37(37, '9');
  const std::vector<Rejection> cases = {
      {"", DiagCode::DecimalEmpty, 1},
      {"-", DiagCode::DecimalSyntax, 1},
      {"+", DiagCode::DecimalSyntax, 1},
      {".", DiagCode::DecimalSyntax, 1},
      {",", DiagCode::DecimalSyntax, 1},
      {"-.", DiagCode::DecimalSyntax, 2},
      {"5.", DiagCode::DecimalSyntax, 2},
      {"12,", DiagCode::DecimalSyntax, 3},
      {"1.2.3", DiagCode::DecimalSyntax, 4},
      {"1,2.3", DiagCode::DecimalSyntax, 4},
      {"1.000,00", DiagCode::DecimalSyntax, 6},
      {"1,5", DiagCode::DecimalSyntax, 2, false},
      {"-,5", DiagCode::DecimalSyntax, 2, false},
      {" 1", DiagCode::DecimalSyntax, 1},
      {"1 ", DiagCode::DecimalSyntax, 2},
      {"1 000", DiagCode::DecimalSyntax, 2},
      {"\t1", DiagCode::DecimalSyntax, 1},
      {"1\n", DiagCode::DecimalSyntax, 2},
      {"1e5", DiagCode::DecimalSyntax, 2},
      {"1E-3", DiagCode::DecimalSyntax, 2},
      {"1.5e2", DiagCode::DecimalSyntax, 4},
      {"--1", DiagCode::DecimalSyntax, 2},
      {"+-1", DiagCode::DecimalSyntax, 2},
      {"1-", DiagCode::DecimalSyntax, 2},
      {"1.5-", DiagCode::DecimalSyntax, 4},
      {"12a", DiagCode::DecimalSyntax, 3},
      {"abc", DiagCode::DecimalSyntax, 1},
      {"1'000", DiagCode::DecimalSyntax, 2},
      {"1_000", DiagCode::DecimalSyntax, 2},
      {"0x10", DiagCode::DecimalSyntax, 2},
      {"NaN", DiagCode::DecimalSyntax, 1},
      {"inf", DiagCode::DecimalSyntax, 1},
      {"\xE2\x82\xAC" "5", DiagCode::DecimalSyntax, 1},
      {"0.1234567890123456789", DiagCode::DecimalTooManyPlaces, 21},
      {"1.234", DiagCode::DecimalTooManyPlaces, 5, true, 2},
      {"1.5", DiagCode::DecimalTooManyPlaces, 3, true, 0},
      {nines37, DiagCode::DecimalOverflow, 37},
      {"-" + nines37, DiagCode::DecimalOverflow, 38},
      {"0000" + nines37, DiagCode::DecimalOverflow, 41},
      {"1" + std::string(36, '0'), DiagCode::DecimalOverflow, 37},
      {"99999999999999999999.999999999999999999", DiagCode::DecimalOverflow, 38},
      // The syntax is checked before places and digits.
      {nines37 + "x", DiagCode::DecimalSyntax, 38},
      {"0.1234567890123456789e", DiagCode::DecimalSyntax, 22},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE("input '" + c.text + "'");
    Decimal::ParseOptions opts;
    opts.allow_comma = c.allow_comma;
    opts.max_scale = c.max_scale;
    auto r = Decimal::parse(c.text, opts);
    ASSERT_FALSE(r.has_value()) << "accepted as " << *r;
    EXPECT_EQ(code_id(r.error().code), code_id(c.code)) << r.error().to_string();
    EXPECT_EQ(r.error().where.column, c.column) << r.error().to_string();
    EXPECT_EQ(r.error().severity, Severity::error);
    const bool printable = std::all_of(c.text.begin(), c.text.end(), [](char ch) {
      return ch >= 0x20 && ch < 0x7F;
    });
    if (printable && c.text.size() <= 40) {
      EXPECT_THAT(r.error().message, HasSubstr("'" + c.text + "'"));
    }
    EXPECT_GT(r.error().message.size(), c.text.size() + 12) << "message says what is wrong";
  }
}

TEST(DecimalParse, MessagesSayWhatIsWrong) {
  auto msg = [](std::string_view text, bool allow_comma = true) {
    Decimal::ParseOptions opts;
    opts.allow_comma = allow_comma;
    return Decimal::parse(text, opts).error().message;
  };
  EXPECT_THAT(msg("1.2.3"), HasSubstr("second separator"));
  EXPECT_THAT(msg("1e5"), HasSubstr("exponent"));
  EXPECT_THAT(msg("1 000"), HasSubstr("white space"));
  EXPECT_THAT(msg("5."), HasSubstr("ends with the decimal separator"));
  EXPECT_THAT(msg("1,5", false), HasSubstr("only '.'"));
  EXPECT_THAT(msg("12a"), HasSubstr("'a' at column 3"));
  EXPECT_THAT(msg("0.1234567890123456789"), HasSubstr("19 decimal places; at most 18"));
  EXPECT_THAT(msg(std::string(37, '9')), HasSubstr("more than 36 significant digits"));
  EXPECT_THAT(msg("\x01"), HasSubstr("'\\x01'"));
  EXPECT_THAT(msg(std::string(60, '1') + "x"), HasSubstr("..."));
  EXPECT_EQ(Decimal::parse("1.2.3").error().to_string(),
            "error DEC002 (not a decimal number): '1.2.3' has a second separator '.' at column "
            "4; grouping separators (1.000,00) are not accepted");
}

TEST(DecimalParse, MaxScaleOptionIsClamped) {
  Decimal::ParseOptions opts;
  opts.max_scale = 40;
  EXPECT_EQ(Decimal::parse("0.1234567890123456789", opts).error().code,
            DiagCode::DecimalTooManyPlaces);
  opts.max_scale = -3;
  EXPECT_TRUE(Decimal::parse("12", opts).has_value());
  EXPECT_EQ(Decimal::parse("1.2", opts).error().code, DiagCode::DecimalTooManyPlaces);
}

// ------------------------------------------------------------------ construction and text

TEST(DecimalParts, FromIntAndFromParts) {
  expect_decimal(Decimal::from_int(42), "42", 0);
  expect_decimal(Decimal::from_int(INT64_MIN), "-9223372036854775808", 0);
  expect_decimal(parts(5, 3), "0.005", 3);
  expect_decimal(parts(-5, 3), "-0.005", 3);
  expect_decimal(parts(-1250, 2), "-12.50", 2);
  expect_decimal(Decimal(), "0", 0);
  expect_decimal(kMaxFraction, "999999999999999999.999999999999999999", 18);
  expect_decimal(-kMax, "-999999999999999999999999999999999999", 0);

  EXPECT_EQ(Decimal::from_parts(Decimal::kMaxCoefficient + 1, 0).error().code,
            DiagCode::DecimalOverflow);
  EXPECT_EQ(Decimal::from_parts(-Decimal::kMaxCoefficient - 1, 4).error().code,
            DiagCode::DecimalOverflow);
  EXPECT_EQ(Decimal::from_parts(1, 19).error().code, DiagCode::DecimalTooManyPlaces);
  EXPECT_EQ(Decimal::from_parts(1, -1).error().code, DiagCode::DecimalTooManyPlaces);
  EXPECT_EQ(str(Decimal::kMaxCoefficient), std::string(36, '9'));
}

TEST(DecimalFormat, RoundsAndUsesTheSeparator) {
  EXPECT_EQ(dec("1234.5").format(2, ','), "1234,50");
  EXPECT_EQ(dec("1234.5").format(0), "1235");
  EXPECT_EQ(dec("-1234.5").format(0), "-1235");
  EXPECT_EQ(dec("3").format(2), "3.00");
  EXPECT_EQ(dec("0.005").format(2), "0.01");
  EXPECT_EQ(dec("-0.005").format(2), "-0.01");
  EXPECT_EQ(dec("-0.004").format(2), "0.00");
  EXPECT_EQ(dec("999.995").format(2), "1000.00");
  EXPECT_EQ(dec("12.345").format(3, ','), "12,345");
  EXPECT_EQ(dec("-0.5").format(1, ','), "-0,5");
  // Formatting never overflows, even where rounded() cannot widen the scale.
  EXPECT_EQ(kMax.format(2), std::string(36, '9') + ".00");
  EXPECT_EQ(kMaxFraction.format(0), "1000000000000000000");
  EXPECT_THROW((void)dec("1").format(19), std::invalid_argument);
  EXPECT_THROW((void)dec("1").format(-1), std::invalid_argument);
}

// ------------------------------------------------------------------ rounding

TEST(DecimalRounding, HalfAwayFromZeroAtSeveralPlaces) {
  struct Case {
    std::string_view value;
    int places;
    std::string_view expected;
  };
  const Case cases[] = {
      {"0.5", 0, "1"},       {"-0.5", 0, "-1"},      {"1.5", 0, "2"},
      {"-1.5", 0, "-2"},     {"2.4999", 0, "2"},     {"-2.4999", 0, "-2"},
      {"-0.4", 0, "0"},      {"0.125", 2, "0.13"},   {"-0.125", 2, "-0.13"},
      {"0.145", 2, "0.15"},  {"-0.145", 2, "-0.15"}, {"1.005", 2, "1.01"},
      {"-1.005", 2, "-1.01"}, {"1.0049999", 2, "1.00"}, {"0.0005", 3, "0.001"},
      {"-0.0005", 3, "-0.001"}, {"999.9995", 3, "1000.000"}, {"12.3456", 0, "12"},
      {"12.3456", 1, "12.3"}, {"12.3456", 2, "12.35"}, {"12.3456", 3, "12.346"},
      {"1.5", 2, "1.50"},    {"-7", 3, "-7.000"},
      {"0.000000000000000005", 17, "0.00000000000000001"},
      {"-0.000000000000000005", 17, "-0.00000000000000001"},
      {"999999999999999999.999999999999999999", 0, "1000000000000000000"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.value) + " to " + std::to_string(c.places));
    const Decimal r = dec(c.value).rounded(c.places);
    expect_decimal(r, c.expected, c.places);
  }
}

TEST(DecimalRounding, CommercialNotBankers) {
  // Banker's rounding (half to even) gives 2, 2, -2, 0.12; commercial rounding
  // goes away from zero.
  EXPECT_EQ(dec("2.5").rounded(0), dec("3"));
  EXPECT_EQ(dec("3.5").rounded(0), dec("4"));
  EXPECT_EQ(dec("-2.5").rounded(0), dec("-3"));
  EXPECT_EQ(dec("0.125").rounded(2), dec("0.13"));
  EXPECT_EQ(dec("-0.125").rounded(2), dec("-0.13"));
}

TEST(DecimalRounding, TruncatedCeiledNormalized) {
  expect_decimal(dec("1.999").truncated(2), "1.99", 2);
  expect_decimal(dec("-1.999").truncated(2), "-1.99", 2);
  expect_decimal(dec("1.9").truncated(3), "1.900", 3);
  expect_decimal(dec("-0.009").truncated(2), "0.00", 2);

  expect_decimal(dec("1.2").ceiled_integer(), "2", 0);
  expect_decimal(dec("-1.2").ceiled_integer(), "-2", 0);
  expect_decimal(dec("3.00").ceiled_integer(), "3", 0);
  expect_decimal(dec("0.001").ceiled_integer(), "1", 0);
  expect_decimal(dec("0.000").ceiled_integer(), "0", 0);
  expect_decimal(dec("5").ceiled_integer(), "5", 0);

  expect_decimal(dec("1.500").normalized(), "1.5", 1);
  expect_decimal(dec("0.000").normalized(), "0", 0);
  expect_decimal(dec("100").normalized(), "100", 0);
  expect_decimal(dec("-2.10").normalized(), "-2.1", 1);
  expect_decimal(dec("100.00").normalized(), "100", 0);
}

TEST(DecimalRounding, InvalidPlacesAndOverflowThrow) {
  EXPECT_THROW((void)dec("1").rounded(19), std::invalid_argument);
  EXPECT_THROW((void)dec("1").rounded(-1), std::invalid_argument);
  EXPECT_THROW((void)dec("1").truncated(19), std::invalid_argument);
  EXPECT_THROW((void)kMax.rounded(1), DecimalOverflow);
  EXPECT_THROW((void)kMax.truncated(1), DecimalOverflow);
  EXPECT_EQ(kMax.rounded(0), kMax);
}

TEST(DecimalScale, Rescaled) {
  expect_decimal(*dec("1.5").rescaled(3), "1.500", 3);
  expect_decimal(*dec("1.500").rescaled(1), "1.5", 1);
  expect_decimal(*dec("-2").rescaled(18), "-2.000000000000000000", 18);
  EXPECT_EQ(dec("1.55").rescaled(1).error().code, DiagCode::DecimalTooManyPlaces);
  EXPECT_EQ(dec("1").rescaled(19).error().code, DiagCode::DecimalTooManyPlaces);
  EXPECT_EQ(dec("1").rescaled(-1).error().code, DiagCode::DecimalTooManyPlaces);
  EXPECT_EQ(kMax.rescaled(1).error().code, DiagCode::DecimalOverflow);
  EXPECT_EQ(parts(pow10(18) - 1, 0).rescaled(18)->to_string(),
            std::string(18, '9') + "." + std::string(18, '0'));
  EXPECT_EQ(parts(pow10(18), 0).rescaled(18).error().code, DiagCode::DecimalOverflow);
}

// ------------------------------------------------------------------ arithmetic

TEST(DecimalArithmetic, AddSubKeepTheLargerScale) {
  expect_decimal(dec("1.5") + dec("2.25"), "3.75", 2);
  EXPECT_EQ(dec("0.1") + dec("0.2"), dec("0.3"));
  expect_decimal(dec("-1.5") + dec("1.5"), "0.0", 1);
  expect_decimal(dec("1") - dec("0.001"), "0.999", 3);
  expect_decimal(dec("-1") - dec("0.001"), "-1.001", 3);
  expect_decimal(dec("0.001") - dec("1"), "-0.999", 3);
  Decimal total;
  for (int i = 0; i < 3; ++i) total += dec("0.10");
  expect_decimal(total, "0.30", 2);
  total -= dec("0.3");
  EXPECT_TRUE(total.is_zero());
  expect_decimal(-dec("1.50"), "-1.50", 2);
  expect_decimal(dec("-1.50").abs(), "1.50", 2);
}

TEST(DecimalArithmetic, MultiplyIsExactUpToScale18) {
  expect_decimal(dec("1.5") * dec("2.25"), "3.375", 3);
  expect_decimal(dec("-0.5") * dec("0.5"), "-0.25", 2);
  expect_decimal(dec("19.99") * dec("3"), "59.97", 2);
  expect_decimal(dec("0") * dec("-1.5"), "0.0", 1);
  // Scale 19 would be needed: rounded half away from zero to 18.
  expect_decimal(dec("0.000000001") * dec("0.0000000015"), "0.000000000000000002", 18);
  expect_decimal(dec("-0.000000001") * dec("0.0000000015"), "-0.000000000000000002", 18);
  expect_decimal(dec("0.000000001") * dec("0.0000000014"), "0.000000000000000001", 18);
  Decimal x = dec("1.1");
  x *= dec("1.1");
  expect_decimal(x, "1.21", 2);
}

TEST(DecimalArithmetic, MultiplyRoundedAndPercent) {
  expect_decimal(*Decimal::checked_mul_rounded(dec("0.333"), dec("0.5"), 2), "0.17", 2);
  expect_decimal(*Decimal::checked_mul_rounded(dec("-0.333"), dec("0.5"), 2), "-0.17", 2);
  expect_decimal(*Decimal::checked_mul_rounded(dec("2"), dec("3"), 2), "6.00", 2);
  // Rounded once: 0.999999999999999999 × 0.005 = 0.004999999999999999995 is 0.00.
  // Rounding twice (checked_mul to 18 places, then to 2) would give 0.01.
  const Decimal a = dec("0.999999999999999999");
  const Decimal b = dec("0.005");
  expect_decimal(*Decimal::checked_mul_rounded(a, b, 2), "0.00", 2);
  expect_decimal((a * b).rounded(2), "0.01", 2);
  EXPECT_EQ(Decimal::checked_mul_rounded(dec("1"), dec("1"), 19).error().code,
            DiagCode::DecimalTooManyPlaces);

  expect_decimal(*Decimal::checked_percent(dec("12.35"), dec("10"), 2), "1.24", 2);
  expect_decimal(*Decimal::checked_percent(dec("-12.35"), dec("10"), 2), "-1.24", 2);
  expect_decimal(*Decimal::checked_percent(dec("100"), dec("7.5"), 2), "7.50", 2);
  expect_decimal(*Decimal::checked_percent(dec("0.05"), dec("10"), 2), "0.01", 2);
  expect_decimal(*Decimal::checked_percent(dec("0.04"), dec("10"), 2), "0.00", 2);
  // Both operands at scale 18: the exact product needs 38 places.
  expect_decimal(*Decimal::checked_percent(dec("0.000000000000000001"),
                                           dec("50.000000000000000000"), 18),
                 "0.000000000000000001", 18);
  EXPECT_EQ(Decimal::checked_percent(dec("1"), dec("1"), -1).error().code,
            DiagCode::DecimalTooManyPlaces);
}

TEST(DecimalArithmetic, DivisionRoundsToPlaces) {
  struct Case {
    std::string_view a, b;
    int places;
    std::string_view expected;
  };
  const Case cases[] = {
      {"1", "3", 2, "0.33"},     {"2", "3", 2, "0.67"},     {"-2", "3", 2, "-0.67"},
      {"2", "-3", 2, "-0.67"},   {"-2", "-3", 2, "0.67"},   {"1", "8", 2, "0.13"},
      {"-1", "8", 2, "-0.13"},   {"10", "4", 0, "3"},       {"-10", "4", 0, "-3"},
      {"1.000", "0.001", 0, "1000"}, {"7.50", "2.5", 4, "3.0000"},
      {"1", "3", 18, "0.333333333333333333"}, {"2", "3", 18, "0.666666666666666667"},
      {"0.000000000000000001", "1000000000000000000", 18, "0.000000000000000000"},
      {"999999999999999999999999999999999999", "999999999999999999999999999999999999", 18,
       "1.000000000000000000"},
      {"999999999999999999.999999999999999999", "0.000000000000000003", 0,
       "333333333333333333333333333333333333"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.a) + " / " + std::string(c.b));
    auto r = Decimal::checked_div(dec(c.a), dec(c.b), c.places);
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    expect_decimal(*r, c.expected, c.places);
  }
}

TEST(DecimalArithmetic, DivisionByZeroAndBadPlaces) {
  auto r = Decimal::checked_div(dec("1"), dec("0.00"), 2);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, DiagCode::DivisionByZero);
  EXPECT_THAT(r.error().message, HasSubstr("divide 1 by zero"));
  EXPECT_EQ(Decimal::checked_div(dec("0"), dec("0"), 0).error().code, DiagCode::DivisionByZero);
  EXPECT_EQ(Decimal::checked_div(dec("1"), dec("1"), 19).error().code,
            DiagCode::DecimalTooManyPlaces);
  EXPECT_EQ(Decimal::checked_div(kMax, dec("0.1"), 0).error().code, DiagCode::DecimalOverflow);
  EXPECT_EQ(Decimal::checked_div(dec("1"), dec("0.000000000000000001"), 18).error().code,
            DiagCode::DecimalOverflow);
}

TEST(DecimalOverflowLimits, AddSubAtTheLimits) {
  const Decimal one = dec("1");
  const Decimal tiny = dec("0.000000000000000001");
  EXPECT_EQ(Decimal::checked_add(kMax, one).error().code, DiagCode::DecimalOverflow);
  EXPECT_EQ(Decimal::checked_sub(kMax, -one).error().code, DiagCode::DecimalOverflow);
  EXPECT_EQ(Decimal::checked_sub(-kMax, one).error().code, DiagCode::DecimalOverflow);
  EXPECT_EQ(Decimal::checked_add(kMaxFraction, tiny).error().code, DiagCode::DecimalOverflow);
  EXPECT_EQ(*Decimal::checked_add(kMax, Decimal()), kMax);
  EXPECT_TRUE(Decimal::checked_add(kMax, -kMax)->is_zero());
  EXPECT_EQ(*Decimal::checked_sub(kMax, one), parts(Decimal::kMaxCoefficient - 1, 0));
  // The exact sum fits although the larger operand does not fit at the common scale.
  const Decimal big = parts(pow10(35), 0);
  const Decimal almost = dec("-" + std::string(35, '9') + ".5");
  expect_decimal(big + almost, "0.5", 1);
  // A value at scale 0 with 36 digits plus a fraction needs more digits.
  EXPECT_EQ(Decimal::checked_add(kMax, dec("0.5")).error().code, DiagCode::DecimalOverflow);
  EXPECT_THAT(Decimal::checked_add(kMax, one).error().message, HasSubstr("does not fit"));

  EXPECT_THROW((void)(kMax + one), DecimalOverflow);
  EXPECT_THROW((void)(-kMax - one), DecimalOverflow);
  Decimal acc = kMax;
  EXPECT_THROW(acc += one, DecimalOverflow);
  EXPECT_EQ(acc, kMax) << "a failed += leaves the value unchanged";
}

TEST(DecimalOverflowLimits, MultiplyAtTheLimits) {
  const Decimal e18 = parts(pow10(18), 0);
  EXPECT_EQ(Decimal::checked_mul(e18, e18).error().code, DiagCode::DecimalOverflow);
  const Decimal nines18 = parts(pow10(18) - 1, 0);
  EXPECT_EQ(*Decimal::checked_mul(nines18, nines18), parts((pow10(18) - 1) * (pow10(18) - 1), 0));
  EXPECT_EQ(Decimal::checked_mul(kMax, kMax).error().code, DiagCode::DecimalOverflow);
  EXPECT_EQ(Decimal::checked_mul(-kMax, kMax).error().code, DiagCode::DecimalOverflow);
  EXPECT_EQ(*Decimal::checked_mul(kMax, dec("-1")), -kMax);
  // Scale 36 rounded back to 18 brings the product into range.
  expect_decimal(*Decimal::checked_mul(kMaxFraction, dec("0.000000000000000001")),
                 "1.000000000000000000", 18);
  EXPECT_EQ(Decimal::checked_mul_rounded(kMax, dec("1"), 1).error().code,
            DiagCode::DecimalOverflow);
  EXPECT_THROW((void)(kMax * dec("2")), DecimalOverflow);
}

// ------------------------------------------------------------------ comparison

TEST(DecimalCompare, NumericAcrossScales) {
  EXPECT_EQ(dec("1.0"), dec("1.00"));
  EXPECT_TRUE((dec("1.0") <=> dec("1.00")) == 0);
  EXPECT_NE(dec("1.0").to_string(), dec("1.00").to_string());
  EXPECT_LT(dec("0.5"), dec("0.51"));
  EXPECT_GT(dec("-0.5"), dec("-0.51"));
  EXPECT_LT(dec("-1"), dec("0.0"));
  EXPECT_EQ(dec("0.000"), dec("-0"));
  EXPECT_LT(dec("1"), dec("1.000000000000000001"));
  EXPECT_GT(dec("-1"), dec("-1.000000000000000001"));
  EXPECT_LT(dec("2"), dec("10.5"));
  EXPECT_GT(dec("-2"), dec("-10.5"));
  EXPECT_LT(dec("0.999999999999999999"), dec("1"));
  // The extremes: rescaling these to a common scale would need 54 digits.
  EXPECT_GT(kMax, kMaxFraction);
  EXPECT_LT(-kMax, -kMaxFraction);
  EXPECT_GT(kMax, parts(Decimal::kMaxCoefficient - 1, 0));
  EXPECT_LT(dec("0.000000000000000001"), kMax);
  EXPECT_NE(kMax, parts(Decimal::kMaxCoefficient, 1));
  EXPECT_EQ(parts(pow10(17), 0), parts(pow10(35), 18));
  EXPECT_LT(parts(pow10(17), 0), parts(pow10(35) + 1, 18));
  EXPECT_GT(parts(pow10(17), 0), parts(pow10(35) - 1, 18));
}

// ------------------------------------------------------------------ properties
//
// Randomised with a fixed seed, so a failure is repeatable; every failure
// message names the seed and the iteration.

constexpr std::uint64_t kSeed = 0x20261123cb;
constexpr int kIterations = 20000;

/// A random value with 1..max_digits digits, a random sign and a scale in
/// min_scale..max_scale.
Decimal random_decimal(std::mt19937_64& rng, int max_digits, int min_scale = 0,
                       int max_scale = Decimal::kMaxScale) {
  const int digits = 1 + static_cast<int>(rng() % static_cast<std::uint64_t>(max_digits));
  int128 c = 0;
  for (int i = 0; i < digits; ++i) c = c * 10 + static_cast<int128>(rng() % 10);
  if ((rng() & 1U) != 0) c = -c;
  const int scale =
      min_scale + static_cast<int>(rng() % static_cast<std::uint64_t>(max_scale - min_scale + 1));
  return parts(c, scale);
}

std::string trace(int iteration, const Decimal& a) {
  return "seed " + std::to_string(kSeed) + " iteration " + std::to_string(iteration) +
         " a=" + a.to_string();
}

std::string trace(int iteration, const Decimal& a, const Decimal& b) {
  return trace(iteration, a) + " b=" + b.to_string();
}

/// Independent reference: c / 10^k rounded half away from zero, in plain int128.
int128 reference_round(int128 c, int k) {
  const int128 unit = pow10(k);
  int128 q = c / unit;
  const int128 r = c % unit;
  if (2 * (r < 0 ? -r : r) >= unit) q += c < 0 ? -1 : 1;
  return q;
}

TEST(DecimalProperty, ParseOfToStringIsIdentity) {
  std::mt19937_64 rng(kSeed);
  for (int i = 0; i < kIterations; ++i) {
    const Decimal x = random_decimal(rng, Decimal::kMaxDigits);
    SCOPED_TRACE(trace(i, x));
    auto back = Decimal::parse(x.to_string());
    ASSERT_TRUE(back.has_value()) << back.error().to_string();
    ASSERT_EQ(*back, x);
    ASSERT_EQ(back->scale(), x.scale());
    ASSERT_TRUE(back->coefficient() == x.coefficient());
  }
}

TEST(DecimalProperty, AddThenSubtractIsIdentity) {
  std::mt19937_64 rng(kSeed);
  for (int i = 0; i < kIterations; ++i) {
    // 18 digits at any scale always fit at the common scale: no overflow.
    const Decimal a = random_decimal(rng, 18);
    const Decimal b = random_decimal(rng, 18);
    SCOPED_TRACE(trace(i, a, b));
    const Decimal back = a + b - b;
    ASSERT_EQ(back, a);
    ASSERT_EQ(back.scale(), std::max(a.scale(), b.scale()));
    ASSERT_EQ(a + b, b + a);
    ASSERT_EQ((a - b), -(b - a));
  }
}

TEST(DecimalProperty, AddAcrossTheFullRangeIsExactOrReportsOverflow) {
  std::mt19937_64 rng(kSeed);
  int fitted = 0;
  for (int i = 0; i < kIterations; ++i) {
    const Decimal a = random_decimal(rng, Decimal::kMaxDigits);
    const Decimal b = random_decimal(rng, Decimal::kMaxDigits);
    SCOPED_TRACE(trace(i, a, b));
    auto sum = Decimal::checked_add(a, b);
    if (!sum) {
      ASSERT_EQ(sum.error().code, DiagCode::DecimalOverflow);
      continue;
    }
    ++fitted;
    auto back = Decimal::checked_sub(*sum, b);
    ASSERT_TRUE(back.has_value()) << back.error().to_string();
    ASSERT_EQ(*back, a);
    // Ordering agrees with the sign of the difference.
    auto diff = Decimal::checked_sub(a, b);
    if (diff) {
      ASSERT_EQ(a <=> b, diff->sign() <=> 0);
    }
  }
  EXPECT_GT(fitted, kIterations / 10);
}

TEST(DecimalProperty, ProductMatchesCoefficientMath) {
  std::mt19937_64 rng(kSeed);
  for (int i = 0; i < kIterations; ++i) {
    // 18 digits each: the exact coefficient product fits in int128.
    const Decimal a = random_decimal(rng, 18);
    const Decimal b = random_decimal(rng, 18);
    SCOPED_TRACE(trace(i, a, b));
    auto p = Decimal::checked_mul(a, b);
    ASSERT_TRUE(p.has_value()) << p.error().to_string();
    const int128 exact = a.coefficient() * b.coefficient();
    const int natural = a.scale() + b.scale();
    if (natural <= Decimal::kMaxScale) {
      ASSERT_EQ(p->scale(), natural);
      ASSERT_TRUE(p->coefficient() == exact) << str(p->coefficient()) << " vs " << str(exact);
    } else {
      ASSERT_EQ(p->scale(), Decimal::kMaxScale);
      const int128 expected = reference_round(exact, natural - Decimal::kMaxScale);
      ASSERT_TRUE(p->coefficient() == expected) << str(p->coefficient()) << " vs " << str(expected);
    }
    ASSERT_EQ(*p, b * a);
  }
}

TEST(DecimalProperty, RoundedIsWithinHalfAUnitAndCommercial) {
  std::mt19937_64 rng(kSeed);
  const Decimal two = Decimal::from_int(2);
  for (int i = 0; i < kIterations; ++i) {
    const Decimal x = random_decimal(rng, 18);
    const int places = static_cast<int>(rng() % (Decimal::kMaxScale + 1));
    SCOPED_TRACE(trace(i, x) + " places=" + std::to_string(places));
    const Decimal r = x.rounded(places);
    ASSERT_EQ(r.scale(), places);
    const Decimal unit = parts(1, places);
    const Decimal twice_error = (r - x).abs() * two;
    ASSERT_LE(twice_error, unit);
    if (twice_error == unit) {
      ASSERT_GT(r.abs(), x.abs()) << "a tie rounds away from zero";
    }
    if (places >= x.scale()) {
      ASSERT_EQ(r, x);
    }
    const int128 expected =
        places >= x.scale() ? x.coefficient() * pow10(places - x.scale())
                            : reference_round(x.coefficient(), x.scale() - places);
    ASSERT_TRUE(r.coefficient() == expected) << str(r.coefficient()) << " vs " << str(expected);
    // Truncation goes towards zero by less than one unit.
    const Decimal t = x.truncated(places);
    ASSERT_LE(t.abs(), x.abs());
    ASSERT_LT((x - t).abs(), unit);
    ASSERT_EQ(x.format(places), r.to_string());
  }
}

TEST(DecimalProperty, SumOfRoundedLinesVersusRoundedSum) {
  // Documented on Decimal::rounded: each line is off by at most half a cent,
  // the rounded sum by at most half a cent as well, so the two totals differ by
  // at most floor((n + 1) / 2) cents - and they do differ in practice.
  const Decimal third_cent = dec("0.005");
  const Decimal lines = third_cent.rounded(2) + third_cent.rounded(2) + third_cent.rounded(2);
  EXPECT_EQ(lines, dec("0.03"));
  EXPECT_EQ((third_cent + third_cent + third_cent).rounded(2), dec("0.02"));

  std::mt19937_64 rng(kSeed);
  int differed = 0;
  for (int i = 0; i < kIterations / 10; ++i) {
    const int n = 1 + static_cast<int>(rng() % 20);
    Decimal sum_of_rounded;
    Decimal exact_sum;
    std::string lines_text;
    for (int k = 0; k < n; ++k) {
      const Decimal line = random_decimal(rng, 9, 3, 6);
      lines_text += " " + line.to_string();
      sum_of_rounded += line.rounded(2);
      exact_sum += line;
    }
    SCOPED_TRACE("seed " + std::to_string(kSeed) + " iteration " + std::to_string(i) +
                 " lines" + lines_text);
    const Decimal diff = (sum_of_rounded - exact_sum.rounded(2)).abs();
    ASSERT_LE(diff, parts((n + 1) / 2, 2));
    if (!diff.is_zero()) ++differed;
  }
  EXPECT_GT(differed, 0) << "rounded lines and rounded sum should sometimes differ";
}

TEST(DecimalProperty, FormatWithCommaRoundTripsThroughParse) {
  std::mt19937_64 rng(kSeed);
  Decimal::ParseOptions comma;
  comma.allow_comma = true;
  Decimal::ParseOptions dot_only;
  dot_only.allow_comma = false;
  for (int i = 0; i < kIterations; ++i) {
    const Decimal x = random_decimal(rng, Decimal::kMaxDigits);
    const int places = static_cast<int>(rng() % (static_cast<std::uint64_t>(x.scale()) + 1));
    SCOPED_TRACE(trace(i, x) + " places=" + std::to_string(places));
    const std::string same = x.format(x.scale(), ',');
    auto back = Decimal::parse(same, comma);
    ASSERT_TRUE(back.has_value()) << back.error().to_string();
    ASSERT_EQ(*back, x);
    ASSERT_EQ(back->scale(), x.scale());
    auto fewer = Decimal::parse(x.format(places, ','), comma);
    ASSERT_TRUE(fewer.has_value()) << fewer.error().to_string();
    ASSERT_EQ(*fewer, x.rounded(places));
    ASSERT_EQ(fewer->scale(), places);
    if (x.scale() > 0) {
      ASSERT_EQ(Decimal::parse(same, dot_only).error().code, DiagCode::DecimalSyntax);
    }
  }
}

TEST(DecimalProperty, DivisionIsWithinHalfAUnit) {
  std::mt19937_64 rng(kSeed);
  const Decimal two = Decimal::from_int(2);
  for (int i = 0; i < kIterations; ++i) {
    const Decimal a = random_decimal(rng, 12, 0, 6);
    const Decimal b = random_decimal(rng, 12, 0, 6);
    if (b.is_zero()) continue;
    const int places = static_cast<int>(rng() % 7);
    SCOPED_TRACE(trace(i, a, b) + " places=" + std::to_string(places));
    auto q = Decimal::checked_div(a, b, places);
    ASSERT_TRUE(q.has_value()) << q.error().to_string();
    ASSERT_EQ(q->scale(), places);
    // |a/b - q| <= unit/2  <=>  2|a - q·b| <= |b|·unit, all exact here.
    const Decimal twice_error = (a - *q * b).abs() * two;
    const Decimal bound = b.abs() * parts(1, places);
    ASSERT_LE(twice_error, bound);
    if (twice_error == bound) {
      ASSERT_GT((*q * b).abs(), a.abs()) << "a tie rounds away from zero";
    }
  }
}

TEST(DecimalProperty, ComparisonIsConsistentWithRescalingAndNormalizing) {
  std::mt19937_64 rng(kSeed);
  for (int i = 0; i < kIterations; ++i) {
    const Decimal a = random_decimal(rng, Decimal::kMaxDigits);
    const Decimal b = random_decimal(rng, Decimal::kMaxDigits);
    SCOPED_TRACE(trace(i, a, b));
    ASSERT_EQ(a.normalized(), a);
    const int wider = a.scale() + static_cast<int>(rng() % (Decimal::kMaxScale - a.scale() + 1));
    auto widened = a.rescaled(wider);
    if (widened) {
      ASSERT_EQ(*widened, a);
      ASSERT_EQ(*widened <=> b, a <=> b);
    }
    ASSERT_EQ(a <=> b, 0 <=> (b <=> a));
    ASSERT_EQ(-a <=> -b, b <=> a);
  }
}

}  // namespace
}  // namespace cb
