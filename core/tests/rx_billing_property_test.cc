// Property test of the billing rules (issue 4 "Bad input and exactness"):
// random contracts, prices and quantities from a fixed seed. Invoice totals
// equal the sum of their lines, the insurer's share plus the patient's share
// equals the gross, and no co-payment breaks its bounds. Every failure names
// the seed and the iteration, so it can be replayed.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "core/rx/billing_rules/billing_split.h"
#include "core/rx/billing_rules/calculated_flat_rate.h"
#include "core/rx/billing_rules/vat.h"
#include "core/tests/rx_billing_test_util.h"

namespace cb::rx::billing {
namespace {

using test::dec;
using test::eur;

constexpr std::uint64_t kSeed = 0x42524C2D34ULL;  // "BRL-4"
constexpr int kIterations = 4000;

/// Deterministic on every standard library: plain modulo over mt19937_64
/// (the distributions of <random> are implementation-defined).
class Gen {
 public:
  explicit Gen(std::uint64_t seed) : rng_(seed) {}
  int between(int lo, int hi) {  // inclusive
    return lo + static_cast<int>(rng_() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  bool chance(int percent) { return between(1, 100) <= percent; }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(between(0, static_cast<int>(v.size()) - 1))];
  }
  Decimal cents(int max_cents) {
    return Decimal::from_parts(between(0, max_cents), 2).value();
  }
  Date date(int from_year, int to_year) {
    return Date::from_ymd(between(from_year, to_year), between(1, 12), between(1, 28)).value();
  }

