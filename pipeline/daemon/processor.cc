#include "pipeline/daemon/processor.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include "pipeline/app/master_data_repository.h"
#include "pipeline/app/rx_import.h"

namespace cb::daemon {
namespace {

std::string counts_of(const DocumentSet& docs) {
  std::map<std::string, int> n;
  for (const auto& d : docs.documents) ++n[std::string(document_kind(d))];
  std::string out;
  for (const auto& [kind, c] : n) out += (out.empty() ? "" : ", ") + std::to_string(c) + " " + kind;
  return out.empty() ? "no documents" : out;
}

std::string error_summary(const Diagnostics& ds) {
  for (const auto& d : ds) {
    if (d.severity >= Severity::error) {
      return std::string(code_id(d.code)) + " " + d.message.substr(0, 160);
    }
  }
  return ds.empty() ? "" : std::string(code_id(ds.front().code)) + " " + ds.front().message;
}

/// A file name for an output: derived from the outbound message id, so a
/// retried delivery overwrites the same file instead of adding one.
std::string output_file_name(std::int64_t out_id, const std::string& inbound_source,
                             const adapters::Adapter& writer) {
  std::string stem = std::filesystem::path(inbound_source).stem().string();
  std::string safe;
  for (char c : stem) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    safe += ok ? c : '_';
  }
  if (safe.size() > 80) safe.resize(80);
  const auto& exts = writer.info().file_extensions;
  std::string id = std::to_string(out_id);
  if (id.size() < 10) id.insert(0, 10 - id.size(), '0');
  return id + (safe.empty() ? "" : "-" + safe) + (exts.empty() ? ".out" : exts.front());
}

}  // namespace

std::string business_key_of(const std::vector<std::string>& keys) {
  for (const auto& k : keys) {
    if (k.starts_with("interchange:")) return k;
  }
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::string out;
  for (const auto& k : sorted) out += (out.empty() ? "" : " ") + k;
  return out;
}

