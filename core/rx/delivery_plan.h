#pragma once
// The delivery plan (`Lieferplan`) of a patient: lines and their schedules
// (rx-billing.md §5). Keys: the plan is keyed by patient id; line number
// 10000, 20000... inside the plan; schedule number 1, 2... inside the line.

#include <optional>
#include <string>
#include <vector>

#include "core/rx/enums.h"
#include "core/rx/master_data.h"
#include "core/value/date.h"
#include "core/value/date_formula.h"
#include "core/value/decimal.h"

namespace cb::rx {

/// A delivery schedule (`Lieferplaneinteilung`).
struct Schedule {
  int no = 0;  // 1, 2... inside the line, never reused
  Date planned_date = Date::from_days(0);
  ScheduleStatus status = ScheduleStatus::planned;
  std::string error_code;
  std::string document_type;  // "order" once called off, "delivery" once delivered
  std::string document_no;    // sales order number, then delivery note number
  int document_line_no = 0;
  bool manual = false;
  bool emergency = false;  // called off despite a block (emergency delivery)
  bool exchanged = false;
  std::string item_no;
  std::string variant;
  std::string serial_no;
  Decimal quantity;
  std::string unit;
  std::optional<Date> delivered_on;

  /// True when an order or delivery document is attached.
  bool has_document() const { return !document_no.empty(); }
  friend bool operator==(const Schedule&, const Schedule&) = default;
};

/// A delivery-plan line (`Lieferplanzeile`).
struct DeliveryLine {
  int line_no = 0;
  std::string case_no;
  int period_no = 1;
  int case_line_no = 0;
  int contract_line_no = 0;
  PlanLineStatus status = PlanLineStatus::open;
  bool manual_change = false;  // contract updates no longer touch the line
  DeliveryType delivery_type = DeliveryType::none;
  std::optional<DateFormula> interval;  // periodic: 1M, 2W
  Date start = Date::from_days(0);
  std::optional<Date> end;
  std::optional<Date> desired_date;
  std::optional<DateFormula> time_offset;
  std::string ship_to;
  std::string item_no;
  std::string variant;
  std::string serial_no;
  std::string posting_code;
  Decimal quantity = Decimal::from_int(1);
  std::string unit;
  Decimal quantity_in_order;
  std::optional<Date> last_delivery;
  std::optional<Date> next_call_off;
  std::optional<Date> planned_until;  // the horizon the schedules were built to
  int last_schedule_no_used = 0;      // schedule numbers are never reused
  bool exchanged = false;
  ExtraFields extra_fields;
  std::vector<Schedule> schedules;

  /// The highest schedule number used so far, deleted ones included (0 when none).
  int last_schedule_no() const;
  friend bool operator==(const DeliveryLine&, const DeliveryLine&) = default;
};

/// The delivery plan of one patient.
struct DeliveryPlan {
  std::string patient_id;
  std::vector<DeliveryLine> lines;

  const DeliveryLine* find_line(int line_no) const;
  DeliveryLine* find_line(int line_no);
  friend bool operator==(const DeliveryPlan&, const DeliveryPlan&) = default;
};

/// A sales-order line created by call-off.
struct SalesOrderLine {
  int line_no = 0;  // 10000, 20000...
  std::string case_no;
  int period_no = 1;
  int delivery_line_no = 0;
  int schedule_no = 0;
  std::string item_no;
  std::string variant;
  std::string serial_no;
  Decimal quantity;
  std::string unit;
  Date planned_date = Date::from_days(0);
  bool emergency = false;
  friend bool operator==(const SalesOrderLine&, const SalesOrderLine&) = default;
};

/// A sales order (`Verkaufsauftrag`) created by "call off orders", one per
/// patient and run. Key: "VA00000001" (see ids.h).
struct SalesOrder {
  std::string no;
  std::string patient_id;
  std::string order_type;  // LIEFERPL
  Date order_date = Date::from_days(0);
  std::vector<SalesOrderLine> lines;
  friend bool operator==(const SalesOrder&, const SalesOrder&) = default;
};

/// A delivery-note line (`Lieferscheinzeile`).
struct DeliveryNoteLine {
  int line_no = 0;
  std::string order_no;     // with order_line_no: which called-off schedule
  int order_line_no = 0;
  std::string item_no;
  std::string variant;
  std::string serial_no;
  Decimal quantity;
  std::string unit;
  friend bool operator==(const DeliveryNoteLine&, const DeliveryNoteLine&) = default;
};

/// A posted delivery note (`Lieferschein`): becomes the delivery proof. Key: its number.
struct DeliveryNote {
  std::string no;
  std::string patient_id;
  Date date = Date::from_days(0);
  std::vector<DeliveryNoteLine> lines;
  friend bool operator==(const DeliveryNote&, const DeliveryNote&) = default;
};

}  // namespace cb::rx
