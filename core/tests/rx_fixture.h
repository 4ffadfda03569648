#pragma once
// A small synthetic data set for the core/rx tests: one insurer (DAK) with its
// price-finding debtor, patients, items, a purchase contract with prescription
// + cost-estimate requirements, a monthly stoma flat rate, child/adult
// contracts, a postal-code contract and a reuse contract. All names invented.

#include <string>

#include "core/rx/workspace.h"
#include "core/tests/date_printer.h"

namespace cb::rx::test {

inline Date d(const char* iso) { return Date::parse(iso).value(); }
inline DateFormula f(const char* text) { return DateFormula::parse(text).value(); }
inline Decimal dec(const char* text) { return Decimal::parse(text).value(); }

inline cb::Party patient(const std::string& id, const char* birth, const std::string& postal,
                         const std::string& insurer = "K-DAK") {
  cb::Party p;
  p.id = id;
  p.name = "Synthetic " + id;
  p.own_roles = {"VS-GK"};
  p.assigned_roles = {{"KK-KV", insurer, std::nullopt, std::nullopt},
                      {"KK-AB", insurer, std::nullopt, std::nullopt}};
  p.birth_date = d(birth);
  p.address = cb::Address{"Teststr. 1", postal, "Teststadt", "DE"};
  return p;
}

inline cb::Item item(const std::string& no, const std::string& unit, bool serial = false) {
  cb::Item i;
  i.number = no;
  i.description = "item " + no;
  i.unit = unit;
  i.serial_tracking = serial;
  return i;
}

inline ContractVersion released_version(BillingMethod m = BillingMethod::p302) {
  ContractVersion v;
  v.version_no = 1;
  v.status = ReleaseStatus::released;
  v.valid_from = d("2020-01-01");
  v.billing_method = m;
  return v;
}

inline Contract contract(const std::string& no, ContractKind kind, const std::string& party) {
  Contract c;
  c.number = no;
  c.description = "contract " + no;
  c.status = ReleaseStatus::released;
  c.kind = kind;
  c.kind_party = party;
  c.case_type = "HM";
  c.valid_from = d("2020-01-01");
  return c;
}

/// Fills `ws` with the standard data set.
inline void fill(Workspace& ws) {
  cb::Party dak;
  dak.id = "K-DAK";
  dak.name = "DAK test";
  dak.own_roles = {"KK-KV", "KK-AB"};
  dak.assigned_roles = {{"PF-DE", "§DAK", std::nullopt, std::nullopt},
                        {"VERBAND", "V-EK", std::nullopt, std::nullopt}};
  ws.parties.put(dak.id, dak);
  cb::Party pf;
  pf.id = "§DAK";
  pf.name = "price finding DAK";
  ws.parties.put(pf.id, pf);
  cb::Party aok;
  aok.id = "K-AOK";
  aok.name = "AOK test";
  aok.own_roles = {"KK-KV"};
  ws.parties.put(aok.id, aok);
  ws.parties.put("P1", patient("P1", "1960-05-10", "40210"));
  ws.parties.put("P2", patient("P2", "2008-03-15", "50667"));
  ws.parties.put("P3", patient("P3", "1975-01-01", "40210", "K-AOK"));

  ws.items.put("ROLL-1", item("ROLL-1", "ST", true));
  ws.items.put("BAG-A", item("BAG-A", "ST"));
  ws.items.put("BAG-B", item("BAG-B", "ST"));
  ws.items.put("CATH-1", item("CATH-1", "ST"));
  ContractFindingItem bags;
  bags.number = "VF-BAGS";
  bags.description = "stoma bags A-B";
  bags.items = {{"BAG-A", ""}, {"BAG-B", ""}};
  ws.contract_finding_items.put(bags.number, bags);
  Resource flat;
  flat.number = "PAU-STOMA";
  flat.description = "stoma monthly flat rate";
  flat.unit = "MON";
  ws.resources.put(flat.number, flat);

  for (const char* code : {"ABGELAUFEN", "ENDE", "TAUSCH", "ABWARTEN", "LN-FEHLT"}) {
    ws.error_codes.put(code, ErrorCode{code, code, true, false, ""});
  }
  ws.error_codes.put("NOTFALL", ErrorCode{"NOTFALL", "emergency", false, false, ""});
  ws.error_codes.put("INFO", ErrorCode{"INFO", "information only", false, false, ""});

  InfoTemplate vokv;
  vokv.code = "VO-KV";
  vokv.lines = {{"VO", RequirementPurpose::delivery, RequirementQuality::copy, true, "", ""},
                {"KV", RequirementPurpose::delivery, RequirementQuality::original, true, "", "VO"},
                {"LIEF-N", RequirementPurpose::billing, RequirementQuality::copy, true, "", ""}};
  ws.info_templates.put(vokv.code, vokv);

  // Purchase of a wheelchair: prescription + cost estimate block delivery.
  Contract kauf = contract("K-ROLL", ContractKind::price_debtor, "§DAK");
  kauf.search_code = "18";
  ContractVersion kv = released_version();
  kv.billing_form = BillingForm::purchase;
  kv.emergency_delivery_allowed = true;
  ContractPeriod e1;
  e1.code = "E1";
  e1.info_template = "VO-KV";
  kv.periods = {e1};
  ContractLine roll;
  roll.line_no = 10000;
  roll.number = "ROLL-1";
  roll.unit = "ST";
  kv.lines = {roll};
  kauf.versions = {kv};
  ws.contracts.put(kauf.number, kauf);

  // Monthly stoma flat rate: 12 months, periodic monthly delivery.
  Contract st = contract("P-STOMA", ContractKind::billing_debtor, "K-DAK");
  st.search_code = "29";
  ContractVersion sv = released_version();
  sv.billing_form = BillingForm::flat_rate;
  sv.start_date_rule = StartDateRule::month_start;
  ContractPeriod se1;
  se1.code = "E1";
  se1.case_duration = f("12M");
  se1.billing_interval = f("1M");
  se1.billing_timing = f("LM");
  se1.extension_mode = ExtensionMode::automatic;
  se1.extension_lead_time = f("4W");
  se1.extra_fields = {{"VS-ART", "1"}};
  sv.periods = {se1};
  ContractLine pau;
  pau.line_no = 10000;
  pau.kind = LineKind::resource;
  pau.number = "PAU-STOMA";
  pau.belongs_to_flat_rate = "PAU-STOMA";
  pau.billing_kind = BillingKind::flat_rate;
  ContractLine bagl;
  bagl.line_no = 20000;
  bagl.kind = LineKind::contract_finding_item;
  bagl.number = "VF-BAGS";
  bagl.belongs_to_flat_rate = "PAU-STOMA";
  bagl.billing_kind = BillingKind::flat_rate;
  bagl.quantity = Decimal::from_int(30);
  bagl.delivery_type = DeliveryType::periodic;
  bagl.delivery_interval = f("1M");
  sv.lines = {pau, bagl};
  st.versions = {sv};
  ws.contracts.put(st.number, st);

  PlanSetup setup = PlanSetup::defaults();
  ws.set_setup(setup);
  ws.clear_changes();
}

}  // namespace cb::rx::test
