#include "adapters/canonical_json/rx_codec.h"

#include <limits>
#include <set>
#include <type_traits>

#include "core/rx/enums.h"

namespace cb::adapters::canonical_json {
namespace {

using OrderedJson = nlohmann::ordered_json;
constexpr bool kReq = true;

// --- enum texts --------------------------------------------------------------

template <class E>
std::optional<E> enum_from_text(std::string_view s);

#define CB_RX_ENUM(E)                                                             \
  template <>                                                                     \
  std::optional<rx::E> enum_from_text<rx::E>(std::string_view s) {                \
    return rx::E##_from_text(s);                                                  \
  }
CB_RX_ENUM(PlanType)
CB_RX_ENUM(ReleaseStatus)
CB_RX_ENUM(ContractKind)
CB_RX_ENUM(BillingMethod)
CB_RX_ENUM(BillingForm)
CB_RX_ENUM(DispensingType)
CB_RX_ENUM(StartDateRule)
CB_RX_ENUM(DeliveryProofRule)
CB_RX_ENUM(InvoiceInstruction)
CB_RX_ENUM(ExtensionMode)
CB_RX_ENUM(ServiceDateRule)
CB_RX_ENUM(LineKind)
CB_RX_ENUM(BillingKind)
CB_RX_ENUM(DeliveryType)
CB_RX_ENUM(DeliveryTypeOnExtension)
CB_RX_ENUM(PriceOrigin)
CB_RX_ENUM(CalculationKind)
CB_RX_ENUM(CalculationLimit)
CB_RX_ENUM(CalculationOutput)
CB_RX_ENUM(PostingCodeKind)
CB_RX_ENUM(StatusClass)
CB_RX_ENUM(RequirementPurpose)
CB_RX_ENUM(RequirementQuality)
CB_RX_ENUM(PeriodStatus)
CB_RX_ENUM(PoolOutcome)
CB_RX_ENUM(PlanLineStatus)
CB_RX_ENUM(ScheduleStatus)
CB_RX_ENUM(LogLevel)
CB_RX_ENUM(BillingScheduleStatus)
CB_RX_ENUM(BillingProcess)
CB_RX_ENUM(InvoiceGrouping)
CB_RX_ENUM(InvoiceKind)
CB_RX_ENUM(InvoiceStatus)
#undef CB_RX_ENUM

std::string_view enum_text(rx::PricedKind k) { return k == rx::PricedKind::item ? "item" : "resource"; }
template <class E>
std::string_view enum_text(E e) {
  return rx::to_text(e);
}
template <>
std::optional<rx::PricedKind> enum_from_text<rx::PricedKind>(std::string_view s) {
  if (s == "item") return rx::PricedKind::item;
  if (s == "resource") return rx::PricedKind::resource;
  return std::nullopt;
}

// --- field lists -------------------------------------------------------------
// Fields<T>::visit(v) calls v(key, &T::member[, kReq]) once per field.

template <class T>
struct Fields;

template <class T, class = void>
struct HasFields : std::false_type {};
template <class T>
struct HasFields<T, std::void_t<decltype(Fields<T>::kHas)>> : std::true_type {};

#define CB_FIELDS(T) \
  template <>        \
  struct Fields<T> { \
    [[maybe_unused]] static constexpr bool kHas = true; \
    template <class V> \
    static void visit(V& v)

CB_FIELDS(rx::Resource) {
  using S = rx::Resource;
  v("number", &S::number, kReq);
  v("description", &S::description);
  v("unit", &S::unit);
  v("flat_rate", &S::flat_rate);
  v("work_types", &S::work_types);
  v("aid_number", &S::aid_number);
  v("vat_product_group", &S::vat_product_group);
  v("extra_fields", &S::extra_fields);
}};

CB_FIELDS(rx::WorkType) {
  using S = rx::WorkType;
  v("code", &S::code, kReq);
  v("description", &S::description);
}};

CB_FIELDS(rx::ContractFindingMember) {
  using S = rx::ContractFindingMember;
  v("item", &S::item_no, kReq);
  v("variant", &S::variant);
}};

CB_FIELDS(rx::ContractFindingItem) {
  using S = rx::ContractFindingItem;
  v("number", &S::number, kReq);
  v("description", &S::description);
  v("items", &S::items);
}};

CB_FIELDS(rx::PriceListEntry) {
  using S = rx::PriceListEntry;
  v("priced", &S::kind);
  v("number", &S::number, kReq);
  v("variant", &S::variant);
  v("work_type", &S::work_type);
  v("unit", &S::unit);
  v("unit_price", &S::unit_price, kReq);
  v("includes_vat", &S::includes_vat);
  v("valid_from", &S::valid_from);
  v("valid_to", &S::valid_to);
}};

CB_FIELDS(PriceList) {
  using S = PriceList;
  v("price_debtor", &S::price_debtor, kReq);
  v("entries", &S::entries);
}};

CB_FIELDS(rx::DiscountReason) {
  using S = rx::DiscountReason;
  v("code", &S::code, kReq);
  v("description", &S::description);
  v("line_discount_pct", &S::line_discount_pct);
}};

CB_FIELDS(rx::ErrorCode) {
  using S = rx::ErrorCode;
  v("code", &S::code, kReq);
  v("description", &S::description);
  v("blocks", &S::blocks);
  v("writes_log", &S::writes_log);
  v("discount_reason", &S::discount_reason);
}};

CB_FIELDS(rx::PostingCode) {
  using S = rx::PostingCode;
  v("code", &S::code, kReq);
  v("description", &S::description);
  v("posting_kind", &S::kind);
  v("owner_insurer", &S::owner_insurer);
}};

CB_FIELDS(rx::DeliveryHierarchy) {
  using S = rx::DeliveryHierarchy;
  v("code", &S::code, kReq);
  v("posting_codes", &S::posting_codes);
}};

CB_FIELDS(rx::RequirementCode) {
  using S = rx::RequirementCode;
  v("code", &S::code, kReq);
  v("description", &S::description);
  v("status_template", &S::status_template);
}};

