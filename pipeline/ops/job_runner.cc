#include "pipeline/ops/job_runner.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <exception>
#include <utility>

#include "pipeline/metrics/pipeline_metrics.h"

namespace cb::ops {
namespace {

constexpr std::string_view kColumns =
    "id, job, tenant, working_date, filter_key, state, started_at, coalesce(finished_at, ''), "
    "counts, log, attempts, actor";

JobRunRecord read_record(const store::Statement& st) {
  JobRunRecord r;
  r.id = st.column_int(0);
  r.job = st.column_text(1);
  r.tenant = st.column_text(2);
  r.working_date = st.column_text(3);
  r.filter = st.column_text(4);
  r.state = st.column_text(5);
  r.started_at = st.column_text(6);
  r.finished_at = st.column_text(7);
  const auto counts = nlohmann::json::parse(st.column_text(8), nullptr, false);
  if (counts.is_object()) {
    for (const auto& [k, v] : counts.items()) {
      if (v.is_number_integer()) r.counts[k] = v.get<std::int64_t>();
    }
  }
  r.log = st.column_text(9);
  r.attempts = static_cast<int>(st.column_int(10));
  r.actor = st.column_text(11);
  return r;
}

std::string counts_json(const std::map<std::string, std::int64_t>& counts) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : counts) j[k] = v;
  return j.dump();
}

Result<std::optional<JobRunRecord>> select_one(store::Database& db, const std::string& job,
                                               const std::string& tenant, const std::string& date,
                                               const std::string& filter) {
  auto st = db.prepare(std::string("SELECT ") + std::string(kColumns) +
                       " FROM job_runs WHERE job = ?1 AND tenant = ?2 AND working_date = ?3 "
                       "AND filter_key = ?4");
  st->bind_text(1, job).bind_text(2, tenant).bind_text(3, date).bind_text(4, filter);
  auto s = st->step();
  if (!s) return cb::Unexpected(std::move(s.error()));
  if (*s == store::Step::done) return std::optional<JobRunRecord>{};
  return std::optional<JobRunRecord>{read_record(*st)};
}

std::string attempt_header(int attempt) {
  return "--- attempt " + std::to_string(attempt) + " ---\n";
}

}  // namespace

std::string_view to_string(RunDisposition d) {
  switch (d) {
    case RunDisposition::ran:
      return "ran";
    case RunDisposition::already_succeeded:
      return "already succeeded";
    case RunDisposition::already_running:
      return "already running";
  }
  return "ran";
}

JobRunner::JobRunner(store::Database& db, const JobRegistry& jobs, Clock clock,
                     metrics::PipelineMetrics* metrics)
    : db_(db), jobs_(jobs), clock_(std::move(clock)), metrics_(metrics) {
  if (!clock_) throw std::invalid_argument("JobRunner: a clock is required");
}

