// The SQLite store: opening, pragmas, statements, transactions, concurrency.

#include <gtest/gtest.h>

#include <fstream>
#include <limits>
#include <stdexcept>

#include "pipeline/store/tests/test_support.h"

namespace cb::store {
namespace {

using testing::as_void;
using testing::fake_hash;
using testing::FakeClock;
using testing::insert_message;
using testing::open_ok;
using testing::options_for;
using testing::query_int;
using testing::query_text;
using testing::TempDir;

std::int64_t count_messages(Database& db) {
  return query_int(db, "SELECT count(*) FROM messages");
}

// --- opening -----------------------------------------------------------------

TEST(SqliteOpen, FileStoreRunsInWalWithForeignKeysAndFullSync) {
  TempDir dir;
  auto db = open_ok(options_for(dir.file("store.db")));
  ASSERT_TRUE(db);
  EXPECT_EQ(db->dialect(), Dialect::sqlite);
  EXPECT_EQ(query_text(*db, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(query_int(*db, "PRAGMA foreign_keys"), 1);
  EXPECT_EQ(query_int(*db, "PRAGMA synchronous"), 2);  // FULL
  EXPECT_EQ(query_int(*db, "PRAGMA busy_timeout"), 5000);
  EXPECT_EQ(query_int(*db, "PRAGMA temp_store"), 2);  // savepoint journals in memory
  EXPECT_TRUE(std::filesystem::exists(dir.file("store.db")));
  // WAL is a property of the file: a plain second connection sees it too.
  auto other = open_ok(options_for(dir.file("store.db")));
  ASSERT_TRUE(other);
  EXPECT_EQ(query_text(*other, "PRAGMA journal_mode"), "wal");
}

TEST(SqliteOpen, SynchronousNormalAndBusyTimeoutAreConfigurable) {
  TempDir dir;
  auto o = options_for(dir.file("store.db"));
  o.synchronous = Synchronous::normal;
  o.busy_timeout = std::chrono::milliseconds(1234);
  auto db = open_ok(o);
  ASSERT_TRUE(db);
  EXPECT_EQ(query_int(*db, "PRAGMA synchronous"), 1);  // NORMAL
  EXPECT_EQ(query_int(*db, "PRAGMA busy_timeout"), 1234);
}

TEST(SqliteOpen, InMemoryStoreIsMigratedWithForeignKeys) {
  auto db = open_ok(options_for(":memory:"));
  ASSERT_TRUE(db);
  EXPECT_EQ(query_text(*db, "PRAGMA journal_mode"), "memory");
  EXPECT_EQ(query_int(*db, "PRAGMA foreign_keys"), 1);
  EXPECT_EQ(count_messages(*db), 0);
}

TEST(SqliteOpen, MissingFolderIsSto001) {
  TempDir dir;
  auto db = SqliteDatabase::open(options_for(dir.file("no/such/folder/store.db")));
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, DiagCode::StoreOpen);
  EXPECT_NE(db.error().message.find("no/such/folder/store.db"), std::string::npos);
  EXPECT_EQ(db.error().where.file, dir.file("no/such/folder/store.db"));
}

TEST(SqliteOpen, FileThatIsNotADatabaseIsSto001) {
  TempDir dir;
  {
    std::ofstream out(dir.file("notes.txt"));
    out << std::string(4096, 'x');
  }
  auto db = SqliteDatabase::open(options_for(dir.file("notes.txt")));
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, DiagCode::StoreOpen);
  EXPECT_NE(db.error().message.find("not a database"), std::string::npos) << db.error().message;
}

TEST(SqliteOpen, EmptyPathIsSto001AndMissingClockThrows) {
  auto empty = SqliteDatabase::open(options_for(""));
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, DiagCode::StoreOpen);