Result<ProcessOutcome> process_message(const store::Transaction& tx, const RouteTable& routes,
                                       const StoredMessage& msg, store::Timestamp now,
                                       const std::string& destination_override,
                                       const RetryPolicy& retry, const std::string& actor,
                                       StatementCache* cache) {
  MessageLog log(tx, store::format_timestamp(now), cache);
  ProcessOutcome out;
  out.message_id = msg.id;
  out.route = msg.route;
  const std::string from = msg.state;

  auto finish_rejected = [&](std::string_view at_state, const std::string& why) -> Result<void> {
    out.state = "rejected";
    if (auto ok = log.add_diagnostics(msg.id, out.diagnostics); !ok) return ok;
    auto moved = log.move(msg.id, at_state, "rejected", actor, why);
    if (!moved) return Unexpected(moved.error());
    return log.set_retry(msg.id, msg.attempts, std::nullopt);
  };

  const CompiledRoute* route = routes.find(msg.route);
  if (route == nullptr) {
    // The route went away with a reload: keep the message, visible.
    out.diagnostics.push_back(Diagnostic::make(
        DiagCode::DaemonNoRoute, "route '" + msg.route + "' is not configured (any more)",
        Location{.file = msg.source}));
    if (auto ok = finish_rejected(from, "no route"); !ok) return Unexpected(ok.error());
    return out;
  }
  if (msg.pruned) {
    out.diagnostics.push_back(Diagnostic::make(DiagCode::DaemonReprocess,
                                               "the message body was pruned by retention",
                                               Location{.file = msg.source}));
    if (auto ok = finish_rejected(from, "body pruned"); !ok) return Unexpected(ok.error());
    return out;
  }
  if (msg.adapter != route->adapter->info().name) {
    if (auto ok = log.set_adapter(msg.id, route->adapter->info().name); !ok) {
      return Unexpected(ok.error());
    }
  }

  adapters::Context ctx;
  ctx.source_name = msg.source;
  ctx.options = route->options;
  auto read = route->adapter->read(msg.bytes, ctx);
  out.diagnostics = read.diagnostics;
  if (read.outcome == adapters::Outcome::retry) {
    const int attempts = msg.attempts + 1;
    Diagnostics ds = out.diagnostics;
    if (retry.exhausted(attempts)) {
      out.state = "dead";
      if (auto ok = log.add_diagnostics(msg.id, ds); !ok) return Unexpected(ok.error());
      if (auto ok = log.set_retry(msg.id, attempts, std::nullopt); !ok) return Unexpected(ok.error());
      auto moved = log.move(msg.id, from, "dead", actor,
                            "retry limit of " + std::to_string(retry.limit) + " reached");
      if (!moved) return Unexpected(moved.error());
      return out;
    }
    out.state = "failed";
    const auto next = store::format_timestamp(now + retry.delay(attempts));
    if (auto ok = log.set_retry(msg.id, attempts, next); !ok) return Unexpected(ok.error());
    if (from != "failed") {
      auto moved = log.move(msg.id, from, "failed", actor, "transient: " + error_summary(ds));
      if (!moved) return Unexpected(moved.error());
    } else if (auto ok = log.note(msg.id, "failed", actor,
                                  "attempt " + std::to_string(attempts) + " failed, next at " + next);
               !ok) {
      return Unexpected(ok.error());
    }
    return out;
  }
  if (read.outcome == adapters::Outcome::reject || has_errors(read.diagnostics)) {
    if (auto ok = finish_rejected(from, "read failed: " + error_summary(out.diagnostics)); !ok) {
      return Unexpected(ok.error());
    }
    return out;
  }
  if (auto moved = log.move(msg.id, from, "parsed", actor, counts_of(read.documents)); !moved) {
    return Unexpected(moved.error());
  }

  // Duplicate by business key: the same invoice / interchange applied before.
  const std::string key = business_key_of(read.business_keys);
  if (!key.empty()) {
    if (auto ok = log.set_business_key(msg.id, key); !ok) return Unexpected(ok.error());
    auto seen = log.applied_with_key(msg.tenant, msg.route, key, msg.id);
    if (!seen) return Unexpected(seen.error());
    if (*seen) {
      out.diagnostics.push_back(Diagnostic::make(
          DiagCode::DaemonDuplicateKey,
          "business key '" + key + "' was applied before as message " + std::to_string(**seen),
          Location{.file = msg.source}));
      if (auto ok = finish_rejected("parsed", "duplicate business key"); !ok) {
        return Unexpected(ok.error());
      }
      return out;
    }
  }

  std::string dest_override = destination_override;
  if (dest_override.empty()) dest_override = msg.reprocess_destination;

  // Apply and emit in a savepoint: a refusal undoes the apply and every output.
  Diagnostics apply_problems;
  std::vector<EmittedOutput> emitted;
  auto applied = tx.transaction([&](store::Transaction& inner) -> Result<void> {
    if (route->command == Command::import) {
      app::MasterDataRepository repo(inner, msg.tenant, log.now());
      apply_problems = repo.check_references(read.documents, msg.source);
      if (has_errors(apply_problems)) {
        return fail(DiagCode::ImportRejected, "references do not resolve");
      }
      if (auto ok = repo.upsert(read.documents, msg.id); !ok) return ok;
      if (app::has_rx_documents(read.documents)) {
        // Contracts, set-up, cases, requirement changes, delivery notes: applied
        // on the configured working date, else the date of the daemon's clock.
        Date working_date = routes.working_date.value_or(Date::from_days(0));
        if (!routes.working_date) {
          if (auto d = Date::parse(std::string_view(log.now()).substr(0, 10))) working_date = *d;
        }
        auto rx = app::apply_rx_documents(inner, msg.tenant, log.now(), working_date,
                                          read.documents, msg.id, msg.source);
        apply_problems.insert(apply_problems.end(), rx.diagnostics.begin(), rx.diagnostics.end());
        if (has_errors(rx.diagnostics)) {
          return fail(DiagCode::ImportRejected, "rx documents not applied");
        }
      }
    }
    MessageLog inner_log(inner, log.now(), cache);
    for (const auto& output : route->outputs) {
      adapters::Context wctx;
      wctx.source_name = msg.source;
      auto written = output.adapter->write(read.documents, wctx);
      if (written.outcome != adapters::Outcome::ok || has_errors(written.diagnostics)) {
        apply_problems.insert(apply_problems.end(), written.diagnostics.begin(),
                              written.diagnostics.end());
        return fail(DiagCode::AdapterWriteRefused,
                    "output adapter '" + output.adapter->info().name + "' refused the documents");
      }
      const std::string destination = dest_override.empty() ? output.destination.text : dest_override;
      auto out_id = inner_log.emit(msg.tenant, msg.route, output.adapter->info().name, destination,
                                   written.bytes, actor, "from message " + std::to_string(msg.id));
      if (!out_id) return Unexpected(out_id.error());
      EmittedOutput e;
      e.message_id = *out_id;
      e.adapter = output.adapter->info().name;
      e.destination = destination;
      e.file_name = output_file_name(*out_id, msg.source, *output.adapter);
      if (auto q = inner_log.enqueue(msg.tenant, *out_id, destination, e.file_name); !q) {
        return Unexpected(q.error());
      }
      e.bytes = std::move(written.bytes);
      emitted.push_back(std::move(e));
    }
    return {};
  });
  if (!applied) {
    if (apply_problems.empty()) {
      Diagnostic d = applied.error();
      d.where.file = msg.source;
      apply_problems.push_back(std::move(d));
    }
    out.diagnostics.insert(out.diagnostics.end(), apply_problems.begin(), apply_problems.end());
    if (auto ok = finish_rejected("parsed", "not applied: " + error_summary(apply_problems)); !ok) {
      return Unexpected(ok.error());
    }
    return out;
  }
  out.outputs = std::move(emitted);
  out.applied_summary = counts_of(read.documents);
  if (auto ok = log.add_diagnostics(msg.id, out.diagnostics); !ok) return Unexpected(ok.error());
  std::string note = route->command == Command::import ? "import: " + out.applied_summary
                                                        : std::string("no command");
  note += "; " + std::to_string(out.outputs.size()) + " output(s)";
  if (auto moved = log.move(msg.id, "parsed", "applied", actor, note); !moved) {
    return Unexpected(moved.error());
  }
  if (msg.has_next_attempt) {
    if (auto ok = log.set_retry(msg.id, msg.attempts, std::nullopt); !ok) return Unexpected(ok.error());
  }
  if (!msg.reprocess_destination.empty()) {
    auto* clear = &log.stmt("UPDATE messages SET reprocess_destination = NULL WHERE id = ?1");
    clear->bind_int(1, msg.id);
    if (auto ok = clear->run(); !ok) return Unexpected(ok.error());
  }
  out.state = "applied";
  return out;
}