CB_FIELDS(rx::StatusTemplateEntry) {
  using S = rx::StatusTemplateEntry;
  v("code", &S::code, kReq);
  v("description", &S::description);
  v("blocks", &S::blocks);
  v("status_class", &S::status_class);
}};

CB_FIELDS(rx::StatusTemplate) {
  using S = rx::StatusTemplate;
  v("code", &S::code, kReq);
  v("description", &S::description);
  v("statuses", &S::statuses);
  v("initial_status", &S::initial_status);
  v("not_needed_status", &S::not_needed_status);
}};

CB_FIELDS(rx::InfoTemplateLine) {
  using S = rx::InfoTemplateLine;
  v("requirement", &S::requirement_code, kReq);
  v("purpose", &S::purpose);
  v("quality", &S::quality);
  v("necessary", &S::necessary);
  v("status_template", &S::status_template);
  v("chained_with", &S::chained_with);
}};

CB_FIELDS(rx::InfoTemplate) {
  using S = rx::InfoTemplate;
  v("code", &S::code, kReq);
  v("description", &S::description);
  v("lines", &S::lines);
}};

CB_FIELDS(rx::PlanSetup) {
  using S = rx::PlanSetup;
  v("delivery_order_type", &S::delivery_order_type);
  v("direct_delivery_order_type", &S::direct_delivery_order_type);
  v("horizon", &S::horizon);
  v("display_window", &S::display_window);
  v("call_off_lead_days", &S::call_off_lead_days);
  v("line_edit_allowed", &S::line_edit_allowed);
  v("default_delivery_hierarchy", &S::default_delivery_hierarchy);
  v("expired_error_code", &S::expired_error_code);
  v("emergency_error_code", &S::emergency_error_code);
  v("therapy_end_error_code", &S::therapy_end_error_code);
  v("item_exchange_error_code", &S::item_exchange_error_code);
  v("wait_error_code", &S::wait_error_code);
  v("missing_proof_error_code", &S::missing_proof_error_code);
  v("manual_proof_error_code", &S::manual_proof_error_code);
}};

CB_FIELDS(rx::SerialCard) {
  using S = rx::SerialCard;
  v("item", &S::item_no, kReq);
  v("variant", &S::variant);
  v("serial_no", &S::serial_no, kReq);
  v("posting_code", &S::posting_code);
  v("location", &S::location);
  v("last_case", &S::last_case_no);
  v("created_on", &S::created_on);
}};

CB_FIELDS(rx::PostalCodeRange) {
  using S = rx::PostalCodeRange;
  v("from", &S::from, kReq);
  v("to", &S::to);
}};

CB_FIELDS(rx::ContractPeriod) {
  using S = rx::ContractPeriod;
  v("code", &S::code, kReq);
  v("description", &S::description);
  v("extension_lead_time", &S::extension_lead_time);
  v("extension_mode", &S::extension_mode);
  v("case_duration", &S::case_duration);
  v("supply_period", &S::supply_period);
  v("delivery_time_offset", &S::delivery_time_offset);
  v("info_template", &S::info_template);
  v("billing_interval", &S::billing_interval);
  v("billing_timing", &S::billing_timing);
  v("service_date_rule", &S::service_date_rule);
  v("following_contract", &S::following_contract);
  v("following_version", &S::following_version);
  v("following_period", &S::following_period);
  v("maintenance_contract", &S::maintenance_contract);
  v("repair_contract", &S::repair_contract);
  v("ekv_aid_number_truncation", &S::ekv_aid_number_truncation);
  v("group_code", &S::group_code);
  v("min_usage_hours", &S::min_usage_hours);
  v("max_usage_hours", &S::max_usage_hours);
  v("fixed_case_end", &S::fixed_case_end);
  v("send_ekv_delivery_confirmation", &S::send_ekv_delivery_confirmation);
  v("fill_prescription_date", &S::fill_prescription_date);
  v("delivery_via", &S::delivery_via);
  v("extra_fields", &S::extra_fields);
  v("line_extra_info", &S::line_extra_info);
}};

CB_FIELDS(rx::ContractLine) {
  using S = rx::ContractLine;
  v("line", &S::line_no, kReq);
  v("periods", &S::periods);
  v("line_kind", &S::kind);
  v("number", &S::number, kReq);
  v("variant", &S::variant);
  v("description", &S::description);
  v("additional", &S::additional);
  v("belongs_to_flat_rate", &S::belongs_to_flat_rate);
  v("billing_kind", &S::billing_kind);
  v("work_type", &S::work_type);
  v("quantity", &S::quantity);
  v("unit", &S::unit);
  v("posting_code", &S::posting_code);
  v("error_code", &S::error_code);
  v("price_origin", &S::price_origin);
  v("discount_origin", &S::discount_origin);
  v("unit_price", &S::unit_price);
  v("discount_reason", &S::discount_reason);
  v("line_discount_pct", &S::line_discount_pct);
  v("delivery_type", &S::delivery_type);
  v("delivery_type_on_extension", &S::delivery_type_on_extension);
  v("delivery_interval", &S::delivery_interval);
  v("no_billing_split", &S::no_billing_split);
  v("copayment_group", &S::copayment_group);
  v("own_share_group", &S::own_share_group);
  v("surcharge_group", &S::surcharge_group);
  v("copayment_calc_code", &S::copayment_calc_code);
  v("own_share_calc_code", &S::own_share_calc_code);
  v("surcharge_calc_code", &S::surcharge_calc_code);
  v("calculation_kind", &S::calculation_kind);
  v("calculation_limit", &S::calculation_limit);
  v("calculation_limit_value", &S::calculation_limit_value);
  v("calculation_reference_value", &S::calculation_reference_value);
  v("calculation_extra_field", &S::calculation_extra_field);
  v("calculation_output", &S::calculation_output);
  v("pick_code", &S::pick_code);
  v("max_quantity_check_code", &S::max_quantity_check_code);
  v("margin_check_code", &S::margin_check_code);
  v("ia_not_needed_when_delivery", &S::ia_not_needed_when_delivery);
  v("cost_estimate_net_threshold", &S::cost_estimate_net_threshold);
  v("cost_estimate_quantity_threshold", &S::cost_estimate_quantity_threshold);
  v("vat_posting_group", &S::vat_posting_group);
  v("product_posting_group", &S::product_posting_group);
  v("extra_fields", &S::extra_fields);
}};

