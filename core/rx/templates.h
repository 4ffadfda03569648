#pragma once
// Information-requirement setup (`Info.-Anforderung`, IRM): requirement codes,
// status templates and info templates.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/rx/enums.h"

namespace cb::rx {

/// One status of a status template (`Statusvorlage`).
struct StatusTemplateEntry {
  std::string code;  // "00", "10", "20"...
  std::string description;
  bool blocks = true;  // delivery/billing blocked while a requirement has this status
  StatusClass status_class = StatusClass::necessary;
  friend bool operator==(const StatusTemplateEntry&, const StatusTemplateEntry&) = default;
};

/// A status template: the statuses a requirement may take.
struct StatusTemplate {
  std::string code;
  std::string description;
  std::vector<StatusTemplateEntry> statuses;
  std::string initial_status;  // status of a new necessary requirement
  std::string not_needed_status;  // status of a requirement the template marks not necessary
  const StatusTemplateEntry* find(std::string_view status) const;
  friend bool operator==(const StatusTemplate&, const StatusTemplate&) = default;
};

/// The built-in cost-estimate status template (rx-billing.md §4), code "KV":
/// 00 request created (blocks), 10 KV sent (blocks), 20 approved (Info OK),
/// 40 rejected, 50 form error (Info not OK, block), 55 no answer (blocks),
/// 60 not needed (not necessary).
StatusTemplate default_status_template();

/// A requirement code (`Anforderungscode`): VO prescription, KV cost estimate,
/// EKV electronic cost estimate, POOL pool query, LIEF-N delivery proof...
struct RequirementCode {
  std::string code;
  std::string description;
  std::string status_template;  // blank = the default template "KV"
  friend bool operator==(const RequirementCode&, const RequirementCode&) = default;
};

/// One line of an info template.
struct InfoTemplateLine {
  std::string requirement_code;
  RequirementPurpose purpose = RequirementPurpose::delivery;
  RequirementQuality quality = RequirementQuality::none;
  bool necessary = true;
  std::string status_template;  // blank = the requirement code's template
  std::string chained_with;     // requirement code sent together (KV with VO)
  friend bool operator==(const InfoTemplateLine&, const InfoTemplateLine&) = default;
};

/// An info template (`Info. Vorlage`) of a contract/case period; "NN" = nothing needed.
struct InfoTemplate {
  std::string code;
  std::string description;
  std::vector<InfoTemplateLine> lines;
  friend bool operator==(const InfoTemplate&, const InfoTemplate&) = default;
};

}  // namespace cb::rx
