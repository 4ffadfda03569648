#include "pipeline/metrics/metrics_registry.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>
#include <vector>

namespace cb::metrics {
namespace {

TEST(MetricsRegistry, RendersCountersAndGaugesSortedWithHelpAndType) {
  Registry r;
  auto& msgs = r.counter("carebridge_messages_total", "Messages by state.", {"route", "state"});
  msgs.with({"dta", "received"}).inc();
  msgs.with({"dta", "received"}).inc(2);
  msgs.with({"canonical", "rejected"}).inc();
  r.gauge("carebridge_queue_depth", "Work waiting.", {"queue"}).with({"outbox"}).set(7.5);
  r.gauge("a_plain_gauge", "No labels.").get().set(-3);

  EXPECT_EQ(r.render(),
            "# HELP a_plain_gauge No labels.\n"
            "# TYPE a_plain_gauge gauge\n"
            "a_plain_gauge -3\n"
            "# HELP carebridge_messages_total Messages by state.\n"
            "# TYPE carebridge_messages_total counter\n"
            "carebridge_messages_total{route=\"canonical\",state=\"rejected\"} 1\n"
            "carebridge_messages_total{route=\"dta\",state=\"received\"} 3\n"
            "# HELP carebridge_queue_depth Work waiting.\n"
            "# TYPE carebridge_queue_depth gauge\n"
            "carebridge_queue_depth{queue=\"outbox\"} 7.5\n");
}

TEST(MetricsRegistry, RendersHistogramBucketsCumulativeWithSumAndCount) {
  Registry r;
  const double bounds[] = {0.01, 0.1, 1};
  auto& h = r.histogram("lat_seconds", "Latency.", {"route"}, bounds);
  auto& s = h.with({"dta"});
  s.observe(0.005);
  s.observe(0.01);  // on the bound: counts into le="0.01"
  s.observe(0.5);
  s.observe(3);
  EXPECT_EQ(r.render(),
            "# HELP lat_seconds Latency.\n"
            "# TYPE lat_seconds histogram\n"
            "lat_seconds_bucket{route=\"dta\",le=\"0.01\"} 2\n"
            "lat_seconds_bucket{route=\"dta\",le=\"0.1\"} 2\n"
            "lat_seconds_bucket{route=\"dta\",le=\"1\"} 3\n"
            "lat_seconds_bucket{route=\"dta\",le=\"+Inf\"} 4\n"
            "lat_seconds_sum{route=\"dta\"} 3.515\n"
            "lat_seconds_count{route=\"dta\"} 4\n");
}

TEST(MetricsRegistry, HistogramWithoutLabelsHasOnlyLe) {
  Registry r;
  const double bounds[] = {1};
  r.histogram("job_seconds", "Jobs.", {}, bounds).get().observe(2);
  EXPECT_EQ(r.render(),
            "# HELP job_seconds Jobs.\n"
            "# TYPE job_seconds histogram\n"
            "job_seconds_bucket{le=\"1\"} 0\n"
            "job_seconds_bucket{le=\"+Inf\"} 1\n"
            "job_seconds_sum 2\n"
            "job_seconds_count 1\n");
}

TEST(MetricsRegistry, EscapesLabelValuesAndHelp) {
  Registry r;
  r.counter("c_total", "Line one\nback\\slash", {"path"}).with({"a\"b\\c\nd"}).inc();
  EXPECT_EQ(r.render(),
            "# HELP c_total Line one\\nback\\\\slash\n"
            "# TYPE c_total counter\n"
            "c_total{path=\"a\\\"b\\\\c\\nd\"} 1\n");
}

TEST(MetricsRegistry, FamiliesWithoutSeriesAreLeftOut) {
  Registry r;
  r.counter("unused_total", "Nothing yet.", {"route"});
  EXPECT_EQ(r.render(), "");
  r.counter("unused_total", "Nothing yet.", {"route"}).with({"dta"});
  EXPECT_EQ(r.render(),
            "# HELP unused_total Nothing yet.\n"
            "# TYPE unused_total counter\n"
            "unused_total{route=\"dta\"} 0\n");
}

TEST(MetricsRegistry, CountersIgnoreNegativeIncrements) {
  Registry r;
  auto& c = r.counter("c_total", "c").get();
  c.inc(2);
  c.inc(-5);
  EXPECT_EQ(c.value(), 2);
}

TEST(MetricsRegistry, RedeclaringReturnsTheSameFamilyButConflictsThrow) {
  Registry r;
  auto& a = r.counter("x_total", "x", {"route"});
  auto& b = r.counter("x_total", "x", {"route"});
  EXPECT_EQ(&a, &b);
  EXPECT_THROW(r.gauge("x_total", "x", {"route"}), std::logic_error);
  EXPECT_THROW(r.counter("x_total", "x", {"other"}), std::logic_error);
  EXPECT_THROW(r.counter("1bad", "x"), std::logic_error);
  EXPECT_THROW(r.counter("ok_total", "x", {"__reserved"}), std::logic_error);
  const double bounds[] = {1};
  EXPECT_THROW(r.histogram("h", "x", {"le"}, bounds), std::logic_error);
  const double unsorted[] = {2, 1};
  EXPECT_THROW(r.histogram("h2", "x", {}, unsorted), std::logic_error);
  EXPECT_THROW(a.with({"dta", "extra"}), std::invalid_argument);
}

TEST(MetricsRegistry, CollectorsRunBeforeRendering) {
  Registry r;
  auto& g = r.gauge("depth", "d");
  int calls = 0;
  r.add_collector([&] { g.get().set(++calls); });
  EXPECT_NE(r.render().find("depth 1\n"), std::string::npos);
  EXPECT_NE(r.render().find("depth 2\n"), std::string::npos);
}

TEST(MetricsRegistry, FormatsValuesAsPrometheusDoes) {
  EXPECT_EQ(format_value(3), "3");
  EXPECT_EQ(format_value(0.25), "0.25");
  EXPECT_EQ(format_value(-1.5), "-1.5");
  EXPECT_EQ(format_value(1.0 / 0.0), "+Inf");
  EXPECT_EQ(format_value(0.1), "0.1");
}

TEST(MetricsRegistry, ConcurrentUpdatesAreNotLost) {
  Registry r;
  auto& c = r.counter("c_total", "c", {"t"});
  auto& h = r.histogram("h", "h", {"t"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10000; ++i) {
        c.with({t % 2 ? "odd" : "even"}).inc();
        h.with({"all"}).observe(0.003);
        if (i % 1000 == 0) (void)r.render();
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(c.with({"odd"}).value() + c.with({"even"}).value(), 40000);
  EXPECT_EQ(h.with({"all"}).snapshot().count, 40000u);
}

}  // namespace
}  // namespace cb::metrics
