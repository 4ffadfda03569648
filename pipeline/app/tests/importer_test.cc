#include "pipeline/app/importer.h"
#include "pipeline/store/body_codec.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "pipeline/app/master_data_repository.h"
#include "pipeline/store/sqlite_database.h"

namespace cb::app {
namespace {

std::string fixed_now() { return "2026-11-23T10:00:00.000Z"; }

std::string demo_file() {
  std::ifstream in(std::string(CAREBRIDGE_SOURCE_DIR) + "/fixtures/demo/inbox/01-master-data.json");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string wrap(const std::string& documents) {
  return R"({"format":"carebridge-canonical","version":1,"documents":[)" + documents + "]}";
}

class ImporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::SqliteOptions opts;
    opts.path = ":memory:";
    opts.now = fixed_now;
    auto db = store::SqliteDatabase::open(opts);
    ASSERT_TRUE(db) << db.error().to_string();
    db_ = std::move(*db);
  }

  ImportReport import(const std::string& bytes, const std::string& source = "in.json",
                      const std::string& format = "") {
    ImportRequest req;
    req.source = source;
    req.format = format;
    req.bytes = bytes;
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

  /// The message's bytes as stored, decoded.
  std::string stored_body(std::int64_t id) {
    auto st = db_->prepare("SELECT encoding, bytes, raw_size FROM messages WHERE id = ?1");
    st->bind_int(1, id);
    auto r = st->step();
    EXPECT_TRUE(r && *r == store::Step::row);
    const std::vector<std::byte> blob = st->column_blob(1);
    const std::string_view view(reinterpret_cast<const char*>(blob.data()), blob.size());
    auto body = store::decode_body(st->column_text(0), view, st->column_int(2));
    EXPECT_TRUE(body) << body.error().to_string();
    return body ? *body : std::string();
  }

  std::unique_ptr<store::Database> db_;
};

TEST_F(ImporterTest, AppliesDocumentsAndKeepsTheMessage) {
  const auto r = import(demo_file(), "master-data.json");
  EXPECT_EQ(r.state, "applied");
  EXPECT_EQ(r.adapter, "canonical-json");
  EXPECT_EQ(r.applied.at("party"), 8);
  EXPECT_EQ(r.applied.at("item"), 3);
  EXPECT_EQ(scalar("SELECT count(*) FROM parties"), 8);
  EXPECT_EQ(scalar("SELECT count(*) FROM items"), 3);
  EXPECT_EQ(scalar("SELECT count(*) FROM party_assigned_roles"), 5);
  EXPECT_EQ(scalar("SELECT count(*) FROM messages WHERE state = 'applied' AND byte_size > 0"), 1);
  // received → parsed → applied, each audited.
  EXPECT_EQ(scalar("SELECT count(*) FROM message_events WHERE message_id = " +
                   std::to_string(r.message_id)),
            3);
  const auto parties = list_parties(*db_, "default");
  ASSERT_EQ(parties.size(), 8u);
  const auto& patient = parties[std::size_t(scalar(
      "SELECT count(*) FROM parties WHERE id < 'D-20001'"))];
  EXPECT_EQ(patient.id, "D-20001");
  EXPECT_EQ(patient.insurer_id, "K-AOK-NORD");
  EXPECT_TRUE(patient.has_insurance_number);
}

TEST_F(ImporterTest, SameBytesTwiceIsADuplicateNotAppliedAgain) {
  const auto first = import(demo_file());
  const auto second = import(demo_file(), "again.json");
  EXPECT_TRUE(second.duplicate);
  EXPECT_EQ(second.message_id, first.message_id);
  ASSERT_EQ(second.diagnostics.size(), 1u);
  EXPECT_EQ(second.diagnostics[0].code, DiagCode::ImportDuplicateMessage);
  EXPECT_EQ(scalar("SELECT count(*) FROM messages"), 1);
  EXPECT_EQ(scalar("SELECT count(*) FROM message_events WHERE note LIKE 'identical content%'"), 1);
}

TEST_F(ImporterTest, BadInputIsKeptRejectedWithDiagnostics) {
  const std::string bad = wrap(R"({"kind":"item","number":"X","unit":"ST","pzn":"123"})");
  const auto r = import(bad, "bad.json");
  EXPECT_EQ(r.state, "rejected");
  EXPECT_EQ(scalar("SELECT count(*) FROM items"), 0);
  EXPECT_EQ(scalar("SELECT count(*) FROM messages WHERE state = 'rejected'"), 1);
  EXPECT_EQ(stored_body(r.message_id), bad);
  EXPECT_EQ(scalar("SELECT count(*) FROM message_diagnostics WHERE code = 'IDN001' AND "
                   "location LIKE 'bad.json%/documents/0/pzn'"),
            1);
}

TEST_F(ImporterTest, BrokenReferenceAppliesNothingOfTheFile) {
  const std::string text =
      wrap(R"({"kind":"item","number":"OK-1","unit":"ST"},)"
           R"({"kind":"party","id":"P1","name":"N","assigned_roles":[{"role":"KK-KV","party":"NOPE"}]})");
  const auto r = import(text, "ref.json");
  EXPECT_EQ(r.state, "rejected");
  ASSERT_FALSE(r.diagnostics.empty());
  EXPECT_EQ(r.diagnostics.back().code, DiagCode::JsonBadReference);
  EXPECT_EQ(r.diagnostics.back().where.field, "/documents/1/assigned_roles/0/party");
  EXPECT_EQ(scalar("SELECT count(*) FROM items"), 0) << "the valid item must not be applied";
  EXPECT_EQ(scalar("SELECT count(*) FROM parties"), 0);
  EXPECT_EQ(scalar("SELECT count(*) FROM messages WHERE state = 'rejected'"), 1);
}

TEST_F(ImporterTest, ReferenceToAStoredPartyResolves) {
  import(wrap(R"({"kind":"party","id":"K1","name":"Insurer","ik":"101575519"})"), "a.json");
  const auto r = import(
      wrap(R"({"kind":"party","id":"P1","name":"N","assigned_roles":[{"role":"KK-KV","party":"K1"}]})"),
      "b.json");
  EXPECT_EQ(r.state, "applied");
  EXPECT_EQ(scalar("SELECT count(*) FROM party_assigned_roles WHERE target_party_id = 'K1'"), 1);
}

TEST_F(ImporterTest, ReimportReplacesRolesAndFields) {
  import(wrap(R"({"kind":"party","id":"P1","name":"N","own_roles":["VS-GK"]})"), "a.json");
  import(wrap(R"({"kind":"party","id":"P1","name":"N","own_roles":["VS-PK"],"birth_date":"1990-01-01"})"),
         "b.json");
  EXPECT_EQ(scalar("SELECT count(*) FROM party_roles WHERE party_id = 'P1'"), 1);
  EXPECT_EQ(scalar("SELECT count(*) FROM party_roles WHERE role = 'VS-PK'"), 1);
  EXPECT_EQ(scalar("SELECT count(*) FROM parties WHERE birth_date = '1990-01-01'"), 1);
}

TEST_F(ImporterTest, UnknownFormatIsRejectedAndKept) {
  const auto r = import("UNA:+.? 'UNB+UNOC:3'", "x.edi");
  EXPECT_EQ(r.state, "rejected");
  EXPECT_EQ(r.adapter, "");
  EXPECT_EQ(scalar("SELECT count(*) FROM message_diagnostics WHERE code = 'ADP001'"), 1);
  const auto named = import("{}", "y.json", "no-such-format");
  EXPECT_EQ(named.state, "rejected");
}

TEST_F(ImporterTest, TenantsAreSeparate) {
  ImportRequest req;
  req.bytes = demo_file();
  req.source = "a.json";
  req.tenant = "north";
  ASSERT_TRUE(import_message(*db_, adapters::default_registry(), req, fixed_now));
  req.tenant = "south";
  auto second = import_message(*db_, adapters::default_registry(), req, fixed_now);
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->duplicate) << "the same bytes for another tenant are a new message";
  EXPECT_EQ(list_parties(*db_, "north").size(), 8u);
  EXPECT_EQ(list_parties(*db_, "south").size(), 8u);
  EXPECT_EQ(list_parties(*db_, "default").size(), 0u);
  EXPECT_EQ(count_messages_by_state(*db_, "north").at("applied"), 1);
}

}  // namespace
}  // namespace cb::app
