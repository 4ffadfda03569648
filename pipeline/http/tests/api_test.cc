// Every route of the API through a real socket on port 0, with the fake Backend:
// status codes, roles, tenants, JSON shapes and what reached the Backend.

#include <gtest/gtest.h>

#include <future>
#include <nlohmann/json.hpp>

#include "pipeline/http/api.h"
#include "pipeline/http/tests/server_fixture.h"

namespace cb::http::testing {
namespace {

using nlohmann::json;

json parse(const Reply& r) { return json::parse(r.body); }

std::string error_code(const Reply& r) { return parse(r)["error"]["code"].get<std::string>(); }

TEST_F(ServerTest, HealthAndReadinessNeedNoToken) {
  auto h = call("GET", "/healthz");
  EXPECT_EQ(h.status, 200u);
  EXPECT_TRUE(parse(h)["live"].get<bool>());
  auto r = call("GET", "/readyz");
  EXPECT_EQ(r.status, 200u);
  backend_.set_health({.live = true, .ready = false,
                       .problems = {"output folder out/ is read-only"}});
  r = call("GET", "/readyz");
  EXPECT_EQ(r.status, 503u);
  EXPECT_EQ(parse(r)["problems"][0], "output folder out/ is read-only");
  EXPECT_EQ(call("GET", "/healthz").status, 200u);
}

TEST_F(ServerTest, RequestWithoutTokenIs401) {
  for (const auto& [m, t] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/api/messages"}, {"GET", "/api/messages/1"}, {"POST", "/api/messages/1/reprocess"},
           {"GET", "/api/jobs/runs"}, {"GET", "/metrics"}, {"GET", "/api/cases/C-1"}}) {
    auto r = call(m, t);
    EXPECT_EQ(r.status, 401u) << m << " " << t;
    EXPECT_EQ(error_code(r), "API004");
    EXPECT_EQ(r.headers["WWW-Authenticate"].rfind("Bearer", 0), 0u);
  }
  EXPECT_EQ(call("GET", "/api/messages", "not-a-token").status, 401u);
  EXPECT_TRUE(backend_.reprocesses.empty());
}

TEST_F(ServerTest, WhoamiRoutesAndFlowStats) {
  auto w = parse(call("GET", "/api/whoami", kViewNorth));
  EXPECT_EQ(w["name"], "view-north");
  EXPECT_EQ(w["role"], "viewer");
  EXPECT_EQ(w["tenant"], "north");
  EXPECT_EQ(parse(call("GET", "/api/routes", kViewNorth))["routes"], json({"plans-in"}));
  auto f = call("GET", "/api/stats/flow?hours=6&bucket_seconds=600", kViewNorth);
  ASSERT_EQ(f.status, 200u);
  auto fj = parse(f);
  ASSERT_EQ(fj["by_route_state"].size(), 1u);  // only the north message
  EXPECT_EQ(fj["by_route_state"][0]["state"], "rejected");
  EXPECT_EQ(fj["over_time"].size(), 3u);
  EXPECT_EQ(fj["bucket_seconds"], 600);
  EXPECT_EQ(call("GET", "/api/stats/flow?hours=0", kViewNorth).status, 400u);
  EXPECT_EQ(call("GET", "/api/stats/flow?tenant=south", kViewNorth).status, 403u);
}

TEST_F(ServerTest, ListMessagesIsScopedToTheTokensTenant) {
  auto r = call("GET", "/api/messages", kViewNorth);
  ASSERT_EQ(r.status, 200u);
  auto j = parse(r);
  ASSERT_EQ(j["messages"].size(), 1u);
  EXPECT_EQ(j["messages"][0]["id"], 1);
  EXPECT_EQ(j["messages"][0]["state"], "rejected");
  EXPECT_EQ(backend_.last_filter.tenant, "north");

  auto all = parse(call("GET", "/api/messages", kAdmin));
  EXPECT_EQ(all["messages"].size(), 2u);
  EXPECT_EQ(backend_.last_filter.tenant, "");
  auto south = parse(call("GET", "/api/messages?tenant=south", kAdmin));
  ASSERT_EQ(south["messages"].size(), 1u);
  EXPECT_EQ(south["messages"][0]["id"], 2);
}

TEST_F(ServerTest, ListingAnotherTenantIs403) {
  auto r = call("GET", "/api/messages?tenant=south", kViewNorth);
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(error_code(r), "API005");
  EXPECT_EQ(call("GET", "/api/jobs/runs?tenant=south", kOpNorth).status, 403u);
  EXPECT_EQ(call("GET", "/api/messages?tenant=north", kViewNorth).status, 200u);
}

TEST_F(ServerTest, ListFiltersAndPagingReachTheBackend) {
  auto r = call("GET",
                "/api/messages?route=plans-in&state=rejected&direction=in&text=PLAN%2D0001+x"
                "&since=2026-01-01T00:00:00Z&until=2026-02-01T00:00:00Z&before_id=50&limit=1",
                kViewNorth);
  ASSERT_EQ(r.status, 200u) << r.body;
  const auto& f = backend_.last_filter;
  EXPECT_EQ(f.route, "plans-in");
  EXPECT_EQ(f.state, "rejected");
  EXPECT_EQ(f.direction, "in");
  EXPECT_EQ(f.text, "PLAN-0001 x");
  EXPECT_EQ(f.since, "2026-01-01T00:00:00Z");
  EXPECT_EQ(f.until, "2026-02-01T00:00:00Z");
  EXPECT_EQ(f.before_id, 50);
  EXPECT_EQ(f.limit, 1);
  EXPECT_EQ(parse(r)["next_before_id"], 1);  // a full page: there may be more
  EXPECT_EQ(call("GET", "/api/messages?limit=0", kViewNorth).status, 400u);
  EXPECT_EQ(call("GET", "/api/messages?limit=abc", kViewNorth).status, 400u);
  EXPECT_EQ(call("GET", "/api/messages?direction=sideways", kViewNorth).status, 400u);
  EXPECT_EQ(call("GET", "/api/messages?text=%zz", kViewNorth).status, 400u);
}

TEST_F(ServerTest, ShowMessageWithBytesDiagnosticsAndEvents) {
  auto r = call("GET", "/api/messages/1", kViewNorth);
  ASSERT_EQ(r.status, 200u);
  auto j = parse(r);
  EXPECT_EQ(j["body"], "{\"kind\":\"pl\"}\n");
  EXPECT_EQ(j["content_hash"], "ab12");
  ASSERT_EQ(j["diagnostics"].size(), 1u);
  EXPECT_EQ(j["diagnostics"][0]["code"], "JSN005");
  EXPECT_EQ(j["diagnostics"][0]["location"], "plan-0001.json:1:10");
  ASSERT_EQ(j["events"].size(), 2u);
  EXPECT_EQ(j["events"][1]["to_state"], "rejected");
  // Binary bytes: no text, but base64.
  auto b = parse(call("GET", "/api/messages/2", kAdmin));
  EXPECT_TRUE(b["body"].is_null());
  EXPECT_EQ(b["body_base64"], "/wAB");
  EXPECT_EQ(call("GET", "/api/messages/abc", kAdmin).status, 400u);
  EXPECT_EQ(call("GET", "/api/messages/99", kAdmin).status, 404u);
}

TEST_F(ServerTest, AnotherTenantsMessageIs404NotForbidden) {
  auto r = call("GET", "/api/messages/2", kViewNorth);  // exists, in "south"
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(error_code(r), "API006");
  // The same answer as for a message that does not exist at all.
  auto missing = call("GET", "/api/messages/99", kViewNorth);
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(missing.body, r.body);
  EXPECT_EQ(call("GET", "/api/messages/1?tenant=south", kViewNorth).status, 404u);
  EXPECT_EQ(call("POST", "/api/messages/1/reprocess", kOpSouth).status, 404u);
  EXPECT_TRUE(backend_.reprocesses.empty());
}

TEST_F(ServerTest, ViewerCannotReprocessUploadOrRunJobs) {
  auto r = call("POST", "/api/messages/1/reprocess", kViewNorth);
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(error_code(r), "API005");
  EXPECT_EQ(call("POST", "/api/messages/reprocess", kViewNorth, R"({"ids":[1]})").status, 403u);
  EXPECT_EQ(call("POST", "/api/messages?channel=plans&file_name=a.json", kViewNorth, "{}").status,
            403u);
  EXPECT_EQ(call("POST", "/api/jobs/plan-update/run", kViewNorth).status, 403u);
  EXPECT_TRUE(backend_.reprocesses.empty());
  EXPECT_TRUE(backend_.uploads.empty());
  EXPECT_TRUE(backend_.jobs.empty());
  // Only an admin reads /metrics.
  EXPECT_EQ(call("GET", "/metrics", kOpNorth).status, 403u);
}

TEST_F(ServerTest, ReprocessOneMessageIsAuditedAndDelivers) {
  auto r = call("POST", "/api/messages/1/reprocess", kOpNorth,
                R"({"reason":"kind fixed in master data","destination":"out/retry"})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(parse(r)["requeued"], json({1}));
  ASSERT_EQ(backend_.reprocesses.size(), 1u);
  const auto& rq = backend_.reprocesses[0];
  EXPECT_EQ(rq.tenant, "north");
  EXPECT_EQ(rq.ids, std::vector<std::int64_t>{1});
  EXPECT_EQ(rq.actor, "token:op-north");
  EXPECT_EQ(rq.reason, "kind fixed in master data");
  EXPECT_EQ(rq.destination, "out/retry");
  EXPECT_EQ(parse(call("GET", "/api/messages/1", kViewNorth))["state"], "delivered");
  EXPECT_EQ(call("POST", "/api/messages/1/reprocess", kOpNorth, "not json").status, 400u);
}

TEST_F(ServerTest, ReprocessByFilter) {
  auto empty = call("POST", "/api/messages/reprocess", kAdmin, "{}");
  EXPECT_EQ(empty.status, 400u);  // everything at once is refused
  auto r = call("POST", "/api/messages/reprocess", kAdmin,
                R"({"filter":{"state":"dead","route":"dta-out"},"reason":"destination back"})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(parse(r)["refused"]["2"], "fake backend refuses");
  ASSERT_EQ(backend_.reprocesses.size(), 1u);
  EXPECT_EQ(backend_.reprocesses[0].filter.state, "dead");
  EXPECT_EQ(backend_.reprocesses[0].filter.route, "dta-out");
  EXPECT_EQ(backend_.reprocesses[0].actor, "token:root");
  // A tenant operator's filter stays in its tenant; naming another is refused.
  EXPECT_EQ(call("POST", "/api/messages/reprocess", kOpNorth,
                 R"({"tenant":"south","filter":{"state":"dead"}})").status,
            403u);
  auto own = call("POST", "/api/messages/reprocess", kOpNorth, R"({"filter":{"state":"rejected"}})");
  ASSERT_EQ(own.status, 200u);
  EXPECT_EQ(backend_.reprocesses.back().tenant, "north");
  EXPECT_EQ(backend_.reprocesses.back().filter.tenant, "north");
  EXPECT_EQ(call("POST", "/api/messages/reprocess", kAdmin, R"({"ids":["x"]})").status, 400u);
}

TEST_F(ServerTest, UploadStoresWithChannelNameAndIdempotencyKey) {
  auto r = call("POST", "/api/messages?channel=plans&file_name=plan%201.json", kOpNorth,
                "{\"kind\":\"plan\"}", {{"Idempotency-Key", "k-1"}});
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(parse(r)["id"], 100);
  EXPECT_EQ(r.headers["Location"], "/api/messages/100");
  ASSERT_EQ(backend_.uploads.size(), 1u);
  const auto& u = backend_.uploads[0];
  EXPECT_EQ(u.tenant, "north");
  EXPECT_EQ(u.channel, "plans");
  EXPECT_EQ(u.file_name, "plan 1.json");
  EXPECT_EQ(u.bytes, "{\"kind\":\"plan\"}");
  EXPECT_EQ(u.actor, "token:op-north");
  EXPECT_EQ(u.idempotency_key, "k-1");
  auto again = call("POST", "/api/messages?channel=plans&file_name=plan%201.json", kOpNorth,
                    "{\"kind\":\"plan\"}", {{"Idempotency-Key", "k-1"}});
  EXPECT_EQ(again.status, 200u);
  EXPECT_TRUE(parse(again)["duplicate"].get<bool>());
  EXPECT_EQ(call("POST", "/api/messages?file_name=a.json", kOpNorth, "x").status, 400u);
}

TEST_F(ServerTest, PathTraversalInUploadNameIsRefused) {
  for (const char* name : {"..%2F..%2Fetc%2Fpasswd", "a%2Fb.json", "..", "a%5Cb", "%2Fabs",
                           "x%00y", "C%3A%5Cwin", ""}) {
    auto r = call("POST", std::string("/api/messages?channel=plans&file_name=") + name, kOpNorth,
                  "data");
    EXPECT_EQ(r.status, 400u) << name;
    EXPECT_EQ(error_code(r), "API008") << name;
  }
  EXPECT_TRUE(backend_.uploads.empty());
}

TEST_F(ServerTest, JobsRunAndList) {
  auto r = call("POST", "/api/jobs/plan-update/run", kOpNorth,
                R"({"working_date":"2026-02-01","filter":"route=plans-in"})");
  ASSERT_EQ(r.status, 200u) << r.body;
  auto j = parse(r);
  EXPECT_EQ(j["job"], "plan-update");
  EXPECT_EQ(j["counts"]["plans"], 3);
  ASSERT_EQ(backend_.jobs.size(), 1u);
  EXPECT_EQ(backend_.jobs[0].tenant, "north");
  EXPECT_EQ(backend_.jobs[0].working_date, "2026-02-01");
  EXPECT_EQ(backend_.jobs[0].filter, "route=plans-in");
  EXPECT_EQ(backend_.jobs[0].actor, "token:op-north");
  auto runs = parse(call("GET", "/api/jobs/runs?limit=5", kViewNorth));
  ASSERT_EQ(runs["runs"].size(), 1u);
  EXPECT_EQ(runs["runs"][0]["id"], 7);
  EXPECT_EQ(call("POST", "/api/jobs/Bad%20Job/run", kOpNorth).status, 400u);
}

TEST_F(ServerTest, ReadViewsGoThroughTheBackendInTheTenant) {
  auto c = call("GET", "/api/cases/C-1", kViewNorth);
  ASSERT_EQ(c.status, 200u);
  EXPECT_EQ(parse(c)["case"], "C-1");
  EXPECT_EQ(backend_.views.back(), "north|case|C-1");
  EXPECT_EQ(call("GET", "/api/cases/C-1", kOpSouth).status, 404u);
  EXPECT_EQ(backend_.views.back(), "south|case|C-1");
  EXPECT_EQ(call("GET", "/api/plans/P-1", kViewNorth).status, 404u);
  EXPECT_EQ(backend_.views.back(), "north|plan|P-1");
  EXPECT_EQ(call("GET", "/api/invoices/R-1", kViewNorth).status, 404u);
  EXPECT_EQ(backend_.views.back(), "north|invoice|R-1");
  EXPECT_EQ(call("GET", "/api/log", kViewNorth).status, 200u);
  EXPECT_EQ(backend_.views.back(), "north|log|");
  EXPECT_EQ(call("GET", "/api/log?tenant=south", kViewNorth).status, 403u);
}

TEST_F(ServerTest, MetricsHaveBackendAndRequestSeries) {
  call("GET", "/api/messages/1", kViewNorth);
  call("GET", "/api/messages/2", kViewNorth);
  auto r = call("GET", "/metrics", kAdmin);
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.headers["Content-Type"].rfind("text/plain", 0), 0u);
  EXPECT_NE(r.body.find("carebridge_messages_stored{route=\"plans-in\",state=\"rejected\"} 1"),
            std::string::npos);
  EXPECT_NE(r.body.find("carebridge_http_requests_total{route=\"/api/messages/{id}\",method=\"GET\","
                        "status=\"200\"} 1"),
            std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("carebridge_http_requests_total{route=\"/api/messages/{id}\",method=\"GET\","
                        "status=\"404\"} 1"),
            std::string::npos);
  EXPECT_NE(r.body.find("carebridge_http_request_duration_seconds_count{route=\"/api/messages/{id}\","
                        "method=\"GET\"} 2"),
            std::string::npos);
  EXPECT_NE(r.body.find("le=\"+Inf\"} 2"), std::string::npos);
  // A raw path (with an id) never becomes a label.
  EXPECT_EQ(r.body.find("/api/messages/1\""), std::string::npos);
}

TEST_F(ServerTest, UnknownRoutesMethodsAndStaticFiles) {
  EXPECT_EQ(call("GET", "/api/nothing", kAdmin).status, 404u);
  EXPECT_EQ(call("DELETE", "/api/messages/1", kAdmin).status, 405u);
  auto index = call("GET", "/");
  EXPECT_EQ(index.status, 200u);
  EXPECT_EQ(index.headers["Content-Type"].rfind("text/html", 0), 0u);
  EXPECT_NE(index.headers["Content-Security-Policy"].find("default-src 'self'"), std::string::npos);
  EXPECT_EQ(call("GET", "/app.js").status, 200u);
  EXPECT_EQ(call("GET", "/../CMakeLists.txt").status, 404u);
  EXPECT_EQ(call("GET", "/%2e%2e/CMakeLists.txt").status, 404u);
}

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  TestClient c(port_);
  for (int i = 0; i < 5; ++i) {
    auto r = c.request("GET", "/api/messages/1", kViewNorth);
    EXPECT_EQ(r.status, 200u);
    EXPECT_TRUE(r.keep_alive);
  }
}

TEST_F(ServerTest, MalformedRequestIs400) {
  TestClient c(port_);
  auto r = c.raw("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: zz\r\n\r\n");
  EXPECT_EQ(r.status, 400u);
}

TEST_F(ServerTest, StopEndsIdleKeepAliveConnectionsPromptly) {
  TestClient c(port_);
  EXPECT_EQ(c.request("GET", "/healthz").status, 200u);
  const auto t0 = std::chrono::steady_clock::now();
  server_->stop();
  // Far below the 10 s drain timeout: the idle connection was closed, not waited for.
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  EXPECT_THROW(c.request("GET", "/healthz"), std::exception);
}

TEST_F(ServerTest, StopLetsARequestInFlightFinish) {
  std::promise<void> entered, release;
  auto release_future = release.get_future().share();
  backend_.on_list = [&entered, release_future] {
    entered.set_value();
    release_future.wait();
  };
  auto reply = std::async(std::launch::async, [this] { return call("GET", "/api/messages", kViewNorth); });
  entered.get_future().wait();  // the request is inside the backend now
  auto stopped = std::async(std::launch::async, [this] { server_->stop(); });
  // stop() waits for the request: it cannot finish before the backend answers.
  EXPECT_EQ(stopped.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout);
  release.set_value();
  stopped.get();
  const Reply r = reply.get();
  EXPECT_EQ(r.status, 200u);
  EXPECT_FALSE(r.keep_alive);  // the server closes the connection after it
  EXPECT_EQ(parse(r)["messages"].size(), 1u);
  backend_.on_list = nullptr;
}

TEST_F(ServerTest, TooLargeHeadersAre431) {
  auto r = call("GET", "/healthz", "", "", {{"X-Padding", std::string(20000, 'a')}});
  EXPECT_EQ(r.status, 431u);
}

class SmallServerTest : public ServerTest {
 protected:
  void SetUp() override { start({.max_body_bytes = 1024}); }
};

TEST_F(SmallServerTest, TooLargeBodyIs413) {
  auto r = call("POST", "/api/messages?channel=plans&file_name=big.json", kOpNorth,
                std::string(4096, 'x'));
  EXPECT_EQ(r.status, 413u);
  EXPECT_EQ(error_code(r), "API009");
  EXPECT_TRUE(backend_.uploads.empty());
}

TEST(ServerStart, BusyPortIsApi001) {
  FakeBackend b;
  Server first(b, {.listen = "127.0.0.1", .port = 0});
  auto p = first.start();
  ASSERT_TRUE(p.has_value());
  Server second(b, {.listen = "127.0.0.1", .port = *p});
  auto q = second.start();
  ASSERT_FALSE(q.has_value());
  EXPECT_EQ(q.error().code, DiagCode::ApiBind);
}

TEST(ServerStart, BadTokenHashIsApi003) {
  FakeBackend b;
  Server s(b, {.listen = "127.0.0.1", .port = 0,
               .tokens = {{"x", Role::viewer, "north", "not-hex"}}});
  auto p = s.start();
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code, DiagCode::ApiOptions);
}

}  // namespace
}  // namespace cb::http::testing

namespace cb::http::testing {
namespace {

// Found by http_api_fuzz: a target that is not a path ("*", "", absolute-form)
// made the static-file lookup read past the start of the path.
TEST(ApiHandlerRegression, TargetWithoutLeadingSlashIs400) {
  FakeBackend b;
  auto auth = Authenticator::make({});
  ApiHandler h(b, std::move(*auth), std::nullopt);
  for (const char* t : {"", "*", "http://x/", "api/messages"}) {
    Request r{.method = "GET", .target = t, .headers = {}, .body = {}};
    EXPECT_EQ(h.handle(r).status, 400u) << t;
  }
}

}  // namespace
}  // namespace cb::http::testing
