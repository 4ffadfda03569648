// The remote poller over HTTP against a real local server (libcurl, not
// mocked): a new message is fetched, stored on the poller's route and applied;
// the same bytes again are a duplicate; 500 then 200 is retried with backoff
// and delivered; 401 is reported and does not spin; an index with DELETE
// acknowledges only what was stored. Plus the listing and index readers.

#include <cstdlib>

#include "pipeline/daemon/remote_poller.h"
#include "pipeline/daemon/tests/daemon_test_util.h"
#include "pipeline/daemon/tests/poller_test_server.h"
#include "pipeline/metrics/metrics_registry.h"

namespace cb::daemon {
namespace {

using namespace cb::daemon::testing;
using namespace std::chrono_literals;

std::string poller_config(const fs::path& workdir, const std::string& url,
                          const std::string& extra = "") {
  return "workdir = \"" + workdir.string() +
         "\"\n"
         "[store]\npath = \"cb.db\"\nsynchronous = \"normal\"\n"
         "[delivery]\nretry_base_ms = 1000\nretry_cap_ms = 60000\nretry_limit = 5\n"
         "[[tenants]]\nid = \"t1\"\n"
         "[[pollers]]\nname = \"insurer\"\nurl = \"" +
         url + "\"\ninterval_seconds = 60\n" + extra +
         "\n[[routes]]\nname = \"replies\"\ntenant = \"t1\"\n"
         "match = { poller = \"insurer\" }\nadapter = \"canonical-json\"\ncommand = \"import\"\n"
         "outputs = [ { adapter = \"canonical-json\", destination = \"outbox\" } ]\n";
}

/// A daemon and a poller feeding it, on a manual clock.
struct Rig {
  ManualClock clock;
  metrics::Registry registry;
  std::unique_ptr<Daemon> daemon;
  std::unique_ptr<RemotePoller> poller;

