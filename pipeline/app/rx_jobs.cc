#include "pipeline/app/rx_jobs.h"

#include <algorithm>
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

using Body = std::function<void(rx::Workspace&, RxJobResult&)>;

/// Keeps a job's log readable for a large tenant: at most this many detail
/// lines (orders, blocked schedules); the counts carry the totals.
constexpr std::size_t kMaxLogDetails = 200;

/// What a job loads of each patient: the plan jobs need cases and delivery
/// plans only; the billing jobs every aggregate of the patient and the parties
/// the billing recipient is found through.
enum class Scope : std::uint8_t { plans, billing };

Result<RxJobResult> run_job(store::Database& db, const std::string& tenant, const StoreClock& now,
                            std::string job, const Body& body, std::size_t chunk_patients,
                            Scope scope = Scope::plans) {
  const std::string at = now ? now() : wall_clock();
  RxJobResult result;
  result.job = std::move(job);
  if (chunk_patients == 0) chunk_patients = kJobChunkPatients;
  auto ok = db.transaction([&](store::Transaction& tx) -> Result<void> {
    RxRepository repo(tx, tenant, at);
    auto patients = repo.patients();
    if (!patients) return Unexpected(patients.error());
    std::int64_t written = 0;
    std::int64_t chunks = 0;
    // One workspace per patient range: shared data, the range's cases and
    // plans, and the numbering anchors as they stand after the previous
    // range was saved. Dropped when its changes are written.
    for (std::size_t from = 0; from < patients->size(); from += chunk_patients) {
      const std::size_t to = std::min(patients->size(), from + chunk_patients) - 1;
      rx::Workspace ws;
      if (auto loaded = repo.load_shared(ws); !loaded) return loaded;
      if (scope == Scope::plans) {
        if (auto loaded = repo.load_patient_range(ws, (*patients)[from], (*patients)[to],
                                                  RxRepository::PatientScope::plans);
            !loaded) {
          return loaded;
        }
      } else {
        const std::vector<std::string> slice(
            patients->begin() + static_cast<std::ptrdiff_t>(from),
            patients->begin() + static_cast<std::ptrdiff_t>(to) + 1);
        if (auto loaded = repo.load_patients(ws, slice); !loaded) return loaded;
      }
      ws.clear_changes();
      body(ws, result);
      written += static_cast<std::int64_t>(ws.changes().size());
      if (auto saved = repo.save_changes(ws); !saved) return saved;
      ++chunks;
    }
    result.counts["aggregates_written"] = written;
    result.counts["patients"] = static_cast<std::int64_t>(patients->size());
    result.counts["chunks"] = chunks;
    return {};
  });
  if (!ok) return Unexpected(ok.error());
  return result;
}

void add(RxJobResult& r, const char* key, std::size_t n) {
  r.counts[key] += static_cast<std::int64_t>(n);
}

}  // namespace

Result<RxJobResult> run_plan_update(store::Database& db, const std::string& tenant,
                                    const Date& working_date, const StoreClock& now,
                                    std::size_t chunk_patients) {
  auto r = run_job(db, tenant, now, "plan-update",
                   [&](rx::Workspace& ws, RxJobResult& res) {
                     const auto u = rx::plan_update(ws, working_date);
                     add(res, "lines_seen", u.lines_seen);
                     add(res, "schedules_created", u.schedules_created);
                     add(res, "schedules_expired", u.schedules_expired);
                     add(res, "lines_ended", u.lines_ended);
                   },
                   chunk_patients);
  if (!r) return r;
  auto count = [&](const char* k) { return std::to_string(r->counts[k]); };
  r->log = "plan update " + working_date.to_string() + ": " + count("lines_seen") + " line(s), " +
           count("schedules_created") + " schedule(s) created, " + count("schedules_expired") +
           " expired, " + count("lines_ended") + " line(s) ended\n";
  return r;
}

