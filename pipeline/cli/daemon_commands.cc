#include "pipeline/cli/daemon_commands.h"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <iostream>
#include <map>

#include "pipeline/cli/tools.h"
#include "pipeline/daemon/daemon.h"
#include "pipeline/daemon/daemon_backend.h"
#include "pipeline/daemon/processor.h"
#include "pipeline/daemon/remote_poller.h"
#include "pipeline/http/server.h"
#include "pipeline/metrics/metrics_registry.h"
#include "pipeline/metrics/pipeline_metrics.h"
#include "pipeline/metrics/store_gauges.h"
#include "pipeline/ops/ops_service.h"
#include "pipeline/ops/scheduler.h"

namespace fs = std::filesystem;

namespace cb::cli {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<daemon::Daemon> open_daemon(const config::Config& cfg, std::ostream& err) {
  daemon::DaemonOptions o;
  o.config = cfg;
  auto d = daemon::Daemon::open(std::move(o));
  if (!d) {
    err << config::format_diagnostics(d.error());
    return nullptr;
  }
  return std::move(*d);
}

std::unique_ptr<daemon::Daemon> setup(const GlobalOptions& g, std::ostream& err, int& rc) {
  config::Config cfg;
  Date working_date = Date::min();
  if (auto r = load_configuration(g, "", cfg, working_date, err)) {
    rc = *r;
    return nullptr;
  }
  auto d = open_daemon(cfg, err);
  rc = d ? kOk : kUsage;
  return d;
}

bool backend_ready(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return a.empty() && b.empty();
}

std::string pad(std::string s, std::size_t n) {
  if (s.size() < n) s.append(n - s.size(), ' ');
  return s;
}

}  // namespace

