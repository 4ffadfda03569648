#include "pipeline/daemon/message_log.h"

#include "pipeline/store/body_codec.h"
#include "pipeline/store/hash.h"

namespace cb::daemon {

store::Statement& MessageLog::stmt(std::string_view sql) {
  if (cache_ != nullptr) return cache_->get(sql);
  owned_.push_back(tx_.prepare(sql));
  return *owned_.back();
}

Result<Received> MessageLog::receive(const InboundMessage& m) {
  const std::string hash = store::sha256_hex(m.bytes);
  auto* dup = &stmt(
      "SELECT id, state FROM messages WHERE tenant = ?1 AND route = ?2 AND content_hash = ?3 "
      "AND direction = 'in'");
  dup->bind_text(1, m.tenant).bind_text(2, m.route).bind_text(3, hash);
  auto found = dup->step();
  if (!found) return Unexpected(found.error());
  if (*found == store::Step::row) {
    Received r{dup->column_int(0), true, dup->column_text(1)};
    dup->reset();
    if (auto ok = note(r.id, r.state, m.actor, "identical content received again from " + m.source);
        !ok) {
      return Unexpected(ok.error());
    }
    return r;
  }
  dup->reset();
  const store::EncodedBody body = store::encode_body(m.bytes);
  auto* st = &stmt(
      "INSERT INTO messages (tenant, direction, route, source, content_hash, bytes, byte_size, "
      "state, created_at, updated_at, encoding, raw_size, adapter) VALUES (?1, 'in', ?2, ?3, ?4, "
      "?5, ?6, 'received', ?7, ?7, ?8, ?9, ?10) RETURNING id");
  st->bind_text(1, m.tenant).bind_text(2, m.route).bind_text(3, m.source).bind_text(4, hash);
  st->bind_blob(5, std::string_view(body.blob))
      .bind_int(6, static_cast<std::int64_t>(body.blob.size()))
      .bind_text(7, now_)
      .bind_text(8, body.encoding)
      .bind_int(9, body.raw_size);
  if (m.adapter.empty()) {
    st->bind_null(10);
  } else {
    st->bind_text(10, m.adapter);
  }
  auto s = st->step();
  if (!s) return Unexpected(s.error());
  const std::int64_t id = st->column_int(0);
  st->reset();
  auto* ev = &stmt(
      "INSERT INTO message_events (message_id, at, actor, from_state, to_state, note) VALUES "
      "(?1, ?2, ?3, NULL, 'received', ?4)");
  ev->bind_int(1, id).bind_text(2, now_).bind_text(3, m.actor);
  ev->bind_text(4, m.note.empty() ? "from " + m.source : m.note);
  if (auto ok = ev->run(); !ok) return Unexpected(ok.error());
  return Received{id, false, "received"};
}

Result<std::int64_t> MessageLog::emit(const std::string& tenant, const std::string& route,
                                      const std::string& adapter, const std::string& destination,
                                      std::string_view bytes, const std::string& actor,
                                      const std::string& note_text) {
  const store::EncodedBody body = store::encode_body(bytes);
  auto* st = &stmt(
      "INSERT INTO messages (tenant, direction, route, adapter, source, content_hash, bytes, "
      "byte_size, state, created_at, updated_at, encoding, raw_size) VALUES (?1, 'out', ?2, ?3, "
      "?4, ?5, ?6, ?7, 'emitted', ?8, ?8, ?9, ?10) RETURNING id");
  st->bind_text(1, tenant).bind_text(2, route).bind_text(3, adapter).bind_text(4, destination);
  st->bind_text(5, store::sha256_hex(bytes)).bind_blob(6, std::string_view(body.blob));
  st->bind_int(7, static_cast<std::int64_t>(body.blob.size())).bind_text(8, now_);
  st->bind_text(9, body.encoding).bind_int(10, body.raw_size);
  auto s = st->step();
  if (!s) return Unexpected(s.error());
  const std::int64_t id = st->column_int(0);
  st->reset();
  auto* ev = &stmt(
      "INSERT INTO message_events (message_id, at, actor, from_state, to_state, note) VALUES "
      "(?1, ?2, ?3, NULL, 'emitted', ?4)");
  ev->bind_int(1, id).bind_text(2, now_).bind_text(3, actor).bind_text(4, note_text);
  if (auto ok = ev->run(); !ok) return Unexpected(ok.error());
  return id;
}

Result<bool> MessageLog::move(std::int64_t id, std::string_view from, std::string_view to,
                              const std::string& actor, const std::string& note_text) {
  auto* st = &stmt(
      "UPDATE messages SET state = ?3, updated_at = ?4 WHERE id = ?1 AND state = ?2");
  st->bind_int(1, id).bind_text(2, from).bind_text(3, to).bind_text(4, now_);
  if (auto ok = st->run(); !ok) return Unexpected(ok.error());
  if (st->rows_affected() == 0) return false;
  auto* ev = &stmt(
      "INSERT INTO message_events (message_id, at, actor, from_state, to_state, note) VALUES "
      "(?1, ?2, ?3, ?4, ?5, ?6)");
  ev->bind_int(1, id).bind_text(2, now_).bind_text(3, actor).bind_text(4, from).bind_text(5, to);
  ev->bind_text(6, note_text);
  if (auto ok = ev->run(); !ok) return Unexpected(ok.error());
  return true;
}

Result<void> MessageLog::note(std::int64_t id, std::string_view state, const std::string& actor,
                              const std::string& note_text) {
  auto* ev = &stmt(
      "INSERT INTO message_events (message_id, at, actor, from_state, to_state, note) VALUES "
      "(?1, ?2, ?3, ?4, ?4, ?5)");
  ev->bind_int(1, id).bind_text(2, now_).bind_text(3, actor).bind_text(4, state);
  ev->bind_text(5, note_text);
  return ev->run();
}

Result<void> MessageLog::add_diagnostics(std::int64_t id, const Diagnostics& ds) {
  if (ds.empty()) return {};
  auto* st = &stmt(
      "INSERT INTO message_diagnostics (message_id, at, severity, code, location, message, hint) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  for (const auto& d : ds) {
    st->reset();
    st->bind_int(1, id).bind_text(2, now_).bind_text(3, to_string(d.severity));
    st->bind_text(4, code_id(d.code)).bind_text(5, d.where.to_string());
    st->bind_text(6, d.message).bind_text(7, d.hint);
    if (auto ok = st->run(); !ok) return ok;
  }
  return {};
}

Result<void> MessageLog::set_retry(std::int64_t id, int attempts,
                                   const std::optional<std::string>& next_at) {
  auto* st = &stmt("UPDATE messages SET attempts = ?2, next_attempt_at = ?3 WHERE id = ?1");
  st->bind_int(1, id).bind_int(2, attempts);
  if (next_at) {
    st->bind_text(3, *next_at);
  } else {
    st->bind_null(3);
  }
  return st->run();
}

Result<void> MessageLog::set_adapter(std::int64_t id, const std::string& adapter) {
  auto* st = &stmt("UPDATE messages SET adapter = ?2 WHERE id = ?1");
  st->bind_int(1, id).bind_text(2, adapter);
  return st->run();
}

Result<void> MessageLog::set_business_key(std::int64_t id, const std::string& key) {
  auto* st = &stmt("UPDATE messages SET business_key = ?2 WHERE id = ?1");
  st->bind_int(1, id).bind_text(2, key);
  return st->run();
}

Result<std::optional<std::int64_t>> MessageLog::applied_with_key(const std::string& tenant,
                                                                 const std::string& route,
                                                                 const std::string& key,
                                                                 std::int64_t except_id) {
  auto* st = &stmt(
      "SELECT id FROM messages WHERE tenant = ?1 AND business_key = ?2 AND route = ?3 "
      "AND direction = 'in' AND state = 'applied' AND id <> ?4 LIMIT 1");
  st->bind_text(1, tenant).bind_text(2, key).bind_text(3, route).bind_int(4, except_id);
  auto s = st->step();
  if (!s) return Unexpected(s.error());
  if (*s == store::Step::done) return std::optional<std::int64_t>{};
  std::optional<std::int64_t> out = st->column_int(0);
  st->reset();
  return out;
}

Result<std::int64_t> MessageLog::enqueue(const std::string& tenant, std::int64_t message_id,
                                         const std::string& destination,
                                         const std::string& file_name) {
  auto* st = &stmt(
      "INSERT INTO outbox (created_at, updated_at, tenant, kind, destination, payload, "
      "message_id, state, next_attempt_at) VALUES (?1, ?1, ?2, 'deliver', ?3, ?4, ?5, "
      "'pending', ?1) RETURNING id");
  st->bind_text(1, now_).bind_text(2, tenant).bind_text(3, destination).bind_text(4, file_name);
  st->bind_int(5, message_id);
  auto s = st->step();
  if (!s) return Unexpected(s.error());
  const std::int64_t id = st->column_int(0);
  st->reset();
  return id;
}

Result<std::optional<StoredMessage>> load_message(store::Database& db, std::int64_t id,
                                                  StatementCache* cache) {
  std::unique_ptr<store::Statement> own;
  constexpr std::string_view kSql =
      "SELECT id, tenant, direction, route, coalesce(adapter, ''), source, state, "
      "coalesce(business_key, ''), content_hash, bytes, encoding, coalesce(raw_size, byte_size), "
      "pruned_at IS NOT NULL, attempts, created_at, next_attempt_at IS NOT NULL, "
      "coalesce(reprocess_destination, '') FROM messages WHERE id = ?1";
  store::Statement* st = nullptr;
  if (cache != nullptr) {
    st = &cache->get(kSql);
  } else {
    own = db.prepare(kSql);
    st = own.get();
  }
  st->bind_int(1, id);
  auto s = st->step();
  if (!s) return Unexpected(s.error());
  if (*s == store::Step::done) return std::optional<StoredMessage>{};
  StoredMessage m;
  m.id = st->column_int(0);
  m.tenant = st->column_text(1);
  m.direction = st->column_text(2);
  m.route = st->column_text(3);
  m.adapter = st->column_text(4);
  m.source = st->column_text(5);
  m.state = st->column_text(6);
  m.business_key = st->column_text(7);
  m.content_hash = st->column_text(8);
  m.pruned = st->column_int(12) != 0;
  m.attempts = static_cast<int>(st->column_int(13));
  m.created_at = st->column_text(14);
  m.has_next_attempt = st->column_int(15) != 0;
  m.reprocess_destination = st->column_text(16);
  if (!m.pruned) {
    const std::string blob = st->column_text(9);
    auto body = store::decode_body(st->column_text(10), blob, st->column_int(11));
    if (!body) return Unexpected(body.error());
    m.bytes = std::move(*body);
  }
  st->reset();
  return std::optional<StoredMessage>(std::move(m));
}

}  // namespace cb::daemon
