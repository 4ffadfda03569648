#include "core/value/decimal.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <ostream>
#include <utility>

namespace cb {
namespace {

__extension__ typedef unsigned __int128 uint128;

constexpr int kMaxPow10 = 38;  // 10^38 is the largest power of ten in uint128

constexpr std::array<uint128, kMaxPow10 + 1> kPow10 = [] {
  std::array<uint128, kMaxPow10 + 1> p{};
  p[0] = 1;
  for (int i = 1; i <= kMaxPow10; ++i) p[static_cast<std::size_t>(i)] = p[static_cast<std::size_t>(i) - 1] * 10;
  return p;
}();

uint128 pow10(int k) { return kPow10[static_cast<std::size_t>(k)]; }

constexpr uint128 kMaxMagnitude = static_cast<uint128>(Decimal::kMaxCoefficient);

uint128 magnitude(int128 v) { return v < 0 ? static_cast<uint128>(-v) : static_cast<uint128>(v); }

/// An unsigned 256-bit integer, just wide enough for the exact intermediate
/// results of multiplication and division of two 36-digit coefficients.
struct U256 {
  std::array<std::uint64_t, 4> limb{};  // little-endian

  static U256 from(uint128 v) {
    U256 r;
    r.limb[0] = static_cast<std::uint64_t>(v);
    r.limb[1] = static_cast<std::uint64_t>(v >> 64);
    return r;
  }
  bool fits_u128() const { return limb[2] == 0 && limb[3] == 0; }
  uint128 low() const { return (static_cast<uint128>(limb[1]) << 64) | limb[0]; }
  bool is_zero() const { return limb[0] == 0 && limb[1] == 0 && limb[2] == 0 && limb[3] == 0; }
  bool bit(int i) const { return ((limb[static_cast<std::size_t>(i / 64)] >> (i % 64)) & 1U) != 0; }
  int bit_width() const {
    for (int i = 3; i >= 0; --i) {
      const std::uint64_t w = limb[static_cast<std::size_t>(i)];
      if (w != 0) {
        int n = 0;
        for (std::uint64_t x = w; x != 0; x >>= 1) ++n;
        return i * 64 + n;
      }
    }
    return 0;
  }
};

std::strong_ordering compare(const U256& a, const U256& b) {
  for (int i = 3; i >= 0; --i) {
    const auto k = static_cast<std::size_t>(i);
    if (a.limb[k] != b.limb[k]) return a.limb[k] <=> b.limb[k];
  }
  return std::strong_ordering::equal;
}

U256 add(const U256& a, const U256& b) {
  U256 r;
  uint128 carry = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    const uint128 s = static_cast<uint128>(a.limb[i]) + b.limb[i] + carry;
    r.limb[i] = static_cast<std::uint64_t>(s);
    carry = s >> 64;
  }
  return r;
}

/// a - b for a >= b.
U256 sub(const U256& a, const U256& b) {
  U256 r;
  std::uint64_t borrow = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    const std::uint64_t x = a.limb[i];
    const std::uint64_t y = b.limb[i];
    const std::uint64_t d = x - y - borrow;
    borrow = (x < y || (x == y && borrow != 0)) ? 1 : 0;
    r.limb[i] = d;
  }
  return r;
}

/// Full product of two 128-bit values (never overflows 256 bits).
U256 mul(uint128 a, uint128 b) {
  const std::array<std::uint64_t, 2> x{static_cast<std::uint64_t>(a), static_cast<std::uint64_t>(a >> 64)};
  const std::array<std::uint64_t, 2> y{static_cast<std::uint64_t>(b), static_cast<std::uint64_t>(b >> 64)};
  U256 r;
  for (std::size_t i = 0; i < 2; ++i) {
    uint128 carry = 0;
    for (std::size_t j = 0; j < 2; ++j) {
      const uint128 t = static_cast<uint128>(x[i]) * y[j] + r.limb[i + j] + carry;
      r.limb[i + j] = static_cast<std::uint64_t>(t);
      carry = t >> 64;
    }
    r.limb[i + 2] = static_cast<std::uint64_t>(carry);
  }
  return r;
}