  explicit Rig(const std::string& cfg_text, PollSink sink = {}) {
    DaemonOptions o;
    o.config = parse_config(cfg_text);
    o.clock = clock.fn();
    o.jitter_seed = 42;
    auto d = Daemon::open(std::move(o));
    if (!d) {
      ADD_FAILURE() << config::format_diagnostics(d.error());
      return;
    }
    daemon = std::move(*d);
    RemotePollerOptions po;
    po.now = clock.fn();
    po.metrics = &registry;
    po.retry = make_retry_policy(1000ms, 60000ms, 5, 42);
    if (!sink) sink = [this](const InboundMessage& m) { return daemon->receive(m); };
    poller = std::make_unique<RemotePoller>(
        daemon->config(), [this] { return daemon->routes(); }, std::move(sink), po);
  }
};

TEST(RemotePollerHttp, NewMessageIsFetchedStoredOnItsRouteAndApplied) {
  const auto dir = scratch_dir("poll");
  PollerTestServer server([](const SeenRequest&) { return Reply{200, item_message(7)}; });
  Rig rig(poller_config(dir, server.url("/outbox/next.json")));
  ASSERT_TRUE(rig.daemon);

  auto round = rig.poller->poll_now("insurer");
  EXPECT_EQ(round.status, RemoteStatus::ok) << round.reason;
  EXPECT_EQ(round.stored, 1);
  ASSERT_TRUE(rig.daemon->run_until_idle(10s));

  rig.daemon->with_api_db([&](store::Database& db) {
    EXPECT_EQ(text(db, "SELECT route || ' ' || state || ' ' || source FROM messages WHERE "
                       "direction = 'in'"),
              "replies applied poller:insurer/next.json");
    EXPECT_EQ(count(db, "SELECT count(*) FROM items WHERE number = 'ITEM-7' AND tenant = 't1'"), 1);
    EXPECT_EQ(text(db, "SELECT actor FROM message_events WHERE to_state = 'received'"),
              "poller:insurer");
  });
  EXPECT_EQ(visible_files(dir / "outbox").size(), 1u);
  const auto st = rig.poller->status();
  ASSERT_EQ(st.size(), 1u);
  EXPECT_EQ(st[0].stored, 1);
  EXPECT_EQ(st[0].route, "replies");
  EXPECT_TRUE(rig.poller->problems().empty());
}

TEST(RemotePollerHttp, SameBytesAgainAreADuplicateNotASecondMessage) {
  const auto dir = scratch_dir("poll");
  PollerTestServer server([](const SeenRequest&) { return Reply{200, item_message(8)}; });
  Rig rig(poller_config(dir, server.url("/next")));
  ASSERT_TRUE(rig.daemon);

  EXPECT_EQ(rig.poller->poll_now("insurer").stored, 1);
  ASSERT_TRUE(rig.daemon->run_until_idle(10s));
  auto again = rig.poller->poll_now("insurer");
  EXPECT_EQ(again.stored, 0);
  EXPECT_EQ(again.duplicates, 1);
  ASSERT_TRUE(rig.daemon->run_until_idle(10s));

  rig.daemon->with_api_db([&](store::Database& db) {
    EXPECT_EQ(count(db, "SELECT count(*) FROM messages WHERE direction = 'in'"), 1);
    EXPECT_EQ(count(db, "SELECT count(*) FROM messages WHERE direction = 'out'"), 1);
    EXPECT_EQ(count(db, "SELECT count(*) FROM message_events WHERE note LIKE "
                        "'identical content received again%'"),
              1);
  });
  EXPECT_EQ(rig.daemon->counters().duplicates, 1);
  EXPECT_NE(rig.registry.render().find(
                "carebridge_poller_files_total{poller=\"insurer\",outcome=\"duplicate\"} 1"),
            std::string::npos);
}

TEST(RemotePollerHttp, ServerErrorIsRetriedWithBackoffThenDelivered) {
  const auto dir = scratch_dir("poll");
  std::atomic<int> calls{0};
  PollerTestServer server([&](const SeenRequest&) {
    return ++calls == 1 ? Reply{500, "database down"} : Reply{200, item_message(9)};
  });
  Rig rig(poller_config(dir, server.url("/next")));
  ASSERT_TRUE(rig.daemon);

  const auto t0 = rig.clock.t;
  auto next = rig.poller->step();
  EXPECT_EQ(calls.load(), 1);
  auto st = rig.poller->status()[0];
  EXPECT_FALSE(st.permanent);
  EXPECT_EQ(st.failed_attempts, 1);
  EXPECT_NE(st.last_error.find("HTTP status 500"), std::string::npos) << st.last_error;
  // The retry comes after the first backoff step (base 1 s, jitter [0.5 s, 1 s]),
  // well before the regular interval of 60 s.
  ASSERT_TRUE(next);
  EXPECT_GE(*next - t0, 500ms);
  EXPECT_LE(*next - t0, 1000ms);
  rig.clock.t = t0 + 100ms;
  rig.poller->step();
  EXPECT_EQ(calls.load(), 1) << "no request before the backoff is over";

  rig.clock.t = *next;
  rig.poller->step();
  EXPECT_EQ(calls.load(), 2);
  ASSERT_TRUE(rig.daemon->run_until_idle(10s));
  const auto out = visible_files(dir / "outbox");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_NE(slurp(out[0]).find("ITEM-9"), std::string::npos);
  st = rig.poller->status()[0];
  EXPECT_EQ(st.failed_attempts, 0);
  EXPECT_TRUE(st.last_error.empty());
  EXPECT_EQ(st.next_poll, t0 + 60s) << "back on the regular schedule";
  const auto metrics = rig.registry.render();
  EXPECT_NE(metrics.find("carebridge_poller_rounds_total{poller=\"insurer\",outcome=\"transient\"} 1"),
            std::string::npos)
      << metrics;
}

TEST(RemotePollerHttp, UnauthorizedIsReportedAndDoesNotSpin) {
  const auto dir = scratch_dir("poll");
  fs::create_directories(dir);
  {
    std::ofstream token(dir / "token.txt");
    token << "wrong-token\n";
  }
  PollerTestServer server([](const SeenRequest&) { return Reply{401, "no"}; });
  Rig rig(poller_config(dir, server.url("/next"),
                        "bearer_token_file = \"token.txt\"\nunready_after = 5"));
  ASSERT_TRUE(rig.daemon);

  const auto t0 = rig.clock.t;
  rig.poller->step();
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].authorization, "Bearer wrong-token");
  const auto problems = rig.poller->problems();
  ASSERT_EQ(problems.size(), 1u) << "a permanent failure is reported at once";
  EXPECT_NE(problems[0].find("poller insurer"), std::string::npos);
  EXPECT_NE(problems[0].find("401"), std::string::npos) << problems[0];
  EXPECT_EQ(problems[0].find("wrong-token"), std::string::npos) << "no secret in health";

  // No retries in between: the next request is the next regular poll.
  for (auto dt : {1s, 5s, 30s, 59s}) {
    rig.clock.t = t0 + dt;
    rig.poller->step();
  }
  EXPECT_EQ(server.requests().size(), 1u);
  rig.clock.t = t0 + 60s;
  rig.poller->step();
  EXPECT_EQ(server.requests().size(), 2u);
  rig.daemon->with_api_db([&](store::Database& db) {
    EXPECT_EQ(count(db, "SELECT count(*) FROM messages"), 0);
  });
}

