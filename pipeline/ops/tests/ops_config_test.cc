// The ops blocks of the configuration: [[jobs]], [[retention]], [health].
#include <gtest/gtest.h>

#include "pipeline/config/config.h"

namespace cb::config {
namespace {

constexpr std::string_view kRoutes = R"(
[[routes]]
name = "dta"
adapter = "canonical-json"
match = { folder = "in/dta" }
)";

Diagnostics problems(std::string_view text) {
  auto c = load_config_text(std::string(kRoutes) + std::string(text), "ops.toml");
  EXPECT_FALSE(c) << "expected problems";
  return c ? Diagnostics{} : c.error();
}

TEST(OpsConfig, ReadsJobsRetentionAndHealth) {
  auto c = load_config_text(std::string(kRoutes) + R"(
[[jobs]]
name = "nightly-retention"
job = "retention"
schedule = "0 3 * * *"
filter = "dta"
catch_up_days = 2

[[jobs]]
name = "monthly"
job = "noop"
schedule = "@monthly"
enabled = false

[[retention]]
route = "dta"
body_days = 30
archive_dir = "archive"
metadata_days = 400

[[retention]]
route = "*"
body_days = 90

[health]
min_free_disk_mb = 2048
)",
                            "ops.toml");
  ASSERT_TRUE(c) << format_diagnostics(c.error());
  ASSERT_EQ(c->jobs.size(), 2u);
  EXPECT_EQ(c->jobs[0].schedule, "0 3 * * *");
  EXPECT_EQ(c->jobs[0].filter, "dta");
  EXPECT_EQ(c->jobs[0].catch_up_days, 2);
  EXPECT_TRUE(c->jobs[0].enabled);
  EXPECT_FALSE(c->jobs[1].enabled);
  ASSERT_EQ(c->retention.size(), 2u);
  EXPECT_EQ(c->retention[0].body_days, 30);
  EXPECT_EQ(c->retention[0].metadata_days, 400);
  EXPECT_EQ(c->retention[0].archive_dir, std::filesystem::path("archive"));
  EXPECT_EQ(c->retention[1].route, "*");
  EXPECT_EQ(c->health.min_free_disk_mb, 2048);
  EXPECT_EQ(c->health.scheduler_max_tick_age_seconds, 300);
}

TEST(OpsConfig, ABadCronScheduleIsRefusedWithLineAndReason) {
  auto ds = problems(R"(
[[jobs]]
name = "n"
job = "noop"
schedule = "0 25 * * *"
)");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].code, DiagCode::ConfigBadValue);
  EXPECT_EQ(ds[0].where.line, 10u);
  EXPECT_NE(ds[0].message.find("hour 25 is outside 0..23 (at column 3)"), std::string::npos)
      << ds[0].message;
}

TEST(OpsConfig, JobEntriesNeedUniqueNamesAndKnownTenants) {
  auto ds = problems(R"(
[[jobs]]
name = "n"
job = "noop"
schedule = "0 2 * * *"
tenant = "nobody"

[[jobs]]
name = "n"
job = "noop"
schedule = "0 2 * * *"
)");
  ASSERT_EQ(ds.size(), 2u);
  EXPECT_EQ(ds[0].code, DiagCode::ConfigBadReference);
  EXPECT_EQ(ds[0].where.line, 11u);
  EXPECT_EQ(ds[1].code, DiagCode::ConfigDuplicate);
  EXPECT_EQ(ds[1].where.line, 14u);
  EXPECT_NE(ds[1].message.find("first at line 8"), std::string::npos) << ds[1].message;
}

TEST(OpsConfig, MissingJobKeysAreNamed) {
  auto ds = problems(R"(
[[jobs]]
name = "n"
)");
  ASSERT_EQ(ds.size(), 2u);
  EXPECT_EQ(ds[0].code, DiagCode::ConfigMissingKey);
  EXPECT_NE(ds[0].message.find("'job'"), std::string::npos);
  EXPECT_NE(ds[1].message.find("'schedule'"), std::string::npos);
}

TEST(OpsConfig, RetentionRulesAreChecked) {
  auto ds = problems(R"(
[[retention]]
route = "unknown"
body_days = 30

[[retention]]
route = "dta"

[[retention]]
route = "*"
body_days = 30
metadata_days = 10

[[retention]]
route = "dta"
metadata_days = 10
archive_dir = "arch"

[[retention]]
route = "*"
body_days = 0
)");
  std::vector<std::pair<std::string, std::uint32_t>> got;
  for (const auto& d : ds) got.emplace_back(std::string(code_id(d.code)), d.where.line);
  EXPECT_EQ(got, (std::vector<std::pair<std::string, std::uint32_t>>{
                     {"CFG008", 8},    // unknown route
                     {"CFG005", 12},   // neither body_days nor metadata_days
                     {"CFG009", 17},   // metadata shorter than bodies
                     {"CFG007", 20},   // dta twice
                     {"CFG009", 22},   // archive without body_days
                     {"CFG007", 25},   // * twice
                     {"CFG004", 26},   // body_days 0
                 }))
      << format_diagnostics(ds);
}

}  // namespace
}  // namespace cb::config
