#include "adapters/canonical_json/canonical_json.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "adapters/registry.h"

namespace cb::adapters::canonical_json {
namespace {

std::string demo_file() {
  std::ifstream in(std::string(CAREBRIDGE_SOURCE_DIR) + "/fixtures/demo/inbox/01-master-data.json");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string wrap(const std::string& documents) {
  return R"({"format":"carebridge-canonical","version":1,"documents":[)" + documents + "]}";
}

TEST(CanonicalJson, ReadsTheDemoMasterData) {
  auto r = read(demo_file(), "demo.json");
  ASSERT_EQ(r.outcome, Outcome::ok);
  EXPECT_TRUE(r.diagnostics.empty());
  EXPECT_EQ(r.documents.all<Party>().size(), 8u);
  EXPECT_EQ(r.documents.all<Item>().size(), 3u);
  const Party* patient = nullptr;
  for (const auto* p : r.documents.all<Party>()) {
    if (p->id == "D-20001") patient = p;
  }
  ASSERT_NE(patient, nullptr);
  EXPECT_TRUE(patient->has_role("VS-GK"));
  ASSERT_TRUE(patient->insurance_number.has_value());
  EXPECT_EQ(patient->insurance_number->str(), "A123456780");
  ASSERT_EQ(patient->assigned_roles.size(), 2u);
  EXPECT_EQ(patient->assigned_roles[0].role, "KK-KV");
  EXPECT_EQ(patient->assigned_roles[0].valid_from, Date::from_ymd(2020, 1, 1).value());
  EXPECT_EQ(patient->birth_date, Date::from_ymd(1948, 5, 17).value());
  EXPECT_EQ(patient->extra_fields.at("VS-ART"), "1");
}

TEST(CanonicalJson, RoundTripIsExactAndStable) {
  auto first = read(demo_file(), "demo.json");
  ASSERT_EQ(first.outcome, Outcome::ok);
  const std::string text = write(first.documents);
  auto second = read(text, "again.json");
  ASSERT_EQ(second.outcome, Outcome::ok);
  EXPECT_EQ(second.documents, first.documents);
  EXPECT_EQ(write(second.documents), text);
}

TEST(CanonicalJson, FieldErrorsNameLineColumnAndPointer) {
  const std::string text = "{\n  \"format\": \"carebridge-canonical\",\n  \"version\": 1,\n"
                           "  \"documents\": [\n    {\"kind\": \"item\", \"number\": \"X\",\n"
                           "     \"unit\": \"ST\", \"pzn\": \"04773415\"}\n  ]\n}\n";
  auto r = read(text, "items.json");
  ASSERT_EQ(r.outcome, Outcome::reject);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  const auto& d = r.diagnostics[0];
  EXPECT_EQ(d.code, DiagCode::IdCheckDigit);
  EXPECT_EQ(d.where.file, "items.json");
  EXPECT_EQ(d.where.line, 6u);
  EXPECT_EQ(d.where.column, 27u);  // the value, after `     "unit": "ST", "pzn": `
  EXPECT_EQ(d.where.field, "/documents/0/pzn");
  EXPECT_TRUE(r.documents.documents.empty()) << "nothing is returned from a rejected file";
}

TEST(CanonicalJson, SyntaxErrorHasPosition) {
  auto r = read("{\n  \"format\": \"carebridge-canonical\",\n  \"version\": 1 x\n}", "broken.json");
  ASSERT_EQ(r.outcome, Outcome::reject);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].code, DiagCode::JsonSyntax);
  EXPECT_EQ(r.diagnostics[0].where.line, 3u);
  EXPECT_TRUE(r.diagnostics[0].where.has_offset);
}

TEST(CanonicalJson, MissingAndMistypedFields) {
  auto r = read(wrap(R"({"kind":"party","name":"X","own_roles":"VS-GK"})"), "p.json");
  ASSERT_EQ(r.outcome, Outcome::reject);
  ASSERT_EQ(r.diagnostics.size(), 2u);
  EXPECT_EQ(r.diagnostics[0].code, DiagCode::JsonMissingField);
  EXPECT_NE(r.diagnostics[0].message.find("'id'"), std::string::npos);
  EXPECT_EQ(r.diagnostics[1].code, DiagCode::JsonBadType);
  EXPECT_EQ(r.diagnostics[1].where.field, "/documents/0/own_roles");
}

TEST(CanonicalJson, UnknownFieldsAndKindsAreErrors) {
  auto r = read(wrap(R"({"kind":"item","number":"A","unit":"ST","colour":"red"},{"kind":"order"})"),
                "x.json");
  ASSERT_EQ(r.outcome, Outcome::reject);
  ASSERT_EQ(r.diagnostics.size(), 2u);
  EXPECT_EQ(r.diagnostics[0].code, DiagCode::JsonUnknownField);
  EXPECT_EQ(r.diagnostics[1].code, DiagCode::JsonUnknownKind);
}

TEST(CanonicalJson, DuplicateDocumentIsAnError) {
  auto r = read(wrap(R"({"kind":"item","number":"A","unit":"ST"},{"kind":"item","number":"A","unit":"BTL"})"),
                "x.json");
  ASSERT_EQ(r.outcome, Outcome::reject);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].code, DiagCode::JsonDuplicateId);
  // The same number with another variant is a different item.
  auto ok = read(wrap(R"({"kind":"item","number":"A","unit":"ST"},{"kind":"item","number":"A","variant":"L","unit":"ST"})"),
                 "x.json");
  EXPECT_EQ(ok.outcome, Outcome::ok);
}