int serve(const GlobalOptions& global, std::ostream& out, std::ostream& err) {
  if (global.config_file.empty()) {
    err << "serve: give the configuration with --config FILE\n";
    return kUsage;
  }
  // The signals are taken by sigwait() below; every thread started from here
  // on inherits the blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  config::Config cfg;
  Date working_date = Date::min();
  if (auto r = load_configuration(global, "", cfg, working_date, err)) return *r;
  daemon::tune_allocator_for_daemon();
  metrics::Registry registry;
  metrics::PipelineMetrics metrics(registry);
  daemon::DaemonOptions options;
  options.config = cfg;
  options.metrics = &metrics;
  auto opened = daemon::Daemon::open(std::move(options));
  if (!opened) {
    err << config::format_diagnostics(opened.error());
    return kUsage;
  }
  auto& d = *opened;

  // ops: scheduler thread, job runs for the API, readiness checks, metrics.
  std::vector<fs::path> outputs, intakes;
  for (const auto& r : d->routes()->routes()) {
    if (r.folder) intakes.push_back(*r.folder);
    for (const auto& o : r.outputs) {
      if (o.destination.kind == daemon::DestinationSpec::Kind::folder) {
        outputs.push_back(o.destination.folder);
      }
    }
  }
  auto ops_db = d->open_connection();
  if (!ops_db) {
    err << ops_db.error().to_string() << "\n";
    return kUsage;
  }
  ops::OpsServiceOptions ops_options;
  ops_options.now = [&d] { return d->now(); };
  ops_options.to_local = ops::system_local_time;
  ops_options.output_folders = outputs;
  ops_options.intake_folders = intakes;
  auto ops = ops::OpsService::create(cfg, std::move(*ops_db), &metrics, ops_options);
  if (!ops) {
    err << config::format_diagnostics(ops.error());
    return kUsage;
  }
  auto gauges_db = d->open_connection();
  if (!gauges_db) {
    err << gauges_db.error().to_string() << "\n";
    return kUsage;
  }
  std::mutex gauges_lock;
  registry.add_collector([&] {
    std::lock_guard guard(gauges_lock);
    (void)metrics::refresh_store_gauges(**gauges_db, metrics);
  });

  // Remote intake ([[pollers]]): its own thread, storing through the daemon.
  daemon::RemotePollerOptions poller_options;
  poller_options.now = [&d] { return d->now(); };
  poller_options.to_local = ops::system_local_time;
  poller_options.metrics = &registry;
  poller_options.stored = [&d] { d->wake(); };
  daemon::RemotePoller poller(
      cfg, [&d] { return d->routes(); },
      [&d](const daemon::InboundMessage& m) { return d->receive(m); }, poller_options);

  daemon::DaemonBackend backend(*d);
  backend.set_job_runner([&](const http::JobRequest& r) { return (*ops)->run_job(r); });
  backend.set_job_runs_source(
      [&](const std::string& tenant, int limit) { return (*ops)->list_runs(tenant, limit); });
  backend.set_health_source([&] {
    std::vector<std::string> problems;
    for (const auto& p : (*ops)->health().problems) problems.push_back(p);
    for (auto& p : poller.problems()) problems.push_back(std::move(p));
    return problems;
  });
  backend.set_metrics_source([&] {
    metrics.set_ready(backend_ready(d->problems(), (*ops)->health().problems) &&
                      poller.problems().empty());
    return registry.render();
  });
  if (auto started = (*ops)->start(); !started) {
    err << started.error().to_string() << "\n";
    return kUsage;
  }
  d->start();
  poller.start();
  // The HTTP API and dashboard over the same daemon.
  http::Server server(backend, http::server_options_from_config(cfg));
  auto port = server.start();
  if (!port) {
    err << port.error().to_string() << "\n";
    poller.stop();
    d->stop();
    (*ops)->stop();
    return kUsage;
  }
  out << "carebridge serve: HTTP API and dashboard on " << (server.tls() ? "https" : "http")
      << "://" << cfg.server.listen << ":" << *port << "/" << std::endl;
  const auto running = d->config();
  out << "carebridge serve: " << running.routes.size() << " route(s), "
      << running.pollers.size() << " poller(s), store "
      << running.resolve(running.store.path).string() << "; SIGHUP reloads, SIGTERM stops"
      << std::endl;
  spdlog::info("serving {} route(s)", running.routes.size());
  for (;;) {
    int sig = 0;
    if (sigwait(&signals, &sig) != 0) continue;
    if (sig == SIGHUP) {
      config::Config next;
      Date next_date = Date::min();
      std::ostringstream problems;
      if (load_configuration(global, "", next, next_date, problems)) {
        spdlog::error("reload refused, the old configuration stays: {}", problems.str());
        continue;
      }
      auto r = d->reload(next);
      if (!r) {
        spdlog::error("reload refused, the old configuration stays: {}",
                      config::format_diagnostics(r.error()));
        err << "reload refused:\n" << config::format_diagnostics(r.error());
      } else {
        poller.reload(next);
        spdlog::info("reloaded {} route(s), {} poller(s)", next.routes.size(),
                     next.pollers.size());
      }
      continue;
    }
    spdlog::info("stopping on signal {}", sig);
    break;
  }
  server.stop();
  poller.stop();
  d->stop();
  (*ops)->stop();
  out << "carebridge serve: stopped" << std::endl;
  return kOk;
}

int messages_list(const GlobalOptions& global, const MessagesQuery& q, std::ostream& out,
                  std::ostream& err) {
  int rc = kOk;
  auto d = setup(global, err, rc);
  if (!d) return rc;
  http::MessageFilter f;
  f.tenant = q.tenant;
  f.route = q.route;
  f.state = q.state;
  f.direction = q.direction;
  f.text = q.text;
  f.limit = q.limit;
  auto rows = d->with_api_db([&](store::Database& db) { return daemon::list_messages(db, f); });
  if (!rows) {
    err << rows.error().to_string() << "\n";
    return kUsage;
  }
  out << pad("id", 8) << pad("dir", 4) << pad("state", 10) << pad("route", 18) << pad("tenant", 20)
      << pad("diag", 5) << "source\n";
  for (const auto& m : *rows) {
    out << pad(std::to_string(m.id), 8) << pad(m.direction, 4) << pad(m.state, 10)
        << pad(m.route, 18) << pad(m.tenant, 20) << pad(std::to_string(m.diagnostic_count), 5)
        << m.source << "\n";
  }
  return kOk;
}

