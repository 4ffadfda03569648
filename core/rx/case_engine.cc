#include "core/rx/case_engine.h"

#include <algorithm>

#include "core/rx/ids.h"
#include "core/rx/plan_engine.h"
#include "core/rx/requirements.h"

namespace cb::rx {

namespace {

std::string assigned_party(const cb::Party& p, std::string_view role, const Date& date) {
  for (const auto& r : p.assigned_roles) {
    if (r.role != role) continue;
    if (r.valid_from && date < *r.valid_from) continue;
    if (r.valid_to && date > *r.valid_to) continue;
    return r.party_id;
  }
  return {};
}

bool is_delivered_kind(LineKind k) {
  return k == LineKind::item || k == LineKind::contract_finding_item ||
         k == LineKind::device_reference;
}

Result<CasePeriod*> find_period_for_edit(Workspace& ws, std::string_view case_no, int period_no) {
  if (!ws.cases.contains(case_no)) {
    return fail(DiagCode::DomCaseNotFound, "case " + quote_input(case_no) + " not found",
                Location{.field = "case_no"});
  }
  if (ws.cases.find(case_no)->find_period(period_no) == nullptr) {
    return fail(DiagCode::DomCasePeriodNotFound,
                "case " + std::string(case_no) + " has no period " + std::to_string(period_no),
                Location{.field = "period_no"});
  }
  return ws.cases.edit(case_no)->find_period(period_no);
}

}  // namespace

bool device_reusable_for(const SerialCard& card, std::string_view insurer_id) {
  const std::optional<PostingCode> pc = parse_posting_code(card.posting_code);
  if (!pc) return false;
  if (pc->kind == PostingCodeKind::foreign_property) return pc->owner_insurer == insurer_id;
  return true;
}

std::vector<const SerialCard*> reusable_devices(const Workspace& ws, std::string_view item_no,
                                                std::string_view insurer_id,
                                                const DeliveryHierarchy* hierarchy) {
  std::vector<const SerialCard*> out;
  const std::string prefix = std::string(item_no) + "|";
  for (auto it = ws.serial_cards.rows().lower_bound(prefix); it != ws.serial_cards.end(); ++it) {
    if (!it->first.starts_with(prefix)) break;
    if (device_reusable_for(it->second, insurer_id)) out.push_back(&it->second);
  }
  if (hierarchy == nullptr) return out;
  // Rank by the hierarchy; a foreign-property card of this insurer counts as
  // the generic "F" entry when the hierarchy lists one.
  auto rank = [&](const SerialCard* c) -> std::size_t {
    const auto& codes = hierarchy->posting_codes;
    for (std::size_t i = 0; i < codes.size(); ++i) {
      if (codes[i] == c->posting_code) return i;
      if (codes[i] == "F" && c->posting_code.starts_with("F-")) return i;
    }
    return codes.size();
  };
  std::erase_if(out, [&](const SerialCard* c) { return rank(c) == hierarchy->posting_codes.size(); });
  std::ranges::stable_sort(out, [&](const SerialCard* a, const SerialCard* b) {
    return rank(a) < rank(b);
  });
  return out;
}

std::vector<BillingPeriod> compute_billing_periods(const CasePeriod& p) {
  std::vector<BillingPeriod> out;
  if (!p.billing_interval) return out;
  const Date cap = p.start.add_years(10).add_days(-1);
  Date last = p.effective_end().value_or(cap);
  if (last > cap) last = cap;
  Date from = p.start;
  for (int no = 1; from <= last; ++no) {
    Date next = p.billing_interval->apply(from);
    if (next <= from) break;  // a formula that does not move
    BillingPeriod bp;
    bp.no = no;
    bp.supply_from = from;
    bp.supply_to = std::min(next.add_days(-1), last);
    bp.posting_date = p.billing_timing ? p.billing_timing->apply(from) : from;
    out.push_back(bp);
    from = next;
  }
  return out;
}

Result<void> check_contract_for_new_case(const Contract& c, const ContractVersion& v, Date date) {
  const std::string name = "contract " + c.number + " version " + std::to_string(v.version_no);
  if (c.status != ReleaseStatus::released) {
    return fail(DiagCode::RxpContractNotReleased,
                "contract " + c.number + " is not released (status " +
                    std::string(to_text(c.status)) + "): no case can be created on it",
                Location{.field = "contract_no"});
  }
  if (v.status != ReleaseStatus::released) {
    return fail(DiagCode::RxpContractNotReleased,
                name + " is not released (status " + std::string(to_text(v.status)) +
                    "): no case can be created on it",
                Location{.field = "version_no"});
  }
  if (c.inactive) {
    return fail(DiagCode::RxpContractInactive,
                "contract " + c.number +
                    " is inactive: the contract search does not offer it for new cases "
                    "(existing cases on it continue)",
                Location{.field = "contract_no"});
  }
  if (!c.valid_on(date) || !v.valid_on(date)) {
    return fail(DiagCode::DomContractNotUsable,
                name + " is not valid on " + date.to_string(), Location{.field = "contract_no"});
  }
  return {};
}

Result<std::string> create_case(Workspace& ws, const CreateCaseInput& in, Date working_date) {
  const cb::Party* patient = ws.parties.find(in.patient_id);
  if (patient == nullptr) {
    return fail(DiagCode::DomPartyNotFound, "patient " + quote_input(in.patient_id) + " not found",
                Location{.field = "patient_id"});
  }
  const Contract* c = ws.contracts.find(in.contract_no);
  if (c == nullptr) {
    return fail(DiagCode::DomContractNotFound,
                "contract " + quote_input(in.contract_no) + " not found",
                Location{.field = "contract_no"});
  }
  const ContractVersion* v = c->find_version(in.version_no);
  if (v == nullptr) {
    return fail(DiagCode::DomVersionNotFound,
                "contract " + c->number + " has no version " + std::to_string(in.version_no),
                Location{.field = "version_no"});
  }
  if (auto usable = check_contract_for_new_case(*c, *v, working_date); !usable) {
    return Unexpected(usable.error());
  }
  if (!in.case_type.empty() && in.case_type != c->case_type) {
    return fail(DiagCode::DomContractNotUsable,
                "contract " + c->number + " is for case type " + quote_input(c->case_type) +
                    ", not " + quote_input(in.case_type),
                Location{.field = "case_type"});
  }
  const ContractPeriod* cp = v->find_period(in.period_code);
  if (cp == nullptr) {
    return fail(DiagCode::DomPeriodNotFound,
                "contract " + c->number + " version " + std::to_string(v->version_no) +
                    " has no period " + quote_input(in.period_code),
                Location{.field = "period_code"});
  }
  std::string payer_id = in.payer_id;
  if (payer_id.empty()) payer_id = assigned_party(*patient, "KK-KV", working_date);

  // Reuse and pool query.
  if (c->plan_type == PlanType::reuse &&
      (in.pool_query.outcome != PoolOutcome::positive || in.pool_query.serial_no.empty())) {
    return fail(DiagCode::DomPoolQueryMissing,
                "reuse contract " + c->number + " needs a positive pool query with a serial number",
                Location{.field = "pool_query"});
  }
  if (in.pool_query.outcome == PoolOutcome::negative && c->plan_type == PlanType::reuse) {
    return fail(DiagCode::DomPoolQueryMissing, "a negative pool query needs a purchase contract",
                Location{.field = "pool_query"});
  }

  // Start and end.
  Date start = in.start.value_or(v->start_date_rule == StartDateRule::month_start
                                     ? working_date.start_of_month()
                                     : working_date);
  CasePeriod p;
  p.no = 1;
  p.contract_no = c->number;
  p.version_no = v->version_no;
  p.period_code = cp->code;
  p.status = PeriodStatus::open;
  p.start = start;
  p.case_duration = cp->case_duration;
  if (cp->fixed_case_end) {
    p.end = cp->fixed_case_end;
  } else if (cp->case_duration) {
    p.end = cp->case_duration->apply(start).add_days(-1);
  }
  p.fixed_case_end = cp->fixed_case_end;
  p.supply_period = cp->supply_period;
  p.delivery_time_offset = cp->delivery_time_offset;
  p.billing_interval = cp->billing_interval;
  p.billing_timing = cp->billing_timing;
  p.extension_lead_time = cp->extension_lead_time;
  p.extension_mode = cp->extension_mode;
  p.following_contract = cp->following_contract;
  p.following_version = cp->following_version;
  p.following_period = cp->following_period;
  p.billing_form = v->billing_form;
  p.dispensing_type = v->dispensing_type;
  p.start_date_rule = v->start_date_rule;
  p.delivery_order_type = v->delivery_order_type;
  p.delivery_via = cp->delivery_via;
  p.billing_method = v->billing_method;
  p.delivery_proof_rule = v->delivery_proof_rule;
  p.delivery_proof_formula = v->delivery_proof_formula;
  p.billing_split_delivery_formula = v->billing_split_delivery_formula;
  p.invoice_instruction = v->invoice_instruction;
  p.billing_order_type = v->billing_order_type;
  p.posting_group_redirect = v->posting_group_redirect;
  p.info_template = cp->info_template;
  p.delivery_responsibility_unit = v->delivery_responsibility_unit;
  p.billing_responsibility_unit = v->billing_responsibility_unit;
  p.service_date_rule = cp->service_date_rule;
  p.emergency_delivery_allowed = v->emergency_delivery_allowed;
  p.blocked_after_end = v->blocked_after_end;
  p.contract_valid_to = v->valid_to;
  p.extra_fields = cp->extra_fields;
  if (cp->fill_prescription_date) p.prescription_date = start;

  // Participants from the patient's assigned roles valid on the start.
  for (const auto& r : patient->assigned_roles) {
    if (r.valid_from && start < *r.valid_from) continue;
    if (r.valid_to && start > *r.valid_to) continue;
    p.participants.push_back(Participant{r.role, r.party_id, r.valid_from, r.valid_to});
  }
  if (!payer_id.empty() &&
      std::ranges::none_of(p.participants, [](const Participant& x) { return x.role == "KK-KV"; })) {
    p.participants.push_back(Participant{"KK-KV", payer_id, std::nullopt, std::nullopt});
  }

  // Billing recipient: the version's override; "§PRIVAT" bills the patient.
  p.billing_partner_role = v->billing_partner_role;
  if (v->billing_debtor_override == "§PRIVAT") {
    p.billing_partner_role = "VS";
    p.billing_debtor = patient->id;
  } else if (!v->billing_debtor_override.empty()) {
    p.billing_debtor = v->billing_debtor_override;
  } else {
    p.billing_debtor = assigned_party(*patient, v->billing_partner_role, start);
    if (p.billing_debtor.empty()) p.billing_debtor = payer_id;
  }

  auto reqs = requirements_from_template(ws, p.info_template, working_date, in.user);
  if (!reqs) return Unexpected(std::move(reqs).error());
  p.requirements = std::move(*reqs);
  p.billing_periods = compute_billing_periods(p);

  // Lines.
  int case_line = 0;
  std::vector<SerialCard> new_cards;
  for (std::size_t i = 0; i < in.lines.size(); ++i) {
    const LineSelection& sel = in.lines[i];
    const Location where{.field = "lines/" + std::to_string(i)};
    const ContractLine* cl = v->find_line(sel.contract_line_no);
    if (cl == nullptr || !cl->in_period(cp->code)) {
      return fail(DiagCode::DomLineNotInPeriod,
                  "contract " + c->number + " version " + std::to_string(v->version_no) +
                      " has no line " + std::to_string(sel.contract_line_no) + " in period " +
                      cp->code,
                  where);
    }
    CaseLine line;
    case_line += kLineStep;
    line.line_no = case_line;
    line.contract_line_no = cl->line_no;
    line.kind = cl->kind;
    line.number = cl->number;
    line.variant = cl->variant;
    line.description = cl->description;
    line.quantity = sel.quantity.value_or(cl->quantity);
    line.unit = cl->unit;
    line.billing_kind = cl->billing_kind;
    line.belongs_to_flat_rate = cl->belongs_to_flat_rate;
    line.delivery_type = cl->delivery_type == DeliveryType::none ? v->default_delivery_type
                                                                 : cl->delivery_type;
    line.delivery_interval = cl->delivery_interval ? cl->delivery_interval
                                                   : v->default_delivery_interval;
    line.posting_code = cl->posting_code;
    line.error_code = cl->error_code;
    line.serial_no = sel.serial_no;
    if (cl->kind == LineKind::contract_finding_item) {
      const ContractFindingItem* g = ws.contract_finding_items.find(cl->number);
      if (g == nullptr || sel.item_no.empty() || !g->contains(sel.item_no, sel.variant)) {
        return fail(DiagCode::DomItemNotInGroup,
                    "item " + quote_input(sel.item_no) + " is not in contract-finding item " +
                        quote_input(cl->number),
                    where);
      }
      line.contract_finding_item = cl->number;
      line.number = sel.item_no;
      line.variant = sel.variant;
    } else if (!sel.item_no.empty() && cl->kind == LineKind::item && sel.item_no != cl->number) {
      return fail(DiagCode::DomItemNotInGroup,
                  "contract line " + std::to_string(cl->line_no) + " is item " + cl->number +
                      ", not " + quote_input(sel.item_no),
                  where);
    }
    if (is_delivered_kind(cl->kind)) {
      const cb::Item* item = ws.items.find(item_key(line.number, line.variant));
      if (item == nullptr) {
        return fail(DiagCode::DomItemNotFound, "item " + quote_input(line.number) + " not found",
                    where);
      }
      if (line.unit.empty()) line.unit = item->unit;
      if (line.description.empty()) line.description = item->description;
    }
    if (c->plan_type == PlanType::reuse && is_delivered_kind(cl->kind)) {
      if (line.serial_no.empty() && (in.pool_query.item_no.empty() ||
                                     in.pool_query.item_no == line.number)) {
        line.serial_no = in.pool_query.serial_no;
      }
      if (!line.serial_no.empty()) {
        const std::string key = serial_key(line.number, line.serial_no);
        if (const SerialCard* card = ws.serial_cards.find(key)) {
          if (!device_reusable_for(*card, payer_id)) {
            return fail(DiagCode::DomReuseDeviceForeign,
                        "device " + quote_input(line.serial_no) + " of item " + line.number +
                            " has posting code " + card->posting_code +
                            " and cannot be reused for " + quote_input(payer_id),
                        where);
          }
          if (line.posting_code.empty()) line.posting_code = card->posting_code;
        } else {
          SerialCard nc;
          nc.item_no = line.number;
          nc.variant = line.variant;
          nc.serial_no = line.serial_no;
          nc.posting_code = foreign_property_code(payer_id);
          nc.created_on = working_date;
          if (line.posting_code.empty()) line.posting_code = nc.posting_code;
          new_cards.push_back(std::move(nc));
        }
      }
    }
    p.lines.push_back(std::move(line));
  }

  // Commit: case number, case, plan lines, serial cards.
  Case kase;
  kase.no = ws.next_number(ws.cases, kCasePrefix, kCaseNumberWidth);
  kase.patient_id = patient->id;
  kase.case_type = c->case_type;
  kase.payer_id = payer_id;
  kase.plan_type = c->plan_type;
  kase.created_on = working_date;
  kase.created_by = in.user;
  kase.pool_query = in.pool_query;

  DeliveryPlan* plan = ws.plans.edit(patient->id);
  if (plan == nullptr) {
    DeliveryPlan np;
    np.patient_id = patient->id;
    plan = &ws.plans.put(patient->id, std::move(np));
  }
  int plan_line = 0;
  for (const auto& l : plan->lines) plan_line = std::max(plan_line, l.line_no);
  for (auto& line : p.lines) {
    if (!is_delivered_kind(line.kind)) continue;
    DeliveryLine dl;
    plan_line += kLineStep;
    dl.line_no = plan_line;
    dl.case_no = kase.no;
    dl.period_no = p.no;
    dl.case_line_no = line.line_no;
    dl.contract_line_no = line.contract_line_no;
    dl.status = PlanLineStatus::open;
    dl.delivery_type = line.delivery_type;
    dl.interval = line.delivery_interval;
    dl.start = p.start;
    dl.end = p.end;
    dl.time_offset = p.delivery_time_offset;
    dl.item_no = line.number;
    dl.variant = line.variant;
    dl.serial_no = line.serial_no;
    dl.posting_code = line.posting_code;
    dl.quantity = line.quantity;
    dl.unit = line.unit;
    line.delivery_line_no = dl.line_no;
    plan->lines.push_back(std::move(dl));
  }
  for (auto& nc : new_cards) {
    nc.last_case_no = kase.no;
    std::string key = serial_key(nc.item_no, nc.serial_no);
    ws.serial_cards.put(std::move(key), std::move(nc));
  }
  kase.periods.push_back(std::move(p));
  std::string no = kase.no;
  ws.cases.put(no, std::move(kase));
  return no;
}

Result<void> release_period(Workspace& ws, std::string_view case_no, int period_no,
                            Date working_date) {
  auto pr = find_period_for_edit(ws, case_no, period_no);
  if (!pr) return Unexpected(std::move(pr).error());
  CasePeriod* p = *pr;
  if (p->status != PeriodStatus::open) {
    return fail(DiagCode::DomPeriodNotOpen, "case " + std::string(case_no) + " period " +
                                                std::to_string(period_no) + " is " +
                                                std::string(to_text(p->status)) + ", not open");
  }
  p->status = PeriodStatus::released;
  const std::string patient = ws.cases.find(case_no)->patient_id;
  const DeliveryPlan* plan = ws.plans.find(patient);
  if (plan == nullptr) return {};
  std::vector<int> to_release;
  for (const auto& l : plan->lines) {
    if (l.case_no == case_no && l.period_no == period_no && l.status == PlanLineStatus::open &&
        l.delivery_type != DeliveryType::daily_periodic) {
      to_release.push_back(l.line_no);
    }
  }
  for (int line_no : to_release) {
    auto r = release_line(ws, patient, line_no, working_date);
    if (!r) return r;
  }
  return {};
}

Result<void> open_period(Workspace& ws, std::string_view case_no, int period_no) {
  auto pr = find_period_for_edit(ws, case_no, period_no);
  if (!pr) return Unexpected(std::move(pr).error());
  CasePeriod* p = *pr;
  if (p->status != PeriodStatus::released) {
    return fail(DiagCode::DomPeriodNotReleased, "case " + std::string(case_no) + " period " +
                                                    std::to_string(period_no) +
                                                    " is not released");
  }
  p->status = PeriodStatus::open;
  const std::string patient = ws.cases.find(case_no)->patient_id;
  const DeliveryPlan* plan = ws.plans.find(patient);
  if (plan == nullptr) return {};
  std::vector<int> to_reset;
  for (const auto& l : plan->lines) {
    if (l.case_no == case_no && l.period_no == period_no && l.status == PlanLineStatus::released) {
      to_reset.push_back(l.line_no);
    }
  }
  for (int line_no : to_reset) {
    auto r = reset_line(ws, patient, line_no);
    if (!r) return r;
  }
  return {};
}

Result<void> set_therapy_end(Workspace& ws, std::string_view case_no, int period_no,
                             Date actual_end, Date working_date) {
  auto pr = find_period_for_edit(ws, case_no, period_no);
  if (!pr) return Unexpected(std::move(pr).error());
  CasePeriod* p = *pr;
  if (actual_end < p->start) {
    return fail(DiagCode::DomTherapyEndBeforeStart,
                "therapy end " + actual_end.to_string() + " lies before the start " +
                    p->start.to_string() + " of case " + std::string(case_no) + " period " +
                    std::to_string(period_no),
                Location{.field = "actual_end"});
  }
  p->actual_end = actual_end;
  for (auto& bp : p->billing_periods) {
    if (bp.supply_from > actual_end) bp.ended = true;
  }
  const std::string patient = ws.cases.find(case_no)->patient_id;
  if (!ws.plans.contains(patient)) return {};
  DeliveryPlan* plan = ws.plans.edit(patient);
  std::size_t removed = 0;
  for (auto& l : plan->lines) {
    if (l.case_no != case_no || l.period_no != period_no) continue;
    removed += static_cast<std::size_t>(std::erase_if(l.schedules, [&](const Schedule& s) {
      return !s.has_document() && s.planned_date > actual_end;
    }));
    if (!l.end || *l.end > actual_end) l.end = actual_end;
  }
  ws.log(working_date, LogLevel::info, "therapy_end", "", std::string(case_no),
         "therapy end " + actual_end.to_string() + ": " + std::to_string(removed) +
             " open delivery schedules removed");
  return {};
}

}  // namespace cb::rx
