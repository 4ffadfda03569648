// The daemon's message flow in process: intake → routing → outbox → delivery,
// rejects, duplicates, retries with backoff, dead letters, reprocess, reload,
// read-only output folders and the route test harness.

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "pipeline/daemon/delivery.h"
#include "pipeline/daemon/tests/daemon_test_util.h"

namespace cb::daemon {
namespace {

using namespace cb::daemon::testing;
using namespace std::chrono_literals;

std::unique_ptr<Daemon> open_daemon(const std::string& cfg_text, ManualClock* clock = nullptr,
                                    DestinationResolver resolver = {}) {
  DaemonOptions o;
  o.config = parse_config(cfg_text);
  if (clock != nullptr) o.clock = clock->fn();
  o.resolver = std::move(resolver);
  o.jitter_seed = 42;
  auto d = Daemon::open(std::move(o));
  if (!d) {
    ADD_FAILURE() << config::format_diagnostics(d.error());
    return nullptr;
  }
  return std::move(*d);
}

TEST(DaemonFlow, FileDroppedIntoIntakeIsAppliedAndDeliveredAsFile) {
  const auto dir = scratch_dir("flow");
  auto d = open_daemon(route_config(dir));
  ASSERT_TRUE(d);
  drop(dir / "inbox", "items-1.json", item_message(1));
  ASSERT_TRUE(d->run_until_idle(10s));

  // The intake file is gone, one output file is there, with the item.
  EXPECT_TRUE(visible_files(dir / "inbox").empty());
  const auto out = visible_files(dir / "outbox");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_NE(out[0].filename().string().find("items-1"), std::string::npos);
  EXPECT_NE(slurp(out[0]).find("ITEM-1"), std::string::npos);

  d->with_api_db([&](store::Database& db) {
    EXPECT_EQ(text(db, "SELECT state FROM messages WHERE direction = 'in'"), "applied");
    EXPECT_EQ(text(db, "SELECT state FROM messages WHERE direction = 'out'"), "delivered");
    EXPECT_EQ(count(db, "SELECT count(*) FROM items WHERE number = 'ITEM-1' AND tenant = 't1'"), 1);
    // Every state change is an event: received, parsed, applied; emitted, delivered.
    EXPECT_EQ(text(db, "SELECT group_concat(to_state, ',') FROM (SELECT to_state FROM "
                       "message_events e JOIN messages m ON m.id = e.message_id WHERE "
                       "m.direction = 'in' ORDER BY e.id)"),
              "received,parsed,applied");
    EXPECT_EQ(text(db, "SELECT group_concat(to_state, ',') FROM (SELECT to_state FROM "
                       "message_events e JOIN messages m ON m.id = e.message_id WHERE "
                       "m.direction = 'out' ORDER BY e.id)"),
              "emitted,delivered");
    EXPECT_EQ(count(db, "SELECT count(*) FROM outbox WHERE state = 'done'"), 1);
  });
  EXPECT_EQ(d->counters().delivered, 1);
}

TEST(DaemonFlow, BadInputIsRejectedWithDiagnosticsKeptAndNothingWritten) {
  const auto dir = scratch_dir("flow");
  auto d = open_daemon(route_config(dir));
  ASSERT_TRUE(d);
  drop(dir / "inbox", "broken.json", "{\"format\": \"carebridge-canonical\", \"version\": 1,");
  ASSERT_TRUE(d->run_until_idle(10s));
  EXPECT_TRUE(visible_files(dir / "outbox").empty());
  d->with_api_db([&](store::Database& db) {
    EXPECT_EQ(text(db, "SELECT state FROM messages"), "rejected");
    EXPECT_EQ(text(db, "SELECT code FROM message_diagnostics LIMIT 1"), "JSN001");
    EXPECT_EQ(count(db, "SELECT count(*) FROM outbox"), 0);
  });
}

TEST(DaemonFlow, SameContentTwiceIsOneMessageAndOneOutput) {
  const auto dir = scratch_dir("flow");
  auto d = open_daemon(route_config(dir));
  ASSERT_TRUE(d);
  drop(dir / "inbox", "a.json", item_message(7));
  ASSERT_TRUE(d->run_until_idle(10s));
  drop(dir / "inbox", "a-again.json", item_message(7));
  ASSERT_TRUE(d->run_until_idle(10s));
  EXPECT_EQ(visible_files(dir / "outbox").size(), 1u);
  EXPECT_TRUE(visible_files(dir / "inbox").empty());
  d->with_api_db([&](store::Database& db) {
    EXPECT_EQ(count(db, "SELECT count(*) FROM messages WHERE direction = 'in'"), 1);
    EXPECT_EQ(count(db, "SELECT count(*) FROM message_events WHERE note LIKE "
                        "'identical content received again from a-again.json'"),
              1);
  });
  EXPECT_EQ(d->counters().duplicates, 1);
}

/// An item message with an interchange reference (the sender's file reference).
std::string keyed_item_message(const std::string& ref, int n) {
  return "{\"format\": \"carebridge-canonical\", \"version\": 1, \"interchange_ref\": \"" + ref +
         "\", \"documents\": [{\"kind\": \"item\", \"number\": \"ITEM-" + std::to_string(n) +
         "\", \"unit\": \"ST\"}]}\n";
}

TEST(DaemonFlow, SameBusinessKeyInAnotherFileIsADuplicateAlsoAfterARestart) {
  const auto dir = scratch_dir("flow");
  {
    auto d = open_daemon(route_config(dir));
    ASSERT_TRUE(d);
    drop(dir / "inbox", "order-1.json", keyed_item_message("ORD-4711", 1));
    ASSERT_TRUE(d->run_until_idle(10s));
    d->with_api_db([&](store::Database& db) {
      EXPECT_EQ(text(db, "SELECT business_key || ' ' || state FROM messages WHERE direction = 'in'"),
                "interchange:ORD-4711 applied");
    });
  }
  // A new process on the same store: the key was persisted.
  auto d = open_daemon(route_config(dir));
  ASSERT_TRUE(d);
  drop(dir / "inbox", "order-1-resent.json", keyed_item_message("ORD-4711", 2));  // other bytes
  drop(dir / "inbox", "order-2.json", keyed_item_message("ORD-4712", 3));
  ASSERT_TRUE(d->run_until_idle(10s));
  EXPECT_EQ(visible_files(dir / "outbox").size(), 2u);  // order-1 and order-2, not the resend
  d->with_api_db([&](store::Database& db) {
    EXPECT_EQ(text(db, "SELECT state FROM messages WHERE source = 'order-1-resent.json'"),
              "rejected");
    EXPECT_EQ(text(db, "SELECT d.code FROM message_diagnostics d JOIN messages m ON "
                       "m.id = d.message_id WHERE m.source = 'order-1-resent.json'"),
              "DMN005");
    EXPECT_EQ(text(db, "SELECT state FROM messages WHERE source = 'order-2.json'"), "applied");
    // The duplicate applied nothing.
    EXPECT_EQ(count(db, "SELECT count(*) FROM items WHERE number = 'ITEM-2'"), 0);
    EXPECT_EQ(count(db, "SELECT count(*) FROM items WHERE number = 'ITEM-3'"), 1);
  });
}

TEST(DaemonFlow, FilesPresentAtStartUpAreTakenAndTempNamesIgnored) {
  const auto dir = scratch_dir("flow");
  drop(dir / "inbox", "early.json", item_message(3));
  {
    std::ofstream temp(dir / "inbox" / ".writing.json.part");
    temp << "half";
  }
  auto d = open_daemon(route_config(dir));
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->run_until_idle(10s));
  EXPECT_EQ(visible_files(dir / "outbox").size(), 1u);
  EXPECT_TRUE(fs::exists(dir / "inbox" / ".writing.json.part"));
}

/// Fails the first `failures` deliveries, then keeps what it gets.
struct FlakyDestination : Destination {
  int failures = 0;
  std::vector<Parcel> got;
  std::vector<DeliveryResult> deliver(const std::vector<Parcel>& parcels) override {
    std::vector<DeliveryResult> out;
    for (const auto& p : parcels) {
      if (failures > 0) {
        --failures;
        out.push_back({false, false, "connection refused (test)"});
      } else {
        got.push_back(p);
        out.push_back({});
      }
    }
    return out;
  }
};

TEST(DaemonFlow, FailingDestinationIsRetriedWithGrowingSpacedBackoffThenDelivered) {
  const auto dir = scratch_dir("flow");
  ManualClock clock;
  auto flaky = std::make_shared<FlakyDestination>();
  flaky->failures = 3;
  auto d = open_daemon(route_config(dir, "http://receiver.invalid/in"), &clock,
                       [flaky](const std::string&) { return flaky; });
  ASSERT_TRUE(d);
  drop(dir / "inbox", "x.json", item_message(11));
  ASSERT_TRUE(d->run_until_idle(10s));  // routed, first attempt failed
  std::vector<std::int64_t> waits;
  for (int round = 0; round < 10 && flaky->got.empty(); ++round) {
    const std::string next = d->with_api_db([&](store::Database& db) {
      return text(db, "SELECT next_attempt_at FROM outbox WHERE state = 'pending'");
    });
    ASSERT_NE(next, "<none>");
    // Not due yet: nothing happens before the wait is over.
    EXPECT_EQ(d->delivery_step(), 0);
    const auto before = clock.t;
    while (store::format_timestamp(clock.t) < next) clock.t += 50ms;
    waits.push_back((clock.t - before).count());
    d->delivery_step();
  }
  ASSERT_EQ(flaky->got.size(), 1u);
  EXPECT_EQ(flaky->got[0].idempotency_key, "carebridge-" + std::to_string(flaky->got[0].message_id));
  ASSERT_EQ(waits.size(), 3u);
  // base 1 s, doubled each time, jitter within [d/2, d].
  EXPECT_GE(waits[0], 500);
  EXPECT_LE(waits[0], 1050);
  EXPECT_GE(waits[1], 1000);
  EXPECT_LE(waits[1], 2050);
  EXPECT_GE(waits[2], 2000);
  EXPECT_LE(waits[2], 4050);
  d->with_api_db([&](store::Database& db) {
    EXPECT_EQ(text(db, "SELECT state FROM messages WHERE direction = 'out'"), "delivered");
    EXPECT_EQ(count(db, "SELECT attempts FROM outbox"), 4);
  });
  EXPECT_EQ(d->counters().retries, 3);
}

TEST(DaemonFlow, RetryLimitMakesADeadLetterThatReprocessDelivers) {
  const auto dir = scratch_dir("flow");
  ManualClock clock;
  auto flaky = std::make_shared<FlakyDestination>();
  flaky->failures = 5;  // = retry_limit
  auto d = open_daemon(route_config(dir, "http://receiver.invalid/in"), &clock,
                       [flaky](const std::string&) { return flaky; });
  ASSERT_TRUE(d);
  drop(dir / "inbox", "x.json", item_message(12));
  ASSERT_TRUE(d->run_until_idle(10s));
  for (int i = 0; i < 10; ++i) {
    clock.t += 10min;
    d->delivery_step();
  }
  std::int64_t out_id = 0;
  d->with_api_db([&](store::Database& db) {
    EXPECT_EQ(text(db, "SELECT state FROM messages WHERE direction = 'out'"), "dead");
    EXPECT_EQ(text(db, "SELECT state FROM outbox"), "failed");
    EXPECT_EQ(count(db, "SELECT count(*) FROM message_diagnostics WHERE code = 'DMN008'"), 1);
    out_id = count(db, "SELECT id FROM messages WHERE direction = 'out'");
  });
  EXPECT_TRUE(flaky->got.empty());
  EXPECT_EQ(d->counters().dead, 1);

  ReprocessSelection sel;
  sel.ids = {out_id};
  sel.actor = "user:ops";
  sel.reason = "receiver fixed";
  auto r = d->reprocess(sel);
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->requeued.size(), 1u);
  d->delivery_step();
  ASSERT_EQ(flaky->got.size(), 1u);
  d->with_api_db([&](store::Database& db) {
    EXPECT_EQ(text(db, "SELECT state FROM messages WHERE direction = 'out'"), "delivered");
    EXPECT_EQ(count(db, "SELECT count(*) FROM message_events WHERE actor = 'user:ops' AND "
                        "note = 'reprocess: receiver fixed'"),
              1);
  });
}

