#pragma once
// Shared helpers for the store tests: a unique temporary folder, a fake clock,
// and small query shortcuts.

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "pipeline/store/sqlite_database.h"
#include "pipeline/store/timestamp.h"

namespace cb::store::testing {

/// A folder under the system temp directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name =
        "carebridge-store-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    if (info != nullptr) name += std::string("-") + info->name();
    path_ = std::filesystem::temp_directory_path() / name;
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

/// A clock that starts at 2026-01-31T09:30:00.000Z and moves 1 s per call.
class FakeClock {
 public:
  explicit FakeClock(Timestamp start = Timestamp(std::chrono::sys_days(std::chrono::year{2026} / 1 /
                                                                       31) +
                                                 std::chrono::hours(9) + std::chrono::minutes(30)))
      : next_(start) {}
  std::string operator()() {
    const std::string out = format_timestamp(next_);
    next_ += std::chrono::seconds(1);
    return out;
  }

 private:
  Timestamp next_;
};

inline SqliteOptions options_for(const std::string& path) {
  SqliteOptions o;
  o.path = path;
  o.now = FakeClock();
  return o;
}

/// Opens or fails the test.
inline std::unique_ptr<SqliteDatabase> open_ok(const SqliteOptions& o) {
  auto db = SqliteDatabase::open(o);
  if (!db) {
    ADD_FAILURE() << db.error().to_string();
    return nullptr;
  }
  return std::move(*db);
}

/// The first column of the first row as an integer; fails the test on error.
inline std::int64_t query_int(Database& db, std::string_view sql) {
  auto st = db.prepare(sql);
  auto s = st->step();
  if (!s) {
    ADD_FAILURE() << s.error().to_string();
    return -1;
  }
  if (*s != Step::row) {
    ADD_FAILURE() << "no row: " << sql;
    return -1;
  }
  return st->column_int(0);
}

inline std::string query_text(Database& db, std::string_view sql) {
  auto st = db.prepare(sql);
  auto s = st->step();
  if (!s || *s != Step::row) {
    ADD_FAILURE() << "no row: " << sql;
    return {};
  }
  return st->column_text(0);
}

/// A lowercase sha256-shaped hex string made from a number (tests don't hash).
inline std::string fake_hash(int n) {
  std::string h = std::to_string(n);
  return std::string(64 - h.size(), 'a') + h;
}

/// Inserts an inbound message; returns its id or the store's failure.
inline Result<std::int64_t> insert_message(Database& db, std::string_view tenant,
                                           std::string_view route, const std::string& hash,
                                           std::string_view state = "received",
                                           std::string_view direction = "in",
                                           std::string_view bytes = "UNH+1") {
  auto st = db.prepare(
      "INSERT INTO messages (tenant, direction, route, adapter, source, content_hash, "
      "business_key, bytes, byte_size, state, created_at, updated_at) "
      "VALUES (?1, ?2, ?3, 'dta302', 'in/file.dat', ?4, NULL, ?5, ?6, ?7, "
      "'2026-01-31T09:30:00.000Z', '2026-01-31T09:30:00.000Z') RETURNING id");
  st->bind_text(1, tenant)
      .bind_text(2, direction)
      .bind_text(3, route)
      .bind_text(4, hash)
      .bind_blob(5, bytes)
      .bind_int(6, static_cast<std::int64_t>(bytes.size()))
      .bind_text(7, state);
  auto s = st->step();
  if (!s) return cb::Unexpected(std::move(s.error()));
  const std::int64_t id = st->column_int(0);
  if (auto done = st->step(); !done) return cb::Unexpected(std::move(done.error()));
  return id;
}

/// Drops the value of a result, keeping its failure.
template <class T>
Result<void> as_void(const Result<T>& r) {
  if (!r) return cb::Unexpected(r.error());
  return {};
}

}  // namespace cb::store::testing
