#pragma once
// The server's own Prometheus metrics: requests by route pattern, method and
// status, and a latency histogram by route pattern and method. Route patterns
// ("/api/messages/{id}"), never raw paths, so a label cannot carry a patient
// id and the number of series stays bounded.

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace cb::http {

class RequestMetrics {
 public:
  /// Upper bounds of the latency buckets in microseconds (+Inf is implied).
  static constexpr std::array<std::int64_t, 11> kBucketsMicros{
      1'000, 2'500, 5'000, 10'000, 25'000, 50'000, 100'000, 250'000, 500'000, 1'000'000,
      5'000'000};

  void record(const std::string& route, const std::string& method, unsigned status,
              std::int64_t micros);

  /// Prometheus text exposition (counters, histogram with _bucket/_sum/_count).
  std::string text() const;

 private:
  struct Histogram {
    std::array<std::int64_t, kBucketsMicros.size()> buckets{};  // non-cumulative
    std::int64_t count = 0;
    std::int64_t sum_micros = 0;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, unsigned>, std::int64_t> requests_;
  std::map<std::pair<std::string, std::string>, Histogram> latency_;
};

/// Microseconds as seconds with six decimals ("0.012500"), without floating point.
std::string micros_as_seconds(std::int64_t micros);

}  // namespace cb::http
