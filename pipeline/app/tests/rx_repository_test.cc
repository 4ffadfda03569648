// The rx repository and jobs: aggregates stored as canonical JSON, only
// changed aggregates written back, failures roll everything back, corrupt rows
// are reported; the import applies case requests in the message's transaction.

#include "pipeline/app/rx_repository.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/rx/case_engine.h"
#include "pipeline/app/importer.h"
#include "pipeline/app/rx_jobs.h"
#include "pipeline/store/sqlite_database.h"

namespace cb::app {
namespace {

std::string fixed_now() { return "2026-03-02T10:00:00.000Z"; }

std::string data_file(const std::string& name) {
  std::ifstream in(std::string(CAREBRIDGE_SOURCE_DIR) + "/fixtures/scenarios/data/" + name);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class RxRepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::SqliteOptions opts;
    opts.path = ":memory:";
    opts.now = fixed_now;
    auto db = store::SqliteDatabase::open(opts);
    ASSERT_TRUE(db) << db.error().to_string();
    db_ = std::move(*db);
    ASSERT_EQ(import(data_file("base.json"), "base.json").state, "applied");
    ASSERT_EQ(import(data_file("contracts.json"), "contracts.json").state, "applied");
  }

  ImportReport import(const std::string& bytes, const std::string& source) {
    ImportRequest req;
    req.source = source;
    req.bytes = bytes;
    req.working_date = *Date::parse("2026-03-02");
    auto r = import_message(*db_, adapters::default_registry(), req, fixed_now);
    EXPECT_TRUE(r) << r.error().to_string();
    return r ? *r : ImportReport{};
  }

  std::int64_t scalar(const std::string& sql) {
    auto st = db_->prepare(sql);
    auto r = st->step();
    EXPECT_TRUE(r && *r == store::Step::row) << sql;
    return st->column_int(0);
  }

  std::unique_ptr<store::SqliteDatabase> db_;
};

const char* kCases = R"({"format":"carebridge-canonical","version":1,"documents":[
  {"kind":"case","ref":"rolli","patient":"P-ADULT","case_type":"HM","contract":"K-ROLLI",
   "lines":[{"contract_line":10000}],"release":true},
  {"kind":"case","ref":"stoma","patient":"P-ADULT","case_type":"ST","contract":"K-STOMA",
   "lines":[{"contract_line":10000},{"contract_line":20000,"item":"STOMA-A"}],"release":true}]})";

TEST_F(RxRepositoryTest, ImportStoresAggregatesWithKeyColumns) {
  EXPECT_EQ(scalar("SELECT count(*) FROM rx_aggregates WHERE kind = 'contract'"), 4);
  EXPECT_EQ(scalar("SELECT count(*) FROM rx_aggregates WHERE kind = 'plan_setup'"), 1);
  auto r = import(kCases, "cases.json");
  ASSERT_EQ(r.state, "applied");
  EXPECT_EQ(r.cases.at("rolli"), "VG000001");
  EXPECT_EQ(scalar("SELECT count(*) FROM rx_aggregates WHERE kind = 'case' AND patient_id = "
                   "'P-ADULT' AND status = 'released'"),
            2);
  EXPECT_EQ(scalar("SELECT count(*) FROM rx_aggregates WHERE kind = 'delivery_plan'"), 1);
  EXPECT_EQ(scalar("SELECT source_message_id FROM rx_aggregates WHERE kind = 'case' AND key = "
                   "'VG000001'"),
            r.message_id);

  rx::Workspace ws;
  ASSERT_TRUE(load_rx_workspace(*db_, "default", ws));
  EXPECT_EQ(ws.setup().call_off_lead_days, 5);
  EXPECT_TRUE(ws.parties.contains("P-ADULT"));
  EXPECT_EQ(ws.parties.find("P-ADULT")->assigned_roles.size(), 3U);
  ASSERT_NE(ws.plans.find("P-ADULT"), nullptr);
  EXPECT_EQ(ws.plans.find("P-ADULT")->lines.size(), 2U);
  EXPECT_TRUE(ws.changes().empty());
}

