#pragma once
// The synthetic data set of the delivery-plan benchmarks (rx_plan_bench.cc in
// memory, rx_store_run.cc through the store): 8 insurers with 6 contracts
// each, patients with 1–3 cases (half monthly stoma flat rates over 24 months
// with periodic monthly delivery, half wheelchair purchases with prescription
// and cost estimate, two thirds approved). Each patient depends only on its
// index, so chunks and the whole set agree.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/rx/case_engine.h"
#include "core/rx/plan_engine.h"
#include "core/rx/requirements.h"
#include "core/rx/workspace.h"

namespace cb::rx::bench_data {

constexpr int kPatients = 100000;
constexpr int kInsurers = 8;

inline Date day(const char* iso) { return Date::parse(iso).value(); }
inline DateFormula formula(const char* f) { return DateFormula::parse(f).value(); }

/// A small deterministic generator (no clocks, no std::random_device).
struct Lcg {
  std::uint64_t s = 0x2545F4914F6CDD1DULL;
  std::uint32_t next() {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::uint32_t>(s >> 33);
  }
};

inline std::string insurer_id(int i) { return "K-" + std::to_string(100 + i); }

inline void add_contracts(Workspace& ws) {
  InfoTemplate vokv;
  vokv.code = "VO-KV";
  vokv.lines = {{"VO", RequirementPurpose::delivery, RequirementQuality::copy, true, "", ""},
                {"KV", RequirementPurpose::delivery, RequirementQuality::original, true, "", "VO"}};
  ws.info_templates.put(vokv.code, vokv);
  for (const char* code : {"ABGELAUFEN", "ENDE", "TAUSCH", "ABWARTEN"}) {
    ws.error_codes.put(code, ErrorCode{code, code, true, false, ""});
  }
  ws.error_codes.put("NOTFALL", ErrorCode{"NOTFALL", "emergency", false, false, ""});
  ws.items.put("ROLL-1", cb::Item{.number = "ROLL-1", .unit = "ST", .serial_tracking = true});
  ws.items.put("BAG-A", cb::Item{.number = "BAG-A", .unit = "ST"});
  ws.items.put("BAG-B", cb::Item{.number = "BAG-B", .unit = "ST"});
  ws.contract_finding_items.put(
      "VF-BAGS", ContractFindingItem{"VF-BAGS", "bags", {{"BAG-A", ""}, {"BAG-B", ""}}});
  for (int i = 0; i < kInsurers; ++i) {
    const std::string ins = insurer_id(i);
    cb::Party price_debtor;  // the insurer's price-finding debtor (`Preisfindungsdebitor`)
    price_debtor.id = "§" + ins;
    ws.parties.put(price_debtor.id, price_debtor);
    cb::Party p;
    p.id = ins;
    p.own_roles = {"KK-KV", "KK-AB"};
    p.assigned_roles = {{"PF-DE", "§" + ins, std::nullopt, std::nullopt}};
    ws.parties.put(p.id, p);
    for (int kind = 0; kind < 6; ++kind) {
      Contract c;
      c.number = ins + "-C" + std::to_string(kind);
      c.status = ReleaseStatus::released;
      c.kind = kind % 2 == 0 ? ContractKind::billing_debtor : ContractKind::price_debtor;
      c.kind_party = kind % 2 == 0 ? ins : "§" + ins;
      c.case_type = "HM";
      c.search_code = kind < 2 ? "29" : (kind < 4 ? "18" : "15");
      if (kind == 4) c.age_to = formula("18J");
      if (kind == 5) c.age_from = formula("18J");
      ContractVersion v;
      v.status = ReleaseStatus::released;
      v.valid_from = day("2020-01-01");
      v.billing_method = BillingMethod::p302;
      ContractPeriod e1;
      e1.code = "E1";
      ContractLine l;
      l.line_no = 10000;
      if (kind < 2) {  // monthly stoma flat rate
        v.start_date_rule = StartDateRule::month_start;
        v.billing_form = BillingForm::flat_rate;
        e1.case_duration = formula("24M");
        e1.billing_interval = formula("1M");
        e1.billing_timing = formula("LM");
        l.kind = LineKind::contract_finding_item;
        l.number = "VF-BAGS";
        l.quantity = Decimal::from_int(30);
        l.delivery_type = DeliveryType::periodic;
        l.delivery_interval = formula("1M");
      } else {  // purchase with prescription and cost estimate
        v.billing_form = BillingForm::purchase;
        e1.info_template = "VO-KV";
        l.number = "ROLL-1";
      }
      v.periods = {e1};
      v.lines = {l};
      c.versions = {v};
      ws.contracts.put(c.number, c);
    }
  }
}

/// Adds patients [first, first + count) with their cases; each patient's data
/// depends only on its index, so chunks and the whole set agree.
inline std::size_t add_patients(Workspace& ws, int first, int count) {
  const Date working = day("2026-03-14");
  std::size_t cases = 0;
  for (int i = first; i < first + count; ++i) {
    Lcg rng;
    rng.s += static_cast<std::uint64_t>(i) * 0x9E3779B97F4A7C15ULL;
    char id[16];
    std::snprintf(id, sizeof id, "P%06d", i);
    const std::string ins = insurer_id(static_cast<int>(rng.next() % kInsurers));
    cb::Party p;
    p.id = id;
    p.own_roles = {"VS-GK"};
    p.assigned_roles = {{"KK-KV", ins, std::nullopt, std::nullopt},
                        {"KK-AB", ins, std::nullopt, std::nullopt}};
    p.birth_date = Date::from_days(-static_cast<std::int32_t>(rng.next() % 30000));
    p.address = cb::Address{"", std::to_string(10000 + rng.next() % 89999), "", "DE"};
    ws.parties.put(p.id, p);
    const int n = 1 + static_cast<int>(rng.next() % 3);
    for (int k = 0; k < n; ++k) {
      const bool flat = (rng.next() % 2) == 0;
      CreateCaseInput in;
      in.patient_id = id;
      in.contract_no = ins + (flat ? "-C0" : "-C2");
      if (flat) {
        in.lines = {{10000, (rng.next() % 2) ? "BAG-A" : "BAG-B", "", std::nullopt, ""}};
      } else {
        in.lines = {{10000, "", "", std::nullopt, ""}};
      }
      auto no = create_case(ws, in, working);
      if (!no) std::abort();
      ++cases;
      if (!flat && rng.next() % 3 != 0) {  // two thirds of purchases are approved
        for (const char* code : {"VO", "KV"}) {
          if (!set_requirement_status(ws, {*no, 1, code, 0, "20", "bench", ""}, working)) {
            std::abort();
          }
        }
      }
      // Periods count as released; their lines are released by the benchmark.
      ws.cases.edit(*no)->periods[0].status = PeriodStatus::released;
    }
  }
  return cases;
}

inline std::size_t release_all(Workspace& ws) {
  std::size_t released = 0;
  for (const auto& [patient, plan] : ws.plans) {
    for (const auto& l : plan.lines) {
      if (l.status != PlanLineStatus::open) continue;
      if (release_line(ws, patient, l.line_no, day("2026-03-14"))) ++released;
    }
  }
  return released;
}

}  // namespace cb::rx::bench_data
