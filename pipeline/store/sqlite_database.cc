#include "pipeline/store/sqlite_database.h"

#include <sqlite3.h>

#include <climits>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace cb::store {

namespace {

/// Hash and equality that look up std::string keys by std::string_view.
struct SqlHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
struct SqlEqual {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};

/// How many idle compiled statements are kept per SQL text and in all.
constexpr std::size_t kIdlePerSql = 4;
constexpr std::size_t kIdleTotal = 512;

}  // namespace

struct SqliteDatabase::Connection {
  sqlite3* db = nullptr;
  std::string path;
  bool in_transaction = false;  // we began one and have not ended it
  /// Compiled statements whose Statement object was destroyed, by SQL text,
  /// reset and without bindings: prepare() of the same text takes one instead
  /// of parsing and planning the SQL again (the daemon runs the same few dozen
  /// statements for every message).
  std::unordered_map<std::string, std::vector<sqlite3_stmt*>, SqlHash, SqlEqual> idle;
  std::size_t idle_count = 0;

  Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  // close_v2: a statement still alive somewhere keeps the handle until it goes.
  ~Connection() {
    for (auto& [sql, stmts] : idle) {
      for (sqlite3_stmt* st : stmts) sqlite3_finalize(st);
    }
    sqlite3_close_v2(db);
  }

  /// An idle compiled statement for exactly this text, or null.
  sqlite3_stmt* take_idle(std::string_view sql) {
    auto it = idle.find(sql);
    if (it == idle.end() || it->second.empty()) return nullptr;
    sqlite3_stmt* st = it->second.back();
    it->second.pop_back();
    --idle_count;
    return st;
  }
  /// Keeps a statement for reuse (reset, bindings cleared) or finalizes it.
  void give_back(sqlite3_stmt* st) {
    sqlite3_reset(st);
    const char* text = sqlite3_sql(st);
    if (text == nullptr || idle_count >= kIdleTotal) {
      sqlite3_finalize(st);
      return;
    }
    auto it = idle.find(std::string_view(text));
    if (it == idle.end()) it = idle.emplace(std::string(text), std::vector<sqlite3_stmt*>{}).first;
    auto& slot = it->second;
    if (slot.size() >= kIdlePerSql) {
      sqlite3_finalize(st);
      return;
    }
    sqlite3_clear_bindings(st);
    slot.push_back(st);
    ++idle_count;
  }

  Location where() const {
    Location at;
    at.file = path;
    return at;
  }
};

namespace {

using Connection = SqliteDatabase::Connection;

int checked_size(std::size_t n, std::string_view what) {
  if (n > static_cast<std::size_t>(INT_MAX)) {
    throw std::length_error(std::string(what) + " larger than 2 GiB");
  }
  return static_cast<int>(n);
}

bool is_sql_mistake(int rc) {
  const int primary = rc & 0xff;
  return primary == SQLITE_ERROR || primary == SQLITE_MISUSE || primary == SQLITE_RANGE;
}

/// The diagnostic for a failure that is not a mistake in the SQL.
Diagnostic runtime_failure(const Connection& c, int rc, const std::string& errmsg) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: {
      auto d = Diagnostic::make(DiagCode::StoreBusy, errmsg, c.where());
      d.hint = "another connection holds the lock longer than the busy timeout; retry later";
      return d;
    }
    case SQLITE_CONSTRAINT:
      return Diagnostic::make(DiagCode::StoreConstraint, errmsg, c.where());
    default:
      return Diagnostic::make(DiagCode::StoreFailed, errmsg + " (" + sqlite3_errstr(rc) + ")",
                              c.where());
  }
}

cb::Unexpected<Diagnostic> rolled_back_by_sqlite(const Connection& c) {
  return fail(DiagCode::StoreFailed,
              "SQLite rolled the transaction back after an earlier error; "
              "nothing more runs in it",
              c.where());
}

class SqliteStatement final : public Statement {
 public:
  /// `reusable`: the compiled statement goes back to the connection's idle
  /// pool when this object is destroyed, for the next prepare() of its text.
  SqliteStatement(std::shared_ptr<Connection> conn, sqlite3_stmt* stmt, bool reusable = false)
      : conn_(std::move(conn)), stmt_(stmt), reusable_(reusable) {}
  SqliteStatement(std::shared_ptr<Connection> conn, Diagnostic&& deferred)
      : conn_(std::move(conn)), deferred_(std::move(deferred)) {}
  ~SqliteStatement() override {
    if (stmt_ == nullptr) return;
    if (reusable_ && !deferred_) {
      conn_->give_back(stmt_);
    } else {
      sqlite3_finalize(stmt_);
    }
  }

