#pragma once
// The import command: one file becomes one inbound message in the store (bytes,
// content hash, state, every diagnostic and state change), and its documents
// are applied in the same transaction. Bad input is kept as a rejected message
// with its diagnostics; nothing of it is applied. The same bytes on the same
// route and tenant are recognised as a duplicate and not applied twice.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "adapters/registry.h"
#include "core/diag/diagnostic.h"
#include "core/value/date.h"
#include "pipeline/store/database.h"

namespace cb::app {

struct ImportRequest {
  std::string tenant = "default";
  std::string route = "import";
  std::string source;   // file name or endpoint, kept with the message
  std::string format;   // adapter name; empty = detect
  std::string actor = "cli";
  std::string bytes;
  /// The date domain commands in the message run on (case creation, release);
  /// blank = the date part of the import timestamp.
  std::optional<Date> working_date;
};

struct ImportReport {
  std::int64_t message_id = 0;
  bool duplicate = false;
  std::string state;    // applied, rejected (or the stored state of a duplicate)
  std::string adapter;
  std::map<std::string, int> applied;  // document kind → count
  std::map<std::string, std::string> cases;  // case request ref → created case number
  Diagnostics diagnostics;
};

/// Imports one message. Fails only when the store itself fails (then nothing
/// was written); rejected input is a successful call with state "rejected".
Result<ImportReport> import_message(store::Database& db, const adapters::Registry& registry,
                                    const ImportRequest& request,
                                    const std::function<std::string()>& now);

/// Message counts by state for a tenant (all tenants when empty).
std::map<std::string, int> count_messages_by_state(store::Database& db, const std::string& tenant);

}  // namespace cb::app
