#pragma once
// Persists the prescription-billing (rx) workspace in the store. Parties and
// items come from the master-data tables; every other aggregate is a row of
// rx_aggregates holding its canonical JSON (adapters/canonical_json/rx_codec.h)
// with the key columns (kind, key, patient, status). A command loads the
// tenant's workspace, runs the engine, and writes back only the aggregates the
// workspace's change log names — inside the caller's transaction.

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string_view>
#include <vector>
#include <string>

#include "core/diag/diagnostic.h"
#include "core/rx/workspace.h"
#include "pipeline/store/database.h"

namespace cb::app {

class RxRepository {
 public:
  RxRepository(store::Transaction& tx, std::string tenant, std::string now)
      : tx_(tx), tenant_(std::move(tenant)), now_(std::move(now)) {}

  /// Fills the workspace with the tenant's master data and ALL rx aggregates,
  /// without recording changes (views, scenarios; the jobs and the import load
  /// only what they need, below). RXS002 when a stored aggregate cannot be decoded.
  Result<void> load(rx::Workspace& ws);

  /// What a patient range brings along: the plan jobs need cases and plans
  /// only; commands need every aggregate of the patient and the party.
  enum class PatientScope : std::uint8_t { plans, everything };

  /// The part every patient shares: items, master-data extensions, set-up,
  /// templates and contracts, plus the numbering anchors. No parties, no
  /// patient aggregates, no serial cards or log entries.
  Result<void> load_shared(rx::Workspace& ws);
  /// The highest stored case, sales order and application-log entry, so that
  /// the next numbers (ids.h) continue the store's sequence in a workspace
  /// that holds only some patients. Call again after saving a chunk.
  Result<void> load_number_anchors(rx::Workspace& ws);
  /// Every patient with stored aggregates (rx_aggregates.patient_id), in key order.
  Result<std::vector<std::string>> patients();
  /// The aggregates of the patients from `first` to `last` (inclusive, key order).
  Result<void> load_patient_range(rx::Workspace& ws, const std::string& first,
                                  const std::string& last, PatientScope scope);
  /// Parties by id, and (up to three steps) the parties their assigned roles
  /// point at (insurer, price-finding debtor, association).
  Result<void> load_parties(rx::Workspace& ws, const std::vector<std::string>& ids);
  /// Named patients: their parties (as load_parties) and every aggregate of theirs.
  /// A patient already loaded through this repository is skipped.
  Result<void> load_patients(rx::Workspace& ws, const std::vector<std::string>& ids);
  /// One stored aggregate by kind and key; returns its patient ("" when none)
  /// or nullopt when the store does not hold it.
  Result<std::optional<std::string>> load_aggregate(rx::Workspace& ws, std::string_view kind,
                                                    const std::string& key);
  /// Every stored aggregate of one kind (e.g. all serial cards).
  Result<void> load_kind(rx::Workspace& ws, std::string_view kind);

  /// Writes every aggregate the change log names (insert/replace or delete),
  /// then clears the log. Parties and items belong to the master-data tables
  /// and are written through the importer only; their changes are ignored here.
  Result<void> save_changes(rx::Workspace& ws, std::optional<std::int64_t> message_id = {});

 private:
  store::Transaction& tx_;
  std::string tenant_;
  std::string now_;
  std::set<std::string, std::less<>> loaded_patients_;
};

/// Runs `fn` on the tenant's workspace in one store transaction and saves what
/// it changed; when fn fails nothing is written. The common shape of every rx
/// command and job.
Result<void> with_rx_workspace(store::Database& db, const std::string& tenant,
                               const std::string& now,
                               const std::function<Result<void>(rx::Workspace&)>& fn);

/// Loads a read-only workspace (views, scenario expectations).
Result<void> load_rx_workspace(store::Database& db, const std::string& tenant, rx::Workspace& ws);

}  // namespace cb::app
