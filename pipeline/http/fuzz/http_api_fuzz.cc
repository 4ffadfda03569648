// Fuzz target: arbitrary requests into the API handler (routing, percent
// decoding, query and JSON body parsing, roles, tenants) over the scripted
// FakeBackend. Input: line 1 "METHOD TARGET", line 2 the caller (a = admin,
// o = operator of north, v = viewer of north, s = operator of south, other =
// no token), line 3 an Idempotency-Key, the rest the body. Aborts on a crash or
// a broken invariant: no 5xx (the fake never fails), JSON responses parse, a
// viewer or anonymous caller never changes anything, and an anonymous caller
// only ever reaches the open routes.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "pipeline/http/api.h"
#include "pipeline/http/tests/fake_backend.h"

namespace {

std::string_view take_line(std::string_view& in) {
  const auto nl = in.find('\n');
  std::string_view line = in.substr(0, nl);
  in.remove_prefix(nl == std::string_view::npos ? in.size() : nl + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cb::http;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::string_view first = take_line(in);
  const auto sp = first.find(' ');
  Request r;
  r.method = std::string(first.substr(0, sp));
  r.target = sp == std::string_view::npos ? "/" : std::string(first.substr(sp + 1));
  const std::string_view who = take_line(in);
  const char c = who.empty() ? '-' : who.front();
  const char* token = c == 'a' ? "A" : c == 'o' ? "O" : c == 'v' ? "V" : c == 's' ? "S" : nullptr;
  if (token) r.headers["authorization"] = std::string("Bearer ") + token;
  r.headers["idempotency-key"] = std::string(take_line(in));
  r.body = std::string(in);

  cb::http::testing::FakeBackend backend;
  auto auth = Authenticator::make({{"a", Role::admin, "", hash_token("A")},
                                   {"o", Role::operator_, "north", hash_token("O")},
                                   {"v", Role::viewer, "north", hash_token("V")},
                                   {"s", Role::operator_, "south", hash_token("S")}});
  if (!auth) std::abort();
  ApiHandler handler(backend, std::move(*auth), std::nullopt);
  const Response res = handler.handle(r);

  if (res.status < 200 || res.status >= 500) std::abort();
  if (res.content_type == "application/json" &&
      nlohmann::json::parse(res.body, nullptr, false).is_discarded()) {
    std::abort();
  }
  const bool weak = c != 'a' && c != 'o' && c != 's';
  if (weak && (!backend.uploads.empty() || !backend.reprocesses.empty() || !backend.jobs.empty())) {
    std::abort();
  }
  if (!token && res.status < 300 && !backend.views.empty()) std::abort();
  for (const auto& u : backend.uploads) {
    if (!is_safe_file_name(u.file_name)) std::abort();
  }
  return 0;
}