TEST(RemotePollerHttp, TransientFailuresMakeReadinessSayWhyAfterNIntervals) {
  const auto dir = scratch_dir("poll");
  PollerTestServer server([](const SeenRequest&) { return Reply{503, "maintenance"}; });
  Rig rig(poller_config(dir, server.url("/next"), "unready_after = 2"));
  ASSERT_TRUE(rig.daemon);
  const auto t0 = rig.clock.t;
  rig.poller->step();
  EXPECT_TRUE(rig.poller->problems().empty()) << "one failed interval is not yet a problem";
  rig.clock.t = t0 + 60s;
  rig.poller->step();
  const auto problems = rig.poller->problems();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("2 intervals"), std::string::npos) << problems[0];
  EXPECT_NE(problems[0].find("503"), std::string::npos) << problems[0];
  EXPECT_NE(rig.registry.render().find("carebridge_poller_failed_intervals{poller=\"insurer\"} 2"),
            std::string::npos);
}

TEST(RemotePollerHttp, IndexFilesAreDeletedRemotelyOnlyAfterTheyWereStored) {
  const auto dir = scratch_dir("poll");
  std::unique_ptr<Rig> rig;
  std::atomic<std::int64_t> stored_when_deleted{-1};
  PollerTestServer server([&](const SeenRequest& r) {
    if (r.method == "DELETE") {
      rig->daemon->with_api_db([&](store::Database& db) {
        stored_when_deleted = count(db, "SELECT count(*) FROM messages WHERE source = "
                                        "'poller:insurer/" + r.target.substr(r.target.rfind('/') + 1) + "'");
      });
      return Reply{204, ""};
    }
    if (r.target == "/api/index") return Reply{200, R"(["m/a.json", "/api/m/b.json"])"};
    if (r.target == "/api/m/a.json") return Reply{200, item_message(1)};
    if (r.target == "/api/m/b.json") return Reply{200, item_message(2)};
    return Reply{404, ""};
  });
  rig = std::make_unique<Rig>(poller_config(dir, server.url("/api/index"),
                                            "mode = \"index\"\nafter_fetch = \"delete\""));
  ASSERT_TRUE(rig->daemon);
  auto round = rig->poller->poll_now("insurer");
  EXPECT_EQ(round.status, RemoteStatus::ok) << round.reason;
  EXPECT_EQ(round.stored, 2);
  EXPECT_EQ(round.acknowledged, 2);
  EXPECT_EQ(server.count("DELETE"), 2u);
  EXPECT_EQ(stored_when_deleted.load(), 1) << "DELETE came after the message was stored";
  ASSERT_TRUE(rig->daemon->run_until_idle(10s));
  EXPECT_EQ(visible_files(dir / "outbox").size(), 2u);
}

TEST(RemotePollerHttp, NothingIsAcknowledgedWhenTheStoreFails) {
  const auto dir = scratch_dir("poll");
  PollerTestServer server([](const SeenRequest& r) {
    if (r.target == "/index") return Reply{200, R"(["a.json"])"};
    if (r.method == "DELETE") return Reply{204, ""};
    return Reply{200, item_message(3)};
  });
  Rig rig(poller_config(dir, server.url("/index"), "mode = \"index\"\nafter_fetch = \"delete\""),
          [](const InboundMessage&) -> Result<Received> {
            return fail(DiagCode::StoreBusy, "database is locked (simulated)");
          });
  ASSERT_TRUE(rig.daemon);
  auto round = rig.poller->poll_now("insurer");
  EXPECT_EQ(round.status, RemoteStatus::transient);
  EXPECT_NE(round.reason.find("cannot store"), std::string::npos) << round.reason;
  EXPECT_EQ(server.count("DELETE"), 0u) << "the remote file stays until it is stored";
}

TEST(RemotePollerHttp, KeepModeSkipsWhatWasSeenAndNoContentIsNothing) {
  const auto dir = scratch_dir("poll");
  std::atomic<int> index_calls{0};
  PollerTestServer server([&](const SeenRequest& r) {
    if (r.target == "/index") {
      return ++index_calls >= 3 ? Reply{204, ""} : Reply{200, R"(["a.json"])"};
    }
    return Reply{200, item_message(4)};
  });
  Rig rig(poller_config(dir, server.url("/index"), "mode = \"index\""));
  ASSERT_TRUE(rig.daemon);
  EXPECT_EQ(rig.poller->poll_now("insurer").stored, 1);
  auto second = rig.poller->poll_now("insurer");
  EXPECT_EQ(second.fetched, 0);
  EXPECT_EQ(second.skipped, 1);
  EXPECT_EQ(rig.poller->poll_now("insurer").status, RemoteStatus::nothing);
  EXPECT_EQ(server.count("GET"), 4u);  // index ×3, a.json once
  EXPECT_EQ(server.count("DELETE"), 0u);
}