  SqliteOptions no_clock;
  no_clock.path = ":memory:";
  EXPECT_THROW((void)SqliteDatabase::open(no_clock), std::invalid_argument);
}

// --- statements ---------------------------------------------------------------

TEST(SqliteStatement, BlobWithNulsAndAllTypesRoundTrip) {
  auto db = open_ok(options_for(":memory:"));
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->exec("CREATE TABLE t (i INTEGER, s TEXT, b BLOB, n TEXT)"));
  static constexpr char kRaw[] = "UNA:+.? '\0UNB\0\0\xff\xfe end";
  const std::string bytes(kRaw, sizeof kRaw - 1);
  ASSERT_EQ(bytes.size(), 21u);
  const std::string text("a\0b", 3);
  auto insert = db->prepare("INSERT INTO t (i, s, b, n) VALUES (?1, ?2, ?3, ?4)");
  insert->bind_int(1, std::numeric_limits<std::int64_t>::min())
      .bind_text(2, text)
      .bind_blob(3, bytes)
      .bind_null(4);
  ASSERT_TRUE(insert->run());
  EXPECT_EQ(insert->rows_affected(), 1);

  auto select = db->prepare("SELECT i, s, b, n, length(b) FROM t");
  ASSERT_EQ(select->column_count(), 5);
  EXPECT_EQ(select->column_name(2), "b");
  auto s = select->step();
  ASSERT_TRUE(s);
  ASSERT_EQ(*s, Step::row);
  EXPECT_EQ(select->column_type(0), ColumnType::integer);
  EXPECT_EQ(select->column_int(0), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(select->column_text(1), text);
  EXPECT_EQ(select->column_type(2), ColumnType::blob);
  const auto blob = select->column_blob(2);
  ASSERT_EQ(blob.size(), bytes.size());
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(blob.data()), blob.size()), bytes);
  EXPECT_TRUE(select->is_null(3));
  EXPECT_EQ(select->column_int(4), 21);
  s = select->step();
  ASSERT_TRUE(s);
  EXPECT_EQ(*s, Step::done);
}

TEST(SqliteStatement, EmptyTextAndBlobAreNotNull) {
  auto db = open_ok(options_for(":memory:"));
  ASSERT_TRUE(db);
  auto st = db->prepare("SELECT ?1 IS NULL, ?2 IS NULL, length(?2), typeof(?2)");
  st->bind_text(1, "").bind_blob(2, std::span<const std::byte>());
  ASSERT_EQ(st->step().value(), Step::row);
  EXPECT_EQ(st->column_int(0), 0);
  EXPECT_EQ(st->column_int(1), 0);
  EXPECT_EQ(st->column_int(2), 0);
  EXPECT_EQ(st->column_text(3), "blob");
}

TEST(SqliteStatement, ReusedAfterDoneWithNewBindings) {
  auto db = open_ok(options_for(":memory:"));
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->exec("CREATE TABLE t (i INTEGER)"));
  auto insert = db->prepare("INSERT INTO t (i) VALUES (?1)");
  for (int i = 1; i <= 3; ++i) {
    insert->bind_int(1, i);
    ASSERT_TRUE(insert->run());
  }
  EXPECT_EQ(query_int(*db, "SELECT sum(i) FROM t"), 6);
  auto update = db->prepare("UPDATE t SET i = i + 1 WHERE i >= ?1");
  update->bind_int(1, 2);
  ASSERT_TRUE(update->run());
  EXPECT_EQ(update->rows_affected(), 2);
  update->reset();  // clears the binding: NULL matches nothing
  ASSERT_TRUE(update->run());
  EXPECT_EQ(update->rows_affected(), 0);
}

TEST(SqliteStatement, CompiledStatementsAreReusedWithFreshBindings) {
  auto db = open_ok(options_for(":memory:"));
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->exec("CREATE TABLE r (k INTEGER PRIMARY KEY, v TEXT)"));
  const std::string_view insert = "INSERT INTO r (k, v) VALUES (?1, ?2)";
  const std::size_t before = db->idle_statements();
  {
    auto st = db->prepare(insert);
    st->bind_int(1, 1).bind_text(2, "one");
    ASSERT_TRUE(st->run());
  }
  EXPECT_EQ(db->idle_statements(), before + 1);  // kept for the next prepare
  {
    auto st = db->prepare(insert);
    EXPECT_EQ(db->idle_statements(), before);  // taken from the pool
    st->bind_int(1, 2);                         // ?2 not bound: NULL, not "one"
    ASSERT_TRUE(st->run());
  }
  auto check = db->prepare("SELECT v IS NULL FROM r WHERE k = 2");
  ASSERT_EQ(*check->step(), Step::row);
  EXPECT_EQ(check->column_int(0), 1);
  check->reset();
  // A statement dropped in the middle of its rows comes back reset.
  {
    auto all = db->prepare("SELECT k FROM r ORDER BY k");
    ASSERT_EQ(*all->step(), Step::row);
  }
  auto again = db->prepare("SELECT k FROM r ORDER BY k");
  ASSERT_EQ(*again->step(), Step::row);
  EXPECT_EQ(again->column_int(0), 1);
}

