#pragma once
// Builders from the domain core I entities (cases, case periods, billing
// periods, delivery proofs) to the inputs of the billing rules, so that the
// billing engine does not repeat the mapping.

#include <optional>
#include <string>
#include <vector>

#include "core/rx/billing_rules/billing_split.h"
#include "core/rx/billing_rules/delivery_proof.h"
#include "core/rx/case.h"
#include "core/rx/plan_setup.h"

namespace cb::rx::billing {

/// The case's posted (not manual) delivery proofs of every period as proof
/// candidates. A proof's flat rate is the `belongs_to_flat_rate` of the case
/// line its delivery-plan line delivers (blank there: the line's own number).
std::vector<ProofCandidate> proof_candidates(const Case& c);

/// The period's latest manually assigned proof (`DeliveryProof::manual`), if any.
std::optional<ProofCandidate> manual_proof_of(const CasePeriod& p, const std::string& flat_rate_no);

/// The proof context of one flat-rate billing schedule: rule and formula of the
/// case period, its billing period, the setup's error codes.
ProofContext proof_context(const CasePeriod& p, const BillingPeriod& bp,
                           const std::string& flat_rate_no, const PlanSetup& setup,
                           const Date& working_date, const std::string& current_error_code,
                           const std::optional<DateFormula>& log_date_formula);

/// The insurance type of the period's `VS-ART` extra field (missing = statutory);
/// nullopt for a value the rules do not know.
std::optional<InsuranceType> insurance_type_of(const CasePeriod& p);

}  // namespace cb::rx::billing
