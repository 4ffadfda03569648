#include "core/rx/billing_rules/calculated_flat_rate.h"

namespace cb::rx::billing {
namespace {

constexpr int kQuantityPlaces = 5;

Location field(std::string f) {
  Location w;
  w.field = std::move(f);
  return w;
}

Decimal apply_limit(const Decimal& basis, CalculationLimit limit, const std::optional<Decimal>& value) {
  if (!value) return basis;
  if (limit == CalculationLimit::maximum && *value < basis) return *value;
  if (limit == CalculationLimit::minimum && basis < *value) return *value;
  return basis;
}

}  // namespace

int billing_period_days(const Date& from, const Date& to) {
  return static_cast<int>(days_between(from, to)) + 1;
}

Result<CalcResult> compute_calculated_flat_rate(const CalcInput& in) {
  if (in.billing_to < in.billing_from)
    return fail(DiagCode::BrlCalcInput,
                "billing period ends " + in.billing_to.to_string() + " before it starts " +
                    in.billing_from.to_string(),
                field("/billing_to"));
  if (in.reference_value && !(Decimal() < *in.reference_value))
    return fail(DiagCode::BrlCalcInput,
                "reference value " + in.reference_value->to_string() + " must be positive",
                field("/reference_value"));
  const Currency currency = in.unit_price.currency();
  const int minor = currency.minor_units();

  CalcResult out;
  out.unit_price = in.unit_price;
  out.line_amount = Money::zero(currency);

  std::vector<const CalcDelivery*> inside;
  for (std::size_t i = 0; i < in.deliveries.size(); ++i) {
    const auto& d = in.deliveries[i];
    if (d.date < in.billing_from || in.billing_to < d.date) continue;
    const bool amounts = in.kind == CalculationKind::delivered_amount || in.kind == CalculationKind::cap;
    if (amounts && !(d.amount.currency() == currency))
      return fail(DiagCode::BrlCalcInput,
                  "delivery " + d.document_no + " is in " + std::string(d.amount.currency().code()) +
                      ", the flat rate in " + std::string(currency.code()),
                  field("/deliveries/" + std::to_string(i)));
    if (in.kind == CalculationKind::delivered_quantity && !in.extra_field.empty() && !d.extra_value)
      return fail(DiagCode::BrlCalcInput,
                  "delivery " + d.document_no + " item " + d.item_no + " has no extra field " +
                      in.extra_field,
                  field("/deliveries/" + std::to_string(i)));
    inside.push_back(&d);
  }

  switch (in.kind) {
    case CalculationKind::none:
      out.quantity = in.line_quantity;
      out.basis = in.line_quantity;
      out.limited_basis = in.line_quantity;
      break;
    case CalculationKind::delivered_quantity: {
      for (const auto* d : inside) {
        const Decimal per = d->extra_value && !in.extra_field.empty() ? *d->extra_value : Decimal::from_int(1);
        out.basis += d->base_quantity * per;
        out.delivery_texts.push_back(d->date.to_string() + " " + d->document_no + " " + d->item_no +
                                     " " + d->base_quantity.to_string() +
                                     (in.extra_field.empty() ? std::string()
                                                             : " x " + per.to_string() + " " + in.extra_field));
      }
      out.limited_basis = apply_limit(out.basis, in.limit, in.limit_value);
      out.quantity = in.reference_value
                         ? Decimal::checked_div(out.limited_basis, *in.reference_value, kQuantityPlaces).value()
                         : out.limited_basis;
      break;
    }
    case CalculationKind::delivered_amount:
    case CalculationKind::cap: {
      for (const auto* d : inside) {
        out.basis += d->amount.amount();
        out.delivery_texts.push_back(d->date.to_string() + " " + d->document_no + " " + d->item_no +
                                     " " + d->base_quantity.to_string() + " = " + d->amount.to_string());
      }
      out.limited_basis = apply_limit(out.basis, in.limit, in.limit_value);
      out.quantity = Decimal::from_int(1);
      if (in.kind == CalculationKind::delivered_amount) {
        out.unit_price = Money(out.limited_basis, currency);
      } else {
        out.unit_price = Money(out.basis, currency);
        if (!(out.limited_basis == out.basis)) {
          OffsetLine off;
          off.amount = Money((out.limited_basis - out.basis).rounded(minor), currency);
          off.text = std::string(in.limit == CalculationLimit::maximum ? "cap: maximum " : "cap: minimum ") +
                     in.limit_value->to_string() + ", delivered " + out.basis.to_string();
          out.offset = off;
        }
      }
      break;
    }
    case CalculationKind::daily: {
      const int days = billing_period_days(in.billing_from, in.billing_to);
      const bool whole_month = in.billing_from == in.billing_from.start_of_month() &&
                               in.billing_to == in.billing_from.end_of_month();
      out.basis = Decimal::from_int(days);
      out.quantity = whole_month || in.line_quantity < out.basis ? in.line_quantity : out.basis;
      out.limited_basis = out.quantity;
      break;
    }
  }
  out.line_amount = Money(Decimal::checked_mul_rounded(out.quantity, out.unit_price.amount(), minor).value(),
                          currency);
  return out;
}

}  // namespace cb::rx::billing
