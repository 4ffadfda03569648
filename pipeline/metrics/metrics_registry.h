#pragma once
// A small, thread-safe metrics registry rendered in the Prometheus text
// exposition format (version 0.0.4), for GET /metrics.
//
//   metrics::Registry reg;
//   auto& sent = reg.counter("carebridge_files_total", "Files written.", {"route"});
//   sent.with({"dta"}).inc();
//   auto& lat = reg.histogram("carebridge_latency_seconds", "Latency.", {"route"},
//                             metrics::kLatencyBuckets);
//   lat.with({"dta"}).observe(0.004);
//   std::string text = reg.render();
//
// Families are sorted by name in the output and series by label values, so the
// text is stable (and testable). `with()` returns a reference that stays valid
// for the registry's lifetime: hot paths may keep it. Values are updated with
// atomics; creating a series takes a short lock.
//
// Collectors run at the start of render() to refresh gauges whose values come
// from elsewhere (e.g. counts in the store: store_gauges.h).

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cb::metrics {

/// Buckets (upper bounds, seconds) for message processing latency.
inline constexpr double kLatencyBuckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                             0.1,   0.25,   0.5,   1.0,  2.5,   5.0, 10.0};
/// Buckets (seconds) for batch job durations.
inline constexpr double kJobDurationBuckets[] = {0.1,  0.5,   1.0,   5.0,    10.0,
                                                 30.0, 60.0,  300.0, 900.0, 3600.0};

/// A value that only goes up (resets with the process).
class Counter {
 public:
  /// Adds `by` (must be >= 0; negative values are ignored).
  void inc(double by = 1.0);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

/// A value that goes up and down.
class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void inc(double by = 1.0);
  void dec(double by = 1.0) { inc(-by); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

/// Observations counted into buckets with cumulative upper bounds.
class Histogram {
 public:
  explicit Histogram(std::span<const double> bounds);
  void observe(double v);

  struct Snapshot {
    std::vector<double> bounds;                 // without +Inf
    std::vector<std::uint64_t> cumulative;      // one per bound, then +Inf
    double sum = 0.0;
    std::uint64_t count = 0;
  };
  Snapshot snapshot() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // non-cumulative, +Inf last
  std::atomic<double> sum_{0.0};
  std::atomic<std::uint64_t> count_{0};
};

enum class MetricType : std::uint8_t { counter, gauge, histogram };

/// The series of one metric name, one per combination of label values.
template <class M>
class Family {
 public:
  /// The series for these label values (one per label name, in order);
  /// created at zero on first use. Throws std::invalid_argument when the
  /// number of values differs from the number of label names.
  M& with(std::initializer_list<std::string_view> values);
  M& with(const std::vector<std::string>& values);
  /// The series without labels (only for families declared without labels).
  M& get() { return with(std::vector<std::string>{}); }
  /// Drops every series (e.g. before a gauge family is refilled from the store).
  void clear();

  const std::string& name() const { return name_; }

 private:
  friend class Registry;
  Family(std::string name, std::string help, std::vector<std::string> labels,
         std::vector<double> bounds);
  std::unique_ptr<M> make() const;

  std::string name_;
  std::string help_;
  std::vector<std::string> labels_;
  std::vector<double> bounds_;  // histograms only
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, std::unique_ptr<M>> series_;
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  /// Declares (or returns the already declared) family. Names must match
  /// [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]* and not
  /// start with "__" nor be "le" for histograms. Declaring a name again with a
  /// different type, labels or buckets throws std::logic_error (a programming
  /// error), as does an invalid name.
  CounterFamily& counter(const std::string& name, const std::string& help,
                         const std::vector<std::string>& labels = {});
  GaugeFamily& gauge(const std::string& name, const std::string& help,
                     const std::vector<std::string>& labels = {});
  HistogramFamily& histogram(const std::string& name, const std::string& help,
                             const std::vector<std::string>& labels,
                             std::span<const double> bounds = kLatencyBuckets);

  /// A function run at the start of every render(), e.g. to refresh gauges.
  void add_collector(std::function<void()> collect);

  /// The text exposition format: for each family "# HELP", "# TYPE", then one
  /// line per series (histograms: `_bucket{le="…"}` cumulative, `_sum`,
  /// `_count`). Families without any series are left out. Ends with a
  /// newline (empty when there is nothing to report).
  std::string render() const;

 private:
  struct Entry;
  Entry& declare(const std::string& name, MetricType type, const std::vector<std::string>& labels,
                 std::span<const double> bounds, const std::string& help);

  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Entry>> families_;
  std::vector<std::function<void()>> collectors_;
};

/// A sample value as Prometheus prints it: integers without a fraction
/// ("3"), others in the shortest exact form ("0.25"), "+Inf", "-Inf", "NaN".
std::string format_value(double v);
/// A label value escaped for the exposition format (\\, \", \n).
std::string escape_label_value(std::string_view v);

}  // namespace cb::metrics
