#include "pipeline/metrics/pipeline_metrics.h"

#include <gtest/gtest.h>

#include "pipeline/metrics/store_gauges.h"
#include "pipeline/store/sqlite_database.h"

namespace cb::metrics {
namespace {

bool contains(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST(PipelineMetrics, OneCallPerEventProducesTheNamedSeries) {
  Registry r;
  PipelineMetrics m(r, "9.9.9");
  m.message_state("dta", "received");
  m.message_state("dta", "received");
  m.processing_latency("dta", "delivered", 0.004);
  m.set_queue_depth("outbox", 12);
  m.retry("dta", "kasse-a");
  m.dead_letter("dta");
  m.job_run("plan-update", "succeeded", 2.0, 1'790'000'000);
  m.retention_pruned(4096);
  m.set_ready(false);
  const std::string t = r.render();
  EXPECT_TRUE(contains(t, R"(carebridge_messages_total{route="dta",state="received"} 2)")) << t;
  EXPECT_TRUE(contains(
      t, R"(carebridge_message_processing_seconds_bucket{route="dta",stage="delivered",le="0.005"} 1)"));
  EXPECT_TRUE(contains(t, R"(carebridge_queue_depth{queue="outbox"} 12)"));
  EXPECT_TRUE(contains(t, R"(carebridge_delivery_retries_total{route="dta",destination="kasse-a"} 1)"));
  EXPECT_TRUE(contains(t, R"(carebridge_dead_letters_total{route="dta"} 1)"));
  EXPECT_TRUE(contains(t, R"(carebridge_job_runs_total{job="plan-update",state="succeeded"} 1)"));
  EXPECT_TRUE(contains(t, R"(carebridge_job_duration_seconds_count{job="plan-update"} 1)"));
  EXPECT_TRUE(contains(t, R"(carebridge_job_last_success_timestamp_seconds{job="plan-update"} 1790000000)"));
  EXPECT_TRUE(contains(t, "carebridge_retention_pruned_bytes_total 4096"));
  EXPECT_TRUE(contains(t, "carebridge_health_ready 0"));
  EXPECT_TRUE(contains(t, R"(carebridge_build_info{version="9.9.9"} 1)"));
}

TEST(StoreGauges, CountsMessagesDeadLettersAndQueuesFromTheStore) {
  store::SqliteOptions o;
  o.path = ":memory:";
  o.now = [] { return std::string("2026-01-31T09:30:00.000Z"); };
  auto db = store::SqliteDatabase::open(o);
  ASSERT_TRUE(db) << db.error().to_string();
  auto insert = [&](const char* route, const char* dir, const char* state, int n) {
    auto st = (*db)->prepare(
        "INSERT INTO messages (tenant, direction, route, source, content_hash, bytes, byte_size, "
        "state, created_at, updated_at) VALUES ('t', ?1, ?2, 's', printf('%064x', ?3), x'', 0, "
        "?4, '2026-01-31T09:30:00.000Z', '2026-01-31T09:30:00.000Z')");
    static int seq = 0;
    for (int i = 0; i < n; ++i) {
      st->reset();
      st->bind_text(1, dir).bind_text(2, route).bind_int(3, ++seq).bind_text(4, state);
      ASSERT_TRUE(st->run());
    }
  };
  insert("dta", "in", "received", 3);
  insert("dta", "in", "dead", 2);
  insert("dta", "out", "failed", 1);
  insert("json", "in", "applied", 4);

  Registry r;
  PipelineMetrics m(r);
  m.messages.with({"gone", "applied"}).set(99);  // stale series disappears
  r.add_collector([&] { ASSERT_TRUE(refresh_store_gauges(**db, m)); });
  const std::string t = r.render();
  EXPECT_TRUE(contains(t, R"(carebridge_messages_stored{route="dta",state="received"} 3)")) << t;
  EXPECT_TRUE(contains(t, R"(carebridge_messages_stored{route="json",state="applied"} 4)"));
  EXPECT_EQ(t.find("gone"), std::string::npos);
  EXPECT_TRUE(contains(t, R"(carebridge_dead_letters_stored{route="dta"} 2)"));
  EXPECT_TRUE(contains(t, R"(carebridge_queue_depth{queue="intake"} 3)"));
  EXPECT_TRUE(contains(t, R"(carebridge_queue_depth{queue="retry"} 1)"));
  EXPECT_TRUE(contains(t, R"(carebridge_queue_depth{queue="outbox"} 0)"));
}

}  // namespace
}  // namespace cb::metrics
