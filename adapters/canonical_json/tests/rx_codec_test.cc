// The rx kinds of the canonical JSON: round trips of import documents and of
// the aggregates the store keeps, defaults that are omitted but survive, and
// strictness (unknown enum texts, unknown fields inside nested objects).

#include "adapters/canonical_json/rx_codec.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "adapters/canonical_json/canonical_json.h"

namespace cb::adapters::canonical_json {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Date d(const char* text) { return *Date::parse(text); }

rx::Case sample_case() {
  rx::Case c;
  c.no = "VG000001";
  c.patient_id = "P-1";
  c.case_type = "ST";
  c.payer_id = "K-AOK";
  c.created_on = d("2026-03-02");
  c.pool_query.outcome = rx::PoolOutcome::positive;
  c.pool_query.serial_no = "SN-1";
  rx::CasePeriod p;
  p.contract_no = "K-STOMA";
  p.status = rx::PeriodStatus::released;
  p.start = d("2026-03-01");
  p.end = d("2027-02-28");
  p.billing_interval = *DateFormula::parse("1M");
  p.billing_method = rx::BillingMethod::p302;
  p.info_template = "";  // differs from the contract period's "NN" default: must survive
  p.billing_periods.push_back(rx::BillingPeriod{1, d("2026-03-01"), d("2026-03-31"), d("2026-03-31"), false});
  rx::Requirement r;
  r.line_no = 10000;
  r.code = "KV";
  r.status = "10";
  r.history.push_back(rx::StatusChange{d("2026-03-03"), "clerk", "00", "10", "sent"});
  p.requirements.push_back(r);
  rx::CaseLine l;
  l.line_no = 10000;
  l.number = "STOMA-A";
  l.quantity = *Decimal::parse("30.5");
  l.delivery_type = rx::DeliveryType::periodic;
  l.delivery_line_no = 10000;
  p.lines.push_back(l);
  c.periods.push_back(p);
  return c;
}

TEST(RxCodec, CaseAggregateRoundTrips) {
  const rx::Case c = sample_case();
  const std::string json = encode_aggregate(c);
  auto back = decode_aggregate<rx::Case>(json, "case VG000001");
  ASSERT_TRUE(back) << back.error().front().to_string();
  EXPECT_EQ(*back, c);
  // Defaults are omitted: an open-ended optional and a default enum are absent.
  EXPECT_EQ(json.find("actual_end"), std::string::npos) << json;
  EXPECT_EQ(json.find("extension_mode"), std::string::npos) << json;
  EXPECT_NE(json.find("\"billing_method\":\"p302\""), std::string::npos) << json;
}

TEST(RxCodec, DeliveryPlanAndOrderRoundTrip) {
  rx::DeliveryPlan plan;
  plan.patient_id = "P-1";
  rx::DeliveryLine line;
  line.line_no = 10000;
  line.case_no = "VG000001";
  line.status = rx::PlanLineStatus::released;
  line.delivery_type = rx::DeliveryType::call_off;
  line.start = d("2026-03-02");
  line.planned_until = d("2027-04-02");
  rx::Schedule s;
  s.no = 1;
  s.planned_date = d("2026-03-20");
  s.status = rx::ScheduleStatus::fixed;
  s.error_code = "NOTFALL";
  s.document_no = "VA000001";
  s.document_line_no = 10000;
  s.emergency = true;
  s.quantity = Decimal::from_int(200);
  line.schedules.push_back(s);
  plan.lines.push_back(line);
  auto back = decode_aggregate<rx::DeliveryPlan>(encode_aggregate(plan), "plan P-1");
  ASSERT_TRUE(back) << back.error().front().to_string();
  EXPECT_EQ(*back, plan);

  rx::SalesOrder o;
  o.no = "VA000001";
  o.patient_id = "P-1";
  o.order_date = d("2026-03-15");
  o.lines.push_back(rx::SalesOrderLine{10000, "VG000001", 1, 10000, 1, "PEN", "", "",
                                       Decimal::from_int(200), "ST", d("2026-03-20"), false});
  auto ob = decode_aggregate<rx::SalesOrder>(encode_aggregate(o), "order");
  ASSERT_TRUE(ob);
  EXPECT_EQ(*ob, o);
}

TEST(RxCodec, PlanSetupKeepsItsNamedErrorCodes) {
  rx::PlanSetup s = rx::PlanSetup::defaults();
  s.call_off_lead_days = 5;
  s.emergency_error_code = "EILT";
  auto back = decode_aggregate<rx::PlanSetup>(encode_aggregate(s), "plan setup");
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, s);
}

TEST(RxCodec, StoredJsonWithUnknownEnumOrFieldIsRefused) {
  auto bad_enum = decode_aggregate<rx::Case>(
      R"({"number":"VG1","patient":"P","created_on":"2026-01-01","plan_type":"lease"})", "case VG1");
  ASSERT_FALSE(bad_enum);
  EXPECT_EQ(bad_enum.error().front().code, DiagCode::JsonBadValue);
  EXPECT_NE(bad_enum.error().front().message.find("lease"), std::string::npos);
  auto nested = decode_aggregate<rx::Case>(
      R"({"number":"VG1","patient":"P","created_on":"2026-01-01","pool_query":{"outcom":"positive"}})",
      "case VG1");
  ASSERT_FALSE(nested);
  EXPECT_EQ(nested.error().front().code, DiagCode::JsonUnknownField);
  EXPECT_EQ(nested.error().front().where.field, "/pool_query/outcom");
}

TEST(RxCodec, GoldenRoundTripIsAFixedPoint) {
  const std::string dir = std::string(CAREBRIDGE_SOURCE_DIR) + "/fixtures/canonical-json/rx-roundtrip/";
  const std::string expected = slurp(dir + "expected.json");
  auto first = read(slurp(dir + "input.json"), "input.json");
  ASSERT_EQ(first.outcome, Outcome::ok) << first.diagnostics.front().to_string();
  auto again = read(expected, "expected.json");
  ASSERT_EQ(again.outcome, Outcome::ok);
  EXPECT_EQ(again.documents, first.documents);
  EXPECT_EQ(write(again.documents), expected);
  // Every rx kind that the import takes is in the golden file.
  std::set<std::string> kinds;
  for (const auto& doc : first.documents.documents) kinds.insert(std::string(document_kind(doc)));
  for (const char* k : {"resource", "work_type", "contract_finding_item", "price_list",
                        "discount_reason", "error_code", "posting_code", "delivery_hierarchy",
                        "requirement_code", "status_template", "info_template", "plan_setup",
                        "serial_card", "contract", "case", "requirement_status", "delivery_note"}) {
    EXPECT_TRUE(kinds.contains(k)) << k;
  }
}

}  // namespace
}  // namespace cb::adapters::canonical_json
