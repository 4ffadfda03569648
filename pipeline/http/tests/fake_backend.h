#pragma once
// A scripted Backend for the server's tests and the browser test server: two
// tenants' messages in memory, every call recorded. Message 1 (tenant "north")
// is rejected with a diagnostic; reprocessing it makes it delivered.

#include <algorithm>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "pipeline/http/backend.h"

namespace cb::http::testing {

class FakeBackend : public Backend {
 public:
  FakeBackend() {
    MessageDetail m1;
    m1.summary = {.id = 1, .tenant = "north", .direction = "in", .route = "plans-in",
                  .adapter = "canonical_json", .source = "plan-0001.json", .state = "rejected",
                  .business_key = "PLAN-0001", .byte_size = 14, .attempts = 1,
                  .next_attempt_at = "", .created_at = "2026-01-31T09:15:02Z",
                  .updated_at = "2026-01-31T09:15:02Z", .diagnostic_count = 1};
    m1.content_hash = "ab12";
    m1.bytes = "{\"kind\":\"pl\"}\n";
    m1.events = {{"2026-01-31T09:15:02Z", "intake", "", "received", ""},
                 {"2026-01-31T09:15:02Z", "route:plans-in", "received", "rejected", "JSN005"}};
    m1.diagnostics = {{"2026-01-31T09:15:02Z", "error", "JSN005", "plan-0001.json:1:10",
                       "unknown document kind 'pl'", "fix the master data and reprocess"}};
    MessageDetail m2;
    m2.summary = {.id = 2, .tenant = "south", .direction = "out", .route = "dta-out",
                  .adapter = "dta302", .source = "", .state = "dead", .business_key = "INV-7",
                  .byte_size = 3, .attempts = 8, .next_attempt_at = "",
                  .created_at = "2026-01-31T10:00:00Z", .updated_at = "2026-01-31T11:00:00Z",
                  .diagnostic_count = 0};
    m2.bytes = std::string("\xff\x00\x01", 3);
    messages_ = {m1, m2};
  }

  Result<std::vector<MessageSummary>> list_messages(const MessageFilter& f) override {
    if (on_list) on_list();  // a test's hook, e.g. to hold a request in flight
    std::lock_guard lock(mu_);
    last_filter = f;
    std::vector<MessageSummary> out;
    for (auto it = messages_.rbegin(); it != messages_.rend(); ++it) {
      const auto& s = it->summary;
      if (!f.tenant.empty() && s.tenant != f.tenant) continue;
      if (!f.route.empty() && s.route != f.route) continue;
      if (!f.state.empty() && s.state != f.state) continue;
      if (!f.direction.empty() && s.direction != f.direction) continue;
      if (f.before_id > 0 && s.id >= f.before_id) continue;
      if (static_cast<int>(out.size()) >= f.limit) break;
      out.push_back(s);
    }
    return out;
  }

  Result<std::optional<MessageDetail>> get_message(const std::string& tenant,
                                                   std::int64_t id) override {
    std::lock_guard lock(mu_);
    for (const auto& m : messages_) {
      if (m.summary.id == id && (tenant.empty() || tenant == m.summary.tenant)) {
        return std::optional<MessageDetail>(m);
      }
    }
    return std::optional<MessageDetail>();
  }

  Result<UploadResult> upload(const UploadRequest& r) override {
    std::lock_guard lock(mu_);
    uploads.push_back(r);
    if (!r.idempotency_key.empty()) {
      for (std::size_t i = 0; i + 1 < uploads.size(); ++i) {
        if (uploads[i].idempotency_key == r.idempotency_key) {
          return UploadResult{.message_id = 100 + static_cast<std::int64_t>(i),
                              .duplicate = true, .state = "received", .diagnostics = {}};
        }
      }
    }
    return UploadResult{.message_id = 100 + static_cast<std::int64_t>(uploads.size()) - 1,
                        .duplicate = false, .state = "received", .diagnostics = {}};
  }

