// Migrations: applied once in order, recorded with checksums, refused when the
// store is newer or an applied migration was changed.

#include "pipeline/store/migrations.h"

#include <gtest/gtest.h>

#include <array>
#include <stdexcept>

#include "pipeline/store/tests/test_support.h"

namespace cb::store {
namespace {

using testing::FakeClock;
using testing::open_ok;
using testing::options_for;
using testing::query_int;
using testing::TempDir;

constexpr std::array kOne = {
    Migration{1, "create_a", "CREATE TABLE a (x INTEGER NOT NULL)"},
};
constexpr std::array kThree = {
    Migration{1, "create_a", "CREATE TABLE a (x INTEGER NOT NULL)"},
    Migration{2, "create_b", "CREATE TABLE b (y TEXT NOT NULL);"},
    Migration{3, "seed_b", "INSERT INTO b (y) VALUES ('one'); INSERT INTO b (y) VALUES ('two');"},
};

SqliteOptions with(const std::string& path, std::span<const Migration> migrations) {
  auto o = options_for(path);
  o.migrations = migrations;
  return o;
}

bool table_exists(Database& db, const std::string& name) {
  return query_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '" +
                           name + "'") > 0;
}

TEST(MigrationChecksum, IsSha256Hex) {
  EXPECT_EQ(migration_checksum(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(migration_checksum("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(migration_checksum("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(migration_checksum(std::string(1000, 'a')),
            "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
}

TEST(Migrations, BuiltinAppliedOnceAndReopeningIsANoOp) {
  TempDir dir;
  const auto builtin = builtin_migrations(Dialect::sqlite);
  ASSERT_FALSE(builtin.empty());
  {
    auto db = open_ok(options_for(dir.file("store.db")));
    ASSERT_TRUE(db);
    std::vector<int> all;
    for (const auto& m : builtin) all.push_back(m.version);
    EXPECT_EQ(db->applied_at_open(), all);
    auto version = schema_version(*db);
    ASSERT_TRUE(version);
    EXPECT_EQ(*version, builtin.back().version);
    auto applied = applied_migrations(*db);
    ASSERT_TRUE(applied);
    ASSERT_EQ(applied->size(), builtin.size());
    EXPECT_EQ((*applied)[0].version, 1);
    EXPECT_EQ((*applied)[0].name, "message_store_and_outbox");
    EXPECT_EQ((*applied)[0].checksum, migration_checksum(builtin[0].sql));
    EXPECT_EQ((*applied)[0].applied_at, "2026-01-31T09:30:00.000Z");
    for (const char* table :
         {"messages", "message_events", "message_diagnostics", "outbox", "job_runs", "parties",
          "party_roles", "party_assigned_roles", "items"}) {
      EXPECT_TRUE(table_exists(*db, table)) << table;
    }
  }
  auto o = options_for(dir.file("store.db"));
  o.now = FakeClock(Timestamp(std::chrono::sys_days(std::chrono::year{2027} / 6 / 1)));
  auto again = open_ok(o);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->applied_at_open().empty());
  auto applied = applied_migrations(*again);
  ASSERT_TRUE(applied);
  ASSERT_EQ(applied->size(), builtin.size());
  EXPECT_EQ((*applied)[0].applied_at, "2026-01-31T09:30:00.000Z");  // not re-applied
}

TEST(Migrations, PendingMigrationsApplyInOrderEachWithItsTimestamp) {
  TempDir dir;
  {
    auto db = open_ok(with(dir.file("store.db"), kOne));
    ASSERT_TRUE(db);
    EXPECT_EQ(db->applied_at_open(), std::vector<int>{1});
    EXPECT_FALSE(table_exists(*db, "b"));
  }
  auto db = open_ok(with(dir.file("store.db"), kThree));
  ASSERT_TRUE(db);
  EXPECT_EQ(db->applied_at_open(), (std::vector<int>{2, 3}));
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM b"), 2);
  auto applied = applied_migrations(*db);
  ASSERT_TRUE(applied);
  ASSERT_EQ(applied->size(), 3u);
  EXPECT_EQ((*applied)[1].name, "create_b");
  EXPECT_EQ((*applied)[1].applied_at, "2026-01-31T09:30:00.000Z");
  EXPECT_EQ((*applied)[2].applied_at, "2026-01-31T09:30:01.000Z");
}

TEST(Migrations, NewerRecordedVersionIsRefusedWithSto005) {
  TempDir dir;
  {
    auto db = open_ok(with(dir.file("store.db"), kThree));
    ASSERT_TRUE(db);
  }
  auto db = SqliteDatabase::open(with(dir.file("store.db"), kOne));
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, DiagCode::StoreSchemaTooNew);
  EXPECT_NE(db.error().message.find("0003 'seed_b'"), std::string::npos) << db.error().message;
  EXPECT_FALSE(db.error().hint.empty());
}

TEST(Migrations, NewerVersionRecordedByHandIsRefusedForTheBuiltinList) {
  TempDir dir;
  {
    auto db = open_ok(options_for(dir.file("store.db")));
    ASSERT_TRUE(db);
    ASSERT_TRUE(
        db->exec("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES "
                 "(999, 'from_the_future', '" +
                 std::string(64, '0') + "', '2030-01-01T00:00:00.000Z')"));
  }
  auto db = SqliteDatabase::open(options_for(dir.file("store.db")));
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, DiagCode::StoreSchemaTooNew);
}

TEST(Migrations, TamperedRecordedChecksumIsRefusedWithSto002) {
  TempDir dir;
  {
    auto db = open_ok(options_for(dir.file("store.db")));
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->exec("UPDATE schema_migrations SET checksum = '" + std::string(64, 'f') +
                         "' WHERE version = 1"));
  }
  auto db = SqliteDatabase::open(options_for(dir.file("store.db")));
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, DiagCode::StoreMigration);
  EXPECT_NE(db.error().message.find("changed after it was applied"), std::string::npos)
      << db.error().message;
}

TEST(Migrations, EditedMigrationTextIsRefusedWithSto002) {
  TempDir dir;
  {
    auto db = open_ok(with(dir.file("store.db"), kOne));
    ASSERT_TRUE(db);
  }
  constexpr std::array kEdited = {
      Migration{1, "create_a", "CREATE TABLE a (x INTEGER NOT NULL, z TEXT)"},
  };
  auto db = SqliteDatabase::open(with(dir.file("store.db"), kEdited));
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, DiagCode::StoreMigration);
  EXPECT_NE(db.error().message.find("0001 'create_a'"), std::string::npos);
}

