#include "pipeline/app/importer.h"

#include "pipeline/store/body_codec.h"

#include "pipeline/app/master_data_repository.h"
#include "pipeline/app/rx_import.h"
#include "pipeline/store/hash.h"

namespace cb::app {
namespace {

class MessageWriter {
 public:
  MessageWriter(store::Transaction& tx, std::string now, std::string actor)
      : tx_(tx), now_(std::move(now)), actor_(std::move(actor)) {}

  Result<std::int64_t> insert(const ImportRequest& req, const std::string& hash,
                              const std::string& adapter) {
    auto st = tx_.prepare(
        "INSERT INTO messages (tenant, direction, route, adapter, source, content_hash, bytes, "
        "byte_size, state, created_at, updated_at, encoding, raw_size) VALUES (?1, 'in', ?2, ?3, "
        "?4, ?5, ?6, ?7, 'received', ?8, ?8, ?9, ?10) RETURNING id");
    st->bind_text(1, req.tenant).bind_text(2, req.route);
    if (adapter.empty()) {
      st->bind_null(3);
    } else {
      st->bind_text(3, adapter);
    }
    const store::EncodedBody body = store::encode_body(req.bytes);
    st->bind_text(4, req.source).bind_text(5, hash).bind_blob(6, std::string_view(body.blob));
    st->bind_int(7, static_cast<std::int64_t>(body.blob.size())).bind_text(8, now_);
    st->bind_text(9, body.encoding).bind_int(10, body.raw_size);
    auto step = st->step();
    if (!step) return Unexpected(step.error());
    const std::int64_t id = st->column_int(0);
    st->reset();
    if (auto ok = event(id, "", "received", "from " + req.source); !ok) return Unexpected(ok.error());
    return id;
  }

  Result<void> event(std::int64_t id, const std::string& from, const std::string& to,
                     const std::string& note) {
    auto st = tx_.prepare(
        "INSERT INTO message_events (message_id, at, actor, from_state, to_state, note) VALUES "
        "(?1, ?2, ?3, ?4, ?5, ?6)");
    st->bind_int(1, id).bind_text(2, now_).bind_text(3, actor_);
    if (from.empty()) {
      st->bind_null(4);
    } else {
      st->bind_text(4, from);
    }
    st->bind_text(5, to).bind_text(6, note);
    return st->run();
  }

  Result<void> move(std::int64_t id, const std::string& from, const std::string& to,
                    const std::string& note) {
    auto st = tx_.prepare("UPDATE messages SET state = ?2, updated_at = ?3 WHERE id = ?1");
    st->bind_int(1, id).bind_text(2, to).bind_text(3, now_);
    if (auto ok = st->run(); !ok) return ok;
    return event(id, from, to, note);
  }

  Result<void> diagnostics(std::int64_t id, const Diagnostics& ds) {
    auto st = tx_.prepare(
        "INSERT INTO message_diagnostics (message_id, at, severity, code, location, message, "
        "hint) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    for (const auto& d : ds) {
      st->reset();
      st->bind_int(1, id).bind_text(2, now_).bind_text(3, to_string(d.severity));
      st->bind_text(4, code_id(d.code)).bind_text(5, d.where.to_string());
      st->bind_text(6, d.message).bind_text(7, d.hint);
      if (auto ok = st->run(); !ok) return ok;
    }
    return {};
  }

