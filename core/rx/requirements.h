#pragma once
// Information requirements (IRM, rx-billing.md §4): creation from the info
// template, status changes with history and chaining, the per-period traffic
// light for delivery and billing, emergency delivery.

#include <string>
#include <string_view>
#include <vector>

#include "core/diag/diagnostic.h"
#include "core/rx/workspace.h"

namespace cb::rx {

/// The status template with this code: the workspace's, else the built-in
/// default (code "KV") for a blank or "KV" code; nullptr otherwise.
const StatusTemplate* find_status_template(const Workspace& ws, std::string_view code);

/// The requirements an info template asks for, numbered 10000, 20000... in
/// template order; each starts in its template's initial status (not-needed
/// status when the line is not necessary). "NN" or a blank code gives none.
/// DOM015 when the info template or a status template is unknown.
Result<std::vector<Requirement>> requirements_from_template(const Workspace& ws,
                                                           std::string_view info_template,
                                                           const Date& date,
                                                           std::string_view user);

/// True when the requirement blocks: it is necessary and its status blocks
/// (an unknown status blocks).
bool requirement_blocks(const Workspace& ws, const Requirement& r);

/// The traffic light of a period for one purpose: green when no requirement
/// of that purpose blocks, red otherwise.
TrafficLight traffic_light(const Workspace& ws, const CasePeriod& p, RequirementPurpose purpose);
/// Delivery blocked by requirements (red delivery light).
bool delivery_blocked(const Workspace& ws, const CasePeriod& p);
/// Billing blocked by requirements (red billing light).
bool billing_blocked(const Workspace& ws, const CasePeriod& p);

/// A status change request.
struct StatusChangeInput {
  std::string case_no;
  int period_no = 1;
  std::string requirement_code;  // the first requirement with this code...
  int requirement_line_no = 0;   // ...or this line when not 0
  std::string status;
  std::string user;
  std::string reason;
};

/// Sets a requirement's status and records the history row. Requirements
/// chained with it (`chained_with` = its code) that stood in the same status
/// follow it when it is sent (a status of class awaiting_answer): chained
/// requirements are sent together, but answered each on its own. A prescription (VO) reaching Info OK sets the period's
/// prescription date when still empty. Every change is passed to the
/// workspace's status-change observers. DOM010/DOM011/DOM016/DOM017 on
/// unknown case, period, requirement or status.
Result<void> set_requirement_status(Workspace& ws, const StatusChangeInput& input, Date date);

/// Marks the period for emergency delivery (`Notlieferung`): call-off then
/// orders its due schedules despite a requirement block and writes the
/// emergency error code onto them. DOM018 when the contract does not allow it.
Result<void> request_emergency_delivery(Workspace& ws, std::string_view case_no, int period_no);

}  // namespace cb::rx
