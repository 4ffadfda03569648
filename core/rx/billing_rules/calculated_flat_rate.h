#pragma once
// Calculated flat rates (`Kalk. Art`, rx-billing.md §2 and §6, seed 002
// "Kalk. Art"): delivered quantity (calorie flat rate), delivered amount, cap
// with an offset line, daily-exact billing.

#include <optional>
#include <string>
#include <vector>

#include "core/diag/diagnostic.h"
#include "core/rx/enums.h"
#include "core/value/date.h"
#include "core/value/decimal.h"
#include "core/value/money.h"

namespace cb::rx::billing {

/// One posted delivery inside the billing period that feeds the calculation.
struct CalcDelivery {
  Date date = Date::from_days(0);
  std::string document_no;     // delivery note
  std::string item_no;
  Decimal base_quantity;       // delivered quantity in the base unit
  /// The item's calculation extra field value per base unit (e.g. `KABA` kcal);
  /// none when the contract line's extra field is blank (basis = base quantity).
  std::optional<Decimal> extra_value;
  Money amount = Money::zero(Currency::eur());  // delivered (line) amount, for delivered_amount / cap
  friend bool operator==(const CalcDelivery&, const CalcDelivery&) = default;
};

/// The contract line's calculation settings and the billing period.
struct CalcInput {
  CalculationKind kind = CalculationKind::none;
  CalculationLimit limit = CalculationLimit::none;
  std::optional<Decimal> limit_value;      // `Kalk. Wert`, e.g. 30000 (kcal) or an amount
  std::optional<Decimal> reference_value;  // delivered_quantity: basis ÷ reference, e.g. 30000
  std::string extra_field;                 // `Kalk. Zusatzfeld`, e.g. KABA (for the texts)
  Decimal line_quantity = Decimal::from_int(1);  // the flat rate's quantity (daily: 30)
  Money unit_price = Money::zero(Currency::eur());
  Date billing_from = Date::from_days(0);  // billing period, inclusive
  Date billing_to = Date::from_days(0);
  std::vector<CalcDelivery> deliveries;    // the period's posted deliveries (others are ignored)
  friend bool operator==(const CalcInput&, const CalcInput&) = default;
};

/// The offset line of a cap (`Begrenzung`): the amount beyond the limit with
/// the opposite sign.
struct OffsetLine {
  Money amount = Money::zero(Currency::eur());
  std::string text;
  friend bool operator==(const OffsetLine&, const OffsetLine&) = default;
};

/// The billed flat-rate line.
struct CalcResult {
  Decimal quantity;          // billed quantity (delivered_quantity: up to 5 places)
  Money unit_price = Money::zero(Currency::eur());  // delivered_amount / cap: the summed amount, quantity 1
  Money line_amount = Money::zero(Currency::eur()); // quantity × unit price, rounded to cents
  Decimal basis;             // the summed basis before the limit (kcal, amount, days)
  Decimal limited_basis;     // after the limit
  std::optional<OffsetLine> offset;  // cap only, when the limit bites
  /// The deliveries as invoice texts ("2026-03-05 LS1001 NUTRI-500 10 x 1500 KABA"),
  /// for `Lief. als Kommentar` or `Lief. als Zeile`.
  std::vector<std::string> delivery_texts;
  friend bool operator==(const CalcResult&, const CalcResult&) = default;
};

/// Computes the flat rate for one billing period; only deliveries dated
/// inside billing_from..billing_to count.
/// - none: quantity = line quantity.
/// - delivered_quantity: basis = Σ base quantity × extra value (or base
///   quantity); limited by maximum/minimum; quantity = limited ÷ reference
///   (5 places; no reference: 1 per unit of basis). Calorie flat rate: grows
///   with each delivery of the month, capped at 1 at 30000 kcal.
/// - delivered_amount: Σ delivered amounts (limited by max/min), quantity 1.
/// - cap: Σ delivered amounts as the line; beyond a maximum (below a
///   minimum) an offset line of opposite sign brings it to the limit.
/// - daily: a whole calendar month bills the line quantity (30); a part of a
///   month bills its day count (at most the line quantity).
/// Failures: BRL003 (reference value 0 or negative, billing_to before
/// billing_from, a delivery without extra value when one is needed, mixed currencies).
Result<CalcResult> compute_calculated_flat_rate(const CalcInput& input);

/// Days of a billing period, both ends included.
int billing_period_days(const Date& from, const Date& to);

}  // namespace cb::rx::billing