Result<int> process_due(store::Database& db, const RouteTable& routes, store::Timestamp now,
                        int limit, const RetryPolicy& retry, std::vector<ProcessOutcome>* out,
                        StatementCache* cache) {
  const std::string now_text = store::format_timestamp(now);
  std::vector<std::int64_t> ids;
  {
    auto st = db.prepare(
        "SELECT id FROM messages WHERE direction = 'in' AND state = 'received' ORDER BY id "
        "LIMIT ?1");
    st->bind_int(1, limit);
    for (;;) {
      auto s = st->step();
      if (!s) return Unexpected(s.error());
      if (*s == store::Step::done) break;
      ids.push_back(st->column_int(0));
    }
    if (static_cast<int>(ids.size()) < limit) {
      auto due = db.prepare(
          "SELECT id FROM messages WHERE direction = 'in' AND state = 'failed' AND "
          "next_attempt_at <= ?1 ORDER BY next_attempt_at LIMIT ?2");
      due->bind_text(1, now_text).bind_int(2, limit - static_cast<int>(ids.size()));
      for (;;) {
        auto s = due->step();
        if (!s) return Unexpected(s.error());
        if (*s == store::Step::done) break;
        ids.push_back(due->column_int(0));
      }
    }
  }
  if (ids.empty()) return 0;
  std::vector<ProcessOutcome> outcomes;
  auto ok = db.transaction([&](store::Transaction& tx) -> Result<void> {
    outcomes.clear();
    for (std::int64_t id : ids) {
      auto m = load_message(db, id, cache);
      if (!m) return Unexpected(m.error());
      if (!*m || ((*m)->state != "received" && (*m)->state != "failed")) continue;
      auto r = process_message(tx, routes, **m, now, "", retry, "pipeline", cache);
      if (!r) return Unexpected(r.error());
      outcomes.push_back(std::move(*r));
    }
    return {};
  });
  if (!ok) return Unexpected(ok.error());
  const int n = static_cast<int>(outcomes.size());
  if (out != nullptr) {
    for (auto& o : outcomes) out->push_back(std::move(o));
  }
  return n;
}

Result<ProcessOutcome> dry_run(store::Database& db, const RouteTable& routes,
                               const std::string& route, const std::string& source,
                               const std::string& bytes, store::Timestamp now) {
  const CompiledRoute* r = routes.find(route);
  if (r == nullptr) {
    return fail(DiagCode::DaemonNoRoute, "route '" + route + "' is not configured");
  }
  ProcessOutcome outcome;
  bool routed = false;
  RetryPolicy no_retry;
  no_retry.limit = 1;
  auto rolled_back = db.transaction([&](store::Transaction& tx) -> Result<void> {
    MessageLog log(tx, store::format_timestamp(now));
    InboundMessage in;
    in.tenant = r->tenant;
    in.route = route;
    in.source = source;
    in.bytes = bytes;
    in.actor = "route-test";
    auto rec = log.receive(in);
    if (!rec) return Unexpected(rec.error());
    auto m = load_message(db, rec->id);
    if (!m) return Unexpected(m.error());
    StoredMessage msg = **m;
    if (rec->duplicate) {
      // Route it as if it were new: the test shows what this file would do.
      msg.state = "received";
      auto reset = tx.prepare("UPDATE messages SET state = 'received' WHERE id = ?1");
      reset->bind_int(1, msg.id);
      if (auto ok = reset->run(); !ok) return ok;
    }
    auto p = process_message(tx, routes, msg, now, "", no_retry, "route-test");
    if (!p) return Unexpected(p.error());
    outcome = std::move(*p);
    routed = true;
    return fail(DiagCode::DaemonReprocess, "dry run: rolled back");
  });
  if (!routed) return Unexpected(rolled_back.error());
  return outcome;
}

}  // namespace cb::daemon
