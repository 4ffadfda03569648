#include "pipeline/app/rx_jobs.h"

#include <nlohmann/json.hpp>

#include <chrono>

#include "core/rx/billing_engine.h"
#include "core/rx/plan_engine.h"
#include "pipeline/app/rx_repository.h"
#include "pipeline/store/timestamp.h"

namespace cb::app {
namespace {

std::string wall_clock() {
  return store::format_timestamp(
      std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now()));
}

Result<void> record_run(store::Database& db, const std::string& tenant, const RxJobResult& r,
                        const Date& date, const std::string& at) {
  auto st = db.prepare(
      "INSERT INTO rx_job_runs (tenant, job, working_date, counts, created_at) VALUES (?1, ?2, "
      "?3, ?4, ?5)");
  st->bind_text(1, tenant).bind_text(2, r.job).bind_text(3, date.to_string());
  st->bind_text(4, nlohmann::json(r.counts).dump()).bind_text(5, at);
  return st->run();
}

using Body = std::function<void(rx::Workspace&, RxJobResult&)>;

Result<RxJobResult> run_job(store::Database& db, const std::string& tenant, const Date& date,
                            const StoreClock& now, std::string job, const Body& body) {
  const std::string at = now ? now() : wall_clock();
  RxJobResult result;
  result.job = std::move(job);
  auto ok = db.transaction([&](store::Transaction& tx) -> Result<void> {
    rx::Workspace ws;
    RxRepository repo(tx, tenant, at);
    if (auto loaded = repo.load(ws); !loaded) return loaded;
    body(ws, result);
    result.counts["aggregates_written"] = static_cast<std::int64_t>(ws.changes().size());
    if (auto saved = repo.save_changes(ws); !saved) return saved;
    return record_run(db, tenant, result, date, at);
  });
  if (!ok) return Unexpected(ok.error());
  return result;
}

}  // namespace

Result<RxJobResult> run_plan_update(store::Database& db, const std::string& tenant,
                                    const Date& working_date, const StoreClock& now) {
  return run_job(db, tenant, working_date, now, "plan-update",
                 [&](rx::Workspace& ws, RxJobResult& r) {
                   const auto u = rx::plan_update(ws, working_date);
                   r.counts["lines_seen"] = static_cast<std::int64_t>(u.lines_seen);
                   r.counts["schedules_created"] = static_cast<std::int64_t>(u.schedules_created);
                   r.counts["schedules_expired"] = static_cast<std::int64_t>(u.schedules_expired);
                   r.counts["lines_ended"] = static_cast<std::int64_t>(u.lines_ended);
                   r.log = "plan update " + working_date.to_string() + ": " +
                           std::to_string(u.lines_seen) + " line(s), " +
                           std::to_string(u.schedules_created) + " schedule(s) created, " +
                           std::to_string(u.schedules_expired) + " expired, " +
                           std::to_string(u.lines_ended) + " line(s) ended\n";
                 });
}

Result<RxJobResult> run_call_off(store::Database& db, const std::string& tenant,
                                 const Date& working_date, const StoreClock& now) {
  return run_job(db, tenant, working_date, now, "call-off",
                 [&](rx::Workspace& ws, RxJobResult& r) {
                   const auto c = rx::call_off_orders(ws, working_date);
                   r.counts["orders"] = static_cast<std::int64_t>(c.orders.size());
                   r.counts["lines_called_off"] = static_cast<std::int64_t>(c.lines_called_off);
                   r.counts["blocked"] = static_cast<std::int64_t>(c.blocked.size());
                   r.log = "call-off " + working_date.to_string() + ": " +
                           std::to_string(c.orders.size()) + " order(s), " +
                           std::to_string(c.lines_called_off) + " line(s), " +
                           std::to_string(c.blocked.size()) + " due schedule(s) blocked\n";
                   for (const auto& o : c.orders) r.log += "  order " + o + "\n";
                   for (const auto& b : c.blocked) {
                     r.log += "  blocked: plan line " + std::to_string(b.line_no) + " schedule " +
                              std::to_string(b.schedule_no) + " (" + b.reason + ")\n";
                   }
                 });
}

Result<RxJobResult> run_create_billing_data(store::Database& db, const std::string& tenant,
                                            const Date& working_date, const StoreClock& now) {
  return run_job(db, tenant, working_date, now, "create-billing-data",
                 [&](rx::Workspace& ws, RxJobResult& r) {
                   const auto b = rx::create_billing_data(ws, working_date);
                   r.counts["plans_changed"] = static_cast<std::int64_t>(b.plans_changed);
                   r.counts["lines_created"] = static_cast<std::int64_t>(b.lines_created);
                   r.counts["schedules_created"] = static_cast<std::int64_t>(b.schedules_created);
                   r.counts["schedules_updated"] = static_cast<std::int64_t>(b.schedules_updated);
                   r.counts["missing_proofs_logged"] =
                       static_cast<std::int64_t>(b.missing_proofs_logged);
                   r.log = "create billing data " + working_date.to_string() + ": " +
                           std::to_string(b.plans_changed) + " plan(s) changed, " +
                           std::to_string(b.lines_created) + " line(s) and " +
                           std::to_string(b.schedules_created) + " schedule(s) created, " +
                           std::to_string(b.schedules_updated) + " updated, " +
                           std::to_string(b.missing_proofs_logged) + " missing proof(s) logged\n";
                 });
}

Result<RxJobResult> run_invoice_call_off(store::Database& db, const std::string& tenant,
                                         const Date& working_date, const StoreClock& now) {
  return run_job(db, tenant, working_date, now, "invoice-call-off",
                 [&](rx::Workspace& ws, RxJobResult& r) {
                   rx::InvoiceFilter filter;
                   filter.billing_group_code = ws.billing_setup().default_invoice_filter;
                   const auto c = rx::call_off_invoices(ws, filter, working_date);
                   r.counts["invoices"] = static_cast<std::int64_t>(c.invoices.size());
                   r.counts["invoice_lines"] = static_cast<std::int64_t>(c.lines);
                   r.counts["not_invoiceable"] = static_cast<std::int64_t>(c.not_invoiceable.size());
                   r.log = "invoice call-off " + working_date.to_string() + ": " +
                           std::to_string(c.invoices.size()) + " invoice(s), " +
                           std::to_string(c.lines) + " line(s), " +
                           std::to_string(c.not_invoiceable.size()) +
                           " due schedule(s) not invoiceable\n";
                   for (const auto& no : c.invoices) r.log += "  invoice " + no + "\n";
                   for (const auto& n : c.not_invoiceable) {
                     r.log += "  not invoiceable: case " + n.case_no + " billing line " +
                              std::to_string(n.billing_line_no) + " schedule " +
                              std::to_string(n.schedule_no) + " (" + n.reason + ")\n";
                   }
                 });
}

const std::vector<RxJob>& rx_jobs() {
  static const std::vector<RxJob> jobs = {
      {"plan-update", "extend delivery schedules to the plan horizon; mark expired dates",
       run_plan_update},
      {"call-off", "call off due, unblocked delivery schedules into sales orders", run_call_off},
      {"create-billing-data", "billing lines and schedules from cases, orders and deliveries",
       run_create_billing_data},
      {"invoice-call-off", "call off due, unblocked billing schedules into invoices",
       run_invoice_call_off},
  };
  return jobs;
}

const RxJob* find_rx_job(std::string_view name) {
  for (const auto& j : rx_jobs()) {
    if (j.name == name) return &j;
  }
  return nullptr;
}

}  // namespace cb::app
