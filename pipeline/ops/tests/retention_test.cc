#include "pipeline/ops/retention.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "pipeline/config/config.h"
#include "pipeline/ops/builtin_jobs.h"
#include "pipeline/ops/job_runner.h"
#include "pipeline/ops/tests/ops_test_support.h"
#include "pipeline/store/body_codec.h"
#include "pipeline/store/hash.h"

namespace cb::ops {
namespace {

namespace fs = std::filesystem;
using testing::ManualClock;
using testing::open_store;
using testing::TempDir;
using testing::ts;

/// Bytes that do not compress (a simple xorshift stream), so pages really fill.
std::string noise(std::size_t n, std::uint64_t seed) {
  std::string out(n, '\0');
  std::uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (auto& c : out) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x & 0xff);
  }
  return out;
}

std::int64_t pragma(store::Database& db, const char* p) {
  auto st = db.prepare(std::string("PRAGMA ") + p);
  auto s = st->step();
  EXPECT_TRUE(s);
  return st->column_int(0);
}

std::int64_t count(store::Database& db, const std::string& sql) {
  auto st = db.prepare(sql);
  auto s = st->step();
  EXPECT_TRUE(s) << sql;
  return st->column_int(0);
}

class RetentionTest : public ::testing::Test {
 protected:
  RetentionTest() : db_(open_store((dir_.path() / "store.db").string())) {}

  /// Inserts a message with `body`; returns its id.
  std::int64_t message(const std::string& route, const std::string& state, const std::string& body,
                       const char* updated_at, std::string direction = "",
                       const std::string& source = "in/file.json") {
    static int seq = 0;
    if (direction.empty()) direction = state == "delivered" || state == "emitted" ? "out" : "in";
    const auto enc = store::encode_body(body);
    auto st = db_->prepare(
        "INSERT INTO messages (tenant, direction, route, source, content_hash, bytes, byte_size, "
        "state, created_at, updated_at, encoding, raw_size) VALUES ('t1', ?1, ?2, ?3, ?4, ?5, ?6, "
        "?7, ?8, ?8, ?9, ?10) RETURNING id");
    st->bind_text(1, direction)
        .bind_text(2, route)
        .bind_text(3, source)
        .bind_text(4, store::sha256_hex(body + std::to_string(++seq)))
        .bind_blob(5, std::string_view(enc.blob))
        .bind_int(6, static_cast<std::int64_t>(enc.blob.size()))
        .bind_text(7, state)
        .bind_text(8, updated_at)
        .bind_text(9, enc.encoding)
        .bind_int(10, enc.raw_size);
    auto s = st->step();
    EXPECT_TRUE(s && *s == store::Step::row) << (s ? "" : s.error().to_string());
    const auto id = st->column_int(0);
    st->reset();
    return id;
  }

  std::uintmax_t file_size() {
    EXPECT_TRUE(db_->exec("PRAGMA wal_checkpoint(TRUNCATE)"));
    return fs::file_size(dir_.path() / "store.db");
  }

  TempDir dir_;
  std::unique_ptr<store::SqliteDatabase> db_;
};

TEST_F(RetentionTest, NewStoresFreePagesIncrementally) {
  EXPECT_EQ(pragma(*db_, "auto_vacuum"), 2);
}

TEST_F(RetentionTest, PrunesOldFinalBodiesKeepsMetadataAndShrinksTheFile) {
  // A store made before auto_vacuum was set: the first run switches it (VACUUM).
  ASSERT_TRUE(db_->exec("PRAGMA auto_vacuum = NONE; VACUUM"));
  ASSERT_EQ(pragma(*db_, "auto_vacuum"), 0);
  ASSERT_TRUE(db_->transaction([&](store::Transaction&) -> Result<void> {
    for (int i = 0; i < 150; ++i) message("dta", "delivered", noise(16384, i), "2026-01-05T10:00:00.000Z");
    return {};
  }));
  const auto kept_recent = message("dta", "delivered", noise(16384, 1000), "2026-03-10T10:00:00.000Z");
  const auto kept_in_work = message("dta", "failed", noise(16384, 1001), "2026-01-05T10:00:00.000Z");
  const auto kept_outbox = message("dta", "delivered", noise(16384, 1002), "2026-01-05T10:00:00.000Z");
  ASSERT_TRUE(db_->exec(
      "INSERT INTO outbox (created_at, updated_at, tenant, kind, destination, message_id, "
      "next_attempt_at) VALUES ('2026-01-05T10:00:00.000Z', '2026-01-05T10:00:00.000Z', 't1', "
      "'deliver', 'kasse', " + std::to_string(kept_outbox) + ", '2026-01-05T10:00:00.000Z')"));
  const auto size_before = file_size();
  ASSERT_GT(size_before, 2'000'000u);

  std::vector<RetentionRule> rules{{"dta", 30, std::nullopt, std::nullopt}};
  auto r = run_retention(*db_, rules, ts(2026, 3, 14, 3, 0));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->bodies_pruned, 150);
  EXPECT_GT(r->bytes_pruned, 150 * 16000);
  EXPECT_TRUE(r->problems.empty());
  EXPECT_GT(r->free_pages_before, 500);
  EXPECT_LT(r->free_pages_after, 10);
  EXPECT_LT(r->pages_after * 4, r->pages_before);
  const auto size_after = file_size();
  EXPECT_LT(size_after * 4, size_before) << size_before << " -> " << size_after;
  EXPECT_EQ(pragma(*db_, "auto_vacuum"), 2);  // switched to incremental for next time

  // Metadata stays; the bodies are empty with pruned_at set and an audit event.
  EXPECT_EQ(count(*db_, "SELECT count(*) FROM messages"), 153);
  EXPECT_EQ(count(*db_, "SELECT count(*) FROM messages WHERE pruned_at = "
                        "'2026-03-14T03:00:00.000Z' AND byte_size = 0 AND length(bytes) = 0 "
                        "AND raw_size = 16384 AND length(content_hash) = 64"),
            150);
  EXPECT_EQ(count(*db_, "SELECT count(*) FROM message_events WHERE actor = 'job:retention' AND "
                        "to_state = 'delivered' AND note = 'body pruned by retention after 30 days'"),
            150);
  for (auto id : {kept_recent, kept_in_work, kept_outbox}) {
    EXPECT_EQ(count(*db_, "SELECT byte_size > 0 AND pruned_at IS NULL FROM messages WHERE id = " +
                              std::to_string(id)),
              1)
        << id;
  }

  // A second run finds nothing and leaves the file as it is.
  auto again = run_retention(*db_, rules, ts(2026, 3, 15, 3, 0));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->bodies_pruned, 0);
}

