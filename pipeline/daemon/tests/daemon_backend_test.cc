// DaemonBackend: the http::Backend over the daemon, without a server.

#include "pipeline/daemon/daemon_backend.h"
#include "pipeline/daemon/tests/daemon_test_util.h"
#include "pipeline/store/sqlite_database.h"

#include <fstream>
#include <sstream>

namespace cb::daemon {
namespace {

using namespace cb::daemon::testing;
using namespace std::chrono_literals;

std::string upload_config(const fs::path& dir) {
  return route_config(dir, "outbox",
                      "[[tenants]]\nid = \"t2\"\n"
                      "[[routes]]\nname = \"upload-t1\"\ntenant = \"t1\"\n"
                      "match = { upload = \"master\" }\nadapter = \"canonical-json\"\n"
                      "command = \"import\"\n"
                      "outputs = [ { adapter = \"canonical-json\", destination = \"up-out\" } ]\n");
}

struct BackendFixture {
  fs::path dir;
  std::unique_ptr<Daemon> daemon;
  std::unique_ptr<DaemonBackend> backend;
  explicit BackendFixture(const fs::path& d) : dir(d) {
    DaemonOptions o;
    o.config = parse_config(upload_config(dir));
    auto opened = Daemon::open(std::move(o));
    if (!opened) {
      ADD_FAILURE() << config::format_diagnostics(opened.error());
      return;
    }
    daemon = std::move(*opened);
    backend = std::make_unique<DaemonBackend>(*daemon);
  }
};

TEST(DaemonBackend, UploadIsRoutedAndVisibleOnlyInItsTenant) {
  BackendFixture f(scratch_dir("backend"));
  ASSERT_TRUE(f.backend);
  http::UploadRequest up;
  up.tenant = "t1";
  up.channel = "master";
  up.file_name = "items.json";
  up.bytes = item_message(1);
  up.actor = "token:erp";
  auto r = f.backend->upload(up);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_FALSE(r->duplicate);
  ASSERT_TRUE(f.daemon->run_until_idle(10s));
  EXPECT_EQ(visible_files(f.dir / "up-out").size(), 1u);

  auto shown = f.backend->get_message("t1", r->message_id);
  ASSERT_TRUE(shown && *shown);
  EXPECT_EQ((*shown)->summary.state, "applied");
  EXPECT_EQ((*shown)->summary.source, "upload:master/items.json");
  EXPECT_EQ((*shown)->bytes, item_message(1));
  ASSERT_EQ((*shown)->events.size(), 3u);
  EXPECT_EQ((*shown)->events[0].actor, "token:erp");
  // Another tenant does not see it (404, not 403).
  auto other = f.backend->get_message("t2", r->message_id);
  ASSERT_TRUE(other);
  EXPECT_FALSE(*other);
  http::MessageFilter filter;
  filter.tenant = "t2";
  EXPECT_TRUE(f.backend->list_messages(filter)->empty());
  filter.tenant = "t1";
  filter.direction = "out";
  EXPECT_EQ(f.backend->list_messages(filter)->size(), 1u);
  EXPECT_EQ(f.backend->routes("t1"), (std::vector<std::string>{"master", "upload-t1"}));
  EXPECT_TRUE(f.backend->routes("t2").empty());

  // The same idempotency key twice is one message.
  up.idempotency_key = "k-1";
  up.bytes = item_message(2);
  auto first = f.backend->upload(up);
  up.bytes = item_message(3);
  auto second = f.backend->upload(up);
  ASSERT_TRUE(first && second);
  EXPECT_TRUE(second->duplicate);
  EXPECT_EQ(second->message_id, first->message_id);
}

TEST(DaemonBackend, UploadNameWithPathTraversalOrUnknownChannelIsRefused) {
  BackendFixture f(scratch_dir("backend"));
  ASSERT_TRUE(f.backend);
  http::UploadRequest up;
  up.tenant = "t1";
  up.channel = "master";
  up.bytes = item_message(1);
  for (const char* bad : {"../etc/passwd", "a/b.json", "..", "", "x\\y"}) {
    up.file_name = bad;
    auto r = f.backend->upload(up);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(std::string(code_id(r.error().code)), "DMN010");
  }
  up.file_name = "ok.json";
  up.tenant = "t2";  // the channel belongs to t1
  auto r = f.backend->upload(up);
  ASSERT_FALSE(r);
  EXPECT_EQ(std::string(code_id(r.error().code)), "DMN004");
  EXPECT_TRUE(is_safe_file_name("2026-11 items (1).json"));
}

TEST(DaemonBackend, ReprocessHealthMetricsAndFlowStats) {
  BackendFixture f(scratch_dir("backend"));
  ASSERT_TRUE(f.backend);
  drop(f.dir / "inbox", "bad.json", "{ not json");
  drop(f.dir / "inbox", "good.json", item_message(4));
  ASSERT_TRUE(f.daemon->run_until_idle(10s));
  http::ReprocessRequest rq;
  rq.tenant = "t2";  // not its tenant: refused, nothing requeued
  rq.ids = {1, 2};
  rq.actor = "token:ops";
  auto wrong = f.backend->reprocess(rq);
  ASSERT_TRUE(wrong);
  EXPECT_TRUE(wrong->requeued.empty());
  EXPECT_EQ(wrong->refused.size(), 2u);
  rq.tenant = "t1";
  rq.ids.clear();
  rq.filter.state = "rejected";
  rq.reason = "try again";
  auto ok = f.backend->reprocess(rq);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->requeued.size(), 1u);

