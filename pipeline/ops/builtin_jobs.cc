#include "pipeline/ops/builtin_jobs.h"

#include "pipeline/config/config.h"
#include "pipeline/ops/retention.h"

namespace cb::ops {
namespace {

Result<JobOutcome> noop(const JobContext& ctx) {
  JobOutcome out;
  out.counts["runs"] = 1;
  out.log = "noop for " + (ctx.tenant.empty() ? std::string("all tenants") : ctx.tenant) +
            " on " + ctx.working_date.to_string() + "\n";
  return out;
}

Result<JobOutcome> selftest(const JobContext& ctx) {
  if (ctx.filter == "fail") {
    return fail(DiagCode::OpsJobFailed, "selftest asked to fail (filter \"fail\")");
  }
  JobOutcome out;
  auto check = ctx.db.prepare(ctx.db.dialect() == store::Dialect::sqlite ? "PRAGMA quick_check"
                                                                         : "SELECT 'ok'");
  std::string verdict;
  for (;;) {
    auto s = check->step();
    if (!s) return cb::Unexpected(std::move(s.error()));
    if (*s == store::Step::done) break;
    verdict += check->column_text(0) + "\n";
  }
  if (verdict != "ok\n") {
    return fail(DiagCode::OpsJobFailed, "store integrity check reports: " + verdict,
                store::store_location(ctx.db));
  }
  auto count = [&](std::string_view sql, const char* key) -> Result<void> {
    auto st = ctx.db.prepare(sql);
    auto s = st->step();
    if (!s) return cb::Unexpected(std::move(s.error()));
    out.counts[key] = *s == store::Step::row ? st->column_int(0) : 0;
    return {};
  };
  if (auto r = count("SELECT count(*) FROM messages", "messages"); !r) return cb::Unexpected(r.error());
  if (auto r = count("SELECT count(*) FROM job_runs", "job_runs"); !r) return cb::Unexpected(r.error());
  if (ctx.db.dialect() == store::Dialect::sqlite) {
    if (auto r = count("PRAGMA page_count", "pages"); !r) return cb::Unexpected(r.error());
    if (auto r = count("PRAGMA freelist_count", "free_pages"); !r) return cb::Unexpected(r.error());
  }
  out.log = "store " + ctx.db.location() + ": integrity ok\n";
  return out;
}

}  // namespace

void register_builtin_jobs(JobRegistry& jobs, const config::Config& config) {
  jobs.add({"noop", "does nothing; for tests and smoke checks", noop, true});
  jobs.add({"selftest", "checks the store's integrity; filter \"fail\" makes it fail", selftest,
            true});

  std::vector<RetentionRule> rules;
  for (const auto& r : config.retention) {
    RetentionRule rule;
    rule.route = r.route;
    rule.body_days = r.body_days;
    rule.metadata_days = r.metadata_days;
    if (r.archive_dir) rule.archive_dir = config.resolve(*r.archive_dir);
    rules.push_back(std::move(rule));
  }
  JobSpec retention;
  retention.name = "retention";
  retention.description =
      "prunes old message bodies (archiving them first when configured), deletes old metadata "
      "and reclaims the space, per [[retention]]; the filter may name one route";
  retention.atomic = false;  // batches of its own, and VACUUM cannot run in a transaction
  retention.fn = [rules](const JobContext& ctx) -> Result<JobOutcome> {
    RetentionOptions o;
    o.tenant = ctx.tenant;
    o.route = ctx.filter;
    auto r = run_retention(ctx.db, rules, ctx.now, o);
    if (!r) return cb::Unexpected(std::move(r.error()));
    JobOutcome out;
    out.counts["bodies_pruned"] = r->bodies_pruned;
    out.counts["bytes_pruned"] = r->bytes_pruned;
    out.counts["bodies_archived"] = r->bodies_archived;
    out.counts["messages_deleted"] = r->messages_deleted;
    out.counts["pages_before"] = r->pages_before;
    out.counts["pages_after"] = r->pages_after;
    out.log = "pruned " + std::to_string(r->bodies_pruned) + " bodies (" +
              std::to_string(r->bytes_pruned) + " bytes), archived " +
              std::to_string(r->bodies_archived) + ", deleted " +
              std::to_string(r->messages_deleted) + " messages; store pages " +
              std::to_string(r->pages_before) + " -> " + std::to_string(r->pages_after) + "\n";
    if (rules.empty()) out.log += "no [[retention]] rules are configured\n";
    if (!r->problems.empty()) {
      Diagnostic d = r->problems.front();
      d.message = std::to_string(r->problems.size()) + " problem(s), first: " + d.message +
                  " — " + out.log;
      return cb::Unexpected(std::move(d));
    }
    return out;
  };
  jobs.add(std::move(retention));
}

}  // namespace cb::ops
