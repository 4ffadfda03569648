#include "pipeline/ops/retention.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <system_error>

#include "pipeline/store/body_codec.h"

namespace cb::ops {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kFinalStates = "('applied', 'delivered', 'rejected', 'dead')";

/// Conditions every touched message meets: a final state, no unfinished
/// outbox work, last changed before ?cutoff.
std::string eligible(std::string_view cutoff_param) {
  return std::string("state IN ") + std::string(kFinalStates) + " AND updated_at < " +
         std::string(cutoff_param) +
         " AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.message_id = messages.id "
         "AND o.state IN ('pending', 'claimed'))";
}

std::string cutoff(store::Timestamp now, int days) {
  return store::format_timestamp(now - std::chrono::days{days});
}

/// Letters, digits, '.', '-', '_' kept; everything else '_'; at most 80 bytes;
/// never "." or "..".
std::string safe_name(std::string_view s) {
  const auto slash = s.find_last_of("/\\");
  if (slash != std::string_view::npos) s = s.substr(slash + 1);
  std::string out;
  for (char c : s) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '-' || c == '_';
    out += keep ? c : '_';
    if (out.size() >= 80) break;
  }
  if (out.empty() || out == "." || out == "..") out = "_";
  return out;
}

bool fsync_path(const fs::path& p, int flags) {
  const int fd = ::open(p.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

/// Writes `bytes` to `target` via a temporary file, fsync and rename.
bool write_atomic(const fs::path& target, std::string_view bytes, std::string& error) {
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) {
    error = "cannot create " + target.parent_path().string() + ": " + ec.message();
    return false;
  }
  const fs::path tmp = target.string() + ".tmp-" + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) {
    error = "cannot create " + tmp.string() + ": " + std::strerror(errno);
    return false;
  }
  std::size_t done = 0;
  while (done < bytes.size()) {
    const auto n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = "cannot write " + tmp.string() + ": " + std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    error = "cannot sync " + tmp.string() + ": " + std::strerror(errno);
    ::close(fd);
    ::unlink(tmp.c_str());
    return false;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    error = "cannot rename to " + target.string() + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  fsync_path(target.parent_path(), O_RDONLY | O_DIRECTORY);
  return true;
}

Result<std::int64_t> pragma_int(store::Database& db, std::string_view pragma) {
  auto st = db.prepare(std::string("PRAGMA ") + std::string(pragma));
  auto s = st->step();
  if (!s) return cb::Unexpected(std::move(s.error()));
  if (*s == store::Step::done) return std::int64_t{0};
  return st->column_int(0);
}

struct Candidate {
  std::int64_t id = 0;
  std::string tenant, route, direction, source, state, hash, encoding, updated_at;
  std::string blob;
  std::int64_t raw_size = 0;
};

Result<std::vector<std::string>> routes_in_store(store::Database& db, const RetentionOptions& o) {
  auto st = db.prepare(
      "SELECT DISTINCT route FROM messages WHERE (?1 = '' OR tenant = ?1) "
      "AND (?2 = '' OR route = ?2) ORDER BY route");
  st->bind_text(1, o.tenant).bind_text(2, o.route);
  std::vector<std::string> out;
  for (;;) {
    auto s = st->step();
    if (!s) return cb::Unexpected(std::move(s.error()));
    if (*s == store::Step::done) return out;
    out.push_back(st->column_text(0));
  }
}

/// Prunes the bodies of one route, batch by batch.
Result<void> prune_bodies(store::Database& db, const std::string& route, const RetentionRule& rule,
                          store::Timestamp now, const RetentionOptions& o, RetentionReport& report) {
  const std::string before = cutoff(now, *rule.body_days);
  const std::string now_text = store::format_timestamp(now);
  std::int64_t after_id = 0;
  for (;;) {
    auto select = db.prepare(
        "SELECT id, tenant, route, direction, source, state, content_hash, encoding, updated_at, "
        "bytes, coalesce(raw_size, byte_size) FROM messages WHERE route = ?1 AND (?2 = '' OR "
        "tenant = ?2) AND pruned_at IS NULL AND id > ?4 AND " +
        eligible("?3") + " ORDER BY id LIMIT ?5");
    select->bind_text(1, route)
        .bind_text(2, o.tenant)
        .bind_text(3, before)
        .bind_int(4, after_id)
        .bind_int(5, o.batch_size > 0 ? o.batch_size : 500);
    std::vector<Candidate> batch;
    for (;;) {
      auto s = select->step();
      if (!s) return cb::Unexpected(std::move(s.error()));
      if (*s == store::Step::done) break;
      Candidate c;
      c.id = select->column_int(0);
      c.tenant = select->column_text(1);
      c.route = select->column_text(2);
      c.direction = select->column_text(3);
      c.source = select->column_text(4);
      c.state = select->column_text(5);
      c.hash = select->column_text(6);
      c.encoding = select->column_text(7);
      c.updated_at = select->column_text(8);
      const auto bytes = select->column_blob(9);
      c.blob.assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
      c.raw_size = select->column_int(10);
      batch.push_back(std::move(c));
    }
    select.reset();
    if (batch.empty()) return {};
    after_id = batch.back().id;

    std::vector<std::pair<const Candidate*, std::string>> prunable;  // with the note
    for (const Candidate& c : batch) {
      std::string note = "body pruned by retention after " + std::to_string(*rule.body_days) + " days";
      if (rule.archive_dir) {
        std::string failure;
        auto body = store::decode_body(c.encoding, c.blob, c.raw_size);
        if (!body) {
          failure = body.error().message;
        } else {
          const fs::path target =
              *rule.archive_dir / safe_name(c.tenant) / safe_name(c.route) /
              c.updated_at.substr(0, 7) /
              (std::to_string(c.id) + "-" + c.direction + "-" + c.hash.substr(0, 12) + "-" +
               safe_name(c.source.empty() ? std::string("body") : c.source));
          if (write_atomic(target, *body, failure)) {
            ++report.bodies_archived;
            note += ", archived to " + target.string();
          }
        }
        if (!failure.empty()) {
          Location where;
          where.file = db.location();
          where.field = "messages/" + std::to_string(c.id);
          auto d = Diagnostic::make(DiagCode::OpsArchiveFailed,
                                    "message " + std::to_string(c.id) + " on route " + c.route +
                                        " was not pruned: " + failure,
                                    where);
          d.hint = "check the archive folder " + rule.archive_dir->string();
          report.problems.push_back(std::move(d));
          continue;
        }
      }
      prunable.emplace_back(&c, std::move(note));
    }

    auto tx = db.transaction([&](store::Transaction&) -> Result<void> {
      auto up = db.prepare(
          "UPDATE messages SET bytes = x'', byte_size = 0, pruned_at = ?2 "
          "WHERE id = ?1 AND pruned_at IS NULL");
      auto ev = db.prepare(
          "INSERT INTO message_events (message_id, at, actor, from_state, to_state, note) "
          "VALUES (?1, ?2, 'job:retention', ?3, ?3, ?4)");
      for (const auto& [c, note] : prunable) {
        up->reset();
        up->bind_int(1, c->id).bind_text(2, now_text);
        if (auto r = up->run(); !r) return r;
        if (up->rows_affected() == 0) continue;
        ev->reset();
        ev->bind_int(1, c->id).bind_text(2, now_text).bind_text(3, c->state).bind_text(4, note);
        if (auto r = ev->run(); !r) return r;
        ++report.bodies_pruned;
        report.bytes_pruned += static_cast<std::int64_t>(c->blob.size());
      }
      return {};
    });
    if (!tx) return tx;
  }
}

/// Deletes messages (with events, diagnostics and finished outbox rows) of one route.
Result<void> delete_metadata(store::Database& db, const std::string& route,
                             const RetentionRule& rule, store::Timestamp now,
                             const RetentionOptions& o, RetentionReport& report) {
  const std::string before = cutoff(now, *rule.metadata_days);
  std::int64_t after_id = 0;  // each batch continues where the last one ended
  for (;;) {
    auto select = db.prepare(
        "SELECT id FROM messages WHERE route = ?1 AND (?2 = '' OR tenant = ?2) AND id > ?5 AND " +
        eligible("?3") + " ORDER BY id LIMIT ?4");
    select->bind_text(1, route)
        .bind_text(2, o.tenant)
        .bind_text(3, before)
        .bind_int(4, o.batch_size > 0 ? o.batch_size : 500)
        .bind_int(5, after_id);
    std::vector<std::int64_t> ids;
    for (;;) {
      auto s = select->step();
      if (!s) return cb::Unexpected(std::move(s.error()));
      if (*s == store::Step::done) break;
      ids.push_back(select->column_int(0));
    }
    select.reset();
    if (ids.empty()) return {};
    after_id = ids.back();
    auto tx = db.transaction([&](store::Transaction&) -> Result<void> {
      auto outbox = db.prepare(
          "DELETE FROM outbox WHERE message_id = ?1 AND state IN ('done', 'failed')");
      auto del = db.prepare("DELETE FROM messages WHERE id = ?1");
      for (auto id : ids) {
        outbox->reset();
        outbox->bind_int(1, id);
        if (auto r = outbox->run(); !r) return r;
        del->reset();
        del->bind_int(1, id);
        if (auto r = del->run(); !r) return r;
        report.messages_deleted += del->rows_affected();
      }
      return {};
    });
    if (!tx) return tx;
  }
}

}  // namespace