int messages_show(const GlobalOptions& global, std::int64_t id, bool with_bytes, std::ostream& out,
                  std::ostream& err) {
  int rc = kOk;
  auto d = setup(global, err, rc);
  if (!d) return rc;
  auto m = d->with_api_db([&](store::Database& db) { return daemon::get_message(db, "", id); });
  if (!m) {
    err << m.error().to_string() << "\n";
    return kUsage;
  }
  if (!*m) {
    err << Diagnostic::make(DiagCode::DaemonNoMessage, "no message " + std::to_string(id)).to_string()
        << "\n";
    return kInvalidInput;
  }
  const auto& s = (*m)->summary;
  out << "message " << s.id << " (" << (s.direction == "in" ? "inbound" : "outbound") << ")\n"
      << "  tenant   " << s.tenant << "\n  route    " << s.route << "\n  adapter  " << s.adapter
      << "\n  source   " << s.source << "\n  state    " << s.state << "\n  attempts "
      << s.attempts << (s.next_attempt_at.empty() ? "" : ", next at " + s.next_attempt_at)
      << "\n  size     " << s.byte_size << " bytes" << ((*m)->bytes_pruned ? " (body pruned)" : "")
      << "\n  sha256   " << (*m)->content_hash << "\n  created  " << s.created_at << "\n";
  if (!s.business_key.empty()) out << "  key      " << s.business_key << "\n";
  out << "events:\n";
  for (const auto& e : (*m)->events) {
    out << "  " << e.at << "  " << pad(e.actor, 14) << " "
        << (e.from_state.empty() ? "-" : e.from_state) << " → " << e.to_state
        << (e.note.empty() ? "" : "  " + e.note) << "\n";
  }
  if (!(*m)->diagnostics.empty()) {
    out << "diagnostics:\n";
    for (const auto& g : (*m)->diagnostics) {
      out << "  " << g.severity << " " << g.code << " " << g.location << ": " << g.message
          << (g.hint.empty() ? "" : " — " + g.hint) << "\n";
    }
  }
  if (with_bytes) out << "bytes:\n" << (*m)->bytes << "\n";
  return kOk;
}

int messages_reprocess(const GlobalOptions& global, const ReprocessArgs& a, std::ostream& out,
                       std::ostream& err) {
  if (a.ids.empty() && !a.all &&
      (a.filter.route.empty() && a.filter.state.empty() && a.filter.text.empty())) {
    err << "reprocess: name message ids, or a filter (--route, --state, --text)\n";
    return kUsage;
  }
  int rc = kOk;
  auto d = setup(global, err, rc);
  if (!d) return rc;
  daemon::ReprocessSelection sel;
  sel.ids = a.ids;
  sel.tenant = a.filter.tenant;
  sel.route = a.filter.route;
  sel.state = a.filter.state;
  sel.direction = a.filter.direction;
  sel.text = a.filter.text;
  sel.destination = a.destination;
  sel.reason = a.reason;
  sel.actor = a.actor.empty() ? "cli" : a.actor;
  sel.limit = a.filter.limit;
  auto r = d->reprocess(sel);
  if (!r) {
    err << r.error().to_string() << "\n";
    return kInvalidInput;
  }
  out << r->requeued.size() << " message(s) requeued";
  for (auto id : r->requeued) out << " " << id;
  out << "\n";
  for (const auto& [id, why] : r->refused) out << "  message " << id << " refused: " << why << "\n";
  out << "a running `carebridge serve` picks them up; without one they wait\n";
  return r->refused.empty() ? kOk : kInvalidInput;
}