TEST_F(RetentionTest, LaterRunsReclaimIncrementally) {
  std::vector<RetentionRule> rules{{"*", 30, std::nullopt, std::nullopt}};
  message("dta", "delivered", noise(4096, 1), "2026-01-05T10:00:00.000Z");
  ASSERT_TRUE(run_retention(*db_, rules, ts(2026, 3, 14)));  // converts to incremental
  ASSERT_EQ(pragma(*db_, "auto_vacuum"), 2);
  ASSERT_TRUE(db_->transaction([&](store::Transaction&) -> Result<void> {
    for (int i = 0; i < 100; ++i) message("json", "applied", noise(16384, 50 + i), "2026-02-01T00:00:00.000Z");
    return {};
  }));
  const auto size_before = file_size();
  auto r = run_retention(*db_, rules, ts(2026, 3, 14));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->bodies_pruned, 100);
  EXPECT_LT(file_size() * 3, size_before);
  EXPECT_EQ(pragma(*db_, "freelist_count"), 0);
}

TEST_F(RetentionTest, ArchivesBodiesBeforePruningThem) {
  const std::string body = R"({"documents":[{"kind":"party","id":"P1"}]})" + std::string(200, ' ');
  const auto id = message("canonical", "applied", body, "2026-01-05T10:00:00.000Z", "in",
                          "../in box/01 master.json");
  const fs::path archive = dir_.path() / "archive";
  std::vector<RetentionRule> rules{{"canonical", 30, archive, std::nullopt}};
  auto r = run_retention(*db_, rules, ts(2026, 3, 14));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->bodies_archived, 1);
  EXPECT_EQ(r->bodies_pruned, 1);
  const fs::path month = archive / "t1" / "canonical" / "2026-01";
  ASSERT_TRUE(fs::is_directory(month));
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(month)) files.push_back(e.path());
  ASSERT_EQ(files.size(), 1u);
  const std::string name = files[0].filename().string();
  EXPECT_TRUE(name.starts_with(std::to_string(id) + "-in-")) << name;
  EXPECT_TRUE(name.ends_with("-01_master.json")) << name;  // no path parts, no blanks
  std::ifstream in(files[0], std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  EXPECT_EQ(content.str(), body);  // decoded, not the compressed blob
  EXPECT_EQ(count(*db_, "SELECT count(*) FROM message_events WHERE note LIKE "
                        "'body pruned by retention after 30 days, archived to %'"),
            1);
}

TEST_F(RetentionTest, ABodyThatCannotBeArchivedIsNotPruned) {
  const auto id = message("canonical", "applied", noise(500, 3), "2026-01-05T10:00:00.000Z");
  const fs::path not_a_folder = dir_.path() / "archive";
  std::ofstream(not_a_folder) << "a file in the way";
  std::vector<RetentionRule> rules{{"canonical", 30, not_a_folder, std::nullopt}};
  auto r = run_retention(*db_, rules, ts(2026, 3, 14));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->bodies_pruned, 0);
  ASSERT_EQ(r->problems.size(), 1u);
  EXPECT_EQ(r->problems[0].code, DiagCode::OpsArchiveFailed);
  EXPECT_NE(r->problems[0].message.find("message " + std::to_string(id) + " on route canonical "
                                        "was not pruned"),
            std::string::npos)
      << r->problems[0].message;
  EXPECT_EQ(count(*db_, "SELECT pruned_at IS NULL FROM messages WHERE id = " + std::to_string(id)),
            1);
}

