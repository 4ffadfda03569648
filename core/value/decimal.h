#pragma once
// Decimal: an exact fixed-point decimal number for money and quantities.
// No floating point anywhere. The value is coefficient × 10^-scale, with a
// 128-bit coefficient of at most kMaxDigits digits and a scale of 0..kMaxScale.
//
// Error policy: parse and the checked_* functions return Result<Decimal> with a
// DEC diagnostic (see core/diag/codes.def). The operators (+, -, *) and the
// rounding helpers throw DecimalOverflow when a result does not fit: healthcare
// amounts never come near the range, so that signals a defect. Passing a number
// of places outside 0..kMaxScale to rounded/truncated/format is a programming
// error and throws std::invalid_argument.

#include <compare>
#include <cstdint>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/diag/diagnostic.h"

namespace cb {

__extension__ typedef __int128 int128;

/// Thrown by the unchecked operators (+, -, *) when a result does not fit.
/// Healthcare amounts never come near the range, so this signals a defect;
/// code that handles untrusted magnitudes uses the checked_* functions.
class DecimalOverflow : public std::overflow_error {
 public:
  using std::overflow_error::overflow_error;
};

class Decimal {
 public:
  static constexpr int kMaxScale = 18;
  /// Most digits a coefficient may have. int128 holds 38 digits; the two spare
  /// digits let the sum of two in-range coefficients fit without a wider type.
  /// Comparisons never overflow: they compare integer and fraction parts
  /// separately instead of rescaling whole coefficients.
  static constexpr int kMaxDigits = 36;
  /// Largest coefficient magnitude accepted: 10^36 - 1.
  static constexpr int128 kMaxCoefficient = [] {
    int128 p = 1;
    for (int i = 0; i < kMaxDigits; ++i) p *= 10;
    return p - 1;
  }();

  struct ParseOptions {
    /// Accept ',' as the decimal separator as well as '.' (German input).
    bool allow_comma = true;
    /// Most decimal places accepted; more is an error (DEC004), never rounded
    /// silently. Values outside 0..kMaxScale are clamped to that range.
    int max_scale = kMaxScale;
  };

  constexpr Decimal() = default;
  /// An integer value with scale 0.
  static Decimal from_int(std::int64_t v);
  /// coefficient × 10^-scale; fails with DEC004 when scale is outside
  /// 0..kMaxScale and with DEC003 when the coefficient has more than kMaxDigits digits.
  static Result<Decimal> from_parts(int128 coefficient, int scale);

  /// Parses "-12.50", "12,5", "+3", ".5", "0.000", "007". No exponent, no
  /// grouping separators, no surrounding spaces, no trailing separator ("5.").
  /// The scale is the number of digits after the separator as written ("1.50"
  /// has scale 2). Failures: DEC001 for "", DEC002 for bad syntax, DEC004 for
  /// more than max_scale places, DEC003 for more than kMaxDigits significant
  /// digits. The diagnostic quotes the input and its Location.column is the
  /// 1-based position of the offending character (for a missing digit: the
  /// sign or separator that lacks it).
  static Result<Decimal> parse(std::string_view text, ParseOptions opts);
  static Result<Decimal> parse(std::string_view text) { return parse(text, ParseOptions{}); }

  int128 coefficient() const { return coeff_; }
  int scale() const { return scale_; }
  bool is_zero() const { return coeff_ == 0; }
  bool is_negative() const { return coeff_ < 0; }
  int sign() const { return coeff_ < 0 ? -1 : (coeff_ > 0 ? 1 : 0); }

  /// Canonical text with '.' and exactly scale() decimals: "12.50", "-0.001", "3".
  /// Zero is never written with a sign. parse(to_string()) gives the same value and scale.
  std::string to_string() const;
  /// Rounded (half away from zero) to `places` decimals and written with the
  /// given separator: format(2, ',') of 1234.5 is "1234,50". Never overflows.
  std::string format(int places, char decimal_separator = '.') const;

