#pragma once
// The application log (`Anwendungsprotokoll`): entries the batch jobs write for
// a clerk to act on (manual extension needed, missing proof...). Issue 5 grows it.

#include <cstdint>
#include <string>

#include "core/rx/enums.h"
#include "core/value/date.h"

namespace cb::rx {

/// One application-log entry. Key: its number, zero-padded to 8 digits.
struct AppLogEntry {
  std::int64_t no = 0;
  Date date = Date::from_days(0);
  LogLevel level = LogLevel::info;
  std::string job;        // "plan_update", "call_off_orders", "post_delivery"...
  std::string code;       // a DOM diagnostic id or an error code
  std::string reference;  // case number, patient id, order number (never a name)
  std::string message;
  bool closed = false;    // "error corrected"
  friend bool operator==(const AppLogEntry&, const AppLogEntry&) = default;
};

}  // namespace cb::rx