/// Makes a folder unwritable even for root (immutable flag), or by mode.
bool make_unwritable(const fs::path& folder, bool on) {
  if (on) fs::permissions(folder, fs::perms::owner_read | fs::perms::owner_exec);
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    int flags = 0;
    if (::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0) {
      flags = on ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
      ::ioctl(fd, FS_IOC_SETFLAGS, &flags);
    }
    ::close(fd);
  }
  if (!on) {
    fs::permissions(folder, fs::perms::owner_all);
    return true;
  }
  const auto probe = folder / "probe";
  std::ofstream p(probe);
  const bool writable = p.good();
  p.close();
  fs::remove(probe);
  return !writable;
}

TEST(DaemonFlow, ReadOnlyOutputFolderMakesMessagesWaitAndHealthSayWhy) {
  const auto dir = scratch_dir("flow");
  fs::create_directories(dir / "outbox");
  if (!make_unwritable(dir / "outbox", true)) {
    make_unwritable(dir / "outbox", false);
    GTEST_SKIP() << "cannot make a folder read-only here";
  }
  ManualClock clock;
  auto d = open_daemon(route_config(dir), &clock);
  ASSERT_TRUE(d);
  drop(dir / "inbox", "x.json", item_message(21));
  d->run_until_idle(10s);
  const auto problems = d->problems();
  make_unwritable(dir / "outbox", false);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find((dir / "outbox").string()), std::string::npos) << problems[0];
  EXPECT_NE(problems[0].find("not permitted"), std::string::npos) << problems[0];
  d->with_api_db([&](store::Database& db) {
    EXPECT_EQ(text(db, "SELECT state FROM messages WHERE direction = 'out'"), "failed");
  });
  // Writable again: the waiting message is delivered on its next attempt.
  clock.t += 5s;
  d->delivery_step();
  EXPECT_EQ(visible_files(dir / "outbox").size(), 1u);
  EXPECT_TRUE(d->problems().empty());
}