/// n / d rounded half away from zero (both are magnitudes); d != 0.
U256 div_round_half_up(const U256& n, const U256& d) {
  U256 q;
  U256 r;
  for (int i = n.bit_width() - 1; i >= 0; --i) {
    // r = r * 2 + bit; r < d keeps r below 2^255, so the shift cannot overflow.
    for (std::size_t k = 3; k > 0; --k) r.limb[k] = (r.limb[k] << 1) | (r.limb[k - 1] >> 63);
    r.limb[0] = (r.limb[0] << 1) | (n.bit(i) ? 1U : 0U);
    if (compare(r, d) >= 0) {
      r = sub(r, d);
      q.limb[static_cast<std::size_t>(i / 64)] |= std::uint64_t{1} << (i % 64);
    }
  }
  // Round up when the remainder is at least half the divisor: r >= d - r.
  if (!r.is_zero() && compare(r, sub(d, r)) >= 0) q = add(q, U256::from(1));
  return q;
}

std::string u128_to_string(uint128 v) {
  if (v == 0) return "0";
  std::string s;
  while (v != 0) {
    s.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  std::reverse(s.begin(), s.end());
  return s;
}


std::string describe_char(char ch) { return quote_input(std::string_view(&ch, 1)); }

Location at_column(std::size_t index) {
  Location where;
  where.column = static_cast<std::uint32_t>(index + 1);
  return where;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

cb::Unexpected<Diagnostic> overflow(std::string what) {
  return fail(DiagCode::DecimalOverflow,
              std::move(what) + " does not fit in " + std::to_string(Decimal::kMaxDigits) + " digits");
}

cb::Unexpected<Diagnostic> bad_places(int places) {
  return fail(DiagCode::DecimalTooManyPlaces,
              std::to_string(places) + " decimal places requested; allowed are 0.." +
                  std::to_string(Decimal::kMaxScale));
}

void require_places(int places, const char* function) {
  if (places < 0 || places > Decimal::kMaxScale) {
    throw std::invalid_argument(std::string("Decimal::") + function + ": " + std::to_string(places) +
                                " places is outside 0.." + std::to_string(Decimal::kMaxScale));
  }
}

/// Compares magnitudes |a| and |b| without rescaling whole coefficients: the
/// integer parts first, then the fractions (each below 10^18) at a common scale.
std::strong_ordering compare_magnitudes(uint128 ma, int sa, uint128 mb, int sb) {
  const uint128 ia = ma / pow10(sa);
  const uint128 ib = mb / pow10(sb);
  if (ia != ib) return ia <=> ib;
  const int s = std::max(sa, sb);
  const uint128 fa = (ma % pow10(sa)) * pow10(s - sa);
  const uint128 fb = (mb % pow10(sb)) * pow10(s - sb);
  return fa <=> fb;
}

std::string describe(const Decimal& a, const char* op, const Decimal& b) {
  return a.to_string() + " " + op + " " + b.to_string();
}

}  // namespace

// ---------------------------------------------------------------- construction

Decimal Decimal::from_int(std::int64_t v) { return Decimal(v, 0); }

Result<Decimal> Decimal::from_parts(int128 coefficient, int scale) {
  if (scale < 0 || scale > kMaxScale) {
    return fail(DiagCode::DecimalTooManyPlaces,
                "scale " + std::to_string(scale) + " is outside 0.." + std::to_string(kMaxScale));
  }
  if (coefficient > kMaxCoefficient || coefficient < -kMaxCoefficient) {
    std::string digits = coefficient < 0 ? "-" : "";
    digits += u128_to_string(magnitude(coefficient));
    return overflow("coefficient " + digits);
  }
  return Decimal(coefficient, scale);
}

Result<Decimal> Decimal::parse(std::string_view text, ParseOptions opts) {
  const int max_scale = std::clamp(opts.max_scale, 0, kMaxScale);
  if (text.empty()) {
    return fail(DiagCode::DecimalEmpty, "'' is empty; a decimal number was expected", at_column(0));
  }
  const auto syntax = [&](std::size_t i, const std::string& why) {
    return fail(DiagCode::DecimalSyntax, quote_input(text) + " " + why, at_column(i));
  };

  // Pass 1: the shape [sign] digits* [separator digits+], with at least one digit.
  std::size_t i = 0;
  const bool negative = text[0] == '-';
  if (text[0] == '+' || text[0] == '-') i = 1;
  const std::size_t int_begin = i;
  std::size_t sep = std::string_view::npos;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (is_digit(c)) continue;
    const std::string col = " at column " + std::to_string(i + 1);
    if (c == '.' || c == ',') {
      if (c == ',' && !opts.allow_comma) {
        return syntax(i, "has ',' at column " + std::to_string(i + 1) +
                             "; only '.' is accepted as the decimal separator here");
      }
      if (sep != std::string_view::npos) {
        return syntax(i, "has a second separator " + describe_char(c) + col +
                             "; grouping separators (1.000,00) are not accepted");
      }
      sep = i;
      continue;
    }
    if (c == '+' || c == '-') {
      return syntax(i, "has a sign " + describe_char(c) + col + "; a sign may only come first");
    }
    if (c == 'e' || c == 'E') {
      return syntax(i, "has an exponent" + col + "; exponent notation is not accepted");
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      return syntax(i, "has white space" + col +
                           "; spaces around or inside a number (grouping) are not accepted");
    }
    return syntax(i, "has " + describe_char(c) + col +
                         ", which is not a digit, a sign or a decimal separator");
  }
  const std::size_t int_end = sep == std::string_view::npos ? text.size() : sep;
  const std::size_t frac_begin = sep == std::string_view::npos ? text.size() : sep + 1;
  const std::size_t int_digits = int_end - int_begin;
  const std::size_t frac_digits = text.size() - frac_begin;
  if (sep != std::string_view::npos && frac_digits == 0) {
    return syntax(sep, int_digits == 0 ? "has a decimal separator but no digits"
                                       : "ends with the decimal separator; write a digit after it");
  }
  if (int_digits == 0 && frac_digits == 0) {  // "+" or "-"
    return syntax(0, "has a sign but no digits");
  }

  // Pass 2: the value. Too many places first, then too many significant digits.
  if (frac_digits > static_cast<std::size_t>(max_scale)) {
    return fail(DiagCode::DecimalTooManyPlaces,
                quote_input(text) + " has " + std::to_string(frac_digits) + " decimal places; at most " +
                    std::to_string(max_scale) + " are allowed here",
                at_column(frac_begin + static_cast<std::size_t>(max_scale)));
  }
  uint128 coeff = 0;
  int significant = 0;
  for (std::size_t k = int_begin; k < text.size(); ++k) {
    if (k == sep) continue;
    const int digit = text[k] - '0';
    if (significant == 0 && digit == 0) continue;
    if (++significant > kMaxDigits) {
      return fail(DiagCode::DecimalOverflow,
                  quote_input(text) + " has more than " + std::to_string(kMaxDigits) +
                      " significant digits and does not fit",
                  at_column(k));
    }
    coeff = coeff * 10 + static_cast<uint128>(digit);
  }
  const auto c = static_cast<int128>(coeff);
  return Decimal(negative ? -c : c, static_cast<int>(frac_digits));
}

