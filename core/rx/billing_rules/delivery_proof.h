#pragma once
// Delivery proof for flat-rate billing schedules (`Liefernachweis`,
// rx-billing.md §6, seed 002 "Liefernachweis"): which posted delivery proves a
// billing period, and which error code the billing schedule carries.

#include <optional>
#include <string>
#include <vector>

#include "core/rx/enums.h"
#include "core/value/date.h"
#include "core/value/date_formula.h"

namespace cb::rx::billing {

/// A posted delivery (delivery-note line) that may prove a flat rate.
struct ProofCandidate {
  std::string document_no;   // delivery note number
  int note_line_no = 0;
  Date date = Date::from_days(0);  // document (posting) date of the delivery note
  int case_period_no = 0;    // the case period the delivery belongs to
  std::string flat_rate_no;  // the flat-rate resource the delivered line belongs to
  friend bool operator==(const ProofCandidate&, const ProofCandidate&) = default;
};

/// One billing schedule's context for the proof search.
struct ProofContext {
  DeliveryProofRule rule = DeliveryProofRule::none;
  std::optional<DateFormula> formula;  // case / case period + formula, e.g. -2M
  std::string flat_rate_no;            // the schedule's flat rate (e.g. "P-STOMA" or "P-STOMAF")
  int case_period_no = 0;              // the schedule's case period
  Date billing_from = Date::from_days(0);  // billing period (supply from..to, inclusive)
  Date billing_to = Date::from_days(0);
  Date billing_date = Date::from_days(0);  // planned billing (posting) date of the schedule
  Date working_date = Date::from_days(0);  // run date: decides whether the missing proof is logged
  std::optional<DateFormula> log_date_formula;  // setup: log from billing_date + formula on (e.g. -5T)
  std::string current_error_code;      // the schedule's error code now (blank = none)
  std::string missing_proof_code = "LN-FEHLT";  // setup: blocks, logged
  std::string manual_proof_code = "LN-MANUELL"; // setup: does not block
  /// A proof the clerk assigned by hand to this schedule, if any.
  std::optional<ProofCandidate> manual_proof;
  friend bool operator==(const ProofContext&, const ProofContext&) = default;
};

/// How the proof was found.
enum class ProofOutcome : std::uint8_t {
  found,         // a delivery satisfies the rule
  manual,        // none found, a manually assigned proof is used
  missing,       // none found, required: the missing-proof code
  not_required,  // rule blank and nothing found: billing without proof
};

/// The decision for one billing schedule.
struct ProofDecision {
  ProofOutcome outcome = ProofOutcome::missing;
  std::optional<ProofCandidate> proof;
  /// The schedule's error code afterwards: the missing-proof code (missing),
  /// the manual-proof code (manual), or the current code with a missing- or
  /// manual-proof code removed (found, not_required). Another current code
  /// (therapy end, ABWARTEN…) is never replaced.
  std::string error_code;
  bool error_code_changed = false;
  /// Write the missing-proof log entry now: outcome missing and working date
  /// >= billing_date + log formula (no formula: at once).
  bool log = false;
  std::optional<Date> log_from;  // the date from which the entry is logged
  friend bool operator==(const ProofDecision&, const ProofDecision&) = default;
};

/// True when two flat-rate numbers chain: equal, or one is the other plus the
/// suffix "F" (follow-up flat rate).
bool flat_rates_chain(const std::string& a, const std::string& b);

/// Finds the proof (the latest qualifying delivery; ties: the later document
/// number) and sets the error code. Only deliveries up to the billing period's
/// end count, and only those whose flat rate chains with the schedule's:
/// - none: any such delivery; nothing found = not_required;
/// - case_whole: any delivery of the case;
/// - case_period: deliveries of the schedule's case period;
/// - billing_period: deliveries inside billing_from..billing_to;
/// - case_formula / case_period_formula: as case / case period, on or after
///   formula(billing_from) (`-2M`: at most two months back). No formula = as
///   without one.
/// A found delivery removes a missing- or manual-proof code; a manual proof is
/// used only when no delivery qualifies.
ProofDecision find_delivery_proof(const ProofContext& context,
                                  const std::vector<ProofCandidate>& deliveries);

std::string_view to_text(ProofOutcome o);

}  // namespace cb::rx::billing
