// The OpenAPI document describes every route the server handles, and nothing
// it does not; the server serves the embedded copy.

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <set>

#include "pipeline/http/api.h"
#include "pipeline/http/embedded.h"
#include "pipeline/http/tests/server_fixture.h"

namespace cb::http::testing {
namespace {

using nlohmann::json;

json document() {
  const EmbeddedFile* f = find_embedded("openapi.json");
  EXPECT_NE(f, nullptr);
  return json::parse(f ? f->bytes : std::string_view("{}"));
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

TEST(OpenApi, EveryRouteIsDocumented) {
  const json doc = document();
  EXPECT_EQ(doc["openapi"].get<std::string>().substr(0, 2), "3.");
  ASSERT_GE(ApiHandler::routes().size(), 15u);
  for (const auto& r : ApiHandler::routes()) {
    ASSERT_TRUE(doc["paths"].contains(r.pattern)) << r.pattern << " is not in openapi.json";
    EXPECT_TRUE(doc["paths"][r.pattern].contains(lower(r.method)))
        << r.method << " " << r.pattern << " is not in openapi.json";
    const json& op = doc["paths"][r.pattern][lower(r.method)];
    EXPECT_TRUE(op.contains("responses")) << r.pattern;
    // Open routes say so (security: []); the others inherit the bearer scheme.
    const bool open = op.contains("security") && op["security"].empty();
    EXPECT_EQ(open, r.access == Access::open) << r.method << " " << r.pattern;
  }
}

TEST(OpenApi, DocumentsNoRouteTheServerLacks) {
  std::set<std::pair<std::string, std::string>> served;
  for (const auto& r : ApiHandler::routes()) served.emplace(lower(r.method), r.pattern);
  const json doc = document();
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      EXPECT_TRUE(served.contains({method, path})) << method << " " << path << " is not served";
    }
  }
}

TEST(OpenApi, SchemaReferencesResolve) {
  const json doc = document();
  std::function<void(const json&)> walk = [&](const json& j) {
    if (j.is_object()) {
      for (const auto& [k, v] : j.items()) {
        if (k == "$ref") {
          const std::string ref = v.get<std::string>();
          const std::string prefix = "#/components/schemas/";
          ASSERT_EQ(ref.rfind(prefix, 0), 0u) << ref;
          EXPECT_TRUE(doc["components"]["schemas"].contains(ref.substr(prefix.size()))) << ref;
        } else {
          walk(v);
        }
      }
    } else if (j.is_array()) {
      for (const auto& v : j) walk(v);
    }
  };
  walk(doc);
}

TEST_F(ServerTest, ServesTheOpenApiDocumentWithoutToken) {
  auto r = call("GET", "/api/openapi.json");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(json::parse(r.body), document());
}

}  // namespace
}  // namespace cb::http::testing
