#pragma once
// Contracts (`Vertrag`): a header with versions; each version has periods and
// lines (rx-billing.md §2). Keys: contract number; version number (1, 2...);
// period code ("E1", "F1", "WE"...); line number (10000, 20000... as in the ERP).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/rx/enums.h"
#include "core/rx/master_data.h"
#include "core/value/date.h"
#include "core/value/date_formula.h"
#include "core/value/decimal.h"

namespace cb::rx {

/// A postal-code area of a contract (`PLZ-Zuordnung`): from..to inclusive,
/// compared as text of equal length ("40000".."47999"); to blank = from only.
struct PostalCodeRange {
  std::string from;
  std::string to;
  bool contains(std::string_view postal_code) const;
  friend bool operator==(const PostalCodeRange&, const PostalCodeRange&) = default;
};

/// A contract period (`Vertragsperiode`): E1 first supply, F1 follow-up, WE reuse...
struct ContractPeriod {
  std::string code;
  std::string description;
  std::optional<DateFormula> extension_lead_time;  // e.g. 4W
  ExtensionMode extension_mode = ExtensionMode::none;
  std::optional<DateFormula> case_duration;        // 1M, 12M, 60M; none = open end
  std::optional<DateFormula> supply_period;        // 1M for consumables
  std::optional<DateFormula> delivery_time_offset;
  std::string info_template = "NN";                // always set; NN = nothing needed
  std::optional<DateFormula> billing_interval;     // 1M, 60M; none for purchase
  std::optional<DateFormula> billing_timing;       // LM = last day of the month
  ServiceDateRule service_date_rule = ServiceDateRule::none;
  std::string following_contract;
  std::optional<int> following_version;
  std::string following_period;
  std::string maintenance_contract;
  std::string repair_contract;
  int ekv_aid_number_truncation = 0;  // 3 -> 7 digits sent, 8 -> 2, 0/10 -> all
  std::string group_code;             // cross-period cost estimates
  std::optional<Decimal> min_usage_hours;
  std::optional<Decimal> max_usage_hours;
  std::optional<Date> fixed_case_end;  // e.g. 9999-12-31
  bool send_ekv_delivery_confirmation = false;
  bool fill_prescription_date = false;
  std::string delivery_via;
  ExtraFields extra_fields;       // inherited by case periods (VS-ART...)
  ExtraFields line_extra_info;    // LKZ, ACTK300, ACTK302
  friend bool operator==(const ContractPeriod&, const ContractPeriod&) = default;
};

/// A contract line (`Vertragszeile`).
struct ContractLine {
  int line_no = 0;
  std::vector<std::string> periods;  // period codes; empty = every period
  LineKind kind = LineKind::item;
  std::string number;                // item, contract-finding item or resource number
  std::string variant;
  std::string description;
  bool additional = false;           // hidden "additional" contract-finding item
  std::string belongs_to_flat_rate;  // flat-rate resource number (a flat rate: itself)
  BillingKind billing_kind = BillingKind::direct;
  std::string work_type;
  Decimal quantity = Decimal::from_int(1);
  std::string unit;
  std::string posting_code;
  std::string error_code;  // passed to the billing plan only
  PriceOrigin price_origin = PriceOrigin::price_finding;
  PriceOrigin discount_origin = PriceOrigin::price_finding;
  std::optional<Decimal> unit_price;  // price origin "contract"
  std::string discount_reason;
  Decimal line_discount_pct;
  DeliveryType delivery_type = DeliveryType::none;
  DeliveryTypeOnExtension delivery_type_on_extension = DeliveryTypeOnExtension::keep;
  std::optional<DateFormula> delivery_interval;  // 2W, 1M
  bool no_billing_split = false;
  std::string copayment_group;   // GH1 main device, GZ1 its accessories
  std::string own_share_group;
  std::string surcharge_group;
  std::string copayment_calc_code;
  std::string own_share_calc_code;
  std::string surcharge_calc_code;
  CalculationKind calculation_kind = CalculationKind::none;
  CalculationLimit calculation_limit = CalculationLimit::none;
  std::optional<Decimal> calculation_limit_value;  // e.g. 30000 kcal
  std::optional<Decimal> calculation_reference_value;
  std::string calculation_extra_field;  // KABA; blank = delivered base quantity
  CalculationOutput calculation_output = CalculationOutput::none;
  std::string pick_code;
  std::string max_quantity_check_code;
  std::string margin_check_code;
  bool ia_not_needed_when_delivery = false;
  std::optional<Decimal> cost_estimate_net_threshold;
  std::optional<Decimal> cost_estimate_quantity_threshold;
  std::string vat_posting_group;
  std::string product_posting_group;
  ExtraFields extra_fields;  // billing Hilfsmittelnummer, position number, service code

