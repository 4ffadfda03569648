#include "core/rx/case.h"

namespace cb::rx {

std::optional<Date> CasePeriod::effective_end() const {
  if (actual_end) return actual_end;
  return end;
}

const Requirement* CasePeriod::find_requirement(std::string_view code) const {
  for (const auto& r : requirements) {
    if (r.code == code) return &r;
  }
  return nullptr;
}

const CaseLine* CasePeriod::find_line(int line_no) const {
  for (const auto& l : lines) {
    if (l.line_no == line_no) return &l;
  }
  return nullptr;
}

const CasePeriod* Case::find_period(int period_no) const {
  for (const auto& p : periods) {
    if (p.no == period_no) return &p;
  }
  return nullptr;
}

CasePeriod* Case::find_period(int period_no) {
  for (auto& p : periods) {
    if (p.no == period_no) return &p;
  }
  return nullptr;
}

}  // namespace cb::rx
