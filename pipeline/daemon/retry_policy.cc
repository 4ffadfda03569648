#include "pipeline/daemon/retry_policy.h"

#include <algorithm>
#include <memory>

namespace cb::daemon {

std::chrono::milliseconds RetryPolicy::delay(int attempts) const {
  const int n = std::max(1, attempts);
  std::int64_t d = base.count();
  for (int i = 1; i < n && d < cap.count(); ++i) d *= 2;
  d = std::min(d, cap.count());
  const std::int64_t half = d / 2;
  std::int64_t jitter = 0;
  if (random && d - half > 0) {
    jitter = static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(d - half + 1));
  } else {
    jitter = d - half;
  }
  return std::chrono::milliseconds(half + jitter);
}

RetryPolicy make_retry_policy(std::chrono::milliseconds base, std::chrono::milliseconds cap,
                              int limit, std::uint64_t seed) {
  RetryPolicy p;
  p.base = base;
  p.cap = cap;
  p.limit = limit;
  struct Source {
    std::mutex lock;
    std::mt19937_64 engine;
  };
  auto source = std::make_shared<Source>();
  source->engine.seed(seed);
  p.random = [source] {
    std::lock_guard guard(source->lock);
    return source->engine();
  };
  return p;
}

}  // namespace cb::daemon