CB_FIELDS(rx::ContractVersion) {
  using S = rx::ContractVersion;
  v("version", &S::version_no, kReq);
  v("description", &S::description);
  v("status", &S::status);
  v("valid_from", &S::valid_from);
  v("valid_to", &S::valid_to);
  v("blocked_after_end", &S::blocked_after_end);
  v("billing_method", &S::billing_method);
  v("billing_debtor_override", &S::billing_debtor_override);
  v("payment_terms", &S::payment_terms);
  v("additional_orders_allowed", &S::additional_orders_allowed);
  v("emergency_delivery_allowed", &S::emergency_delivery_allowed);
  v("start_date_rule", &S::start_date_rule);
  v("delivery_proof_rule", &S::delivery_proof_rule);
  v("delivery_proof_formula", &S::delivery_proof_formula);
  v("billing_split_delivery_formula", &S::billing_split_delivery_formula);
  v("price_fixation_date", &S::price_fixation_date);
  v("invoice_instruction", &S::invoice_instruction);
  v("delivery_responsibility_unit", &S::delivery_responsibility_unit);
  v("billing_responsibility_unit", &S::billing_responsibility_unit);
  v("automatic_ekv", &S::automatic_ekv);
  v("billing_form", &S::billing_form);
  v("dispensing_type", &S::dispensing_type);
  v("supply_period_calculation", &S::supply_period_calculation);
  v("manual_supply_period_on_call_off", &S::manual_supply_period_on_call_off);
  v("prices_include_vat", &S::prices_include_vat);
  v("default_delivery_type", &S::default_delivery_type);
  v("default_delivery_interval", &S::default_delivery_interval);
  v("default_discount_reason", &S::default_discount_reason);
  v("delivery_order_type", &S::delivery_order_type);
  v("billing_order_type", &S::billing_order_type);
  v("posting_group_redirect", &S::posting_group_redirect);
  v("pre_text", &S::pre_text);
  v("post_text", &S::post_text);
  v("billing_partner_role", &S::billing_partner_role);
  v("periods", &S::periods);
  v("lines", &S::lines);
}};

CB_FIELDS(rx::Contract) {
  using S = rx::Contract;
  v("number", &S::number, kReq);
  v("search_term", &S::search_term);
  v("description", &S::description);
  v("plan_type", &S::plan_type);
  v("status", &S::status);
  v("inactive", &S::inactive);
  v("contract_kind", &S::kind);
  v("contract_party", &S::kind_party);
  v("case_type", &S::case_type, kReq);
  v("aid_search_code", &S::aid_search_code);
  v("search_code", &S::search_code);
  v("private_contract", &S::private_contract);
  v("valid_from", &S::valid_from);
  v("valid_to", &S::valid_to);
  v("age_from", &S::age_from);
  v("age_to", &S::age_to);
  v("postal_codes", &S::postal_codes);
  v("extra_fields", &S::extra_fields);
  v("replace_case_module", &S::replace_case_module);
  v("versions", &S::versions);
}};

CB_FIELDS(CaseRequestLine) {
  using S = CaseRequestLine;
  v("contract_line", &S::contract_line, kReq);
  v("item", &S::item);
  v("variant", &S::variant);
  v("quantity", &S::quantity);
  v("serial_no", &S::serial_no);
}};

CB_FIELDS(rx::PoolQuery) {
  using S = rx::PoolQuery;
  v("outcome", &S::outcome);
  v("date", &S::date);
  v("reference", &S::reference);
  v("item", &S::item_no);
  v("variant", &S::variant);
  v("serial_no", &S::serial_no);
}};

CB_FIELDS(CaseRequest) {
  using S = CaseRequest;
  v("ref", &S::ref, kReq);
  v("patient", &S::patient, kReq);
  v("case_type", &S::case_type, kReq);
  v("payer", &S::payer);
  v("contract", &S::contract, kReq);
  v("version", &S::version);
  v("period", &S::period);
  v("date", &S::date);
  v("start", &S::start);
  v("lines", &S::lines);
  v("pool_query", &S::pool_query);
  v("release", &S::release);
  v("extra_fields", &S::extra_fields);
}};

CB_FIELDS(RequirementStatusChange) {
  using S = RequirementStatusChange;
  v("case", &S::case_no, kReq);
  v("period", &S::period);
  v("requirement", &S::requirement, kReq);
  v("status", &S::status, kReq);
  v("date", &S::date, kReq);
  v("user", &S::user);
  v("reason", &S::reason);
}};

CB_FIELDS(rx::DeliveryNoteLine) {
  using S = rx::DeliveryNoteLine;
  v("line", &S::line_no, kReq);
  v("order", &S::order_no);
  v("order_line", &S::order_line_no);
  v("item", &S::item_no, kReq);
  v("variant", &S::variant);
  v("serial_no", &S::serial_no);
  v("quantity", &S::quantity, kReq);
  v("unit", &S::unit);
}};

CB_FIELDS(rx::DeliveryNote) {
  using S = rx::DeliveryNote;
  v("number", &S::no, kReq);
  v("patient", &S::patient_id, kReq);
  v("date", &S::date, kReq);
  v("lines", &S::lines);
}};

// Aggregates kept by the store (not import kinds).

CB_FIELDS(rx::Participant) {
  using S = rx::Participant;
  v("role", &S::role, kReq);
  v("party", &S::party_id, kReq);
  v("valid_from", &S::valid_from);
  v("valid_to", &S::valid_to);
}};

CB_FIELDS(rx::BillingPeriod) {
  using S = rx::BillingPeriod;
  v("no", &S::no, kReq);
  v("supply_from", &S::supply_from, kReq);
  v("supply_to", &S::supply_to, kReq);
  v("posting_date", &S::posting_date, kReq);
  v("ended", &S::ended);
}};