const RetentionRule* rule_for_route(const std::vector<RetentionRule>& rules,
                                    const std::string& route) {
  const RetentionRule* wildcard = nullptr;
  for (const auto& r : rules) {
    if (r.route == route) return &r;
    if (r.route == "*") wildcard = &r;
  }
  return wildcard;
}

Result<std::int64_t> reclaim_space(store::Database& db, Reclaim mode) {
  if (db.dialect() != store::Dialect::sqlite) return std::int64_t{0};
  if (db.transaction_depth() > 0) {
    throw std::logic_error("reclaim_space must not run inside a transaction");
  }
  auto wrap = [&](Diagnostic d) {
    d.message = "reclaiming space in " + db.location() + ": " + d.message;
    d.code = d.code == DiagCode::StoreBusy ? d.code : DiagCode::OpsReclaimFailed;
    return cb::Unexpected(std::move(d));
  };
  if (mode == Reclaim::incremental) {
    auto av = pragma_int(db, "auto_vacuum");
    if (!av) return wrap(std::move(av.error()));
    if (*av == 0) {
      // The store was created without auto_vacuum: switch once (takes a VACUUM).
      if (auto r = db.exec("PRAGMA auto_vacuum = INCREMENTAL"); !r) return wrap(std::move(r.error()));
      if (auto r = db.exec("VACUUM"); !r) return wrap(std::move(r.error()));
    } else if (*av == 2) {
      if (auto r = db.exec("PRAGMA incremental_vacuum"); !r) return wrap(std::move(r.error()));
    }
  } else if (mode == Reclaim::full) {
    if (auto r = db.exec("VACUUM"); !r) return wrap(std::move(r.error()));
  }
  if (mode != Reclaim::none) {
    // The freed pages leave the file only when the WAL is checkpointed.
    if (auto r = db.exec("PRAGMA wal_checkpoint(TRUNCATE)"); !r) return wrap(std::move(r.error()));
  }
  auto pages = pragma_int(db, "page_count");
  if (!pages) return wrap(std::move(pages.error()));
  return *pages;
}

