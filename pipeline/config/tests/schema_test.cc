// The schema helper on its own, used the way an adapter will validate the
// options a route passes it.
#include "pipeline/config/schema.h"

#include <gtest/gtest.h>

#include "pipeline/config/config.h"

namespace cb::config {
namespace {

enum class Encoding : std::uint8_t { utf8, latin1 };

struct WebsesamOptions {
  Encoding encoding = Encoding::utf8;
  std::int64_t max_lines = 100000;
  bool strict = false;
  double tolerance = 0.01;
  std::optional<std::string> valid_from;
  std::string prefix;
};

Schema<WebsesamOptions> websesam_schema() {
  Schema<WebsesamOptions> s("options of adapter 'websesam'");
  s.choice("encoding", &WebsesamOptions::encoding,
           {{"utf-8", Encoding::utf8}, {"latin-1", Encoding::latin1}}, "input encoding");
  s.integer("max_lines", &WebsesamOptions::max_lines, 1, 1000000, "largest file accepted");
  s.boolean("strict", &WebsesamOptions::strict, "reject unknown columns");
  s.number("tolerance", &WebsesamOptions::tolerance, "rounding tolerance");
  s.date("valid_from", &WebsesamOptions::valid_from, "first order date taken");
  s.text("prefix", &WebsesamOptions::prefix, "order number prefix")
      .required()
      .rule("upper-case", [](const Scalar& v) -> std::optional<std::string> {
        for (char c : std::get<std::string>(v))
          if (c < 'A' || c > 'Z') return "'" + std::get<std::string>(v) + "' is not upper-case";
        return std::nullopt;
      });
  return s;
}

const RouteConfig& only_route(const cb::Expected<Config, Diagnostics>& c) {
  EXPECT_TRUE(c) << (c ? "" : format_diagnostics(c.error()));
  return c->routes.at(0);
}

TEST(Schema, AdapterOptionsFromARoute) {
  auto c = load_config_text(R"([[routes]]
name = "orders"
adapter = "websesam"
match = { folder = "in" }
[routes.options]
encoding = "latin-1"
max_lines = 500
strict = true
tolerance = 1
valid_from = 2026-01-01
prefix = "WS"
)",
                            "routes.toml");
  const auto& route = only_route(c);
  WebsesamOptions o;
  Reporter r("routes.toml", kAdapterOptionCodes);
  websesam_schema().apply(route.options, o, r, route.where.of("options"));
  EXPECT_TRUE(r.diagnostics().empty()) << format_diagnostics(r.diagnostics());
  EXPECT_EQ(o.encoding, Encoding::latin1);
  EXPECT_EQ(o.max_lines, 500);
  EXPECT_TRUE(o.strict);
  EXPECT_DOUBLE_EQ(o.tolerance, 1.0);
  EXPECT_EQ(o.valid_from, "2026-01-01");  // a TOML date arrives as "YYYY-MM-DD"
  EXPECT_EQ(o.prefix, "WS");
}

TEST(Schema, AdapterOptionErrorsPointAtTheRouteLines) {
  auto c = load_config_text(R"([[routes]]
name = "orders"
adapter = "websesam"
match = { folder = "in" }
[routes.options]
encoding = "ebcdic"
max_lines = "many"
strikt = true
valid_from = "2026-02-30"
)",
                            "routes.toml");
  const auto& route = only_route(c);
  WebsesamOptions o;
  Reporter r("routes.toml", kAdapterOptionCodes);
  websesam_schema().apply(route.options, o, r, route.where.of("options"));
  auto ds = r.take();
  ASSERT_EQ(ds.size(), 5u) << format_diagnostics(ds);
  EXPECT_EQ(ds[0].code, DiagCode::AdapterOptionBad);  // prefix missing: options table, line 5
  EXPECT_EQ(ds[0].where.line, 5u);
  EXPECT_EQ(ds[1].code, DiagCode::AdapterOptionBad);  // encoding
  EXPECT_EQ(ds[1].where.line, 6u);
  EXPECT_EQ(ds[2].code, DiagCode::AdapterOptionBad);  // max_lines type
  EXPECT_EQ(ds[2].where.line, 7u);
  EXPECT_EQ(ds[3].code, DiagCode::AdapterOptionUnknown);
  EXPECT_EQ(ds[3].where.line, 8u);
  EXPECT_EQ(ds[3].hint, "did you mean 'strict'?");
  EXPECT_EQ(ds[4].code, DiagCode::AdapterOptionBad);  // impossible date
  EXPECT_EQ(ds[4].where.line, 9u);
  EXPECT_EQ(o.encoding, Encoding::utf8);  // bad values leave the default
}

TEST(Schema, DescribeShowsDefaultsFromTheStruct) {
  std::vector<SchemaRow> rows;
  websesam_schema().describe(rows);
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[0].default_value, "\"utf-8\"");
  EXPECT_EQ(rows[1].default_value, "100000");
  EXPECT_EQ(rows[1].type, "integer 1..1000000");
  EXPECT_EQ(rows[2].default_value, "false");
  EXPECT_EQ(rows[3].default_value, "0.01");
  EXPECT_EQ(rows[4].default_value, "");
  EXPECT_TRUE(rows[5].required);
  EXPECT_EQ(rows[5].type, "string (upper-case)");
}

TEST(Schema, IsIsoDate) {
  EXPECT_TRUE(is_iso_date("2026-01-31"));
  EXPECT_TRUE(is_iso_date("2000-02-29"));
  EXPECT_TRUE(is_iso_date("2024-02-29"));
  EXPECT_FALSE(is_iso_date("1900-02-29"));
  EXPECT_FALSE(is_iso_date("2025-02-29"));
  EXPECT_FALSE(is_iso_date("2026-04-31"));
  EXPECT_FALSE(is_iso_date("2026-01-3"));
  EXPECT_FALSE(is_iso_date("2026/01/31"));
  EXPECT_FALSE(is_iso_date("2026-01-31T00:00"));
  EXPECT_FALSE(is_iso_date(""));
}

TEST(Schema, ClosestKey) {
  EXPECT_EQ(closest_key("bakend", {"backend", "path"}), "backend");
  EXPECT_EQ(closest_key("prot", {"port", "listen"}), "port");
  EXPECT_EQ(closest_key("zzzzzz", {"port", "listen"}), "");
}

}  // namespace
}  // namespace cb::config
