// Fuzz target over the poller's readers of remote bytes: the SFTP directory
// listing and the HTTP index (a JSON array of URLs). The first byte picks the
// reader; neither may crash, and every entry they return must be usable.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "pipeline/daemon/remote_source.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    for (const auto& e : cb::daemon::parse_sftp_listing(text, "sftp://h/in/", "/in/")) {
      if (e.name.empty() || e.name.find('/') != std::string::npos) std::abort();
      if (e.path != "/in/" + e.name) std::abort();
    }
  } else {
    auto entries = cb::daemon::parse_url_index(text, "https://h.example/api/index");
    if (entries) {
      for (const auto& e : *entries) {
        if (!e.url.starts_with("http://") && !e.url.starts_with("https://")) std::abort();
      }
    }
  }
  return 0;
}