CB_FIELDS(rx::StatusChange) {
  using S = rx::StatusChange;
  v("date", &S::date, kReq);
  v("user", &S::user);
  v("from", &S::from_status);
  v("to", &S::to_status);
  v("reason", &S::reason);
}};

CB_FIELDS(rx::Requirement) {
  using S = rx::Requirement;
  v("line", &S::line_no, kReq);
  v("code", &S::code, kReq);
  v("purpose", &S::purpose);
  v("quality", &S::quality);
  v("necessary", &S::necessary);
  v("status_template", &S::status_template);
  v("status", &S::status);
  v("chained_with", &S::chained_with);
  v("history", &S::history);
}};

CB_FIELDS(rx::CaseLine) {
  using S = rx::CaseLine;
  v("line", &S::line_no, kReq);
  v("contract_line", &S::contract_line_no);
  v("line_kind", &S::kind);
  v("number", &S::number);
  v("variant", &S::variant);
  v("contract_finding_item", &S::contract_finding_item);
  v("description", &S::description);
  v("quantity", &S::quantity);
  v("unit", &S::unit);
  v("billing_kind", &S::billing_kind);
  v("belongs_to_flat_rate", &S::belongs_to_flat_rate);
  v("delivery_type", &S::delivery_type);
  v("delivery_interval", &S::delivery_interval);
  v("serial_no", &S::serial_no);
  v("posting_code", &S::posting_code);
  v("error_code", &S::error_code);
  v("delivery_line", &S::delivery_line_no);
}};

CB_FIELDS(rx::DeliveryProof) {
  using S = rx::DeliveryProof;
  v("delivery_note", &S::delivery_note_no, kReq);
  v("note_line", &S::note_line_no);
  v("date", &S::date, kReq);
  v("delivery_line", &S::delivery_line_no);
  v("schedule", &S::schedule_no);
  v("item", &S::item_no);
  v("variant", &S::variant);
  v("serial_no", &S::serial_no);
  v("quantity", &S::quantity);
  v("unit", &S::unit);
  v("manual", &S::manual);
}};

CB_FIELDS(rx::CasePeriod) {
  using S = rx::CasePeriod;
  v("no", &S::no, kReq);
  v("contract", &S::contract_no, kReq);
  v("version", &S::version_no);
  v("period_code", &S::period_code);
  v("status", &S::status);
  v("start", &S::start, kReq);
  v("end", &S::end);
  v("actual_end", &S::actual_end);
  v("prescription_date", &S::prescription_date);
  v("service_date", &S::service_date);
  v("service_date_manual", &S::service_date_manual);
  v("usage_hours", &S::usage_hours);
  v("case_duration", &S::case_duration);
  v("supply_period", &S::supply_period);
  v("delivery_time_offset", &S::delivery_time_offset);
  v("billing_interval", &S::billing_interval);
  v("billing_timing", &S::billing_timing);
  v("extension_lead_time", &S::extension_lead_time);
  v("extension_mode", &S::extension_mode);
  v("following_contract", &S::following_contract);
  v("following_version", &S::following_version);
  v("following_period", &S::following_period);
  v("fixed_case_end", &S::fixed_case_end);
  v("billing_form", &S::billing_form);
  v("dispensing_type", &S::dispensing_type);
  v("start_date_rule", &S::start_date_rule);
  v("origin", &S::origin);
  v("icd10", &S::icd10);
  v("delivery_order_type", &S::delivery_order_type);
  v("delivery_via", &S::delivery_via);
  v("billing_partner_role", &S::billing_partner_role);
  v("billing_debtor", &S::billing_debtor);
  v("billing_method", &S::billing_method);
  v("delivery_proof_rule", &S::delivery_proof_rule);
  v("delivery_proof_formula", &S::delivery_proof_formula);
  v("billing_split_delivery_formula", &S::billing_split_delivery_formula);
  v("split_posting_with_delivery", &S::split_posting_with_delivery);
  v("invoice_instruction", &S::invoice_instruction);
  v("billing_order_type", &S::billing_order_type);
  v("billing_group_code", &S::billing_group_code);
  v("posting_group_redirect", &S::posting_group_redirect);
  v("info_template", &S::info_template);
  v("delivery_responsibility_unit", &S::delivery_responsibility_unit);
  v("billing_responsibility_unit", &S::billing_responsibility_unit);
  v("ik_redirect", &S::ik_redirect);
  v("service_date_rule", &S::service_date_rule);
  v("emergency_delivery_allowed", &S::emergency_delivery_allowed);
  v("emergency_delivery", &S::emergency_delivery);
  v("blocked_after_end", &S::blocked_after_end);
  v("contract_valid_to", &S::contract_valid_to);
  v("participants", &S::participants);
  v("billing_periods", &S::billing_periods);
  v("requirements", &S::requirements);
  v("lines", &S::lines);
  v("proofs", &S::proofs);
  v("extra_fields", &S::extra_fields);
}};

CB_FIELDS(rx::Case) {
  using S = rx::Case;
  v("number", &S::no, kReq);
  v("patient", &S::patient_id, kReq);
  v("case_type", &S::case_type);
  v("payer", &S::payer_id);
  v("plan_type", &S::plan_type);
  v("created_on", &S::created_on, kReq);
  v("created_by", &S::created_by);
  v("pool_query", &S::pool_query);
  v("periods", &S::periods);
}};

CB_FIELDS(rx::Schedule) {
  using S = rx::Schedule;
  v("no", &S::no, kReq);
  v("planned_date", &S::planned_date, kReq);
  v("status", &S::status);
  v("error_code", &S::error_code);
  v("document_type", &S::document_type);
  v("document_no", &S::document_no);
  v("document_line", &S::document_line_no);
  v("manual", &S::manual);
  v("emergency", &S::emergency);
  v("exchanged", &S::exchanged);
  v("item", &S::item_no);
  v("variant", &S::variant);
  v("serial_no", &S::serial_no);
  v("quantity", &S::quantity);
  v("unit", &S::unit);
  v("delivered_on", &S::delivered_on);
}};

