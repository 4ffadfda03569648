#pragma once
// Retention (Aufbewahrung): keeps the message store from growing forever.
//
// Per route (config `[[retention]]`, route "*" = every route without its own
// rule):
//  - bodies older than `body_days` are pruned: `bytes` becomes an empty blob,
//    `pruned_at` is set; `raw_size`, `content_hash`, metadata, events and
//    diagnostics stay. With `archive_dir`, each body is first written to
//    `<archive_dir>/<tenant>/<route>/<yyyy-mm>/<id>-<sha256 prefix>.<ext>`
//    (decoded bytes, written to a temporary name, fsynced, renamed) and only
//    then pruned; a body that cannot be archived is not pruned (OPS005 in the
//    report's problems).
//  - messages older than `metadata_days` are deleted with their events and
//    diagnostics (and their finished outbox rows).
// Only messages in a final state are touched: applied, delivered, rejected,
// dead. Messages still in work (received, parsed, emitted, failed) and
// messages with unfinished outbox rows are left alone whatever their age.
// Age is measured from `updated_at`.
//
// The space is reclaimed: after pruning, the SQLite store is switched to
// auto_vacuum = INCREMENTAL once (one VACUUM, the first time), and later runs
// release the free pages with PRAGMA incremental_vacuum and truncate the WAL,
// so the file shrinks. On PostgreSQL the database's autovacuum does this.
//
// Wiring: the builtin job "retention" (builtin_jobs.h) calls run_retention
// with the config's rules; schedule it in `[[jobs]]` (e.g. "0 3 * * *").
// Work is done in batches (one transaction each), so the daemon's intake is
// not blocked for long.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/diag/diagnostic.h"
#include "pipeline/store/database.h"
#include "pipeline/store/timestamp.h"

namespace cb::ops {

/// One retention rule (from `[[retention]]`).
struct RetentionRule {
  std::string route;  // a route name, or "*" for every route without its own rule
  std::optional<int> body_days;
  std::optional<std::filesystem::path> archive_dir;  // resolved against workdir
  std::optional<int> metadata_days;
};

enum class Reclaim : std::uint8_t {
  none,         // leave the free pages in the file
  incremental,  // switch to auto_vacuum=INCREMENTAL once, then incremental_vacuum
  full,         // VACUUM every run
};

struct RetentionOptions {
  int batch_size = 500;
  Reclaim reclaim = Reclaim::incremental;
  std::string tenant;  // "" = every tenant
  std::string route;   // "" = every route (a filter on top of the rules)
};

struct RetentionReport {
  std::int64_t bodies_pruned = 0;
  std::int64_t bytes_pruned = 0;  // stored (compressed) bytes removed
  std::int64_t bodies_archived = 0;
  std::int64_t messages_deleted = 0;
  std::int64_t pages_before = 0;  // SQLite page_count before / after
  std::int64_t pages_after = 0;
  std::int64_t free_pages_before = 0;  // freelist_count after pruning, before reclaiming
  std::int64_t free_pages_after = 0;
  Diagnostics problems;  // bodies that could not be archived (OPS005), …
};

/// Applies the rules as of `now`. Store failures are returned; per-message
/// archive failures are collected in the report and leave that body in place.
Result<RetentionReport> run_retention(store::Database& db, const std::vector<RetentionRule>& rules,
                                      store::Timestamp now, const RetentionOptions& options = {});

/// The rule that applies to `route`: its own, else "*", else nullptr.
const RetentionRule* rule_for_route(const std::vector<RetentionRule>& rules,
                                    const std::string& route);

/// Reclaims free pages (see Reclaim). Returns the page_count after. Must not
/// be called inside a transaction.
Result<std::int64_t> reclaim_space(store::Database& db, Reclaim mode);

}  // namespace cb::ops