TEST(DaemonFlow, RejectedMessageIsRoutedAgainAfterMasterDataArrives) {
  const auto dir = scratch_dir("flow");
  auto d = open_daemon(route_config(dir));
  ASSERT_TRUE(d);
  // A patient whose insurer is not known yet: references do not resolve.
  drop(dir / "inbox", "patient.json",
       "{\"format\": \"carebridge-canonical\", \"version\": 1, \"documents\": [{\"kind\": "
       "\"party\", \"id\": \"P-1\", \"name\": \"Synthetic\", \"assigned_roles\": [{\"role\": "
       "\"KK-KV\", \"party\": \"K-1\"}]}]}");
  ASSERT_TRUE(d->run_until_idle(10s));
  std::int64_t id = 0;
  d->with_api_db([&](store::Database& db) {
    EXPECT_EQ(text(db, "SELECT state FROM messages"), "rejected");
    id = count(db, "SELECT id FROM messages");
  });
  drop(dir / "inbox", "insurer.json",
       "{\"format\": \"carebridge-canonical\", \"version\": 1, \"documents\": [{\"kind\": "
       "\"party\", \"id\": \"K-1\", \"name\": \"Insurer\", \"own_roles\": [\"KK-KV\"]}]}");
  ASSERT_TRUE(d->run_until_idle(10s));
  ReprocessSelection sel;
  sel.route = "master";
  sel.state = "rejected";
  sel.actor = "user:ops";
  sel.reason = "insurer imported";
  sel.destination = "elsewhere";
  auto r = d->reprocess(sel);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->requeued, std::vector<std::int64_t>{id});
  ASSERT_TRUE(d->run_until_idle(10s));
  d->with_api_db([&](store::Database& db) {
    EXPECT_EQ(text(db, "SELECT state FROM messages WHERE id = " + std::to_string(id)), "applied");
  });
  // The reprocessed output went to the chosen destination, the other to the route's.
  EXPECT_EQ(visible_files(dir / "elsewhere").size(), 1u);
  EXPECT_EQ(visible_files(dir / "outbox").size(), 1u);
}

