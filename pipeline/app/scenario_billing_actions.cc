// The billing scenario actions (issue 4): invoice call-off per patient or as
// a batch with filters, credit notes, insurer rejection, and the
// expectations on billing schedules and invoices. Each mutating action runs
// through the same repository and engines as the CLI.

#include <algorithm>

#include "core/rx/billing_engine.h"
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





/// invoice: [patient (manual call-off for one patient), billing_group,
/// billing_method, posting_date_to, case_type, create = true (create billing
/// data for the patient first)] — call off invoices on the step's date.
void invoice(ScenarioRun& run, StepArgs& a) {
  rx::InvoiceFilter filter;
  filter.patient_id = a.str("patient");
  filter.billing_group_code = a.str("billing_group");
  const std::string method = a.str("billing_method");
  filter.posting_date_to = a.date("posting_date_to");
  filter.case_type = a.str("case_type");
  const bool create = a.boolean("create").value_or(true);
  if (!method.empty()) {
    filter.billing_method = rx::BillingMethod_from_text(method);
    if (!filter.billing_method) a.report(DiagCode::ScenarioBadValue, "billing_method", "unknown billing method '" + method + "'");
  }
  a.finish();
  if (!a.ok()) return;
  const Date date = run.working_date();
  mutate(run, a, "", "invoice call-off", [&](rx::Workspace& ws) -> Result<void> {
    if (create) rx::create_billing_data(ws, date, filter.patient_id);
    rx::call_off_invoices(ws, filter, date);
    return {};
  });
}

/// credit-note: invoice, recalculate (bool), change_plan_values (bool)[, expect_error].
void credit_note(ScenarioRun& run, StepArgs& a) {
  const std::string no = a.str("invoice", true);
  rx::CreditOptions opt;
  opt.recalculate = a.boolean("recalculate").value_or(false);
  opt.change_plan_values = a.boolean("change_plan_values").value_or(false);
  opt.reason = a.str("reason");
  const std::string expect_error = a.str("expect_error");
  a.finish();
  if (!a.ok()) return;
  const Date date = run.working_date();
  mutate(run, a, expect_error, "credit note for " + no, [&](rx::Workspace& ws) -> Result<void> {
    auto r = rx::credit_invoice(ws, no, opt, date);
    if (!r) return Unexpected(r.error());
    return {};
  });
}

/// reject: case[, period] — the insurer rejects: bill the patient (Direkt).
void reject(ScenarioRun& run, StepArgs& a) {
  const std::string c = a.str("case", true);
  const int period = static_cast<int>(a.integer("period").value_or(1));
  a.finish();
  if (!a.ok()) return;
  mutate(run, a, "", "reject", [&](rx::Workspace& ws) -> Result<void> {
    return rx::switch_billing_to_patient(ws, case_of(run, ws, c), period);
  });
}

