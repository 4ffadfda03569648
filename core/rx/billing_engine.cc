#include "core/rx/billing_engine.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "core/rx/ids.h"
#include "core/rx/requirements.h"

namespace cb::rx {

namespace {

constexpr int kCents = 2;

std::string assigned(const cb::Party& p, std::string_view role, const Date& on) {
  for (const auto& r : p.assigned_roles) {
    if (r.role != role) continue;
    if (r.valid_from && on < *r.valid_from) continue;
    if (r.valid_to && on > *r.valid_to) continue;
    return r.party_id;
  }
  return {};
}

bool is_electronic(BillingMethod m) { return m == BillingMethod::p300 || m == BillingMethod::p302; }

bool error_blocks(const Workspace& ws, const std::string& code) {
  if (code.empty()) return false;
  const ErrorCode* e = ws.error_codes.find(code);
  return e == nullptr || e->blocks;
}

bool delivered_kind(LineKind k) {
  return k == LineKind::item || k == LineKind::contract_finding_item ||
         k == LineKind::device_reference;
}

/// The billing process of a case line.
BillingProcess process_of(const CaseLine& l) {
  if (l.billing_kind == BillingKind::none) return BillingProcess::none;
  if (!delivered_kind(l.kind)) return BillingProcess::flat_rate;  // resources, services
  if (l.billing_kind == BillingKind::flat_rate) return BillingProcess::included;
  return BillingProcess::purchase;
}

// ---------------------------------------------------------------------------
// SEAM (billing-rules): the billing split. Until the pure rules of
// core/rx/billing_rules are merged, the split amount (co-payment + own share +
// economic surcharge) is zero. Replace this one call with the rules' result.
Decimal billing_split_seam(const Workspace& /*ws*/, const Case& /*c*/, const CasePeriod& /*p*/,
                           const BillingLine& /*line*/, const BillingSchedule& /*s*/,
                           const Decimal& /*gross*/) {
  return Decimal();
}

/// SEAM (billing-rules): delivery-proof resolution for a flat-rate billing
/// period. A minimal rule until billing-rules is merged: no rule = no check;
/// billing period rule = a proof inside the billing period; the others = a
/// proof in the case period up to the end of the billing period (with a
/// formula: not older than formula applied to the billing period start).
enum class ProofState : std::uint8_t { not_needed, found, manual, missing };
ProofState delivery_proof_seam(const CasePeriod& p, const BillingSchedule& s) {
  if (p.delivery_proof_rule == DeliveryProofRule::none) return ProofState::not_needed;
  std::optional<Date> earliest;
  Date latest = s.supply_to;
  if (p.delivery_proof_rule == DeliveryProofRule::billing_period) earliest = s.supply_from;
  if (p.delivery_proof_formula && (p.delivery_proof_rule == DeliveryProofRule::case_formula ||
                                   p.delivery_proof_rule == DeliveryProofRule::case_period_formula)) {
    earliest = p.delivery_proof_formula->apply(s.supply_from);
  }
  bool manual = false;
  for (const auto& pr : p.proofs) {
    if (pr.date > latest) continue;
    if (earliest && pr.date < *earliest) continue;
    if (!pr.manual) return ProofState::found;
    manual = true;
  }
  return manual ? ProofState::manual : ProofState::missing;
}
// ---------------------------------------------------------------------------

/// The price-finding debtor (`PF-DE`): the patient billed directly finds
/// prices through `§PRIVAT`; otherwise the patient's own PF-DE role (statutory
/// patients), the recipient's (a private insurer's own price finding), the
/// payer's, else the payer itself.
std::string price_debtor_of(const Workspace& ws, const Case& c, const BillingRecipient& r,
                            const Date& on) {
  if (r.role == "VS") return "§PRIVAT";
  std::vector<std::string> ids;
  if (r.role != "KK-PR" && r.role != "KK-PRAB" && r.role != "KK-PRUM") ids.push_back(c.patient_id);
  ids.push_back(r.party_id);
  ids.push_back(c.payer_id);
  for (const std::string& id : ids) {
    if (id.empty()) continue;
    if (const cb::Party* party = ws.parties.find(id)) {
      std::string pf = assigned(*party, "PF-DE", on);
      if (!pf.empty()) return pf;
    }
  }
  return c.payer_id;
}

std::optional<Decimal> find_unit_price(const Workspace& ws, const std::string& price_debtor,
                                       const BillingLine& l, const std::string& work_type,
                                       const Date& on) {
  const auto* rows = ws.price_lists.find(price_debtor);
  if (rows == nullptr) return std::nullopt;
  const PricedKind kind = delivered_kind(l.kind) ? PricedKind::item : PricedKind::resource;
  const PriceListEntry* e = find_price(*rows, kind, l.number, l.variant, work_type, on);
  if (e == nullptr) return std::nullopt;
  return e->unit_price;
}

/// quantity × price, rounded to cents, less the line discount (rounded once).
Decimal line_amount(const Decimal& quantity, const Decimal& price, const Decimal& discount_pct) {
  const Decimal gross = Decimal::checked_mul_rounded(quantity, price, kCents).value();
  if (discount_pct.is_zero()) return gross;
  return gross - Decimal::checked_percent(gross, discount_pct, kCents).value();
}

std::string vat_group_of(const Workspace& ws, const Contract* contract, const ContractLine* cl,
                         const CasePeriod& p, const CaseLine& l) {
  std::string group;
  if (cl != nullptr && !cl->vat_posting_group.empty()) return cl->vat_posting_group;
  if (delivered_kind(l.kind)) {
    if (const cb::Item* it = ws.items.find(item_key(l.number, l.variant))) group = it->vat_product_group;
  } else if (const Resource* r = ws.resources.find(l.number)) {
    group = r->vat_product_group;
  }
  if (group.empty()) group = ws.billing_setup().default_vat_product_group;
  // Posting-group redirect (7 % → 19 % for spare parts in repairs): the
  // contract's redirect code names the product group reduced lines move to.
  if (contract != nullptr && contract->plan_type == PlanType::repair &&
      !p.posting_group_redirect.empty() && group == "reduced") {
    group = p.posting_group_redirect;
  }
  return group;
}

const ContractLine* contract_line_of(const Workspace& ws, const CasePeriod& p, int line_no,
                                     const Contract** contract, const ContractVersion** version) {
  *contract = ws.contracts.find(p.contract_no);
  *version = *contract == nullptr ? nullptr : (*contract)->find_version(p.version_no);
  return *version == nullptr ? nullptr : (*version)->find_line(line_no);
}

void set_error(BillingSchedule& s, const std::string& code, const std::vector<std::string>& managed) {
  if (s.error_code == code) return;
  // Only replace codes the engine manages (or none); a clerk's code stays.
  if (!s.error_code.empty() && std::ranges::find(managed, s.error_code) == managed.end()) return;
  s.error_code = code;
}

bool editable(const BillingSchedule& s) {
  return s.status == BillingScheduleStatus::planned || s.status == BillingScheduleStatus::delivery;
}

struct PatientRun {
  Workspace& ws;
  Date working_date;
  BillingDataResult& result;
};

void fill_line_fields(const Workspace& ws, const Case& c, const CasePeriod& p, const CaseLine& cl,
                      BillingLine& bl, const Date& on) {
  const Contract* contract = nullptr;
  const ContractVersion* version = nullptr;
  const ContractLine* line = contract_line_of(ws, p, cl.contract_line_no, &contract, &version);
  bl.case_no = c.no;
  bl.period_no = p.no;
  bl.case_line_no = cl.line_no;
  bl.contract_line_no = cl.contract_line_no;
  bl.delivery_line_no = cl.delivery_line_no;
  bl.process = process_of(cl);
  bl.kind = cl.kind;
  bl.number = cl.number;
  bl.variant = cl.variant;
  bl.description = cl.description;
  bl.belongs_to_flat_rate = cl.belongs_to_flat_rate;
  bl.quantity = cl.quantity;
  bl.unit = cl.unit;
  if (bl.unit.empty() && !delivered_kind(cl.kind)) {
    if (const Resource* r = ws.resources.find(cl.number)) bl.unit = r->unit;
  }
  if (bl.description.empty() && !delivered_kind(cl.kind)) {
    if (const Resource* r = ws.resources.find(cl.number)) bl.description = r->description;
  }
  bl.error_code = cl.error_code;
  if (auto r = resolve_billing_recipient(ws, c, p, on)) {
    bl.recipient_role = r->role;
    bl.recipient_id = r->party_id;
    bl.billing_method = r->method;
  }
  bl.vat_product_group = vat_group_of(ws, contract, line, p, cl);
  if (version != nullptr) {
    bl.price_fixation_date = version->price_fixation_date;
    bl.prices_include_vat = version->prices_include_vat;
  }
  if (line != nullptr) {
    if (bl.price_origin != PriceOrigin::manual || !bl.manual_change) bl.price_origin = line->price_origin;
    bl.discount_reason = line->discount_reason.empty() && version != nullptr
                             ? version->default_discount_reason
                             : line->discount_reason;
    bl.line_discount_pct = line->line_discount_pct;
    if (bl.line_discount_pct.is_zero() && !bl.discount_reason.empty()) {
      if (const DiscountReason* d = ws.discount_reasons.find(bl.discount_reason)) {
        bl.line_discount_pct = d->line_discount_pct;
      }
    }
    bl.no_billing_split = line->no_billing_split;
    bl.copayment_group = line->copayment_group;
    // Extra fields: the period's line info (LKZ, ACTK302), then the line's own.
    if (const ContractPeriod* cp = version->find_period(p.period_code)) {
      for (const auto& [k, v] : cp->line_extra_info) bl.extra_fields[k] = v;
    }
    for (const auto& [k, v] : line->extra_fields) bl.extra_fields[k] = v;
  }
  if (!bl.extra_fields.contains("HMV-NR")) {
    if (delivered_kind(cl.kind)) {
      if (const cb::Item* it = ws.items.find(item_key(cl.number, cl.variant)); it && it->aid_number) {
        bl.extra_fields["HMV-NR"] = std::string(it->aid_number->str());
      }
    } else if (const Resource* r = ws.resources.find(cl.number); r && r->aid_number) {
      bl.extra_fields["HMV-NR"] = std::string(r->aid_number->str());
    }
  }
}

/// Sets the values of a schedule that is still editable: price (by origin),
/// amount, split. Returns true when anything changed.
void value_schedule(const Workspace& ws, const Case& c, const CasePeriod& p, BillingLine& bl,
                    BillingSchedule& s, const std::string& work_type,
                    const std::optional<Decimal>& contract_price) {
  if (!editable(s) || s.manual) return;
  std::optional<Decimal> price;
  if (bl.price_origin == PriceOrigin::contract) {
    price = contract_price;
  } else if (bl.price_origin == PriceOrigin::manual) {
    price = bl.unit_price;
  } else {
    const Date on = bl.price_fixation_date.value_or(s.supply_from);
    BillingRecipient r{bl.recipient_role, bl.recipient_id, bl.billing_method};
    price = find_unit_price(ws, price_debtor_of(ws, c, r, on), bl, work_type, on);
  }
  s.kind = bl.kind;
  if (s.number.empty()) s.number = bl.number;
  if (s.variant.empty()) s.variant = bl.variant;
  s.description = bl.description;
  if (s.unit.empty()) s.unit = bl.unit;
  s.discount_reason = bl.discount_reason;
  s.line_discount_pct = bl.line_discount_pct;
  s.unit_price = price.value_or(Decimal());
  if (price) bl.unit_price = price;
  s.line_amount = line_amount(s.quantity, s.unit_price, s.line_discount_pct);
  s.split_amount = bl.no_billing_split ? Decimal()
                                       : billing_split_seam(ws, c, p, bl, s, s.line_amount);
}

void build_flat_rate(PatientRun& run, const Case& /*c*/, const CasePeriod& p, BillingLine& bl) {
  const BillingSetup& setup = run.ws.billing_setup();
  const Date until = setup.horizon.apply(run.working_date);
  std::vector<BillingPeriod> periods = p.billing_periods;
  if (periods.empty()) {
    // A resource without billing interval: one schedule over the period.
    BillingPeriod bp;
    bp.no = 0;
    bp.supply_from = p.start;
    bp.supply_to = p.effective_end().value_or(p.start);
    bp.posting_date = p.start;
    periods.push_back(bp);
  }
  for (const BillingPeriod& bp : periods) {
    BillingSchedule* s = nullptr;
    for (auto& x : bl.schedules) {
      if (x.billing_period_no == bp.no) s = &x;
    }
    if (s == nullptr) {
      if (bp.supply_from > until) break;
      if (bp.ended && setup.ignore_ended_billing_periods) continue;
      BillingSchedule n;
      n.no = ++bl.last_schedule_no_used;
      n.billing_period_no = bp.no;
      n.quantity = bl.quantity;
      n.unit = bl.unit;
      bl.schedules.push_back(std::move(n));
      s = &bl.schedules.back();
      ++run.result.schedules_created;
    }
    if (!editable(*s)) continue;
    s->supply_from = bp.supply_from;
    s->supply_to = bp.supply_to;
    s->posting_date = bp.posting_date;
    if (!s->manual) s->quantity = bl.quantity;
  }
}

void build_purchase(PatientRun& run, const DeliveryPlan* dplan, BillingLine& bl) {
  if (dplan == nullptr || !bl.delivery_line_no) return;
  const DeliveryLine* dl = dplan->find_line(*bl.delivery_line_no);
  if (dl == nullptr) return;
  const std::string& wait = run.ws.billing_setup().wait_error_code;
  for (const Schedule& ds : dl->schedules) {
    if (!ds.has_document()) continue;
    BillingSchedule* s = nullptr;
    for (auto& x : bl.schedules) {
      if (x.delivery_schedule_no == ds.no) s = &x;
    }
    if (s == nullptr) {
      BillingSchedule n;
      n.no = ++bl.last_schedule_no_used;
      n.delivery_line_no = dl->line_no;
      n.delivery_schedule_no = ds.no;
      bl.schedules.push_back(std::move(n));
      s = &bl.schedules.back();
      ++run.result.schedules_created;
    }
    if (!editable(*s)) continue;
    s->delivery_document_no = ds.document_no;
    s->number = ds.item_no;
    s->variant = ds.variant;
    s->serial_no = ds.serial_no;
    if (!s->manual) {
      s->quantity = ds.quantity;
      s->unit = ds.unit;
    }
    if (ds.document_type == "delivery") {
      s->status = BillingScheduleStatus::delivery;
      s->delivered_on = ds.delivered_on;
      const Date on = ds.delivered_on.value_or(ds.planned_date);
      s->posting_date = on;
      s->supply_from = on;
      s->supply_to = on;
      if (s->error_code == wait) s->error_code.clear();
    } else {
      s->status = BillingScheduleStatus::planned;
      s->posting_date = ds.planned_date;
      s->supply_from = ds.planned_date;
      s->supply_to = ds.planned_date;
      set_error(*s, wait, {wait});
    }
  }
}

void apply_error_codes(PatientRun& run, const CasePeriod& p, BillingLine& bl) {
  const BillingSetup& setup = run.ws.billing_setup();
  const std::vector<std::string> managed = {setup.missing_proof_error_code,
                                            setup.manual_proof_error_code,
                                            setup.end_date_error_code, bl.error_code};
  const std::optional<Date> actual_end = p.actual_end;
  for (auto& s : bl.schedules) {
    if (!editable(s)) continue;
    if (bl.process == BillingProcess::purchase && s.error_code == setup.wait_error_code) continue;
    if (actual_end && s.supply_from > *actual_end) {
      set_error(s, setup.end_date_error_code, managed);
      continue;
    }
    if (bl.process == BillingProcess::flat_rate) {
      const ProofState st = delivery_proof_seam(p, s);
      if (st == ProofState::missing) {
        const bool had = s.error_code == setup.missing_proof_error_code;
        set_error(s, setup.missing_proof_error_code, managed);
        const Date log_from = setup.log_date_formula ? setup.log_date_formula->apply(s.posting_date)
                                                     : s.posting_date;
        const ErrorCode* ec = run.ws.error_codes.find(setup.missing_proof_error_code);
        if (!had && s.error_code == setup.missing_proof_error_code &&
            run.working_date >= log_from && (ec == nullptr || ec->writes_log)) {
          run.ws.log(run.working_date, LogLevel::warning, "create_billing_data",
                     setup.missing_proof_error_code, bl.case_no,
                     "billing line " + std::to_string(bl.line_no) + " schedule " +
                         std::to_string(s.no) + ": no delivery proof for " +
                         s.supply_from.to_string() + ".." + s.supply_to.to_string() +
                         " (rule " + std::string(to_text(p.delivery_proof_rule)) + ")");
          ++run.result.missing_proofs_logged;
        }
        continue;
      }
      if (st == ProofState::manual) {
        set_error(s, setup.manual_proof_error_code, managed);
        continue;
      }
    }
    // No managed condition: the contract line's code, or none.
    set_error(s, bl.error_code, managed);
  }
}

void build_patient(PatientRun& run, const std::string& patient_id,
                   const std::vector<const Case*>& cases) {
  Workspace& ws = run.ws;
  const BillingPlan* existing = ws.billing_plans.find(patient_id);
  BillingPlan plan = existing != nullptr ? *existing : BillingPlan{patient_id, {}};
  const DeliveryPlan* dplan = ws.plans.find(patient_id);
  for (const Case* c : cases) {
    for (const CasePeriod& p : c->periods) {
      if (p.status == PeriodStatus::open) continue;
      for (const CaseLine& cl : p.lines) {
        BillingLine* bl = nullptr;
        for (auto& x : plan.lines) {
          if (x.case_no == c->no && x.period_no == p.no && x.case_line_no == cl.line_no) bl = &x;
        }
        if (bl == nullptr) {
          BillingLine n;
          int last = 0;
          for (const auto& x : plan.lines) last = std::max(last, x.line_no);
          n.line_no = last + kLineStep;
          plan.lines.push_back(std::move(n));
          bl = &plan.lines.back();
          ++run.result.lines_created;
        }
        if (!bl->manual_change) fill_line_fields(ws, *c, p, cl, *bl, run.working_date);
        const Contract* contract = nullptr;
        const ContractVersion* version = nullptr;
        const ContractLine* line = contract_line_of(ws, p, cl.contract_line_no, &contract, &version);
        const std::string work_type = line != nullptr ? line->work_type : std::string();
        const std::optional<Decimal> contract_price =
            line != nullptr ? line->unit_price : std::optional<Decimal>();
        if (bl->process == BillingProcess::flat_rate) build_flat_rate(run, *c, p, *bl);
        if (bl->process == BillingProcess::purchase) build_purchase(run, dplan, *bl);
        for (auto& s : bl->schedules) value_schedule(ws, *c, p, *bl, s, work_type, contract_price);
        apply_error_codes(run, p, *bl);
      }
    }
  }
  if (existing != nullptr && *existing == plan) return;
  if (existing == nullptr && plan.lines.empty()) return;
  if (existing != nullptr) {
    // Count updated schedules for the report.
    for (const auto& l : plan.lines) {
      const BillingLine* ol = existing->find_line(l.line_no);
      if (ol == nullptr) continue;
      for (const auto& s : l.schedules) {
        const BillingSchedule* os = ol->find_schedule(s.no);
        if (os != nullptr && !(*os == s)) ++run.result.schedules_updated;
      }
    }
  }
  ws.billing_plans.put(patient_id, std::move(plan));
  ++run.result.plans_changed;
}

}  // namespace

BillingDataResult create_billing_data(Workspace& ws, Date working_date, std::string_view patient_id) {
  BillingDataResult result;
  PatientRun run{ws, working_date, result};
  std::map<std::string, std::vector<const Case*>, std::less<>> by_patient;
  for (const auto& [no, c] : ws.cases) {
    if (!patient_id.empty() && c.patient_id != patient_id) continue;
    by_patient[c.patient_id].push_back(&c);
  }
  for (const auto& [pid, cases] : by_patient) build_patient(run, pid, cases);
  return result;
}

Result<BillingRecipient> resolve_billing_recipient(const Workspace& ws, const Case& c,
                                                   const CasePeriod& p, Date on) {
  const cb::Party* patient = ws.parties.find(c.patient_id);
  auto direct_method = [&] {
    return p.billing_method == BillingMethod::paper ? BillingMethod::paper : BillingMethod::direct;
  };
  if (patient != nullptr) {
    // Assignment (Abtretung): relevance 950, every future invoice.
    if (std::string prum = assigned(*patient, "KK-PRUM", on); !prum.empty()) {
      return BillingRecipient{"KK-PRUM", prum, direct_method()};
    }
  }
  if (p.billing_partner_role == "VS") {
    return BillingRecipient{"VS", p.billing_debtor.empty() ? c.patient_id : p.billing_debtor,
                            direct_method()};
  }
  if (patient != nullptr && patient->has_role("VS-PK")) {
    const std::string insurer = assigned(*patient, "KK-PR", on);
    if (insurer.empty()) return BillingRecipient{"VS", c.patient_id, direct_method()};
    std::string office;
    if (const cb::Party* ins = ws.parties.find(insurer)) office = assigned(*ins, "KK-PRAB", on);
    if (!office.empty()) return BillingRecipient{"KK-PRAB", office, direct_method()};
    return BillingRecipient{"KK-PR", insurer, direct_method()};
  }
  if (p.billing_debtor.empty()) {
    return fail(DiagCode::BilNoRecipient,
                "case " + c.no + " period " + std::to_string(p.no) +
                    " has no billing debtor for role " + quote_input(p.billing_partner_role),
                Location{.field = "billing_debtor"});
  }
  return BillingRecipient{p.billing_partner_role, p.billing_debtor, p.billing_method};
}

Result<void> switch_billing_to_patient(Workspace& ws, std::string_view case_no, int period_no) {
  const Case* c = ws.cases.find(case_no);
  if (c == nullptr || c->find_period(period_no) == nullptr) {
    return fail(DiagCode::DomCaseNotFound,
                "case " + quote_input(case_no) + " period " + std::to_string(period_no) +
                    " not found",
                Location{.field = "case_no"});
  }
  Case* e = ws.cases.edit(case_no);
  CasePeriod* p = e->find_period(period_no);
  p->billing_partner_role = "VS";
  p->billing_debtor = e->patient_id;
  p->billing_method = BillingMethod::direct;
  return {};
}

Date service_date_of(const Workspace& /*ws*/, const CasePeriod& p, const BillingLine& line,
                     const BillingSchedule& s) {
  if (p.service_date_manual && p.service_date) return *p.service_date;
  if (line.process == BillingProcess::purchase) return s.delivered_on.value_or(s.posting_date);
  std::optional<Date> last;
  for (const auto& pr : p.proofs) {
    if (pr.date < s.supply_from || pr.date > s.supply_to) continue;
    if (!last || pr.date > *last) last = pr.date;
  }
  return last.value_or(s.posting_date);
}

std::string not_invoiceable_reason(const Workspace& ws, const BillingPlan& plan,
                                   const BillingLine& line, const BillingSchedule& s,
                                   Date run_date) {
  (void)plan;
  if (line.process == BillingProcess::included) {
    return "billed through flat rate " + line.belongs_to_flat_rate;
  }
  if (line.process == BillingProcess::none) return "not billed (billing kind none)";
  if (s.status == BillingScheduleStatus::fixed || s.status == BillingScheduleStatus::invoice) {
    if (s.change_plan_values) return "credited by " + s.invoice_no + " without recalculation (change plan values)";
    return "already invoiced (" + s.invoice_no + ")";
  }
  if (s.posting_date > run_date) return "not due before " + s.posting_date.to_string();
  const Case* c = ws.cases.find(line.case_no);
  const CasePeriod* p = c == nullptr ? nullptr : c->find_period(line.period_no);
  if (p == nullptr) return "case period " + line.case_no + "/" + std::to_string(line.period_no) + " not found";
  std::vector<std::string> why;
  if (p->status == PeriodStatus::open) why.push_back("case period " + std::to_string(p->no) + " is open");
  if (billing_blocked(ws, *p)) {
    std::string codes;
    for (const auto& r : p->requirements) {
      if (r.purpose != RequirementPurpose::billing || !requirement_blocks(ws, r)) continue;
      if (!codes.empty()) codes += ", ";
      codes += r.code + " status " + r.status;
    }
    why.push_back("billing requirement not met: " + codes);
  }
  if (error_blocks(ws, s.error_code)) {
    const BillingSetup& setup = ws.billing_setup();
    std::string e = "error code " + s.error_code;
    if (s.error_code == setup.missing_proof_error_code) {
      e += ": no delivery proof for " + s.supply_from.to_string() + ".." + s.supply_to.to_string() +
           " (rule " + std::string(to_text(p->delivery_proof_rule)) + ")";
    } else if (s.error_code == setup.wait_error_code) {
      e += ": waiting for the delivery of order " + s.delivery_document_no;
    } else if (s.error_code == setup.end_date_error_code) {
      e += ": after the therapy end";
    } else if (const ErrorCode* ec = ws.error_codes.find(s.error_code)) {
      e += " (" + ec->description + ")";
    }
    why.push_back(std::move(e));
  }
  if (p->blocked_after_end && p->contract_valid_to && s.supply_from > *p->contract_valid_to) {
    why.push_back("contract ended on " + p->contract_valid_to->to_string() +
                  " (billing blocked after end)");
  }
  if (line.recipient_id.empty()) why.push_back("no billing recipient");
  if (s.unit_price.is_zero() && !line.unit_price && !s.manual) {
    why.push_back("no price for " + line.number + " (price origin " +
                  std::string(to_text(line.price_origin)) + ")");
  }
  const Date sd = service_date_of(ws, *p, line, s);
  if (!ws.billing_setup().vat_rate(line.vat_product_group, sd)) {
    why.push_back("no VAT rate for product group " + quote_input(line.vat_product_group) + " on " +
                  sd.to_string());
  }
  if (line.process == BillingProcess::flat_rate &&
      p->invoice_instruction == InvoiceInstruction::complete) {
    if (const DeliveryPlan* dp = ws.plans.find(c->patient_id)) {
      bool open = false;
      for (const auto& dl : dp->lines) {
        if (dl.case_no != c->no || dl.period_no != p->no || open) continue;
        for (const auto& ds : dl.schedules) {
          if (ds.planned_date < s.supply_from || ds.planned_date > s.supply_to) continue;
          if (ds.status != ScheduleStatus::delivery) {
            why.push_back("complete invoice: delivery line " + std::to_string(dl.line_no) +
                          " schedule " + std::to_string(ds.no) +
                          " of the billing period is not delivered");
            open = true;
            break;
          }
        }
      }
    }
  }
  std::string out;
  for (const auto& w : why) {
    if (!out.empty()) out += "; ";
    out += w;
  }
  return out;
}

namespace {

struct Pick {
  std::string patient_id;
  int line_no = 0;
  int schedule_no = 0;
};

using GroupKey = std::tuple<std::string, std::string, std::string, int, std::string>;

InvoiceLine make_line(const Workspace& ws, const BillingLine& bl, const BillingSchedule& s,
                      const CasePeriod& p, int line_no) {
  InvoiceLine il;
  il.line_no = line_no;
  il.case_no = bl.case_no;
  il.period_no = bl.period_no;
  il.billing_line_no = bl.line_no;
  il.schedule_no = s.no;
  il.contract_line_no = bl.contract_line_no;
  il.billing_period_no = s.billing_period_no;
  il.delivery_line_no = s.delivery_line_no;
  il.delivery_document_no = s.delivery_document_no;
  il.kind = s.kind;
  il.number = s.number;
  il.variant = s.variant;
  il.serial_no = s.serial_no;
  il.description = s.description;
  il.quantity = s.quantity;
  il.unit = s.unit;
  il.supply_from = s.supply_from;
  il.supply_to = s.supply_to;
  il.service_date = service_date_of(ws, p, bl, s);
  il.unit_price = s.unit_price;
  il.discount_reason = s.discount_reason;
  il.line_discount_pct = s.line_discount_pct;
  il.vat_product_group = bl.vat_product_group;
  il.vat_pct = ws.billing_setup().vat_rate(bl.vat_product_group, *il.service_date).value_or(Decimal());
  if (bl.prices_include_vat) {
    il.gross = s.line_amount;
    il.net = Decimal::checked_div(il.gross * Decimal::from_int(100),
                                  Decimal::from_int(100) + il.vat_pct, kCents).value();
    il.vat_amount = il.gross - il.net;
  } else {
    il.net = s.line_amount;
    il.vat_amount = Decimal::checked_percent(il.net, il.vat_pct, kCents).value();
    il.gross = il.net + il.vat_amount;
  }
  il.deduction = s.split_amount.rounded(kCents);
  il.amount_due = il.gross - il.deduction;
  il.extra_fields = bl.extra_fields;
  return il;
}

/// The patient's share of a split as a line of the patient's invoice: the
/// split amount is a gross amount; net and VAT are derived from it.
InvoiceLine patient_share_line(const InvoiceLine& insurer_line, int line_no) {
  InvoiceLine il = insurer_line;
  il.line_no = line_no;
  il.description = "Zuzahlung/Eigenanteil " + insurer_line.description;
  il.quantity = Decimal::from_int(1);
  il.unit_price = insurer_line.deduction;
  il.discount_reason.clear();
  il.line_discount_pct = Decimal();
  il.gross = insurer_line.deduction;
  il.net = Decimal::checked_div(il.gross * Decimal::from_int(100),
                                Decimal::from_int(100) + il.vat_pct, kCents).value();
  il.vat_amount = il.gross - il.net;
  il.deduction = Decimal();
  il.amount_due = il.gross;
  return il;
}

/// The grouping part of an invoice key: the case (period) by the setup's
/// rule, always with the billing month of the posting date (one invoice per
/// prescription and billing month, as the DTA collective invoices need).
std::string group_part(const BillingSetup& setup, const BillingLine& bl, const BillingSchedule& s) {
  const std::string month = s.posting_date.to_string().substr(0, 7);
  switch (setup.grouping) {
    case InvoiceGrouping::per_case_period:
      return bl.case_no + "/" + std::to_string(bl.period_no) + "/" + month;
    case InvoiceGrouping::per_case: return bl.case_no + "/" + month;
    case InvoiceGrouping::per_patient: return month;
  }
  return month;
}

}  // namespace

InvoiceCallOffResult call_off_invoices(Workspace& ws, const InvoiceFilter& filter, Date run_date) {
  InvoiceCallOffResult result;
  const BillingSetup& setup = ws.billing_setup();
  const Date due_to = filter.posting_date_to.value_or(run_date);
  std::map<GroupKey, std::vector<Pick>> groups;

  auto scan = [&](const BillingPlan& plan) {
    for (const BillingLine& bl : plan.lines) {
      if (bl.process != BillingProcess::purchase && bl.process != BillingProcess::flat_rate) continue;
      const Case* c = ws.cases.find(bl.case_no);
      const CasePeriod* p = c == nullptr ? nullptr : c->find_period(bl.period_no);
      if (p == nullptr) continue;
      if (!filter.case_type.empty() && c->case_type != filter.case_type) continue;
      if (!filter.billing_group_code.empty() && p->billing_group_code != filter.billing_group_code) continue;
      auto recipient = resolve_billing_recipient(ws, *c, *p, run_date);
      const BillingMethod method = recipient ? recipient->method : bl.billing_method;
      if (filter.billing_method && method != *filter.billing_method) continue;
      // The reason check sees the recipient as of today (one copy per line,
      // without its schedules).
      std::optional<BillingLine> current;
      for (const BillingSchedule& s : bl.schedules) {
        if (!editable(s) || s.posting_date > due_to) continue;
        if (!current) {
          current.emplace();
          current->line_no = bl.line_no;
          current->case_no = bl.case_no;
          current->period_no = bl.period_no;
          current->process = bl.process;
          current->number = bl.number;
          current->belongs_to_flat_rate = bl.belongs_to_flat_rate;
          current->recipient_role = recipient ? recipient->role : bl.recipient_role;
          current->recipient_id = recipient ? recipient->party_id : bl.recipient_id;
          current->price_origin = bl.price_origin;
          current->unit_price = bl.unit_price;
          current->vat_product_group = bl.vat_product_group;
        }
        std::string why = not_invoiceable_reason(ws, plan, *current, s, due_to);
        if (!why.empty()) {
          result.not_invoiceable.push_back(
              NotInvoiceable{plan.patient_id, bl.case_no, bl.line_no, s.no, s.posting_date, why});
          continue;
        }
        GroupKey key{plan.patient_id, recipient->party_id, recipient->role,
                     static_cast<int>(recipient->method), group_part(setup, bl, s)};
        groups[key].push_back(Pick{plan.patient_id, bl.line_no, s.no});
      }
    }
  };
  if (!filter.patient_id.empty()) {
    if (const BillingPlan* plan = ws.billing_plans.find(filter.patient_id)) scan(*plan);
  } else {
    for (const auto& [pid, plan] : ws.billing_plans) scan(plan);
  }

  // Patient-share invoices are collected while the insurer invoices are built.
  std::map<GroupKey, std::vector<InvoiceLine>> patient_shares;
  auto new_invoice = [&](const GroupKey& key, const Case* c, const CasePeriod* p) {
    Invoice inv;
    inv.no = ws.next_number(ws.invoices, setup.invoice_prefix, setup.number_width);
    inv.kind = InvoiceKind::invoice;
    inv.status = filter.post ? InvoiceStatus::posted : InvoiceStatus::open;
    inv.patient_id = std::get<0>(key);
    inv.recipient_id = std::get<1>(key);
    inv.recipient_role = std::get<2>(key);
    inv.billing_method = static_cast<BillingMethod>(std::get<3>(key));
    if (setup.grouping != InvoiceGrouping::per_patient && c != nullptr) inv.case_no = c->no;
    if (c != nullptr) inv.case_type = c->case_type;
    if (p != nullptr) {
      inv.billing_group_code = p->billing_group_code;
      if (!p->billing_order_type.empty()) inv.order_type = p->billing_order_type;
    }
    inv.invoice_date = run_date;
    inv.posting_date = run_date;
    inv.dta_wait = is_electronic(inv.billing_method);
    return inv;
  };

  for (const auto& [key, picks] : groups) {
    BillingPlan* plan = ws.billing_plans.edit(std::get<0>(key));
    const BillingLine* first = plan->find_line(picks.front().line_no);
    const Case* c = ws.cases.find(first->case_no);
    const CasePeriod* p = c->find_period(first->period_no);
    Invoice inv = new_invoice(key, c, p);
    int line_no = 0;
    for (const Pick& pk : picks) {
      BillingLine* bl = plan->find_line(pk.line_no);
      BillingSchedule* s = bl->find_schedule(pk.schedule_no);
      const Case* sc = ws.cases.find(bl->case_no);
      const CasePeriod* sp = sc->find_period(bl->period_no);
      line_no += kLineStep;
      InvoiceLine il = make_line(ws, *bl, *s, *sp, line_no);
      if (il.deduction.sign() > 0 && std::get<2>(key) != "VS") {
        GroupKey pkey{std::get<0>(key), std::get<0>(key), "VS",
                      static_cast<int>(BillingMethod::direct), std::get<4>(key)};
        patient_shares[pkey].push_back(il);
      }
      if (!inv.service_date || *il.service_date > *inv.service_date) inv.service_date = il.service_date;
      s->status = filter.post ? BillingScheduleStatus::invoice : BillingScheduleStatus::fixed;
      s->invoice_no = inv.no;
      s->invoice_line_no = il.line_no;
      s->service_date = il.service_date;
      s->documents.push_back(inv.no);
      s->change_plan_values = false;
      inv.lines.push_back(std::move(il));
    }
    inv.compute_totals();
    result.lines += inv.lines.size();
    result.invoices.push_back(inv.no);
    std::string no = inv.no;
    ws.invoices.put(std::move(no), std::move(inv));
  }
  for (auto& [key, lines] : patient_shares) {
    const Case* c = ws.cases.find(lines.front().case_no);
    const CasePeriod* p = c == nullptr ? nullptr : c->find_period(lines.front().period_no);
    Invoice inv = new_invoice(key, c, p);
    inv.patient_share = true;
    int line_no = 0;
    for (const InvoiceLine& src : lines) {
      line_no += kLineStep;
      inv.lines.push_back(patient_share_line(src, line_no));
      if (!inv.service_date || *src.service_date > *inv.service_date) inv.service_date = src.service_date;
    }
    inv.compute_totals();
    result.lines += inv.lines.size();
    result.invoices.push_back(inv.no);
    std::string no = inv.no;
    ws.invoices.put(std::move(no), std::move(inv));
  }
  for (const auto& n : result.not_invoiceable) {
    // The log entry's code names the first hindrance a clerk can fix.
    std::string code = "BIL007";
    if (n.reason.find("no delivery proof") != std::string::npos) code = "BIL008";
    else if (n.reason.find("no price") != std::string::npos) code = "BIL004";
    else if (n.reason.find("no VAT rate") != std::string::npos) code = "BIL005";
    else if (n.reason.find("no billing recipient") != std::string::npos) code = "BIL006";
    ws.log(run_date, LogLevel::info, "invoice_call_off", code, n.case_no,
           "billing line " + std::to_string(n.billing_line_no) + " schedule " +
               std::to_string(n.schedule_no) + " (posting date " + n.posting_date.to_string() +
               ") not invoiceable: " + n.reason);
  }
  return result;
}

Result<std::string> credit_invoice(Workspace& ws, std::string_view invoice_no,
                                   const CreditOptions& options, Date date) {
  const Invoice* inv = ws.invoices.find(invoice_no);
  if (inv == nullptr) {
    return fail(DiagCode::BilInvoiceNotFound, "invoice " + quote_input(invoice_no) + " not found",
                Location{.field = "invoice_no"});
  }
  if (inv->kind != InvoiceKind::invoice || inv->status == InvoiceStatus::cancelled) {
    return fail(DiagCode::BilInvoiceNotCreditable,
                "invoice " + inv->no + " is a credit note or already cancelled (" +
                    std::string(to_text(inv->status)) + ")",
                Location{.field = "invoice_no"});
  }
  const BillingSetup& setup = ws.billing_setup();
  Invoice cn = *inv;
  cn.no = ws.next_number(ws.invoices, setup.credit_note_prefix, setup.number_width);
  cn.kind = InvoiceKind::credit_note;
  cn.status = InvoiceStatus::posted;
  cn.credited_invoice_no = inv->no;
  cn.credit_note_no.clear();
  cn.recalculate = options.recalculate;
  cn.invoice_date = date;
  cn.posting_date = date;
  const std::string cn_no = cn.no;
  const bool patient_share = inv->patient_share;
  const std::string patient_id = inv->patient_id;
  std::vector<std::pair<int, int>> refs;
  for (const auto& l : inv->lines) refs.emplace_back(l.billing_line_no, l.schedule_no);
  Invoice* orig = ws.invoices.edit(invoice_no);
  orig->status = InvoiceStatus::cancelled;
  orig->credit_note_no = cn_no;
  ws.invoices.put(cn_no, std::move(cn));

  if (!patient_share) {
    if (BillingPlan* plan = ws.billing_plans.edit(patient_id)) {
      for (const auto& [line_no, sched_no] : refs) {
        BillingLine* bl = plan->find_line(line_no);
        BillingSchedule* s = bl == nullptr ? nullptr : bl->find_schedule(sched_no);
        if (s == nullptr) continue;
        s->documents.push_back(cn_no);
        if (!options.recalculate && options.change_plan_values) {
          s->invoice_no = cn_no;  // closed by the credit note, never invoiced again
          s->change_plan_values = true;
          continue;
        }
        s->status = s->delivered_on ? BillingScheduleStatus::delivery : BillingScheduleStatus::planned;
        s->invoice_no.clear();
        s->invoice_line_no = 0;
        s->change_plan_values = false;
        // Without recalculation the schedule keeps its values (manual); with
        // recalculation the next "create billing data" prices it again.
        s->manual = !options.recalculate;
      }
    }
    if (options.recalculate) create_billing_data(ws, date, patient_id);
  }
  return cn_no;
}

}  // namespace cb::rx