  Result<ReprocessResult> reprocess(const ReprocessRequest& r) override {
    std::lock_guard lock(mu_);
    reprocesses.push_back(r);
    ReprocessResult out;
    for (auto& m : messages_) {
      const bool chosen =
          r.ids.empty() ? (r.filter.state.empty() || r.filter.state == m.summary.state) &&
                              (r.filter.route.empty() || r.filter.route == m.summary.route)
                        : std::find(r.ids.begin(), r.ids.end(), m.summary.id) != r.ids.end();
      if (!chosen || (!r.tenant.empty() && r.tenant != m.summary.tenant)) continue;
      if (m.summary.id == 1) {
        m.events.push_back({"2026-01-31T12:00:00Z", r.actor, m.summary.state, "delivered",
                            "reprocess: " + r.reason});
        m.summary.state = "delivered";
        m.summary.attempts += 1;
        out.requeued.push_back(1);
      } else {
        out.refused[m.summary.id] = "fake backend refuses";
      }
    }
    return out;
  }

  Result<JobRun> run_job(const JobRequest& r) override {
    std::lock_guard lock(mu_);
    jobs.push_back(r);
    JobRun run{.id = 7, .job = r.job, .working_date = r.working_date.empty() ? "2026-02-01" : r.working_date,
               .filter = r.filter, .state = "done", .started_at = "2026-02-01T02:00:00Z",
               .finished_at = "2026-02-01T02:00:01Z", .counts = {{"plans", 3}}, .log = "ok"};
    runs_.insert(runs_.begin(), run);
    return run;
  }

  Result<std::vector<JobRun>> list_job_runs(const std::string&, int limit) override {
    std::lock_guard lock(mu_);
    std::vector<JobRun> out(runs_.begin(),
                            runs_.begin() + std::min<std::ptrdiff_t>(limit, std::ssize(runs_)));
    return out;
  }

  std::vector<std::string> routes(const std::string& tenant) override {
    if (tenant == "north") return {"plans-in"};
    if (tenant == "south") return {"dta-out"};
    return {"dta-out", "plans-in"};
  }

  Result<FlowStats> flow_stats(const std::string& tenant, int, int) override {
    std::lock_guard lock(mu_);
    FlowStats s;
    for (const auto& m : messages_) {
      if (!tenant.empty() && m.summary.tenant != tenant) continue;
      s.by_route_state.push_back({m.summary.route, m.summary.state, 1});
    }
    s.over_time = {{"2026-01-31T08:00:00Z", 4, 3, 1, 0, 0},
                   {"2026-01-31T09:00:00Z", 6, 5, 0, 1, 0},
                   {"2026-01-31T10:00:00Z", 2, 1, 0, 0, 1}};
    return s;
  }

  Result<std::optional<std::string>> read_view(const std::string& tenant, const std::string& kind,
                                               const std::string& key) override {
    std::lock_guard lock(mu_);
    views.push_back(tenant + "|" + kind + "|" + key);
    if (kind == "log") return std::optional<std::string>("{\"entries\":[]}");
    if (tenant == "north" || tenant.empty()) {
      if (key == "C-1") return std::optional<std::string>("{\"case\":\"C-1\"}");
    }
    return std::optional<std::string>();
  }

  Health health() override {
    std::lock_guard lock(mu_);
    return health_;
  }

  std::string metrics_text() override {
    return "# TYPE carebridge_messages_stored gauge\ncarebridge_messages_stored{route=\"plans-in\",state=\"rejected\"} 1\n";
  }

  void set_health(Health h) {
    std::lock_guard lock(mu_);
    health_ = std::move(h);
  }

  /// Called at the start of list_messages (outside the lock).
  std::function<void()> on_list;

  // What the server asked, for assertions (read after the request completed).
  MessageFilter last_filter;
  std::vector<UploadRequest> uploads;
  std::vector<ReprocessRequest> reprocesses;
  std::vector<JobRequest> jobs;
  std::vector<std::string> views;

 private:
  std::mutex mu_;
  std::vector<MessageDetail> messages_;
  std::vector<JobRun> runs_;
  Health health_;
};

}  // namespace cb::http::testing