TEST(DaemonFlow, RouteWithUnknownAdapterOrCommandIsRefusedWithFileAndLine) {
  const auto dir = scratch_dir("flow");
  std::string cfg = route_config(dir);
  cfg.replace(cfg.find("command = \"import\""), 18, "command = \"imprt\"");
  cfg.replace(cfg.find("adapter = \"canonical-json\"\ncommand"), 26, "adapter = \"edifact-x\"");
  DaemonOptions o;
  o.config = parse_config(cfg);
  auto d = Daemon::open(std::move(o));
  ASSERT_FALSE(d);
  const std::string all = config::format_diagnostics(d.error());
  EXPECT_NE(all.find("test.toml:15"), std::string::npos) << all;  // adapter line
  EXPECT_NE(all.find("DMN001"), std::string::npos) << all;
  EXPECT_NE(all.find("test.toml:16"), std::string::npos) << all;  // command line
  EXPECT_NE(all.find("DMN002"), std::string::npos) << all;
}

TEST(DaemonFlow, ReloadWithABadConfigKeepsTheOldRoutes) {
  const auto dir = scratch_dir("flow");
  auto d = open_daemon(route_config(dir));
  ASSERT_TRUE(d);
  std::string bad = route_config(dir);
  bad.replace(bad.find("destination = \"outbox\""), 22, "destination = \"ftp://x\"");
  auto r = d->reload(parse_config(bad));
  ASSERT_FALSE(r);
  EXPECT_EQ(code_id(r.error().front().code), std::string("DMN003"));
  // The old route still works.
  drop(dir / "inbox", "x.json", item_message(5));
  ASSERT_TRUE(d->run_until_idle(10s));
  EXPECT_EQ(visible_files(dir / "outbox").size(), 1u);
  // A good reload switches the destination.
  ASSERT_TRUE(d->reload(parse_config(route_config(dir, "outbox2"))));
  drop(dir / "inbox", "y.json", item_message(6));
  ASSERT_TRUE(d->run_until_idle(10s));
  EXPECT_EQ(visible_files(dir / "outbox2").size(), 1u);
}

