#pragma once
// The message store's write side for the daemon: every insert and state change
// of a message goes through here, so that each change leaves an event row
// (time, actor, from, to, note) and bodies are always encoded (body_codec.h).
// All calls run inside the caller's transaction.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diag/diagnostic.h"
#include "pipeline/daemon/statement_cache.h"
#include "pipeline/store/database.h"

namespace cb::daemon {

/// A new inbound message as intake hands it over.
struct InboundMessage {
  std::string tenant;
  std::string route;
  std::string source;  // file name, "upload:<channel>/<name>", URL
  std::string adapter;  // the route's reading adapter, when known
  std::string bytes;
  std::string actor = "intake";
  std::string note;    // for the "received" event
};

/// What storing an inbound message came to.
struct Received {
  std::int64_t id = 0;
  bool duplicate = false;  // same bytes on the same tenant and route before
  std::string state;       // of the stored message
};

/// One message row as the pipeline needs it.
struct StoredMessage {
  std::int64_t id = 0;
  std::string tenant, direction, route, adapter, source, state, business_key, content_hash;
  std::string bytes;  // decoded
  bool pruned = false;
  int attempts = 0;
  bool has_next_attempt = false;
  std::string reprocess_destination;
  std::string created_at;
};

class MessageLog {
 public:
  /// `cache` (optional) must belong to the transaction's connection.
  MessageLog(const store::Transaction& tx, std::string now, StatementCache* cache = nullptr)
      : tx_(tx), now_(std::move(now)), cache_(cache) {}

  /// Stores an inbound message in state "received", or records a
  /// "received again" event on the existing one when the content is a duplicate.
  Result<Received> receive(const InboundMessage& m);

  /// Stores an outbound message in state "emitted".
  Result<std::int64_t> emit(const std::string& tenant, const std::string& route,
                            const std::string& adapter, const std::string& destination,
                            std::string_view bytes, const std::string& actor,
                            const std::string& note);

  /// Changes a message's state with an event. `from` is checked: when the
  /// stored state differs, nothing changes and false is returned.
  Result<bool> move(std::int64_t id, std::string_view from, std::string_view to,
                    const std::string& actor, const std::string& note);
  /// An event without a state change (e.g. a duplicate arrival).
  Result<void> note(std::int64_t id, std::string_view state, const std::string& actor,
                    const std::string& note);
  Result<void> add_diagnostics(std::int64_t id, const Diagnostics& ds);
  Result<void> set_retry(std::int64_t id, int attempts, const std::optional<std::string>& next_at);
  Result<void> set_adapter(std::int64_t id, const std::string& adapter);
  Result<void> set_business_key(std::int64_t id, const std::string& key);

  /// The inbound message (another id) with this business key on the tenant and
  /// route that was applied, if any.
  Result<std::optional<std::int64_t>> applied_with_key(const std::string& tenant,
                                                       const std::string& route,
                                                       const std::string& key,
                                                       std::int64_t except_id);

  /// Queues delivery of an outbound message (transactional outbox).
  Result<std::int64_t> enqueue(const std::string& tenant, std::int64_t message_id,
                               const std::string& destination, const std::string& file_name);

  const std::string& now() const { return now_; }
  /// A statement on the transaction's connection (cached when a cache was given).
  store::Statement& stmt(std::string_view sql);

 private:
  const store::Transaction& tx_;
  std::string now_;
  StatementCache* cache_;
  std::vector<std::unique_ptr<store::Statement>> owned_;
};

/// Reads one message (any direction); nullopt when there is none.
Result<std::optional<StoredMessage>> load_message(store::Database& db, std::int64_t id,
                                                  StatementCache* cache = nullptr);

}  // namespace cb::daemon