TEST(RemotePollerHttp, ConnectionRefusedIsTransient) {
  const auto dir = scratch_dir("poll");
  unsigned short port = 0;
  {
    PollerTestServer gone([](const SeenRequest&) { return Reply{}; });
    port = static_cast<unsigned short>(std::stoi(gone.url("").substr(17)));
  }
  Rig rig(poller_config(dir, "http://127.0.0.1:" + std::to_string(port) + "/next"));
  ASSERT_TRUE(rig.daemon);
  auto round = rig.poller->poll_now("insurer");
  EXPECT_EQ(round.status, RemoteStatus::transient) << round.reason;
}

TEST(RemotePollerHttp, ThreadPollsAndStopsCleanly) {
  const auto dir = scratch_dir("poll");
  PollerTestServer server([](const SeenRequest&) { return Reply{200, item_message(5)}; });
  auto cfg = parse_config(poller_config(dir, server.url("/next")));
  DaemonOptions o;
  o.config = cfg;
  auto d = Daemon::open(std::move(o));
  ASSERT_TRUE(d) << config::format_diagnostics(d.error());
  auto& daemon = *d;
  RemotePollerOptions po;
  po.stored = [&] { daemon->wake(); };
  RemotePoller poller(cfg, [&] { return daemon->routes(); },
                      [&](const InboundMessage& m) { return daemon->receive(m); }, po);
  daemon->start();
  poller.start();
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (visible_files(dir / "outbox").empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  const auto before = std::chrono::steady_clock::now();
  poller.stop();
  daemon->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, 2s);
  EXPECT_EQ(visible_files(dir / "outbox").size(), 1u);
  EXPECT_EQ(server.count("GET"), 1u) << "the next poll is 60 s away";
}

TEST(RemotePollerHttp, ReloadKeepsUnchangedPollersAndStartsChangedOnes) {
  const auto dir = scratch_dir("poll");
  PollerTestServer server([](const SeenRequest&) { return Reply{204, ""}; });
  const auto text = poller_config(dir, server.url("/next"));
  Rig rig(text);
  ASSERT_TRUE(rig.daemon);
  rig.poller->step();
  EXPECT_EQ(server.count("GET"), 1u);
  rig.poller->reload(parse_config(text));
  rig.poller->step();
  EXPECT_EQ(server.count("GET"), 1u) << "unchanged: still waits for its interval";
  auto changed = parse_config(poller_config(dir, server.url("/other")));
  ASSERT_EQ(rig.daemon->reload(changed).has_value(), true);
  rig.poller->reload(changed);
  rig.poller->step();
  EXPECT_EQ(server.count("GET"), 2u) << "changed: polled at once";
  EXPECT_EQ(server.requests().back().target, "/other");
}

TEST(RemotePollerHttp, CronScheduleSetsTheNextRegularPoll) {
  const auto dir = scratch_dir("poll");
  PollerTestServer server([](const SeenRequest&) { return Reply{204, ""}; });
  auto text = poller_config(dir, server.url("/next"));
  text.replace(text.find("interval_seconds = 60"), 21, "schedule = \"*/10 * * * *\"");
  Rig rig(text);
  ASSERT_TRUE(rig.daemon);
  const auto t0 = rig.clock.t;  // 09:00:00 UTC; the poller's zone is UTC by default
  auto next = rig.poller->step();
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, t0 + 10min);
  rig.clock.t = t0 + 9min;
  rig.poller->step();
  EXPECT_EQ(server.count("GET"), 1u);
  rig.clock.t = t0 + 10min;
  EXPECT_EQ(rig.poller->step(), t0 + 20min);
  EXPECT_EQ(server.count("GET"), 2u);
}

