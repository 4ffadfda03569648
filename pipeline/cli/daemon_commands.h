#pragma once
// The CLI commands of the pipeline daemon: serve, messages list|show|reprocess,
// route test, and the demo's run through the daemon.

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

#include "pipeline/cli/commands.h"

namespace cb::cli {

/// `carebridge serve`: runs the daemon until SIGTERM/SIGINT; SIGHUP reloads.
int serve(const GlobalOptions& global, std::ostream& out, std::ostream& err);

struct MessagesQuery {
  std::string tenant, route, state, direction, text;
  int limit = 50;
};
int messages_list(const GlobalOptions& global, const MessagesQuery& q, std::ostream& out,
                  std::ostream& err);
int messages_show(const GlobalOptions& global, std::int64_t id, bool with_bytes,
                  std::ostream& out, std::ostream& err);

struct ReprocessArgs {
  std::vector<std::int64_t> ids;
  MessagesQuery filter;
  std::string destination, reason, actor;
  bool all = false;  // required to reprocess by filter
};
int messages_reprocess(const GlobalOptions& global, const ReprocessArgs& a, std::ostream& out,
                       std::ostream& err);

/// `carebridge route test ROUTE FILE`: one file through a route, rolled back.
int route_test(const GlobalOptions& global, const std::string& route, const std::string& file,
               std::ostream& out, std::ostream& err);

/// The demo's step 1: copies the inbox files into the intake folder of the
/// first folder route and runs the daemon until they are delivered; then the
/// first file once more (a duplicate). Prints one line per message.
int demo_through_daemon(const config::Config& cfg, const std::vector<std::filesystem::path>& inbox,
                        std::ostream& out, std::ostream& err);

}  // namespace cb::cli
