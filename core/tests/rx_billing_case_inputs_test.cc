// Builders from cases and case periods to the billing-rules inputs.
#include "core/rx/billing_rules/case_inputs.h"

#include <gtest/gtest.h>

#include "core/tests/rx_billing_test_util.h"

namespace cb::rx::billing {
namespace {

using test::d;
using test::f;

DeliveryProof proof(const std::string& note, const std::string& date, int delivery_line,
                    bool manual = false) {
  DeliveryProof p;
  p.delivery_note_no = note;
  p.note_line_no = 10000;
  p.date = d(date);
  p.delivery_line_no = delivery_line;
  p.manual = manual;
  return p;
}

CaseLine line(int no, const std::string& number, const std::string& flat_rate,
              std::optional<int> delivery_line) {
  CaseLine l;
  l.line_no = no;
  l.number = number;
  l.belongs_to_flat_rate = flat_rate;
  l.delivery_line_no = delivery_line;
  return l;
}

Case stoma_case() {
  Case c;
  c.no = "VG000001";
  CasePeriod e1;
  e1.no = 1;
  e1.lines = {line(10000, "P-STOMA", "P-STOMA", std::nullopt),
              line(20000, "BAG-A", "P-STOMA", 10000), line(30000, "ROLL-1", "", 20000)};
  e1.proofs = {proof("LS1", "2026-01-14", 10000), proof("LS2", "2026-01-20", 20000),
               proof("LS-M", "2026-02-02", 10000, true)};
  CasePeriod f1;
  f1.no = 2;
  f1.delivery_proof_rule = DeliveryProofRule::case_formula;
  f1.delivery_proof_formula = f("-2M");
  f1.extra_fields = {{"VS-ART", "BG"}};
  f1.lines = {line(10000, "P-STOMAF", "P-STOMAF", std::nullopt),
              line(20000, "BAG-A", "P-STOMAF", 30000)};
  f1.proofs = {proof("LS3", "2026-04-03", 30000)};
  c.periods = {e1, f1};
  return c;
}

TEST(BillingCaseInputs, ProofCandidatesCarryTheirFlatRateAndPeriod) {
  const auto cands = proof_candidates(stoma_case());
  ASSERT_EQ(cands.size(), 3u);  // the manual proof is not a candidate
  EXPECT_EQ(cands[0].document_no, "LS1");
  EXPECT_EQ(cands[0].flat_rate_no, "P-STOMA");
  EXPECT_EQ(cands[0].case_period_no, 1);
  EXPECT_EQ(cands[1].flat_rate_no, "ROLL-1");  // a line of no flat rate: its own number
  EXPECT_EQ(cands[2].flat_rate_no, "P-STOMAF");
  EXPECT_EQ(cands[2].case_period_no, 2);
}

TEST(BillingCaseInputs, ProofContextFromThePeriodAndTheSetup) {
  const Case c = stoma_case();
  BillingPeriod bp{1, d("2026-03-01"), d("2026-03-31"), d("2026-03-31"), false};
  auto setup = PlanSetup::defaults();
  const auto ctx = proof_context(c.periods[1], bp, "P-STOMAF", setup, d("2026-03-31"), "",
                                 std::optional<DateFormula>(f("-5T")));
  EXPECT_EQ(ctx.rule, DeliveryProofRule::case_formula);
  EXPECT_EQ(ctx.case_period_no, 2);
  EXPECT_EQ(ctx.billing_from, d("2026-03-01"));
  EXPECT_EQ(ctx.missing_proof_code, "LN-FEHLT");
  EXPECT_FALSE(ctx.manual_proof.has_value());
  // March of F1 is proven by E1's January delivery of the P-STOMA flat rate (chain via F).
  const auto decision = find_delivery_proof(ctx, proof_candidates(c));
  EXPECT_EQ(decision.outcome, ProofOutcome::found);
  EXPECT_EQ(decision.proof->document_no, "LS1");

  const auto e1 = proof_context(c.periods[0], bp, "P-STOMA", setup, d("2026-03-31"), "", std::nullopt);
  ASSERT_TRUE(e1.manual_proof.has_value());
  EXPECT_EQ(e1.manual_proof->document_no, "LS-M");
}

TEST(BillingCaseInputs, InsuranceTypeFromThePeriod) {
  const Case c = stoma_case();
  EXPECT_EQ(insurance_type_of(c.periods[0]), InsuranceType::statutory);
  EXPECT_EQ(insurance_type_of(c.periods[1]), InsuranceType::trade_association);
  CasePeriod odd;
  odd.extra_fields = {{"VS-ART", "X"}};
  EXPECT_EQ(insurance_type_of(odd), std::nullopt);
}

}  // namespace
}  // namespace cb::rx::billing
