#include "core/rx/billing_plan.h"

#include <array>
#include <cstddef>

namespace cb::rx {

namespace {

template <class E, std::size_t N>
std::optional<E> lookup_text(const std::array<std::string_view, N>& names, std::string_view s) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == s) return static_cast<E>(i);
  }
  return std::nullopt;
}

constexpr std::array<std::string_view, 4> kStatusNames = {"planned", "fixed", "delivery", "invoice"};
constexpr std::array<std::string_view, 4> kProcessNames = {"purchase", "flat_rate", "included", "none"};

}  // namespace

std::string_view to_text(BillingScheduleStatus v) { return kStatusNames.at(static_cast<std::size_t>(v)); }
std::optional<BillingScheduleStatus> BillingScheduleStatus_from_text(std::string_view s) {
  return lookup_text<BillingScheduleStatus>(kStatusNames, s);
}
std::string_view to_text(BillingProcess v) { return kProcessNames.at(static_cast<std::size_t>(v)); }
std::optional<BillingProcess> BillingProcess_from_text(std::string_view s) {
  return lookup_text<BillingProcess>(kProcessNames, s);
}

const BillingSchedule* BillingLine::find_schedule(int no) const {
  for (const auto& s : schedules) {
    if (s.no == no) return &s;
  }
  return nullptr;
}

BillingSchedule* BillingLine::find_schedule(int no) {
  for (auto& s : schedules) {
    if (s.no == no) return &s;
  }
  return nullptr;
}

const BillingLine* BillingPlan::find_line(int line_no) const {
  for (const auto& l : lines) {
    if (l.line_no == line_no) return &l;
  }
  return nullptr;
}

BillingLine* BillingPlan::find_line(int line_no) {
  for (auto& l : lines) {
    if (l.line_no == line_no) return &l;
  }
  return nullptr;
}

const BillingLine* BillingPlan::line_of(std::string_view case_no, int period_no,
                                        int case_line_no) const {
  for (const auto& l : lines) {
    if (l.case_no == case_no && l.period_no == period_no && l.case_line_no == case_line_no) {
      return &l;
    }
  }
  return nullptr;
}

}  // namespace cb::rx