TEST_F(RetentionTest, DeletesOldMetadataWithEventsAndFinishedOutboxRows) {
  const auto old_id = message("dta", "dead", "x", "2025-01-05T10:00:00.000Z");
  const auto young_id = message("dta", "dead", "y", "2026-02-05T10:00:00.000Z");
  ASSERT_TRUE(db_->exec(
      "INSERT INTO message_events (message_id, at, actor, to_state) VALUES (" +
      std::to_string(old_id) + ", '2025-01-05T10:00:00.000Z', 'pipeline', 'dead');"
      "INSERT INTO outbox (created_at, updated_at, tenant, kind, destination, message_id, state, "
      "next_attempt_at) VALUES ('2025-01-05T10:00:00.000Z', '2025-01-05T10:00:00.000Z', 't1', "
      "'deliver', 'kasse', " + std::to_string(old_id) + ", 'failed', '2025-01-05T10:00:00.000Z')"));
  std::vector<RetentionRule> rules{{"dta", 30, std::nullopt, 365}};
  auto r = run_retention(*db_, rules, ts(2026, 3, 14));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->messages_deleted, 1);
  EXPECT_EQ(count(*db_, "SELECT count(*) FROM messages WHERE id = " + std::to_string(old_id)), 0);
  EXPECT_EQ(count(*db_, "SELECT count(*) FROM message_events WHERE message_id = " +
                            std::to_string(old_id)),
            0);
  EXPECT_EQ(count(*db_, "SELECT count(*) FROM outbox"), 0);
  EXPECT_EQ(count(*db_, "SELECT count(*) FROM messages WHERE id = " + std::to_string(young_id)), 1);
}

TEST_F(RetentionTest, WorksInBatchesPastMessagesThatMustStay) {
  const auto in_work = message("dta", "failed", "a", "2025-01-05T10:00:00.000Z");
  for (const char* body : {"b", "c", "d"}) message("dta", "dead", body, "2025-01-05T10:00:00.000Z");
  std::vector<RetentionRule> rules{{"dta", 30, std::nullopt, 365}};
  RetentionOptions o;
  o.batch_size = 1;
  auto r = run_retention(*db_, rules, ts(2026, 3, 14), o);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->bodies_pruned, 3);
  EXPECT_EQ(r->messages_deleted, 3);
  EXPECT_EQ(count(*db_, "SELECT count(*) FROM messages"), 1);
  EXPECT_EQ(count(*db_, "SELECT id FROM messages"), in_work);
}

TEST_F(RetentionTest, ARouteRuleOverridesTheWildcardAndRoutesWithoutRulesAreKept) {
  const auto a = message("dta", "delivered", noise(300, 1), "2026-02-01T00:00:00.000Z");
  const auto b = message("json", "delivered", noise(300, 2), "2026-02-01T00:00:00.000Z");
  std::vector<RetentionRule> rules{{"*", 10, std::nullopt, std::nullopt},
                                   {"dta", 100, std::nullopt, std::nullopt}};
  EXPECT_EQ(rule_for_route(rules, "dta")->body_days, 100);
  EXPECT_EQ(rule_for_route(rules, "other")->body_days, 10);
  ASSERT_TRUE(run_retention(*db_, rules, ts(2026, 3, 14)));
  EXPECT_EQ(count(*db_, "SELECT pruned_at IS NULL FROM messages WHERE id = " + std::to_string(a)), 1);
  EXPECT_EQ(count(*db_, "SELECT pruned_at IS NULL FROM messages WHERE id = " + std::to_string(b)), 0);

  std::vector<RetentionRule> only_dta{{"dta", 1, std::nullopt, std::nullopt}};
  EXPECT_EQ(rule_for_route(only_dta, "json"), nullptr);
}

TEST_F(RetentionTest, TheBuiltinJobAppliesTheConfiguredRules) {
  message("dta", "delivered", noise(2000, 9), "2026-01-05T10:00:00.000Z");
  auto cfg = config::load_config_text(R"(
[[routes]]
name = "dta"
adapter = "canonical-json"
match = { folder = "in/dta" }

[[retention]]
route = "dta"
body_days = 30
)",
                                      "ret.toml");
  ASSERT_TRUE(cfg) << config::format_diagnostics(cfg.error());
  JobRegistry jobs;
  register_builtin_jobs(jobs, *cfg);
  EXPECT_FALSE(jobs.find("retention")->atomic);
  ManualClock clock(ts(2026, 3, 14, 3, 0));
  JobRunner runner(*db_, jobs, clock);
  auto r = runner.run({"retention", "", *Date::parse("2026-03-14"), "", "scheduler"});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->record.state, "succeeded") << r->record.log;
  EXPECT_EQ(r->record.counts.at("bodies_pruned"), 1);
  EXPECT_TRUE(r->record.log.starts_with("pruned 1 bodies")) << r->record.log;
}

}  // namespace
}  // namespace cb::ops
