// GET /metrics of the daemon is valid Prometheus text: the daemon's pipeline
// metrics, the ops families and the HTTP request metrics together (as `serve`
// wires them), and the daemon's own fallback text — no name, HELP, TYPE or
// series twice.

#include <gtest/gtest.h>

#include "pipeline/daemon/daemon_backend.h"
#include "pipeline/daemon/tests/daemon_test_util.h"
#include "pipeline/http/api.h"
#include "pipeline/http/auth.h"
#include "pipeline/metrics/pipeline_metrics.h"
#include "pipeline/metrics/store_gauges.h"
#include "pipeline/metrics/tests/exposition_check.h"
#include "pipeline/store/hash.h"

namespace cb::daemon {
namespace {

using namespace cb::daemon::testing;
using namespace std::chrono_literals;

constexpr const char* kAdminToken = "metrics-admin-token";

http::Authenticator admin_auth() {
  http::ApiToken t;
  t.name = "admin";
  t.role = http::Role::admin;
  t.sha256 = store::sha256_hex(kAdminToken);
  auto a = http::Authenticator::make({t});
  if (!a) ADD_FAILURE() << a.error().to_string();
  return *a;
}

std::string scrape(http::ApiHandler& api) {
  http::Request r;
  r.method = "GET";
  r.target = "/api/messages";
  r.headers["authorization"] = std::string("Bearer ") + kAdminToken;
  EXPECT_EQ(api.handle(r).status, 200u);  // so that request metrics have series
  r.target = "/metrics";
  auto out = api.handle(r);
  EXPECT_EQ(out.status, 200u) << out.body;
  return out.body;
}

/// Feeds one good and one bad message through the daemon.
void run_messages(Daemon& d, const fs::path& dir) {
  drop(dir / "inbox", "good.json", item_message(1));
  drop(dir / "inbox", "bad.json", "{ not json");
  ASSERT_TRUE(d.run_until_idle(10s));
}

TEST(MetricsExposition, ServeWiringIsValidPrometheusText) {
  const auto dir = scratch_dir("metrics");
  metrics::Registry registry;
  metrics::PipelineMetrics pm(registry);
  DaemonOptions o;
  o.config = parse_config(route_config(dir));
  o.metrics = &pm;
  auto opened = Daemon::open(std::move(o));
  ASSERT_TRUE(opened) << config::format_diagnostics(opened.error());
  auto& d = **opened;
  run_messages(d, dir);
  pm.job_run("retention", "succeeded", 0.2, 1'790'000'000);
  registry.add_collector([&] {
    auto ok = d.with_api_db([&](store::Database& db) { return metrics::refresh_store_gauges(db, pm); });
    EXPECT_TRUE(ok);
  });
  DaemonBackend backend(d);
  backend.set_metrics_source([&] { return registry.render(); });
  http::ApiHandler api(backend, admin_auth(), std::nullopt);
  const std::string text = scrape(api);
  const auto problems = metrics::testing::exposition_problems(text);
  EXPECT_TRUE(problems.empty()) << problems.front() << "\n" << text;
  // Every source is there.
  EXPECT_NE(text.find("carebridge_messages_total{route=\"master\",state=\"rejected\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("carebridge_messages_stored{route=\"master\",state=\"applied\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("carebridge_job_runs_total{job=\"retention\",state=\"succeeded\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("carebridge_http_requests_total{"), std::string::npos);
}

TEST(MetricsExposition, FallbackTextWithoutARegistryIsValidToo) {
  const auto dir = scratch_dir("metrics");
  DaemonOptions o;
  o.config = parse_config(route_config(dir));
  auto opened = Daemon::open(std::move(o));
  ASSERT_TRUE(opened) << config::format_diagnostics(opened.error());
  run_messages(**opened, dir);
  DaemonBackend backend(**opened);
  http::ApiHandler api(backend, admin_auth(), std::nullopt);
  const std::string text = scrape(api);
  const auto problems = metrics::testing::exposition_problems(text);
  EXPECT_TRUE(problems.empty()) << problems.front() << "\n" << text;
  EXPECT_NE(text.find("carebridge_deliveries_total 1"), std::string::npos) << text;
}

}  // namespace
}  // namespace cb::daemon
