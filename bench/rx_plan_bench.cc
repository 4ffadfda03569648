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

#include "bench/rx_bench_data.h"
#include "core/rx/contract_search.h"

namespace {

using namespace cb;
using namespace cb::rx;

using namespace cb::rx::bench_data;

double max_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // Linux: KiB
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