// ---------------------------------------------------------------- text

std::string Decimal::to_string() const {
  std::string digits = u128_to_string(magnitude(coeff_));
  const auto scale = static_cast<std::size_t>(scale_);
  if (digits.size() <= scale) digits.insert(0, scale + 1 - digits.size(), '0');
  if (scale > 0) digits.insert(digits.size() - scale, 1, '.');
  if (coeff_ < 0) digits.insert(0, 1, '-');
  return digits;
}

std::string Decimal::format(int places, char decimal_separator) const {
  require_places(places, "format");
  std::string s;
  if (places < scale_) {
    s = rounded(places).to_string();  // rounding to fewer places never overflows
  } else {
    s = to_string();
    if (places > scale_) {
      if (scale_ == 0) s += '.';
      s.append(static_cast<std::size_t>(places - scale_), '0');
    }
  }
  if (places > 0) s[s.size() - static_cast<std::size_t>(places) - 1] = decimal_separator;
  return s;
}

std::ostream& operator<<(std::ostream& os, const Decimal& d) { return os << d.to_string(); }

// ---------------------------------------------------------------- rounding

Decimal Decimal::rounded(int places) const {
  require_places(places, "rounded");
  if (places >= scale_) {
    auto r = rescaled(places);
    if (!r) throw DecimalOverflow(r.error().message);
    return *r;
  }
  const auto unit = static_cast<int128>(pow10(scale_ - places));
  int128 q = coeff_ / unit;
  const int128 rem = coeff_ % unit;  // same sign as coeff_, |rem| < 10^18
  const int128 abs_rem = rem < 0 ? -rem : rem;
  if (abs_rem >= unit - abs_rem) q += coeff_ < 0 ? -1 : 1;
  return Decimal(q, places);
}

