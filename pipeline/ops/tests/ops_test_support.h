#pragma once
// Helpers for the ops tests: a settable clock, a store in a temporary folder
// or in memory, and timestamps written as text.

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "pipeline/store/sqlite_database.h"
#include "pipeline/store/timestamp.h"

namespace cb::ops::testing {

/// "2026-03-14T02:00:00.000Z" → Timestamp (test input only; no validation).
inline store::Timestamp ts(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  using namespace std::chrono;
  return store::Timestamp{sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} +
                          seconds{s}};
}

/// A clock the test moves by hand.
class ManualClock {
 public:
  explicit ManualClock(store::Timestamp t) : now_(std::make_shared<store::Timestamp>(t)) {}
  store::Timestamp operator()() const { return *now_; }
  void set(store::Timestamp t) { *now_ = t; }
  void advance(std::chrono::milliseconds d) { *now_ += d; }
  std::string text() const { return store::format_timestamp(*now_); }

 private:
  std::shared_ptr<store::Timestamp> now_;  // shared: copies given away follow set()
};

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("carebridge-ops-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ignored);
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// Opens (and migrates) a store; ":memory:" by default.
inline std::unique_ptr<store::SqliteDatabase> open_store(const std::string& path = ":memory:") {
  store::SqliteOptions o;
  o.path = path;
  o.synchronous = store::Synchronous::normal;
  o.now = [] { return std::string("2026-01-01T00:00:00.000Z"); };
  auto db = store::SqliteDatabase::open(o);
  EXPECT_TRUE(db) << (db ? "" : db.error().to_string());
  return db ? std::move(*db) : nullptr;
}

}  // namespace cb::ops::testing
