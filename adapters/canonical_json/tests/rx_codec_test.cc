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

TEST(RxCodec, BillingAggregatesRoundTrip) {
  rx::BillingPlan plan;
  plan.patient_id = "P-1";
  rx::BillingLine l;
  l.line_no = 10000;
  l.case_no = "VG000001";
  l.case_line_no = 10000;
  l.contract_line_no = 20000;
  l.delivery_line_no = 10000;
  l.process = rx::BillingProcess::flat_rate;
  l.kind = rx::LineKind::resource;
  l.number = "PAU";
  l.recipient_role = "KK-AB";
  l.recipient_id = "K-DAK";
  l.billing_method = rx::BillingMethod::p302;
  l.price_origin = rx::PriceOrigin::contract;
  l.unit_price = Decimal::parse("89.99").value();
  l.price_fixation_date = d("2026-01-01");
  l.extra_fields = {{"LKZ", "08"}, {"ACTK302", "1502"}, {"HMV-NR", "2922010001"}};
  l.last_schedule_no_used = 1;
  rx::BillingSchedule s;
  s.no = 1;
  s.status = rx::BillingScheduleStatus::invoice;
  s.error_code = "LN-MANUELL";
  s.posting_date = d("2026-03-31");
  s.billing_period_no = 1;
  s.supply_from = d("2026-03-01");
  s.supply_to = d("2026-03-31");
  s.service_date = d("2026-03-05");
  s.invoice_no = "RE00000001";
  s.invoice_line_no = 10000;
  s.documents = {"RE00000001"};
  s.quantity = Decimal::from_int(1);
  s.unit_price = Decimal::parse("89.99").value();
  s.line_amount = Decimal::parse("89.99").value();
  s.split_amount = Decimal::parse("8.999").value();
  s.change_plan_values = true;
  l.schedules.push_back(s);
  plan.lines.push_back(l);
  auto pb = decode_aggregate<rx::BillingPlan>(encode_aggregate(plan), "billing plan");
  ASSERT_TRUE(pb) << pb.error().front().to_string();
  EXPECT_EQ(*pb, plan);

  rx::Invoice inv;
  inv.no = "RE00000001";
  inv.kind = rx::InvoiceKind::credit_note;
  inv.status = rx::InvoiceStatus::cancelled;
  inv.patient_id = "P-1";
  inv.recipient_id = "K-DAK";
  inv.billing_method = rx::BillingMethod::p302;
  inv.invoice_date = d("2026-03-31");
  inv.posting_date = d("2026-03-31");
  inv.credited_invoice_no = "RE0";
  inv.patient_share = true;
  rx::InvoiceLine il;
  il.line_no = 10000;
  il.billing_line_no = 10000;
  il.schedule_no = 1;
  il.net = Decimal::parse("89.99").value();
  il.vat_pct = Decimal::from_int(7);
  il.vat_amount = Decimal::parse("6.30").value();
  il.gross = Decimal::parse("96.29").value();
  il.service_date = d("2026-03-05");
  inv.lines.push_back(il);
  inv.compute_totals();
  const std::string json = encode_aggregate(inv);
  EXPECT_NE(json.find(R"("invoice_kind":"credit_note")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("total_gross":"96.29")"), std::string::npos) << json;
  auto ib = decode_aggregate<rx::Invoice>(json, "invoice");
  ASSERT_TRUE(ib);
  EXPECT_EQ(*ib, inv);

  rx::BillingSetup setup = rx::BillingSetup::defaults();
  setup.log_date_formula = DateFormula::parse("-5T").value();
  setup.grouping = rx::InvoiceGrouping::per_case;
  auto sb = decode_aggregate<rx::BillingSetup>(encode_aggregate(setup), "billing setup");
  ASSERT_TRUE(sb);
  EXPECT_EQ(*sb, setup);
  auto bad = decode_aggregate<rx::Invoice>(
      R"({"number":"RE1","patient":"P","invoice_date":"2026-01-01","posting_date":"2026-01-01","status":"void"})",
      "invoice RE1");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().front().code, DiagCode::JsonBadValue);
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
