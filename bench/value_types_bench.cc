// Micro-benchmarks of the value types on the hot paths of billing runs:
// decimal parsing, line amounts (price × quantity, rounded), date formulas.
// Run with `make bench`; figures go to bench/RESULTS.md.

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "core/value/date.h"
#include "core/value/date_formula.h"
#include "core/value/decimal.h"
#include "core/value/identifiers.h"

namespace {

void BM_DecimalParse(benchmark::State& state) {
  const std::vector<std::string> inputs = {"12.50", "1234,5678", "-0.001", "99999.99", "7"};
  std::size_t i = 0;
  for (auto _ : state) {
    auto d = cb::Decimal::parse(inputs[i++ % inputs.size()]);
    benchmark::DoNotOptimize(d);
  }
}
BENCHMARK(BM_DecimalParse);

void BM_LineAmount(benchmark::State& state) {
  const auto price = cb::Decimal::parse("13.4567").value();
  const auto qty = cb::Decimal::parse("30").value();
  cb::Decimal total;
  for (auto _ : state) {
    total += (price * qty).rounded(2);
    benchmark::DoNotOptimize(total);
  }
}
BENCHMARK(BM_LineAmount);

void BM_FormulaApply(benchmark::State& state) {
  const auto f = cb::DateFormula::parse("-LM+1M").value();
  auto d = cb::Date::from_ymd(2026, 1, 31).value();
  for (auto _ : state) {
    d = f.apply(d).add_days(-20);
    benchmark::DoNotOptimize(d);
  }
}
BENCHMARK(BM_FormulaApply);

void BM_FormulaParse(benchmark::State& state) {
  for (auto _ : state) {
    auto f = cb::DateFormula::parse("-LM+1M+13M");
    benchmark::DoNotOptimize(f);
  }
}
BENCHMARK(BM_FormulaParse);

void BM_IkCheck(benchmark::State& state) {
  for (auto _ : state) {
    auto ik = cb::Ik::parse("101575519");
    benchmark::DoNotOptimize(ik);
  }
}
BENCHMARK(BM_IkCheck);

}  // namespace

BENCHMARK_MAIN();
