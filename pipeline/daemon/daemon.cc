#include "pipeline/daemon/daemon.h"

#include <malloc.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "pipeline/daemon/delivery.h"
#include "pipeline/metrics/pipeline_metrics.h"
#include "pipeline/store/sqlite_database.h"

namespace cb::daemon {

namespace fs = std::filesystem;

namespace {

store::Timestamp system_now() {
  return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

bool read_whole(const fs::path& p, std::string& out, int& err) {
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    err = errno;
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    err = EIO;
    return false;
  }
  out = std::move(ss).str();
  return true;
}

store::Timestamp parse_ts(const std::string& t) {
  // "YYYY-MM-DDTHH:MM:SS.mmmZ"
  auto num = [&](std::size_t pos, std::size_t len) {
    int v = 0;
    for (std::size_t i = pos; i < pos + len && i < t.size(); ++i) v = v * 10 + (t[i] - '0');
    return v;
  };
  using namespace std::chrono;
  const sys_days day = year{num(0, 4)} / month{static_cast<unsigned>(num(5, 2))} /
                       std::chrono::day{static_cast<unsigned>(num(8, 2))};
  return store::Timestamp(day) + hours{num(11, 2)} + minutes{num(14, 2)} + seconds{num(17, 2)} +
         milliseconds{num(20, 3)};
}

const std::vector<double> kLatencyBounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};

}  // namespace

Daemon::Daemon(DaemonOptions options)
    : options_(std::move(options)),
      remover_([](const fs::path& file, const std::string& why) {
        spdlog::warn("{} stored {} but cannot remove it: {}", code_id(DiagCode::DaemonIntakeFile),
                     file.string(), why);
      }) {}