CB_FIELDS(rx::DeliveryLine) {
  using S = rx::DeliveryLine;
  v("line", &S::line_no, kReq);
  v("case", &S::case_no);
  v("period", &S::period_no);
  v("case_line", &S::case_line_no);
  v("contract_line", &S::contract_line_no);
  v("status", &S::status);
  v("manual_change", &S::manual_change);
  v("delivery_type", &S::delivery_type);
  v("interval", &S::interval);
  v("start", &S::start, kReq);
  v("end", &S::end);
  v("desired_date", &S::desired_date);
  v("time_offset", &S::time_offset);
  v("ship_to", &S::ship_to);
  v("item", &S::item_no);
  v("variant", &S::variant);
  v("serial_no", &S::serial_no);
  v("posting_code", &S::posting_code);
  v("quantity", &S::quantity);
  v("unit", &S::unit);
  v("quantity_in_order", &S::quantity_in_order);
  v("last_delivery", &S::last_delivery);
  v("next_call_off", &S::next_call_off);
  v("planned_until", &S::planned_until);
  v("exchanged", &S::exchanged);
  v("extra_fields", &S::extra_fields);
  v("schedules", &S::schedules);
}};

CB_FIELDS(rx::DeliveryPlan) {
  using S = rx::DeliveryPlan;
  v("patient", &S::patient_id, kReq);
  v("lines", &S::lines);
}};

CB_FIELDS(rx::SalesOrderLine) {
  using S = rx::SalesOrderLine;
  v("line", &S::line_no, kReq);
  v("case", &S::case_no);
  v("period", &S::period_no);
  v("delivery_line", &S::delivery_line_no);
  v("schedule", &S::schedule_no);
  v("item", &S::item_no);
  v("variant", &S::variant);
  v("serial_no", &S::serial_no);
  v("quantity", &S::quantity);
  v("unit", &S::unit);
  v("planned_date", &S::planned_date, kReq);
  v("emergency", &S::emergency);
}};

CB_FIELDS(rx::SalesOrder) {
  using S = rx::SalesOrder;
  v("number", &S::no, kReq);
  v("patient", &S::patient_id, kReq);
  v("order_type", &S::order_type);
  v("order_date", &S::order_date, kReq);
  v("lines", &S::lines);
}};

CB_FIELDS(rx::AppLogEntry) {
  using S = rx::AppLogEntry;
  v("no", &S::no, kReq);
  v("date", &S::date, kReq);
  v("level", &S::level);
  v("job", &S::job);
  v("code", &S::code);
  v("reference", &S::reference);
  v("message", &S::message);
  v("closed", &S::closed);
}};

// Billing (issue 4).
CB_FIELDS(rx::VatRate) {
  using S = rx::VatRate;
  v("product_group", &S::product_group, kReq);
  v("rate_pct", &S::rate_pct, kReq);
  v("valid_from", &S::valid_from);
  v("valid_to", &S::valid_to);
}};

CB_FIELDS(rx::BillingSetup) {
  using S = rx::BillingSetup;
  v("use_billing_plan", &S::use_billing_plan);
  v("billing_order_type", &S::billing_order_type);
  v("horizon", &S::horizon);
  v("default_invoice_filter", &S::default_invoice_filter);
  v("ignore_ended_billing_periods", &S::ignore_ended_billing_periods);
  v("line_edit_allowed", &S::line_edit_allowed);
  v("zero_amount_discount_reason", &S::zero_amount_discount_reason);
  v("missing_proof_error_code", &S::missing_proof_error_code);
  v("manual_proof_error_code", &S::manual_proof_error_code);
  v("end_date_error_code", &S::end_date_error_code);
  v("wait_error_code", &S::wait_error_code);
  v("log_date_formula", &S::log_date_formula);
  v("grouping", &S::grouping);
  v("invoice_prefix", &S::invoice_prefix);
  v("credit_note_prefix", &S::credit_note_prefix);
  v("number_width", &S::number_width);
  v("default_vat_product_group", &S::default_vat_product_group);
  v("vat_rates", &S::vat_rates);
}};

CB_FIELDS(rx::BillingSchedule) {
  using S = rx::BillingSchedule;
  v("no", &S::no, kReq);
  v("status", &S::status);
  v("error_code", &S::error_code);
  v("posting_date", &S::posting_date, kReq);
  v("billing_period", &S::billing_period_no);
  v("supply_from", &S::supply_from);
  v("supply_to", &S::supply_to);
  v("service_date", &S::service_date);
  v("delivery_line", &S::delivery_line_no);
  v("delivery_schedule", &S::delivery_schedule_no);
  v("delivery_document", &S::delivery_document_no);
  v("delivered_on", &S::delivered_on);
  v("invoice", &S::invoice_no);
  v("invoice_line", &S::invoice_line_no);
  v("documents", &S::documents);
  v("kind", &S::kind);
  v("number", &S::number);
  v("variant", &S::variant);
  v("serial_no", &S::serial_no);
  v("description", &S::description);
  v("quantity", &S::quantity);
  v("unit", &S::unit);
  v("unit_price", &S::unit_price);
  v("discount_reason", &S::discount_reason);
  v("line_discount_pct", &S::line_discount_pct);
  v("line_amount", &S::line_amount);
  v("split_amount", &S::split_amount);
  v("manual", &S::manual);
  v("change_plan_values", &S::change_plan_values);
}};

