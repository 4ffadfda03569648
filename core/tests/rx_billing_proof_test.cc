// Delivery proof, service date and the empty-flat-rate co-payment table
// (rx-billing.md §6; seed 002 "Liefernachweis", "Abrechnungsauft. Liefern.
// Datumsformel"; seed 004 "Abrechnungsfehler").
#include "core/rx/billing_rules/delivery_proof.h"

#include <gtest/gtest.h>

#include "core/rx/billing_rules/billing_split.h"
#include "core/rx/billing_rules/service_date.h"
#include "core/tests/rx_billing_test_util.h"

namespace cb::rx::billing {
namespace {

using test::d;
using test::eur;
using test::f;

ProofCandidate delivery(const std::string& no, const std::string& date, int period = 1,
                        const std::string& flat_rate = "P-STOMA") {
  return ProofCandidate{no, 10000, d(date), period, flat_rate};
}

/// A March 2026 billing schedule of period `period` for the stoma flat rate.
ProofContext march(DeliveryProofRule rule, int period = 1) {
  ProofContext c;
  c.rule = rule;
  c.flat_rate_no = "P-STOMA";
  c.case_period_no = period;
  c.billing_from = d("2026-03-01");
  c.billing_to = d("2026-03-31");
  c.billing_date = d("2026-03-31");
  c.working_date = d("2026-03-31");
  return c;
}

TEST(DeliveryProof, FlatRatesChainOnlyForTheSameNumberOrItsFVariant) {
  EXPECT_TRUE(flat_rates_chain("P-STOMA", "P-STOMA"));
  EXPECT_TRUE(flat_rates_chain("P-STOMA", "P-STOMAF"));
  EXPECT_TRUE(flat_rates_chain("P-STOMAF", "P-STOMA"));
  EXPECT_FALSE(flat_rates_chain("P-STOMA", "P-INKO"));
  EXPECT_FALSE(flat_rates_chain("P-STOMA", "P-STOMAFF"));
  EXPECT_FALSE(flat_rates_chain("P-STOMA", "P-STOMAX"));
}

// Seed 002 "Vorgang": the follow-up flat rate finds the original delivery of the first period.
TEST(DeliveryProof, CaseFindsTheDeliveryOfAnEarlierPeriodForTheSameFlatRate) {
  auto c = march(DeliveryProofRule::case_whole, 2);
  c.flat_rate_no = "P-STOMAF";
  const auto p = find_delivery_proof(c, {delivery("LS1", "2025-04-10", 1, "P-STOMA")});
  EXPECT_EQ(p.outcome, ProofOutcome::found);
  ASSERT_TRUE(p.proof.has_value());
  EXPECT_EQ(p.proof->document_no, "LS1");
  EXPECT_EQ(p.error_code, "");

  // Another flat rate's delivery proves nothing.
  EXPECT_EQ(find_delivery_proof(c, {delivery("LS1", "2025-04-10", 1, "P-INKO")}).outcome,
            ProofOutcome::missing);
}

TEST(DeliveryProof, CasePeriodOnlyLooksInsideItsPeriod) {
  auto c = march(DeliveryProofRule::case_period, 2);
  EXPECT_EQ(find_delivery_proof(c, {delivery("LS1", "2026-02-10", 1)}).outcome,
            ProofOutcome::missing);
  EXPECT_EQ(find_delivery_proof(c, {delivery("LS2", "2026-02-10", 2)}).outcome,
            ProofOutcome::found);
}

// Seed 002 "Abrechnungszeitraum": enteral nutrition, exactly the billing period.
TEST(DeliveryProof, BillingPeriodNeedsADeliveryInsideIt) {
  auto c = march(DeliveryProofRule::billing_period);
  EXPECT_EQ(find_delivery_proof(c, {delivery("LS1", "2026-02-28")}).outcome, ProofOutcome::missing);
  EXPECT_EQ(find_delivery_proof(c, {delivery("LS1", "2026-03-01")}).outcome, ProofOutcome::found);
  EXPECT_EQ(find_delivery_proof(c, {delivery("LS1", "2026-04-01")}).outcome, ProofOutcome::missing);
}

// Seed 002 "Vorgang Datumsformel": -2M = at most two months back.
TEST(DeliveryProof, CaseFormulaLimitsHowFarBack) {
  auto c = march(DeliveryProofRule::case_formula, 2);
  c.formula = f("-2M");
  EXPECT_EQ(find_delivery_proof(c, {delivery("LS1", "2026-01-01", 1)}).outcome, ProofOutcome::found);
  EXPECT_EQ(find_delivery_proof(c, {delivery("LS1", "2025-12-31", 1)}).outcome,
            ProofOutcome::missing);
  c.rule = DeliveryProofRule::case_period_formula;
  EXPECT_EQ(find_delivery_proof(c, {delivery("LS1", "2026-01-15", 1)}).outcome,
            ProofOutcome::missing);
}

TEST(DeliveryProof, TheLatestQualifyingDeliveryIsTheProofAndLaterOnesDoNotCount) {
  auto c = march(DeliveryProofRule::case_whole);
  const auto p = find_delivery_proof(
      c, {delivery("LS1", "2026-01-10"), delivery("LS3", "2026-03-20"), delivery("LS2", "2026-02-10"),
          delivery("LS4", "2026-04-02")});
  ASSERT_TRUE(p.proof.has_value());
  EXPECT_EQ(p.proof->document_no, "LS3");
}

// Seed 002 "leer": last proof anywhere, billing without proof possible.
TEST(DeliveryProof, BlankRuleBillsWithoutProof) {
  auto c = march(DeliveryProofRule::none);
  auto p = find_delivery_proof(c, {});
  EXPECT_EQ(p.outcome, ProofOutcome::not_required);
  EXPECT_EQ(p.error_code, "");
  EXPECT_FALSE(p.log);
  p = find_delivery_proof(c, {delivery("LS1", "2025-06-01", 1, "P-STOMA")});
  EXPECT_EQ(p.outcome, ProofOutcome::found);
}

// Seed 004 "Abrechnungsfehler Fehlender Nachweis" / "Protokoll Datumsformel".
TEST(DeliveryProof, MissingProofSetsTheCodeAndLogsOnlyFromTheLogDate) {
  auto c = march(DeliveryProofRule::billing_period);
  c.log_date_formula = f("-5T");
  c.working_date = d("2026-03-20");
  auto p = find_delivery_proof(c, {});
  EXPECT_EQ(p.outcome, ProofOutcome::missing);
  EXPECT_EQ(p.error_code, "LN-FEHLT");
  EXPECT_TRUE(p.error_code_changed);
  EXPECT_FALSE(p.log);
  ASSERT_TRUE(p.log_from.has_value());
  EXPECT_EQ(*p.log_from, d("2026-03-26"));

  c.working_date = d("2026-03-26");
  c.current_error_code = "LN-FEHLT";
  p = find_delivery_proof(c, {});
  EXPECT_TRUE(p.log);
  EXPECT_FALSE(p.error_code_changed);

  c.log_date_formula.reset();  // no formula: logged at once
  c.working_date = d("2026-03-01");
  EXPECT_TRUE(find_delivery_proof(c, {}).log);
}

// Seed 004 "Abrechnungsfehler Manueller Nachweis".
TEST(DeliveryProof, ManualProofReplacesTheMissingCode) {
  auto c = march(DeliveryProofRule::billing_period);
  c.current_error_code = "LN-FEHLT";
  c.manual_proof = delivery("LS-OLD", "2026-01-05");
  const auto p = find_delivery_proof(c, {});
  EXPECT_EQ(p.outcome, ProofOutcome::manual);
  EXPECT_EQ(p.error_code, "LN-MANUELL");
  EXPECT_TRUE(p.error_code_changed);
  EXPECT_FALSE(p.log);
  EXPECT_EQ(p.proof->document_no, "LS-OLD");
}

// Seed 004: "removed automatically as soon as a delivery is assigned".
TEST(DeliveryProof, ADeliveryRemovesMissingAndManualCodes) {
  auto c = march(DeliveryProofRule::billing_period);
  for (const char* code : {"LN-FEHLT", "LN-MANUELL"}) {
    c.current_error_code = code;
    c.manual_proof = delivery("LS-OLD", "2026-01-05");
    const auto p = find_delivery_proof(c, {delivery("LS9", "2026-03-12")});
    EXPECT_EQ(p.outcome, ProofOutcome::found);
    EXPECT_EQ(p.proof->document_no, "LS9");
    EXPECT_EQ(p.error_code, "");
    EXPECT_TRUE(p.error_code_changed);
  }
}

TEST(DeliveryProof, AnotherErrorCodeIsNeverReplaced) {
  auto c = march(DeliveryProofRule::billing_period);
  c.current_error_code = "ENDE";
  auto p = find_delivery_proof(c, {});
  EXPECT_EQ(p.outcome, ProofOutcome::missing);
  EXPECT_EQ(p.error_code, "ENDE");
  EXPECT_FALSE(p.error_code_changed);
  EXPECT_FALSE(p.log);
  p = find_delivery_proof(c, {delivery("LS9", "2026-03-12")});
  EXPECT_EQ(p.error_code, "ENDE");
}

// rx-billing.md §6 "Empty flat rates and co-payment": proof = case period +
// -2M, split formula -1M, delivery in January only. Row by row.
TEST(EmptyFlatRate, Sec6JanuaryToAprilTable) {
  struct Row {
    const char* from;
    const char* to;
    bool insurer_invoice;
    bool copayment_invoice;
  };
  const Row rows[] = {
      {"2026-01-01", "2026-01-31", true, true},    // January (delivered)
      {"2026-02-01", "2026-02-28", true, true},    // February
      {"2026-03-01", "2026-03-31", true, false},   // March: deducted, not invoiced
      {"2026-04-01", "2026-04-30", false, false},  // April: proof older than 2 months
  };
  const std::vector<ProofCandidate> deliveries = {delivery("LS1", "2026-01-14")};
  const auto split_formula = std::optional<DateFormula>(f("-1M"));
  for (const auto& row : rows) {
    SCOPED_TRACE(row.from);
    ProofContext c;
    c.rule = DeliveryProofRule::case_period_formula;
    c.formula = f("-2M");
    c.flat_rate_no = "P-STOMA";
    c.case_period_no = 1;
    c.billing_from = d(row.from);
    c.billing_to = d(row.to);
    c.billing_date = d(row.to);
    c.working_date = d(row.to);
    const auto proof = find_delivery_proof(c, deliveries);
    const bool insurer_invoice = proof.outcome == ProofOutcome::found;
    EXPECT_EQ(insurer_invoice, row.insurer_invoice);
    EXPECT_EQ(proof.error_code, insurer_invoice ? "" : "LN-FEHLT");

    std::optional<Date> last;
    if (proof.proof) last = proof.proof->date;
    const bool to_patient =
        copayment_invoiced_to_patient(last, c.billing_from, c.billing_to, split_formula);

    SplitRequest r;
    r.service_date = c.billing_date;
    r.invoice_patient = to_patient;
    r.codes = {CalculationCode::statutory_consumable()};
    SplitLineInput l;
    l.line_ref = 1;
    l.gross = eur("180.00");
    l.need_group = "29";
    l.lookup_codes.copayment = "ZZ-VB";
    r.lines = {l};
    const auto s = compute_billing_split(r).value();
    EXPECT_EQ(insurer_invoice && s.invoice_patient, row.copayment_invoice);
    // The co-payment is deducted from the insurer's amount in every billed month.
    if (insurer_invoice) {
      EXPECT_EQ(s.insurer_total, eur("170.00"));
    }
  }
}

// Seed 002: "0M" or "-LM" charges the co-payment only in the delivery month.
TEST(EmptyFlatRate, Sec6ZeroMonthFormulaOnlyTheDeliveryMonth) {
  const auto last = std::optional<Date>(d("2026-01-14"));
  for (const char* text : {"0M", "-LM"}) {
    const auto formula = std::optional<DateFormula>(f(text));
    EXPECT_TRUE(copayment_invoiced_to_patient(last, d("2026-01-01"), d("2026-01-31"), formula));
    EXPECT_FALSE(copayment_invoiced_to_patient(last, d("2026-02-01"), d("2026-02-28"), formula));
  }
  EXPECT_TRUE(copayment_invoiced_to_patient(std::nullopt, d("2026-02-01"), d("2026-02-28"),
                                            std::nullopt));
  EXPECT_FALSE(copayment_invoiced_to_patient(std::nullopt, d("2026-02-01"), d("2026-02-28"),
                                             std::optional<DateFormula>(f("-1M"))));
}

ServiceDateInput flat_rate_march() {
  ServiceDateInput in;
  in.billing_from = d("2026-03-01");
  in.billing_to = d("2026-03-31");
  in.billing_date = d("2026-03-31");
  return in;
}

// rx-billing.md §6 "Service date": the hierarchy.
TEST(ServiceDate, Sec6PeriodOverrideFirst) {
  auto in = flat_rate_march();
  in.period_override = d("2026-02-15");
  in.period_override_manual = true;
  in.proof_date = d("2026-03-10");
  const auto s = determine_service_date(in);
  EXPECT_EQ(s.date, d("2026-02-15"));
  EXPECT_EQ(s.source, ServiceDateSource::period_override);
  EXPECT_TRUE(s.manual);
  EXPECT_EQ(s.vat_period_from, d("2026-02-01"));
  EXPECT_EQ(s.vat_period_to, d("2026-02-28"));
}

TEST(ServiceDate, Sec6DirectBillingUsesTheLastDeliveryNote) {
  auto in = flat_rate_march();
  in.direct_billing = true;
  in.delivery_note_dates = {d("2026-03-03"), d("2026-03-17"), d("2026-03-09")};
  auto s = determine_service_date(in);
  EXPECT_EQ(s.date, d("2026-03-17"));
  EXPECT_EQ(s.source, ServiceDateSource::last_delivery_note);
  in.delivery_note_dates.clear();
  EXPECT_EQ(determine_service_date(in).source, ServiceDateSource::billing_date);
}

TEST(ServiceDate, Sec6FlatRateProofThenLastDeliveryThenBillingDate) {
  auto in = flat_rate_march();
  in.proof_date = d("2026-03-10");
  in.delivery_note_dates = {d("2026-03-20")};
  auto s = determine_service_date(in);
  EXPECT_EQ(s.date, d("2026-03-10"));
  EXPECT_EQ(s.source, ServiceDateSource::proof_in_billing_period);

  in.proof_date = d("2026-01-14");  // proof from an earlier month
  in.delivery_note_dates = {d("2026-03-20"), d("2026-02-27"), d("2026-04-02")};
  s = determine_service_date(in);
  EXPECT_EQ(s.date, d("2026-03-20"));
  EXPECT_EQ(s.source, ServiceDateSource::last_delivery_in_billing_period);

  in.delivery_note_dates = {d("2026-02-27")};  // empty flat rate
  s = determine_service_date(in);
  EXPECT_EQ(s.date, d("2026-03-31"));
  EXPECT_EQ(s.source, ServiceDateSource::billing_date);
  EXPECT_EQ(s.vat_period_from, d("2026-03-01"));
  EXPECT_FALSE(s.manual);
}

}  // namespace
}  // namespace cb::rx::billing
