#pragma once
// Routes compiled from the configuration: each adapter and command looked up,
// adapter options validated against the adapter's OptionSpec, destinations
// parsed. A route that cannot work is refused at start-up (and on reload) with
// the file and line of the offending key.

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/registry.h"
#include "core/diag/diagnostic.h"
#include "core/value/date.h"
#include "core/diag/expected.h"
#include "pipeline/config/config.h"

namespace cb::daemon {

/// Where an output goes. folder: a directory (relative to the workdir);
/// http: a URL receiving a POST with an Idempotency-Key header.
struct DestinationSpec {
  enum class Kind : std::uint8_t { folder, http };
  Kind kind = Kind::folder;
  std::string text;              // as configured ("out/master", "http://…")
  std::filesystem::path folder;  // resolved, for Kind::folder
  std::string url;               // for Kind::http
};

/// Parses a destination: "http://…"/"https://…" is HTTP, "folder:PATH" or a
/// plain path is a folder. Empty or otherwise unusable → DMN003.
Result<DestinationSpec> parse_destination(const std::string& text, const config::Config& cfg);

struct CompiledOutput {
  const adapters::Adapter* adapter = nullptr;
  DestinationSpec destination;
};

/// The core commands a route may apply its documents with.
enum class Command : std::uint8_t { none, import };

struct CompiledRoute {
  std::string name;
  std::string tenant;
  std::optional<std::filesystem::path> folder;  // resolved intake folder
  std::optional<std::string> upload;
  std::optional<std::string> format;
  std::optional<std::string> poller;  // [[pollers]] name (remote intake)
  const adapters::Adapter* adapter = nullptr;
  adapters::Options options;
  Command command = Command::none;
  std::vector<CompiledOutput> outputs;
};

/// All routes of one configuration, immutable once built (a reload builds a
/// new table and swaps it in).
class RouteTable {
 public:
  const CompiledRoute* find(const std::string& name) const;
  /// The route reading this intake folder (resolved path), or null.
  const CompiledRoute* for_folder(const std::filesystem::path& folder) const;
  /// The route of an upload channel in a tenant ("" tenant = any), or null.
  const CompiledRoute* for_upload(const std::string& tenant, const std::string& channel) const;
  /// The route taking the files of a poller, or null.
  const CompiledRoute* for_poller(const std::string& poller) const;
  const std::vector<CompiledRoute>& routes() const { return routes_; }
  std::vector<CompiledRoute>& mutable_routes() { return routes_; }
  /// The configured working date (`working_date` in the config) that domain
  /// commands run on; unset = the date of the daemon's clock.
  std::optional<Date> working_date;

 private:
  std::vector<CompiledRoute> routes_;
};

/// Builds the table; every problem at once, each naming the file and line.
cb::Expected<std::shared_ptr<const RouteTable>, Diagnostics> compile_routes(
    const config::Config& cfg, const adapters::Registry& registry);

std::string_view to_string(Command c);

}  // namespace cb::daemon