TEST(CanonicalJson, VersionAndFormatAreChecked) {
  auto r = read(R"({"format":"other","version":2,"documents":[]})", "v.json");
  ASSERT_EQ(r.outcome, Outcome::reject);
  ASSERT_EQ(r.diagnostics.size(), 2u);
  EXPECT_EQ(r.diagnostics[0].code, DiagCode::JsonVersion);
  EXPECT_EQ(r.diagnostics[1].code, DiagCode::JsonVersion);
}

TEST(CanonicalJson, KvnrIsNeverEchoedInDiagnostics) {
  auto r = read(wrap(R"({"kind":"party","id":"P","name":"N","insurance_number":"A123456781"})"),
                "p.json");
  ASSERT_EQ(r.outcome, Outcome::reject);
  ASSERT_FALSE(r.diagnostics.empty());
  for (const auto& d : r.diagnostics) {
    EXPECT_EQ(d.to_string().find("A123456781"), std::string::npos) << d.to_string();
  }
}

TEST(CanonicalJson, DetectRecognisesOnlyCanonicalFiles) {
  const auto* a = default_registry().find("canonical-json");
  EXPECT_GE(a->detect(demo_file()), 90);
  EXPECT_EQ(a->detect(R"({"hello": "world"})"), 0);
  EXPECT_EQ(a->detect("UNA:+.? 'UNB+UNOC:3"), 0);
  EXPECT_EQ(a->detect(""), 0);
}

}  // namespace
}  // namespace cb::adapters::canonical_json

namespace cb::adapters::canonical_json {
namespace {

// Regression: found by the fuzzer; nlohmann throws out_of_range, not parse_error.
TEST(CanonicalJson, NumberOverflowIsRejectedNotThrown) {
  auto r = read("2e58777", "n.json");
  EXPECT_EQ(r.outcome, Outcome::reject);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].code, DiagCode::JsonSyntax);
  auto nested = read(R"({"format":"carebridge-canonical","version":1e99999,"documents":[]})", "n.json");
  EXPECT_EQ(nested.outcome, Outcome::reject);
}

}  // namespace
}  // namespace cb::adapters::canonical_json

namespace cb::adapters::canonical_json {
namespace {

TEST(CanonicalJson, ReportsBusinessKeysOfInterchangeAndDeliveryNotes) {
  auto master = read(wrap(R"({"kind":"item","number":"I-1","unit":"ST"})"), "m.json");
  ASSERT_EQ(master.outcome, Outcome::ok);
  EXPECT_TRUE(master.business_keys.empty());  // master data: a second file updates it

  auto keyed = read(R"({"format":"carebridge-canonical","version":1,"interchange_ref":"ORD-4711",)"
                    R"("documents":[{"kind":"item","number":"I-1","unit":"ST"}]})",
                    "k.json");
  ASSERT_EQ(keyed.outcome, Outcome::ok) << (keyed.diagnostics.empty() ? "" : keyed.diagnostics[0].to_string());
  EXPECT_EQ(keyed.business_keys, std::vector<std::string>{"interchange:ORD-4711"});

  std::ifstream in(std::string(CAREBRIDGE_SOURCE_DIR) +
                   "/fixtures/canonical-json/rx-roundtrip/expected.json");
  std::ostringstream ss;
  ss << in.rdbuf();
  auto notes = read(ss.str(), "rx.json");
  ASSERT_EQ(notes.outcome, Outcome::ok) << (notes.diagnostics.empty() ? "" : notes.diagnostics[0].to_string());
  EXPECT_EQ(notes.business_keys, std::vector<std::string>{"delivery-note:LS-1"});

  // A rejected file reports no keys.
  auto bad = read(R"({"format":"carebridge-canonical","version":1,"interchange_ref":"X",)"
                  R"("documents":[{"kind":"item"}]})",
                  "b.json");
  EXPECT_EQ(bad.outcome, Outcome::reject);
  EXPECT_TRUE(bad.business_keys.empty());
}

}  // namespace
}  // namespace cb::adapters::canonical_json
