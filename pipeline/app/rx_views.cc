#include "pipeline/app/rx_views.h"

#include <sstream>

#include "core/rx/ids.h"
#include "core/rx/requirements.h"
#include "pipeline/app/billing_views.h"

namespace cb::app {
namespace {

std::string pad(std::string s, std::size_t width) {
  std::size_t cps = 0;
  for (unsigned char c : s) cps += (c & 0xC0) != 0x80 ? 1 : 0;
  if (cps < width) s.append(width - cps, ' ');
  return s;
}

std::string date_or_dash(const std::optional<Date>& d) { return d ? d->to_string() : "—"; }
std::string formula_or_dash(const std::optional<DateFormula>& f) {
  return f ? f->to_string() : "—";
}

std::string light(const rx::Workspace& ws, const rx::CasePeriod& p, rx::RequirementPurpose purpose) {
  return rx::traffic_light(ws, p, purpose) == rx::TrafficLight::green ? "GREEN" : "RED";
}

}  // namespace

std::string resolve_case_number(const rx::Workspace& ws, std::string_view text) {
  if (ws.cases.contains(text)) return std::string(text);
  bool digits = !text.empty();
  for (char c : text) digits = digits && c >= '0' && c <= '9';
  if (digits && text.size() < 12) {
    return rx::format_number(rx::kCasePrefix, std::stoll(std::string(text)));
  }
  return std::string(text);
}

std::string render_case(const rx::Workspace& ws, std::string_view case_no) {
  const rx::Case* c = ws.cases.find(case_no);
  if (c == nullptr) return {};
  std::ostringstream o;
  o << "case " << c->no << "  patient " << c->patient_id << "  case type " << c->case_type
    << "  payer " << (c->payer_id.empty() ? "—" : c->payer_id) << "  created "
    << c->created_on.to_string() << "\n";
  if (c->pool_query.outcome != rx::PoolOutcome::none) {
    o << "pool query: " << rx::to_text(c->pool_query.outcome);
    if (!c->pool_query.serial_no.empty()) {
      o << " (device " << c->pool_query.item_no << " serial " << c->pool_query.serial_no << ")";
    }
    o << "\n";
  }
  for (const auto& p : c->periods) {
    o << "\nperiod " << p.no << "  contract " << p.contract_no << " v" << p.version_no << " "
      << p.period_code << "  status " << rx::to_text(p.status) << "\n";
    o << "  start " << p.start.to_string() << "  end " << date_or_dash(p.end) << "  actual end "
      << date_or_dash(p.actual_end) << "  prescription " << date_or_dash(p.prescription_date)
      << "\n";
    o << "  billing " << rx::to_text(p.billing_method) << " to "
      << (p.billing_debtor.empty() ? "—" : p.billing_debtor) << " (" << p.billing_partner_role
      << "), interval " << formula_or_dash(p.billing_interval) << ", "
      << p.billing_periods.size() << " billing period(s); info template "
      << (p.info_template.empty() ? "—" : p.info_template) << "\n";
    o << "  delivery light " << light(ws, p, rx::RequirementPurpose::delivery)
      << "   billing light " << light(ws, p, rx::RequirementPurpose::billing)
      << (p.emergency_delivery ? "   EMERGENCY DELIVERY requested" : "") << "\n";
    if (!p.requirements.empty()) {
      o << "  requirements\n    " << pad("line", 7) << pad("code", 7) << pad("for", 10)
        << pad("status", 8) << pad("blocks", 8) << "last change\n";
      for (const auto& r : p.requirements) {
        o << "    " << pad(std::to_string(r.line_no), 7) << pad(r.code, 7)
          << pad(std::string(rx::to_text(r.purpose)), 10) << pad(r.status, 8)
          << pad(rx::requirement_blocks(ws, r) ? "yes" : "no", 8);
        if (!r.history.empty()) {
          const auto& h = r.history.back();
          o << h.date.to_string() << " " << (h.from_status.empty() ? "—" : h.from_status) << "→"
            << h.to_status;
          if (!h.reason.empty()) o << " (" << h.reason << ")";
        }
        o << "\n";
      }
    }
    if (!p.lines.empty()) {
      o << "  lines\n    " << pad("line", 7) << pad("kind", 22) << pad("number", 14)
        << pad("qty", 6) << pad("delivery", 12) << pad("interval", 9) << "plan line\n";
      for (const auto& l : p.lines) {
        o << "    " << pad(std::to_string(l.line_no), 7) << pad(std::string(rx::to_text(l.kind)), 22)
          << pad(l.number, 14) << pad(l.quantity.to_string(), 6)
          << pad(std::string(rx::to_text(l.delivery_type)), 12)
          << pad(formula_or_dash(l.delivery_interval), 9)
          << (l.delivery_line_no ? std::to_string(*l.delivery_line_no) : "—") << "\n";
      }
    }
    if (!p.proofs.empty()) {
      o << "  delivery proofs\n";
      for (const auto& pr : p.proofs) {
        o << "    " << pr.date.to_string() << "  note " << pr.delivery_note_no << "/"
          << pr.note_line_no << "  " << pr.item_no << " x " << pr.quantity.to_string()
          << (pr.serial_no.empty() ? "" : "  serial " + pr.serial_no) << "\n";
      }
    }
  }
  if (const std::string billing = render_billing_plan(ws, c->patient_id, c->no); !billing.empty()) {
    o << "\nbilling plan\n" << billing;
  }
  return o.str();
}

std::string render_plan(const rx::Workspace& ws, std::string_view patient_id,
                        const Date& working_date) {
  const rx::DeliveryPlan* plan = ws.plans.find(patient_id);
  if (plan == nullptr) return {};
  std::ostringstream o;
  o << "delivery plan of patient " << plan->patient_id << " on " << working_date.to_string()
    << " (horizon " << ws.setup().horizon.to_string() << ", call-off lead time "
    << ws.setup().call_off_lead_days << " days)\n";
  for (const auto& l : plan->lines) {
    std::string lights = "—";
    if (const auto* c = ws.cases.find(l.case_no)) {
      if (const auto* p = c->find_period(l.period_no)) {
        lights = "delivery " + light(ws, *p, rx::RequirementPurpose::delivery);
      }
    }
    o << "\nline " << l.line_no << "  case " << l.case_no << "/" << l.period_no << "  item "
      << l.item_no << (l.serial_no.empty() ? "" : " serial " + l.serial_no) << "  qty "
      << l.quantity.to_string() << " " << l.unit << "\n";
    std::string how = l.delivery_type == rx::DeliveryType::none
                          ? std::string("single delivery")
                          : std::string(rx::to_text(l.delivery_type));
    if (l.interval) how += " every " + l.interval->to_string();
    o << "  " << rx::to_text(l.status) << (l.manual_change ? " (manual)" : "") << ", " << how << ", "
      << l.start.to_string() << " – " << date_or_dash(l.end) << ", planned until "
      << date_or_dash(l.planned_until) << "; " << lights << "\n";
    if (l.schedules.empty()) {
      o << "  (no schedules)\n";
      continue;
    }
    o << "    " << pad("no", 5) << pad("date", 12) << pad("status", 10) << pad("error", 12)
      << pad("document", 18) << "qty\n";
    for (const auto& s : l.schedules) {
      std::string doc = s.document_no.empty() ? "—" : s.document_no;
      if (!s.document_no.empty() && s.document_line_no != 0) {
        doc += "/" + std::to_string(s.document_line_no);
      }
      std::string error = s.error_code.empty() ? "—" : s.error_code;
      if (!s.error_code.empty()) {
        if (const auto* e = ws.error_codes.find(s.error_code); e != nullptr && e->blocks) {
          error += "!";
        }
      }
      o << "    " << pad(std::to_string(s.no), 5) << pad(s.planned_date.to_string(), 12)
        << pad(std::string(rx::to_text(s.status)), 10) << pad(error, 12) << pad(doc, 18)
        << s.quantity.to_string() << (s.emergency ? "  emergency" : "") << "\n";
    }
  }
  o << "(error codes marked ! block the schedule)\n";
  if (const std::string billing = render_billing_plan(ws, patient_id); !billing.empty()) {
    o << "\nbilling plan of patient " << plan->patient_id << "\n" << billing;
  }
  return o.str();
}

}  // namespace cb::app
