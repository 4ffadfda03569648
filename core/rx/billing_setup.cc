#include "core/rx/billing_setup.h"

#include <array>
#include <cstddef>

namespace cb::rx {

namespace {
constexpr std::array<std::string_view, 3> kGroupingNames = {"per_case_period", "per_case", "per_patient"};

Date ymd(int y, int m, int d) { return Date::from_ymd(y, m, d).value(); }
Decimal pct(std::int64_t v) { return Decimal::from_int(v); }
}  // namespace

std::string_view to_text(InvoiceGrouping v) { return kGroupingNames.at(static_cast<std::size_t>(v)); }
std::optional<InvoiceGrouping> InvoiceGrouping_from_text(std::string_view s) {
  for (std::size_t i = 0; i < kGroupingNames.size(); ++i) {
    if (kGroupingNames[i] == s) return static_cast<InvoiceGrouping>(i);
  }
  return std::nullopt;
}

BillingSetup BillingSetup::defaults() {
  BillingSetup s;
  s.horizon = DateFormula::parse("13M").value();
  const Date start = ymd(2007, 1, 1);
  const Date cut_from = ymd(2020, 7, 1);
  const Date cut_to = ymd(2020, 12, 31);
  s.vat_rates = {
      {"standard", pct(19), start, ymd(2020, 6, 30)},
      {"standard", pct(16), cut_from, cut_to},
      {"standard", pct(19), ymd(2021, 1, 1), std::nullopt},
      {"reduced", pct(7), start, ymd(2020, 6, 30)},
      {"reduced", pct(5), cut_from, cut_to},
      {"reduced", pct(7), ymd(2021, 1, 1), std::nullopt},
      {"exempt_healthcare", pct(0), start, std::nullopt},
  };
  return s;
}

std::optional<Decimal> BillingSetup::vat_rate(std::string_view product_group, const Date& on) const {
  for (const auto& r : vat_rates) {
    if (r.product_group != product_group) continue;
    if (r.valid_from && on < *r.valid_from) continue;
    if (r.valid_to && on > *r.valid_to) continue;
    return r.rate_pct;
  }
  return std::nullopt;
}

}  // namespace cb::rx