/// expect-billing: case[, period, number, status, error_code] and any of
/// count, statuses [..], error_codes [..], posting_dates [..], amounts [..]
/// (line amounts), not_invoiceable (a text the first matching schedule's
/// reason contains; "" = invoiceable).
void expect_billing(ScenarioRun& run, StepArgs& a) {
  const std::string c = a.str("case", true);
  const auto period = a.integer("period");
  const std::string number = a.str("number");
  const std::string status = a.str("status");
  const std::string error_code = a.str("error_code");
  const auto count = a.integer("count");
  const auto statuses = a.str_list("statuses");
  const auto errors = a.str_list("error_codes");
  const auto posting = a.date_list("posting_dates");
  const auto amounts = a.str_list("amounts");
  const bool has_reason = a.has("not_invoiceable");
  const std::string reason = a.str("not_invoiceable");
  a.finish();
  if (!a.ok()) return;
  rx::Workspace ws;
  if (!read(run, a, ws)) return;
  const std::string no = case_of(run, ws, c);
  const rx::Case* k = ws.cases.find(no);
  const rx::BillingPlan* plan = k == nullptr ? nullptr : ws.billing_plans.find(k->patient_id);
  std::vector<std::string> got_status, got_errors, got_posting, got_amounts;
  std::optional<std::string> first_reason;
  if (plan != nullptr) {
    for (const auto& l : plan->lines) {
      if (l.case_no != no || (period && l.period_no != *period)) continue;
      if (!number.empty() && l.number != number) continue;
      for (const auto& s : l.schedules) {
        if (!status.empty() && rx::to_text(s.status) != status) continue;
        if (!error_code.empty() && s.error_code != error_code) continue;
        got_status.emplace_back(rx::to_text(s.status));
        got_errors.push_back(s.error_code.empty() ? "-" : s.error_code);
        got_posting.push_back(s.posting_date.to_string());
        got_amounts.push_back(s.line_amount.format(2));
        if (!first_reason) first_reason = rx::not_invoiceable_reason(ws, *plan, l, s, run.working_date());
      }
    }
  }
  const std::string what = "billing schedules of case " + no + (number.empty() ? "" : " " + number);
  if (count) run.expect(a, what + " (count)", std::to_string(*count), std::to_string(got_status.size()));
  if (statuses) run.expect(a, what + " (statuses)", join(*statuses), join(got_status));
  if (errors) run.expect(a, what + " (error codes)", join(*errors), join(got_errors));
  if (posting) {
    std::vector<std::string> want;
    for (const auto& d : *posting) want.push_back(d.to_string());
    run.expect(a, what + " (posting dates)", join(want), join(got_posting));
  }
  if (amounts) run.expect(a, what + " (amounts)", join(*amounts), join(got_amounts));
  if (has_reason) {
    const std::string got = first_reason.value_or("(no schedule)");
    const bool match = reason.empty() ? got.empty() : got.find(reason) != std::string::npos;
    run.expect(a, what + " (not invoiceable because)", reason.empty() ? "(invoiceable)" : "…" + reason + "…",
               match ? (reason.empty() ? "(invoiceable)" : "…" + reason + "…") : (got.empty() ? "(invoiceable)" : got));
  }
}

/// expect-invoices: patient[, recipient, kind = invoice|credit_note, status]
/// and any of count, numbers [..], gross [..] (total gross), net [..],
/// due [..], recipients [..], lines (total line count).
void expect_invoices(ScenarioRun& run, StepArgs& a) {
  const std::string patient = a.str("patient", true);
  const std::string recipient = a.str("recipient");
  const std::string kind = a.str("kind");
  const std::string status = a.str("status");
  const auto count = a.integer("count");
  const auto numbers = a.str_list("numbers");
  const auto gross = a.str_list("gross");
  const auto net = a.str_list("net");
  const auto due = a.str_list("due");
  const auto recipients = a.str_list("recipients");
  const auto lines = a.integer("lines");
  a.finish();
  if (!a.ok()) return;
  rx::Workspace ws;
  if (!read(run, a, ws)) return;
  std::vector<std::string> got_no, got_gross, got_net, got_due, got_rec;
  std::int64_t got_lines = 0;
  for (const auto& [no, inv] : ws.invoices) {
    if (inv.patient_id != patient) continue;
    if (!recipient.empty() && inv.recipient_id != recipient) continue;
    if (!kind.empty() && rx::to_text(inv.kind) != kind) continue;
    if (!status.empty() && rx::to_text(inv.status) != status) continue;
    got_no.push_back(no);
    got_gross.push_back(inv.total_gross.format(2));
    got_net.push_back(inv.total_net.format(2));
    got_due.push_back(inv.total_due.format(2));
    got_rec.push_back(inv.recipient_id);
    got_lines += static_cast<std::int64_t>(inv.lines.size());
  }
  const std::string what = "invoices of patient " + patient;
  if (count) run.expect(a, what + " (count)", std::to_string(*count), std::to_string(got_no.size()));
  if (numbers) run.expect(a, what + " (numbers)", join(*numbers), join(got_no));
  if (gross) run.expect(a, what + " (gross totals)", join(*gross), join(got_gross));
  if (net) run.expect(a, what + " (net totals)", join(*net), join(got_net));
  if (due) run.expect(a, what + " (amounts due)", join(*due), join(got_due));
  if (recipients) run.expect(a, what + " (recipients)", join(*recipients), join(got_rec));
  if (lines) run.expect(a, what + " (lines)", std::to_string(*lines), std::to_string(got_lines));
}

}  // namespace

void add_billing_scenario_actions(std::map<std::string, StepHandler, std::less<>>& actions) {
  actions["invoice"] = invoice;
  actions["credit-note"] = credit_note;
  actions["reject"] = reject;
  actions["expect-billing"] = expect_billing;
  actions["expect-invoices"] = expect_invoices;
}

}  // namespace cb::app