TEST(SqliteStatement, MistakesInOurSqlThrow) {
  auto db = open_ok(options_for(":memory:"));
  ASSERT_TRUE(db);
  EXPECT_THROW((void)db->prepare("SELEC 1"), SqlError);
  EXPECT_THROW((void)db->prepare("SELECT * FROM no_such_table"), SqlError);
  EXPECT_THROW((void)db->prepare("SELECT 1; SELECT 2"), SqlError);
  EXPECT_THROW((void)db->exec("CREATE TABLE x (a); BOGUS"), SqlError);
  auto st = db->prepare("SELECT ?1");
  EXPECT_THROW(st->bind_int(2, 1), SqlError);
  EXPECT_THROW((void)st->column_int(0), SqlError);  // no row yet
  ASSERT_EQ(st->step().value(), Step::row);
  EXPECT_THROW((void)st->column_int(1), SqlError);
  try {
    (void)db->prepare("SELECT * FROM no_such_table");
  } catch (const SqlError& e) {
    EXPECT_EQ(e.sql(), "SELECT * FROM no_such_table");
    EXPECT_NE(std::string(e.what()).find("no such table"), std::string::npos);
  }
}

TEST(SqliteStatement, DoubleQuotesAreIdentifiersNotStrings) {
  auto db = open_ok(options_for(":memory:"));
  ASSERT_TRUE(db);
  EXPECT_THROW((void)db->prepare("SELECT \"not a column\""), SqlError);
}

// --- transactions -------------------------------------------------------------

TEST(Transaction, CommitsWhenTheFunctionSucceeds) {
  TempDir dir;
  auto db = open_ok(options_for(dir.file("store.db")));
  ASSERT_TRUE(db);
  auto r = db->transaction([&](Transaction& tx) -> Result<void> {
    EXPECT_EQ(tx.depth(), 1);
    EXPECT_EQ(db->transaction_depth(), 1);
    auto id = insert_message(tx.db(), "t1", "dta-in", fake_hash(1));
    if (!id) return cb::Unexpected(id.error());
    return {};
  });
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(db->transaction_depth(), 0);
  auto other = open_ok(options_for(dir.file("store.db")));
  ASSERT_TRUE(other);
  EXPECT_EQ(count_messages(*other), 1);
}

