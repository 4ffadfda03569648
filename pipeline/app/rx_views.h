#pragma once
// Text views a clerk would recognise: a case with its periods, requirements
// (traffic light) and lines; a patient's delivery plan with lines and
// schedules (status, error codes, documents). Patient ids only — no names or
// insurance numbers, so the text may go to logs and test output.

#include <string>
#include <string_view>

#include "core/rx/workspace.h"
#include "core/value/date.h"

namespace cb::app {

/// The case view; "" when the case does not exist.
std::string render_case(const rx::Workspace& ws, std::string_view case_no);

/// The delivery-plan view of a patient with the traffic light of each line's
/// period; "" when the patient has no plan.
std::string render_plan(const rx::Workspace& ws, std::string_view patient_id,
                        const Date& working_date);

/// Resolves what a clerk types for a case: "VG000001", "1" or "000001".
std::string resolve_case_number(const rx::Workspace& ws, std::string_view text);

}  // namespace cb::app