int route_test(const GlobalOptions& global, const std::string& route, const std::string& file,
               std::ostream& out, std::ostream& err) {
  int rc = kOk;
  auto d = setup(global, err, rc);
  if (!d) return rc;
  std::string bytes;
  if (!read_file(file, bytes)) {
    err << Diagnostic::make(DiagCode::ImportFileUnreadable, "cannot read " + file,
                            Location{.file = file})
               .to_string()
        << "\n";
    return kInvalidInput;
  }
  auto routes = d->routes();
  auto r = d->with_api_db([&](store::Database& db) {
    return daemon::dry_run(db, *routes, route, fs::path(file).filename().string(), bytes, d->now());
  });
  if (!r) {
    err << r.error().to_string() << "\n";
    return kUsage;
  }
  out << "route " << route << ", file " << file << ": would be " << r->state;
  if (!r->applied_summary.empty()) out << " (" << r->applied_summary << ")";
  out << "\n";
  for (const auto& g : r->diagnostics) out << "  " << g.to_string() << "\n";
  for (const auto& o : r->outputs) {
    out << "--- would write " << o.file_name << " to " << o.destination << " [" << o.adapter
        << ", " << o.bytes.size() << " bytes]\n"
        << o.bytes;
    if (!o.bytes.empty() && o.bytes.back() != '\n') out << "\n";
  }
  out << "(nothing was stored, applied or written)\n";
  return r->state == "applied" ? kOk : kInvalidInput;
}

int demo_through_daemon(const config::Config& cfg, const std::vector<fs::path>& inbox,
                        std::ostream& out, std::ostream& err) {
  auto d = open_daemon(cfg, err);
  if (!d) return kUsage;
  const daemon::CompiledRoute* route = nullptr;
  for (const auto& r : d->routes()->routes()) {
    if (r.folder) {
      route = &r;
      break;
    }
  }
  if (route == nullptr) {
    err << "demo: the configuration has no route reading a folder\n";
    return kUsage;
  }
  auto routes = d->routes();  // keeps `route` alive
  std::int64_t last_id = d->with_api_db([](store::Database& db) {
    auto st = db.prepare("SELECT coalesce(max(id), 0) FROM messages");
    auto s = st->step();
    return s && *s == store::Step::row ? st->column_int(0) : std::int64_t{0};
  });
  auto pass = [&](const std::vector<fs::path>& files) -> bool {
    fs::create_directories(*route->folder);
    for (const auto& f : files) {
      // Like a well-behaved sender: temp name, then rename into the folder.
      const fs::path temp = *route->folder / ("." + f.filename().string() + ".part");
      fs::copy_file(f, temp, fs::copy_options::overwrite_existing);
      fs::rename(temp, *route->folder / f.filename());
    }
    return d->run_until_idle(30s);
  };
  out << "   intake folder " << route->folder->string() << " → route " << route->name << "\n";
  if (!pass(inbox) || !pass({inbox.front()})) {
    err << "demo: the daemon did not finish in time\n";
    return kUsage;
  }
  http::MessageFilter f;
  f.limit = 1000;
  auto rows = d->with_api_db([&](store::Database& db) { return daemon::list_messages(db, f); });
  if (!rows) {
    err << rows.error().to_string() << "\n";
    return kUsage;
  }
  std::reverse(rows->begin(), rows->end());
  for (const auto& m : *rows) {
    if (m.id <= last_id) continue;
    out << "   message " << m.id << " " << (m.direction == "in" ? "in  " : "out ") << pad(m.state, 10)
        << m.source;
    if (m.diagnostic_count > 0) out << "  (" << m.diagnostic_count << " diagnostic(s))";
    out << "\n";
  }
  const auto c = d->counters();
  out << "   delivered " << c.delivered << " file(s), duplicates recognised " << c.duplicates
      << "\n";
  return kOk;
}

}  // namespace cb::cli
