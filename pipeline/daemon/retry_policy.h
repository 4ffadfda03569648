#pragma once
// Capped exponential backoff with jitter (Fluent Bit's scheduler.base/cap
// idea): the n-th retry waits a random time in [d/2, d] with
// d = min(cap, base * 2^(n-1)). After `limit` attempts the message is dead.

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <random>

namespace cb::daemon {

struct RetryPolicy {
  std::chrono::milliseconds base{1000};
  std::chrono::milliseconds cap{300000};
  int limit = 10;
  /// The random source for the jitter; tests pass a fixed seed.
  std::function<std::uint64_t()> random;

  /// The wait before attempt `attempts + 1`, after `attempts` failed ones (>= 1).
  std::chrono::milliseconds delay(int attempts) const;
  /// True when `attempts` failed attempts exhaust the limit.
  bool exhausted(int attempts) const { return attempts >= limit; }
};

/// A policy with a seeded pseudo-random jitter.
RetryPolicy make_retry_policy(std::chrono::milliseconds base, std::chrono::milliseconds cap,
                              int limit, std::uint64_t seed);

}  // namespace cb::daemon