Result<RxJobResult> run_call_off(store::Database& db, const std::string& tenant,
                                 const Date& working_date, const StoreClock& now,
                                 std::size_t chunk_patients) {
  std::string details;
  std::size_t detail_lines = 0;
  auto detail = [&](const std::string& line) {
    if (detail_lines++ < kMaxLogDetails) details += line;
  };
  auto r = run_job(db, tenant, now, "call-off",
                   [&](rx::Workspace& ws, RxJobResult& res) {
                     const auto c = rx::call_off_orders(ws, working_date);
                     add(res, "orders", c.orders.size());
                     add(res, "lines_called_off", c.lines_called_off);
                     add(res, "blocked", c.blocked.size());
                     for (const auto& o : c.orders) detail("  order " + o + "\n");
                     for (const auto& b : c.blocked) {
                       detail("  blocked: plan line " + std::to_string(b.line_no) + " schedule " +
                              std::to_string(b.schedule_no) + " (" + b.reason + ")\n");
                     }
                   },
                   chunk_patients);
  if (!r) return r;
  auto count = [&](const char* k) { return std::to_string(r->counts[k]); };
  r->log = "call-off " + working_date.to_string() + ": " + count("orders") + " order(s), " +
           count("lines_called_off") + " line(s), " + count("blocked") +
           " due schedule(s) blocked\n" + details;
  if (detail_lines > kMaxLogDetails) {
    r->log += "  … " + std::to_string(detail_lines - kMaxLogDetails) + " more\n";
  }
  return r;
}

Result<RxJobResult> run_create_billing_data(store::Database& db, const std::string& tenant,
                                            const Date& working_date, const StoreClock& now,
                                            std::size_t chunk_patients) {
  auto r = run_job(
      db, tenant, now, "create-billing-data",
      [&](rx::Workspace& ws, RxJobResult& res) {
        const auto b = rx::create_billing_data(ws, working_date);
        add(res, "plans_changed", b.plans_changed);
        add(res, "lines_created", b.lines_created);
        add(res, "schedules_created", b.schedules_created);
        add(res, "schedules_updated", b.schedules_updated);
        add(res, "missing_proofs_logged", b.missing_proofs_logged);
      },
      chunk_patients, Scope::billing);
  if (!r) return r;
  auto count = [&](const char* k) { return std::to_string(r->counts[k]); };
  r->log = "create billing data " + working_date.to_string() + ": " + count("plans_changed") +
           " plan(s) changed, " + count("lines_created") + " line(s) and " +
           count("schedules_created") + " schedule(s) created, " + count("schedules_updated") +
           " updated, " + count("missing_proofs_logged") + " missing proof(s) logged\n";
  return r;
}

Result<RxJobResult> run_invoice_call_off(store::Database& db, const std::string& tenant,
                                         const Date& working_date, const StoreClock& now,
                                         std::size_t chunk_patients) {
  std::string details;
  std::size_t detail_lines = 0;
  auto detail = [&](const std::string& line) {
    if (detail_lines++ < kMaxLogDetails) details += line;
  };
  auto r = run_job(
      db, tenant, now, "invoice-call-off",
      [&](rx::Workspace& ws, RxJobResult& res) {
        rx::InvoiceFilter filter;
        filter.billing_group_code = ws.billing_setup().default_invoice_filter;
        const auto c = rx::call_off_invoices(ws, filter, working_date);
        add(res, "invoices", c.invoices.size());
        add(res, "invoice_lines", c.lines);
        add(res, "not_invoiceable", c.not_invoiceable.size());
        for (const auto& no : c.invoices) detail("  invoice " + no + "\n");
        for (const auto& n : c.not_invoiceable) {
          detail("  not invoiceable: case " + n.case_no + " billing line " +
                 std::to_string(n.billing_line_no) + " schedule " +
                 std::to_string(n.schedule_no) + " (" + n.reason + ")\n");
        }
      },
      chunk_patients, Scope::billing);
  if (!r) return r;
  auto count = [&](const char* k) { return std::to_string(r->counts[k]); };
  r->log = "invoice call-off " + working_date.to_string() + ": " + count("invoices") +
           " invoice(s), " + count("invoice_lines") + " line(s), " + count("not_invoiceable") +
           " due schedule(s) not invoiceable\n" + details;
  if (detail_lines > kMaxLogDetails) {
    r->log += "  … " + std::to_string(detail_lines - kMaxLogDetails) + " more\n";
  }
  return r;
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
