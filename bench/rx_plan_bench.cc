// The delivery-plan benchmark of issue 3: 100,000 synthetic patients with 1-3
// active cases each (mixed purchases and monthly stoma flat rates), then
// contract search per call, release of all lines, one daily plan-update run
// and one call-off run. Target: plan update + call-off for 100k patients under
// 10 s on one core, peak memory under 1 GiB (max RSS is reported as a counter).
// Run with `make bench`; figures go to bench/RESULTS.md.

#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstdint>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "core/rx/case_engine.h"
#include "core/rx/contract_search.h"
#include "core/rx/plan_engine.h"
#include "core/rx/requirements.h"
#include "core/rx/workspace.h"

namespace {

using namespace cb;
using namespace cb::rx;

constexpr int kPatients = 100000;
constexpr int kInsurers = 8;

Date day(const char* iso) { return Date::parse(iso).value(); }
DateFormula formula(const char* f) { return DateFormula::parse(f).value(); }

double max_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // Linux: KiB
}

/// A small deterministic generator (no clocks, no std::random_device).
struct Lcg {
  std::uint64_t s = 0x2545F4914F6CDD1DULL;
  std::uint32_t next() {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::uint32_t>(s >> 33);
  }
};

std::string insurer_id(int i) { return "K-" + std::to_string(100 + i); }

void add_contracts(Workspace& ws) {
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
std::size_t add_patients(Workspace& ws, int first, int count) {
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

std::size_t release_all(Workspace& ws) {
  std::size_t released = 0;
  for (const auto& [patient, plan] : ws.plans) {
    for (const auto& l : plan.lines) {
      if (l.status != PlanLineStatus::open) continue;
      if (release_line(ws, patient, l.line_no, day("2026-03-14"))) ++released;
    }
  }
  return released;
}

/// The shared data set, built once.
struct DataSet {
  Workspace ws;
  std::size_t cases = 0;
};

DataSet& data() {
  static std::unique_ptr<DataSet> ds = [] {
    auto d = std::make_unique<DataSet>();
    add_contracts(d->ws);
    d->cases = add_patients(d->ws, 0, kPatients);
    d->ws.clear_changes();
    return d;
  }();
  return *ds;
}

void add_counters(benchmark::State& state) {
  state.counters["max_rss_MiB"] = max_rss_mib();
  state.counters["cases"] = static_cast<double>(data().cases);
}

void BM_Generate(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(data().cases);
  add_counters(state);
}
BENCHMARK(BM_Generate)->Iterations(1)->Unit(benchmark::kMillisecond);

void BM_ContractSearch(benchmark::State& state) {
  const Workspace& ws = data().ws;
  Lcg rng;
  ContractSearchInput in;
  in.case_type = "HM";
  in.search_code = "29";
  char id[16];
  std::size_t hits = 0;
  for (auto _ : state) {
    std::snprintf(id, sizeof id, "P%06u", rng.next() % kPatients);
    in.patient_id = id;
    auto r = search_contracts(ws, in, day("2026-03-14"));
    hits += r ? r->size() : 0;
    benchmark::DoNotOptimize(r);
  }
  state.counters["hits_per_call"] =
      benchmark::Counter(static_cast<double>(hits), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_ContractSearch)->Unit(benchmark::kMicrosecond);

void BM_ReleaseAllLines(benchmark::State& state) {
  Workspace& ws = data().ws;
  std::size_t released = 0;
  for (auto _ : state) released = release_all(ws);
  state.counters["lines"] = static_cast<double>(released);
  add_counters(state);
}
BENCHMARK(BM_ReleaseAllLines)->Iterations(1)->Unit(benchmark::kMillisecond);

void BM_PlanUpdate(benchmark::State& state) {
  Workspace& ws = data().ws;
  PlanUpdateResult r;
  for (auto _ : state) r = plan_update(ws, day("2026-04-01"));
  state.counters["lines"] = static_cast<double>(r.lines_seen);
  state.counters["created"] = static_cast<double>(r.schedules_created);
  state.counters["expired"] = static_cast<double>(r.schedules_expired);
  state.counters["changes"] = static_cast<double>(ws.changes().size());
  add_counters(state);
}
BENCHMARK(BM_PlanUpdate)->Iterations(1)->Unit(benchmark::kMillisecond);

void BM_CallOff(benchmark::State& state) {
  Workspace& ws = data().ws;
  CallOffResult r;
  for (auto _ : state) r = call_off_orders(ws, day("2026-04-01"));
  state.counters["orders"] = static_cast<double>(r.orders.size());
  state.counters["order_lines"] = static_cast<double>(r.lines_called_off);
  state.counters["blocked"] = static_cast<double>(r.blocked.size());
  add_counters(state);
}
BENCHMARK(BM_CallOff)->Iterations(1)->Unit(benchmark::kMillisecond);

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

/// The same daily run in chunks of RX_BENCH_CHUNK patients (default 10,000),
/// each in a fresh workspace, as a job reading from the store would do it:
/// load a chunk, run, persist the changes, drop it. Run it alone
/// (--benchmark_filter=Chunked) so that max RSS is the chunked peak.
void BM_Chunked(benchmark::State& state) {
  int chunk = 10000;
  if (const char* e = std::getenv("RX_BENCH_CHUNK")) chunk = std::max(1000, std::atoi(e));
  double release_s = 0, update_s = 0, calloff_s = 0;
  std::size_t cases = 0, orders = 0, created = 0;
  for (auto _ : state) {
    for (int first = 0; first < kPatients; first += chunk) {
      auto ws = std::make_unique<Workspace>();
      add_contracts(*ws);
      cases += add_patients(*ws, first, std::min(chunk, kPatients - first));
      double t = cpu_seconds();
      release_all(*ws);
      release_s += cpu_seconds() - t;
      t = cpu_seconds();
      created += plan_update(*ws, day("2026-04-01")).schedules_created;
      update_s += cpu_seconds() - t;
      t = cpu_seconds();
      orders += call_off_orders(*ws, day("2026-04-01")).orders.size();
      calloff_s += cpu_seconds() - t;
    }
  }
  state.counters["chunk"] = chunk;
  state.counters["cases"] = static_cast<double>(cases);
  state.counters["created"] = static_cast<double>(created);
  state.counters["orders"] = static_cast<double>(orders);
  state.counters["release_cpu_s"] = release_s;
  state.counters["plan_update_cpu_s"] = update_s;
  state.counters["call_off_cpu_s"] = calloff_s;
  state.counters["max_rss_MiB"] = max_rss_mib();
}
BENCHMARK(BM_Chunked)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
