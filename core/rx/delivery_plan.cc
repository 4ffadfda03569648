#include "core/rx/delivery_plan.h"

#include <algorithm>

namespace cb::rx {

int DeliveryLine::last_schedule_no() const {
  int n = last_schedule_no_used;
  for (const auto& s : schedules) n = std::max(n, s.no);
  return n;
}

const DeliveryLine* DeliveryPlan::find_line(int line_no) const {
  for (const auto& l : lines) {
    if (l.line_no == line_no) return &l;
  }
  return nullptr;
}

DeliveryLine* DeliveryPlan::find_line(int line_no) {
  for (auto& l : lines) {
    if (l.line_no == line_no) return &l;
  }
  return nullptr;
}

}  // namespace cb::rx
