#pragma once
// The embedded store: SQLite in WAL mode with foreign keys on, durable
// commits (synchronous=FULL) by default, numbered migrations applied at open.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "pipeline/store/database.h"
#include "pipeline/store/migrations.h"

namespace cb::store {

/// PRAGMA synchronous. full: a commit survives power loss (the default);
/// normal: in WAL mode a commit may be lost on power loss but the file stays
/// consistent — for tests and throwaway stores.
enum class Synchronous : std::uint8_t { full, normal };

struct SqliteOptions {
  /// A file path (created when missing; its folder must exist) or ":memory:"
  /// for a private in-memory store (tests; WAL does not apply there).
  std::string path;
  Synchronous synchronous = Synchronous::full;
  /// How long a statement waits for another connection's lock before STO003.
  std::chrono::milliseconds busy_timeout{5000};
  /// The clock for schema_migrations.applied_at: returns a timestamp in the
  /// store's format (timestamp.h). Required; the store never reads the clock.
  std::function<std::string()> now;
  /// The migrations to apply at open, in order. Tests pass their own.
  std::span<const Migration> migrations = builtin_migrations(Dialect::sqlite);
};

class SqliteDatabase final : public Database {
 public:
  /// Opens (creating when missing) the store, sets and verifies the pragmas
  /// (journal_mode=WAL, synchronous, foreign_keys=ON, busy timeout), then
  /// applies pending migrations. STO001 when the file cannot be opened, is not
  /// a database or a pragma did not take effect; STO002 / STO005 from the
  /// migrations (migrations.h); STO003 when another process holds the lock
  /// longer than the busy timeout. Throws std::invalid_argument without a clock.
  static Result<std::unique_ptr<SqliteDatabase>> open(const SqliteOptions& options);

  ~SqliteDatabase() override;

  Dialect dialect() const override { return Dialect::sqlite; }
  const std::string& location() const override;
  std::unique_ptr<Statement> prepare(std::string_view sql) override;
  Result<void> exec(std::string_view sql) override;

  /// Compiled statements kept for reuse: a Statement's compiled form goes back
  /// to its connection when the Statement is destroyed, and the next prepare()
  /// (or single-statement exec()) of the same text takes it instead of
  /// compiling the SQL again. For tests.
  std::size_t idle_statements() const;

  /// The migration versions applied by open() (empty when the store was current).
  const std::vector<int>& applied_at_open() const { return applied_at_open_; }

  struct Connection;  // shared with statements, so they may outlive this object

 protected:
  Result<void> begin_transaction() override;
  Result<void> commit_transaction() override;
  void rollback_transaction() noexcept override;
  bool transaction_active() const override;

 private:
  explicit SqliteDatabase(std::shared_ptr<Connection> connection);
  Result<void> configure(const SqliteOptions& options);

  std::shared_ptr<Connection> conn_;
  std::vector<int> applied_at_open_;
};

}  // namespace cb::store
