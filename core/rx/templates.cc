#include "core/rx/templates.h"

namespace cb::rx {

const StatusTemplateEntry* StatusTemplate::find(std::string_view status) const {
  for (const auto& s : statuses) {
    if (s.code == status) return &s;
  }
  return nullptr;
}

StatusTemplate default_status_template() {
  StatusTemplate t;
  t.code = "KV";
  t.description = "cost estimate (Kostenvoranschlag)";
  t.statuses = {
      {"00", "request created", true, StatusClass::necessary},
      {"10", "KV sent", true, StatusClass::awaiting_answer},
      {"20", "KV approved", false, StatusClass::info_ok},
      {"40", "KV rejected", true, StatusClass::info_not_ok},
      {"50", "form error", true, StatusClass::info_not_ok},
      {"55", "no answer received", true, StatusClass::no_answer},
      {"60", "KV not needed", false, StatusClass::not_necessary},
  };
  t.initial_status = "00";
  t.not_needed_status = "60";
  return t;
}

}  // namespace cb::rx
