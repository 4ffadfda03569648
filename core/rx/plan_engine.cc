#include "core/rx/plan_engine.h"

#include <algorithm>

#include "core/rx/ids.h"
#include "core/rx/requirements.h"

namespace cb::rx {

namespace {

std::string line_ref(std::string_view patient_id, int line_no) {
  return "plan " + std::string(patient_id) + " line " + std::to_string(line_no);
}

Unexpected<Diagnostic> line_not_found(std::string_view patient_id, int line_no) {
  return fail(DiagCode::DomPlanLineNotFound, line_ref(patient_id, line_no) + " not found",
              Location{.field = "line_no"});
}

const CasePeriod* period_of(const Workspace& ws, const DeliveryLine& l) {
  const Case* c = ws.cases.find(l.case_no);
  return c == nullptr ? nullptr : c->find_period(l.period_no);
}

/// The last date a line may deliver: line end, period (actual) end, whichever first.
std::optional<Date> last_date(const CasePeriod* p, const DeliveryLine& l) {
  std::optional<Date> last = l.end;
  if (p != nullptr) {
    if (auto pe = p->effective_end(); pe && (!last || *pe < *last)) last = pe;
  }
  return last;
}

Schedule new_schedule(const DeliveryLine& l, int no, Date date) {
  Schedule s;
  s.no = no;
  s.planned_date = date;
  s.status = ScheduleStatus::planned;
  s.item_no = l.item_no;
  s.variant = l.variant;
  s.serial_no = l.serial_no;
  s.quantity = l.quantity;
  s.unit = l.unit;
  return s;
}

Date first_date(const DeliveryLine& l) {
  Date d = l.desired_date.value_or(l.start);
  if (l.time_offset) d = l.time_offset->apply(d);
  return d;
}

bool error_code_blocks(const Workspace& ws, const std::string& code) {
  if (code.empty()) return false;
  const ErrorCode* e = ws.error_codes.find(code);
  return e == nullptr || e->blocks;  // an unknown code blocks: safer
}

}  // namespace

std::size_t extend_schedules(const Workspace& /*ws*/, const CasePeriod* period, DeliveryLine& l,
                             Date until) {
  if (l.status != PlanLineStatus::released) return 0;
  const std::optional<Date> last = last_date(period, l);
  const Date bound = last && *last < until ? *last : until;
  std::size_t created = 0;
  int next_no = l.last_schedule_no() + 1;
  switch (l.delivery_type) {
    case DeliveryType::none:
    case DeliveryType::transfer: {
      const Date d = first_date(l);
      if (l.schedules.empty() && (!last || d <= *last)) {
        l.schedules.push_back(new_schedule(l, next_no, d));
        created = 1;
      }
      break;
    }
    case DeliveryType::transfer_in_advance: {
      const Date d = first_date(l);
      if (l.schedules.empty() && (!last || d <= *last)) {
        l.schedules.push_back(new_schedule(l, next_no++, d));
        l.schedules.push_back(new_schedule(l, next_no, l.interval ? l.interval->apply(d) : d));
        created = 2;
      }
      break;
    }
    case DeliveryType::periodic:
    case DeliveryType::transfer_periodic: {
      if (!l.interval) break;
      Date d = first_date(l);
      if (!l.schedules.empty()) {
        Date newest = l.schedules.front().planned_date;
        for (const auto& s : l.schedules) newest = std::max(newest, s.planned_date);
        d = l.interval->apply(newest);
      }
      // Dates first, so that the vector grows once to its exact size (a plan
      // of 100,000 patients holds millions of schedules). The guard stops a
      // formula that does not move forward (e.g. "0M").
      std::vector<Date> dates;
      for (int guard = 0; d <= bound && guard < 100000; ++guard) {
        dates.push_back(d);
        const Date nd = l.interval->apply(d);
        if (nd <= d) break;
        d = nd;
      }
      if (dates.empty()) break;
      if (l.schedules.capacity() < l.schedules.size() + dates.size()) {
        l.schedules.reserve(l.schedules.size() + dates.size());
      }
      for (const Date& date : dates) {
        l.schedules.push_back(new_schedule(l, next_no++, date));
        ++created;
      }
      break;
    }
    case DeliveryType::call_off:
    case DeliveryType::transfer_call_off:
    case DeliveryType::daily_periodic:
      break;
  }
  if (!l.planned_until || *l.planned_until < until) l.planned_until = until;
  for (const auto& s : l.schedules) l.last_schedule_no_used = std::max(l.last_schedule_no_used, s.no);
  return created;
}

Result<void> release_line(Workspace& ws, std::string_view patient_id, int line_no,
                          Date working_date) {
  const DeliveryPlan* plan0 = ws.plans.find(patient_id);
  const DeliveryLine* l0 = plan0 ? plan0->find_line(line_no) : nullptr;
  if (l0 == nullptr) return line_not_found(patient_id, line_no);
  if (l0->status != PlanLineStatus::open) {
    return fail(DiagCode::DomPlanLineStatus,
                line_ref(patient_id, line_no) + " is " + std::string(to_text(l0->status)) +
                    ", only an open line can be released");
  }
  if (l0->delivery_type == DeliveryType::daily_periodic) {
    return fail(DiagCode::DomDeliveryTypeNotReleasable,
                line_ref(patient_id, line_no) + ": delivery type daily_periodic is not released");
  }
  if (is_periodic(l0->delivery_type) && !l0->interval) {
    return fail(DiagCode::DomBadInput,
                line_ref(patient_id, line_no) + ": a periodic line needs a delivery interval",
                Location{.field = "interval"});
  }
  const CasePeriod* period = period_of(ws, *l0);
  DeliveryLine* l = ws.plans.edit(patient_id)->find_line(line_no);
  l->status = PlanLineStatus::released;
  extend_schedules(ws, period, *l, ws.setup().horizon.apply(working_date));
  return {};
}

Result<void> reset_line(Workspace& ws, std::string_view patient_id, int line_no) {
  const DeliveryPlan* plan0 = ws.plans.find(patient_id);
  const DeliveryLine* l0 = plan0 ? plan0->find_line(line_no) : nullptr;
  if (l0 == nullptr) return line_not_found(patient_id, line_no);
  if (l0->status == PlanLineStatus::ended) {
    return fail(DiagCode::DomPlanLineStatus,
                line_ref(patient_id, line_no) + " is ended and cannot be reset to open");
  }
  DeliveryLine* l = ws.plans.edit(patient_id)->find_line(line_no);
  l->status = PlanLineStatus::open;
  std::erase_if(l->schedules, [](const Schedule& s) { return !s.manual && !s.has_document(); });
  l->planned_until.reset();
  return {};
}

Result<void> delete_line(Workspace& ws, std::string_view patient_id, int line_no) {
  const DeliveryPlan* plan0 = ws.plans.find(patient_id);
  const DeliveryLine* l0 = plan0 ? plan0->find_line(line_no) : nullptr;
  if (l0 == nullptr) return line_not_found(patient_id, line_no);
  if (std::ranges::any_of(l0->schedules, [](const Schedule& s) { return s.has_document(); })) {
    return fail(DiagCode::DomPlanLineHasDocuments,
                line_ref(patient_id, line_no) + " has orders or deliveries and cannot be deleted");
  }
  const std::string case_no = l0->case_no;
  const int period_no = l0->period_no;
  DeliveryPlan* plan = ws.plans.edit(patient_id);
  std::erase_if(plan->lines, [&](const DeliveryLine& l) { return l.line_no == line_no; });
  if (ws.cases.contains(case_no)) {
    if (CasePeriod* p = ws.cases.edit(case_no)->find_period(period_no)) {
      for (auto& cl : p->lines) {
        if (cl.delivery_line_no == line_no) cl.delivery_line_no.reset();
      }
    }
  }
  return {};
}

Result<int> create_call_off_position(Workspace& ws, std::string_view patient_id, int line_no,
                                     Date planned_date, std::optional<Decimal> quantity) {
  const DeliveryPlan* plan0 = ws.plans.find(patient_id);
  const DeliveryLine* l0 = plan0 ? plan0->find_line(line_no) : nullptr;
  if (l0 == nullptr) return line_not_found(patient_id, line_no);
  if (!is_call_off(l0->delivery_type)) {
    return fail(DiagCode::DomNotCallOffLine,
                line_ref(patient_id, line_no) + " has delivery type " +
                    std::string(to_text(l0->delivery_type)) + ", not call_off");
  }
  if (l0->status != PlanLineStatus::released) {
    return fail(DiagCode::DomPlanLineStatus,
                line_ref(patient_id, line_no) + " must be released to create call-off positions");
  }
  if (quantity && !(quantity->sign() > 0)) {
    return fail(DiagCode::DomBadInput, "call-off quantity must be positive",
                Location{.field = "quantity"});
  }
  DeliveryLine* l = ws.plans.edit(patient_id)->find_line(line_no);
  Schedule s = new_schedule(*l, l->last_schedule_no() + 1, planned_date);
  if (quantity) s.quantity = *quantity;
  l->last_schedule_no_used = s.no;
  l->schedules.push_back(s);
  return s.no;
}

namespace {

void update_one_plan(Workspace& ws, const std::string& patient_id, const DeliveryPlan& plan0,
                     Date working_date, Date horizon, PlanUpdateResult& r) {
  const std::int32_t lead = ws.setup().call_off_lead_days;
  const std::string& expired = ws.setup().expired_error_code;
  // First pass read-only: does anything change? Keeps the change record small.
  DeliveryPlan* plan = nullptr;
  for (std::size_t i = 0; i < plan0.lines.size(); ++i) {
    const DeliveryLine& l0 = plan0.lines[i];
    ++r.lines_seen;
    if (l0.status != PlanLineStatus::released) continue;
    const CasePeriod* period = period_of(ws, l0);
    const bool periodic = is_periodic(l0.delivery_type);
    const bool needs_extend = periodic && (!l0.planned_until || *l0.planned_until < horizon);
    bool needs_expire = false;
    if (periodic && !expired.empty()) {
      for (std::size_t k = 0; k + 1 < l0.schedules.size() && !needs_expire; ++k) {
        const Schedule& s = l0.schedules[k];
        const Schedule& next = l0.schedules[k + 1];
        needs_expire = !s.has_document() && s.error_code.empty() && s.planned_date < working_date &&
                       next.planned_date.add_days(-lead) <= working_date;
      }
    }
    const std::optional<Date> last = last_date(period, l0);
    const bool needs_end =
        last && *last < working_date &&
        std::ranges::all_of(l0.schedules, [](const Schedule& s) { return s.has_document(); });
    if (!needs_extend && !needs_expire && !needs_end) continue;
    if (plan == nullptr) plan = ws.plans.edit(patient_id);
    DeliveryLine& l = plan->lines[i];
    if (needs_extend) r.schedules_created += extend_schedules(ws, period, l, horizon);
    if (needs_expire) {
      const ErrorCode* ec = ws.error_codes.find(expired);
      for (std::size_t k = 0; k + 1 < l.schedules.size(); ++k) {
        Schedule& s = l.schedules[k];
        const Schedule& next = l.schedules[k + 1];
        if (!s.has_document() && s.error_code.empty() && s.planned_date < working_date &&
            next.planned_date.add_days(-lead) <= working_date) {
          s.error_code = expired;
          ++r.schedules_expired;
          if (ec != nullptr && ec->writes_log) {
            ws.log(working_date, LogLevel::warning, "plan_update", expired, l.case_no,
                   line_ref(patient_id, l.line_no) + " schedule " + std::to_string(s.no) +
                       " of " + s.planned_date.to_string() + " expired");
          }
        }
      }
    }
    if (needs_end) {
      l.status = PlanLineStatus::ended;
      ++r.lines_ended;
    }
  }
}

}  // namespace

PlanUpdateResult plan_update(Workspace& ws, Date working_date) {
  PlanUpdateResult r;
  const Date horizon = ws.setup().horizon.apply(working_date);
  for (const auto& [patient_id, plan] : ws.plans) {
    update_one_plan(ws, patient_id, plan, working_date, horizon, r);
  }
  return r;
}

PlanUpdateResult plan_update_patient(Workspace& ws, std::string_view patient_id,
                                     Date working_date) {
  PlanUpdateResult r;
  const DeliveryPlan* plan = ws.plans.find(patient_id);
  if (plan == nullptr) return r;
  update_one_plan(ws, std::string(patient_id), *plan, working_date,
                  ws.setup().horizon.apply(working_date), r);
  return r;
}

namespace {

struct DueRef {
  std::size_t line_index;
  std::size_t schedule_index;
  bool emergency;
};

}  // namespace

CallOffResult call_off_orders(Workspace& ws, Date run_date, std::string_view only_patient) {
  CallOffResult r;
  const PlanSetup& setup = ws.setup();
  const Date due_until = run_date.add_days(setup.call_off_lead_days);
  std::int64_t next_order = 0;
  {
    const std::string n =
        ws.next_number(ws.sales_orders, kSalesOrderPrefix, kSalesOrderNumberWidth);
    next_order = parse_number(kSalesOrderPrefix, n);
  }
  std::vector<DueRef> due;
  for (const auto& [patient_id, plan0] : ws.plans) {
    if (!only_patient.empty() && patient_id != only_patient) continue;
    due.clear();
    for (std::size_t li = 0; li < plan0.lines.size(); ++li) {
      const DeliveryLine& l = plan0.lines[li];
      if (l.status != PlanLineStatus::released) continue;
      const CasePeriod* period = nullptr;
      bool period_checked = false;
      bool blocked_req = false;
      for (std::size_t si = 0; si < l.schedules.size(); ++si) {
        const Schedule& s = l.schedules[si];
        if (s.has_document() || s.planned_date > due_until) continue;
        if (!period_checked) {
          period = period_of(ws, l);
          period_checked = true;
          blocked_req = period != nullptr && delivery_blocked(ws, *period);
        }
        std::string reason;
        bool emergency = false;
        if (period == nullptr || period->status != PeriodStatus::released) {
          reason = "period not released";
        } else if (error_code_blocks(ws, s.error_code)) {
          reason = "error code " + s.error_code;
        } else if (auto pe = period->effective_end(); pe && s.planned_date > *pe) {
          reason = "after the period end";
        } else if (period->blocked_after_end && period->contract_valid_to &&
                   s.planned_date > *period->contract_valid_to) {
          reason = "contract ended";
        } else if (blocked_req) {
          if (period->emergency_delivery) {
            emergency = true;
          } else {
            reason = "requirements";
          }
        }
        if (!reason.empty()) {
          r.blocked.push_back(BlockedSchedule{patient_id, l.line_no, s.no, std::move(reason)});
          continue;
        }
        due.push_back(DueRef{li, si, emergency});
      }
    }
    if (due.empty()) continue;
    SalesOrder order;
    order.no = format_number(kSalesOrderPrefix, next_order++, kSalesOrderNumberWidth);
    order.patient_id = patient_id;
    order.order_type = setup.delivery_order_type;
    order.order_date = run_date;
    DeliveryPlan* plan = ws.plans.edit(patient_id);
    int order_line = 0;
    for (const DueRef& d : due) {
      DeliveryLine& l = plan->lines[d.line_index];
      Schedule& s = l.schedules[d.schedule_index];
      order_line += kLineStep;
      SalesOrderLine ol;
      ol.line_no = order_line;
      ol.case_no = l.case_no;
      ol.period_no = l.period_no;
      ol.delivery_line_no = l.line_no;
      ol.schedule_no = s.no;
      ol.item_no = s.item_no;
      ol.variant = s.variant;
      ol.serial_no = s.serial_no;
      ol.quantity = s.quantity;
      ol.unit = s.unit;
      ol.planned_date = s.planned_date;
      ol.emergency = d.emergency;
      order.lines.push_back(std::move(ol));
      s.status = ScheduleStatus::fixed;
      s.document_type = "order";
      s.document_no = order.no;
      s.document_line_no = order_line;
      if (d.emergency) {
        s.emergency = true;
        s.error_code = setup.emergency_error_code;
      }
      l.quantity_in_order += s.quantity;
      ++r.lines_called_off;
    }
    for (auto& l : plan->lines) {
      std::optional<Date> next;
      for (const auto& s : l.schedules) {
        if (!s.has_document() && (!next || s.planned_date < *next)) next = s.planned_date;
      }
      l.next_call_off = next ? std::optional<Date>(next->add_days(-setup.call_off_lead_days))
                             : std::nullopt;
    }
    r.orders.push_back(order.no);
    std::string key = order.no;
    ws.sales_orders.put(std::move(key), std::move(order));
  }
  return r;
}

Result<void> post_delivery(Workspace& ws, const DeliveryNote& note) {
  if (note.no.empty()) {
    return fail(DiagCode::DomBadInput, "delivery note without number", Location{.field = "no"});
  }
  if (ws.delivery_notes.contains(note.no)) {
    return fail(DiagCode::DomDeliveryNoteDuplicate,
                "delivery note " + quote_input(note.no) + " is already posted",
                Location{.field = "no"});
  }
  const DeliveryPlan* plan0 = ws.plans.find(note.patient_id);
  if (plan0 == nullptr) {
    return fail(DiagCode::DomPartyNotFound,
                "delivery note " + note.no + ": patient has no delivery plan",
                Location{.field = "patient_id"});
  }
  // Resolve every note line to (plan line index, schedule index) before changing anything.
  struct Target {
    std::size_t li;
    std::size_t si;
  };
  std::vector<Target> targets;
  for (std::size_t n = 0; n < note.lines.size(); ++n) {
    const DeliveryNoteLine& nl = note.lines[n];
    const Location where{.field = "lines/" + std::to_string(n)};
    std::optional<Target> found;
    bool delivered = false;
    for (std::size_t li = 0; li < plan0->lines.size() && !found; ++li) {
      const DeliveryLine& l = plan0->lines[li];
      for (std::size_t si = 0; si < l.schedules.size(); ++si) {
        const Schedule& s = l.schedules[si];
        bool match = false;
        if (!nl.order_no.empty()) {
          match = s.document_type == "order" && s.document_no == nl.order_no &&
                  s.document_line_no == nl.order_line_no;
          if (!match && s.document_type == "delivery") {
            // Already delivered from this order line?
            const SalesOrder* so = ws.sales_orders.find(nl.order_no);
            if (so != nullptr) {
              for (const auto& ol : so->lines) {
                if (ol.line_no == nl.order_line_no && ol.delivery_line_no == l.line_no &&
                    ol.schedule_no == s.no) {
                  delivered = true;
                }
              }
            }
          }
        } else {
          match = s.document_type == "order" && s.item_no == nl.item_no &&
                  (nl.variant.empty() || s.variant == nl.variant);
        }
        if (match && std::ranges::none_of(targets, [&](const Target& t) {
              return t.li == li && t.si == si;
            })) {
          found = Target{li, si};
          break;
        }
      }
    }
    if (!found) {
      if (delivered) {
        return fail(DiagCode::DomAlreadyDelivered,
                    "delivery note " + note.no + ": order " + nl.order_no + " line " +
                        std::to_string(nl.order_line_no) + " is already delivered",
                    where);
      }
      return fail(DiagCode::DomOrderLineNotFound,
                  "delivery note " + note.no + ": no called-off schedule for " +
                      (nl.order_no.empty() ? "item " + quote_input(nl.item_no)
                                           : "order " + quote_input(nl.order_no) + " line " +
                                                 std::to_string(nl.order_line_no)),
                  where);
    }
    targets.push_back(*found);
  }
  DeliveryPlan* plan = ws.plans.edit(note.patient_id);
  for (std::size_t n = 0; n < note.lines.size(); ++n) {
    const DeliveryNoteLine& nl = note.lines[n];
    DeliveryLine& l = plan->lines[targets[n].li];
    Schedule& s = l.schedules[targets[n].si];
    const Decimal qty = nl.quantity.is_zero() ? s.quantity : nl.quantity;
    l.quantity_in_order -= s.quantity;
    if (l.quantity_in_order.is_negative()) l.quantity_in_order = Decimal();
    s.status = ScheduleStatus::delivery;
    s.document_type = "delivery";
    s.document_no = note.no;
    s.document_line_no = nl.line_no;
    s.delivered_on = note.date;
    s.quantity = qty;
    if (!nl.serial_no.empty()) s.serial_no = nl.serial_no;
    if (!l.last_delivery || *l.last_delivery < note.date) l.last_delivery = note.date;
    if (Case* c = ws.cases.edit(l.case_no)) {
      if (CasePeriod* p = c->find_period(l.period_no)) {
        p->proofs.push_back(DeliveryProof{note.no, nl.line_no, note.date, l.line_no, s.no,
                                          s.item_no, s.variant, s.serial_no, qty,
                                          nl.unit.empty() ? s.unit : nl.unit, false});
      }
    }
    if (!s.serial_no.empty()) {
      const std::string key = serial_key(s.item_no, s.serial_no);
      if (const SerialCard* card = ws.serial_cards.find(key)) {
        if (card->last_case_no != l.case_no) ws.serial_cards.edit(key)->last_case_no = l.case_no;
      } else {
        SerialCard nc;
        nc.item_no = s.item_no;
        nc.variant = s.variant;
        nc.serial_no = s.serial_no;
        nc.posting_code = l.posting_code.empty() ? "UV" : l.posting_code;
        nc.last_case_no = l.case_no;
        nc.created_on = note.date;
        ws.serial_cards.put(key, std::move(nc));
      }
    }
  }
  ws.delivery_notes.put(note.no, note);
  return {};
}

}  // namespace cb::rx