CB_FIELDS(rx::BillingLine) {
  using S = rx::BillingLine;
  v("line", &S::line_no, kReq);
  v("case", &S::case_no);
  v("period", &S::period_no);
  v("case_line", &S::case_line_no);
  v("contract_line", &S::contract_line_no);
  v("delivery_line", &S::delivery_line_no);
  v("process", &S::process);
  v("kind", &S::kind);
  v("number", &S::number);
  v("variant", &S::variant);
  v("description", &S::description);
  v("belongs_to_flat_rate", &S::belongs_to_flat_rate);
  v("quantity", &S::quantity);
  v("unit", &S::unit);
  v("recipient_role", &S::recipient_role);
  v("recipient", &S::recipient_id);
  v("billing_method", &S::billing_method);
  v("price_origin", &S::price_origin);
  v("unit_price", &S::unit_price);
  v("price_fixation_date", &S::price_fixation_date);
  v("prices_include_vat", &S::prices_include_vat);
  v("discount_reason", &S::discount_reason);
  v("line_discount_pct", &S::line_discount_pct);
  v("split_amount", &S::split_amount);
  v("no_billing_split", &S::no_billing_split);
  v("copayment_group", &S::copayment_group);
  v("vat_product_group", &S::vat_product_group);
  v("error_code", &S::error_code);
  v("manual_change", &S::manual_change);
  v("extra_fields", &S::extra_fields);
  v("last_schedule_no", &S::last_schedule_no_used);
  v("schedules", &S::schedules);
}};

CB_FIELDS(rx::BillingPlan) {
  using S = rx::BillingPlan;
  v("patient", &S::patient_id, kReq);
  v("lines", &S::lines);
}};

CB_FIELDS(rx::InvoiceLine) {
  using S = rx::InvoiceLine;
  v("line", &S::line_no, kReq);
  v("case", &S::case_no);
  v("period", &S::period_no);
  v("billing_line", &S::billing_line_no);
  v("schedule", &S::schedule_no);
  v("contract_line", &S::contract_line_no);
  v("billing_period", &S::billing_period_no);
  v("delivery_line", &S::delivery_line_no);
  v("delivery_document", &S::delivery_document_no);
  v("kind", &S::kind);
  v("number", &S::number);
  v("variant", &S::variant);
  v("serial_no", &S::serial_no);
  v("description", &S::description);
  v("quantity", &S::quantity);
  v("unit", &S::unit);
  v("supply_from", &S::supply_from);
  v("supply_to", &S::supply_to);
  v("service_date", &S::service_date);
  v("unit_price", &S::unit_price);
  v("discount_reason", &S::discount_reason);
  v("line_discount_pct", &S::line_discount_pct);
  v("net", &S::net);
  v("vat_product_group", &S::vat_product_group);
  v("vat_pct", &S::vat_pct);
  v("vat_amount", &S::vat_amount);
  v("gross", &S::gross);
  v("deduction", &S::deduction);
  v("amount_due", &S::amount_due);
  v("extra_fields", &S::extra_fields);
}};

CB_FIELDS(rx::Invoice) {
  using S = rx::Invoice;
  v("number", &S::no, kReq);
  v("invoice_kind", &S::kind);
  v("status", &S::status);
  v("patient", &S::patient_id, kReq);
  v("case", &S::case_no);
  v("case_type", &S::case_type);
  v("recipient_role", &S::recipient_role);
  v("recipient", &S::recipient_id);
  v("billing_method", &S::billing_method);
  v("billing_group_code", &S::billing_group_code);
  v("order_type", &S::order_type);
  v("invoice_date", &S::invoice_date, kReq);
  v("posting_date", &S::posting_date, kReq);
  v("service_date", &S::service_date);
  v("credited_invoice", &S::credited_invoice_no);
  v("credit_note", &S::credit_note_no);
  v("recalculate", &S::recalculate);
  v("patient_share", &S::patient_share);
  v("dta_wait", &S::dta_wait);
  v("lines", &S::lines);
  v("total_net", &S::total_net);
  v("total_vat", &S::total_vat);
  v("total_gross", &S::total_gross);
  v("total_deductions", &S::total_deductions);
  v("total_due", &S::total_due);
}};

#undef CB_FIELDS

// --- writing -----------------------------------------------------------------

template <class T>
OrderedJson write_object(const T& obj);

template <class M>
OrderedJson encode(const M& v) {
  if constexpr (std::is_same_v<M, std::string> || std::is_same_v<M, bool>) {
    return OrderedJson(v);
  } else if constexpr (std::is_integral_v<M>) {
    return OrderedJson(static_cast<std::int64_t>(v));
  } else if constexpr (std::is_same_v<M, Decimal> || std::is_same_v<M, Date> ||
                       std::is_same_v<M, DateFormula>) {
    return OrderedJson(v.to_string());
  } else if constexpr (std::is_same_v<M, Hilfsmittelnummer>) {
    return OrderedJson(std::string(v.str()));
  } else if constexpr (std::is_enum_v<M>) {
    return OrderedJson(std::string(enum_text(v)));
  } else if constexpr (std::is_same_v<M, std::map<std::string, std::string>>) {
    return OrderedJson(v);
  } else if constexpr (HasFields<M>::value) {
    return write_object(v);
  } else {
    // std::optional<X> and std::vector<X>
    if constexpr (requires { v.has_value(); }) {
      return encode(*v);
    } else {
      OrderedJson arr = OrderedJson::array();
      for (const auto& e : v) arr.push_back(encode(e));
      return arr;
    }
  }
}

template <class T>
struct WriteVisitor {
  const T& obj;
  const T& defaults;
  OrderedJson& out;
  template <class M>
  void operator()(const char* key, M T::*member, bool required = false) {
    const M& value = obj.*member;
    if (!required && value == defaults.*member) return;
    out[key] = encode(value);
  }
};

template <class T>
void write_fields(const T& obj, OrderedJson& out) {
  static const T defaults{};
  WriteVisitor<T> w{obj, defaults, out};
  Fields<T>::visit(w);
}

template <class T>
OrderedJson write_object(const T& obj) {
  OrderedJson out = OrderedJson::object();
  write_fields(obj, out);
  return out;
}

// --- reading -----------------------------------------------------------------

template <class T>
void read_object(ObjectReader& r, T& obj);