  /// Commercial rounding: half away from zero, to `places` decimals (0..kMaxScale):
  /// 2.5 → 3, -2.5 → -3 (banker's rounding would give 2 and -2).
  /// The result has exactly that scale (1.5 rounded to 2 places is 1.50); it
  /// differs from the value by at most half a unit of the last place.
  /// Note: rounding is not additive. The sum of n rounded lines may differ from
  /// the rounded sum by up to floor((n+1)/2) units of the last place
  /// (3 × 0.005 → lines 0.01 + 0.01 + 0.01 = 0.03, sum 0.015 → 0.02).
  /// Throws DecimalOverflow only when widening the scale does not fit.
  Decimal rounded(int places) const;
  /// Rounding towards zero to `places` decimals; the result has that scale.
  Decimal truncated(int places) const;
  /// Rounds away from zero to an integer (scale 0): 1.2 → 2, -1.2 → -2, 3.00 → 3.
  /// Used for ceil(quantity × factor), where quantities are positive.
  Decimal ceiled_integer() const;
  /// The same value with trailing zeros removed (scale as small as possible; 0 has scale 0).
  Decimal normalized() const;
  /// The same value at another scale, exactly. Fails with DEC003 when a larger
  /// scale does not fit, with DEC004 when `scale` is outside 0..kMaxScale or a
  /// smaller scale would drop non-zero digits (use rounded() for that).
  Result<Decimal> rescaled(int scale) const;

  Decimal abs() const;
  Decimal operator-() const;

  /// Exact sum; the scale is the larger of the two. DEC003 when it does not fit.
  static Result<Decimal> checked_add(const Decimal& a, const Decimal& b);
  /// Exact difference; the scale is the larger of the two. DEC003 when it does not fit.
  static Result<Decimal> checked_sub(const Decimal& a, const Decimal& b);
  /// Exact product; the scale is the sum of scales. If that exceeds kMaxScale,
  /// the product is rounded half away from zero to kMaxScale places.
  static Result<Decimal> checked_mul(const Decimal& a, const Decimal& b);
  /// Product rounded once, half away from zero, to `places` decimals (e.g. unit
  /// price × quantity to cents). DEC004 when places is outside 0..kMaxScale.
  static Result<Decimal> checked_mul_rounded(const Decimal& a, const Decimal& b, int places);
  /// base × pct / 100, rounded once, half away from zero, to `places` decimals
  /// (e.g. a 10 % co-payment). DEC004 when places is outside 0..kMaxScale.
  static Result<Decimal> checked_percent(const Decimal& base, const Decimal& pct, int places);
  /// Quotient rounded half away from zero to `places` decimals; DEC007 on zero
  /// divisor, DEC004 when places is outside 0..kMaxScale, DEC003 when it does not fit.
  static Result<Decimal> checked_div(const Decimal& a, const Decimal& b, int places);

  friend Decimal operator+(const Decimal& a, const Decimal& b);
  friend Decimal operator-(const Decimal& a, const Decimal& b);
  friend Decimal operator*(const Decimal& a, const Decimal& b);
  Decimal& operator+=(const Decimal& b) { return *this = *this + b; }
  Decimal& operator-=(const Decimal& b) { return *this = *this - b; }
  Decimal& operator*=(const Decimal& b) { return *this = *this * b; }

  /// Numeric comparison across scales: 1.0 == 1.00, 0.5 < 0.51. Never overflows.
  /// Equal values may still differ in scale (and so in to_string()).
  friend bool operator==(const Decimal& a, const Decimal& b);
  friend std::strong_ordering operator<=>(const Decimal& a, const Decimal& b);

  /// Writes to_string() (used by test frameworks for readable failures).
  friend std::ostream& operator<<(std::ostream& os, const Decimal& d);

 private:
  constexpr Decimal(int128 c, int s) : coeff_(c), scale_(s) {}
  int128 coeff_ = 0;
  int scale_ = 0;
};

}  // namespace cb