Decimal Decimal::truncated(int places) const {
  require_places(places, "truncated");
  if (places >= scale_) {
    auto r = rescaled(places);
    if (!r) throw DecimalOverflow(r.error().message);
    return *r;
  }
  return Decimal(coeff_ / static_cast<int128>(pow10(scale_ - places)), places);
}

Decimal Decimal::ceiled_integer() const {
  if (scale_ == 0) return *this;
  const auto unit = static_cast<int128>(pow10(scale_));
  int128 q = coeff_ / unit;
  if (coeff_ % unit != 0) q += coeff_ < 0 ? -1 : 1;
  return Decimal(q, 0);
}

Decimal Decimal::normalized() const {
  int128 c = coeff_;
  int s = scale_;
  while (s > 0 && c % 10 == 0) {
    c /= 10;
    --s;
  }
  return Decimal(c, s);
}

Result<Decimal> Decimal::rescaled(int scale) const {
  if (scale < 0 || scale > kMaxScale) {
    return fail(DiagCode::DecimalTooManyPlaces,
                "cannot rescale " + to_string() + " to scale " + std::to_string(scale) +
                    "; allowed are 0.." + std::to_string(kMaxScale));
  }
  if (scale >= scale_) {
    const uint128 factor = pow10(scale - scale_);
    if (magnitude(coeff_) > kMaxMagnitude / factor) {
      return overflow(to_string() + " with " + std::to_string(scale) + " decimal places");
    }
    return Decimal(coeff_ * static_cast<int128>(factor), scale);
  }
  const auto factor = static_cast<int128>(pow10(scale_ - scale));
  if (coeff_ % factor != 0) {
    return fail(DiagCode::DecimalTooManyPlaces,
                to_string() + " cannot be written with " + std::to_string(scale) +
                    " decimal places without rounding");
  }
  return Decimal(coeff_ / factor, scale);
}

Decimal Decimal::abs() const { return Decimal(coeff_ < 0 ? -coeff_ : coeff_, scale_); }

Decimal Decimal::operator-() const { return Decimal(-coeff_, scale_); }

// ---------------------------------------------------------------- arithmetic

namespace {

/// A signed wide intermediate: sign and 256-bit magnitude.
struct Wide {
  bool negative = false;
  U256 mag;
};

Result<Decimal> narrow(const Wide& w, int scale, const std::string& what) {
  if (!w.mag.fits_u128() || w.mag.low() > kMaxMagnitude) return overflow(what);
  const auto c = static_cast<int128>(w.mag.low());
  return Decimal::from_parts(w.negative ? -c : c, scale);
}

/// a + b (or a - b when subtract) exactly, at the larger scale.
Result<Decimal> add_or_sub(const Decimal& a, const Decimal& b, bool subtract) {
  const int s = std::max(a.scale(), b.scale());
  const U256 ma = mul(magnitude(a.coefficient()), pow10(s - a.scale()));
  const U256 mb = mul(magnitude(b.coefficient()), pow10(s - b.scale()));
  const bool na = a.is_negative();
  const bool nb = b.is_negative() != subtract;
  Wide r;
  if (na == nb) {
    r.negative = na;
    r.mag = add(ma, mb);
  } else if (compare(ma, mb) >= 0) {
    r.negative = na;
    r.mag = sub(ma, mb);
  } else {
    r.negative = nb;
    r.mag = sub(mb, ma);
  }
  return narrow(r, s, describe(a, subtract ? "-" : "+", b));
}

/// a × b × 10^-extra_scale, rounded once (half away from zero) to `places`.
Result<Decimal> mul_scaled(const Decimal& a, const Decimal& b, int extra_scale, int places,
                           const std::string& what) {
  const int natural = a.scale() + b.scale() + extra_scale;
  Wide r;
  r.negative = a.is_negative() != b.is_negative();
  r.mag = mul(magnitude(a.coefficient()), magnitude(b.coefficient()));
  if (places >= natural) {
    // Widening only grows the magnitude: stop early when it is already too big.
    if (!r.mag.fits_u128() || r.mag.low() > kMaxMagnitude) return overflow(what);
    r.mag = mul(r.mag.low(), pow10(places - natural));
  } else {
    r.mag = div_round_half_up(r.mag, U256::from(pow10(natural - places)));
  }
  return narrow(r, places, what);
}

}  // namespace

