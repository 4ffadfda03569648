#include "pipeline/daemon/daemon_backend.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

#include "pipeline/app/master_data_repository.h"
#include "pipeline/store/body_codec.h"

namespace cb::daemon {
namespace {

constexpr std::string_view kSummaryColumns =
    "m.id, m.tenant, m.direction, m.route, coalesce(m.adapter, ''), m.source, m.state, "
    "coalesce(m.business_key, ''), coalesce(m.raw_size, m.byte_size), m.attempts, "
    "coalesce(m.next_attempt_at, ''), m.created_at, m.updated_at, "
    "(SELECT count(*) FROM message_diagnostics d WHERE d.message_id = m.id)";

http::MessageSummary read_summary(const store::Statement& st) {
  http::MessageSummary s;
  s.id = st.column_int(0);
  s.tenant = st.column_text(1);
  s.direction = st.column_text(2);
  s.route = st.column_text(3);
  s.adapter = st.column_text(4);
  s.source = st.column_text(5);
  s.state = st.column_text(6);
  s.business_key = st.column_text(7);
  s.byte_size = st.column_int(8);
  s.attempts = static_cast<int>(st.column_int(9));
  s.next_attempt_at = st.column_text(10);
  s.created_at = st.column_text(11);
  s.updated_at = st.column_text(12);
  s.diagnostic_count = static_cast<int>(st.column_int(13));
  return s;
}

std::string prom_escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

bool is_safe_file_name(const std::string& name) {
  if (name.empty() || name.size() > 255 || name == "." || name == "..") return false;
  if (name.find("..") != std::string::npos) return false;
  for (unsigned char c : name) {
    if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f || c == ':') return false;
  }
  return true;
}

Result<std::vector<http::MessageSummary>> list_messages(store::Database& db,
                                                        const http::MessageFilter& f) {
  auto st = db.prepare(
      "SELECT " + std::string(kSummaryColumns) +
      " FROM messages m WHERE (?1 = '' OR m.tenant = ?1) AND (?2 = '' OR m.route = ?2) AND "
      "(?3 = '' OR m.state = ?3) AND (?4 = '' OR m.direction = ?4) AND (?5 = '' OR "
      "instr(m.source, ?5) > 0 OR instr(coalesce(m.business_key, ''), ?5) > 0 OR EXISTS (SELECT "
      "1 FROM message_diagnostics d WHERE d.message_id = m.id AND (d.code = ?5 OR "
      "instr(d.message, ?5) > 0))) AND (?6 = '' OR m.created_at >= ?6) AND (?7 = '' OR "
      "m.created_at < ?7) AND (?8 = 0 OR m.id < ?8) ORDER BY m.id DESC LIMIT ?9");
  st->bind_text(1, f.tenant).bind_text(2, f.route).bind_text(3, f.state);
  st->bind_text(4, f.direction).bind_text(5, f.text).bind_text(6, f.since).bind_text(7, f.until);
  st->bind_int(8, f.before_id).bind_int(9, std::clamp(f.limit, 1, 1000));
  std::vector<http::MessageSummary> out;
  for (;;) {
    auto s = st->step();
    if (!s) return Unexpected(s.error());
    if (*s == store::Step::done) break;
    out.push_back(read_summary(*st));
  }
  return out;
}

Result<std::optional<http::MessageDetail>> get_message(store::Database& db,
                                                       const std::string& tenant,
                                                       std::int64_t id) {
  auto st = db.prepare("SELECT " + std::string(kSummaryColumns) +
                       ", m.content_hash, m.bytes, m.encoding, m.pruned_at IS NOT NULL FROM "
                       "messages m WHERE m.id = ?1 AND (?2 = '' OR m.tenant = ?2)");
  st->bind_int(1, id).bind_text(2, tenant);
  auto s = st->step();
  if (!s) return Unexpected(s.error());
  if (*s == store::Step::done) return std::optional<http::MessageDetail>{};
  http::MessageDetail d;
  d.summary = read_summary(*st);
  d.content_hash = st->column_text(14);
  d.bytes_pruned = st->column_int(17) != 0;
  if (!d.bytes_pruned) {
    auto body = store::decode_body(st->column_text(16), st->column_text(15), d.summary.byte_size);
    if (!body) return Unexpected(body.error());
    d.bytes = std::move(*body);
  }
  st->reset();
  auto ev = db.prepare(
      "SELECT at, actor, coalesce(from_state, ''), to_state, note FROM message_events WHERE "
      "message_id = ?1 ORDER BY id");
  ev->bind_int(1, id);
  for (;;) {
    auto r = ev->step();
    if (!r) return Unexpected(r.error());
    if (*r == store::Step::done) break;
    d.events.push_back({ev->column_text(0), ev->column_text(1), ev->column_text(2),
                        ev->column_text(3), ev->column_text(4)});
  }
  auto dg = db.prepare(
      "SELECT at, severity, code, location, message, hint FROM message_diagnostics WHERE "
      "message_id = ?1 ORDER BY id");
  dg->bind_int(1, id);
  for (;;) {
    auto r = dg->step();
    if (!r) return Unexpected(r.error());
    if (*r == store::Step::done) break;
    d.diagnostics.push_back({dg->column_text(0), dg->column_text(1), dg->column_text(2),
                             dg->column_text(3), dg->column_text(4), dg->column_text(5)});
  }
  return std::optional<http::MessageDetail>(std::move(d));
}

Result<std::vector<http::MessageSummary>> DaemonBackend::list_messages(
    const http::MessageFilter& f) {
  return daemon_.with_api_db([&](store::Database& db) { return daemon::list_messages(db, f); });
}

Result<std::optional<http::MessageDetail>> DaemonBackend::get_message(const std::string& tenant,
                                                                      std::int64_t id) {
  return daemon_.with_api_db(
      [&](store::Database& db) { return daemon::get_message(db, tenant, id); });
}

Result<http::UploadResult> DaemonBackend::upload(const http::UploadRequest& r) {
  if (!is_safe_file_name(r.file_name)) {
    return fail(DiagCode::DaemonUpload,
                "upload name " + quote_input(r.file_name) +
                    " is not a plain file name (no path separators, no '..')");
  }
  auto routes = daemon_.routes();
  const CompiledRoute* route = routes->for_upload(r.tenant, r.channel);
  if (route == nullptr) {
    return fail(DiagCode::DaemonNoRoute,
                "no route takes uploads on channel " + quote_input(r.channel) +
                    (r.tenant.empty() ? std::string() : " for tenant " + r.tenant));
  }
  InboundMessage m;
  m.tenant = route->tenant;
  m.route = route->name;
  m.adapter = route->adapter->info().name;
  m.source = "upload:" + r.channel + "/" + r.file_name;
  m.bytes = r.bytes;
  m.actor = r.actor.empty() ? "upload" : r.actor;
  m.note = "uploaded as " + r.file_name +
           (r.idempotency_key.empty() ? std::string() : " (idempotency key " + r.idempotency_key + ")");
  if (!r.idempotency_key.empty()) {
    // The same key again: the earlier message, whatever its bytes.
    auto earlier = daemon_.with_api_db([&](store::Database& db) -> Result<std::optional<std::pair<std::int64_t, std::string>>> {
      auto st = db.prepare(
          "SELECT m.id, m.state FROM message_events e JOIN messages m ON m.id = e.message_id "
          "WHERE m.tenant = ?1 AND m.route = ?2 AND e.from_state IS NULL AND e.note = ?3 LIMIT 1");
      st->bind_text(1, m.tenant).bind_text(2, m.route).bind_text(3, m.note);
      auto s = st->step();
      if (!s) return Unexpected(s.error());
      if (*s == store::Step::done) return std::optional<std::pair<std::int64_t, std::string>>{};
      return std::optional(std::pair(st->column_int(0), st->column_text(1)));
    });
    if (!earlier) return Unexpected(earlier.error());
    if (*earlier) {
      http::UploadResult out;
      out.message_id = (*earlier)->first;
      out.duplicate = true;
      out.state = (*earlier)->second;
      return out;
    }
  }
  auto rec = daemon_.receive(m);
  if (!rec) return Unexpected(rec.error());
  http::UploadResult out;
  out.message_id = rec->id;
  out.duplicate = rec->duplicate;
  out.state = rec->state;
  if (rec->duplicate) {
    out.diagnostics.push_back(Diagnostic::make(
        DiagCode::ImportDuplicateMessage,
        "the same content arrived before as message " + std::to_string(rec->id)));
  }
  return out;
}

Result<http::ReprocessResult> DaemonBackend::reprocess(const http::ReprocessRequest& r) {
  ReprocessSelection sel;
  sel.tenant = r.tenant;
  sel.ids = r.ids;
  sel.route = r.filter.route;
  sel.state = r.filter.state;
  sel.direction = r.filter.direction;
  sel.text = r.filter.text;
  sel.destination = r.destination;
  sel.actor = r.actor;
  sel.reason = r.reason;
  sel.limit = std::clamp(r.filter.limit, 1, 10000);
  auto out = daemon_.reprocess(sel);
  if (!out) return Unexpected(out.error());
  http::ReprocessResult res;
  res.requeued = out->requeued;
  res.refused = out->refused;
  return res;
}

Result<http::JobRun> DaemonBackend::run_job(const http::JobRequest& r) {
  if (!run_job_) {
    return fail(DiagCode::DaemonReprocess, "no job runner in this daemon (job '" + r.job + "')");
  }
  return run_job_(r);
}

Result<std::vector<http::JobRun>> DaemonBackend::list_job_runs(const std::string& tenant,
                                                               int limit) {
  if (job_runs_) return job_runs_(tenant, limit);
  return daemon_.with_api_db([&](store::Database& db) -> Result<std::vector<http::JobRun>> {
    auto st = db.prepare(
        "SELECT id, job, working_date, filter_key, state, started_at, coalesce(finished_at, ''), "
        "counts, log FROM job_runs WHERE (?2 = '' OR tenant = ?2) ORDER BY id DESC LIMIT ?1");
    st->bind_int(1, std::clamp(limit, 1, 1000)).bind_text(2, tenant);
    std::vector<http::JobRun> out;
    for (;;) {
      auto s = st->step();
      if (!s) return Unexpected(s.error());
      if (*s == store::Step::done) break;
      http::JobRun j;
      j.id = st->column_int(0);
      j.job = st->column_text(1);
      j.working_date = st->column_text(2);
      j.filter = st->column_text(3);
      j.state = st->column_text(4);
      j.started_at = st->column_text(5);
      j.finished_at = st->column_text(6);
      auto counts = nlohmann::json::parse(st->column_text(7), nullptr, false);
      if (counts.is_object()) {
        for (const auto& [k, v] : counts.items()) {
          if (v.is_number_integer()) j.counts[k] = v.get<std::int64_t>();
        }
      }
      j.log = st->column_text(8);
      out.push_back(std::move(j));
    }
    return out;
  });
}

std::vector<std::string> DaemonBackend::routes(const std::string& tenant) {
  std::vector<std::string> out;
  for (const auto& r : daemon_.routes()->routes()) {
    if (tenant.empty() || r.tenant == tenant) out.push_back(r.name);
  }
  return out;
}

Result<http::FlowStats> DaemonBackend::flow_stats(const std::string& tenant, int hours,
                                                  int bucket_seconds) {
  hours = std::clamp(hours, 1, 24 * 31);
  bucket_seconds = std::clamp(bucket_seconds, 60, 86400);
  const auto now = daemon_.now();
  const auto since = now - std::chrono::hours(hours);
  return daemon_.with_api_db([&](store::Database& db) -> Result<http::FlowStats> {
    http::FlowStats out;
    auto st = db.prepare(
        "SELECT route, state, count(*) FROM messages WHERE (?1 = '' OR tenant = ?1) GROUP BY "
        "route, state ORDER BY route, state");
    st->bind_text(1, tenant);
    for (;;) {
      auto s = st->step();
      if (!s) return Unexpected(s.error());
      if (*s == store::Step::done) break;
      out.by_route_state.push_back({st->column_text(0), st->column_text(1), st->column_int(2)});
    }
    const auto width = std::chrono::seconds(bucket_seconds);
    const auto first = std::chrono::floor<std::chrono::seconds>(since);
    const auto n = static_cast<std::size_t>((now - first) / width) + 1;
    out.over_time.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      out.over_time[i].start = store::format_timestamp(
          std::chrono::time_point_cast<std::chrono::milliseconds>(first + width * static_cast<long>(i)));
    }
    auto ev = db.prepare(
        "SELECT e.at, e.to_state FROM message_events e JOIN messages m ON m.id = e.message_id "
        "WHERE e.at >= ?1 AND (?2 = '' OR m.tenant = ?2) AND e.to_state IN ('received', "
        "'delivered', 'rejected', 'failed', 'dead') AND (e.from_state IS NULL OR e.from_state <> "
        "e.to_state)");
    ev->bind_text(1, store::format_timestamp(since)).bind_text(2, tenant);
    for (;;) {
      auto s = ev->step();
      if (!s) return Unexpected(s.error());
      if (*s == store::Step::done) break;
      const std::string at = ev->column_text(0);
      // Bucket by text: find the last bucket whose start <= at.
      auto it = std::upper_bound(out.over_time.begin(), out.over_time.end(), at,
                                 [](const std::string& a, const http::FlowStats::Bucket& b) {
                                   return a < b.start;
                                 });
      if (it == out.over_time.begin()) continue;
      auto& b = *(it - 1);
      const std::string to = ev->column_text(1);
      if (to == "received") ++b.received;
      if (to == "delivered") ++b.delivered;
      if (to == "rejected") ++b.rejected;
      if (to == "failed") ++b.failed;
      if (to == "dead") ++b.dead;
    }
    return out;
  });
}