 private:
  store::Transaction& tx_;
  std::string now_;
  std::string actor_;
};

std::string summary(const Diagnostics& ds) {
  std::size_t errors = 0;
  for (const auto& d : ds) errors += d.severity >= Severity::error ? 1 : 0;
  return std::to_string(errors) + " error(s), " + std::to_string(ds.size() - errors) +
         " other diagnostic(s)";
}

}  // namespace

Result<ImportReport> import_message(store::Database& db, const adapters::Registry& registry,
                                    const ImportRequest& req,
                                    const std::function<std::string()>& now) {
  ImportReport report;
  const std::string hash = store::sha256_hex(req.bytes);
  const std::string at = now();

  auto ok = db.transaction([&](store::Transaction& tx) -> Result<void> {
    MessageWriter messages(tx, at, req.actor);

    // Inbound duplicate: same bytes, same route and tenant.
    auto dup = tx.prepare(
        "SELECT id, state, coalesce(adapter, '') FROM messages WHERE tenant = ?1 AND route = ?2 "
        "AND content_hash = ?3 AND direction = 'in'");
    dup->bind_text(1, req.tenant).bind_text(2, req.route).bind_text(3, hash);
    auto found = dup->step();
    if (!found) return Unexpected(found.error());
    if (*found == store::Step::row) {
      report.duplicate = true;
      report.message_id = dup->column_int(0);
      report.state = dup->column_text(1);
      report.adapter = dup->column_text(2);
      dup->reset();
      report.diagnostics.push_back(Diagnostic::make(
          DiagCode::ImportDuplicateMessage,
          "the same content was imported before as message " + std::to_string(report.message_id) +
              " (" + report.state + "); not applied again",
          Location{.file = req.source}));
      return messages.event(report.message_id, report.state, report.state,
                            "identical content received again from " + req.source);
    }
    dup->reset();

    // Which adapter reads it.
    const adapters::Adapter* adapter = nullptr;
    if (req.format.empty()) {
      adapter = registry.detect(req.bytes);
      if (adapter == nullptr) {
        report.diagnostics.push_back(Diagnostic::make(
            DiagCode::AdapterUnknown, "no adapter recognises this input; name the format",
            Location{.file = req.source}));
      }
    } else if (auto a = registry.require(req.format); a) {
      adapter = *a;
    } else {
      Diagnostic d = a.error();
      d.where.file = req.source;
      report.diagnostics.push_back(std::move(d));
    }
    report.adapter = adapter != nullptr ? adapter->info().name : "";

    auto id = messages.insert(req, hash, report.adapter);
    if (!id) return Unexpected(id.error());
    report.message_id = *id;

    auto reject = [&](const std::string& from, const std::string& why) -> Result<void> {
      report.state = "rejected";
      if (auto w = messages.diagnostics(report.message_id, report.diagnostics); !w) return w;
      return messages.move(report.message_id, from, "rejected", why + ": " + summary(report.diagnostics));
    };

    if (adapter == nullptr) return reject("received", "no adapter");

    adapters::Context ctx;
    ctx.source_name = req.source;
    auto read = adapter->read(req.bytes, ctx);
    report.diagnostics = read.diagnostics;
    if (read.outcome != adapters::Outcome::ok) return reject("received", "read failed");
    if (auto m = messages.move(report.message_id, "received", "parsed",
                               std::to_string(read.documents.documents.size()) + " document(s)");
        !m) {
      return m;
    }

    // Apply the documents in a savepoint: on any problem none of them stays.
    Diagnostics apply_problems;
    auto applied = tx.transaction([&](store::Transaction& inner) -> Result<void> {
      MasterDataRepository repo(inner, req.tenant, at);
      apply_problems = repo.check_references(read.documents, req.source);
      if (has_errors(apply_problems)) {
        return fail(DiagCode::ImportRejected, "references do not resolve");
      }
      if (auto up = repo.upsert(read.documents, report.message_id); !up) return up;
      if (!has_rx_documents(read.documents)) return {};
      // The rx documents (rx_import.h): contracts, set-up, cases, events.
      Date working_date = req.working_date.value_or(Date::from_days(0));
      if (!req.working_date) {
        if (auto d = Date::parse(std::string_view(at).substr(0, 10))) working_date = *d;
      }
      auto rx = apply_rx_documents(inner, req.tenant, at, working_date, read.documents,
                                   report.message_id, req.source);
      apply_problems.insert(apply_problems.end(), rx.diagnostics.begin(), rx.diagnostics.end());
      if (has_errors(rx.diagnostics)) {
        return fail(DiagCode::ImportRejected, "rx documents not applied");
      }
      report.cases = std::move(rx.cases);
      return {};
    });
    if (!applied) {
      if (apply_problems.empty()) {
        // A store constraint the checks did not foresee: keep it as the reason.
        Diagnostic d = applied.error();
        d.where.file = req.source;
        apply_problems.push_back(std::move(d));
      }
      report.diagnostics.insert(report.diagnostics.end(), apply_problems.begin(),
                                apply_problems.end());
      return reject("parsed", "not applied");
    }
    for (const auto& d : read.documents.documents) ++report.applied[std::string(document_kind(d))];
    if (auto w = messages.diagnostics(report.message_id, report.diagnostics); !w) return w;
    report.state = "applied";
    std::string counts;
    for (const auto& [kind, n] : report.applied) {
      counts += (counts.empty() ? "" : ", ") + std::to_string(n) + " " + kind;
    }
    return messages.move(report.message_id, "parsed", "applied", counts);
  });
  if (!ok) return Unexpected(ok.error());
  return report;
}

std::map<std::string, int> count_messages_by_state(store::Database& db, const std::string& tenant) {
  std::map<std::string, int> out;
  auto st = db.prepare(
      "SELECT state, count(*) FROM messages WHERE (?1 = '' OR tenant = ?1) GROUP BY state");
  st->bind_text(1, tenant);
  while (true) {
    auto r = st->step();
    if (!r || *r == store::Step::done) break;
    out[st->column_text(0)] = static_cast<int>(st->column_int(1));
  }
  return out;
}

}  // namespace cb::app