TEST(Transaction, AnErrorResultLeavesNoRows) {
  auto db = open_ok(options_for(":memory:"));
  ASSERT_TRUE(db);
  auto r = db->transaction([&](Transaction& tx) -> Result<void> {
    EXPECT_TRUE(insert_message(tx.db(), "t1", "dta-in", fake_hash(1)));
    EXPECT_TRUE(insert_message(tx.db(), "t1", "dta-in", fake_hash(2)));
    return fail(DiagCode::ImportRejected, "second document invalid");
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, DiagCode::ImportRejected);
  EXPECT_EQ(count_messages(*db), 0);
  EXPECT_EQ(db->transaction_depth(), 0);
  // The connection is usable again.
  ASSERT_TRUE(db->transaction([&](Transaction& tx) -> Result<void> {
    return as_void(insert_message(tx.db(), "t1", "dta-in", fake_hash(3)));
  }));
  EXPECT_EQ(count_messages(*db), 1);
}

TEST(Transaction, AnExceptionRollsBackAndIsRethrown) {
  auto db = open_ok(options_for(":memory:"));
  ASSERT_TRUE(db);
  EXPECT_THROW((void)db->transaction([&](Transaction& tx) -> Result<void> {
    EXPECT_TRUE(insert_message(tx.db(), "t1", "dta-in", fake_hash(1)));
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(count_messages(*db), 0);
  EXPECT_EQ(db->transaction_depth(), 0);
  ASSERT_TRUE(db->transaction([](Transaction&) -> Result<void> { return {}; }));
}

TEST(Transaction, FailedSavepointKeepsTheOuterWork) {
  auto db = open_ok(options_for(":memory:"));
  ASSERT_TRUE(db);
  auto r = db->transaction([&](Transaction& tx) -> Result<void> {
    EXPECT_TRUE(insert_message(tx.db(), "t1", "dta-in", fake_hash(1)));
    auto inner = tx.transaction([&](Transaction& inner_tx) -> Result<void> {
      EXPECT_EQ(inner_tx.depth(), 2);
      EXPECT_TRUE(insert_message(inner_tx.db(), "t1", "dta-in", fake_hash(2)));
      return fail(DiagCode::ImportRejected, "inner document invalid");
    });
    EXPECT_FALSE(inner);
    EXPECT_EQ(tx.db().transaction_depth(), 1);
    // A savepoint that succeeds is kept.
    auto kept = tx.transaction([&](Transaction& inner_tx) -> Result<void> {
      return as_void(insert_message(inner_tx.db(), "t1", "dta-in", fake_hash(3)));
    });
    EXPECT_TRUE(kept);
    return {};
  });
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(count_messages(*db), 2);
  EXPECT_EQ(
      query_int(*db, "SELECT count(*) FROM messages WHERE content_hash = '" + fake_hash(2) + "'"),
      0);
}

TEST(Transaction, ThrowingSavepointRollsBackOnlyItsWork) {
  auto db = open_ok(options_for(":memory:"));
  ASSERT_TRUE(db);
  auto r = db->transaction([&](Transaction& tx) -> Result<void> {
    EXPECT_TRUE(insert_message(tx.db(), "t1", "dta-in", fake_hash(1)));
    try {
      (void)tx.transaction([&](Transaction& inner_tx) -> Result<void> {
        EXPECT_TRUE(insert_message(inner_tx.db(), "t1", "dta-in", fake_hash(2)));
        // Three levels deep.
        (void)inner_tx.transaction([&](Transaction& t3) -> Result<void> {
          EXPECT_EQ(t3.depth(), 3);
          return as_void(insert_message(t3.db(), "t1", "dta-in", fake_hash(3)));
        });
        throw std::logic_error("inner bug");
      });
      ADD_FAILURE() << "not rethrown";
    } catch (const std::logic_error& e) {
      EXPECT_STREQ(e.what(), "inner bug");
    }
    EXPECT_EQ(tx.db().transaction_depth(), 1);
    return {};
  });
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(count_messages(*db), 1);
}

TEST(Transaction, OuterErrorUndoesReleasedSavepoints) {
  auto db = open_ok(options_for(":memory:"));
  ASSERT_TRUE(db);
  auto r = db->transaction([&](Transaction& tx) -> Result<void> {
    EXPECT_TRUE(tx.transaction([&](Transaction& inner_tx) -> Result<void> {
      return as_void(insert_message(inner_tx.db(), "t1", "dta-in", fake_hash(1)));
    }));
    return fail(DiagCode::ImportRejected, "later failure");
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(count_messages(*db), 0);
}

TEST(Transaction, ConstraintViolationInsideRollsBackEverything) {
  auto db = open_ok(options_for(":memory:"));
  ASSERT_TRUE(db);
  auto r = db->transaction([&](Transaction& tx) -> Result<void> {
    auto first = insert_message(tx.db(), "t1", "dta-in", fake_hash(1));
    if (!first) return cb::Unexpected(first.error());
    auto duplicate = insert_message(tx.db(), "t1", "dta-in", fake_hash(1));
    if (!duplicate) return cb::Unexpected(duplicate.error());
    return {};
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, DiagCode::StoreConstraint);
  EXPECT_EQ(count_messages(*db), 0);
}

TEST(Transaction, AfterSqliteRolledBackOnItsOwnNothingMoreRunsAndNothingCommits) {
  TempDir dir;
  auto db = open_ok(options_for(dir.file("store.db")));
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->exec("CREATE TABLE filler (b BLOB)"));
  bool later_write_refused = false;
  auto r = db->transaction([&](Transaction& tx) -> Result<void> {
    EXPECT_TRUE(insert_message(tx.db(), "t1", "dta-in", fake_hash(1)));
    // A full disk: SQLite rolls the whole transaction back by itself.
    EXPECT_TRUE(tx.exec("PRAGMA max_page_count = 1"));
    auto full = tx.exec("INSERT INTO filler VALUES (zeroblob(1000000))");
    EXPECT_FALSE(full);
    if (!full) {
      EXPECT_EQ(full.error().code, DiagCode::StoreFailed) << full.error().to_string();
    }
    // fn ignores that; what follows must not run outside the transaction.
    auto later = insert_message(tx.db(), "t1", "dta-in", fake_hash(2));
    later_write_refused = !later && later.error().code == DiagCode::StoreFailed;
    return {};
  });
  EXPECT_TRUE(later_write_refused);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, DiagCode::StoreFailed);
  EXPECT_EQ(db->transaction_depth(), 0);
  EXPECT_EQ(count_messages(*db), 0);
}

// --- two connections on one file ------------------------------------------------

TEST(Concurrency, WriterHoldsTheLockOtherGetsBusyThenSucceedsAfterCommit) {
  TempDir dir;
  auto writer = open_ok(options_for(dir.file("store.db")));
  auto o = options_for(dir.file("store.db"));
  o.busy_timeout = std::chrono::milliseconds(50);
  auto other = open_ok(o);
  ASSERT_TRUE(writer && other);

  auto r = writer->transaction([&](Transaction& tx) -> Result<void> {
    auto id = insert_message(tx.db(), "t1", "dta-in", fake_hash(1));
    if (!id) return cb::Unexpected(id.error());

    // WAL: the other connection still reads, from the last committed state.
    EXPECT_EQ(count_messages(*other), 0);
    // It cannot write: BEGIN IMMEDIATE gives up after its busy timeout.
    bool ran = false;
    auto busy = other->transaction([&](Transaction&) -> Result<void> {
      ran = true;
      return {};
    });
    EXPECT_FALSE(ran);
    EXPECT_FALSE(busy);
    if (!busy) {
      EXPECT_EQ(busy.error().code, DiagCode::StoreBusy);
      EXPECT_FALSE(busy.error().hint.empty());
    }
    EXPECT_EQ(other->transaction_depth(), 0);
    // A single write outside a transaction is busy as well.
    auto direct = other->exec(
        "INSERT INTO job_runs (job, working_date, state, started_at) "
        "VALUES ('dunning', '2026-01-31', 'running', '2026-01-31T09:30:00.000Z')");
    EXPECT_FALSE(direct);
    if (!direct) {
      EXPECT_EQ(direct.error().code, DiagCode::StoreBusy);
    }
    return {};
  });
  ASSERT_TRUE(r) << r.error().to_string();

  auto after = other->transaction([&](Transaction& tx) -> Result<void> {
    return as_void(insert_message(tx.db(), "t1", "dta-in", fake_hash(2)));
  });
  ASSERT_TRUE(after) << after.error().to_string();
  EXPECT_EQ(count_messages(*other), 2);
  EXPECT_EQ(count_messages(*writer), 2);
}

TEST(Concurrency, OpeningASecondHandleDoesNotReapplyMigrations) {
  TempDir dir;
  auto first = open_ok(options_for(dir.file("store.db")));
  auto second = open_ok(options_for(dir.file("store.db")));
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(first->applied_at_open().empty());
  EXPECT_TRUE(second->applied_at_open().empty());
}

TEST(Statement, MayOutliveItsDatabase) {
  std::unique_ptr<Statement> st;
  {
    auto db = open_ok(options_for(":memory:"));
    ASSERT_TRUE(db);
    st = db->prepare("SELECT 42");
  }
  ASSERT_EQ(st->step().value(), Step::row);
  EXPECT_EQ(st->column_int(0), 42);
}

}  // namespace
}  // namespace cb::store