Result<std::optional<std::string>> DaemonBackend::read_view(const std::string& tenant,
                                                            const std::string& kind,
                                                            const std::string& key) {
  // Master data, cases, delivery plans, invoices and credit notes, and the
  // application log.
  const std::string t = tenant.empty() ? daemon_.routes()->routes().empty()
                                             ? std::string("default")
                                             : daemon_.routes()->routes().front().tenant
                                       : tenant;
  return daemon_.with_api_db([&](store::Database& db) -> Result<std::optional<std::string>> {
    nlohmann::json out = nlohmann::json::array();
    if (kind == "party") {
      for (const auto& p : app::list_parties(db, t)) {
        if (!key.empty() && p.id != key) continue;
        out.push_back({{"id", p.id},
                       {"roles", p.roles},
                       {"ik", p.ik.value_or("")},
                       {"insurer", p.insurer_id.value_or("")},
                       {"has_insurance_number", p.has_insurance_number}});
      }
    } else if (kind == "item") {
      for (const auto& i : app::list_items(db, t)) {
        if (!key.empty() && i.number != key) continue;
        out.push_back({{"number", i.number},
                       {"variant", i.variant},
                       {"description", i.description},
                       {"unit", i.unit},
                       {"vat_product_group", i.vat_product_group}});
      }
    } else if (kind == "case" || kind == "plan" || kind == "invoice" || kind == "log") {
      // The domain aggregates as stored (rx_aggregates: canonical JSON).
      const std::string stored = kind == "case"      ? "case"
                                 : kind == "plan"    ? "delivery_plan"
                                 : kind == "invoice" ? "invoice"
                                                     : "app_log";
      auto st = db.prepare(
          "SELECT key, status, body FROM rx_aggregates WHERE tenant = ?1 AND kind = ?2 "
          "AND (?3 = '' OR key = ?3) ORDER BY key LIMIT 1000");
      st->bind_text(1, t).bind_text(2, stored).bind_text(3, key);
      while (true) {
        auto step = st->step();
        if (!step) return Unexpected(step.error());
        if (*step != store::Step::row) break;
        auto body = nlohmann::json::parse(st->column_text(2), nullptr, false);
        if (body.is_discarded()) continue;
        out.push_back(std::move(body));
      }
    } else {
      return std::optional<std::string>{};
    }
    if (!key.empty()) {
      if (out.empty()) return std::optional<std::string>{};
      return std::optional<std::string>(out.front().dump());
    }
    return std::optional<std::string>(out.dump());
  });
}

