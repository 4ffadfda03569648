#include "pipeline/daemon/remote_poller.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <sstream>

#include "pipeline/metrics/metrics_registry.h"

namespace cb::daemon {
namespace {

using std::chrono::milliseconds;

store::Timestamp system_now() {
  return std::chrono::floor<milliseconds>(std::chrono::system_clock::now());
}

ops::LocalMinutes utc_local(store::Timestamp t) {
  return ops::LocalMinutes{std::chrono::floor<std::chrono::minutes>(t.time_since_epoch())};
}

/// Everything that makes two poller entries behave differently.
std::string fingerprint(const config::PollerConfig& c) {
  std::ostringstream s;
  auto opt = [&](const auto& v) {
    if (v) {
      s << *v;
    } else {
      s << "-";
    }
    s << '\n';
  };
  s << c.name << '\n' << c.url << '\n';
  opt(c.interval_seconds);
  opt(c.schedule);
  s << config::to_string(c.effective_mode()) << '\n'
    << config::to_string(c.effective_after_fetch()) << '\n';
  opt(c.move_to);
  opt(c.username);
  opt(c.password_file);
  opt(c.password_env);
  opt(c.bearer_token_file);
  opt(c.bearer_token_env);
  opt(c.private_key_file);
  opt(c.known_hosts);
  opt(c.host_key_sha256);
  opt(c.ca_file);
  s << c.verify << ' ' << c.max_bytes << ' ' << c.timeout_seconds << ' ' << c.unready_after << ' '
    << c.enabled;
  return s.str();
}

std::string when(const std::optional<store::Timestamp>& t) {
  return t ? store::format_timestamp(*t) : std::string("never");
}

}  // namespace

struct RemotePoller::State {
  config::PollerConfig cfg;
  std::string fingerprint;
  std::optional<ops::CronSchedule> cron;
  PollerStatus status;
  store::Timestamp next_regular_at{};
  store::Timestamp due{};
  std::set<std::string> seen;  // entries handled (kept, or not removable) while listed
  std::string etag, last_modified;
};

RemotePoller::RemotePoller(const config::Config& cfg, RouteSource routes, PollSink sink,
                           RemotePollerOptions options)
    : routes_(std::move(routes)), sink_(std::move(sink)), options_(std::move(options)) {
  if (!options_.now) options_.now = system_now;
  if (!options_.to_local) options_.to_local = utc_local;
  if (options_.retry) {
    retry_ = *options_.retry;
  } else {
    const auto& dc = cfg.delivery;
    retry_ = make_retry_policy(milliseconds(dc.retry_base_ms), milliseconds(dc.retry_cap_ms),
                               static_cast<int>(dc.retry_limit),
                               static_cast<std::uint64_t>(system_now().time_since_epoch().count()));
  }
  if (auto* reg = options_.metrics) {
    rounds_ = &reg->counter("carebridge_poller_rounds_total",
                            "Polling rounds of remote sources by outcome (ok, nothing, "
                            "transient, permanent).",
                            {"poller", "outcome"});
    files_ = &reg->counter("carebridge_poller_files_total",
                           "Remote files by outcome (stored, duplicate, acknowledged, too_large, "
                           "ack_failed, refused).",
                           {"poller", "outcome"});
    failing_ = &reg->gauge("carebridge_poller_failed_intervals",
                           "Regular polls in a row that failed (0 when the poller is fine).",
                           {"poller"});
    last_success_ = &reg->gauge("carebridge_poller_last_success_timestamp_seconds",
                                "Unix time of the last successful polling round.", {"poller"});
  }
  set_pollers(cfg, false);
}

RemotePoller::~RemotePoller() { stop(); }

void RemotePoller::set_pollers(const config::Config& cfg, bool keep_state) {
  const auto now = options_.now();
  std::vector<std::shared_ptr<State>> next;
  std::lock_guard guard(lock_);
  workdir_ = cfg.workdir;
  for (const auto& pc : cfg.pollers) {
    const std::string fp = fingerprint(pc);
    if (keep_state) {
      auto it = std::find_if(states_.begin(), states_.end(),
                             [&](const auto& s) { return s->fingerprint == fp; });
      if (it != states_.end()) {
        next.push_back(*it);
        continue;
      }
    }
    auto s = std::make_shared<State>();
    s->cfg = pc;
    s->fingerprint = fp;
    if (pc.schedule) s->cron = ops::CronSchedule::parse(*pc.schedule);
    s->status.name = pc.name;
    s->status.url = pc.url;
    s->status.enabled = pc.enabled;
    for (const auto& rc : cfg.routes) {
      if (rc.match.poller && *rc.match.poller == pc.name) s->status.route = rc.name;
    }
    s->next_regular_at = now;
    s->due = now;
    s->status.next_poll = now;
    next.push_back(std::move(s));
  }
  states_ = std::move(next);
}

void RemotePoller::reload(const config::Config& cfg) {
  set_pollers(cfg, true);
  {
    std::lock_guard guard(wait_lock_);
    signal_ = true;
  }
  wake_.notify_all();
}

std::size_t RemotePoller::size() const {
  std::lock_guard guard(lock_);
  return states_.size();
}

store::Timestamp RemotePoller::next_regular(const State& s, store::Timestamp after) const {
  if (s.cfg.interval_seconds) return after + std::chrono::seconds(*s.cfg.interval_seconds);
  if (s.cron) {
    const auto local = options_.to_local(after);
    const auto offset = local.time_since_epoch() -
                        std::chrono::floor<std::chrono::minutes>(after.time_since_epoch());
    if (auto fire = s.cron->next_after(local)) {
      return store::Timestamp(
          std::chrono::duration_cast<milliseconds>(fire->time_since_epoch() - offset));
    }
  }
  return after + std::chrono::hours(24 * 365);
}

std::optional<store::Timestamp> RemotePoller::step() {
  std::vector<std::shared_ptr<State>> states;
  {
    std::lock_guard guard(lock_);
    states = states_;
  }
  for (auto& s : states) {
    if (stopping_) break;
    const auto now = options_.now();
    if (!s->cfg.enabled || s->due > now) continue;
    run(*s, now, now >= s->next_regular_at);
  }
  std::optional<store::Timestamp> earliest;
  std::lock_guard guard(lock_);
  for (const auto& s : states_) {
    if (!s->cfg.enabled) continue;
    if (!earliest || s->due < *earliest) earliest = s->due;
  }
  return earliest;
}

PollRound RemotePoller::poll_now(const std::string& name) {
  std::shared_ptr<State> s;
  {
    std::lock_guard guard(lock_);
    for (const auto& st : states_) {
      if (st->cfg.name == name) s = st;
    }
  }
  if (!s) return {RemoteStatus::permanent, "no poller named '" + name + "'"};
  return run(*s, options_.now(), true);
}

PollRound RemotePoller::run(State& s, store::Timestamp now, bool regular) {
  std::lock_guard one_at_a_time(run_lock_);
  PollRound round;
  auto routes = routes_ ? routes_() : nullptr;
  const CompiledRoute* route = routes ? routes->for_poller(s.cfg.name) : nullptr;
  if (route == nullptr) {
    round.status = RemoteStatus::permanent;
    round.reason = "no route takes its files (add match = { poller = \"" + s.cfg.name +
                   "\" } to a route)";
  } else {
    std::filesystem::path workdir;
    {
      std::lock_guard guard(lock_);
      workdir = workdir_;
    }
    auto credentials = read_credentials(s.cfg, workdir);
    if (!credentials) {
      round.status = RemoteStatus::permanent;
      round.reason = credentials.error().message;
    } else {
      RemoteSource source(s.cfg, workdir, std::move(*credentials),
                          [this] { return stopping_.load(); });
      round = run_round(s, source, *route);
    }
  }
  finish(s, round, now, regular);
  if ((round.stored > 0 || round.duplicates > 0) && options_.stored) options_.stored();
  return round;
}

bool RemotePoller::store_one(State& s, const CompiledRoute& route, const RemoteEntry& entry,
                             std::string bytes, PollRound& round) {
  InboundMessage m;
  m.tenant = route.tenant;
  m.route = route.name;
  m.adapter = route.adapter != nullptr ? route.adapter->info().name : "";
  m.source = "poller:" + s.cfg.name + "/" + entry.name;
  m.actor = "poller:" + s.cfg.name;
  m.note = "fetched from " + entry.url;
  m.bytes = std::move(bytes);
  auto r = sink_(m);
  if (!r) {
    round.status = RemoteStatus::transient;
    round.reason = "fetched " + entry.url + " but cannot store it: " + r.error().to_string();
    return false;
  }
  round.message_ids.push_back(r->id);
  if (r->duplicate) {
    ++round.duplicates;
    if (files_ != nullptr) files_->with({s.cfg.name, "duplicate"}).inc();
  } else {
    ++round.stored;
    if (files_ != nullptr) files_->with({s.cfg.name, "stored"}).inc();
  }
  return true;
}

PollRound RemotePoller::run_round(State& s, RemoteSource& source, const CompiledRoute& route) {
  PollRound round;
  auto file_problem = [&](const RemoteEntry& e, const std::string& why, DiagCode code,
                          const char* outcome) {
    s.seen.insert(e.key());
    if (files_ != nullptr) files_->with({s.cfg.name, outcome}).inc();
    std::lock_guard guard(lock_);
    auto [it, fresh] = s.status.file_problems.insert_or_assign(e.name, why);
    if (fresh) spdlog::error("{} poller {}: {}", code_id(code), s.cfg.name, why);
  };
  auto acknowledge = [&](const RemoteEntry& e, std::int64_t id) {
    auto ack = source.acknowledge(e);
    if (s.cfg.effective_after_fetch() == config::PollerAfterFetch::keep) {
      s.seen.insert(e.key());
    } else if (ack.ok()) {
      ++round.acknowledged;
      if (files_ != nullptr) files_->with({s.cfg.name, "acknowledged"}).inc();
    } else {
      file_problem(e,
                   e.name + " is stored (message " + std::to_string(id) +
                       ") but stays remotely: " + ack.reason,
                   DiagCode::PollerAck, "ack_failed");
    }
  };

  if (s.cfg.effective_mode() == config::PollerMode::single) {
    RemoteEntry e;
    e.url = s.cfg.url;
    std::string_view path = s.cfg.url;
    if (auto q = path.find_first_of("?#"); q != std::string_view::npos) path = path.substr(0, q);
    e.name = std::string(path.substr(path.rfind('/') + 1));
    if (e.name.empty()) e.name = s.cfg.name;
    auto f = source.fetch(e.url, s.etag, s.last_modified);
    if (f.result.status == RemoteStatus::too_large) {
      round.status = RemoteStatus::permanent;
      round.reason = f.result.reason;
      return round;
    }
    if (!f.result.ok()) {
      round.status = f.result.status;
      round.reason = f.result.reason;
      return round;
    }
    if (f.bytes.empty()) {
      round.status = RemoteStatus::nothing;
      return round;
    }
    round.fetched = 1;
    if (!store_one(s, route, e, std::move(f.bytes), round)) return round;
    s.etag = f.etag;
    s.last_modified = f.last_modified;
    if (s.cfg.effective_after_fetch() == config::PollerAfterFetch::delete_) {
      acknowledge(e, round.message_ids.back());
    }
    return round;
  }

  std::vector<RemoteEntry> entries;
  auto listed = source.list(entries);
  if (!listed.ok()) {
    round.status = listed.status;
    round.reason = listed.reason;
    return round;
  }
  // Forget what is no longer listed (removed remotely, or changed).
  {
    std::set<std::string> keys, names;
    for (const auto& e : entries) {
      keys.insert(e.key());
      names.insert(e.name);
    }
    std::erase_if(s.seen, [&](const std::string& k) { return !keys.contains(k); });
    std::lock_guard guard(lock_);
    std::erase_if(s.status.file_problems,
                  [&](const auto& kv) { return !names.contains(kv.first); });
  }
  if (entries.empty()) round.status = RemoteStatus::nothing;
  for (const auto& e : entries) {
    if (stopping_) {
      round.status = RemoteStatus::transient;
      round.reason = "stopped";
      return round;
    }
    if (s.seen.contains(e.key())) {
      ++round.skipped;
      continue;
    }
    if (e.size > s.cfg.max_bytes) {
      file_problem(e,
                   e.name + " has " + std::to_string(e.size) + " bytes, more than max_bytes (" +
                       std::to_string(s.cfg.max_bytes) + "); it stays remotely",
                   DiagCode::PollerTooLarge, "too_large");
      continue;
    }
    auto f = source.fetch(e.url);
    if (f.result.status == RemoteStatus::too_large) {
      file_problem(e, f.result.reason + "; it stays remotely", DiagCode::PollerTooLarge,
                   "too_large");
      continue;
    }
    if (f.result.status == RemoteStatus::permanent) {
      // Gone since the listing, or refused: this file only, the others go on.
      file_problem(e, f.result.reason, DiagCode::PollerPermanent, "refused");
      continue;
    }
    if (!f.result.ok() && f.result.status != RemoteStatus::nothing) {
      round.status = f.result.status;
      round.reason = f.result.reason;
      return round;  // the rest waits for the retry
    }
    ++round.fetched;
    if (!store_one(s, route, e, std::move(f.bytes), round)) return round;
    acknowledge(e, round.message_ids.back());
  }
  return round;
}

void RemotePoller::finish(State& s, const PollRound& round, store::Timestamp now, bool regular) {
  const bool ok = round.status == RemoteStatus::ok || round.status == RemoteStatus::nothing;
  const std::string& name = s.cfg.name;
  if (rounds_ != nullptr) rounds_->with({name, std::string(to_string(round.status))}).inc();
  if (!ok && stopping_) return;  // a transfer cut short by stop(): not the source's fault
  std::lock_guard guard(lock_);
  PollerStatus& st = s.status;
  st.last_attempt = now;
  st.stored += round.stored;
  st.duplicates += round.duplicates;
  st.acknowledged += round.acknowledged;
  if (regular) s.next_regular_at = next_regular(s, now);
  if (ok) {
    if (!st.last_error.empty()) {
      spdlog::info("poller {} works again after {} failed attempt(s)", name, st.failed_attempts);
    }
    st.last_success = now;
    st.failing_since.reset();
    st.failed_attempts = 0;
    st.failed_intervals = 0;
    st.permanent = false;
    st.last_error.clear();
    s.due = s.next_regular_at;
    if (round.stored + round.duplicates > 0) {
      const auto after = s.cfg.effective_after_fetch();
      spdlog::info("poller {}: {} fetched, {} stored, {} duplicate(s){}", name, round.fetched,
                   round.stored, round.duplicates,
                   after == config::PollerAfterFetch::keep
                       ? std::string()
                       : ", " + std::to_string(round.acknowledged) +
                             (after == config::PollerAfterFetch::move ? " moved" : " deleted") +
                             " remotely");
    }
  } else {
    const bool changed = st.last_error != round.reason;
    ++st.failed_attempts;
    if (regular) ++st.failed_intervals;
    if (!st.failing_since) st.failing_since = now;
    st.permanent = round.status == RemoteStatus::permanent;
    st.last_error = round.reason;
    if (st.permanent) {
      s.due = s.next_regular_at;  // no spinning: the next regular poll tries again
      if (changed) {
        spdlog::error("{} poller {}: {}; polled again at {}", code_id(DiagCode::PollerPermanent),
                      name, round.reason, store::format_timestamp(s.due));
      }
    } else {
      s.due = std::min(now + retry_.delay(st.failed_attempts), s.next_regular_at);
      spdlog::warn("{} poller {}: {}; retry {} at {}", code_id(DiagCode::PollerTransient), name,
                   round.reason, st.failed_attempts, store::format_timestamp(s.due));
    }
    if (round.stored + round.duplicates > 0) {
      st.last_success = now;  // part of the round got through
    }
  }
  st.next_poll = s.due;
  if (failing_ != nullptr) failing_->with({name}).set(st.failed_intervals);
  if (last_success_ != nullptr && st.last_success) {
    last_success_->with({name}).set(
        std::chrono::duration<double>(st.last_success->time_since_epoch()).count());
  }
}

std::vector<PollerStatus> RemotePoller::status() const {
  std::lock_guard guard(lock_);
  std::vector<PollerStatus> out;
  for (const auto& s : states_) out.push_back(s->status);
  return out;
}

std::vector<std::string> RemotePoller::problems() const {
  std::lock_guard guard(lock_);
  std::vector<std::string> out;
  for (const auto& s : states_) {
    const auto& st = s->status;
    if (!s->cfg.enabled) continue;
    if (st.permanent && st.failed_attempts > 0) {
      out.push_back("poller " + st.name + ": " + st.last_error + " — fix it; polled again at " +
                    when(st.next_poll));
    } else if (st.failed_intervals >= s->cfg.unready_after) {
      out.push_back("poller " + st.name + ": failing since " + when(st.failing_since) + " (" +
                    std::to_string(st.failed_intervals) + " intervals, " +
                    std::to_string(st.failed_attempts) + " attempts): " + st.last_error +
                    " — retried with backoff");
    }
    for (const auto& [file, why] : st.file_problems) {
      out.push_back("poller " + st.name + ": " + why);
    }
  }
  return out;
}

void RemotePoller::loop() {
  while (!stopping_) {
    const auto next = step();
    std::unique_lock lock(wait_lock_);
    auto wait = milliseconds(60000);
    if (next) {
      wait = std::clamp(std::chrono::duration_cast<milliseconds>(*next - options_.now()),
                        milliseconds(0), wait);
    }
    wake_.wait_for(lock, wait, [&] { return signal_ || stopping_.load(); });
    signal_ = false;
  }
}

void RemotePoller::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void RemotePoller::stop() {
  stopping_ = true;
  {
    std::lock_guard guard(wait_lock_);
    signal_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace cb::daemon
