#pragma once
// Delivery-plan setup (`Lieferplan Einrichtung`) and the named error codes the
// engines write.

#include <cstdint>
#include <string>

#include "core/value/date_formula.h"

namespace cb::rx {

/// The setup row the delivery-plan engines read.
struct PlanSetup {
  std::string delivery_order_type = "LIEFERPL";  // order type of called-off orders
  std::string direct_delivery_order_type = "DIREKT";
  DateFormula horizon;         // e.g. 13M: schedules up to working date + horizon
  DateFormula display_window;  // e.g. 3M (views only)
  std::int32_t call_off_lead_days = 0;  // orders called off N days before the planned date
  bool line_edit_allowed = true;
  std::string default_delivery_hierarchy;
  // The named error codes (`Fehlercodes`); each must exist in the error-code table.
  std::string expired_error_code = "ABGELAUFEN";   // past schedules no longer needed (blocks)
  std::string emergency_error_code = "NOTFALL";    // emergency delivery (does not block)
  std::string therapy_end_error_code = "ENDE";     // therapy end (blocks, discount GRATIS)
  std::string item_exchange_error_code = "TAUSCH"; // article exchange (blocks)
  std::string wait_error_code = "ABWARTEN";        // purchase billing until delivery (blocks)
  std::string missing_proof_error_code = "LN-FEHLT";  // missing delivery proof (blocks, logs)
  std::string manual_proof_error_code = "LN-MANUELL"; // manual proof (does not block)

  /// The shipped defaults: horizon 13M, display window 3M, lead time 0 days.
  static PlanSetup defaults();
  friend bool operator==(const PlanSetup&, const PlanSetup&) = default;
};

}  // namespace cb::rx
