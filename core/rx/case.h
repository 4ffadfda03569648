#pragma once
// Cases (`Vorgang`) and case periods (`Vorgangsperiode`), rx-billing.md §3.
// Keys: case number "VG000001" (see ids.h); period number 1, 2... inside the
// case; case-line number 10000, 20000... inside the period.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/rx/enums.h"
#include "core/rx/master_data.h"
#include "core/rx/requirement.h"
#include "core/value/date.h"
#include "core/value/date_formula.h"
#include "core/value/decimal.h"

namespace cb::rx {

/// A case participant (`Vorgangsbeteiligter`): a partner role and its party.
struct Participant {
  std::string role;  // KK-KV, KK-AB, ARZT, PF-DE...
  std::string party_id;
  std::optional<Date> valid_from;
  std::optional<Date> valid_to;
  friend bool operator==(const Participant&, const Participant&) = default;
};

/// A billing period (`Abrechnungsperiode`) of a case period.
struct BillingPeriod {
  int no = 0;           // 1, 2... inside the case period
  Date supply_from = Date::from_days(0);     // first day supplied
  Date supply_to = Date::from_days(0);       // last day supplied
  Date posting_date = Date::from_days(0);    // billing/posting date (billing timing applied)
  bool ended = false;
  friend bool operator==(const BillingPeriod&, const BillingPeriod&) = default;
};

/// A contract line chosen for a case period (`Vorgangszeile`): the source of one
/// delivery-plan line (items) and, from issue 4 on, one billing line.
struct CaseLine {
  int line_no = 0;            // 10000, 20000... inside the period
  int contract_line_no = 0;   // the contract line it came from
  LineKind kind = LineKind::item;
  std::string number;         // item or resource number (a contract-finding item resolved to its item)
  std::string variant;
  std::string contract_finding_item;  // the level-1 group the item was chosen from
  std::string description;
  Decimal quantity = Decimal::from_int(1);
  std::string unit;
  BillingKind billing_kind = BillingKind::direct;
  std::string belongs_to_flat_rate;
  DeliveryType delivery_type = DeliveryType::none;
  std::optional<DateFormula> delivery_interval;
  std::string serial_no;      // reuse: the device's serial number
  std::string posting_code;
  std::string error_code;
  std::optional<int> delivery_line_no;  // the delivery-plan line, when the line is delivered
  friend bool operator==(const CaseLine&, const CaseLine&) = default;
};

/// A delivery proof (`Liefernachweis`): one posted delivery-note line, recorded
/// on the case period for the billing side.
struct DeliveryProof {
  std::string delivery_note_no;
  int note_line_no = 0;
  Date date = Date::from_days(0);
  int delivery_line_no = 0;
  int schedule_no = 0;
  std::string item_no;
  std::string variant;
  std::string serial_no;
  Decimal quantity;
  std::string unit;
  bool manual = false;  // manually assigned proof
  friend bool operator==(const DeliveryProof&, const DeliveryProof&) = default;
};

/// A case period: control fields copied from the contract period/version, and
/// overridable (rx-billing.md §3).
struct CasePeriod {
  int no = 1;
  std::string contract_no;
  int version_no = 1;
  std::string period_code = "E1";
  PeriodStatus status = PeriodStatus::open;
  Date start = Date::from_days(0);
  std::optional<Date> end;         // start + case duration - 1 day; none = open
  std::optional<Date> actual_end;  // therapy end
  std::optional<Date> prescription_date;
  std::optional<Date> service_date;
  bool service_date_manual = false;
  std::optional<Decimal> usage_hours;
  std::optional<DateFormula> case_duration;
  std::optional<DateFormula> supply_period;
  std::optional<DateFormula> delivery_time_offset;
  std::optional<DateFormula> billing_interval;
  std::optional<DateFormula> billing_timing;
  std::optional<DateFormula> extension_lead_time;
  ExtensionMode extension_mode = ExtensionMode::none;
  std::string following_contract;
  std::optional<int> following_version;
  std::string following_period;
  std::optional<Date> fixed_case_end;
  BillingForm billing_form = BillingForm::none;
  DispensingType dispensing_type = DispensingType::none;
  StartDateRule start_date_rule = StartDateRule::working_date;
  std::string origin;
  std::string icd10;
  std::string delivery_order_type;
  std::string delivery_via;
  std::string billing_partner_role;
  std::string billing_debtor;
  BillingMethod billing_method = BillingMethod::none;
  DeliveryProofRule delivery_proof_rule = DeliveryProofRule::none;
  std::optional<DateFormula> delivery_proof_formula;
  std::optional<DateFormula> billing_split_delivery_formula;
  bool split_posting_with_delivery = false;
  InvoiceInstruction invoice_instruction = InvoiceInstruction::partial;
  std::string billing_order_type;
  std::string billing_group_code;
  std::string posting_group_redirect;
  std::string info_template;
  std::string delivery_responsibility_unit;
  std::string billing_responsibility_unit;
  std::string ik_redirect;
  ServiceDateRule service_date_rule = ServiceDateRule::none;
  bool emergency_delivery_allowed = false;  // from the contract version
  bool emergency_delivery = false;          // the clerk asked for an emergency delivery
  bool blocked_after_end = false;           // from the contract version
  std::optional<Date> contract_valid_to;    // the version's end, for blocked_after_end
  std::vector<Participant> participants;
  std::vector<BillingPeriod> billing_periods;
  std::vector<Requirement> requirements;
  std::vector<CaseLine> lines;
  std::vector<DeliveryProof> proofs;
  ExtraFields extra_fields;  // VS-ART, accident flag and date

  /// The last day the period supplies: actual end, else end, else none.
  std::optional<Date> effective_end() const;
  const Requirement* find_requirement(std::string_view code) const;
  const CaseLine* find_line(int line_no) const;
  friend bool operator==(const CasePeriod&, const CasePeriod&) = default;
};

/// The pool query (`Poolabfrage`) recorded on a reuse/purchase case.
struct PoolQuery {
  PoolOutcome outcome = PoolOutcome::none;
  std::optional<Date> date;
  std::string reference;  // the platform's answer id
  std::string item_no;    // positive: the device
  std::string variant;
  std::string serial_no;
  friend bool operator==(const PoolQuery&, const PoolQuery&) = default;
};

/// A case (`Vorgang`): one patient, one supply, one or more periods without gaps.
struct Case {
  std::string no;  // "VG000001"
  std::string patient_id;
  std::string case_type;  // Vorgangsart
  std::string payer_id;   // the insurer (partner debtor) the contract was found for
  PlanType plan_type = PlanType::standard;
  Date created_on = Date::from_days(0);
  std::string created_by;
  PoolQuery pool_query;
  std::vector<CasePeriod> periods;

  const CasePeriod* find_period(int period_no) const;
  CasePeriod* find_period(int period_no);
  friend bool operator==(const Case&, const Case&) = default;
};

}  // namespace cb::rx
