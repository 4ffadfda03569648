// Billing split (rx-billing.md §7, dta302.md §10): statutory co-payment,
// own share, economic surcharge.
#include "core/rx/billing_rules/billing_split.h"

#include <gtest/gtest.h>

#include "core/tests/rx_billing_test_util.h"

namespace cb::rx::billing {
namespace {

using test::d;
using test::dec;
using test::eur;

CalculationCode own_share_fixed(const std::string& code, const std::string& amount) {
  CalculationCode c;
  c.code = code;
  c.kind = SplitKind::own_share;
  c.method = CalcMethod::fixed_amount;
  c.fixed_amount = dec(amount);
  return c;
}

CalculationCode surcharge_percent(const std::string& code, const std::string& pct) {
  CalculationCode c;
  c.code = code;
  c.kind = SplitKind::surcharge;
  c.method = CalcMethod::per_aid;
  c.percent = dec(pct);
  return c;
}

SplitRequest base_request() {
  SplitRequest r;
  r.service_date = d("2026-03-15");
  r.birth_date = d("1950-06-01");
  r.zero_amount_discount_reason = "NULL";
  r.codes = {CalculationCode::statutory_aid(), CalculationCode::statutory_consumable(),
             CalculationCode::no_copayment(), own_share_fixed("EA-SCHUH", "76"),
             surcharge_percent("WAZ-20", "20")};
  return r;
}

SplitLineInput aid(int ref, const std::string& gross, const std::string& group = "") {
  SplitLineInput l;
  l.line_ref = ref;
  l.gross = eur(gross);
  l.copayment_group = group;
  l.lookup_codes.copayment = "ZZ-HM";
  return l;
}

SplitLineInput consumable(int ref, const std::string& gross, const std::string& need = "29") {
  SplitLineInput l;
  l.line_ref = ref;
  l.gross = eur(gross);
  l.need_group = need;
  l.lookup_codes.copayment = "ZZ-VB";
  return l;
}

SplitResult split(const SplitRequest& r) {
  auto res = compute_billing_split(r);
  EXPECT_TRUE(res.has_value()) << (res ? "" : res.error().to_string());
  return res.value();
}

void expect_balanced(const SplitResult& s) {
  Money insurer = Money::zero(Currency::eur());
  Money patient = Money::zero(Currency::eur());
  for (const auto& l : s.lines) {
    EXPECT_EQ(l.insurer + l.patient, l.gross) << "line " << l.line_ref;
    insurer = insurer + l.insurer;
    patient = patient + l.patient;
  }
  EXPECT_EQ(insurer, s.insurer_total);
  EXPECT_EQ(patient, s.patient_total);
  EXPECT_EQ(s.insurer_total + s.patient_total, s.gross_total);
}

// dta302.md §10: 10 % of the amount the insurer bears, per aid.
TEST(BillingSplit, Dta302Sec10AidTenPercent) {
  auto r = base_request();
  r.lines = {aid(1, "80.00")};
  const auto s = split(r);
  EXPECT_EQ(s.status, CopaymentStatus::liable);
  EXPECT_EQ(dta_flag(s.status), '3');
  ASSERT_EQ(s.lines[0].parts.size(), 1u);
  EXPECT_EQ(s.lines[0].parts[0].amount, eur("8.00"));
  EXPECT_EQ(s.lines[0].parts[0].dta_kind, "01");
  EXPECT_EQ(s.lines[0].parts[0].calc_code, "ZZ-HM");
  EXPECT_EQ(s.lines[0].insurer, eur("72.00"));
  EXPECT_TRUE(s.invoice_patient);
  expect_balanced(s);
}

// dta302.md §10: at least 5 EUR, at most 10 EUR (Zuzahlungsart 02 = bounded).
TEST(BillingSplit, Dta302Sec10MinimumAndMaximum) {
  auto r = base_request();
  r.lines = {aid(1, "30.00"), aid(2, "250.00")};
  const auto s = split(r);
  EXPECT_EQ(s.lines[0].part(SplitKind::copayment), eur("5.00"));
  EXPECT_EQ(s.lines[0].parts[0].dta_kind, "02");
  EXPECT_EQ(s.lines[1].part(SplitKind::copayment), eur("10.00"));
  EXPECT_EQ(s.lines[1].parts[0].dta_kind, "02");
  EXPECT_EQ(s.patient_total, eur("15.00"));
  expect_balanced(s);
}

// dta302.md §10: never more than the cost.
TEST(BillingSplit, Dta302Sec10NeverMoreThanThePrice) {
  auto r = base_request();
  r.lines = {aid(1, "3.50")};
  const auto s = split(r);
  EXPECT_EQ(s.lines[0].part(SplitKind::copayment), eur("3.50"));
  EXPECT_EQ(s.lines[0].insurer, eur("0.00"));
  expect_balanced(s);
}

TEST(BillingSplit, TenPercentRoundsHalfAwayFromZero) {
  auto r = base_request();
  r.lines = {aid(1, "66.65")};  // 6.665 -> 6.67
  EXPECT_EQ(split(r).lines[0].part(SplitKind::copayment), eur("6.67"));
}

// §33 Abs. 8 SGB V: per Hilfsmittel; three aids of 20 EUR on one line pay 3 × 5 EUR.
TEST(BillingSplit, SeveralAidsOnOneLinePayEach) {
  auto r = base_request();
  auto l = aid(1, "60.00");
  l.aids = 3;
  r.lines = {l};
  EXPECT_EQ(split(r).lines[0].part(SplitKind::copayment), eur("15.00"));
}

// rx-billing.md §7 and seed 002 "Gruppe gesetzl. Zuzahlung": GH1 + GZ1 are one aid.
TEST(BillingSplit, Sec7DeviceAndAccessoriesInOneGroupAreOneAid) {
  auto r = base_request();
  r.lines = {aid(1, "80.00", "GH1"), aid(2, "30.00", "GZ1")};
  const auto s = split(r);
  // 10 % of 110.00 = 11.00, capped at 10.00, spread 80:30 to the cent.
  EXPECT_EQ(s.total(SplitKind::copayment), eur("10.00"));
  EXPECT_EQ(s.lines[0].part(SplitKind::copayment), eur("7.27"));
  EXPECT_EQ(s.lines[1].part(SplitKind::copayment), eur("2.73"));
  EXPECT_EQ(s.lines[0].parts[0].group, "G1");
  expect_balanced(s);
}

TEST(BillingSplit, Sec7DeviceAndAccessoriesSeparatePayEach) {
  auto r = base_request();
  r.lines = {aid(1, "80.00"), aid(2, "30.00")};
  const auto s = split(r);
  EXPECT_EQ(s.lines[0].part(SplitKind::copayment), eur("8.00"));
  EXPECT_EQ(s.lines[1].part(SplitKind::copayment), eur("5.00"));
  EXPECT_EQ(s.total(SplitKind::copayment), eur("13.00"));
}

TEST(BillingSplit, DifferentGroupNumbersAreDifferentAids) {
  auto r = base_request();
  r.lines = {aid(1, "80.00", "GH1"), aid(2, "30.00", "GZ2")};
  const auto s = split(r);
  EXPECT_EQ(s.total(SplitKind::copayment), eur("13.00"));
}

// rx-billing.md §7 / dta302.md §10: consumables 10 %, at most 10 EUR for the monthly need.
TEST(BillingSplit, Sec7StomaFlatRateCappedAtTenEuroPerMonth) {
  auto r = base_request();
  r.lines = {consumable(1, "250.00")};
  const auto s = split(r);
  EXPECT_EQ(s.lines[0].part(SplitKind::copayment), eur("10.00"));
  EXPECT_EQ(s.lines[0].parts[0].dta_kind, "04");
  EXPECT_EQ(s.lines[0].insurer, eur("240.00"));
}

TEST(BillingSplit, ConsumablesHaveNoMinimumAndShareTheMonthlyCap) {
  auto r = base_request();
  r.lines = {consumable(1, "20.00")};
  auto s = split(r);
  EXPECT_EQ(s.lines[0].part(SplitKind::copayment), eur("2.00"));
  EXPECT_EQ(s.lines[0].parts[0].dta_kind, "03");

  r.lines = {consumable(1, "60.00"), consumable(2, "30.00")};
  s = split(r);
  EXPECT_EQ(s.lines[0].part(SplitKind::copayment), eur("6.00"));
  EXPECT_EQ(s.lines[1].part(SplitKind::copayment), eur("3.00"));

  r.lines = {consumable(1, "80.00"), consumable(2, "70.00")};
  s = split(r);
  EXPECT_EQ(s.total(SplitKind::copayment), eur("10.00"));
  EXPECT_EQ(s.lines[0].part(SplitKind::copayment), eur("5.33"));
  EXPECT_EQ(s.lines[1].part(SplitKind::copayment), eur("4.67"));
  expect_balanced(s);

  // Different indications (need groups) each have their own cap.
  r.lines = {consumable(1, "150.00", "29"), consumable(2, "150.00", "15")};
  EXPECT_EQ(split(r).total(SplitKind::copayment), eur("20.00"));
}

TEST(BillingSplit, QuarterlyNeedTriplesTheCap) {
  auto r = base_request();
  r.need_months = 3;
  r.lines = {consumable(1, "750.00")};
  EXPECT_EQ(split(r).total(SplitKind::copayment), eur("30.00"));
}

// dta302.md §10: at most 10 EUR for the whole monthly need, also over two invoices.
TEST(BillingSplit, Dta302Sec10EarlierChargesOfTheMonthUseUpTheCap) {
  auto r = base_request();
  r.prior_charges = {PriorCharge{"29", eur("6.50")}, PriorCharge{"15", eur("10.00")}};
  r.lines = {consumable(1, "80.00")};
  auto s = split(r);
  EXPECT_EQ(s.total(SplitKind::copayment), eur("3.50"));
  EXPECT_EQ(s.lines[0].parts[0].dta_kind, "04");
  r.prior_charges = {PriorCharge{"29", eur("12.00")}};
  EXPECT_EQ(split(r).total(SplitKind::copayment), eur("0"));
  r.prior_charges = {PriorCharge{"29", eur("-1.00")}};
  EXPECT_EQ(compute_billing_split(r).error().code, DiagCode::BrlSplitLine);
}

// dta302.md §10: exempt (§62) → Zuzahlungskennzeichen 1; validity against the service date.
TEST(BillingSplit, Dta302Sec10ExemptOnTheServiceDate) {
  auto r = base_request();
  r.exemptions = {Exemption{d("2026-01-01"), d("2026-12-31")}};
  r.lines = {aid(1, "80.00")};
  auto s = split(r);
  EXPECT_EQ(s.status, CopaymentStatus::exempt);
  EXPECT_EQ(dta_flag(s.status), '1');
  EXPECT_TRUE(s.lines[0].parts.empty());
  EXPECT_EQ(s.lines[0].insurer, eur("80.00"));
  EXPECT_FALSE(s.invoice_patient);

  r.exemptions = {Exemption{d("2025-01-01"), d("2026-03-14")}};  // ended the day before
  s = split(r);
  EXPECT_EQ(s.status, CopaymentStatus::liable);
  EXPECT_EQ(s.total(SplitKind::copayment), eur("8.00"));

  r.exemptions = {Exemption{d("2026-03-15"), std::nullopt}};  // open end, from the service date
  EXPECT_EQ(split(r).status, CopaymentStatus::exempt);
}

// dta302.md §10: under 18 → Zuzahlungskennzeichen 0; age on the service date.
TEST(BillingSplit, Dta302Sec10UnderEighteenOnTheServiceDate) {
  auto r = base_request();
  r.birth_date = d("2008-03-16");
  r.lines = {aid(1, "80.00")};
  auto s = split(r);
  EXPECT_EQ(s.status, CopaymentStatus::under_18);
  EXPECT_EQ(dta_flag(s.status), '0');
  EXPECT_EQ(s.patient_total, eur("0"));

  r.service_date = d("2026-03-16");  // the 18th birthday
  EXPECT_EQ(split(r).status, CopaymentStatus::liable);

  EXPECT_TRUE(is_adult(d("2008-02-29"), d("2026-02-28")));
  EXPECT_FALSE(is_adult(d("2008-02-29"), d("2026-02-27")));
}

TEST(BillingSplit, UnderEighteenStillPaysOwnShareAndSurcharge) {
  auto r = base_request();
  r.birth_date = d("2015-01-01");
  auto l = aid(1, "300.00");
  l.lookup_codes.own_share = "EA-SCHUH";
  r.lines = {l};
  const auto s = split(r);
  EXPECT_EQ(s.total(SplitKind::own_share), eur("76.00"));
  EXPECT_EQ(s.total(SplitKind::copayment), eur("0"));
}

// rx-billing.md §2/§7 and seed 002 "Versicherungsart": trade association and
// accident fund: no co-payment; private: no billing split at all.
TEST(BillingSplit, Sec7InsuranceTypeFromVsArt) {
  EXPECT_EQ(insurance_type_from_vs_art(""), InsuranceType::statutory);
  EXPECT_EQ(insurance_type_from_vs_art("1"), InsuranceType::statutory);
  EXPECT_EQ(insurance_type_from_vs_art("bg"), InsuranceType::trade_association);
  EXPECT_EQ(insurance_type_from_vs_art("3"), InsuranceType::accident_fund);
  EXPECT_EQ(insurance_type_from_vs_art("PKV"), InsuranceType::private_insurance);
  EXPECT_EQ(insurance_type_from_vs_art("9"), std::nullopt);

  auto r = base_request();
  auto l = aid(1, "300.00");
  l.lookup_codes.own_share = "EA-SCHUH";
  l.lookup_codes.surcharge = "WAZ-20";
  r.lines = {l};
  for (auto t : {InsuranceType::trade_association, InsuranceType::accident_fund}) {
    r.insurance_type = t;
    const auto s = split(r);
    EXPECT_EQ(s.status, CopaymentStatus::insurance_type);
    EXPECT_EQ(s.total(SplitKind::copayment), eur("0"));
    EXPECT_EQ(s.total(SplitKind::own_share), eur("0"));
    EXPECT_EQ(s.total(SplitKind::surcharge), eur("60.00"));  // the patient's own choice
  }
  r.insurance_type = InsuranceType::private_insurance;
  const auto s = split(r);
  EXPECT_TRUE(s.lines[0].parts.empty());
  EXPECT_EQ(s.lines[0].insurer, eur("300.00"));
}

// rx-billing.md §7: own share and surcharge on the gross, the co-payment on
// what the insurer still bears.
TEST(BillingSplit, Sec7OwnShareSurchargeThenCopayment) {
  auto r = base_request();
  auto l = aid(1, "300.00");
  l.lookup_codes.own_share = "EA-SCHUH";
  r.lines = {l};
  auto s = split(r);
  EXPECT_EQ(s.lines[0].part(SplitKind::own_share), eur("76.00"));
  EXPECT_EQ(s.lines[0].part(SplitKind::copayment), eur("10.00"));  // 10 % of 224 = 22.40 -> 10
  EXPECT_EQ(s.lines[0].insurer, eur("214.00"));

  l = aid(1, "60.00");
  l.lookup_codes.surcharge = "WAZ-20";  // 12.00
  r.lines = {l};
  s = split(r);
  EXPECT_EQ(s.lines[0].part(SplitKind::surcharge), eur("12.00"));
  EXPECT_EQ(s.lines[0].part(SplitKind::copayment), eur("5.00"));  // 10 % of 48 = 4.80 -> min 5
  ASSERT_EQ(s.lines[0].parts.size(), 2u);
  EXPECT_EQ(s.lines[0].parts[0].kind, SplitKind::surcharge);
  EXPECT_EQ(s.lines[0].insurer, eur("43.00"));
  expect_balanced(s);
}

// rx-billing.md §7: a calculation code on the contract line overrides the lookup.
TEST(BillingSplit, Sec7ContractCodeOverridesLookup) {
  auto r = base_request();
  auto l = aid(1, "250.00");
  l.contract_codes.copayment = "ZZ-VB";  // lookup says ZZ-HM
  r.lines = {l};
  auto s = split(r);
  EXPECT_EQ(s.lines[0].parts[0].calc_code, "ZZ-VB");
  EXPECT_EQ(s.lines[0].parts[0].dta_kind, "04");
}

// rx-billing.md §7, seed 002 "Keine Abrechnungsaufteilung": "no co-payment"
// keeps a zero part with the zero-amount discount reason; "no billing split" has none.
TEST(BillingSplit, Sec7NoCopaymentCodeVersusNoBillingSplit) {
  auto r = base_request();
  auto keine = aid(1, "80.00");
  keine.contract_codes.copayment = "KEINE-ZZ";
  auto none = aid(2, "80.00");
  none.no_billing_split = true;
  none.lookup_codes.own_share = "EA-SCHUH";
  r.lines = {keine, none};
  const auto s = split(r);
  ASSERT_EQ(s.lines[0].parts.size(), 1u);
  EXPECT_EQ(s.lines[0].parts[0].amount, eur("0"));
  EXPECT_EQ(s.lines[0].parts[0].discount_reason, "NULL");
  EXPECT_EQ(s.lines[0].parts[0].calc_code, "KEINE-ZZ");
  EXPECT_TRUE(s.lines[1].parts.empty());
  EXPECT_EQ(s.insurer_total, eur("160.00"));
  EXPECT_FALSE(s.invoice_patient);
}

TEST(BillingSplit, Sec6ZeroAmountPartsGetTheZeroDiscountReason) {
  auto r = base_request();
  r.lines = {aid(1, "0.00")};
  const auto s = split(r);
  ASSERT_EQ(s.lines[0].parts.size(), 1u);
  EXPECT_EQ(s.lines[0].parts[0].discount_reason, "NULL");
  r.lines = {aid(1, "10.00")};
  EXPECT_EQ(split(r).lines[0].parts[0].discount_reason, "");
}

TEST(BillingSplit, ManualAmountReplacesTheCalculation) {
  auto r = base_request();
  auto l = aid(1, "80.00");
  l.manual.copayment = eur("7.00");
  r.lines = {l};
  auto s = split(r);
  EXPECT_EQ(s.lines[0].part(SplitKind::copayment), eur("7.00"));
  EXPECT_TRUE(s.lines[0].parts[0].manual);
  l.manual.copayment = eur("95.00");  // never more than the line
  r.lines = {l};
  s = split(r);
  EXPECT_EQ(s.lines[0].part(SplitKind::copayment), eur("80.00"));
  expect_balanced(s);
}

// rx-billing.md §6 (empty flat rates): deducted from the insurer, no patient invoice.
TEST(BillingSplit, Sec6DeductedButNotInvoicedToThePatient) {
  auto r = base_request();
  r.invoice_patient = false;
  r.lines = {consumable(1, "250.00")};
  const auto s = split(r);
  EXPECT_EQ(s.lines[0].insurer, eur("240.00"));
  EXPECT_EQ(s.patient_total, eur("10.00"));
  EXPECT_FALSE(s.invoice_patient);
}

TEST(BillingSplit, BadInputIsReported) {
  auto r = base_request();
  r.lines = {aid(1, "-1.00")};
  auto res = compute_billing_split(r);
  ASSERT_FALSE(res.has_value());
  EXPECT_EQ(res.error().code, DiagCode::BrlSplitLine);
  EXPECT_EQ(res.error().where.field, "/lines/0");

  r.lines = {aid(1, "1.005")};
  EXPECT_EQ(compute_billing_split(r).error().code, DiagCode::BrlSplitLine);

  auto l = aid(1, "10.00");
  l.aids = 0;
  r.lines = {l};
  EXPECT_EQ(compute_billing_split(r).error().code, DiagCode::BrlSplitLine);

  auto sek = aid(2, "10.00");
  sek.gross = Money(dec("10.00"), Currency::sek());
  r.lines = {aid(1, "10.00"), sek};
  EXPECT_EQ(compute_billing_split(r).error().code, DiagCode::BrlSplitLine);

  l = aid(1, "10.00");
  l.lookup_codes.copayment = "NOPE";
  r.lines = {l};
  res = compute_billing_split(r);
  EXPECT_EQ(res.error().code, DiagCode::BrlCalcCode);
  EXPECT_NE(res.error().message.find("NOPE"), std::string::npos);

  l.lookup_codes.copayment = "EA-SCHUH";  // an own-share code used as co-payment
  r.lines = {l};
  EXPECT_EQ(compute_billing_split(r).error().code, DiagCode::BrlCalcCode);
}

}  // namespace
}  // namespace cb::rx::billing