template <class M>
void decode(ObjectReader& r, std::string_view key, M& out, bool required) {
  ReadState& st = r.state();
  if constexpr (std::is_same_v<M, std::string>) {
    if (r.present(key) || required) out = r.str(key, required);
    else r.str(key);
  } else if constexpr (std::is_same_v<M, bool>) {
    if (r.present(key)) out = r.boolean(key);
    else r.boolean(key);
  } else if constexpr (std::is_integral_v<M>) {
    if (auto v = r.integer(key, required)) {
      if (*v < static_cast<std::int64_t>(std::numeric_limits<M>::min()) ||
          *v > static_cast<std::int64_t>(std::numeric_limits<M>::max())) {
        st.report(DiagCode::JsonBadValue, r.ptr(key),
                  "field '" + std::string(key) + "' is out of range");
      } else {
        out = static_cast<M>(*v);
      }
    }
  } else if constexpr (std::is_same_v<M, Decimal>) {
    if (auto v = r.decimal(key, required)) out = *v;
  } else if constexpr (std::is_same_v<M, Date>) {
    if (auto v = r.date(key, required)) out = *v;
  } else if constexpr (std::is_same_v<M, DateFormula>) {
    if (auto v = r.formula(key, required)) out = *v;
  } else if constexpr (std::is_same_v<M, std::optional<Date>>) {
    out = r.date(key, required);
  } else if constexpr (std::is_same_v<M, std::optional<DateFormula>>) {
    out = r.formula(key, required);
  } else if constexpr (std::is_same_v<M, std::optional<Decimal>>) {
    out = r.decimal(key, required);
  } else if constexpr (std::is_same_v<M, std::optional<int>>) {
    if (r.present(key)) {
      int v = 0;
      decode(r, key, v, true);
      out = v;
    } else {
      r.integer(key, required);
    }
  } else if constexpr (std::is_same_v<M, std::optional<Hilfsmittelnummer>>) {
    out = r.id<Hilfsmittelnummer>(key);
  } else if constexpr (std::is_enum_v<M>) {
    const bool had = r.present(key);
    const std::string s = r.str(key, required);
    if (!had) return;
    if (auto e = enum_from_text<M>(s)) {
      out = *e;
    } else {
      st.report(DiagCode::JsonBadValue, r.ptr(key),
                "field '" + std::string(key) + "': unknown value '" + s + "'");
    }
  } else if constexpr (std::is_same_v<M, std::map<std::string, std::string>>) {
    if (r.present(key)) out = r.string_map(key);
    else r.string_map(key);
  } else if constexpr (std::is_same_v<M, std::vector<std::string>>) {
    if (r.present(key)) out = r.string_list(key);
    else r.string_list(key);
  } else if constexpr (HasFields<M>::value) {
    if (const Json* j = r.field(key, Json::value_t::object, "an object", required)) {
      ObjectReader sub(*j, r.ptr(key), st);
      M value{};
      read_object(sub, value);
      out = std::move(value);
    }
  } else {
    // std::vector of field-listed structs
    using E = typename M::value_type;
    static_assert(HasFields<E>::value, "no field list for this element type");
    if (const Json* arr = r.field(key, Json::value_t::array, "an array", required)) {
      out.clear();
      for (std::size_t i = 0; i < arr->size(); ++i) {
        const std::string p = r.ptr(key) + "/" + std::to_string(i);
        if (!(*arr)[i].is_object()) {
          st.report(DiagCode::JsonBadType, p, "entries of '" + std::string(key) + "' must be objects");
          continue;
        }
        ObjectReader sub((*arr)[i], p, st);
        E value{};
        read_object(sub, value);
        out.push_back(std::move(value));
      }
    }
  }
}

template <class T>
struct ReadVisitor {
  ObjectReader& r;
  T& obj;
  template <class M>
  void operator()(const char* key, M T::*member, bool required = false) {
    decode(r, key, obj.*member, required);
  }
};

template <class T>
void read_object(ObjectReader& r, T& obj) {
  ReadVisitor<T> v{r, obj};
  Fields<T>::visit(v);
  r.finish();
}

// --- documents ---------------------------------------------------------------

/// Reads the fields of a document; the caller's ObjectReader has "kind" read
/// already and is finished by the caller.
template <class T>
Document read_doc(ObjectReader& r) {
  T obj{};
  ReadVisitor<T> v{r, obj};
  Fields<T>::visit(v);
  return obj;
}

/// Semantic checks beyond the field types.
void check_document(const Document& d, ObjectReader& r) {
  ReadState& st = r.state();
  auto order = [&](const std::optional<Date>& from, const std::optional<Date>& to,
                   const std::string& ptr) {
    if (from && to && *to < *from) {
      st.report(DiagCode::JsonBadValue, ptr, "valid_to lies before valid_from");
    }
  };
  if (const auto* c = std::get_if<rx::Contract>(&d)) {
    order(c->valid_from, c->valid_to, r.ptr("valid_to"));
    std::set<int> seen;
    for (std::size_t i = 0; i < c->versions.size(); ++i) {
      const auto& v = c->versions[i];
      const std::string vp = r.ptr("versions") + "/" + std::to_string(i);
      order(v.valid_from, v.valid_to, vp + "/valid_to");
      if (!seen.insert(v.version_no).second) {
        st.report(DiagCode::JsonDuplicateId, vp + "/version",
                  "version " + std::to_string(v.version_no) + " appears twice");
      }
      std::set<std::string> codes;
      for (const auto& p : v.periods) codes.insert(p.code);
      std::set<int> lines;
      for (std::size_t l = 0; l < v.lines.size(); ++l) {
        const auto& line = v.lines[l];
        const std::string lp = vp + "/lines/" + std::to_string(l);
        if (!lines.insert(line.line_no).second) {
          st.report(DiagCode::JsonDuplicateId, lp + "/line",
                    "line " + std::to_string(line.line_no) + " appears twice in version " +
                        std::to_string(v.version_no));
        }
        for (const auto& pc : line.periods) {
          if (!codes.contains(pc)) {
            st.report(DiagCode::JsonBadReference, lp + "/periods",
                      "line " + std::to_string(line.line_no) + " names period '" + pc +
                          "', which version " + std::to_string(v.version_no) + " does not have");
          }
        }
      }
    }
  } else if (const auto* s = std::get_if<rx::StatusTemplate>(&d)) {
    auto known = [&](const std::string& code) {
      return code.empty() || s->find(code) != nullptr;
    };
    if (!known(s->initial_status)) {
      st.report(DiagCode::JsonBadValue, r.ptr("initial_status"),
                "initial status '" + s->initial_status + "' is not one of its statuses");
    }
    if (!known(s->not_needed_status)) {
      st.report(DiagCode::JsonBadValue, r.ptr("not_needed_status"),
                "not-needed status '" + s->not_needed_status + "' is not one of its statuses");
    }
  } else if (const auto* pl = std::get_if<PriceList>(&d)) {
    for (std::size_t i = 0; i < pl->entries.size(); ++i) {
      order(pl->entries[i].valid_from, pl->entries[i].valid_to,
            r.ptr("entries") + "/" + std::to_string(i) + "/valid_to");
    }
  } else if (const auto* pc = std::get_if<rx::PostingCode>(&d)) {
    if (!rx::parse_posting_code(pc->code)) {
      st.report(DiagCode::JsonBadValue, r.ptr("code"),
                "the code is none of AV, UV, F-<insurer>-K");
    }
  }
}