Result<RetentionReport> run_retention(store::Database& db, const std::vector<RetentionRule>& rules,
                                      store::Timestamp now, const RetentionOptions& options) {
  RetentionReport report;
  if (db.dialect() == store::Dialect::sqlite) {
    auto pages = pragma_int(db, "page_count");
    if (!pages) return cb::Unexpected(std::move(pages.error()));
    report.pages_before = *pages;
  }
  auto routes = routes_in_store(db, options);
  if (!routes) return cb::Unexpected(std::move(routes.error()));
  for (const auto& route : *routes) {
    const RetentionRule* rule = rule_for_route(rules, route);
    if (!rule) continue;
    if (rule->body_days) {
      if (auto r = prune_bodies(db, route, *rule, now, options, report); !r)
        return cb::Unexpected(std::move(r.error()));
    }
    if (rule->metadata_days) {
      if (auto r = delete_metadata(db, route, *rule, now, options, report); !r)
        return cb::Unexpected(std::move(r.error()));
    }
  }
  if (db.dialect() == store::Dialect::sqlite) {
    auto free_pages = pragma_int(db, "freelist_count");
    if (!free_pages) return cb::Unexpected(std::move(free_pages.error()));
    report.free_pages_before = *free_pages;
    report.pages_after = report.pages_before;
    if (report.bodies_pruned > 0 || report.messages_deleted > 0 || *free_pages > 0) {
      auto pages = reclaim_space(db, options.reclaim);
      if (pages) {
        report.pages_after = *pages;
      } else {
        report.problems.push_back(std::move(pages.error()));  // pruned anyway; try next run
      }
    }
    auto free_after = pragma_int(db, "freelist_count");
    if (!free_after) return cb::Unexpected(std::move(free_after.error()));
    report.free_pages_after = *free_after;
    if (report.pages_after == report.pages_before) {
      auto pages = pragma_int(db, "page_count");
      if (pages) report.pages_after = *pages;
    }
  }
  return report;
}

}  // namespace cb::ops