  Statement& bind_null(int index) override {
    if (stmt_ != nullptr) check_bind(sqlite3_bind_null(stmt_, index), index);
    return *this;
  }
  Statement& bind_int(int index, std::int64_t value) override {
    if (stmt_ != nullptr) check_bind(sqlite3_bind_int64(stmt_, index, value), index);
    return *this;
  }
  Statement& bind_text(int index, std::string_view value) override {
    if (stmt_ != nullptr) {
      // A non-null pointer even for "", so the value is '' and not NULL.
      check_bind(sqlite3_bind_text64(stmt_, index, value.empty() ? "" : value.data(), value.size(),
                                     SQLITE_TRANSIENT, SQLITE_UTF8),
                 index);
    }
    return *this;
  }
  using Statement::bind_blob;
  Statement& bind_blob(int index, std::span<const std::byte> value) override {
    if (stmt_ != nullptr) {
      static constexpr unsigned char kEmpty = 0;
      const void* data = value.empty() ? &kEmpty : static_cast<const void*>(value.data());
      check_bind(sqlite3_bind_blob64(stmt_, index, data, value.size(), SQLITE_TRANSIENT), index);
    }
    return *this;
  }

  Result<Step> step() override {
    if (deferred_) return cb::Unexpected(*deferred_);
    has_row_ = false;
    if (conn_->in_transaction && sqlite3_get_autocommit(conn_->db) != 0) {
      return rolled_back_by_sqlite(*conn_);
    }
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) {
      has_row_ = true;
      return Step::row;
    }
    if (rc == SQLITE_DONE) {
      rows_affected_ = sqlite3_stmt_readonly(stmt_) != 0 ? 0 : sqlite3_changes64(conn_->db);
      sqlite3_reset(stmt_);  // ready to run again with new bindings
      return Step::done;
    }
    const std::string errmsg = sqlite3_errmsg(conn_->db);
    sqlite3_reset(stmt_);
    if ((rc & 0xff) == SQLITE_MISUSE) throw SqlError(errmsg, sqlite3_sql(stmt_));
    return cb::Unexpected(runtime_failure(*conn_, rc, errmsg));
  }

  std::int64_t rows_affected() const override { return rows_affected_; }
  void set_reusable(bool on) { reusable_ = on; }

  void reset() override {
    has_row_ = false;
    if (stmt_ == nullptr) return;
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  int column_count() const override { return stmt_ == nullptr ? 0 : sqlite3_column_count(stmt_); }
  std::string column_name(int column) const override {
    check_index(column);
    const char* name = sqlite3_column_name(stmt_, column);
    return name == nullptr ? std::string() : std::string(name);
  }
  ColumnType column_type(int column) const override {
    check_row(column);
    switch (sqlite3_column_type(stmt_, column)) {
      case SQLITE_INTEGER:
        return ColumnType::integer;
      case SQLITE_FLOAT:
        return ColumnType::real;
      case SQLITE_TEXT:
        return ColumnType::text;
      case SQLITE_BLOB:
        return ColumnType::blob;
      default:
        return ColumnType::null;
    }
  }
  std::int64_t column_int(int column) const override {
    check_row(column);
    return sqlite3_column_int64(stmt_, column);
  }
  std::string column_text(int column) const override {
    check_row(column);
    const unsigned char* text = sqlite3_column_text(stmt_, column);  // before _bytes
    const int size = sqlite3_column_bytes(stmt_, column);
    if (text == nullptr) return {};
    return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
  }
  std::vector<std::byte> column_blob(int column) const override {
    check_row(column);
    const void* data = sqlite3_column_blob(stmt_, column);  // before _bytes
    const int size = sqlite3_column_bytes(stmt_, column);
    if (data == nullptr) return {};
    const auto* bytes = static_cast<const std::byte*>(data);
    return std::vector<std::byte>(bytes, bytes + size);
  }

 private:
  void check_bind(int rc, int index) {
    if (rc == SQLITE_OK) return;
    if ((rc & 0xff) == SQLITE_RANGE || (rc & 0xff) == SQLITE_MISUSE) {
      throw SqlError("cannot bind parameter " + std::to_string(index) + ": " + sqlite3_errstr(rc),
                     sqlite3_sql(stmt_));
    }
    // Too big or out of memory: reported by the next step().
    deferred_ =
        runtime_failure(*conn_, rc, std::string("cannot bind parameter ") + std::to_string(index));
  }
  void check_index(int column) const {
    if (column < 0 || column >= column_count()) {
      throw SqlError("no column " + std::to_string(column),
                     stmt_ == nullptr ? "" : sqlite3_sql(stmt_));
    }
  }
  void check_row(int column) const {
    check_index(column);
    if (!has_row_) throw SqlError("no current row", sqlite3_sql(stmt_));
  }

  std::shared_ptr<Connection> conn_;
  sqlite3_stmt* stmt_ = nullptr;
  bool reusable_ = false;
  std::optional<Diagnostic> deferred_;
  bool has_row_ = false;
  std::int64_t rows_affected_ = 0;
};