Result<RunResult> JobRunner::run(const RunRequest& request) {
  const JobSpec* spec = jobs_.find(request.job);
  if (!spec) {
    std::string known;
    for (const auto* j : jobs_.list()) known += (known.empty() ? "" : ", ") + j->name;
    auto d = Diagnostic::make(DiagCode::OpsUnknownJob, "no job named '" + request.job + "'");
    d.where.field = "job";
    d.hint = known.empty() ? "no jobs are registered" : "registered jobs: " + known;
    return cb::Unexpected(std::move(d));
  }
  if (request.working_date == Date::min()) {
    return fail(DiagCode::OpsBadRunRequest, "job '" + request.job + "' needs a working date");
  }
  const std::string date = request.working_date.to_string();
  const std::string actor = request.actor.empty() ? std::string("unknown") : request.actor;
  const store::Timestamp started = clock_();
  const std::string started_text = store::format_timestamp(started);

  // Claim the key: insert a running row, or restart a failed one.
  RunResult result;
  std::string previous_log;
  int attempt = 1;
  bool claimed = false;
  auto claim = db_.transaction([&](store::Transaction&) -> Result<void> {
    auto existing = select_one(db_, request.job, request.tenant, date, request.filter);
    if (!existing) return cb::Unexpected(std::move(existing.error()));
    if (*existing) {
      const JobRunRecord& rec = **existing;
      if (rec.state == "succeeded") {
        result.record = rec;
        result.disposition = RunDisposition::already_succeeded;
        return {};
      }
      if (rec.state == "running") {
        result.record = rec;
        result.disposition = RunDisposition::already_running;
        return {};
      }
      attempt = rec.attempts + 1;
      previous_log = rec.log;
      if (!previous_log.empty() && !previous_log.starts_with("--- attempt ")) {
        previous_log = attempt_header(rec.attempts) + previous_log;
      }
      if (!previous_log.empty() && previous_log.back() != '\n') previous_log += '\n';
      auto up = db_.prepare(
          "UPDATE job_runs SET state = 'running', started_at = ?2, finished_at = NULL, "
          "attempts = ?3, actor = ?4, counts = '{}' WHERE id = ?1 AND state = 'failed'");
      up->bind_int(1, rec.id).bind_text(2, started_text).bind_int(3, attempt).bind_text(4, actor);
      if (auto r = up->run(); !r) return r;
      result.record = rec;
      claimed = true;
      return {};
    }
    auto ins = db_.prepare(
        "INSERT INTO job_runs (job, tenant, working_date, filter_key, state, started_at, "
        "attempts, actor) VALUES (?1, ?2, ?3, ?4, 'running', ?5, 1, ?6) RETURNING id");
    ins->bind_text(1, request.job)
        .bind_text(2, request.tenant)
        .bind_text(3, date)
        .bind_text(4, request.filter)
        .bind_text(5, started_text)
        .bind_text(6, actor);
    auto s = ins->step();
    if (!s) return cb::Unexpected(std::move(s.error()));
    result.record.id = ins->column_int(0);
    ins->reset();
    claimed = true;
    return {};
  });
  if (!claim) return cb::Unexpected(std::move(claim.error()));
  if (!claimed) return result;

  const std::int64_t run_id = result.record.id;
  JobContext ctx{db_, request.tenant, request.working_date, request.filter, started};

  auto finish = [&](store::Transaction&, const std::string& state, const JobOutcome& outcome)
      -> Result<void> {
    std::string log = outcome.log;
    if (attempt > 1) log = previous_log + attempt_header(attempt) + log;
    auto up = db_.prepare(
        "UPDATE job_runs SET state = ?2, finished_at = ?3, counts = ?4, log = ?5 WHERE id = ?1");
    up->bind_int(1, run_id)
        .bind_text(2, state)
        .bind_text(3, store::format_timestamp(clock_()))
        .bind_text(4, counts_json(outcome.counts))
        .bind_text(5, log);
    return up->run();
  };

  std::optional<Diagnostic> job_error;
  auto call_job = [&]() -> Result<JobOutcome> {
    try {
      return spec->fn(ctx);
    } catch (const std::exception& e) {
      return fail(DiagCode::OpsJobFailed, std::string("the job threw: ") + e.what());
    }
  };

  Result<void> done;
  if (spec->atomic) {
    done = db_.transaction([&](store::Transaction& tx) -> Result<void> {
      auto outcome = call_job();
      if (!outcome) {
        job_error = std::move(outcome.error());
        return fail(DiagCode::OpsJobFailed, "rolled back");
      }
      return finish(tx, "succeeded", *outcome);
    });
    if (!done && !job_error) job_error = done.error();  // the store failed at the end
  } else {
    auto outcome = call_job();
    if (!outcome) {
      job_error = std::move(outcome.error());
    } else {
      done = db_.transaction(
          [&](store::Transaction& tx) { return finish(tx, "succeeded", *outcome); });
      if (!done) job_error = done.error();
    }
  }

  std::string state = "succeeded";
  if (job_error) {
    state = "failed";
    JobOutcome failed;
    failed.log = "failed: " + job_error->to_string() + "\n";
    if (!job_error->hint.empty()) failed.log += "hint: " + job_error->hint + "\n";
    auto marked =
        db_.transaction([&](store::Transaction& tx) { return finish(tx, "failed", failed); });
    if (!marked) return cb::Unexpected(std::move(marked.error()));
  }

  if (metrics_) {
    const store::Timestamp ended = clock_();
    const double seconds =
        std::chrono::duration<double>(ended - started).count();
    const double unix_now =
        std::chrono::duration<double>(ended.time_since_epoch()).count();
    metrics_->job_run(request.job, state, seconds, unix_now);
  }

  auto rec = select_one(db_, request.job, request.tenant, date, request.filter);
  if (!rec) return cb::Unexpected(std::move(rec.error()));
  if (!*rec) return fail(DiagCode::StoreFailed, "job run " + std::to_string(run_id) + " vanished");
  result.record = std::move(**rec);
  result.disposition = RunDisposition::ran;
  return result;
}

Result<std::vector<JobRunRecord>> JobRunner::list_runs(const RunQuery& query) const {
  auto st = db_.prepare(std::string("SELECT ") + std::string(kColumns) +
                        " FROM job_runs WHERE (?1 = '' OR job = ?1) AND (?2 = '' OR tenant = ?2) "
                        "AND (?3 = '' OR state = ?3) ORDER BY started_at DESC, id DESC LIMIT ?4");
  st->bind_text(1, query.job)
      .bind_text(2, query.tenant)
      .bind_text(3, query.state)
      .bind_int(4, query.limit > 0 ? query.limit : 50);
  std::vector<JobRunRecord> out;
  for (;;) {
    auto s = st->step();
    if (!s) return cb::Unexpected(std::move(s.error()));
    if (*s == store::Step::done) return out;
    out.push_back(read_record(*st));
  }
}

Result<std::optional<JobRunRecord>> JobRunner::find_run(const std::string& job,
                                                        const std::string& tenant,
                                                        Date working_date,
                                                        const std::string& filter) const {
  return select_one(db_, job, tenant, working_date.to_string(), filter);
}

Result<std::optional<Date>> JobRunner::last_working_date(const std::string& job,
                                                         const std::string& tenant,
                                                         const std::string& filter) const {
  auto st = db_.prepare(
      "SELECT max(working_date) FROM job_runs WHERE job = ?1 AND tenant = ?2 AND filter_key = ?3");
  st->bind_text(1, job).bind_text(2, tenant).bind_text(3, filter);
  auto s = st->step();
  if (!s) return cb::Unexpected(std::move(s.error()));
  if (*s == store::Step::done || st->is_null(0)) return std::optional<Date>{};
  auto d = Date::parse(st->column_text(0));
  if (!d) return cb::Unexpected(std::move(d.error()));
  return std::optional<Date>{*d};
}

Result<int> JobRunner::recover_interrupted() {
  int changed = 0;
  auto r = db_.transaction([&](store::Transaction&) -> Result<void> {
    auto up = db_.prepare(
        "UPDATE job_runs SET state = 'failed', finished_at = ?1, "
        "log = log || CASE WHEN log = '' OR substr(log, -1) = char(10) THEN '' ELSE char(10) END "
        "|| 'interrupted: the daemon stopped during the run' || char(10) "
        "WHERE state = 'running'");
    up->bind_text(1, store::format_timestamp(clock_()));
    if (auto ok = up->run(); !ok) return ok;
    changed = static_cast<int>(up->rows_affected());
    return {};
  });
  if (!r) return cb::Unexpected(std::move(r.error()));
  return changed;
}

}  // namespace cb::ops
