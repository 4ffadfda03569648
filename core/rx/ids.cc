#include "core/rx/ids.h"

#include <charconv>

namespace cb::rx {

std::string format_number(std::string_view prefix, std::int64_t n, int width) {
  std::string digits = std::to_string(n);
  const auto w = static_cast<std::size_t>(width < 1 ? 1 : width);
  if (digits.size() < w) digits.insert(0, w - digits.size(), '0');
  return std::string(prefix) + digits;
}

std::int64_t parse_number(std::string_view prefix, std::string_view text) {
  if (!text.starts_with(prefix)) return 0;
  text.remove_prefix(prefix.size());
  if (text.empty()) return 0;
  std::int64_t n = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || ptr != text.data() + text.size() || n < 0) return 0;
  return n;
}

std::string item_key(std::string_view number, std::string_view variant) {
  std::string k(number);
  if (!variant.empty()) {
    k += '|';
    k += variant;
  }
  return k;
}

std::string serial_key(std::string_view item_no, std::string_view serial_no) {
  std::string k(item_no);
  k += '|';
  k += serial_no;
  return k;
}

std::string log_key(std::int64_t no) {
  std::string digits = std::to_string(no);
  if (digits.size() < 8) digits.insert(0, 8 - digits.size(), '0');
  return digits;
}

}  // namespace cb::rx
