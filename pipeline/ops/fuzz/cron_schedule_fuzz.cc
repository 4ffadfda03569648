// Fuzz target: cron schedules from arbitrary bytes (they come from the
// configuration file).
//
// An expression that fails names a column inside the text (or 1) and a
// reason. One that parses keeps its text, and its next fire after a few fixed
// times is later than that time, matches the schedule and is the first fire
// of its day or comes after an earlier fire that day. A broken invariant aborts.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "pipeline/ops/cron_schedule.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 256) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  cb::ops::CronError err;
  auto c = cb::ops::CronSchedule::parse(text, &err);
  if (!c) {
    check(!err.reason.empty());
    check(err.column >= 1 && err.column <= text.size() + 1);
    return 0;
  }
  check(c->text() == text);
  using namespace std::chrono;
  for (const auto start : {local_days{year{2026} / 1 / 1}, local_days{year{2028} / 2 / 28},
                           local_days{year{2026} / 12 / 31} + days{0}}) {
    const cb::ops::LocalMinutes t = cb::ops::LocalMinutes{start} + minutes{23 * 60 + 59};
    if (auto next = c->next_after(t)) {
      check(*next > t);
      check(c->matches(*next));
      const auto day = floor<days>(*next);
      check(c->fires_on(day));
      auto first = c->first_on(day);
      check(first.has_value() && *first <= *next);
    }
  }
  return 0;
}