struct RxWriter {
  template <class T>
  OrderedJson operator()(const T& v) const {
    OrderedJson j;
    j["kind"] = std::string(DocTraits<T>::kind);
    if constexpr (std::is_same_v<T, PlanSetupDocument>) {
      write_fields(v.setup, j);
    } else if constexpr (HasFields<T>::value) {
      write_fields(v, j);
    }
    return j;
  }
};

}  // namespace

std::string_view rx_kind_names() {
  return "resource, work_type, contract_finding_item, price_list, discount_reason, error_code, "
         "posting_code, delivery_hierarchy, requirement_code, status_template, info_template, "
         "plan_setup, serial_card, contract, case, requirement_status, delivery_note";
}

bool read_rx_document(std::string_view kind, ObjectReader& r, std::optional<Document>& out) {
  if (kind == "resource") out = read_doc<rx::Resource>(r);
  else if (kind == "work_type") out = read_doc<rx::WorkType>(r);
  else if (kind == "contract_finding_item") out = read_doc<rx::ContractFindingItem>(r);
  else if (kind == "price_list") out = read_doc<PriceList>(r);
  else if (kind == "discount_reason") out = read_doc<rx::DiscountReason>(r);
  else if (kind == "error_code") out = read_doc<rx::ErrorCode>(r);
  else if (kind == "posting_code") out = read_doc<rx::PostingCode>(r);
  else if (kind == "delivery_hierarchy") out = read_doc<rx::DeliveryHierarchy>(r);
  else if (kind == "requirement_code") out = read_doc<rx::RequirementCode>(r);
  else if (kind == "status_template") out = read_doc<rx::StatusTemplate>(r);
  else if (kind == "info_template") out = read_doc<rx::InfoTemplate>(r);
  else if (kind == "plan_setup") {
    PlanSetupDocument doc{rx::PlanSetup::defaults()};
    ReadVisitor<rx::PlanSetup> v{r, doc.setup};
    Fields<rx::PlanSetup>::visit(v);
    out = doc;
  } else if (kind == "serial_card") out = read_doc<rx::SerialCard>(r);
  else if (kind == "contract") out = read_doc<rx::Contract>(r);
  else if (kind == "case") out = read_doc<CaseRequest>(r);
  else if (kind == "requirement_status") out = read_doc<RequirementStatusChange>(r);
  else if (kind == "delivery_note") out = read_doc<rx::DeliveryNote>(r);
  else return false;
  check_document(*out, r);
  return true;
}

nlohmann::ordered_json write_rx_document(const Document& d) { return std::visit(RxWriter{}, d); }

template <class T>
std::string encode_aggregate(const T& value) {
  return write_object(value).dump();
}

template <class T>
Expected<T, Diagnostics> decode_aggregate(std::string_view json, const std::string& what) {
  Json j;
  try {
    j = Json::parse(json);
  } catch (const Json::exception& e) {
    return Unexpected(Diagnostics{Diagnostic::make(DiagCode::JsonSyntax, what + ": " + e.what(),
                                                   Location{.file = what})});
  }
  // No text positions: a stored aggregate is read far more often than it is
  // wrong, and indexing every value's position cost more than the parse.
  ReadState st{what, nullptr, {}};
  T value{};
  if (!j.is_object()) {
    st.report(DiagCode::JsonBadType, "", what + " must be a JSON object");
  } else {
    ObjectReader r(j, "", st);
    read_object(r, value);
  }
  if (has_errors(st.diagnostics)) return Unexpected(std::move(st.diagnostics));
  return value;
}

#define CB_AGGREGATE(T)                                                                  \
  template std::string encode_aggregate<T>(const T&);                                    \
  template Expected<T, Diagnostics> decode_aggregate<T>(std::string_view, const std::string&);
CB_AGGREGATE(rx::Resource)
CB_AGGREGATE(rx::WorkType)
CB_AGGREGATE(rx::ContractFindingItem)
CB_AGGREGATE(PriceList)
CB_AGGREGATE(rx::DiscountReason)
CB_AGGREGATE(rx::ErrorCode)
CB_AGGREGATE(rx::PostingCode)
CB_AGGREGATE(rx::DeliveryHierarchy)
CB_AGGREGATE(rx::RequirementCode)
CB_AGGREGATE(rx::StatusTemplate)
CB_AGGREGATE(rx::InfoTemplate)
CB_AGGREGATE(rx::PlanSetup)
CB_AGGREGATE(rx::SerialCard)
CB_AGGREGATE(rx::Contract)
CB_AGGREGATE(rx::Case)
CB_AGGREGATE(rx::DeliveryPlan)
CB_AGGREGATE(rx::SalesOrder)
CB_AGGREGATE(rx::DeliveryNote)
CB_AGGREGATE(rx::AppLogEntry)
CB_AGGREGATE(rx::BillingPlan)
CB_AGGREGATE(rx::Invoice)
CB_AGGREGATE(rx::BillingSetup)
#undef CB_AGGREGATE

}  // namespace cb::adapters::canonical_json
