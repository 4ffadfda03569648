#pragma once
// The store's one timestamp format: UTC, millisecond precision, fixed width,
// "2026-01-31T09:30:00.000Z" (24 characters), so that comparing the text
// compares the instants (next_attempt_at <= ?1). Tables check the shape.
// The store never reads the clock; callers inject one.

#include <chrono>
#include <string>
#include <string_view>

namespace cb::store {

using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

/// "YYYY-MM-DDTHH:MM:SS.mmmZ" for years 0000..9999.
std::string format_timestamp(Timestamp t);

/// True when the text has exactly the shape format_timestamp produces.
bool is_timestamp(std::string_view text);

}  // namespace cb::store