TEST(RemotePollerHttp, FileAboveMaxBytesStaysRemotelyAndIsReported) {
  const auto dir = scratch_dir("poll");
  PollerTestServer server([](const SeenRequest& r) {
    if (r.target == "/index") return Reply{200, R"(["big.json", "small.json"])"};
    if (r.method == "DELETE") return Reply{204, ""};
    if (r.target == "/big.json") return Reply{200, std::string(5000, ' ') + item_message(1)};
    return Reply{200, item_message(2)};
  });
  Rig rig(poller_config(dir, server.url("/index"),
                        "mode = \"index\"\nafter_fetch = \"delete\"\nmax_bytes = 1000"));
  ASSERT_TRUE(rig.daemon);
  auto round = rig.poller->poll_now("insurer");
  EXPECT_EQ(round.status, RemoteStatus::ok) << round.reason;
  EXPECT_EQ(round.stored, 1);
  EXPECT_EQ(server.count("DELETE"), 1u);
  EXPECT_EQ(server.requests().back().target, "/small.json");
  const auto problems = rig.poller->problems();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("big.json"), std::string::npos) << problems[0];
  EXPECT_NE(problems[0].find("max_bytes"), std::string::npos) << problems[0];
  // Not fetched again while it is listed.
  rig.poller->poll_now("insurer");
  std::size_t big = 0;
  for (const auto& r : server.requests()) big += r.target == "/big.json" ? 1 : 0;
  EXPECT_EQ(big, 1u);
}

TEST(RemoteSourceReaders, SftpListingKeepsRegularFilesAndSkipsTempNames) {
  const auto entries = parse_sftp_listing(
      "drwxr-xr-x    2 root     root         4096 Nov 23 15:50 done\n"
      "-rw-r--r--    1 root     root          123 Nov 23 15:50 items-1.json\n"
      "-rw-r--r--    1 root     root            5 Nov 23  2025 with space.json\r\n"
      "-rw-r--r--    1 root     root            5 Nov 23 15:52 .c.json.part\n"
      "-rw-r--r--    1 root     root            5 Nov 23 15:52 d.tmp\n",
      "sftp://h/in/", "/in/");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].name, "items-1.json");
  EXPECT_EQ(entries[0].size, 123);
  EXPECT_EQ(entries[0].path, "/in/items-1.json");
  EXPECT_EQ(entries[0].url, "sftp://h/in/items-1.json");
  EXPECT_EQ(entries[1].name, "with space.json");
  EXPECT_EQ(entries[1].url, "sftp://h/in/with%20space.json");
  EXPECT_EQ(entries[1].stamp, "Nov 23 2025");
}

TEST(RemoteSourceReaders, IndexResolvesRelativeUrlsAndRefusesOtherShapes) {
  auto ok = parse_url_index(R"(["a.json", "/x/b.json", "https://o.example/c?id=1"])",
                            "https://h.example/api/index?since=1");
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->size(), 3u);
  EXPECT_EQ((*ok)[0].url, "https://h.example/api/a.json");
  EXPECT_EQ((*ok)[1].url, "https://h.example/x/b.json");
  EXPECT_EQ((*ok)[2].url, "https://o.example/c?id=1");
  EXPECT_EQ((*ok)[2].name, "c");
  auto obj = parse_url_index(R"({"urls": []})", "https://h/i");
  ASSERT_FALSE(obj);
  EXPECT_EQ(obj.error().code, DiagCode::PollerListing);
  EXPECT_FALSE(parse_url_index("[1]", "https://h/i"));
  EXPECT_FALSE(parse_url_index(R"(["ftp://x/y"])", "https://h/i"));
  EXPECT_FALSE(parse_url_index("not json", "https://h/i"));
  EXPECT_EQ(url_path("sftp://u@h:2222/in%20box/"), "/in box/");
  EXPECT_EQ(url_path("sftp://h/~/in/"), "in/");
}

TEST(RemoteSourceReaders, CredentialsComeFromFilesOrEnvironmentNeverInline) {
  const auto dir = scratch_dir("poll");
  config::PollerConfig c;
  c.name = "p";
  c.url = "https://h/x";
  c.username = "u";
  c.password_env = "CB_POLLER_TEST_PW";
  ::setenv("CB_POLLER_TEST_PW", "s3cret\n", 1);
  auto creds = read_credentials(c, dir);
  ASSERT_TRUE(creds);
  EXPECT_EQ(creds->password, "s3cret");
  ::unsetenv("CB_POLLER_TEST_PW");
  auto missing = read_credentials(c, dir);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, DiagCode::PollerCredential);
  EXPECT_NE(missing.error().message.find("CB_POLLER_TEST_PW"), std::string::npos);
  c.password_env.reset();
  c.bearer_token_file = "absent.txt";
  auto unreadable = read_credentials(c, dir);
  ASSERT_FALSE(unreadable);
  EXPECT_NE(unreadable.error().message.find("absent.txt"), std::string::npos);
}

}  // namespace
}  // namespace cb::daemon
