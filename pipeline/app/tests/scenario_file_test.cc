// The scenario file parser: steps with dates and lines, and every malformed
// file reported with file and line.

#include "pipeline/app/scenario_file.h"

#include <gtest/gtest.h>

namespace cb::app {
namespace {

constexpr std::string_view kGood = R"(# a scenario
[scenario]
name = "purchase"
start = 2026-03-02
data = ["base.json", "contracts.json"]

[[step]]
on = 2026-03-02
do = "release"
case = "C1"

[[step]]
do = "expect"
what = "delivery-blocked"
value = true

[[step]]
on = "2026-03-10"
do = "run-job"
job = "call-off"
dates = [2026-03-10, "2026-04-01"]
)";

TEST(ScenarioFile, ParsesStepsWithDatesAndLines) {
  auto sc = parse_scenario(kGood, "dir/s.toml");
  ASSERT_TRUE(sc) << sc.error().front().to_string();
  EXPECT_EQ(sc->name, "purchase");
  EXPECT_EQ(sc->start.to_string(), "2026-03-02");
  ASSERT_EQ(sc->data.size(), 2U);
  EXPECT_EQ(sc->data[1].path, "dir/contracts.json");
  EXPECT_EQ(sc->data[1].line, 5U);
  ASSERT_EQ(sc->steps.size(), 3U);
  EXPECT_EQ(sc->steps[0].line, 7U);
  EXPECT_EQ(sc->steps[0].action, "release");
  EXPECT_EQ(sc->steps[1].date.to_string(), "2026-03-02");  // inherited
  EXPECT_EQ(sc->steps[2].date.to_string(), "2026-03-10");

  auto a = sc->steps[2].arguments(sc->file);
  EXPECT_EQ(a.str("job", true), "call-off");
  auto dates = a.date_list("dates");
  ASSERT_TRUE(dates);
  EXPECT_EQ((*dates)[1].to_string(), "2026-04-01");
  a.finish();
  EXPECT_TRUE(a.diagnostics().empty());
}

TEST(ScenarioFile, UnknownArgumentNamesItsLine) {
  auto sc = parse_scenario(kGood, "s.toml");
  ASSERT_TRUE(sc);
  auto a = sc->steps[0].arguments(sc->file);
  EXPECT_EQ(a.str("case"), "C1");
  a.finish();
  EXPECT_TRUE(a.diagnostics().empty());
  auto b = sc->steps[1].arguments(sc->file);
  b.str("what");  // 'value' never read
  b.finish();
  ASSERT_EQ(b.diagnostics().size(), 1U);
  EXPECT_EQ(b.diagnostics()[0].code, DiagCode::ScenarioUnknownKey);
  EXPECT_EQ(b.diagnostics()[0].where.line, 15U);
  EXPECT_NE(b.diagnostics()[0].to_string().find("s.toml:15"), std::string::npos);
}

TEST(ScenarioFile, SyntaxErrorHasFileAndLine) {
  auto sc = parse_scenario("[scenario]\nname = \"x\"\nstart = 2026-03-02\n[[step]\n", "bad.toml");
  ASSERT_FALSE(sc);
  EXPECT_EQ(sc.error().front().code, DiagCode::ScenarioSyntax);
  EXPECT_EQ(sc.error().front().where.file, "bad.toml");
  EXPECT_EQ(sc.error().front().where.line, 4U);
}

TEST(ScenarioFile, StructuralProblemsAllReported) {
  auto sc = parse_scenario(R"([scenario]
name = "x"
start = "2026-02-30"
colour = "red"

[[step]]
on = 2026-03-05
do = "release"

[[step]]
on = 2026-03-01
)",
                           "s.toml");
  ASSERT_FALSE(sc);
  std::vector<std::pair<std::string, std::uint32_t>> got;
  for (const auto& d : sc.error()) got.emplace_back(std::string(code_id(d.code)), d.where.line);
  const std::vector<std::pair<std::string, std::uint32_t>> want = {
      {"SCN004", 3}, {"SCN002", 4}, {"SCN009", 11}, {"SCN003", 10}};
  EXPECT_EQ(got, want);
}

TEST(ScenarioFile, MissingFileIsScn008) {
  auto sc = load_scenario("/nonexistent/scenario.toml");
  ASSERT_FALSE(sc);
  EXPECT_EQ(sc.error().front().code, DiagCode::ScenarioUnreadable);
}

}  // namespace
}  // namespace cb::app
