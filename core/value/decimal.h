#pragma once
// Decimal: an exact fixed-point decimal number for money and quantities.
// No floating point anywhere. The value is coefficient × 10^-scale, with a
// 128-bit coefficient and a scale of 0..kMaxScale.

#include <compare>
#include <cstdint>
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
  /// Largest coefficient magnitude accepted (10^36 - 1): leaves headroom so that
  /// rescaling inside comparisons never overflows.
  static constexpr int kMaxDigits = 36;

  struct ParseOptions {
    /// Accept ',' as the decimal separator as well as '.' (German input).
    bool allow_comma = true;
    /// Most decimal places accepted; more is an error (DEC004), never rounded silently.
    int max_scale = kMaxScale;
  };

  constexpr Decimal() = default;
  /// An integer value with scale 0.
  static Decimal from_int(std::int64_t v);
  /// coefficient × 10^-scale; fails when scale is outside 0..kMaxScale or the
  /// coefficient has more than kMaxDigits digits.
  static Result<Decimal> from_parts(int128 coefficient, int scale);

  /// Parses "-12.50", "12,5", "+3", ".5", "0.000". No exponent, no grouping
  /// separators, no surrounding spaces. The scale is the number of digits after
  /// the separator as written ("1.50" has scale 2).
  static Result<Decimal> parse(std::string_view text, ParseOptions opts);
  static Result<Decimal> parse(std::string_view text) { return parse(text, ParseOptions{}); }

  int128 coefficient() const { return coeff_; }
  int scale() const { return scale_; }
  bool is_zero() const { return coeff_ == 0; }
  bool is_negative() const { return coeff_ < 0; }
  int sign() const { return coeff_ < 0 ? -1 : (coeff_ > 0 ? 1 : 0); }

  /// Canonical text with '.' and exactly scale() decimals: "12.50", "-0.001", "3".
  std::string to_string() const;
  /// Rounded (half away from zero) to `places` decimals and written with the
  /// given separator: format(2, ',') of 1234.5 is "1234,50".
  std::string format(int places, char decimal_separator = '.') const;

  /// Commercial rounding: half away from zero, to `places` decimals (0..kMaxScale).
  /// The result has exactly that scale (1.5 rounded to 2 places is 1.50).
  Decimal rounded(int places) const;
  /// Rounding towards zero to `places` decimals.
  Decimal truncated(int places) const;
  /// Rounds up (away from zero) to an integer: used for ceil(quantity × factor).
  Decimal ceiled_integer() const;
  /// The same value with trailing zeros removed (scale as small as possible).
  Decimal normalized() const;
  /// The same value at a larger scale (exact); fails (DEC003) if it does not fit.
  Result<Decimal> rescaled(int scale) const;

  Decimal abs() const;
  Decimal operator-() const;

  static Result<Decimal> checked_add(const Decimal& a, const Decimal& b);
  static Result<Decimal> checked_sub(const Decimal& a, const Decimal& b);
  /// Exact product; the scale is the sum of scales. If that exceeds kMaxScale,
  /// the product is rounded half away from zero to kMaxScale places.
  static Result<Decimal> checked_mul(const Decimal& a, const Decimal& b);
  /// Quotient rounded half away from zero to `places` decimals; DEC007 on zero divisor.
  static Result<Decimal> checked_div(const Decimal& a, const Decimal& b, int places);

  friend Decimal operator+(const Decimal& a, const Decimal& b);
  friend Decimal operator-(const Decimal& a, const Decimal& b);
  friend Decimal operator*(const Decimal& a, const Decimal& b);
  Decimal& operator+=(const Decimal& b) { return *this = *this + b; }
  Decimal& operator-=(const Decimal& b) { return *this = *this - b; }
  Decimal& operator*=(const Decimal& b) { return *this = *this * b; }

  /// Numeric comparison: 1.0 == 1.00.
  friend bool operator==(const Decimal& a, const Decimal& b);
  friend std::strong_ordering operator<=>(const Decimal& a, const Decimal& b);

 private:
  constexpr Decimal(int128 c, int s) : coeff_(c), scale_(s) {}
  int128 coeff_ = 0;
  int scale_ = 0;
};

}  // namespace cb
