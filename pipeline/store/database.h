#pragma once
// The store's interface: a database connection, prepared statements and one
// transaction API. SQLite (sqlite_database.h) implements it now; PostgreSQL
// will implement the same interface for several daemons sharing one store.
//
// Error policy (CONVENTIONS.md): what can go wrong at run time comes back as a
// Result with an STO diagnostic — STO003 busy (retry later), STO004 constraint
// violated (the message names the constraint), STO006 other failures (I/O, disk
// full). A mistake in our own SQL (syntax, unknown table, bad parameter index,
// reading a column that is not there) is a programming error and throws SqlError.
//
// Portability: write parameters as ?1, ?2, … (the PostgreSQL implementation
// rewrites them to $1, $2, …); use INSERT … RETURNING instead of a last-insert
// id; branch on dialect() where the SQL must differ (e.g. FOR UPDATE SKIP LOCKED).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/diag/diagnostic.h"

namespace cb::store {

enum class Dialect : std::uint8_t { sqlite, postgresql };

std::string_view to_string(Dialect d);

/// A programming error in SQL the project wrote itself. Not for bad input.
class SqlError : public std::logic_error {
 public:
  SqlError(const std::string& what, std::string sql);
  /// The statement that failed (may be empty).
  const std::string& sql() const { return sql_; }

 private:
  std::string sql_;
};

/// What one step of a statement produced.
enum class Step : std::uint8_t { row, done };

/// The storage class of a column value in the current row.
enum class ColumnType : std::uint8_t { null, integer, real, text, blob };

/// A prepared statement. Parameter indexes are 1-based (as ?1 in the SQL),
/// column indexes 0-based (as the select list). Bind calls return the statement
/// so they chain. A statement must be used by one thread at a time; it may
/// outlive a transaction but should be reset (or stepped to done) before
/// the transaction commits.
class Statement {
 public:
  virtual ~Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  virtual Statement& bind_null(int index) = 0;
  virtual Statement& bind_int(int index, std::int64_t value) = 0;
  /// Text may contain any bytes, including NUL; it is copied.
  virtual Statement& bind_text(int index, std::string_view value) = 0;
  /// The bytes are copied.
  virtual Statement& bind_blob(int index, std::span<const std::byte> value) = 0;
  /// Convenience for bytes held in a std::string.
  Statement& bind_blob(int index, std::string_view bytes) {
    return bind_blob(index, std::as_bytes(std::span(bytes.data(), bytes.size())));
  }

  /// Runs the statement to its next row or to its end. STO003/STO004/STO006 on
  /// failure. Stepping again after done starts over with the same bindings.
  virtual Result<Step> step() = 0;
  /// Steps until done, ignoring rows: for INSERT, UPDATE, DELETE.
  Result<void> run();
  /// Rows inserted, updated or deleted by the last run to done.
  virtual std::int64_t rows_affected() const = 0;
  /// Back to the start; clears all bindings to NULL.
  virtual void reset() = 0;

  virtual int column_count() const = 0;
  virtual std::string column_name(int column) const = 0;
  /// Column getters read the current row (after step() returned Step::row).
  virtual ColumnType column_type(int column) const = 0;
  bool is_null(int column) const { return column_type(column) == ColumnType::null; }
  virtual std::int64_t column_int(int column) const = 0;
  virtual std::string column_text(int column) const = 0;
  virtual std::vector<std::byte> column_blob(int column) const = 0;

 protected:
  Statement() = default;
};

class Transaction;

/// A connection to the store. One thread at a time; open one per thread or
/// per worker. Concrete classes: SqliteDatabase (sqlite_database.h).
class Database {
 public:
  using TransactionFn = std::function<Result<void>(Transaction&)>;

  virtual ~Database() = default;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  virtual Dialect dialect() const = 0;
  /// Where the store lives, for diagnostics ("carebridge.db", ":memory:", a DSN
  /// without password).
  virtual const std::string& location() const = 0;

  /// Prepares one statement. Throws SqlError on a mistake in the SQL. A failure
  /// that is not the SQL's fault (busy, I/O) is kept and returned by step().
  virtual std::unique_ptr<Statement> prepare(std::string_view sql) = 0;
  /// Runs one or more statements separated by ';', ignoring any rows.
  virtual Result<void> exec(std::string_view sql) = 0;

  /// Runs fn in a transaction. At the outermost level: BEGIN (IMMEDIATE on
  /// SQLite: the write lock is taken at the start, so a busy store is reported
  /// before any work is done), COMMIT when fn succeeds, ROLLBACK when fn returns
  /// an error (which is returned) or throws (rethrown after the rollback).
  /// Called again inside fn (on this Database or the Transaction) it nests with
  /// a SAVEPOINT: an inner failure undoes only the inner work, and the outer fn
  /// decides whether to go on. Nothing is ever half-applied.
  Result<void> transaction(const TransactionFn& fn);

  /// 0 outside a transaction, 1 in the outermost, 2+ in savepoints.
  int transaction_depth() const { return depth_; }

 protected:
  Database() = default;

  /// Starts the outermost transaction (dialect-specific).
  virtual Result<void> begin_transaction() = 0;
  virtual Result<void> commit_transaction() = 0;
  /// Rolls the outermost transaction back; never throws; a no-op when the
  /// database has already rolled it back.
  virtual void rollback_transaction() noexcept = 0;
  /// False when the database ended the transaction on its own (SQLite does
  /// after some I/O and memory errors): then the rest of it must not run.
  virtual bool transaction_active() const = 0;

 private:
  Result<void> run_outermost(const TransactionFn& fn);
  Result<void> run_savepoint(const TransactionFn& fn);
  void rollback_savepoint(const std::string& name) noexcept;

  int depth_ = 0;
};

/// A diagnostic location naming the store (its file or DSN).
inline Location store_location(const Database& db) {
  Location where;
  where.file = db.location();
  return where;
}

/// The handle a transaction function gets. It is the same connection as the
/// Database; its calls take part in the transaction.
class Transaction {
 public:
  Database& db() const { return db_; }
  Dialect dialect() const { return db_.dialect(); }
  int depth() const { return depth_; }

  std::unique_ptr<Statement> prepare(std::string_view sql) const { return db_.prepare(sql); }
  Result<void> exec(std::string_view sql) const { return db_.exec(sql); }
  /// A nested transaction (SAVEPOINT).
  Result<void> transaction(const Database::TransactionFn& fn) const { return db_.transaction(fn); }

 private:
  friend class Database;
  Transaction(Database& db, int depth) : db_(db), depth_(depth) {}

  Database& db_;
  int depth_;
};

}  // namespace cb::store
