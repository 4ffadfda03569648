// The rx (supply side) scenario actions: cases, releases, requirement
// statuses, deliveries, jobs, and the expectations on searches, plans, orders,
// cases and the application log. Each mutating action runs through the same
// repository and engines as the CLI (one store transaction per step).

#include <algorithm>

#include "core/model/rx_documents.h"
#include "core/rx/case_engine.h"
#include "core/rx/contract_search.h"
#include "core/rx/plan_engine.h"
#include "core/rx/requirements.h"
#include "pipeline/app/rx_import.h"
#include "pipeline/app/rx_jobs.h"
#include "pipeline/app/rx_repository.h"
#include "pipeline/app/rx_views.h"
#include "pipeline/app/scenario_action_support.h"
#include "pipeline/app/scenario_runner.h"

namespace cb::app {
namespace {

using scenario_support::case_of;
using scenario_support::join;
using scenario_support::mutate;
using scenario_support::read;


std::string join_dates(const std::vector<Date>& ds) {
  std::vector<std::string> xs;
  for (const auto& d : ds) xs.push_back(d.to_string());
  return join(xs);
}

std::string yes_no(bool b) { return b ? "true" : "false"; }




// --- actions -----------------------------------------------------------------

/// create-case: as, patient, case_type, contract[, version, period, payer,
/// lines = ["10000", "20000:ITEM"], release, pool = "positive"|"negative",
/// device = "ITEM", serial, start, expect_error].
void create_case(ScenarioRun& run, StepArgs& a) {
  CaseRequest req;
  const std::string alias = a.str("as", true);
  req.ref = alias;
  req.patient = a.str("patient", true);
  req.case_type = a.str("case_type", true);
  req.contract = a.str("contract", true);
  req.version = static_cast<int>(a.integer("version").value_or(0));
  if (auto p = a.str("period"); !p.empty()) req.period = p;
  req.payer = a.str("payer");
  req.release = a.boolean("release").value_or(false);
  req.start = a.date("start");
  const std::string pool = a.str("pool");
  req.pool_query.item_no = a.str("device");
  req.pool_query.serial_no = a.str("serial");
  const std::string expect_error = a.str("expect_error");
  for (const auto& l : a.str_list("lines").value_or(std::vector<std::string>{})) {
    CaseRequestLine line;
    const auto colon = l.find(':');
    const std::string num = l.substr(0, colon);
    try {
      line.contract_line = std::stoi(num);
    } catch (const std::exception&) {
      a.report(DiagCode::ScenarioBadValue, "lines",
               "'" + l + "' is not a contract line number (e.g. \"10000\" or \"10000:ITEM\")");
    }
    if (colon != std::string::npos) line.item = l.substr(colon + 1);
    line.serial_no = req.pool_query.serial_no;
    req.lines.push_back(std::move(line));
  }
  if (pool == "positive") {
    req.pool_query.outcome = rx::PoolOutcome::positive;
    req.pool_query.date = run.working_date();
  } else if (pool == "negative") {
    req.pool_query.outcome = rx::PoolOutcome::negative;
    req.pool_query.date = run.working_date();
  } else if (!pool.empty()) {
    a.report(DiagCode::ScenarioBadValue, "pool", "pool is \"positive\" or \"negative\"");
  }
  a.finish();
  if (!a.ok()) return;
  std::string number;
  mutate(run, a, expect_error, "create-case " + alias, [&](rx::Workspace& ws) -> Result<void> {
    auto no = apply_case_request(ws, req, run.working_date());
    if (!no) return Unexpected(no.error());
    number = *no;
    return {};
  });
  if (!number.empty()) run.names()["case:" + alias] = number;
}

/// release / open-period / emergency: case[, period, expect_error].
void period_action(ScenarioRun& run, StepArgs& a, const std::string& which) {
  const std::string c = a.str("case", true);
  const int period = static_cast<int>(a.integer("period").value_or(1));
  const std::string expect_error = a.str("expect_error");
  a.finish();
  if (!a.ok()) return;
  mutate(run, a, expect_error, which + " " + c, [&](rx::Workspace& ws) -> Result<void> {
    const std::string no = case_of(run, ws, c);
    if (which == "release") return rx::release_period(ws, no, period, run.working_date());
    if (which == "open-period") return rx::open_period(ws, no, period);
    return rx::request_emergency_delivery(ws, no, period);
  });
}

/// set-status: case, requirement, status[, period, reason, user, expect_error].
void set_status(ScenarioRun& run, StepArgs& a) {
  const std::string c = a.str("case", true);
  rx::StatusChangeInput in;
  in.requirement_code = a.str("requirement", true);
  in.status = a.str("status", true);
  in.period_no = static_cast<int>(a.integer("period").value_or(1));
  in.requirement_line_no = static_cast<int>(a.integer("line").value_or(0));
  in.reason = a.str("reason");
  in.user = a.str("user");
  if (in.user.empty()) in.user = "scenario";
  const std::string expect_error = a.str("expect_error");
  a.finish();
  if (!a.ok()) return;
  mutate(run, a, expect_error, "set-status " + in.requirement_code,
         [&](rx::Workspace& ws) -> Result<void> {
           in.case_no = case_of(run, ws, c);
           return rx::set_requirement_status(ws, in, run.working_date());
         });
}

/// therapy-end: case, end[, period, expect_error].
void therapy_end(ScenarioRun& run, StepArgs& a) {
  const std::string c = a.str("case", true);
  const auto end = a.date("end", true);
  const int period = static_cast<int>(a.integer("period").value_or(1));
  const std::string expect_error = a.str("expect_error");
  a.finish();
  if (!a.ok()) return;
  mutate(run, a, expect_error, "therapy-end " + c, [&](rx::Workspace& ws) -> Result<void> {
    return rx::set_therapy_end(ws, case_of(run, ws, c), period, *end, run.working_date());
  });
}

/// The plan lines of a case (optionally one period), in line order.
std::vector<const rx::DeliveryLine*> lines_of_case(const rx::Workspace& ws, const std::string& no,
                                                   std::optional<std::int64_t> period) {
  std::vector<const rx::DeliveryLine*> out;
  const auto* c = ws.cases.find(no);
  if (c == nullptr) return out;
  const auto* plan = ws.plans.find(c->patient_id);
  if (plan == nullptr) return out;
  for (const auto& l : plan->lines) {
    if (l.case_no == no && (!period || l.period_no == *period)) out.push_back(&l);
  }
  return out;
}

/// call-off-position: case, date[, quantity, line (plan line), expect_error].
void call_off_position(ScenarioRun& run, StepArgs& a) {
  const std::string c = a.str("case", true);
  const auto date = a.date("date", true);
  const auto quantity = a.decimal("quantity");
  const auto line = a.integer("line");
  const std::string expect_error = a.str("expect_error");
  a.finish();
  if (!a.ok()) return;
  mutate(run, a, expect_error, "call-off-position " + c, [&](rx::Workspace& ws) -> Result<void> {
    const std::string no = case_of(run, ws, c);
    int line_no = static_cast<int>(line.value_or(0));
    if (line_no == 0) {
      for (const auto* l : lines_of_case(ws, no, std::nullopt)) {
        if (rx::is_call_off(l->delivery_type)) {
          line_no = l->line_no;
          break;
        }
      }
    }
    const auto* k = ws.cases.find(no);
    if (k == nullptr) return fail(DiagCode::DomCaseNotFound, "case " + no + " not found");
    auto r = rx::create_call_off_position(ws, k->patient_id, line_no, *date, quantity);
    if (!r) return Unexpected(r.error());
    return {};
  });
}

/// Patients per workspace in the scenarios' job runs (few, to cross ranges).
constexpr std::size_t kScenarioJobChunkPatients = 2;

/// run-job: job = "plan-update" | "call-off".
void run_job(ScenarioRun& run, StepArgs& a) {
  const std::string name = a.str("job", true);
  a.finish();
  if (!a.ok()) return;
  const RxJob* job = find_rx_job(name);
  if (job == nullptr) {
    std::string known;
    for (const auto& j : rx_jobs()) known += (known.empty() ? "" : ", ") + std::string(j.name);
    a.report(DiagCode::ScenarioBadValue, "job", "unknown job '" + name + "' (known: " + known + ")");
    return;
  }
  const std::string at = run.now();
  // Small ranges, so that the scenarios also exercise the walk over patient ranges.
  auto r = job->run(run.db(), run.tenant(), run.working_date(), [at] { return at; },
                    kScenarioJobChunkPatients);
  if (!r) run.step_failed(a, r.error());
}

/// deliver: patient, note[, order (default: the patient's latest), serial, expect_error]
/// — posts a delivery note delivering every line of the order in full.
void deliver(ScenarioRun& run, StepArgs& a) {
  const std::string patient = a.str("patient", true);
  const std::string note_no = a.str("note", true);
  std::string order = a.str("order");
  const std::string serial = a.str("serial");
  const std::string expect_error = a.str("expect_error");
  a.finish();
  if (!a.ok()) return;
  mutate(run, a, expect_error, "deliver " + note_no, [&](rx::Workspace& ws) -> Result<void> {
    const rx::SalesOrder* o = nullptr;
    if (order.empty()) {
      for (const auto& [no, so] : ws.sales_orders) {
        if (so.patient_id == patient) o = &so;
      }
    } else {
      o = ws.sales_orders.find(order);
    }
    if (o == nullptr) {
      return fail(DiagCode::ScenarioStepFailed,
                  "no sales order " + (order.empty() ? "for patient " + patient : order));
    }
    rx::DeliveryNote note;
    note.no = note_no;
    note.patient_id = patient;
    note.date = run.working_date();
    int n = 0;
    for (const auto& l : o->lines) {
      rx::DeliveryNoteLine nl;
      nl.line_no = (++n) * rx::kLineStep;
      nl.order_no = o->no;
      nl.order_line_no = l.line_no;
      nl.item_no = l.item_no;
      nl.variant = l.variant;
      nl.serial_no = serial.empty() ? l.serial_no : serial;
      nl.quantity = l.quantity;
      nl.unit = l.unit;
      note.lines.push_back(std::move(nl));
    }
    return rx::post_delivery(ws, note);
  });
}

// --- expectations ------------------------------------------------------------

/// expect-search: patient, case_type, contracts = ["K/1", …][, period, payer,
/// search_code, aid_search_code, date, general, billing_debtor].
void expect_search(ScenarioRun& run, StepArgs& a) {
  rx::ContractSearchInput in;
  in.patient_id = a.str("patient", true);
  in.case_type = a.str("case_type", true);
  if (auto p = a.str("period"); !p.empty()) in.period_code = p;
  in.partner_debtor = a.str("payer");
  in.search_code = a.str("search_code");
  in.aid_search_code = a.str("aid_search_code");
  in.show_general = a.boolean("general").value_or(false);
  in.billing_debtor = a.str("billing_debtor");
  in.private_patient = a.boolean("private").value_or(false);
  in.search_date = a.date("date");
  const auto want = a.str_list("contracts", true);
  a.finish();
  if (!a.ok()) return;
  rx::Workspace ws;
  if (!read(run, a, ws)) return;
  auto hits = rx::search_contracts(ws, in, run.working_date());
  if (!hits) {
    run.expect(a, "contract search for " + in.patient_id, join(*want),
               "error " + hits.error().to_string());
    return;
  }
  std::vector<std::string> got;
  for (const auto& h : *hits) got.push_back(h.contract_no + "/" + std::to_string(h.version_no));
  run.expect(a,
             "contract search for " + in.patient_id + " on " +
                 in.search_date.value_or(run.working_date()).to_string(),
             join(*want), join(got));
}

/// expect-schedules: case[, period, status, error_code, item] and any of
/// dates = [...], count, error_codes = [...] (one per matching schedule).
void expect_schedules(ScenarioRun& run, StepArgs& a) {
  const std::string c = a.str("case", true);
  const auto period = a.integer("period");
  const std::string status = a.str("status");
  const std::string error_code = a.str("error_code");
  const std::string item = a.str("item");
  const auto dates = a.date_list("dates");
  const auto count = a.integer("count");
  const auto errors = a.str_list("error_codes");
  a.finish();
  if (!a.ok()) return;
  rx::Workspace ws;
  if (!read(run, a, ws)) return;
  const std::string no = case_of(run, ws, c);
  std::vector<Date> got_dates;
  std::vector<std::string> got_errors;
  for (const auto* l : lines_of_case(ws, no, period)) {
    if (!item.empty() && l->item_no != item) continue;
    for (const auto& s : l->schedules) {
      if (!status.empty() && rx::to_text(s.status) != status) continue;
      if (!error_code.empty() && s.error_code != error_code) continue;
      got_dates.push_back(s.planned_date);
      got_errors.push_back(s.error_code.empty() ? "-" : s.error_code);
    }
  }
  std::sort(got_dates.begin(), got_dates.end());
  std::string what = "schedules of case " + no;
  if (!status.empty()) what += " with status " + status;
  if (!error_code.empty()) what += " with error code " + error_code;
  if (dates) run.expect(a, what + " (planned dates)", join_dates(*dates), join_dates(got_dates));
  if (count) run.expect(a, what + " (count)", std::to_string(*count), std::to_string(got_dates.size()));
  if (errors) run.expect(a, what + " (error codes)", join(*errors), join(got_errors));
}

/// expect-blocked: case[, period], delivery = bool and/or billing = bool.
void expect_blocked(ScenarioRun& run, StepArgs& a) {
  const std::string c = a.str("case", true);
  const int period = static_cast<int>(a.integer("period").value_or(1));
  const auto delivery = a.boolean("delivery");
  const auto billing = a.boolean("billing");
  a.finish();
  if (!a.ok()) return;
  rx::Workspace ws;
  if (!read(run, a, ws)) return;
  const std::string no = case_of(run, ws, c);
  const auto* k = ws.cases.find(no);
  const auto* p = k ? k->find_period(period) : nullptr;
  if (p == nullptr) {
    run.expect(a, "case " + no + " period " + std::to_string(period), "exists", "not found");
    return;
  }
  if (delivery) {
    run.expect(a, "delivery blocked (case " + no + ")", yes_no(*delivery),
               yes_no(rx::delivery_blocked(ws, *p)));
  }
  if (billing) {
    run.expect(a, "billing blocked (case " + no + ")", yes_no(*billing),
               yes_no(rx::billing_blocked(ws, *p)));
  }
}

/// expect-orders: patient and any of count (orders), lines (order lines),
/// dates = [...] (planned dates of the order lines), emergency = bool (any line).
void expect_orders(ScenarioRun& run, StepArgs& a) {
  const std::string patient = a.str("patient", true);
  const auto count = a.integer("count");
  const auto lines = a.integer("lines");
  const auto dates = a.date_list("dates");
  const auto emergency = a.boolean("emergency");
  a.finish();
  if (!a.ok()) return;
  rx::Workspace ws;
  if (!read(run, a, ws)) return;
  std::int64_t orders = 0;
  std::vector<Date> got_dates;
  bool any_emergency = false;
  for (const auto& [no, o] : ws.sales_orders) {
    if (o.patient_id != patient) continue;
    ++orders;
    for (const auto& l : o.lines) {
      got_dates.push_back(l.planned_date);
      any_emergency = any_emergency || l.emergency;
    }
  }
  std::sort(got_dates.begin(), got_dates.end());
  const std::string what = "sales orders of patient " + patient;
  if (count) run.expect(a, what + " (count)", std::to_string(*count), std::to_string(orders));
  if (lines) {
    run.expect(a, what + " (lines)", std::to_string(*lines), std::to_string(got_dates.size()));
  }
  if (dates) run.expect(a, what + " (planned dates)", join_dates(*dates), join_dates(got_dates));
  if (emergency) run.expect(a, what + " (emergency)", yes_no(*emergency), yes_no(any_emergency));
}

/// expect-case: case[, period] and any of status, contract, period_code, end,
/// actual_end, prescription_date, billing_method, billing_debtor, pool,
/// plan_lines = ["released", …] (statuses of the case's plan lines).
void expect_case(ScenarioRun& run, StepArgs& a) {
  const std::string c = a.str("case", true);
  const int period = static_cast<int>(a.integer("period").value_or(1));
  const std::string status = a.str("status");
  const std::string contract = a.str("contract");
  const std::string period_code = a.str("period_code");
  const auto end = a.date("end");
  const bool has_actual_end = a.has("actual_end");
  const auto actual_end = a.date("actual_end");
  const auto prescription = a.date("prescription_date");
  const std::string billing_method = a.str("billing_method");
  const bool has_debtor = a.has("billing_debtor");
  const std::string billing_debtor = a.str("billing_debtor");
  const std::string pool = a.str("pool");
  const auto plan_lines = a.str_list("plan_lines");
  a.finish();
  if (!a.ok()) return;
  rx::Workspace ws;
  if (!read(run, a, ws)) return;
  const std::string no = case_of(run, ws, c);
  const auto* k = ws.cases.find(no);
  const auto* p = k ? k->find_period(period) : nullptr;
  if (p == nullptr) {
    run.expect(a, "case " + c + " period " + std::to_string(period), "exists", "not found");
    return;
  }
  const std::string w = "case " + no + " period " + std::to_string(period);
  auto d = [](const std::optional<Date>& x) { return x ? x->to_string() : std::string("(none)"); };
  if (!status.empty()) run.expect(a, w + " status", status, std::string(rx::to_text(p->status)));
  if (!contract.empty()) run.expect(a, w + " contract", contract, p->contract_no);
  if (!period_code.empty()) run.expect(a, w + " contract period", period_code, p->period_code);
  if (end) run.expect(a, w + " end", end->to_string(), d(p->end));
  if (has_actual_end && actual_end) run.expect(a, w + " actual end", actual_end->to_string(), d(p->actual_end));
  if (prescription) run.expect(a, w + " prescription date", prescription->to_string(), d(p->prescription_date));
  if (!billing_method.empty()) {
    run.expect(a, w + " billing method", billing_method, std::string(rx::to_text(p->billing_method)));
  }
  if (has_debtor) run.expect(a, w + " billing debtor", billing_debtor, p->billing_debtor);
  if (!pool.empty()) run.expect(a, "case " + no + " pool query", pool, std::string(rx::to_text(k->pool_query.outcome)));
  if (plan_lines) {
    std::vector<std::string> got;
    for (const auto* l : lines_of_case(ws, no, period)) got.emplace_back(rx::to_text(l->status));
    run.expect(a, w + " plan line statuses", join(*plan_lines), join(got));
  }
}

/// expect-requirement: case, requirement[, period] and status and/or blocks.
void expect_requirement(ScenarioRun& run, StepArgs& a) {
  const std::string c = a.str("case", true);
  const std::string code = a.str("requirement", true);
  const int period = static_cast<int>(a.integer("period").value_or(1));
  const std::string status = a.str("status");
  const auto blocks = a.boolean("blocks");
  a.finish();
  if (!a.ok()) return;
  rx::Workspace ws;
  if (!read(run, a, ws)) return;
  const std::string no = case_of(run, ws, c);
  const auto* k = ws.cases.find(no);
  const auto* p = k ? k->find_period(period) : nullptr;
  const auto* r = p ? p->find_requirement(code) : nullptr;
  if (r == nullptr) {
    run.expect(a, "requirement " + code + " of case " + no, "exists", "not found");
    return;
  }
  if (!status.empty()) run.expect(a, "requirement " + code + " of case " + no + " status", status, r->status);
  if (blocks) {
    run.expect(a, "requirement " + code + " of case " + no + " blocks", yes_no(*blocks),
               yes_no(rx::requirement_blocks(ws, *r)));
  }
}

/// expect-log: code (DOM id or error code) and count; or contains = "text".
void expect_log(ScenarioRun& run, StepArgs& a) {
  const std::string code = a.str("code");
  const std::string contains = a.str("contains");
  const auto count = a.integer("count");
  a.finish();
  if (!a.ok()) return;
  rx::Workspace ws;
  if (!read(run, a, ws)) return;
  std::int64_t n = 0;
  for (const auto& [key, e] : ws.app_log) {
    if (!code.empty() && e.code != code) continue;
    if (!contains.empty() && e.message.find(contains) == std::string::npos) continue;
    ++n;
  }
  std::string what = "application-log entries";
  if (!code.empty()) what += " with code " + code;
  if (!contains.empty()) what += " containing '" + contains + "'";
  if (count) {
    run.expect(a, what, std::to_string(*count), std::to_string(n));
  } else {
    run.expect(a, what, "at least 1", n > 0 ? "at least 1" : "0");
  }
}

}  // namespace

void add_rx_scenario_actions(std::map<std::string, StepHandler, std::less<>>& actions) {
  actions["create-case"] = create_case;
  actions["release"] = [](ScenarioRun& r, StepArgs& a) { period_action(r, a, "release"); };
  actions["open-period"] = [](ScenarioRun& r, StepArgs& a) { period_action(r, a, "open-period"); };
  actions["emergency"] = [](ScenarioRun& r, StepArgs& a) { period_action(r, a, "emergency"); };
  actions["set-status"] = set_status;
  actions["therapy-end"] = therapy_end;
  actions["call-off-position"] = call_off_position;
  actions["run-job"] = run_job;
  actions["deliver"] = deliver;
  actions["expect-search"] = expect_search;
  actions["expect-schedules"] = expect_schedules;
  actions["expect-blocked"] = expect_blocked;
  actions["expect-orders"] = expect_orders;
  actions["expect-case"] = expect_case;
  actions["expect-requirement"] = expect_requirement;
  actions["expect-log"] = expect_log;
}

}  // namespace cb::app