/// Prepares the first statement of [sql, end). Sets *tail past it. Returns a
/// statement that is null for blank text or comments.
std::unique_ptr<SqliteStatement> prepare_one(const std::shared_ptr<Connection>& conn,
                                             const char* sql, const char* end, const char** tail) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v2(conn->db, sql, checked_size(end - sql, "SQL text"), &raw, tail);
  if (rc == SQLITE_OK) {
    return raw == nullptr ? nullptr : std::make_unique<SqliteStatement>(conn, raw);
  }
  sqlite3_finalize(raw);
  const std::string errmsg = sqlite3_errmsg(conn->db);
  if (is_sql_mistake(rc)) throw SqlError(errmsg, std::string(sql, end));
  *tail = end;
  return std::make_unique<SqliteStatement>(conn, runtime_failure(*conn, rc, errmsg));
}

}  // namespace

SqliteDatabase::SqliteDatabase(std::shared_ptr<Connection> connection)
    : conn_(std::move(connection)) {}

SqliteDatabase::~SqliteDatabase() {
  if (conn_ && conn_->in_transaction) rollback_transaction();
}

const std::string& SqliteDatabase::location() const {
  return conn_->path;
}

std::unique_ptr<Statement> SqliteDatabase::prepare(std::string_view sql) {
  // sqlite3_sql() of a pooled statement is the text it was prepared from, so
  // a hit is always the same single statement, checked when first prepared.
  if (sqlite3_stmt* reused = conn_->take_idle(sql)) {
    return std::make_unique<SqliteStatement>(conn_, reused, true);
  }
  const char* begin = sql.data();
  const char* end = begin + sql.size();
  const char* tail = end;
  auto st = prepare_one(conn_, begin, end, &tail);
  if (st == nullptr) throw SqlError("no statement", std::string(sql));
  for (const char* p = tail; p < end; ++p) {
    if (*p != ' ' && *p != '\n' && *p != '\t' && *p != '\r' && *p != ';') {
      throw SqlError("prepare() takes one statement; use exec() for several", std::string(sql));
    }
  }
  // Reusable only when the compiled text is exactly the text asked for (no
  // trailing ';' or blanks), so that the pool's key finds it again.
  st->set_reusable(tail == end);
  return st;
}

std::size_t SqliteDatabase::idle_statements() const { return conn_->idle_count; }

Result<void> SqliteDatabase::exec(std::string_view sql) {
  // BEGIN, COMMIT, SAVEPOINT …: one statement, run again and again.
  if (sqlite3_stmt* reused = conn_->take_idle(sql)) {
    SqliteStatement st(conn_, reused, true);
    return st.run();
  }
  const char* p = sql.data();
  const char* end = p + sql.size();
  while (p < end) {
    const char* tail = end;
    const bool whole = p == sql.data();
    auto st = prepare_one(conn_, p, end, &tail);
    p = tail;
    if (st == nullptr) continue;  // blank or a comment
    st->set_reusable(whole && tail == end);
    if (auto r = st->run(); !r) return r;
  }
  return {};
}

Result<void> SqliteDatabase::begin_transaction() {
  auto r = exec("BEGIN IMMEDIATE");
  if (r) conn_->in_transaction = true;
  return r;
}

Result<void> SqliteDatabase::commit_transaction() {
  auto r = exec("COMMIT");
  if (r) conn_->in_transaction = false;
  return r;
}

void SqliteDatabase::rollback_transaction() noexcept {
  if (sqlite3_get_autocommit(conn_->db) == 0) {
    try {
      (void)exec("ROLLBACK");
    } catch (...) {  // NOLINT(bugprone-empty-catch): a rollback must not throw
    }
  }
  conn_->in_transaction = false;
}

