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
#include <string>

#include "core/diag/diagnostic.h"
#include "core/rx/workspace.h"
#include "pipeline/store/database.h"

namespace cb::app {

class RxRepository {
 public:
  RxRepository(store::Transaction& tx, std::string tenant, std::string now)
      : tx_(tx), tenant_(std::move(tenant)), now_(std::move(now)) {}

  /// Fills the workspace with the tenant's master data and rx aggregates,
  /// without recording changes. RXS002 when a stored aggregate cannot be decoded.
  Result<void> load(rx::Workspace& ws);

  /// Writes every aggregate the change log names (insert/replace or delete),
  /// then clears the log. Parties and items belong to the master-data tables
  /// and are written through the importer only; their changes are ignored here.
  Result<void> save_changes(rx::Workspace& ws, std::optional<std::int64_t> message_id = {});

 private:
  store::Transaction& tx_;
  std::string tenant_;
  std::string now_;
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