 private:
  std::mt19937_64 rng_;
};

std::string where(int iteration) {
  return "seed " + std::to_string(kSeed) + " iteration " + std::to_string(iteration);
}

std::vector<CalculationCode> code_table() {
  CalculationCode ea_fixed;
  ea_fixed.code = "EA-76";
  ea_fixed.kind = SplitKind::own_share;
  ea_fixed.method = CalcMethod::fixed_amount;
  ea_fixed.fixed_amount = dec("76");
  CalculationCode ea_pct;
  ea_pct.code = "EA-20P";
  ea_pct.kind = SplitKind::own_share;
  ea_pct.method = CalcMethod::per_aid;
  ea_pct.percent = dec("20");
  CalculationCode waz;
  waz.code = "WAZ-25";
  waz.kind = SplitKind::surcharge;
  waz.method = CalcMethod::fixed_amount;
  waz.fixed_amount = dec("25");
  return {CalculationCode::statutory_aid(), CalculationCode::statutory_consumable(),
          CalculationCode::no_copayment(), ea_fixed, ea_pct, waz};
}

/// Independent of the implementation: "GH1" and "GZ1" are the group "G1".
std::string normalized_group(const std::string& g) {
  if (g.size() >= 3 && (g[1] == 'H' || g[1] == 'Z')) return g.substr(0, 1) + g.substr(2);
  return g;
}

TEST(BillingRulesProperty, SplitsBalanceTotalsAddUpAndCopaymentsStayInBounds) {
  Gen gen(kSeed);
  const auto codes = code_table();
  const auto rates = default_vat_rates();
  int liable_with_copayment = 0;
  int grouped = 0;

  for (int it = 0; it < kIterations; ++it) {
    SCOPED_TRACE(where(it));
    // --- a random contract's invoice lines
    const bool incl_vat = gen.chance(30);
    const int n = gen.between(1, 6);
    std::vector<LineAmounts> amounts;
    SplitRequest req;
    req.service_date = gen.date(2026, 2026);
    req.codes = codes;
    req.zero_amount_discount_reason = "NULL";
    req.need_months = gen.between(1, 3);
    req.invoice_patient = gen.chance(80);
    req.insurance_type = gen.chance(75) ? InsuranceType::statutory
                                        : gen.pick(std::vector<InsuranceType>{
                                              InsuranceType::trade_association,
                                              InsuranceType::accident_fund,
                                              InsuranceType::private_insurance});
    if (gen.chance(90)) req.birth_date = gen.date(1930, 2020);
    if (gen.chance(25)) {
      const Date a = gen.date(2025, 2026);
      const Date b = gen.date(2026, 2027);
      req.exemptions.push_back(Exemption{gen.chance(20) ? std::nullopt : std::optional<Date>(a),
                                         gen.chance(20) ? std::nullopt : std::optional<Date>(b)});
    }

    for (int i = 0; i < n; ++i) {
      LineInput li;
      li.quantity = gen.chance(15) ? dec("0.5") : Decimal::from_int(gen.between(1, 5));
      li.unit_price = Money(gen.chance(20) ? Decimal::from_parts(gen.between(0, 500000), 3).value()
                                           : gen.cents(50000),
                            Currency::eur());
      li.line_discount_pct = gen.pick(std::vector<Decimal>{dec("0"), dec("0"), dec("5"), dec("12.5"), dec("100")});
      const std::string group = gen.chance(50) ? "MWST7" : "MWST19";
      li.vat_pct = vat_rate(rates, group, req.service_date).value();
      li.prices_include_vat = incl_vat;
      const auto a = compute_line_amounts(li);
      ASSERT_TRUE(a.has_value());
      ASSERT_EQ(a->net + a->vat, a->gross);
      ASSERT_FALSE(a->gross.amount().is_negative());
      amounts.push_back(*a);

      SplitLineInput sl;
      sl.line_ref = (i + 1) * 10000;
      sl.gross = a->gross;
      sl.aids = gen.between(1, 3);
      sl.no_billing_split = gen.chance(10);
      sl.copayment_group = gen.pick(std::vector<std::string>{"", "", "GH1", "GZ1", "GZ1", "GH2", "GZ2"});
      sl.need_group = gen.pick(std::vector<std::string>{"", "29", "29", "15"});
      const std::vector<std::string> copay = {"", "ZZ-HM", "ZZ-HM", "ZZ-VB", "ZZ-VB", "KEINE-ZZ"};
      sl.lookup_codes.copayment = gen.pick(copay);
      if (gen.chance(20)) sl.contract_codes.copayment = gen.pick(copay);
      sl.lookup_codes.own_share = gen.pick(std::vector<std::string>{"", "", "", "EA-76", "EA-20P"});
      sl.lookup_codes.surcharge = gen.pick(std::vector<std::string>{"", "", "", "WAZ-25"});
      req.lines.push_back(sl);
    }

    // --- invoice totals are sums of rounded lines
    const auto totals = sum_lines(amounts);
    ASSERT_TRUE(totals.has_value());
    Money net = Money::zero(Currency::eur()), vat = net, gross = net;
    for (const auto& a : amounts) {
      net = net + a.net;
      vat = vat + a.vat;
      gross = gross + a.gross;
    }
    ASSERT_EQ(totals->net, net);
    ASSERT_EQ(totals->vat, vat);
    ASSERT_EQ(totals->gross, gross);
    Money by_rate = Money::zero(Currency::eur());
    for (const auto& b : totals->by_rate) by_rate = by_rate + b.gross;
    ASSERT_EQ(by_rate, gross);

    // --- the split balances
    const auto res = compute_billing_split(req);
    ASSERT_TRUE(res.has_value()) << res.error().to_string();
    const SplitResult& s = *res;
    ASSERT_EQ(s.gross_total, totals->gross);
    ASSERT_EQ(s.insurer_total + s.patient_total, s.gross_total);
    Money insurer_sum = Money::zero(Currency::eur()), patient_sum = insurer_sum;
    for (const auto& l : s.lines) {
      Money parts = Money::zero(Currency::eur());
      for (const auto& p : l.parts) {
        ASSERT_FALSE(p.amount.amount().is_negative());
        ASSERT_EQ(p.amount, p.amount.rounded());
        ASSERT_EQ(p.discount_reason, p.amount.amount().is_zero() ? "NULL" : "");
        parts = parts + p.amount;
      }
      ASSERT_EQ(l.patient, parts);
      ASSERT_EQ(l.insurer + l.patient, l.gross);
      ASSERT_FALSE(l.insurer.amount().is_negative());
      insurer_sum = insurer_sum + l.insurer;
      patient_sum = patient_sum + l.patient;
    }
    ASSERT_EQ(insurer_sum, s.insurer_total);
    ASSERT_EQ(patient_sum, s.patient_total);
    if (!req.invoice_patient) {
      ASSERT_FALSE(s.invoice_patient);
    }

    // --- no co-payment where the law says none
    bool exempt = false;
    for (const auto& e : req.exemptions) exempt = exempt || e.covers(req.service_date);
    const bool minor_patient =
        req.birth_date && req.service_date < req.birth_date->add_years(18);
    const bool no_copayment =
        req.insurance_type != InsuranceType::statutory || exempt || minor_patient;
    ASSERT_EQ(no_copayment, s.status != CopaymentStatus::liable);
    if (no_copayment) {
      ASSERT_EQ(s.total(SplitKind::copayment), Money::zero(Currency::eur()));
    }
    if (req.insurance_type == InsuranceType::private_insurance) {
      ASSERT_EQ(s.patient_total, Money::zero(Currency::eur()));
    }
    for (std::size_t i = 0; i < req.lines.size(); ++i) {
      if (req.lines[i].no_billing_split) {
        ASSERT_TRUE(s.lines[i].parts.empty());
      }
    }
    if (no_copayment) continue;

    // --- co-payment bounds per aid (group) and per monthly need
    struct Acc {
      Money copay = Money::zero(Currency::eur());
      Money base = Money::zero(Currency::eur());
      int aids = 0;
      int lines = 0;
    };
    std::map<std::tuple<std::string, std::string, std::string>, Acc> acc;
    for (std::size_t i = 0; i < req.lines.size(); ++i) {
      const auto& in = req.lines[i];
      if (in.no_billing_split) continue;
      const std::string code =
          in.contract_codes.copayment.empty() ? in.lookup_codes.copayment : in.contract_codes.copayment;
      if (code.empty()) continue;
      std::string key = code == "ZZ-VB" ? in.need_group : normalized_group(in.copayment_group);
      if (key.empty()) key = "#" + std::to_string(i);
      auto& a = acc[{code, key, ""}];
      const auto& out = s.lines[i];
      a.copay = a.copay + out.part(SplitKind::copayment);
      a.base = a.base + (out.gross - out.part(SplitKind::own_share) - out.part(SplitKind::surcharge));
      a.aids = in.aids;
      a.lines += 1;
    }
    for (const auto& [k, a] : acc) {
      const std::string& code = std::get<0>(k);
      ASSERT_LE(a.copay, a.base) << code;
      if (code == "KEINE-ZZ") {
        ASSERT_EQ(a.copay, Money::zero(Currency::eur()));
      } else if (code == "ZZ-HM") {
        const int aids = a.lines > 1 || std::get<1>(k)[0] != '#' ? 1 : a.aids;
        if (a.lines > 1) ++grouped;
        const Money max = eur("10") * Decimal::from_int(aids);
        const Money min = eur("5") * Decimal::from_int(aids);
        ASSERT_LE(a.copay, max);
        ASSERT_GE(a.copay, a.base < min ? a.base : min);
        if (!a.copay.amount().is_zero()) ++liable_with_copayment;
      } else if (code == "ZZ-VB") {
        ASSERT_LE(a.copay, eur("10") * Decimal::from_int(req.need_months));
        ASSERT_LE(a.copay, a.base.percent(dec("10")));
      }
    }
  }
  // The generator reaches the interesting cases.
  EXPECT_GT(liable_with_copayment, kIterations / 4);
  EXPECT_GT(grouped, 50);
}

TEST(BillingRulesProperty, CalorieQuantityGrowsAndNeverPassesTheCap) {
  Gen gen(kSeed + 1);
  for (int it = 0; it < 500; ++it) {
    SCOPED_TRACE(where(it));
    CalcInput in;
    in.kind = CalculationKind::delivered_quantity;
    in.limit = CalculationLimit::maximum;
    in.limit_value = dec("30000");
    in.reference_value = dec("30000");
    in.extra_field = "KABA";
    in.unit_price = Money(gen.cents(90000), Currency::eur());
    in.billing_from = test::d("2026-03-01");
    in.billing_to = test::d("2026-03-31");
    Decimal previous;
    const int deliveries = gen.between(1, 8);
    for (int k = 0; k < deliveries; ++k) {
      CalcDelivery del;
      del.date = Date::from_ymd(2026, 3, gen.between(1, 31)).value();
      del.document_no = "LS" + std::to_string(k);
      del.base_quantity = Decimal::from_int(gen.between(1, 30));
      del.extra_value = Decimal::from_int(gen.between(100, 2500));
      in.deliveries.push_back(del);
      const auto r = compute_calculated_flat_rate(in);
      ASSERT_TRUE(r.has_value());
      ASSERT_GE(r->quantity, previous);
      ASSERT_LE(r->quantity, dec("1"));
      ASSERT_LE(r->line_amount, in.unit_price.rounded());
      previous = r->quantity;
    }
  }
}

TEST(BillingRulesProperty, DailyQuantityIsTheDayCountAtMostThirty) {
  Gen gen(kSeed + 2);
  for (int it = 0; it < 500; ++it) {
    SCOPED_TRACE(where(it));
    CalcInput in;
    in.kind = CalculationKind::daily;
    in.line_quantity = dec("30");
    in.unit_price = eur("9.80");
    in.billing_from = gen.date(2024, 2027);
    in.billing_to = gen.chance(50) ? in.billing_from.end_of_month()
                                   : in.billing_from.add_days(gen.between(0, 27));
    if (in.billing_to > in.billing_from.end_of_month()) in.billing_to = in.billing_from.end_of_month();
    const auto r = compute_calculated_flat_rate(in);
    ASSERT_TRUE(r.has_value());
    const int days = billing_period_days(in.billing_from, in.billing_to);
    const bool whole = in.billing_from.day() == 1 && in.billing_to == in.billing_from.end_of_month();
    ASSERT_EQ(r->quantity, whole ? dec("30") : Decimal::from_int(days < 30 ? days : 30));
  }
}

}  // namespace
}  // namespace cb::rx::billing