bool SqliteDatabase::transaction_active() const {
  return conn_->in_transaction && sqlite3_get_autocommit(conn_->db) == 0;
}

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::open(const SqliteOptions& options) {
  if (!options.now) throw std::invalid_argument("SqliteOptions::now (the clock) is required");
  auto conn = std::make_shared<Connection>();
  conn->path = options.path;
  if (options.path.empty()) {
    return fail(DiagCode::StoreOpen, "no store path given", conn->where());
  }
  const int rc = sqlite3_open_v2(options.path.c_str(), &conn->db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    std::string why = conn->db != nullptr ? sqlite3_errmsg(conn->db) : sqlite3_errstr(rc);
    auto d = Diagnostic::make(DiagCode::StoreOpen,
                              "cannot open store '" + options.path + "': " + why, conn->where());
    d.hint = "check that the folder exists and is writable";
    return cb::Unexpected(std::move(d));
  }
  sqlite3_extended_result_codes(conn->db, 1);

  std::unique_ptr<SqliteDatabase> db(new SqliteDatabase(std::move(conn)));
  if (auto configured = db->configure(options); !configured) {
    return cb::Unexpected(std::move(configured.error()));
  }
  auto applied = migrate(*db, options.migrations, options.now);
  if (!applied) return cb::Unexpected(std::move(applied.error()));
  db->applied_at_open_ = std::move(*applied);
  return db;
}

Result<void> SqliteDatabase::configure(const SqliteOptions& options) {
  sqlite3* raw = conn_->db;
  // No double-quoted string literals: "name" is always an identifier.
  sqlite3_db_config(raw, SQLITE_DBCONFIG_DQS_DML, 0, nullptr);
  sqlite3_db_config(raw, SQLITE_DBCONFIG_DQS_DDL, 0, nullptr);
  const auto timeout_ms = options.busy_timeout.count();
  if (timeout_ms < 0 || timeout_ms > INT_MAX) {
    return fail(DiagCode::StoreOpen, "busy timeout out of range", conn_->where());
  }
  sqlite3_busy_timeout(raw, static_cast<int>(timeout_ms));

  auto cannot_open = [&](Diagnostic d) {
    if (d.code != DiagCode::StoreBusy) {
      d.code = DiagCode::StoreOpen;
      d.message = "cannot open store '" + conn_->path + "': " + d.message;
    }
    return cb::Unexpected(std::move(d));
  };
  // Sets or reads one pragma and returns its value as text.
  auto pragma = [&](std::string_view sql) -> Result<std::string> {
    auto st = prepare(sql);
    auto s = st->step();
    if (!s) return cannot_open(std::move(s.error()));
    std::string value = *s == Step::row ? st->column_text(0) : std::string();
    st->reset();
    return value;
  };

  const bool in_memory = conn_->path == ":memory:";
  const std::string sync_value = options.synchronous == Synchronous::full ? "2" : "1";
  // A new store frees pages incrementally (retention reclaims space with
  // PRAGMA incremental_vacuum); on an existing store this changes nothing.
  for (std::string_view set :
       {std::string_view("PRAGMA auto_vacuum = INCREMENTAL"),
        std::string_view("PRAGMA journal_mode = WAL"),
        options.synchronous == Synchronous::full ? std::string_view("PRAGMA synchronous = FULL")
                                                 : std::string_view("PRAGMA synchronous = NORMAL"),
        std::string_view("PRAGMA foreign_keys = ON"),
        // Statement and savepoint journals (the daemon opens a savepoint per
        // message) and temporary indexes stay in memory instead of temp files
        // written page by page. They only serve rolling back inside a live
        // transaction, never crash recovery, so durability does not change.
        std::string_view("PRAGMA temp_store = MEMORY")}) {
    if (auto r = pragma(set); !r) return cb::Unexpected(std::move(r.error()));
  }

  struct Expected {
    std::string_view pragma;
    std::string value;
  };
  const Expected checks[] = {
      {"PRAGMA journal_mode", in_memory ? "memory" : "wal"},
      {"PRAGMA synchronous", sync_value},
      {"PRAGMA foreign_keys", "1"},
      {"PRAGMA temp_store", "2"},
      {"PRAGMA busy_timeout", std::to_string(timeout_ms)},
  };
  for (const auto& check : checks) {
    auto value = pragma(check.pragma);
    if (!value) return cb::Unexpected(std::move(value.error()));
    if (*value != check.value) {
      auto d =
          Diagnostic::make(DiagCode::StoreOpen,
                           "cannot open store '" + conn_->path + "': " + std::string(check.pragma) +
                               " is '" + *value + "', expected '" + check.value + "'",
                           conn_->where());
      d.hint = "the file system or SQLite build does not support this setting";
      return cb::Unexpected(std::move(d));
    }
  }
  return {};
}

}  // namespace cb::store
