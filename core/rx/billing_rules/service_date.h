#pragma once
// Service date (`Leistungserbringungsdatum`, rx-billing.md §6) of an invoice
// line and in the DTA: the hierarchy that picks it, and the VAT period it decides.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/value/date.h"

namespace cb::rx::billing {

/// Where the service date came from.
enum class ServiceDateSource : std::uint8_t {
  period_override,                  // the case period's service date (manual flag reported)
  last_delivery_note,               // direct billing: last delivery note of the schedule
  proof_in_billing_period,          // flat rate: the proof's document date inside the billing period
  last_delivery_in_billing_period,  // flat rate: last delivery note inside the billing period
  billing_date,                     // empty flat rate: the billing date of the billing period
};

/// What the service date is chosen from.
struct ServiceDateInput {
  std::optional<Date> period_override;  // case period `Leistungserbringungsdatum`
  bool period_override_manual = false;  // set by hand (system updates keep it)
  bool direct_billing = false;          // billing kind direct / purchase (else flat rate)
  /// Direct billing: document dates of the delivery notes of the invoice schedule.
  /// Flat rate: document dates of all delivery notes of the case period (only
  /// those inside the billing period count).
  std::vector<Date> delivery_note_dates;
  std::optional<Date> proof_date;       // flat rate: the proof's document date (delivery_proof.h)
  Date billing_from = Date::from_days(0);  // billing period
  Date billing_to = Date::from_days(0);
  Date billing_date = Date::from_days(0);  // the billing period's billing (posting) date
  friend bool operator==(const ServiceDateInput&, const ServiceDateInput&) = default;
};

/// The chosen service date and the VAT period it decides.
struct ServiceDate {
  Date date = Date::from_days(0);
  ServiceDateSource source = ServiceDateSource::billing_date;
  bool manual = false;  // period override set by hand
  /// The VAT period: the month of the service date (first and last day); the
  /// VAT rate is the one valid on `date` (vat.h).
  Date vat_period_from = Date::from_days(0);
  Date vat_period_to = Date::from_days(0);
  friend bool operator==(const ServiceDate&, const ServiceDate&) = default;
};

/// The hierarchy: (1) the period override; (2) direct billing: the latest
/// delivery note date (none: the billing date); (3) flat rate: the proof date
/// if inside the billing period, else the latest delivery note date inside the
/// billing period, else the billing date (empty flat rate).
ServiceDate determine_service_date(const ServiceDateInput& input);

std::string_view to_text(ServiceDateSource s);

}  // namespace cb::rx::billing
