#pragma once
// Delivery targets of outbound messages. Delivery is at-least-once, so every
// destination is idempotent: a folder gets the file under a name derived from
// the message id (written to a temp file in the same folder, fsynced, renamed,
// folder fsynced — a retry overwrites the same name); an HTTP endpoint gets a
// POST with an Idempotency-Key header that stays the same across retries.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/daemon/route_table.h"

namespace cb::daemon {

/// One outbound message to deliver.
struct Parcel {
  std::int64_t message_id = 0;
  std::string file_name;
  std::string bytes;
  std::string idempotency_key;  // "carebridge-<message id>"
};

/// What a delivery attempt came to. `permanent` failures (the destination
/// refuses the message itself, e.g. HTTP 400) are not retried.
struct DeliveryResult {
  bool ok = true;
  bool permanent = false;
  std::string error;  // for the event, the diagnostic and health
};

class Destination {
 public:
  virtual ~Destination() = default;
  /// Delivers a batch; one result per parcel, in order. A folder fsyncs the
  /// folder once per batch.
  virtual std::vector<DeliveryResult> deliver(const std::vector<Parcel>& parcels) = 0;
};

/// Writes files into a folder (created when missing).
class FolderDestination final : public Destination {
 public:
  explicit FolderDestination(std::filesystem::path folder) : folder_(std::move(folder)) {}
  std::vector<DeliveryResult> deliver(const std::vector<Parcel>& parcels) override;

 private:
  std::filesystem::path folder_;
};

/// POSTs each parcel to a URL with libcurl.
class HttpDestination final : public Destination {
 public:
  explicit HttpDestination(std::string url, long timeout_ms = 10000)
      : url_(std::move(url)), timeout_ms_(timeout_ms) {}
  std::vector<DeliveryResult> deliver(const std::vector<Parcel>& parcels) override;

 private:
  std::string url_;
  long timeout_ms_;
};

/// Finds the Destination for a destination text (as stored in the outbox).
using DestinationResolver = std::function<std::shared_ptr<Destination>(const std::string& text)>;

/// The resolver of a configuration: folders relative to its workdir, URLs.
DestinationResolver default_resolver(const config::Config& cfg);

}  // namespace cb::daemon