Result<Decimal> Decimal::checked_add(const Decimal& a, const Decimal& b) {
  return add_or_sub(a, b, false);
}

Result<Decimal> Decimal::checked_sub(const Decimal& a, const Decimal& b) {
  return add_or_sub(a, b, true);
}

Result<Decimal> Decimal::checked_mul(const Decimal& a, const Decimal& b) {
  return mul_scaled(a, b, 0, std::min(a.scale() + b.scale(), kMaxScale), describe(a, "*", b));
}

Result<Decimal> Decimal::checked_mul_rounded(const Decimal& a, const Decimal& b, int places) {
  if (places < 0 || places > kMaxScale) return bad_places(places);
  return mul_scaled(a, b, 0, places, describe(a, "*", b));
}

Result<Decimal> Decimal::checked_percent(const Decimal& base, const Decimal& pct, int places) {
  if (places < 0 || places > kMaxScale) return bad_places(places);
  return mul_scaled(base, pct, 2, places, pct.to_string() + " % of " + base.to_string());
}

Result<Decimal> Decimal::checked_div(const Decimal& a, const Decimal& b, int places) {
  if (places < 0 || places > kMaxScale) return bad_places(places);
  if (b.is_zero()) {
    return fail(DiagCode::DivisionByZero, "cannot divide " + a.to_string() + " by zero");
  }
  // a / b = (ca × 10^sb) / (cb × 10^sa); the result coefficient at `places` is
  // ca × 10^(sb + places - sa) / cb.
  const int e = b.scale() + places - a.scale();  // -18..36
  U256 num = U256::from(magnitude(a.coefficient()));
  U256 den = U256::from(magnitude(b.coefficient()));
  if (e >= 0) {
    num = mul(magnitude(a.coefficient()), pow10(e));
  } else {
    den = mul(magnitude(b.coefficient()), pow10(-e));
  }
  Wide r;
  r.negative = a.is_negative() != b.is_negative();
  r.mag = div_round_half_up(num, den);
  return narrow(r, places, describe(a, "/", b));
}

Decimal operator+(const Decimal& a, const Decimal& b) {
  auto r = Decimal::checked_add(a, b);
  if (!r) throw DecimalOverflow(r.error().message);
  return *r;
}

Decimal operator-(const Decimal& a, const Decimal& b) {
  auto r = Decimal::checked_sub(a, b);
  if (!r) throw DecimalOverflow(r.error().message);
  return *r;
}

Decimal operator*(const Decimal& a, const Decimal& b) {
  auto r = Decimal::checked_mul(a, b);
  if (!r) throw DecimalOverflow(r.error().message);
  return *r;
}

// ---------------------------------------------------------------- comparison

std::strong_ordering operator<=>(const Decimal& a, const Decimal& b) {
  if (a.sign() != b.sign()) return a.sign() <=> b.sign();
  if (a.sign() == 0) return std::strong_ordering::equal;
  const auto m = compare_magnitudes(magnitude(a.coeff_), a.scale_, magnitude(b.coeff_), b.scale_);
  if (a.sign() > 0) return m;
  return 0 <=> m;  // both negative: the larger magnitude is the smaller value
}

bool operator==(const Decimal& a, const Decimal& b) { return (a <=> b) == 0; }

}  // namespace cb