  /// True when the line applies to the period (an empty list means every period).
  bool in_period(std::string_view period_code) const;
  friend bool operator==(const ContractLine&, const ContractLine&) = default;
};

/// A contract version (`Vertragsversion`).
struct ContractVersion {
  int version_no = 1;
  std::string description;
  ReleaseStatus status = ReleaseStatus::open;
  std::optional<Date> valid_from;
  std::optional<Date> valid_to;
  bool blocked_after_end = false;  // delivery and billing blocked after valid_to
  BillingMethod billing_method = BillingMethod::none;
  std::string billing_debtor_override;  // "§PRIVAT" or a debtor number
  std::string payment_terms;
  bool additional_orders_allowed = false;
  bool emergency_delivery_allowed = false;
  StartDateRule start_date_rule = StartDateRule::working_date;
  DeliveryProofRule delivery_proof_rule = DeliveryProofRule::none;
  std::optional<DateFormula> delivery_proof_formula;
  std::optional<DateFormula> billing_split_delivery_formula;
  std::optional<Date> price_fixation_date;
  InvoiceInstruction invoice_instruction = InvoiceInstruction::partial;
  std::string delivery_responsibility_unit;
  std::string billing_responsibility_unit;
  bool automatic_ekv = false;
  BillingForm billing_form = BillingForm::none;
  DispensingType dispensing_type = DispensingType::none;
  std::string supply_period_calculation;
  bool manual_supply_period_on_call_off = false;
  bool prices_include_vat = false;
  DeliveryType default_delivery_type = DeliveryType::none;
  std::optional<DateFormula> default_delivery_interval;
  std::string default_discount_reason;
  std::string delivery_order_type = "LIEFERPL";
  std::string billing_order_type = "AB-PLAN";
  std::string posting_group_redirect;
  std::string pre_text;
  std::string post_text;
  std::string billing_partner_role = "KK-AB";  // role of the billing recipient
  std::vector<ContractPeriod> periods;          // in the contract's period order
  std::vector<ContractLine> lines;

  bool valid_on(const Date& d) const;
  const ContractPeriod* find_period(std::string_view code) const;
  const ContractLine* find_line(int line_no) const;
  friend bool operator==(const ContractVersion&, const ContractVersion&) = default;
};

/// A contract header (`Vertragskopf`).
struct Contract {
  std::string number;
  std::string search_term;
  std::string description;
  PlanType plan_type = PlanType::standard;
  ReleaseStatus status = ReleaseStatus::open;
  bool inactive = false;  // not offered for new cases; existing cases still extend
  ContractKind kind = ContractKind::general;
  std::string kind_party;  // debtor, price-finding debtor or association id
  std::string case_type;   // Vorgangsart, mandatory filter
  std::string aid_search_code;
  std::string search_code;
  bool private_contract = false;
  std::optional<Date> valid_from;
  std::optional<Date> valid_to;
  std::optional<DateFormula> age_from;  // e.g. 14J: patient at least this old
  std::optional<DateFormula> age_to;    // e.g. 18J: patient at most this old
  std::vector<PostalCodeRange> postal_codes;  // empty = everywhere
  ExtraFields extra_fields;                   // must match the patient's (blank matches)
  bool replace_case_module = false;
  std::vector<ContractVersion> versions;

  bool valid_on(const Date& d) const;
  const ContractVersion* find_version(int version_no) const;
  friend bool operator==(const Contract&, const Contract&) = default;
};

}  // namespace cb::rx