  const auto health = f.backend->health();
  EXPECT_TRUE(health.live);
  EXPECT_TRUE(health.ready);
  const std::string metrics = f.backend->metrics_text();
  EXPECT_NE(metrics.find("carebridge_messages_received_total{route=\"master\"} 2"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("carebridge_deliveries_total 1"), std::string::npos);
  EXPECT_NE(metrics.find("carebridge_messages_stored{route=\"master\",direction=\"in\",state=\"received\"} 1"),
            std::string::npos)
      << metrics;
  auto stats = f.backend->flow_stats("t1", 1, 60);
  ASSERT_TRUE(stats);
  std::int64_t received = 0, rejected = 0;
  for (const auto& b : stats->over_time) {
    received += b.received;
    rejected += b.rejected;
  }
  EXPECT_EQ(received, 3);  // two arrivals and one reprocess
  EXPECT_EQ(rejected, 1);
  auto item = f.backend->read_view("t1", "item", "ITEM-4");
  ASSERT_TRUE(item && *item);
  EXPECT_NE((*item)->find("synthetic 4"), std::string::npos);
  EXPECT_FALSE(*f.backend->read_view("t1", "invoice", "R-1"));  // no such invoice
}


std::string demo_file(const std::string& name) {
  std::ifstream in(fs::path(CAREBRIDGE_SOURCE_DIR) / "fixtures/demo/inbox" / name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(DaemonBackend, ReadViewsShowCasesAndPlansOfTheTenant) {
  BackendFixture f(scratch_dir("backend-views"));
  ASSERT_TRUE(f.backend);
  for (const char* name : {"01-master-data.json", "03-rx-setup.json", "04-cases.json"}) {
    http::UploadRequest up;
    up.tenant = "t1";
    up.channel = "master";
    up.file_name = name;
    up.bytes = demo_file(name);
    up.actor = "token:erp";
    ASSERT_FALSE(up.bytes.empty()) << name;
    auto r = f.backend->upload(up);
    ASSERT_TRUE(r) << r.error().to_string();
    ASSERT_TRUE(f.daemon->run_until_idle(10s));
    auto shown = f.backend->get_message("t1", r->message_id);
    ASSERT_TRUE(shown && *shown);
    ASSERT_EQ((*shown)->summary.state, "applied") << name;
  }
  auto one = f.backend->read_view("t1", "case", "VG000001");
  ASSERT_TRUE(one && *one);
  EXPECT_NE((*one)->find("K-ROLLI"), std::string::npos) << **one;
  auto all = f.backend->read_view("t1", "case", "");
  ASSERT_TRUE(all && *all);
  EXPECT_NE((*all)->find("VG000002"), std::string::npos);
  auto plan = f.backend->read_view("t1", "plan", "D-20001");
  ASSERT_TRUE(plan && *plan);
  EXPECT_NE((*plan)->find("ROLLI-100"), std::string::npos);
  // Another tenant sees none of it.
  EXPECT_FALSE(*f.backend->read_view("t2", "case", "VG000001"));
  EXPECT_FALSE(*f.backend->read_view("t1", "case", "VG999999"));

  // Invoices as the billing jobs store them (rx_aggregates, kind invoice).
  {
    store::SqliteOptions o;
    o.path = (f.dir / "cb.db").string();
    o.now = [] { return std::string("2026-11-23T10:00:00.000Z"); };
    auto db = store::SqliteDatabase::open(o);
    ASSERT_TRUE(db) << db.error().to_string();
    ASSERT_TRUE((*db)->exec(
        "INSERT INTO rx_aggregates (tenant, kind, key, patient_id, status, body, updated_at) "
        "VALUES ('t1', 'invoice', 'RE00000001', 'P-1', 'posted', "
        "'{\"no\":\"RE00000001\",\"recipient_id\":\"KK-1\"}', '2026-11-23T10:00:00.000Z')"));
  }
  auto invoice = f.backend->read_view("t1", "invoice", "RE00000001");
  ASSERT_TRUE(invoice && *invoice);
  EXPECT_NE((*invoice)->find("KK-1"), std::string::npos) << **invoice;
  auto invoices = f.backend->read_view("t1", "invoice", "");
  ASSERT_TRUE(invoices && *invoices);
  EXPECT_NE((*invoices)->find("RE00000001"), std::string::npos);
  EXPECT_FALSE(*f.backend->read_view("t2", "invoice", "RE00000001"));
}

}  // namespace
}  // namespace cb::daemon
