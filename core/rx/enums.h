#pragma once
// The closed value sets of the prescription-billing domain (contracts, cases,
// requirements, delivery plans), each with its canonical text for the JSON
// codecs and the clerk views. German ERP terms in the comments.

#include <cstdint>
#include <optional>
#include <string_view>

namespace cb::rx {

/// Plan type of a contract header (`Plantyp`): blank = purchase/flat rate.
enum class PlanType : std::uint8_t { standard, repair, maintenance, reuse };
/// Release status of a contract header or version (`Status`: offen/freigegeben).
enum class ReleaseStatus : std::uint8_t { open, released };
/// Contract kind (`Vertragsart`): who the contract is with.
enum class ContractKind : std::uint8_t { general, billing_debtor, price_debtor, association };
/// Billing method (`Abrechnungsverfahren`): P300/P302 electronic DTA, Direkt, Paper.
enum class BillingMethod : std::uint8_t { none, p300, p302, direct, paper };
/// Billing form (`Abrechnungsform`): blank, purchase (Kauf), flat rate (Pauschale).
enum class BillingForm : std::uint8_t { none, purchase, flat_rate };
/// Dispensing type (`Abgabeart`): blank, permanent (Dauer), single (Einzeln).
enum class DispensingType : std::uint8_t { none, permanent, single };
/// Start-date default of a new case period (`Startdatum Vorgabe`).
enum class StartDateRule : std::uint8_t { working_date, month_start };
/// Delivery proof rule (`Liefernachweis`) for flat rates.
enum class DeliveryProofRule : std::uint8_t {
  none,                 // blank: last proof anywhere
  case_whole,           // any delivery in the whole case
  case_period,          // any delivery in the case period
  billing_period,       // a delivery inside exactly the billing period
  case_formula,         // case + date formula (e.g. -2M)
  case_period_formula,  // case period + date formula
};
/// Invoice instruction (`Rechnungsanweisung`).
enum class InvoiceInstruction : std::uint8_t { partial, complete };
/// Extension mode of a period (`Verlängerungsart`).
enum class ExtensionMode : std::uint8_t { none, manual, automatic, at_creation };
/// Service-date rule (`Leistungserbringungsdatum`) of a period.
enum class ServiceDateRule : std::uint8_t { none, case_period_start, billing_start, previous_period };
/// Kind of a contract line (`Art`).
enum class LineKind : std::uint8_t {
  item, contract_finding_item, resource, maintenance, repair, device_reference
};
/// Billing kind of a contract line (`Abrechnungsart`).
enum class BillingKind : std::uint8_t {
  flat_rate,  // Pauschale: billed through the flat rate it belongs to
  direct,     // Direkt: billed per item
  both,       // Beide
  none,       // Keine: delivered, not billed
};
/// Delivery type (`Lieferart`) of a contract line and a delivery-plan line.
enum class DeliveryType : std::uint8_t {
  none,                 // blank: one schedule at release
  periodic,             // Periodisch: schedules every interval
  call_off,             // Abruf: no schedules until call-off positions are created
  transfer,             // Umlagerung: stock moves to foreign/outside property
  transfer_call_off,    // Umlagerung Abruf
  transfer_periodic,    // Umlagerung periodisch
  transfer_in_advance,  // Umlagerung vorab (e.g. hearing-aid trial)
  daily_periodic,       // täglich periodisch: never released
};
/// Delivery type on extension (`Lieferart bei Verlängerung`).
enum class DeliveryTypeOnExtension : std::uint8_t { keep, from_contract };
/// Price origin and line-discount origin (`Preisherkunft`).
enum class PriceOrigin : std::uint8_t { price_finding, manual, contract };
/// Calculation kind (`Kalk. Art`) of a contract line.
enum class CalculationKind : std::uint8_t {
  none,
  delivered_quantity,  // Lief. Menge
  delivered_amount,    // Lief. Betrag
  cap,                 // Begrenzung
  daily,               // Tagesgenau
};
/// Calculation limit (`Kalk. Begrenzung`).
enum class CalculationLimit : std::uint8_t { none, maximum, minimum };
/// Calculation billing output (`Kalk. Ausgabe`).
enum class CalculationOutput : std::uint8_t { none, comment, extra_line };
/// Kind of a posting code (`Buchungscode`).
enum class PostingCodeKind : std::uint8_t {
  fixed_assets,      // AV: rental pool
  current_assets,    // UV: new stock, consumed on delivery
  foreign_property,  // F-<insurer>-K: the insurer's device kept in stock records
};
/// Status class of a requirement status (`Statusklasse`).
enum class StatusClass : std::uint8_t {
  necessary, awaiting_answer, info_ok, info_not_ok, no_answer, not_necessary
};
/// What a requirement is needed for.
enum class RequirementPurpose : std::uint8_t { delivery, billing };
/// Quality a requirement needs (`Qualität`).
enum class RequirementQuality : std::uint8_t { none, copy, original };
/// Status of a case period (`Status`): edited while open.
enum class PeriodStatus : std::uint8_t { open, released, ended };
/// Outcome of a pool query (`Poolabfrage`) before choosing a reuse contract.
enum class PoolOutcome : std::uint8_t { none, positive, negative };
/// Status of a delivery-plan line.
enum class PlanLineStatus : std::uint8_t { open, released, ended };
/// Status of a delivery schedule (`Lieferplaneinteilung`).
enum class ScheduleStatus : std::uint8_t { preview, planned, fixed, delivery };
/// The traffic light of a period for delivery or billing.
enum class TrafficLight : std::uint8_t { green, red };
/// Severity of an application-log entry.
enum class LogLevel : std::uint8_t { info, warning, error };

/// Canonical lower-case text of each value ("call_off", "p302"...), and the
/// inverse. from_text accepts exactly the canonical text.
#define CB_RX_ENUM_TEXT(E)                 \
  std::string_view to_text(E v);           \
  std::optional<E> E##_from_text(std::string_view s);
CB_RX_ENUM_TEXT(PlanType)
CB_RX_ENUM_TEXT(ReleaseStatus)
CB_RX_ENUM_TEXT(ContractKind)
CB_RX_ENUM_TEXT(BillingMethod)
CB_RX_ENUM_TEXT(BillingForm)
CB_RX_ENUM_TEXT(DispensingType)
CB_RX_ENUM_TEXT(StartDateRule)
CB_RX_ENUM_TEXT(DeliveryProofRule)
CB_RX_ENUM_TEXT(InvoiceInstruction)
CB_RX_ENUM_TEXT(ExtensionMode)
CB_RX_ENUM_TEXT(ServiceDateRule)
CB_RX_ENUM_TEXT(LineKind)
CB_RX_ENUM_TEXT(BillingKind)
CB_RX_ENUM_TEXT(DeliveryType)
CB_RX_ENUM_TEXT(DeliveryTypeOnExtension)
CB_RX_ENUM_TEXT(PriceOrigin)
CB_RX_ENUM_TEXT(CalculationKind)
CB_RX_ENUM_TEXT(CalculationLimit)
CB_RX_ENUM_TEXT(CalculationOutput)
CB_RX_ENUM_TEXT(PostingCodeKind)
CB_RX_ENUM_TEXT(StatusClass)
CB_RX_ENUM_TEXT(RequirementPurpose)
CB_RX_ENUM_TEXT(RequirementQuality)
CB_RX_ENUM_TEXT(PeriodStatus)
CB_RX_ENUM_TEXT(PoolOutcome)
CB_RX_ENUM_TEXT(PlanLineStatus)
CB_RX_ENUM_TEXT(ScheduleStatus)
CB_RX_ENUM_TEXT(TrafficLight)
CB_RX_ENUM_TEXT(LogLevel)
#undef CB_RX_ENUM_TEXT

/// True for delivery types whose schedules are created at release
/// (blank, periodic, transfer, transfer periodic, transfer in advance).
bool creates_schedules_at_release(DeliveryType t);
/// True for periodic delivery types (periodic, transfer periodic).
bool is_periodic(DeliveryType t);
/// True for call-off delivery types (call-off, transfer call-off).
bool is_call_off(DeliveryType t);

}  // namespace cb::rx
