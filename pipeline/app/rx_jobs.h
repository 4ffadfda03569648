#pragma once
// The rx batch jobs as plain functions, for the daemon's scheduler and
// `carebridge run JOB` (the ops job runner records each run in job_runs). A
// job walks the tenant's patients in ranges of `chunk_patients` (key order of
// rx_aggregates.patient_id): per range a workspace with the shared data
// (contracts, set-up, templates), the range's cases and plans and the
// numbering anchors; the engine runs; the range's changes are written and the
// workspace dropped. All ranges run in ONE store transaction, so nothing is
// half-applied; memory stays bounded by the range, not the tenant.
//
//   plan-update  daily: extend released lines' schedules to working date +
//                horizon, mark superseded past schedules expired, end lines.
//   call-off     call off due schedules (planned date − lead time ≤ date) that
//                are not blocked into sales orders, one per patient.
//
// Signature: (store, tenant, working date[, clock]) → counts and a log text
// a person can read (no patient names or insurance numbers).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/diag/diagnostic.h"
#include "core/value/date.h"
#include "pipeline/store/database.h"

namespace cb::app {

struct RxJobResult {
  std::string job;
  std::map<std::string, std::int64_t> counts;  // e.g. schedules_created → 12
  std::string log;                              // one line per noteworthy event
};

/// The store clock: a timestamp in store/timestamp.h's format. Defaults to the wall clock.
using StoreClock = std::function<std::string()>;

/// Patients per workspace when the caller does not say.
inline constexpr std::size_t kJobChunkPatients = 5000;

Result<RxJobResult> run_plan_update(store::Database& db, const std::string& tenant,
                                    const Date& working_date, const StoreClock& now = {},
                                    std::size_t chunk_patients = kJobChunkPatients);
Result<RxJobResult> run_call_off(store::Database& db, const std::string& tenant,
                                 const Date& working_date, const StoreClock& now = {},
                                 std::size_t chunk_patients = kJobChunkPatients);

/// create-billing-data: billing lines and schedules for every released case
/// period (flat rates per billing period up to the horizon, purchases per
/// order/delivery), error codes (wait, missing proof, end date).
Result<RxJobResult> run_create_billing_data(store::Database& db, const std::string& tenant,
                                            const Date& working_date, const StoreClock& now = {},
                                            std::size_t chunk_patients = kJobChunkPatients);
/// invoice-call-off: due, unblocked billing schedules into invoices (filter:
/// the billing setup's default invoice filter as billing group code); the log
/// names every due schedule that is not invoiceable and why.
Result<RxJobResult> run_invoice_call_off(store::Database& db, const std::string& tenant,
                                         const Date& working_date, const StoreClock& now = {},
                                         std::size_t chunk_patients = kJobChunkPatients);

/// A named job, for the scheduler and the CLI.
struct RxJob {
  std::string_view name;
  std::string_view description;
  Result<RxJobResult> (*run)(store::Database&, const std::string&, const Date&, const StoreClock&,
                             std::size_t);
};

/// Every rx job, in the order a day runs them (plan update before call-off).
const std::vector<RxJob>& rx_jobs();
/// The job with this name, or nullptr.
const RxJob* find_rx_job(std::string_view name);

}  // namespace cb::app
