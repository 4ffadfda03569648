#include "pipeline/ops/scheduler.h"

#include <algorithm>
#include <ctime>
#include <stdexcept>

#include "pipeline/config/config.h"

namespace cb::ops {
namespace {

using std::chrono::days;
using std::chrono::local_days;
using std::chrono::milliseconds;
using std::chrono::minutes;

local_days to_local_days(Date d) { return local_days{days{d.days_since_epoch()}}; }

Date to_date(local_days d) {
  return Date::from_days(static_cast<std::int32_t>(d.time_since_epoch().count()));
}

std::int64_t to_ms(store::Timestamp t) { return t.time_since_epoch().count(); }

std::optional<store::Timestamp> from_ms(std::int64_t ms) {
  if (ms < 0) return std::nullopt;
  return store::Timestamp{milliseconds{ms}};
}

LocalMinutes utc_local(store::Timestamp t) {
  return LocalMinutes{std::chrono::floor<minutes>(t.time_since_epoch())};
}

}  // namespace

LocalMinutes system_local_time(store::Timestamp t) {
  const auto secs = std::chrono::floor<std::chrono::seconds>(t);
  const std::time_t tt = static_cast<std::time_t>(secs.time_since_epoch().count());
  std::tm tm{};
  if (::localtime_r(&tt, &tm) == nullptr) return utc_local(t);
  return LocalMinutes{std::chrono::floor<minutes>(secs.time_since_epoch()) +
                      std::chrono::duration_cast<minutes>(std::chrono::seconds(tm.tm_gmtoff))};
}

cb::Expected<std::vector<ScheduledJob>, Diagnostics> Scheduler::entries_from_config(
    const config::Config& config, const JobRegistry& jobs) {
  std::vector<ScheduledJob> out;
  Diagnostics problems;
  for (const auto& e : config.jobs) {
    CronError err;
    auto schedule = CronSchedule::parse(e.schedule, &err);
    if (!schedule) {  // load_config already refuses this; kept for configs built in code
      auto d = Diagnostic::make(DiagCode::ConfigBadValue,
                                "job '" + e.name + "': schedule '" + e.schedule + "': " + err.reason,
                                e.where.of("schedule"));
      problems.push_back(std::move(d));
      continue;
    }
    if (!jobs.find(e.job)) {
      std::string known;
      for (const auto* j : jobs.list()) known += (known.empty() ? "" : ", ") + j->name;
      auto d = Diagnostic::make(DiagCode::OpsJobNotRegistered,
                                "job entry '" + e.name + "' runs job '" + e.job +
                                    "', which this program does not have",
                                e.where.of("job"));
      d.hint = "registered jobs: " + known;
      problems.push_back(std::move(d));
      continue;
    }
    ScheduledJob s{e.name,         e.job,   e.tenant.value_or(""), e.filter, *schedule,
                   e.enabled,      e.catch_up_days, e.where.of("")};
    out.push_back(std::move(s));
  }
  if (!problems.empty()) return cb::Unexpected(std::move(problems));
  return out;
}

Scheduler::Scheduler(JobRunner& runner, std::vector<ScheduledJob> entries, Options options)
    : runner_(runner), entries_(std::move(entries)), options_(std::move(options)) {
  if (!options_.now) throw std::invalid_argument("Scheduler: a clock is required");
  if (!options_.to_local) options_.to_local = utc_local;
  started_at_ = options_.now();
}

LocalMinutes Scheduler::local(store::Timestamp t) const { return options_.to_local(t); }

Result<std::vector<DueRun>> Scheduler::due() const {
  const LocalMinutes now_local = local(options_.now());
  const local_days today = std::chrono::floor<days>(now_local);
  const LocalMinutes started_local = local(started_at_);

  struct Candidate {
    DueRun run;
    std::size_t order;
  };
  std::vector<Candidate> found;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const ScheduledJob& e = entries_[i];
    if (!e.enabled) continue;
    auto last = runner_.last_working_date(e.job, e.tenant, e.filter);
    if (!last) return cb::Unexpected(std::move(last.error()));

    local_days from = today - days{std::max(0, e.catch_up_days)};
    if (*last) {
      from = std::max(from, to_local_days(**last) + days{1});
    } else {
      from = std::max(from, std::chrono::floor<days>(started_local));
    }
    for (local_days day = from; day <= today; day += days{1}) {
      std::optional<LocalMinutes> fire;
      if (!*last && day == std::chrono::floor<days>(started_local)) {
        // Never run before: only fires from the scheduler's start on count.
        auto next = e.schedule.next_after(started_local - minutes{1});
        if (next && std::chrono::floor<days>(*next) == day) fire = next;
      } else {
        fire = e.schedule.first_on(day);
      }
      if (!fire || *fire > now_local) continue;
      found.push_back({DueRun{e.name, to_date(day), *fire, day < today}, i});
    }
  }
  std::stable_sort(found.begin(), found.end(), [](const Candidate& a, const Candidate& b) {
    if (a.run.working_date != b.run.working_date) return a.run.working_date < b.run.working_date;
    return a.order < b.order;
  });
  std::vector<DueRun> out;
  out.reserve(found.size());
  for (auto& c : found) out.push_back(std::move(c.run));
  return out;
}

std::vector<TickRun> Scheduler::tick() {
  tick_started_ms_.store(to_ms(options_.now()));
  std::vector<TickRun> out;
  auto due_runs = due();
  if (!due_runs) {
    TickRun t;
    t.error = std::move(due_runs.error());
    out.push_back(std::move(t));
  } else {
    for (const DueRun& d : *due_runs) {
      const ScheduledJob* entry = nullptr;
      for (const auto& e : entries_)
        if (e.name == d.entry) entry = &e;
      TickRun t;
      t.due = d;
      RunRequest req;
      req.job = entry->job;
      req.tenant = entry->tenant;
      req.working_date = d.working_date;
      req.filter = entry->filter;
      req.actor = "scheduler:" + entry->name;
      auto r = runner_.run(req);
      if (r) {
        t.result = std::move(*r);
      } else {
        t.error = std::move(r.error());
      }
      out.push_back(std::move(t));
    }
  }
  last_tick_ms_.store(to_ms(options_.now()));
  tick_started_ms_.store(-1);
  return out;
}

std::optional<LocalMinutes> Scheduler::next_fire() const {
  const LocalMinutes now_local = local(options_.now());
  std::optional<LocalMinutes> best;
  for (const auto& e : entries_) {
    if (!e.enabled) continue;
    auto n = e.schedule.next_after(now_local);
    if (n && (!best || *n < *best)) best = n;
  }
  return best;
}

std::optional<store::Timestamp> Scheduler::next_fire_instant() const {
  const store::Timestamp now = options_.now();
  auto n = next_fire();
  if (!n) return std::nullopt;
  const LocalMinutes now_local = local(now);
  // The minute the local clock shows now started at `now - seconds into it`.
  const auto into_minute = now.time_since_epoch() -
                           std::chrono::floor<minutes>(now.time_since_epoch());
  return now - into_minute + std::chrono::duration_cast<milliseconds>(*n - now_local);
}

SchedulerStatus Scheduler::status() const {
  SchedulerStatus s;
  s.started_at = started_at_;
  s.last_tick = from_ms(last_tick_ms_.load());
  s.tick_started = from_ms(tick_started_ms_.load());
  s.in_tick = s.tick_started.has_value();
  return s;
}

}  // namespace cb::ops