TEST_F(RxRepositoryTest, JobsWriteOnlyWhatChanged) {
  ASSERT_EQ(import(kCases, "cases.json").state, "applied");
  auto r = run_call_off(*db_, "default", *Date::parse("2026-03-02"), fixed_now);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->counts.at("orders"), 1);
  EXPECT_EQ(r->counts.at("blocked"), 1);  // the wheelchair waits for VO and KV
  EXPECT_EQ(scalar("SELECT revision FROM rx_aggregates WHERE kind = 'delivery_plan'"), 2);
  EXPECT_EQ(scalar("SELECT max(revision) FROM rx_aggregates WHERE kind IN ('contract', 'case', "
                   "'error_code')"),
            1);
  EXPECT_EQ(scalar("SELECT count(*) FROM rx_aggregates WHERE kind = 'sales_order'"), 1);
  // The run itself is recorded by the ops job runner (job_runs), not here.
  EXPECT_EQ(scalar("SELECT count(*) FROM sqlite_master WHERE name = 'rx_job_runs'"), 0);
  // A second run the same day has nothing to call off and changes nothing.
  auto again = run_call_off(*db_, "default", *Date::parse("2026-03-02"), fixed_now);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->counts.at("orders"), 0);
  EXPECT_EQ(scalar("SELECT revision FROM rx_aggregates WHERE kind = 'delivery_plan'"), 2);
  EXPECT_NE(find_rx_job("plan-update"), nullptr);
  EXPECT_EQ(find_rx_job("nope"), nullptr);
}

const char* kStomaFor = R"({"format":"carebridge-canonical","version":1,"documents":[
  {"kind":"case","ref":"s","patient":"PATIENT","case_type":"ST","contract":"K-STOMA",
   "lines":[{"contract_line":10000},{"contract_line":20000,"item":"STOMA-A"}],"release":true}]})";

std::string stoma_for(const std::string& patient) {
  std::string s = kStomaFor;
  s.replace(s.find("PATIENT"), 7, patient);
  return s;
}

TEST_F(RxRepositoryTest, JobsWalkPatientRangesInOneTransaction) {
  for (const char* p : {"P-ADULT", "P-SOUTH", "P-MOVER", "P-CHILD"}) {
    ASSERT_EQ(import(stoma_for(p), std::string(p) + ".json").state, "applied") << p;
  }
  // One patient per workspace: four ranges, one order each, numbers continue
  // across the ranges (the anchor is re-read after every saved range).
  auto r = run_call_off(*db_, "default", *Date::parse("2026-03-02"), fixed_now, 1);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->counts.at("chunks"), 4);
  EXPECT_EQ(r->counts.at("patients"), 4);
  EXPECT_EQ(r->counts.at("orders"), 4);
  EXPECT_EQ(scalar("SELECT count(DISTINCT key) FROM rx_aggregates WHERE kind = 'sales_order'"), 4);
  EXPECT_EQ(scalar("SELECT count(*) FROM rx_aggregates WHERE kind = 'sales_order' AND key = "
                   "'VA00000004' AND patient_id = 'P-SOUTH'"),
            1);
  // The plan update in ranges of three sees every patient's line once.
  auto u = run_plan_update(*db_, "default", *Date::parse("2026-04-02"), fixed_now, 3);
  ASSERT_TRUE(u) << u.error().to_string();
  EXPECT_EQ(u->counts.at("chunks"), 2);
  EXPECT_EQ(u->counts.at("lines_seen"), 4);
  EXPECT_NE(u->log.find("plan update 2026-04-02: 4 line(s)"), std::string::npos) << u->log;

  // A failure in a later range rolls back the earlier ranges too.
  ASSERT_TRUE(db_->exec("UPDATE rx_aggregates SET body = '{\"x\":1}' WHERE kind = 'case' AND "
                        "patient_id = 'P-SOUTH'"));
  const auto before = scalar("SELECT sum(revision) FROM rx_aggregates");
  auto failed = run_plan_update(*db_, "default", *Date::parse("2026-05-02"), fixed_now, 1);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, DiagCode::RxStoredCorrupt);
  EXPECT_EQ(scalar("SELECT sum(revision) FROM rx_aggregates"), before);
}