http::Health DaemonBackend::health() {
  http::Health h;
  h.problems = daemon_.problems();
  if (extra_health_) {
    for (auto& p : extra_health_()) h.problems.push_back(std::move(p));
  }
  h.ready = h.problems.empty();
  return h;
}

std::string DaemonBackend::metrics_text() {
  // With the ops metrics registry wired in, it has every family (the daemon
  // feeds it); the text below is the daemon's own fallback.
  if (extra_metrics_) return extra_metrics_();
  std::string out;
  const DaemonCounters c = daemon_.counters();
  out += "# HELP carebridge_messages_received_total Inbound messages stored, by route.\n";
  out += "# TYPE carebridge_messages_received_total counter\n";
  for (const auto& [route, n] : c.received) {
    out += "carebridge_messages_received_total{route=\"" + prom_escape(route) + "\"} " +
           std::to_string(n) + "\n";
  }
  out += "# HELP carebridge_messages_routed_total Inbound messages routed, by route and outcome.\n";
  out += "# TYPE carebridge_messages_routed_total counter\n";
  for (const auto& [k, n] : c.routed) {
    out += "carebridge_messages_routed_total{route=\"" + prom_escape(k.first) + "\",state=\"" +
           prom_escape(k.second) + "\"} " + std::to_string(n) + "\n";
  }
  out += "# HELP carebridge_duplicates_total Inbound messages that repeated stored content.\n";
  out += "# TYPE carebridge_duplicates_total counter\ncarebridge_duplicates_total " +
         std::to_string(c.duplicates) + "\n";
  out += "# HELP carebridge_deliveries_total Outbound messages delivered.\n";
  out += "# TYPE carebridge_deliveries_total counter\ncarebridge_deliveries_total " +
         std::to_string(c.delivered) + "\n";
  out += "# HELP carebridge_delivery_retries_total Delivery retries scheduled.\n";
  out += "# TYPE carebridge_delivery_retries_total counter\ncarebridge_delivery_retries_total " +
         std::to_string(c.retries) + "\n";
  out += "# HELP carebridge_dead_letters_total Messages given up (dead) since the daemon started.\n";
  out += "# TYPE carebridge_dead_letters_total counter\ncarebridge_dead_letters_total " +
         std::to_string(c.dead) + "\n";
  out += "# HELP carebridge_delivery_latency_seconds From emitting an output to its delivery.\n";
  out += "# TYPE carebridge_delivery_latency_seconds histogram\n";
  for (const auto& [bound, n] : c.latency_buckets) {
    char le[32];
    std::snprintf(le, sizeof le, "%g", bound);
    out += "carebridge_delivery_latency_seconds_bucket{le=\"" + std::string(le) + "\"} " +
           std::to_string(n) + "\n";
  }
  out += "carebridge_delivery_latency_seconds_bucket{le=\"+Inf\"} " +
         std::to_string(c.latency_count) + "\n";
  char sum[64];
  std::snprintf(sum, sizeof sum, "%.6f", c.latency_sum);
  out += "carebridge_delivery_latency_seconds_sum " + std::string(sum) + "\n";
  out += "carebridge_delivery_latency_seconds_count " + std::to_string(c.latency_count) + "\n";
  daemon_.with_api_db([&](store::Database& db) {
    out += "# HELP carebridge_messages_stored Messages in the store now, by route, direction and "
           "state.\n";
    out += "# TYPE carebridge_messages_stored gauge\n";
    auto st = db.prepare(
        "SELECT route, direction, state, count(*) FROM messages GROUP BY route, direction, state");
    for (;;) {
      auto s = st->step();
      if (!s || *s == store::Step::done) break;
      out += "carebridge_messages_stored{route=\"" + prom_escape(st->column_text(0)) + "\",direction=\"" +
             st->column_text(1) + "\",state=\"" + st->column_text(2) + "\"} " +
             std::to_string(st->column_int(3)) + "\n";
    }
    auto q = db.prepare("SELECT count(*) FROM outbox WHERE state = 'pending'");
    if (auto s = q->step(); s && *s == store::Step::row) {
      out += "# HELP carebridge_outbox_pending Outbox rows waiting for delivery.\n";
      out += "# TYPE carebridge_outbox_pending gauge\ncarebridge_outbox_pending " +
             std::to_string(q->column_int(0)) + "\n";
    }
    return 0;
  });
  return out;
}

}  // namespace cb::daemon
