#pragma once
// Routing of one inbound message: the route's adapter reads the bytes, the
// route's core command applies the documents, each output adapter writes them
// and the outbound messages plus their outbox rows are stored — all in the
// caller's transaction, so the domain change and the outputs it causes commit
// together or not at all (transactional outbox). Bad input ends "rejected"
// with its diagnostics; a transient fault "failed" with a retry time.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "adapters/registry.h"
#include "core/diag/diagnostic.h"
#include "pipeline/daemon/message_log.h"
#include "pipeline/daemon/retry_policy.h"
#include "pipeline/daemon/route_table.h"
#include "pipeline/store/database.h"
#include "pipeline/store/timestamp.h"

namespace cb::daemon {

/// One output a message produced.
struct EmittedOutput {
  std::int64_t message_id = 0;
  std::string adapter;
  std::string destination;
  std::string file_name;
  std::string bytes;
};

/// What routing one message came to.
struct ProcessOutcome {
  std::int64_t message_id = 0;
  std::string route;
  std::string state;  // applied, rejected, failed, dead
  Diagnostics diagnostics;
  std::vector<EmittedOutput> outputs;
  std::string applied_summary;  // "3 party, 2 item"
};

/// The business key of a message from the keys its reader reported
/// (adapters::ReadResult::business_keys): the interchange reference when there
/// is one (it names the whole file), else the documents' keys sorted and joined
/// with a space (delivery-note numbers, later invoice number + seller,
/// settlement id); "" when there are none. A later message on the same tenant
/// and route with the same key is a duplicate, whatever its bytes.
std::string business_key_of(const std::vector<std::string>& keys);

/// Routes one stored inbound message (state received or failed) inside `tx`.
/// `destination_override` (from a reprocess) replaces every output's
/// destination when not empty. Store failures are returned; everything about
/// the input is in the outcome.
Result<ProcessOutcome> process_message(const store::Transaction& tx, const RouteTable& routes,
                                       const StoredMessage& msg, store::Timestamp now,
                                       const std::string& destination_override,
                                       const RetryPolicy& retry, const std::string& actor,
                                       StatementCache* cache = nullptr);

/// Routes up to `limit` inbound messages that are due (received, or failed
/// with next_attempt_at <= now) in one transaction (group commit). Appends the
/// outcomes to `out` when given. Returns how many were routed.
Result<int> process_due(store::Database& db, const RouteTable& routes, store::Timestamp now,
                        int limit, const RetryPolicy& retry,
                        std::vector<ProcessOutcome>* out = nullptr,
                        StatementCache* cache = nullptr);

/// Runs one file through a route without side effects: the message is stored,
/// routed and then everything is rolled back. For `carebridge route test`.
Result<ProcessOutcome> dry_run(store::Database& db, const RouteTable& routes,
                               const std::string& route, const std::string& source,
                               const std::string& bytes, store::Timestamp now);

}  // namespace cb::daemon
