#pragma once
// Helpers shared by the daemon tests: a scratch working directory with a
// configuration, canonical-JSON messages, a manual clock, file drops.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "pipeline/config/config.h"
#include "pipeline/daemon/daemon.h"
#include "pipeline/store/timestamp.h"

namespace cb::daemon::testing {

namespace fs = std::filesystem;

inline fs::path scratch_dir(const std::string& name) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  fs::path p = fs::temp_directory_path() /
               ("cb-daemon-" + name + "-" + info->name() + "-" + std::to_string(::getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

/// A configuration with one route reading `inbox`, importing, and writing
/// canonical JSON to `outbox` (or `destination`).
inline std::string route_config(const fs::path& workdir, const std::string& destination = "outbox",
                                const std::string& extra = "") {
  return "workdir = \"" + workdir.string() +
         "\"\n"
         "[store]\npath = \"cb.db\"\nsynchronous = \"normal\"\n"
         "[delivery]\nretry_base_ms = 1000\nretry_cap_ms = 60000\nretry_limit = 5\n"
         "[[tenants]]\nid = \"t1\"\n"
         "[[routes]]\nname = \"master\"\ntenant = \"t1\"\n"
         "match = { folder = \"inbox\" }\nadapter = \"canonical-json\"\ncommand = \"import\"\n"
         "outputs = [ { adapter = \"canonical-json\", destination = \"" +
         destination + "\" } ]\n" + extra;
}

inline config::Config parse_config(const std::string& text) {
  auto c = config::load_config_text(text, "test.toml");
  if (!c) {
    ADD_FAILURE() << config::format_diagnostics(c.error());
    return {};
  }
  return *c;
}

/// A small valid master-data message with one item.
inline std::string item_message(int n) {
  return "{\"format\": \"carebridge-canonical\", \"version\": 1, \"documents\": [{\"kind\": "
         "\"item\", \"number\": \"ITEM-" +
         std::to_string(n) + "\", \"unit\": \"ST\", \"description\": \"synthetic " +
         std::to_string(n) + "\"}]}\n";
}

/// Drops a file the way a well-behaved writer does: temp name, then rename.
inline void drop(const fs::path& folder, const std::string& name, const std::string& bytes) {
  fs::create_directories(folder);
  const fs::path temp = folder / ("." + name + ".part");
  {
    std::ofstream out(temp, std::ios::binary);
    out << bytes;
  }
  fs::rename(temp, folder / name);
}

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Regular files in a folder whose names do not start with '.'.
inline std::vector<fs::path> visible_files(const fs::path& folder) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().front() != '.') out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// A clock the test moves by hand.
struct ManualClock {
  store::Timestamp t = store::Timestamp(std::chrono::sys_days(std::chrono::year{2026} /
                                                              std::chrono::month{11} /
                                                              std::chrono::day{2})) +
                       std::chrono::hours(9);
  std::function<store::Timestamp()> fn() {
    return [this] { return t; };
  }
};

inline std::int64_t count(store::Database& db, const std::string& sql) {
  auto st = db.prepare(sql);
  auto s = st->step();
  return s && *s == store::Step::row ? st->column_int(0) : -1;
}

inline std::string text(store::Database& db, const std::string& sql) {
  auto st = db.prepare(sql);
  auto s = st->step();
  return s && *s == store::Step::row ? st->column_text(0) : std::string("<none>");
}

}  // namespace cb::daemon::testing
