#include "pipeline/http/request_metrics.h"

#include <fmt/format.h>

namespace cb::http {

std::string micros_as_seconds(std::int64_t micros) {
  return fmt::format("{}.{:06}", micros / 1'000'000, micros % 1'000'000);
}

void RequestMetrics::record(const std::string& route, const std::string& method,
                            unsigned status, std::int64_t micros) {
  std::lock_guard lock(mu_);
  ++requests_[{route, method, status}];
  auto& h = latency_[{route, method}];
  ++h.count;
  h.sum_micros += micros;
  for (std::size_t i = 0; i < kBucketsMicros.size(); ++i) {
    if (micros <= kBucketsMicros[i]) {
      ++h.buckets[i];
      break;
    }
  }
}

namespace {

std::string escape_label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

std::string RequestMetrics::text() const {
  std::lock_guard lock(mu_);
  std::string out;
  out += "# HELP carebridge_http_requests_total HTTP requests by route pattern, method and status.\n";
  out += "# TYPE carebridge_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [route, method, status] = key;
    out += fmt::format("carebridge_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                       escape_label(route), method, status, n);
  }
  out += "# HELP carebridge_http_request_duration_seconds Time from a complete request to its response.\n";
  out += "# TYPE carebridge_http_request_duration_seconds histogram\n";
  for (const auto& [key, h] : latency_) {
    const std::string labels =
        fmt::format("route=\"{}\",method=\"{}\"", escape_label(key.first), key.second);
    std::int64_t cumulative = 0;
    for (std::size_t i = 0; i < kBucketsMicros.size(); ++i) {
      cumulative += h.buckets[i];
      out += fmt::format("carebridge_http_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n",
                         labels, micros_as_seconds(kBucketsMicros[i]), cumulative);
    }
    out += fmt::format("carebridge_http_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n",
                       labels, h.count);
    out += fmt::format("carebridge_http_request_duration_seconds_sum{{{}}} {}\n", labels,
                       micros_as_seconds(h.sum_micros));
    out += fmt::format("carebridge_http_request_duration_seconds_count{{{}}} {}\n", labels,
                       h.count);
  }
  return out;
}

}  // namespace cb::http
