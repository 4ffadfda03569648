#pragma once
// The outbox worker: takes due outbox rows, delivers their messages, and
// records each outcome — delivered, failed with the next attempt (capped
// exponential backoff with jitter, per message and destination), or dead after
// the retry limit. Delivery happens outside a transaction; the outcome of a
// whole batch commits in one (group commit). A crash between delivering and
// committing delivers again under the same name / idempotency key.

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/diag/diagnostic.h"
#include "pipeline/daemon/destination.h"
#include "pipeline/daemon/retry_policy.h"
#include "pipeline/store/database.h"
#include "pipeline/store/timestamp.h"

namespace cb::daemon {

/// What one delivery round did, per destination, for health and metrics.
struct DeliveryRound {
  int delivered = 0;
  int retried = 0;
  int dead = 0;
  /// destination text → the last error of this round ("" = last attempt ok).
  std::map<std::string, std::string> destination_status;
  /// created_at of each delivered outbound message, for the latency histogram.
  std::vector<std::string> delivered_created_at;
  /// The route of each delivered message (same order), and of each retry / dead letter.
  std::vector<std::string> delivered_routes;
  std::vector<std::pair<std::string, std::string>> retried_routes;  // (route, destination)
  std::vector<std::string> dead_routes;
};

/// Delivers up to `limit` due outbox rows. Store failures are returned.
/// `write_lock`, when given, is held while the outcomes commit: the daemon's
/// threads take turns at the store's one write lock in process instead of
/// sleeping in SQLite's busy handler.
Result<DeliveryRound> deliver_due(store::Database& db, const DestinationResolver& resolve,
                                  store::Timestamp now, int limit, const RetryPolicy& retry,
                                  std::mutex* write_lock = nullptr);

/// When the next pending outbox row is due, or nullopt when none is pending.
Result<std::optional<std::string>> next_delivery_due(store::Database& db);

}  // namespace cb::daemon
