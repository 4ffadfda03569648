#pragma once
// Numbered schema migrations, compiled into the binary (migrations.cc) and
// recorded in schema_migrations(version, name, checksum, applied_at).
//
// Rules: versions start at 1 and only grow; a migration, once released, is
// never edited (its checksum is recorded and compared at every open) — fix a
// mistake with a new migration. Each migration runs in its own transaction,
// together with its schema_migrations row. SQLite cannot switch foreign keys
// off inside a transaction: a migration that rebuilds a table must keep the
// referencing rows valid (the runner checks with PRAGMA foreign_key_check).

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/store/database.h"

namespace cb::store {

struct Migration {
  int version = 0;        // 1, 2, 3 …, never reused
  std::string_view name;  // snake_case, e.g. "message_store_and_outbox"
  std::string_view sql;   // one or more statements
};

/// The project's migrations for a dialect, in order. Throws std::logic_error
/// for PostgreSQL until its migrations exist.
std::span<const Migration> builtin_migrations(Dialect d);

/// One row of schema_migrations.
struct AppliedMigration {
  int version = 0;
  std::string name;
  std::string checksum;    // sha256 hex of the SQL text
  std::string applied_at;  // timestamp from the injected clock
};

/// sha256 hex (lowercase, 64 characters) of the text: the recorded checksum.
std::string migration_checksum(std::string_view sql);

/// Brings the store to the newest migration in the list. Creates
/// schema_migrations when missing, then checks what is recorded before
/// changing anything:
///   STO005 — a recorded version is newer than the newest in the list;
///   STO002 — an applied migration's checksum differs, a version is missing
///            below an applied one, or a migration's SQL fails (its transaction
///            is rolled back; earlier migrations stay applied);
///   STO003 — another process holds the lock longer than the busy timeout.
/// Returns the versions applied now (empty when the store was current).
/// `now` gives applied_at. Throws std::logic_error when the list itself is
/// malformed (versions not strictly ascending from 1, empty name or SQL).
Result<std::vector<int>> migrate(Database& db, std::span<const Migration> migrations,
                                 const std::function<std::string()>& now);

/// The highest applied version; 0 for a store without migrations.
Result<int> schema_version(Database& db);

/// The applied migrations in version order (empty for a new store).
Result<std::vector<AppliedMigration>> applied_migrations(Database& db);

}  // namespace cb::store
