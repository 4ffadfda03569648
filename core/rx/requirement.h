#pragma once
// An information requirement (`Info.-Anforderung`) of a case period, with its
// status history (rx-billing.md §4).

#include <string>
#include <vector>

#include "core/rx/enums.h"
#include "core/value/date.h"

namespace cb::rx {

/// One status change of a requirement: who, when, from, to, why.
struct StatusChange {
  Date date = Date::from_days(0);
  std::string user;
  std::string from_status;
  std::string to_status;
  std::string reason;
  friend bool operator==(const StatusChange&, const StatusChange&) = default;
};

/// A requirement of a case period, created from the period's info template.
/// Key inside the period: line_no (10000, 20000... in template order).
struct Requirement {
  int line_no = 0;
  std::string code;  // VO, KV, EKV, POOL, LIEF-N...
  RequirementPurpose purpose = RequirementPurpose::delivery;
  RequirementQuality quality = RequirementQuality::none;
  bool necessary = true;
  std::string status_template;
  std::string status;  // a code of the status template
  std::string chained_with;  // code of the requirement sent together
  std::vector<StatusChange> history;
  friend bool operator==(const Requirement&, const Requirement&) = default;
};

}  // namespace cb::rx
