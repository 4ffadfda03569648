// Fuzz target for Decimal::parse and what a parsed value promises: arbitrary
// bytes either fail with a DEC diagnostic pointing inside the input, or give a
// value whose canonical text parses back to the same value and scale, and whose
// rounding and formatting keep their documented properties. A violated
// invariant calls abort(), which both libFuzzer and the replay test report.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/value/decimal.h"

namespace {

void check(bool ok, const char* what, std::string_view input) {
  if (ok) return;
  std::fprintf(stderr, "decimal_fuzz: invariant violated: %s (input %zu bytes: '%.*s')\n", what,
               input.size(), static_cast<int>(input.size()), input.data());
  std::abort();
}

bool same(const cb::Decimal& a, const cb::Decimal& b) {
  return a == b && a.scale() == b.scale() && a.coefficient() == b.coefficient();
}

void check_value(const cb::Decimal& x, std::string_view input) {
  using cb::Decimal;
  const std::string canonical = x.to_string();
  auto back = Decimal::parse(canonical);
  check(back.has_value(), "to_string() parses", input);
  check(same(*back, x), "parse(to_string()) is the same value and scale", input);
  check(x.normalized() == x, "normalized() keeps the value", input);
  check((x <=> x) == 0 && x == -(-x), "a value equals itself", input);

  Decimal::ParseOptions comma;
  comma.allow_comma = true;
  for (int places = 0; places <= Decimal::kMaxScale; ++places) {
    const std::string text = x.format(places, ',');
    auto formatted = Decimal::parse(text, comma);
    if (!formatted) {
      // Widening the scale can need more than kMaxDigits digits: format() still
      // writes them, parse() rightly refuses them, and so does rescaled().
      check(places > x.scale() && formatted.error().code == cb::DiagCode::DecimalOverflow &&
                !x.rescaled(places).has_value(),
            "format(places, ',') parses with allow_comma unless it needs too many digits", input);
      continue;
    }
    check(formatted->scale() == places, "format(places) has that many places", input);
    if (places <= x.scale()) {
      const Decimal r = x.rounded(places);
      check(same(*formatted, r), "format(places) is rounded(places)", input);
      const Decimal t = x.truncated(places);
      check(t.abs() <= x.abs() && r.scale() == places && t.scale() == places,
            "rounded/truncated have the requested scale", input);
      auto error = Decimal::checked_sub(r, x);
      check(error.has_value(), "rounding error fits", input);
      check(*error * Decimal::from_int(2) <= *Decimal::from_parts(1, places) &&
                *error * Decimal::from_int(-2) <= *Decimal::from_parts(1, places),
            "rounded() is within half a unit", input);
    } else {
      check(*formatted == x, "format(more places) keeps the value", input);
      auto wider = x.rescaled(places);
      if (wider) check(same(x.rounded(places), *wider), "rounded(more places) is exact", input);
    }
  }
  const Decimal c = x.ceiled_integer();
  check(c.scale() == 0 && c.abs() >= x.abs(), "ceiled_integer() rounds away from zero", input);

  auto twice = Decimal::checked_add(x, x);
  if (twice) {
    auto back_again = Decimal::checked_sub(*twice, x);
    check(back_again.has_value() && *back_again == x, "x + x - x == x", input);
  } else {
    check(twice.error().code == cb::DiagCode::DecimalOverflow, "add fails only by overflow", input);
  }
  auto zero = Decimal::checked_sub(x, x);
  check(zero.has_value() && zero->is_zero(), "x - x == 0", input);
  auto one = Decimal::checked_mul(x, Decimal::from_int(1));
  check(one.has_value() && same(*one, x), "x * 1 == x", input);
  auto quotient = Decimal::checked_div(x, Decimal::from_int(1), x.scale());
  check(quotient.has_value() && same(*quotient, x), "x / 1 == x", input);
  if (!x.is_zero()) {
    auto self = Decimal::checked_div(x, x, 0);
    check(self.has_value() && *self == Decimal::from_int(1), "x / x == 1", input);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (const bool allow_comma : {true, false}) {
    cb::Decimal::ParseOptions opts;
    opts.allow_comma = allow_comma;
    auto parsed = cb::Decimal::parse(input, opts);
    if (parsed) {
      check_value(*parsed, input);
      continue;
    }
    const auto& d = parsed.error();
    const std::string_view id = cb::code_id(d.code);
    check(id.substr(0, 3) == "DEC", "a rejection has a DEC code", input);
    check(d.where.column >= 1 && d.where.column <= input.size() + 1,
          "the column points into the input", input);
    check(!d.message.empty(), "a rejection says what is wrong", input);
  }
  return 0;
}
