// The billing benchmark of issue 4: 100,000 synthetic patients, each with a
// monthly stoma flat-rate case (flat-rate resource + periodic bags) and every
// third one also a wheelchair purchase that is called off and delivered.
// Measured: "create billing data" over the whole tenant and the invoice
// call-off of one month (posting dates up to the month end). Target: both
// under 15 s on one core, peak memory under 2 GiB (max RSS is a counter).
// Run with `make bench`; figures go to bench/RESULTS.md.

#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "core/rx/billing_engine.h"
#include "core/rx/case_engine.h"
#include "core/rx/ids.h"
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

std::string insurer_id(int i) { return "K-" + std::to_string(100 + i); }

void add_master_data(Workspace& ws) {
  for (const char* code : {"ABGELAUFEN", "ENDE", "TAUSCH", "ABWARTEN", "LN-FEHLT"}) {
    ws.error_codes.put(code, ErrorCode{code, code, true, false, ""});
  }
  ws.items.put("ROLL-1", cb::Item{.number = "ROLL-1", .unit = "ST", .vat_product_group = "reduced"});
  ws.items.put("BAG-A", cb::Item{.number = "BAG-A", .unit = "ST", .vat_product_group = "reduced"});
  Resource flat;
  flat.number = "PAU-STOMA";
  flat.unit = "MON";
  flat.vat_product_group = "reduced";
  ws.resources.put(flat.number, flat);
  for (int i = 0; i < kInsurers; ++i) {
    const std::string ins = insurer_id(i);
    cb::Party p;
    p.id = ins;
    p.own_roles = {"KK-KV", "KK-AB"};
    p.assigned_roles = {{"PF-DE", "§" + ins, std::nullopt, std::nullopt}};
    ws.parties.put(p.id, p);
    PriceListEntry pau{.price_debtor = "§" + ins, .kind = PricedKind::resource,
                       .number = "PAU-STOMA", .unit = "MON",
                       .unit_price = Decimal::parse("89.99").value()};
    PriceListEntry roll{.price_debtor = "§" + ins, .kind = PricedKind::item, .number = "ROLL-1",
                        .unit = "ST", .unit_price = Decimal::parse("412.37").value()};
    ws.price_lists.put("§" + ins, {pau, roll});
    for (int kind = 0; kind < 2; ++kind) {
      Contract c;
      c.number = ins + "-C" + std::to_string(kind);
      c.status = ReleaseStatus::released;
      c.kind = ContractKind::billing_debtor;
      c.kind_party = ins;
      c.case_type = "HM";
      ContractVersion v;
      v.status = ReleaseStatus::released;
      v.valid_from = day("2020-01-01");
      v.billing_method = BillingMethod::p302;
      ContractPeriod e1;
      e1.code = "E1";
      ContractLine l;
      l.line_no = 10000;
      if (kind == 0) {  // monthly stoma flat rate
        v.start_date_rule = StartDateRule::month_start;
        v.billing_form = BillingForm::flat_rate;
        e1.case_duration = formula("12M");
        e1.billing_interval = formula("1M");
        e1.billing_timing = formula("LM");
        e1.line_extra_info = {{"LKZ", "08"}, {"ACTK302", "1502"}};
        ContractLine res;
        res.line_no = 10000;
        res.kind = LineKind::resource;
        res.number = "PAU-STOMA";
        res.belongs_to_flat_rate = "PAU-STOMA";
        res.billing_kind = BillingKind::flat_rate;
        l.line_no = 20000;
        l.number = "BAG-A";
        l.belongs_to_flat_rate = "PAU-STOMA";
        l.billing_kind = BillingKind::flat_rate;
        l.quantity = Decimal::from_int(30);
        l.delivery_type = DeliveryType::periodic;
        l.delivery_interval = formula("1M");
        v.lines = {res, l};
      } else {  // purchase
        v.billing_form = BillingForm::purchase;
        l.number = "ROLL-1";
        v.lines = {l};
      }
      v.periods = {e1};
      c.versions = {v};
      ws.contracts.put(c.number, c);
    }
  }
}

