#pragma once
// Contract search (`Vertragssuche`, rx-billing.md §2): which released contract
// versions a case may be created from, and the lines of the chosen period.

#include <optional>
#include <string>
#include <vector>

#include "core/diag/diagnostic.h"
#include "core/rx/ids.h"
#include "core/rx/workspace.h"

namespace cb::rx {

/// What the clerk searches with.
struct ContractSearchInput {
  std::string case_control_type;  // Vorgangssteuerungsart (kept for the view)
  std::string case_type;          // Vorgangsart: mandatory filter
  std::string period_code = "E1";  // WE for reuse
  std::string partner_role = "KK-KV";
  std::string partner_debtor;     // the payer (insurer); blank = the patient's partner_role party
  std::string patient_id;
  std::string search_code;        // prefix match against the contract's search code
  std::string aid_search_code;    // prefix match against the contract's aid search code
  bool show_general = false;      // also offer general contracts
  std::optional<Date> search_date;  // default: the working date
  std::optional<PlanType> plan_type;  // e.g. reuse after a positive pool query
  /// Private patients search private contracts only; others never see them.
  bool private_patient = false;
  /// Billing-debtor override wanted (e.g. "§PRIVAT": a statutory patient buys
  /// privately). Blank: versions with an override are not offered.
  std::string billing_debtor;
};

/// How a contract matched the payer.
enum class PayerMatch : std::uint8_t { general, direct, price_debtor, association };
std::string_view to_text(PayerMatch m);

/// One offered contract version.
struct ContractSearchHit {
  std::string contract_no;
  int version_no = 0;
  std::string description;
  PayerMatch matched_by = PayerMatch::general;
  friend bool operator==(const ContractSearchHit&, const ContractSearchHit&) = default;
};

/// Released, active contract versions valid on the search date that match the
/// input, ordered by contract number then version. Fails with DOM006 when the
/// patient or payer is unknown, DOM028 when the case type is blank.
/// An empty result is not a failure.
Result<std::vector<ContractSearchHit>> search_contracts(const Workspace& ws,
                                                        const ContractSearchInput& input,
                                                        Date working_date);

/// One line offered for the chosen period: level 1 the contract line (a
/// contract-finding item, item or resource), level 2 the items inside a
/// contract-finding item (right after their group).
struct ContractLineChoice {
  int level = 1;
  int contract_line_no = 0;
  LineKind kind = LineKind::item;
  std::string number;
  std::string variant;
  std::string description;
  std::string group;  // level 2: the contract-finding item
  Decimal quantity;
  std::string unit;
  friend bool operator==(const ContractLineChoice&, const ContractLineChoice&) = default;
};

/// The lines of a version's period (hidden "additional" contract-finding items
/// excluded). DOM001/DOM002/DOM003 when contract, version or period is unknown.
Result<std::vector<ContractLineChoice>> period_lines(const Workspace& ws,
                                                     std::string_view contract_no,
                                                     int version_no,
                                                     std::string_view period_code);

/// True when the patient's age on `date` is inside the contract's age limits:
/// birth + age_from <= date and date <= birth + age_to (so on the birthday that
/// ends one contract and starts the next, both match). A contract with limits
/// never matches a patient without a birth date.
bool age_matches(const Contract& c, const std::optional<Date>& birth_date, const Date& date);
/// True when the contract has no postal-code areas, the patient ignores them,
/// or the patient's postal code lies in one of them.
bool postal_code_matches(const Contract& c, const cb::Party& patient);
/// True when every extra field of the contract equals the patient's, a field
/// the patient leaves blank (or lacks) matching anything.
bool extra_fields_match(const Contract& c, const cb::Party& patient);

}  // namespace cb::rx
