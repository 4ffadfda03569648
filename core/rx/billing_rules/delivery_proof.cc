#include "core/rx/billing_rules/delivery_proof.h"

namespace cb::rx::billing {

bool flat_rates_chain(const std::string& a, const std::string& b) {
  if (a == b) return true;
  if (a.size() == b.size() + 1 && a.back() == 'F' && a.compare(0, b.size(), b) == 0) return true;
  if (b.size() == a.size() + 1 && b.back() == 'F' && b.compare(0, a.size(), a) == 0) return true;
  return false;
}

ProofDecision find_delivery_proof(const ProofContext& ctx,
                                  const std::vector<ProofCandidate>& deliveries) {
  const bool same_period_only = ctx.rule == DeliveryProofRule::case_period ||
                                ctx.rule == DeliveryProofRule::case_period_formula;
  std::optional<Date> earliest;
  if (ctx.rule == DeliveryProofRule::billing_period) earliest = ctx.billing_from;
  if ((ctx.rule == DeliveryProofRule::case_formula ||
       ctx.rule == DeliveryProofRule::case_period_formula) &&
      ctx.formula)
    earliest = ctx.formula->apply(ctx.billing_from);

  const ProofCandidate* best = nullptr;
  for (const auto& d : deliveries) {
    if (ctx.billing_to < d.date) continue;
    if (earliest && d.date < *earliest) continue;
    if (same_period_only && d.case_period_no != ctx.case_period_no) continue;
    if (!flat_rates_chain(d.flat_rate_no, ctx.flat_rate_no)) continue;
    if (best == nullptr || best->date < d.date ||
        (best->date == d.date && best->document_no < d.document_no))
      best = &d;
  }

  ProofDecision out;
  const auto is_proof_code = [&](const std::string& c) {
    return !c.empty() && (c == ctx.missing_proof_code || c == ctx.manual_proof_code);
  };
  // A current code that is not ours (therapy end, ABWARTEN...) stays.
  const bool foreign_code = !ctx.current_error_code.empty() && !is_proof_code(ctx.current_error_code);

  if (best != nullptr) {
    out.outcome = ProofOutcome::found;
    out.proof = *best;
    out.error_code = is_proof_code(ctx.current_error_code) ? std::string() : ctx.current_error_code;
  } else if (ctx.manual_proof) {
    out.outcome = ProofOutcome::manual;
    out.proof = ctx.manual_proof;
    out.error_code = foreign_code ? ctx.current_error_code : ctx.manual_proof_code;
  } else if (ctx.rule == DeliveryProofRule::none) {
    out.outcome = ProofOutcome::not_required;
    out.error_code = is_proof_code(ctx.current_error_code) ? std::string() : ctx.current_error_code;
  } else {
    out.outcome = ProofOutcome::missing;
    out.error_code = foreign_code ? ctx.current_error_code : ctx.missing_proof_code;
    if (ctx.log_date_formula) out.log_from = ctx.log_date_formula->apply(ctx.billing_date);
    // Logged only while the missing-proof code is what blocks the schedule.
    out.log = !foreign_code && (!out.log_from || *out.log_from <= ctx.working_date);
  }
  out.error_code_changed = out.error_code != ctx.current_error_code;
  return out;
}

std::string_view to_text(ProofOutcome o) {
  switch (o) {
    case ProofOutcome::found: return "found";
    case ProofOutcome::manual: return "manual";
    case ProofOutcome::missing: return "missing";
    case ProofOutcome::not_required: return "not_required";
  }
  return "missing";
}

}  // namespace cb::rx::billing
