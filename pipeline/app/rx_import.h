#pragma once
// Applies the rx documents of an imported message (contracts, master-data
// extensions, set-up, case requests, requirement status changes, delivery
// notes) to the tenant's workspace, inside the importer's transaction. Every
// broken reference or refusal of the domain core is a diagnostic naming the
// document (kind and key), the field (JSON pointer) and the reason; with any
// error the caller rolls everything back.

#include <cstdint>
#include <map>
#include <string>

#include "core/diag/diagnostic.h"
#include "core/model/document.h"
#include "core/rx/workspace.h"
#include "pipeline/store/database.h"

namespace cb::app {

struct RxApplyResult {
  Diagnostics diagnostics;
  std::map<std::string, std::string> cases;  // case request ref → created case number
};

/// Applies the rx documents of `docs` (parties and items are the master-data
/// repository's). `working_date` is the date commands run on (case creation,
/// releases); a document's own date wins where it has one.
RxApplyResult apply_rx_documents(store::Transaction& tx, const std::string& tenant,
                                 const std::string& now, const Date& working_date,
                                 const DocumentSet& docs, std::int64_t message_id,
                                 const std::string& source);

/// Creates (and, when asked, releases) the case of a case request; returns its
/// number. The same code path as the import, for the scenario runner.
Result<std::string> apply_case_request(rx::Workspace& ws, const CaseRequest& request,
                                       const Date& working_date);

/// True when the set holds any rx document.
bool has_rx_documents(const DocumentSet& docs);

}  // namespace cb::app
