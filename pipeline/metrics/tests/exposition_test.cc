// /metrics must be valid Prometheus text: the checker (exposition_check.h)
// finds what a scraper trips over, and the registry refuses names that would
// clash in the first place.

#include <gtest/gtest.h>

#include <stdexcept>

#include "pipeline/metrics/pipeline_metrics.h"
#include "pipeline/metrics/tests/exposition_check.h"

namespace cb::metrics {
namespace {

using testing::exposition_problems;

TEST(ExpositionCheck, AcceptsValidTextAndFindsEachKindOfClash) {
  EXPECT_TRUE(exposition_problems("# HELP a_total A.\n# TYPE a_total counter\na_total{r=\"x\"} 1\n"
                                  "a_total{r=\"y\"} 2\n# TYPE h histogram\n"
                                  "h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_sum 0.5\n"
                                  "h_count 1\n")
                  .empty());
  EXPECT_FALSE(exposition_problems("# HELP a A.\n# HELP a A.\na 1\n").empty());
  EXPECT_FALSE(exposition_problems("# TYPE a gauge\n# TYPE a gauge\na 1\n").empty());
  EXPECT_FALSE(exposition_problems("a 1\n# TYPE a gauge\n").empty());
  EXPECT_FALSE(exposition_problems("a 1\nb 1\na{x=\"1\"} 2\n").empty());  // not together
  EXPECT_FALSE(exposition_problems("a{x=\"1\"} 1\na{x=\"1\"} 2\n").empty());  // series twice
  EXPECT_FALSE(exposition_problems(
                   "# TYPE m_total counter\nm_total 1\n# TYPE m gauge\nm 3\n")
                   .empty());  // one family name "m" for a scraper
  EXPECT_FALSE(exposition_problems("# TYPE h histogram\nh_sum 1\nh_count 1\n"
                                   "# TYPE h_count gauge\n")
                   .empty());
  EXPECT_FALSE(exposition_problems("a 1").empty());        // no final newline
  EXPECT_FALSE(exposition_problems("a one\n").empty());    // bad value
  EXPECT_FALSE(exposition_problems("1a 1\n").empty());     // bad name
}

TEST(Registry, RefusesNamesThatClashForAScraper) {
  Registry r;
  r.counter("cb_x_total", "X.");
  EXPECT_THROW(r.gauge("cb_x", "X now."), std::logic_error);
  r.histogram("cb_h", "H.", {}, kLatencyBuckets);
  EXPECT_THROW(r.counter("cb_h_count", "H count."), std::logic_error);
  EXPECT_THROW(r.gauge("cb_h_sum", "H sum."), std::logic_error);
  EXPECT_NO_THROW(r.gauge("cb_x_now", "X now."));
}

TEST(PipelineMetrics, EveryFamilyRendersAsValidText) {
  Registry r;
  PipelineMetrics m(r);
  m.message_state("dta", "received");
  m.processing_latency("dta", "delivered", 0.004);
  m.set_queue_depth("outbox", 1);
  m.retry("dta", "kasse-a");
  m.dead_letter("dta");
  m.messages.with({"dta", "dead"}).set(1);
  m.dead_letters.with({"dta"}).set(1);
  m.job_run("plan-update", "succeeded", 2.0, 1'790'000'000);
  m.retention_pruned(4096);
  const std::string text = r.render();
  const auto problems = exposition_problems(text);
  EXPECT_TRUE(problems.empty()) << problems.front() << "\n" << text;
}

}  // namespace
}  // namespace cb::metrics
