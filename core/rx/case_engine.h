#pragma once
// Case engines (rx-billing.md §3, §10): create a case from a contract search
// result and chosen lines, billing periods, open/release a period, therapy
// end, and the reuse rules (pool query, device ownership).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diag/diagnostic.h"
#include "core/rx/workspace.h"

namespace cb::rx {

/// One chosen contract line. For a contract-finding item line `item_no` names
/// the level-2 item; for an item line it may stay blank.
struct LineSelection {
  int contract_line_no = 0;
  std::string item_no;
  std::string variant;
  std::optional<Decimal> quantity;  // default: the contract line's
  std::string serial_no;            // reuse: the device
};

/// Everything needed to create a case.
struct CreateCaseInput {
  std::string patient_id;
  std::string payer_id;  // blank: the patient's KK-KV party
  std::string case_type;
  std::string contract_no;
  int version_no = 1;
  std::string period_code = "E1";
  std::vector<LineSelection> lines;
  PoolQuery pool_query;
  std::optional<Date> start;  // default: from the version's start-date rule
  std::string user;
};

/// Creates a case with its first period (status open) and the open
/// delivery-plan lines of its item lines; returns the case number. The period
/// copies its control fields from the contract period and version: duration,
/// start (month start or working date), end = start + duration − 1 day (or the
/// fixed case end), billing interval and timing, extension fields, info
/// template (requirements are created), delivery proof rule, billing method,
/// billing partner role and debtor (the version's override, `§PRIVAT` meaning
/// the patient), service-date rule, extra fields (VS-ART). Participants come
/// from the patient's assigned roles valid on the start. Billing periods are
/// computed. Reuse contracts need a positive pool query with a serial number
/// (DOM031); a device of another insurer is refused (DOM030); an unknown device
/// gets a serial card owned by the payer (`F-<insurer>-K`).
/// Fails (nothing changed) with DOM001–DOM009, DOM015.
Result<std::string> create_case(Workspace& ws, const CreateCaseInput& input, Date working_date);

/// Whether a contract version may open a NEW case on `date` (rx-billing.md
/// §2): header and version released (RXP002 otherwise), header active
/// (RXP001: inactive contracts are not offered for new cases), both valid on
/// the date (DOM004). Only case creation asks: an existing case
/// on a contract that became inactive keeps running — its periods are opened
/// and released, its billing periods and schedules extended, its orders called
/// off — and the case extension of a later issue must not ask either.
Result<void> check_contract_for_new_case(const Contract& c, const ContractVersion& v, Date date);

/// Billing periods of a period: from start, one per billing interval, up to the
/// end, at most 10 years (an open or 9999-12-31 end stops there); posting date
/// = billing timing applied to the period's first day (else the first day).
/// None without a billing interval (purchase).
std::vector<BillingPeriod> compute_billing_periods(const CasePeriod& p);

/// Releases a period and every open delivery-plan line of it (creating
/// schedules). DOM012 when the period is not open.
Result<void> release_period(Workspace& ws, std::string_view case_no, int period_no,
                            Date working_date);

/// Opens a released period for editing; its released plan lines are reset to
/// open (non-manual schedules without documents are deleted). DOM013 when not released.
Result<void> open_period(Workspace& ws, std::string_view case_no, int period_no);

/// Therapy end (`Therapieende`): sets the period's actual end; open delivery
/// schedules (without documents) after it are removed and the lines end there.
/// Billing periods after it are marked ended. DOM029 when before the start.
Result<void> set_therapy_end(Workspace& ws, std::string_view case_no, int period_no,
                             Date actual_end, Date working_date);

/// True when a device may be reused for an insurer: devices in foreign
/// property (`F-<insurer>-K`) only for that insurer; own devices (AV, UV) for any.
bool device_reusable_for(const SerialCard& card, std::string_view insurer_id);

/// Serial cards of an item that may be reused for the insurer, in key order;
/// with a delivery hierarchy (`Lieferhierarchie`), only cards whose posting
/// code it lists, in its order (AV before UV), then by key.
std::vector<const SerialCard*> reusable_devices(const Workspace& ws, std::string_view item_no,
                                                std::string_view insurer_id,
                                                const DeliveryHierarchy* hierarchy = nullptr);

}  // namespace cb::rx