TEST_F(RxRepositoryTest, ImportLoadsOnlyThePatientsItNames) {
  ASSERT_EQ(import(stoma_for("P-SOUTH"), "south.json").state, "applied");
  // Another patient's stored plan cannot be read: an import for P-ADULT does
  // not load it (a whole-tenant load would fail with RXS002).
  ASSERT_TRUE(db_->exec("UPDATE rx_aggregates SET body = '{\"x\":1}' WHERE kind = "
                        "'delivery_plan' AND key = 'P-SOUTH'"));
  auto r = import(kCases, "cases.json");
  ASSERT_EQ(r.state, "applied");
  // Case numbers continue after the stored ones (the anchor), not from 1.
  EXPECT_EQ(r.cases.at("rolli"), "VG000002");
  EXPECT_EQ(r.cases.at("stoma"), "VG000003");
  // A status change names a stored case only: its patient is found through it.
  auto sc = import(R"({"format":"carebridge-canonical","version":1,"documents":[
    {"kind":"requirement_status","case":"VG000002","requirement":"VO","status":"20",
     "date":"2026-03-02"}]})",
                   "status.json");
  EXPECT_EQ(sc.state, "applied");
  EXPECT_EQ(scalar("SELECT revision FROM rx_aggregates WHERE kind = 'case' AND key = 'VG000002'"), 2);
  // A delivery note number already stored for another patient is a duplicate.
  rx::Workspace all;
  auto loaded = load_rx_workspace(*db_, "default", all);
  EXPECT_FALSE(loaded);
}

TEST_F(RxRepositoryTest, FailedCommandWritesNothing) {
  ASSERT_EQ(import(kCases, "cases.json").state, "applied");
  auto r = with_rx_workspace(*db_, "default", fixed_now(), [](rx::Workspace& ws) -> Result<void> {
    if (auto ok = rx::set_therapy_end(ws, "VG000002", 1, *Date::parse("2026-05-15"),
                                      *Date::parse("2026-03-02"));
        !ok) {
      return ok;
    }
    return fail(DiagCode::RxCommandRefused, "refused after the change");
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(scalar("SELECT max(revision) FROM rx_aggregates"), 1);
  rx::Workspace ws;
  ASSERT_TRUE(load_rx_workspace(*db_, "default", ws));
  EXPECT_FALSE(ws.cases.find("VG000002")->periods.front().actual_end.has_value());
}

TEST_F(RxRepositoryTest, BrokenReferenceRejectsTheWholeMessage) {
  auto r = import(R"({"format":"carebridge-canonical","version":1,"documents":[
    {"kind":"error_code","code":"NEU"},
    {"kind":"case","ref":"x","patient":"P-ADULT","case_type":"HM","contract":"K-NONE"}]})",
                  "bad.json");
  EXPECT_EQ(r.state, "rejected");
  ASSERT_FALSE(r.diagnostics.empty());
  const auto& d = r.diagnostics.front();
  EXPECT_EQ(d.code, DiagCode::RxUnknownReference);
  EXPECT_EQ(d.where.field, "/documents/1/contract");
  EXPECT_NE(d.message.find("case 'x'"), std::string::npos) << d.message;
  EXPECT_EQ(scalar("SELECT count(*) FROM rx_aggregates WHERE kind = 'error_code' AND key = 'NEU'"), 0);
}

TEST_F(RxRepositoryTest, CorruptRowIsReported) {
  ASSERT_TRUE(db_->exec("UPDATE rx_aggregates SET body = '{\"number\":\"K-ROLLI\",\"colour\":1}' "
                        "WHERE kind = 'contract' AND key = 'K-ROLLI'"));
  rx::Workspace ws;
  auto r = load_rx_workspace(*db_, "default", ws);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, DiagCode::RxStoredCorrupt);
  EXPECT_NE(r.error().message.find("contract K-ROLLI"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace cb::app