TEST(Migrations, MissingVersionBelowAnAppliedOneIsRefused) {
  TempDir dir;
  {
    auto db = open_ok(with(dir.file("store.db"), kThree));
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->exec("DELETE FROM schema_migrations WHERE version = 2"));
  }
  auto db = SqliteDatabase::open(with(dir.file("store.db"), kThree));
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, DiagCode::StoreMigration);
  EXPECT_NE(db.error().message.find("0002 'create_b' was never applied"), std::string::npos)
      << db.error().message;
}

TEST(Migrations, FailingSqlRollsBackThatMigrationOnly) {
  TempDir dir;
  constexpr std::array kBroken = {
      Migration{1, "create_a", "CREATE TABLE a (x INTEGER NOT NULL)"},
      Migration{2, "broken", "CREATE TABLE c (x INTEGER); INSERT INTO no_such_table VALUES (1)"},
  };
  auto db = SqliteDatabase::open(with(dir.file("store.db"), kBroken));
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, DiagCode::StoreMigration);
  EXPECT_NE(db.error().message.find("0002 'broken' failed"), std::string::npos)
      << db.error().message;
  EXPECT_NE(db.error().message.find("no such table"), std::string::npos) << db.error().message;

  auto check = open_ok(with(dir.file("store.db"), kOne));
  ASSERT_TRUE(check);
  EXPECT_TRUE(check->applied_at_open().empty());  // 1 was applied and kept
  EXPECT_EQ(schema_version(*check).value(), 1);
  EXPECT_TRUE(table_exists(*check, "a"));
  EXPECT_FALSE(table_exists(*check, "c"));
}

TEST(Migrations, ConstraintFailureInAMigrationIsSto002) {
  constexpr std::array kViolating = {
      Migration{1, "bad_data", "CREATE TABLE a (x INTEGER NOT NULL); INSERT INTO a VALUES (NULL)"},
  };
  auto db = SqliteDatabase::open(with(":memory:", kViolating));
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, DiagCode::StoreMigration);
  EXPECT_NE(db.error().message.find("NOT NULL constraint failed"), std::string::npos)
      << db.error().message;
}

TEST(Migrations, ForeignKeyViolationLeftByAMigrationIsRefused) {
  TempDir dir;
  constexpr std::array kDangling = {
      Migration{1, "dangling",
                "CREATE TABLE p (id INTEGER PRIMARY KEY);"
                "CREATE TABLE c (p INTEGER REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED);"
                "INSERT INTO c (p) VALUES (5);"},
  };
  auto db = SqliteDatabase::open(with(dir.file("store.db"), kDangling));
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, DiagCode::StoreMigration);
  EXPECT_NE(db.error().message.find("foreign key"), std::string::npos) << db.error().message;
  auto check = open_ok(with(dir.file("store.db"), {}));
  ASSERT_TRUE(check);
  EXPECT_FALSE(table_exists(*check, "c"));
}

TEST(Migrations, EmptyListGivesVersionZero) {
  auto db = open_ok(with(":memory:", {}));
  ASSERT_TRUE(db);
  EXPECT_EQ(schema_version(*db).value(), 0);
  EXPECT_TRUE(applied_migrations(*db).value().empty());
}

TEST(Migrations, MalformedListIsAProgrammingError) {
  constexpr std::array kGap = {
      Migration{1, "one", "SELECT 1"},
      Migration{3, "three", "SELECT 1"},
  };
  constexpr std::array kNoName = {Migration{1, "", "SELECT 1"}};
  EXPECT_THROW((void)SqliteDatabase::open(with(":memory:", kGap)), std::logic_error);
  EXPECT_THROW((void)SqliteDatabase::open(with(":memory:", kNoName)), std::logic_error);
}

TEST(Migrations, ClockInTheWrongFormatThrowsAndAppliesNothing) {
  TempDir dir;
  auto o = with(dir.file("store.db"), kOne);
  o.now = [] { return std::string("yesterday"); };
  EXPECT_THROW((void)SqliteDatabase::open(o), std::invalid_argument);
  auto check = open_ok(with(dir.file("store.db"), {}));
  ASSERT_TRUE(check);
  EXPECT_FALSE(table_exists(*check, "a"));
}

TEST(Migrations, PostgresqlHasNoMigrationsYet) {
  EXPECT_THROW((void)builtin_migrations(Dialect::postgresql), std::logic_error);
}

}  // namespace
}  // namespace cb::store
