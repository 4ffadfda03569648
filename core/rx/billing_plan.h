#pragma once
// The billing plan (`Abrechnungsplan`) of a patient, rx-billing.md §6: one
// billing line per billed case line (every delivery-plan line and every
// flat-rate resource line), and billing schedules
// (`Abrechnungsplaneinteilungen`) = the expected invoice lines.
// Keys: the plan is keyed by patient id; billing line 10000, 20000... inside
// the plan; billing schedule 1, 2... inside the line, never reused.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/rx/enums.h"
#include "core/rx/master_data.h"
#include "core/value/date.h"
#include "core/value/decimal.h"

namespace cb::rx {

/// Status of a billing schedule (`Status`): planned (editable), fixed (the
/// invoice is created, not yet posted), delivery (a delivery is attached),
/// invoice (posted invoice attached).
enum class BillingScheduleStatus : std::uint8_t { planned, fixed, delivery, invoice };
/// How a billing line bills (`Vorgangsart` of the schedule): purchase
/// (`Kauf`: one schedule per ordered/delivered delivery schedule), flat rate
/// (`Pauschale`: one schedule per billing period, from the start), included
/// (delivered under a flat rate, not billed itself), none (billing kind `Keine`).
enum class BillingProcess : std::uint8_t { purchase, flat_rate, included, none };

std::string_view to_text(BillingScheduleStatus v);
std::optional<BillingScheduleStatus> BillingScheduleStatus_from_text(std::string_view s);
std::string_view to_text(BillingProcess v);
std::optional<BillingProcess> BillingProcess_from_text(std::string_view s);

/// A billing schedule (`Abrechnungsplaneinteilung`): one expected invoice line.
struct BillingSchedule {
  int no = 0;  // 1, 2... inside the billing line, never reused
  BillingScheduleStatus status = BillingScheduleStatus::planned;
  std::string error_code;          // ABWARTEN, LN-FEHLT, LN-MANUELL, ENDE...
  Date posting_date = Date::from_days(0);  // drives invoice call-off
  int billing_period_no = 0;       // flat rate: the case period's billing period (0 = none)
  Date supply_from = Date::from_days(0);
  Date supply_to = Date::from_days(0);
  std::optional<Date> service_date;  // Leistungserbringungsdatum (set at invoicing)
  // Links to the delivery side (purchase: the delivery schedule it bills).
  int delivery_line_no = 0;
  int delivery_schedule_no = 0;
  std::string delivery_document_no;  // sales order, then delivery note
  std::optional<Date> delivered_on;
  // Invoice documents.
  std::string invoice_no;   // the invoice (or the credit note that closed it)
  int invoice_line_no = 0;
  std::vector<std::string> documents;  // every invoice/credit note that touched it, in order
  // Values (`Art/Nr./Menge/Einheit/Preis/Rabatt/Zeilenbetrag`).
  LineKind kind = LineKind::item;
  std::string number;
  std::string variant;
  std::string serial_no;
  std::string description;
  Decimal quantity;
  std::string unit;
  Decimal unit_price;
  std::string discount_reason;
  Decimal line_discount_pct;
  Decimal line_amount;   // quantity × price − discount, rounded to cents
  Decimal split_amount;  // co-payment + own share + surcharge deducted from the insurer
  bool manual = false;
  /// After a credit note without recalculation (`Planwerte ändern`): true =
  /// the schedule is not invoiced again.
  bool change_plan_values = false;

  friend bool operator==(const BillingSchedule&, const BillingSchedule&) = default;
};

/// A billing line (`Abrechnungsplanzeile`).
struct BillingLine {
  int line_no = 0;  // 10000, 20000... inside the plan
  std::string case_no;
  int period_no = 1;
  int case_line_no = 0;
  int contract_line_no = 0;
  std::optional<int> delivery_line_no;  // the delivery-plan line (items)
  BillingProcess process = BillingProcess::purchase;
  LineKind kind = LineKind::item;
  std::string number;
  std::string variant;
  std::string description;
  std::string belongs_to_flat_rate;
  Decimal quantity = Decimal::from_int(1);
  std::string unit;
  // Billing recipient (`Rechnungsempfänger`), as last resolved.
  std::string recipient_role;  // KK-AB, KK-PRAB, KK-PRUM, VS
  std::string recipient_id;
  BillingMethod billing_method = BillingMethod::none;
  // Price (`Preisherkunft`): price finding, manual or contract.
  PriceOrigin price_origin = PriceOrigin::price_finding;
  std::optional<Decimal> unit_price;        // none = no price found
  std::optional<Date> price_fixation_date;  // Preisfixierung am
  bool prices_include_vat = false;
  std::string discount_reason;
  Decimal line_discount_pct;
  Decimal split_amount;  // per schedule: co-payment + own share + surcharge
  bool no_billing_split = false;
  std::string copayment_group;  // GH1, GZ1
  std::string vat_product_group;
  std::string error_code;  // from the contract line, written onto the schedules
  bool manual_change = false;
  ExtraFields extra_fields;  // billing Hilfsmittelnummer (HMV-NR), LKZ, ACTK302
  int last_schedule_no_used = 0;
  std::vector<BillingSchedule> schedules;

  const BillingSchedule* find_schedule(int no) const;
  BillingSchedule* find_schedule(int no);
  friend bool operator==(const BillingLine&, const BillingLine&) = default;
};

/// The billing plan of one patient.
struct BillingPlan {
  std::string patient_id;
  std::vector<BillingLine> lines;

  const BillingLine* find_line(int line_no) const;
  BillingLine* find_line(int line_no);
  /// The billing line of a case line, nullptr when none.
  const BillingLine* line_of(std::string_view case_no, int period_no, int case_line_no) const;
  friend bool operator==(const BillingPlan&, const BillingPlan&) = default;
};

}  // namespace cb::rx
