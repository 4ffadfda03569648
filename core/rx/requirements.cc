#include "core/rx/requirements.h"

#include <algorithm>

#include "core/rx/ids.h"

namespace cb::rx {

namespace {

const StatusTemplate& builtin_template() {
  static const StatusTemplate t = default_status_template();
  return t;
}

std::string period_ref(std::string_view case_no, int period_no) {
  return std::string(case_no) + "/" + std::to_string(period_no);
}

}  // namespace

const StatusTemplate* find_status_template(const Workspace& ws, std::string_view code) {
  if (const StatusTemplate* t = ws.status_templates.find(code.empty() ? "KV" : code)) return t;
  if (code.empty() || code == "KV") return &builtin_template();
  return nullptr;
}

Result<std::vector<Requirement>> requirements_from_template(const Workspace& ws,
                                                           std::string_view info_template,
                                                           const Date& date,
                                                           std::string_view user) {
  std::vector<Requirement> out;
  if (info_template.empty() || info_template == "NN") return out;
  const InfoTemplate* it = ws.info_templates.find(info_template);
  if (it == nullptr) {
    return fail(DiagCode::DomTemplateNotFound,
                "info template " + quote_input(info_template) + " not found");
  }
  int line_no = 0;
  for (const auto& l : it->lines) {
    std::string st_code = l.status_template;
    if (st_code.empty()) {
      if (const RequirementCode* rc = ws.requirement_codes.find(l.requirement_code)) {
        st_code = rc->status_template;
      }
    }
    const StatusTemplate* st = find_status_template(ws, st_code);
    if (st == nullptr) {
      return fail(DiagCode::DomTemplateNotFound, "status template " + quote_input(st_code) +
                                                     " of info template " + it->code +
                                                     " not found");
    }
    Requirement r;
    line_no += kLineStep;
    r.line_no = line_no;
    r.code = l.requirement_code;
    r.purpose = l.purpose;
    r.quality = l.quality;
    r.necessary = l.necessary;
    r.status_template = st->code;
    r.status = l.necessary || st->not_needed_status.empty() ? st->initial_status
                                                             : st->not_needed_status;
    r.chained_with = l.chained_with;
    r.history.push_back(StatusChange{date, std::string(user), "", r.status, "created"});
    out.push_back(std::move(r));
  }
  return out;
}

bool requirement_blocks(const Workspace& ws, const Requirement& r) {
  if (!r.necessary) return false;
  const StatusTemplate* st = find_status_template(ws, r.status_template);
  if (st == nullptr) return true;
  const StatusTemplateEntry* e = st->find(r.status);
  return e == nullptr || e->blocks;
}

TrafficLight traffic_light(const Workspace& ws, const CasePeriod& p, RequirementPurpose purpose) {
  for (const auto& r : p.requirements) {
    if (r.purpose == purpose && requirement_blocks(ws, r)) return TrafficLight::red;
  }
  return TrafficLight::green;
}

bool delivery_blocked(const Workspace& ws, const CasePeriod& p) {
  return traffic_light(ws, p, RequirementPurpose::delivery) == TrafficLight::red;
}

bool billing_blocked(const Workspace& ws, const CasePeriod& p) {
  return traffic_light(ws, p, RequirementPurpose::billing) == TrafficLight::red;
}

Result<void> set_requirement_status(Workspace& ws, const StatusChangeInput& in, Date date) {
  const Case* c0 = ws.cases.find(in.case_no);
  if (c0 == nullptr) {
    return fail(DiagCode::DomCaseNotFound, "case " + quote_input(in.case_no) + " not found",
                Location{.field = "case_no"});
  }
  const CasePeriod* p0 = c0->find_period(in.period_no);
  if (p0 == nullptr) {
    return fail(DiagCode::DomCasePeriodNotFound,
                "case " + in.case_no + " has no period " + std::to_string(in.period_no),
                Location{.field = "period_no"});
  }
  auto match = [&](const Requirement& r) {
    return in.requirement_line_no != 0 ? r.line_no == in.requirement_line_no
                                       : r.code == in.requirement_code;
  };
  auto rit = std::ranges::find_if(p0->requirements, match);
  if (rit == p0->requirements.end()) {
    return fail(DiagCode::DomRequirementNotFound,
                "period " + period_ref(in.case_no, in.period_no) + " has no requirement " +
                    quote_input(in.requirement_code.empty() ? std::to_string(in.requirement_line_no)
                                                            : in.requirement_code),
                Location{.field = "requirement"});
  }
  const StatusTemplate* st = find_status_template(ws, rit->status_template);
  if (st == nullptr || st->find(in.status) == nullptr) {
    return fail(DiagCode::DomStatusUnknown,
                "status " + quote_input(in.status) + " is not in status template " +
                    quote_input(rit->status_template),
                Location{.field = "status"});
  }
  const auto index = static_cast<std::size_t>(rit - p0->requirements.begin());

  Case* c = ws.cases.edit(in.case_no);
  CasePeriod* p = c->find_period(in.period_no);
  std::vector<RequirementStatusEvent> events;
  auto apply = [&](Requirement& r, const std::string& to, const std::string& reason) {
    StatusChange ch{date, in.user, r.status, to, reason};
    r.status = to;
    r.history.push_back(ch);
    events.push_back(RequirementStatusEvent{in.case_no, in.period_no, r.line_no, r.code, ch});
    if (r.code == "VO" && !p->prescription_date) {
      const StatusTemplate* t = find_status_template(ws, r.status_template);
      const StatusTemplateEntry* e = t ? t->find(to) : nullptr;
      if (e != nullptr && e->status_class == StatusClass::info_ok) p->prescription_date = date;
    }
  };
  Requirement& target = p->requirements[index];
  const std::string from = target.status;
  const std::string code = target.code;
  apply(target, in.status, in.reason);
  // Chained requirements are sent together: they follow a change into an
  // "awaiting answer" status (sent), never an answer.
  const StatusTemplateEntry* to_entry = st->find(in.status);
  const bool sending = to_entry->status_class == StatusClass::awaiting_answer;
  for (auto& r : p->requirements) {
    if (!sending || &r == &target || r.chained_with != code || r.status != from) continue;
    const StatusTemplate* rt = find_status_template(ws, r.status_template);
    const StatusTemplateEntry* re = rt ? rt->find(in.status) : nullptr;
    if (re == nullptr || re->status_class != StatusClass::awaiting_answer) continue;
    apply(r, in.status, "chained with " + code);
  }
  for (const auto& e : events) ws.notify_requirement_status(e);
  return {};
}

Result<void> request_emergency_delivery(Workspace& ws, std::string_view case_no, int period_no) {
  const Case* c0 = ws.cases.find(case_no);
  if (c0 == nullptr) {
    return fail(DiagCode::DomCaseNotFound, "case " + quote_input(case_no) + " not found");
  }
  const CasePeriod* p0 = c0->find_period(period_no);
  if (p0 == nullptr) {
    return fail(DiagCode::DomCasePeriodNotFound,
                "case " + std::string(case_no) + " has no period " + std::to_string(period_no));
  }
  if (!p0->emergency_delivery_allowed) {
    return fail(DiagCode::DomEmergencyNotAllowed,
                "contract " + p0->contract_no + " version " + std::to_string(p0->version_no) +
                    " does not allow emergency delivery (case " + period_ref(case_no, period_no) +
                    ")");
  }
  ws.cases.edit(case_no)->find_period(period_no)->emergency_delivery = true;
  return {};
}

}  // namespace cb::rx