Daemon::~Daemon() {
  stop();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void tune_allocator_for_daemon() {
  // Returning freed memory to the kernel after every transaction (glibc's
  // heap trimming of thread arenas) costs a TLB shootdown on every core each
  // time; the daemon's working set is small and steady, so keep it.
  ::mallopt(M_TRIM_THRESHOLD, 256 << 20);
  ::mallopt(M_MMAP_THRESHOLD, 64 << 20);
}

cb::Expected<std::unique_ptr<Daemon>, Diagnostics> Daemon::open(DaemonOptions options) {
  std::unique_ptr<Daemon> d(new Daemon(std::move(options)));
  DaemonOptions& o = d->options_;
  d->registry_ = o.registry != nullptr ? o.registry : &adapters::default_registry();
  d->clock_ = o.clock ? o.clock : system_now;
  auto routes = compile_routes(o.config, *d->registry_);
  if (!routes) return cb::Unexpected(std::move(routes.error()));
  d->routes_ = std::move(*routes);
  d->config_ = o.config;
  // Intake and output folders exist from the start, so readiness checks and
  // senders find them (a folder that cannot be made shows up in health).
  for (const auto& r : d->routes_->routes()) {
    std::error_code ec;
    if (r.folder) fs::create_directories(*r.folder, ec);
    for (const auto& out : r.outputs) {
      if (out.destination.kind == DestinationSpec::Kind::folder) {
        fs::create_directories(out.destination.folder, ec);
      }
    }
  }
  d->resolver_ = o.resolver ? o.resolver : default_resolver(o.config);
  const auto& dc = o.config.delivery;
  const std::uint64_t seed =
      o.jitter_seed != 0 ? o.jitter_seed
                         : static_cast<std::uint64_t>(system_now().time_since_epoch().count());
  d->retry_ = make_retry_policy(std::chrono::milliseconds(dc.retry_base_ms),
                                std::chrono::milliseconds(dc.retry_cap_ms),
                                static_cast<int>(dc.retry_limit), seed);
  d->batch_ = static_cast<int>(dc.batch);
  for (auto& r : d->counters_.latency_buckets) r.second = 0;
  for (double b : kLatencyBounds) d->counters_.latency_buckets.emplace_back(b, 0);

  if (!o.open_store) {
    const config::Config cfg = o.config;
    auto clock = d->clock_;
    o.open_store = [cfg, clock]() -> Result<std::unique_ptr<store::Database>> {
      std::error_code ec;
      fs::create_directories(cfg.workdir, ec);
      store::SqliteOptions so;
      so.path = cfg.resolve(cfg.store.path).string();
      so.synchronous = cfg.store.synchronous == config::SyncMode::full
                           ? store::Synchronous::full
                           : store::Synchronous::normal;
      so.now = [clock] { return store::format_timestamp(clock()); };
      auto db = store::SqliteDatabase::open(so);
      if (!db) return Unexpected(db.error());
      return std::unique_ptr<store::Database>(std::move(*db));
    };
  }
  for (auto* slot : {&d->pipeline_db_, &d->delivery_db_, &d->api_db_}) {
    auto db = o.open_store();
    if (!db) return cb::Unexpected(Diagnostics{db.error()});
    *slot = std::move(*db);
  }
  d->pipeline_cache_ = std::make_unique<StatementCache>(*d->pipeline_db_);
  d->wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  return d;
}

std::shared_ptr<const RouteTable> Daemon::routes() const {
  std::lock_guard guard(config_lock_);
  return routes_;
}

config::Config Daemon::config() const {
  std::lock_guard guard(config_lock_);
  return config_;
}

cb::Expected<void, Diagnostics> Daemon::reload(const config::Config& cfg) {
  auto routes = compile_routes(cfg, *registry_);
  if (!routes) return cb::Unexpected(std::move(routes.error()));
  {
    std::lock_guard guard(config_lock_);
    routes_ = std::move(*routes);
    config_ = cfg;
    if (!options_.resolver) resolver_ = default_resolver(cfg);
  }
  rewatch_ = true;
  wake();
  return {};
}

void Daemon::wake() {
  if (wake_fd_ >= 0) {
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
  }
  {
    std::lock_guard guard(delivery_wait_lock_);
    delivery_signal_ = true;
  }
  delivery_wake_.notify_all();
}

void Daemon::rewatch(const RouteTable& routes) {
  // The new watches scan their folders: files of committed messages must be
  // gone by then, or they would come in again as duplicates.
  remover_.drain();
  watcher_.clear();
  std::map<std::string, std::string> problems;
  for (const auto& r : routes.routes()) {
    if (!r.folder) continue;
    std::string error;
    if (!watcher_.watch(*r.folder, error)) {
      problems[r.name] = error;
      spdlog::error("{} {}", code_id(DiagCode::DaemonIntakeFile), error);
    }
  }
  std::lock_guard guard(stats_lock_);
  intake_problems_ = std::move(problems);
}

int Daemon::intake_step(const RouteTable& routes) {
  watcher_.poll_events();
  auto files = watcher_.take(static_cast<std::size_t>(batch_));
  if (files.empty()) return 0;
  std::vector<InboundMessage> batch;
  std::vector<fs::path> taken;
  for (const auto& f : files) {
    const CompiledRoute* route = routes.for_folder(f.parent_path());
    if (route == nullptr) continue;
    InboundMessage m;
    int err = 0;
    if (!read_whole(f, m.bytes, err)) {
      if (err != ENOENT) {
        spdlog::warn("{} cannot read {}: {}", code_id(DiagCode::DaemonIntakeFile), f.string(),
                     std::strerror(err));
      }
      continue;
    }
    m.tenant = route->tenant;
    m.route = route->name;
    m.adapter = route->adapter->info().name;
    m.source = f.filename().string();
    m.actor = "intake";
    m.note = "from folder " + f.parent_path().string();
    batch.push_back(std::move(m));
    taken.push_back(f);
  }
  if (batch.empty()) return 0;
  // One transaction stores the batch as received and routes it (group
  // commit); only after it committed do the files leave the folder.
  std::vector<Received> received;
  std::vector<ProcessOutcome> outcomes;
  std::unique_lock writing(write_lock_);
  const auto now = clock_();
  auto ok = pipeline_db_->transaction([&](store::Transaction& tx) -> Result<void> {
    received.clear();
    outcomes.clear();
    MessageLog log(tx, store::format_timestamp(now), pipeline_cache_.get());
    for (const auto& m : batch) {
      auto r = log.receive(m);
      if (!r) return Unexpected(r.error());
      received.push_back(*r);
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (received[i].duplicate) continue;
      StoredMessage msg;
      msg.id = received[i].id;
      msg.tenant = batch[i].tenant;
      msg.direction = "in";
      msg.route = batch[i].route;
      msg.adapter = batch[i].adapter;
      msg.source = batch[i].source;
      msg.state = "received";
      msg.bytes = batch[i].bytes;
      auto p = process_message(tx, routes, msg, now, "", retry_, "pipeline", pipeline_cache_.get());
      if (!p) return Unexpected(p.error());
      outcomes.push_back(std::move(*p));
    }
    return {};
  });
  writing.unlock();
  if (!ok) {
    // Nothing stored: the files stay and are offered again on the next scan.
    spdlog::error("intake: {}", ok.error().to_string());
    for (const auto& f : taken) watcher_.forget(f);
    return 0;
  }
  // Stored and committed: only now the files leave the folder.
  remover_.remove(std::move(taken));
  {
    std::lock_guard guard(stats_lock_);
    for (std::size_t i = 0; i < received.size(); ++i) {
      if (received[i].duplicate) {
        ++counters_.duplicates;
      } else {
        ++counters_.received[batch[i].route];
      }
    }
  }
  after_routing(outcomes);
  return static_cast<int>(batch.size());
}

void Daemon::count_outcomes(const std::vector<ProcessOutcome>& outcomes) {
  std::lock_guard guard(stats_lock_);
  for (const auto& o : outcomes) {
    ++counters_.routed[{o.route, o.state}];
    if (options_.metrics != nullptr) {
      options_.metrics->message_state(o.route, o.state);
      for (std::size_t i = 0; i < o.outputs.size(); ++i) options_.metrics->message_state(o.route, "emitted");
      if (o.state == "dead") options_.metrics->dead_letter(o.route);
    }
  }
}

int Daemon::pipeline_step() {
  auto routes = this->routes();
  if (rewatch_.exchange(false)) rewatch(*routes);
  int n = intake_step(*routes);
  std::vector<ProcessOutcome> outcomes;
  std::unique_lock writing(write_lock_);
  auto routed = process_due(*pipeline_db_, *routes, clock_(), batch_, retry_, &outcomes,
                            pipeline_cache_.get());
  writing.unlock();
  if (!routed) {
    spdlog::error("routing: {}", routed.error().to_string());
    return n;
  }
  after_routing(outcomes);
  return n + *routed;
}

void Daemon::after_routing(const std::vector<ProcessOutcome>& outcomes) {
  count_outcomes(outcomes);
  bool emitted = false;
  for (const auto& o : outcomes) {
    emitted = emitted || !o.outputs.empty();
    if (o.state == "rejected") {
      spdlog::warn("message {} on route {} rejected: {}", o.message_id, o.route,
                   o.diagnostics.empty() ? "" : o.diagnostics.front().to_string());
    }
  }
  if (emitted) {
    {
      std::lock_guard guard(delivery_wait_lock_);
      delivery_signal_ = true;
    }
    delivery_wake_.notify_all();
  }
}

int Daemon::delivery_step() {
  DestinationResolver resolve;
  {
    std::lock_guard guard(config_lock_);
    resolve = resolver_;
  }
  const auto now = clock_();
  auto round = deliver_due(*delivery_db_, resolve, now, batch_, retry_, &write_lock_);
  if (!round) {
    spdlog::error("delivery: {}", round.error().to_string());
    return 0;
  }
  std::lock_guard guard(stats_lock_);
  counters_.delivered += round->delivered;
  counters_.retries += round->retried;
  counters_.dead += round->dead;
  for (const auto& [dest, error] : round->destination_status) {
    if (error.empty()) {
      destination_problems_.erase(dest);
    } else {
      if (!destination_problems_.contains(dest)) {
        spdlog::warn("{} destination {}: {} (messages wait and are retried)",
                     code_id(DiagCode::DaemonDelivery), dest, error);
      }
      destination_problems_[dest] = error;
    }
  }
  if (auto* m = options_.metrics) {
    for (const auto& [route, dest] : round->retried_routes) m->retry(route, dest);
    for (const auto& route : round->dead_routes) {
      m->dead_letter(route);
      m->message_state(route, "dead");
    }
  }
  for (std::size_t i = 0; i < round->delivered_created_at.size(); ++i) {
    const auto& created = round->delivered_created_at[i];
    const double s =
        std::chrono::duration<double>(now - parse_ts(created)).count();
    if (auto* m = options_.metrics) {
      m->message_state(round->delivered_routes[i], "delivered");
      m->processing_latency(round->delivered_routes[i], "delivery", s);
    }
    counters_.latency_sum += s;
    ++counters_.latency_count;
    for (auto& [bound, count] : counters_.latency_buckets) {
      if (s <= bound) ++count;
    }
  }
  return round->delivered + round->retried + round->dead;
}

bool Daemon::run_until_idle(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int quiet = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    const int n = pipeline_step() + delivery_step();
    if (n == 0 && watcher_.ready() == 0 && watcher_.settling() == 0) {
      if (++quiet >= 2) return true;
    } else {
      quiet = 0;
    }
    if (n == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

void Daemon::pipeline_loop() {
  while (!stopping_) {
    const int n = pipeline_step();
    if (n > 0) continue;
    pollfd fds[2] = {{watcher_.fd(), POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    const int wait_ms = watcher_.settling() > 0 ? 50 : 500;
    ::poll(fds, 2, wait_ms);
    if ((fds[1].revents & POLLIN) != 0) {
      std::uint64_t v = 0;
      [[maybe_unused]] auto r = ::read(wake_fd_, &v, sizeof v);
    }
  }
}

void Daemon::delivery_loop() {
  while (!stopping_) {
    const int n = delivery_step();
    if (n > 0) continue;
    std::unique_lock lock(delivery_wait_lock_);
    delivery_wake_.wait_for(lock, std::chrono::milliseconds(200),
                            [&] { return delivery_signal_ || stopping_.load(); });
    delivery_signal_ = false;
  }
}

void Daemon::start() {
  stopping_ = false;
  remover_.start();
  pipeline_thread_ = std::thread([this] { pipeline_loop(); });
  delivery_thread_ = std::thread([this] { delivery_loop(); });
}

void Daemon::stop() {
  stopping_ = true;
  wake();
  if (pipeline_thread_.joinable()) pipeline_thread_.join();
  if (delivery_thread_.joinable()) delivery_thread_.join();
  remover_.stop();
}

Result<Received> Daemon::receive(const InboundMessage& m) {
  Received out;
  auto ok = with_api_db_writing([&](store::Database& db) {
    return db.transaction([&](store::Transaction& tx) -> Result<void> {
      MessageLog log(tx, store::format_timestamp(clock_()));
      auto r = log.receive(m);
      if (!r) return Unexpected(r.error());
      out = *r;
      return {};
    });
  });
  if (!ok) return Unexpected(ok.error());
  {
    std::lock_guard guard(stats_lock_);
    if (out.duplicate) {
      ++counters_.duplicates;
    } else {
      ++counters_.received[m.route];
    }
  }
  wake();
  return out;
}

Result<ReprocessOutcome> Daemon::reprocess(const ReprocessSelection& sel) {
  ReprocessOutcome out;
  const config::Config cfg = config();
  if (!sel.destination.empty()) {
    auto dest = parse_destination(sel.destination, cfg);
    if (!dest) return Unexpected(dest.error());
  }
  const std::string actor = sel.actor.empty() ? "cli" : sel.actor;
  const std::string why =
      "reprocess" + (sel.reason.empty() ? std::string() : ": " + sel.reason) +
      (sel.destination.empty() ? std::string() : " (to " + sel.destination + ")");
  auto ok = with_api_db_writing([&](store::Database& db) {
    return db.transaction([&](store::Transaction& tx) -> Result<void> {
      out = {};
      std::vector<std::int64_t> ids = sel.ids;
      if (ids.empty()) {
        auto st = tx.prepare(
            "SELECT m.id FROM messages m WHERE (?1 = '' OR m.tenant = ?1) AND (?2 = '' OR "
            "m.route = ?2) AND (?3 = '' OR m.state = ?3) AND (?4 = '' OR m.direction = ?4) AND "
            "(?5 = '' OR instr(m.source, ?5) > 0 OR instr(coalesce(m.business_key, ''), ?5) > 0 "
            "OR EXISTS (SELECT 1 FROM message_diagnostics d WHERE d.message_id = m.id AND "
            "(d.code = ?5 OR instr(d.message, ?5) > 0))) ORDER BY m.id LIMIT ?6");
        st->bind_text(1, sel.tenant).bind_text(2, sel.route).bind_text(3, sel.state);
        st->bind_text(4, sel.direction).bind_text(5, sel.text).bind_int(6, sel.limit);
        for (;;) {
          auto s = st->step();
          if (!s) return Unexpected(s.error());
          if (*s == store::Step::done) break;
          ids.push_back(st->column_int(0));
        }
      }
      MessageLog log(tx, store::format_timestamp(clock_()));
      for (std::int64_t id : ids) {
        auto info = tx.prepare("SELECT tenant, direction, state, source FROM messages WHERE id = ?1");
        info->bind_int(1, id);
        auto s = info->step();
        if (!s) return Unexpected(s.error());
        if (*s == store::Step::done || (!sel.tenant.empty() && info->column_text(0) != sel.tenant)) {
          out.refused[id] = "no such message";
          continue;
        }
        const std::string tenant = info->column_text(0);
        const std::string direction = info->column_text(1);
        const std::string state = info->column_text(2);
        const std::string source = info->column_text(3);
        info->reset();
        if (direction == "in") {
          if (state == "received" || state == "parsed") {
            out.refused[id] = "already waiting to be routed (" + state + ")";
            continue;
          }
          auto moved = log.move(id, state, "received", actor, why);
          if (!moved) return Unexpected(moved.error());
          if (auto r = log.set_retry(id, 0, std::nullopt); !r) return r;
          auto dest = tx.prepare("UPDATE messages SET reprocess_destination = ?2 WHERE id = ?1");
          dest->bind_int(1, id);
          if (sel.destination.empty()) {
            dest->bind_null(2);
          } else {
            dest->bind_text(2, sel.destination);
          }
          if (auto r = dest->run(); !r) return r;
          out.requeued.push_back(id);
          continue;
        }
        // Outbound: deliver again, to the same or the chosen destination.
        auto last = tx.prepare(
            "SELECT id, state, coalesce(payload, '') FROM outbox WHERE message_id = ?1 "
            "ORDER BY id DESC LIMIT 1");
        last->bind_int(1, id);
        auto ls = last->step();
        if (!ls) return Unexpected(ls.error());
        std::string file_name = "message-" + std::to_string(id);
        if (*ls == store::Step::row) {
          file_name = last->column_text(2);
          const std::string ostate = last->column_text(1);
          const std::int64_t oid = last->column_int(0);
          last->reset();
          if (ostate == "pending" || ostate == "claimed") {
            if (!sel.destination.empty()) {
              out.refused[id] = "a delivery is still pending; wait for it or its dead letter";
              continue;
            }
            auto due = tx.prepare(
                "UPDATE outbox SET next_attempt_at = ?2, attempts = 0, updated_at = ?2 WHERE id = ?1");
            due->bind_int(1, oid).bind_text(2, log.now());
            if (auto r = due->run(); !r) return r;
            if (auto r = log.note(id, state, actor, why + "; retry now"); !r) return r;
            out.requeued.push_back(id);
            continue;
          }
        }
        const std::string dest = sel.destination.empty() ? source : sel.destination;
        auto moved = log.move(id, state, "emitted", actor, why);
        if (!moved) return Unexpected(moved.error());
        if (auto r = log.set_retry(id, 0, std::nullopt); !r) return r;
        if (auto q = log.enqueue(tenant, id, dest, file_name); !q) return Unexpected(q.error());
        out.requeued.push_back(id);
      }
      return {};
    });
  });
  if (!ok) return Unexpected(ok.error());
  wake();
  return out;
}

DaemonCounters Daemon::counters() const {
  std::lock_guard guard(stats_lock_);
  return counters_;
}

std::vector<std::string> Daemon::problems() const {
  std::lock_guard guard(stats_lock_);
  std::vector<std::string> out;
  for (const auto& [dest, error] : destination_problems_) {
    out.push_back("destination " + dest + ": " + error + " — messages wait and are retried");
  }
  for (const auto& [route, error] : intake_problems_) {
    out.push_back("intake of route " + route + ": " + error);
  }
  return out;
}

}  // namespace cb::daemon
