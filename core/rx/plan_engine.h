#pragma once
// Delivery-plan engines (rx-billing.md §5): release and reset of plan lines,
// deletion, the daily plan update, call-off positions, call off orders and
// post deliveries. Every function takes the working (run) date explicitly.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diag/diagnostic.h"
#include "core/rx/workspace.h"

namespace cb::rx {

/// Releases an open line: status released; schedules are created according to
/// the delivery type up to working date + plan horizon (blank and transfer:
/// one schedule at the desired date, else the start; periodic: one every
/// interval from there; transfer in advance: the transfer schedule and the
/// sale one interval later; call-off: none). DOM019 unknown line, DOM020 not
/// open, DOM022 daily periodic.
Result<void> release_line(Workspace& ws, std::string_view patient_id, int line_no,
                          Date working_date);

/// Resets a released line to open: deletes its schedules that are neither
/// manual nor carry an order or delivery. DOM020 for an ended line.
Result<void> reset_line(Workspace& ws, std::string_view patient_id, int line_no);

/// Deletes a line; only possible while none of its schedules carries an order
/// or delivery (DOM021). The case line forgets its plan line.
Result<void> delete_line(Workspace& ws, std::string_view patient_id, int line_no);

/// Creates one call-off position (schedule) on a released call-off line at
/// `planned_date` with the line's quantity unless given. Returns the schedule
/// number. DOM023 not a call-off line, DOM020 not released.
Result<int> create_call_off_position(Workspace& ws, std::string_view patient_id, int line_no,
                                     Date planned_date, std::optional<Decimal> quantity);

/// What one plan-update run did.
struct PlanUpdateResult {
  std::size_t lines_seen = 0;
  std::size_t schedules_created = 0;
  std::size_t schedules_expired = 0;
  std::size_t lines_ended = 0;
};

/// The daily plan update (`Lieferplan aktualisieren`): for every released line
/// creates the schedules up to working date + horizon; marks superseded past
/// schedules of periodic lines with the expired-date error code (a schedule
/// without document whose date has passed while the next schedule of the line
/// is already due); ends lines whose end lies before the working date and
/// whose schedules all carry a document.
PlanUpdateResult plan_update(Workspace& ws, Date working_date);
/// The same for one patient's plan.
PlanUpdateResult plan_update_patient(Workspace& ws, std::string_view patient_id, Date working_date);

/// Why a due schedule was not called off.
struct BlockedSchedule {
  std::string patient_id;
  int line_no = 0;
  int schedule_no = 0;
  std::string reason;  // "requirements", "error code X", "period not released", "contract ended"
};

/// What one call-off run did.
struct CallOffResult {
  std::vector<std::string> orders;  // created sales-order numbers
  std::size_t lines_called_off = 0;
  std::vector<BlockedSchedule> blocked;
};

/// Call off orders (`Aufträge abrufen`): every schedule without document on a
/// released line whose planned date − call-off lead time ≤ run date, whose
/// period is released and not blocked by requirements (unless an emergency
/// delivery was requested: then it carries the emergency error code), whose
/// error code does not block, and which lies inside the period (and the
/// contract, when "blocked after end"), becomes a sales-order line. One order
/// per patient and run, patients in id order. `patient_id` limits the run.
CallOffResult call_off_orders(Workspace& ws, Date run_date, std::string_view patient_id = {});

/// Posts a delivery note (`Lieferung buchen`). Each line names the order line
/// it delivers (or, without one, the earliest called-off schedule of that item
/// in the patient's plan). The schedules get status delivery with the note as
/// document; the case period records a delivery proof; serial numbers not yet
/// known get a serial card. All or nothing: DOM026 duplicate note, DOM024
/// unknown order line, DOM025 already delivered.
Result<void> post_delivery(Workspace& ws, const DeliveryNote& note);

/// Builds the schedules of one released line up to `until` (the horizon
/// date), returns how many it created. Exposed for the case engine and tests.
std::size_t extend_schedules(const Workspace& ws, const CasePeriod* period, DeliveryLine& line,
                             Date until);

}  // namespace cb::rx
