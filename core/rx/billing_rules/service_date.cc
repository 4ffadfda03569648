#include "core/rx/billing_rules/service_date.h"

#include <algorithm>

namespace cb::rx::billing {
namespace {

ServiceDate make(Date d, ServiceDateSource s, bool manual) {
  ServiceDate out;
  out.date = d;
  out.source = s;
  out.manual = manual;
  out.vat_period_from = d.start_of_month();
  out.vat_period_to = d.end_of_month();
  return out;
}

}  // namespace

ServiceDate determine_service_date(const ServiceDateInput& in) {
  if (in.period_override)
    return make(*in.period_override, ServiceDateSource::period_override, in.period_override_manual);
  if (in.direct_billing) {
    if (!in.delivery_note_dates.empty())
      return make(*std::max_element(in.delivery_note_dates.begin(), in.delivery_note_dates.end()),
                  ServiceDateSource::last_delivery_note, false);
    return make(in.billing_date, ServiceDateSource::billing_date, false);
  }
  const auto inside = [&](const Date& d) { return in.billing_from <= d && d <= in.billing_to; };
  if (in.proof_date && inside(*in.proof_date))
    return make(*in.proof_date, ServiceDateSource::proof_in_billing_period, false);
  std::optional<Date> last;
  for (const Date& d : in.delivery_note_dates)
    if (inside(d) && (!last || *last < d)) last = d;
  if (last) return make(*last, ServiceDateSource::last_delivery_in_billing_period, false);
  return make(in.billing_date, ServiceDateSource::billing_date, false);
}

std::string_view to_text(ServiceDateSource s) {
  switch (s) {
    case ServiceDateSource::period_override: return "period_override";
    case ServiceDateSource::last_delivery_note: return "last_delivery_note";
    case ServiceDateSource::proof_in_billing_period: return "proof_in_billing_period";
    case ServiceDateSource::last_delivery_in_billing_period: return "last_delivery_in_billing_period";
    case ServiceDateSource::billing_date: return "billing_date";
  }
  return "billing_date";
}

}  // namespace cb::rx::billing