std::size_t add_patients(Workspace& ws) {
  const Date working = day("2026-03-02");
  std::size_t cases = 0;
  for (int i = 0; i < kPatients; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "P%06d", i);
    const std::string ins = insurer_id(i % kInsurers);
    cb::Party p;
    p.id = id;
    p.own_roles = {"VS-GK"};
    p.assigned_roles = {{"KK-KV", ins, std::nullopt, std::nullopt},
                        {"KK-AB", ins, std::nullopt, std::nullopt}};
    ws.parties.put(p.id, p);
    CreateCaseInput flat;
    flat.patient_id = id;
    flat.contract_no = ins + "-C0";
    flat.lines = {{10000, "", "", std::nullopt, ""}, {20000, "", "", std::nullopt, ""}};
    auto no = create_case(ws, flat, working);
    if (!no || !release_period(ws, *no, 1, working)) std::abort();
    ++cases;
    if (i % 3 == 0) {
      CreateCaseInput buy;
      buy.patient_id = id;
      buy.contract_no = ins + "-C1";
      buy.lines = {{10000, "", "", std::nullopt, ""}};
      auto b = create_case(ws, buy, working);
      if (!b || !release_period(ws, *b, 1, working)) std::abort();
      ++cases;
    }
  }
  // Call off today's schedules and deliver every order in full.
  const auto off = call_off_orders(ws, working);
  int n = 0;
  for (const auto& order_no : off.orders) {
    const SalesOrder& o = *ws.sales_orders.find(order_no);
    DeliveryNote note;
    note.no = "LS" + std::to_string(++n);
    note.patient_id = o.patient_id;
    note.date = day("2026-03-05");
    int line = 0;
    for (const auto& l : o.lines) {
      note.lines.push_back({line += kLineStep, o.no, l.line_no, l.item_no, l.variant, "",
                            l.quantity, l.unit});
    }
    if (!post_delivery(ws, note)) std::abort();
  }
  return cases;
}

struct DataSet {
  Workspace ws;
  std::size_t cases = 0;
};

DataSet& data() {
  static std::unique_ptr<DataSet> ds = [] {
    auto d = std::make_unique<DataSet>();
    add_master_data(d->ws);
    d->cases = add_patients(d->ws);
    d->ws.clear_changes();
    return d;
  }();
  return *ds;
}

void BM_Generate(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(data().cases);
  state.counters["cases"] = static_cast<double>(data().cases);
  state.counters["max_rss_MiB"] = max_rss_mib();
}
BENCHMARK(BM_Generate)->Iterations(1)->Unit(benchmark::kMillisecond);

void BM_CreateBillingData(benchmark::State& state) {
  Workspace& ws = data().ws;
  BillingDataResult r;
  for (auto _ : state) r = create_billing_data(ws, day("2026-03-31"));
  state.counters["plans"] = static_cast<double>(r.plans_changed);
  state.counters["lines"] = static_cast<double>(r.lines_created);
  state.counters["schedules"] = static_cast<double>(r.schedules_created);
  state.counters["max_rss_MiB"] = max_rss_mib();
}
BENCHMARK(BM_CreateBillingData)->Iterations(1)->Unit(benchmark::kMillisecond);

void BM_InvoiceCallOffOneMonth(benchmark::State& state) {
  Workspace& ws = data().ws;
  InvoiceCallOffResult r;
  for (auto _ : state) r = call_off_invoices(ws, {}, day("2026-03-31"));
  state.counters["invoices"] = static_cast<double>(r.invoices.size());
  state.counters["lines"] = static_cast<double>(r.lines);
  state.counters["not_invoiceable"] = static_cast<double>(r.not_invoiceable.size());
  state.counters["max_rss_MiB"] = max_rss_mib();
}
BENCHMARK(BM_InvoiceCallOffOneMonth)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
