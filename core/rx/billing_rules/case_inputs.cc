#include "core/rx/billing_rules/case_inputs.h"

namespace cb::rx::billing {
namespace {

std::string flat_rate_of(const CasePeriod& p, int delivery_line_no) {
  for (const auto& l : p.lines) {
    if (l.delivery_line_no && *l.delivery_line_no == delivery_line_no)
      return l.belongs_to_flat_rate.empty() ? l.number : l.belongs_to_flat_rate;
  }
  return {};
}

ProofCandidate candidate(const CasePeriod& p, const DeliveryProof& pr) {
  return ProofCandidate{pr.delivery_note_no, pr.note_line_no, pr.date, p.no,
                        flat_rate_of(p, pr.delivery_line_no)};
}

}  // namespace

std::vector<ProofCandidate> proof_candidates(const Case& c) {
  std::vector<ProofCandidate> out;
  for (const auto& p : c.periods)
    for (const auto& pr : p.proofs)
      if (!pr.manual) out.push_back(candidate(p, pr));
  return out;
}

std::optional<ProofCandidate> manual_proof_of(const CasePeriod& p, const std::string& flat_rate_no) {
  std::optional<ProofCandidate> best;
  for (const auto& pr : p.proofs) {
    if (!pr.manual) continue;
    ProofCandidate cand = candidate(p, pr);
    if (!cand.flat_rate_no.empty() && !flat_rates_chain(cand.flat_rate_no, flat_rate_no)) continue;
    if (!best || best->date < cand.date) best = cand;
  }
  return best;
}

ProofContext proof_context(const CasePeriod& p, const BillingPeriod& bp,
                           const std::string& flat_rate_no, const PlanSetup& setup,
                           const Date& working_date, const std::string& current_error_code,
                           const std::optional<DateFormula>& log_date_formula) {
  ProofContext c;
  c.rule = p.delivery_proof_rule;
  c.formula = p.delivery_proof_formula;
  c.flat_rate_no = flat_rate_no;
  c.case_period_no = p.no;
  c.billing_from = bp.supply_from;
  c.billing_to = bp.supply_to;
  c.billing_date = bp.posting_date;
  c.working_date = working_date;
  c.log_date_formula = log_date_formula;
  c.current_error_code = current_error_code;
  c.missing_proof_code = setup.missing_proof_error_code;
  c.manual_proof_code = setup.manual_proof_error_code;
  c.manual_proof = manual_proof_of(p, flat_rate_no);
  return c;
}

std::optional<InsuranceType> insurance_type_of(const CasePeriod& p) {
  const auto it = p.extra_fields.find("VS-ART");
  return insurance_type_from_vs_art(it == p.extra_fields.end() ? std::string_view() : it->second);
}

}  // namespace cb::rx::billing