TEST(DaemonFlow, RouteTestShowsTheOutputAndLeavesNoTrace) {
  const auto dir = scratch_dir("flow");
  auto d = open_daemon(route_config(dir));
  ASSERT_TRUE(d);
  auto routes = d->routes();
  auto r = d->with_api_db([&](store::Database& db) {
    return dry_run(db, *routes, "master", "try.json", item_message(9), d->now());
  });
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->state, "applied");
  ASSERT_EQ(r->outputs.size(), 1u);
  EXPECT_NE(r->outputs[0].bytes.find("ITEM-9"), std::string::npos);
  d->with_api_db([&](store::Database& db) {
    EXPECT_EQ(count(db, "SELECT count(*) FROM messages"), 0);
    EXPECT_EQ(count(db, "SELECT count(*) FROM items"), 0);
    EXPECT_EQ(count(db, "SELECT count(*) FROM outbox"), 0);
  });
  EXPECT_TRUE(visible_files(dir / "outbox").empty());
}

TEST(RetryPolicy, DelayDoublesUpToTheCapWithJitterInTheUpperHalf) {
  auto p = make_retry_policy(100ms, 1000ms, 5, 7);
  for (int i = 0; i < 50; ++i) {
    EXPECT_GE(p.delay(1).count(), 50);
    EXPECT_LE(p.delay(1).count(), 100);
    EXPECT_GE(p.delay(3).count(), 200);
    EXPECT_LE(p.delay(3).count(), 400);
    EXPECT_GE(p.delay(30).count(), 500);
    EXPECT_LE(p.delay(30).count(), 1000);
  }
  EXPECT_FALSE(p.exhausted(4));
  EXPECT_TRUE(p.exhausted(5));
}

}  // namespace
}  // namespace cb::daemon
