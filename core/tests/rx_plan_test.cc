#include "core/rx/plan_engine.h"

#include <gtest/gtest.h>

#include "core/rx/case_engine.h"
#include "core/rx/requirements.h"
#include "core/tests/rx_fixture.h"

namespace cb::rx {
namespace {

using test::d;
using test::f;

class PlanTest : public ::testing::Test {
 protected:
  void SetUp() override { test::fill(ws); }

  std::string stoma(Date when, const std::string& patient = "P1") {
    CreateCaseInput in;
    in.patient_id = patient;
    in.contract_no = "P-STOMA";
    in.lines = {{10000, "", "", std::nullopt, ""}, {20000, "BAG-A", "", std::nullopt, ""}};
    return create_case(ws, in, when).value();
  }
  std::string purchase(Date when, const std::string& patient = "P1") {
    CreateCaseInput in;
    in.patient_id = patient;
    in.contract_no = "K-ROLL";
    in.lines = {{10000, "", "", std::nullopt, ""}};
    return create_case(ws, in, when).value();
  }
  void info_ok(const std::string& case_no) {
    for (const char* code : {"VO", "KV"}) {
      ASSERT_TRUE(set_requirement_status(ws, {case_no, 1, code, 0, "20", "u", ""},
                                         d("2026-03-14"))
                      .has_value());
    }
  }
  const DeliveryLine& line(const std::string& patient = "P1", std::size_t i = 0) {
    return ws.plans.find(patient)->lines.at(i);
  }

  Workspace ws;
};

TEST_F(PlanTest, ReleaseBuildsSchedulesUpToTheHorizon) {
  // A 60-month case so that the 13M horizon is the bound, not the case end.
  ws.contracts.edit("P-STOMA")->versions[0].periods[0].case_duration = f("60M");
  const std::string c = stoma(d("2026-03-14"));
  ASSERT_TRUE(release_line(ws, "P1", 10000, d("2026-03-14")).has_value());
  const DeliveryLine& l = line();
  EXPECT_EQ(l.status, PlanLineStatus::released);
  // 2026-03-01 .. 2027-04-01 (horizon 2027-04-14): 14 schedules.
  ASSERT_EQ(l.schedules.size(), 14U);
  EXPECT_EQ(l.schedules.front().planned_date, d("2026-03-01"));
  EXPECT_EQ(l.schedules.back().planned_date, d("2027-04-01"));
  EXPECT_EQ(l.schedules.back().no, 14);
  EXPECT_EQ(l.schedules[0].quantity, Decimal::from_int(30));
  EXPECT_EQ(l.schedules[0].item_no, "BAG-A");
  EXPECT_EQ(l.planned_until, d("2027-04-14"));
  EXPECT_EQ(release_line(ws, "P1", 10000, d("2026-03-14")).error().code,
            DiagCode::DomPlanLineStatus);
  EXPECT_EQ(release_line(ws, "P1", 90000, d("2026-03-14")).error().code,
            DiagCode::DomPlanLineNotFound);
  (void)c;
}

TEST_F(PlanTest, PlanUpdateExtendsTheHorizonDayByDay) {
  ws.contracts.edit("P-STOMA")->versions[0].periods[0].case_duration = f("60M");
  stoma(d("2026-03-14"));
  ASSERT_TRUE(release_line(ws, "P1", 10000, d("2026-03-14")).has_value());
  std::size_t created = 0;
  Date day = d("2026-03-15");
  for (; day <= d("2026-05-01"); day = day.add_days(1)) {
    ws.clear_changes();
    auto r = plan_update(ws, day);
    created += r.schedules_created;
    if (day == d("2026-04-01")) {
      // Horizon 2027-05-01 reached: the schedule of 2027-05-01 appears today.
      EXPECT_EQ(r.schedules_created, 1U);
      EXPECT_EQ(ws.changes().size(), 1U);
    } else if (day == d("2026-03-31")) {
      EXPECT_EQ(r.schedules_created, 0U);
      EXPECT_TRUE(ws.changes().empty()) << "a day without work changes nothing";
    }
  }
  EXPECT_EQ(created, 2U);  // 2027-05-01 and 2027-06-01
  EXPECT_EQ(line().schedules.back().planned_date, d("2027-06-01"));
  EXPECT_EQ(line().schedules.size(), 16U);
  // Numbers stay unique and ascending.
  for (std::size_t i = 0; i < line().schedules.size(); ++i) {
    EXPECT_EQ(line().schedules[i].no, static_cast<int>(i) + 1);
  }
}

TEST_F(PlanTest, PlanUpdateStopsAtThePeriodEnd) {
  stoma(d("2026-03-14"));  // 12M: ends 2027-02-28
  ASSERT_TRUE(release_line(ws, "P1", 10000, d("2026-03-14")).has_value());
  ASSERT_EQ(line().schedules.size(), 12U);
  auto r = plan_update(ws, d("2026-09-01"));
  EXPECT_EQ(r.schedules_created, 0U);
  EXPECT_EQ(line().schedules.back().planned_date, d("2027-02-01"));
}

TEST_F(PlanTest, CallOffWithALeadTimeOfFiveDays) {
  PlanSetup s = ws.setup();
  s.call_off_lead_days = 5;
  ws.set_setup(s);
  const std::string c = stoma(d("2026-03-14"));
  ASSERT_TRUE(release_period(ws, c, 1, d("2026-03-14")).has_value());
  // The March schedule is due at once; April's (2026-04-01) on 2026-03-27.
  auto r = call_off_orders(ws, d("2026-03-14"));
  ASSERT_EQ(r.orders.size(), 1U);
  EXPECT_EQ(r.orders[0], "VA00000001");
  EXPECT_EQ(r.lines_called_off, 1U);
  r = call_off_orders(ws, d("2026-03-26"));
  EXPECT_TRUE(r.orders.empty());
  r = call_off_orders(ws, d("2026-03-27"));
  ASSERT_EQ(r.orders.size(), 1U);
  EXPECT_EQ(r.orders[0], "VA00000002");
  const SalesOrder* o = ws.sales_orders.find("VA00000002");
  ASSERT_EQ(o->lines.size(), 1U);
  EXPECT_EQ(o->lines[0].planned_date, d("2026-04-01"));
  EXPECT_EQ(o->lines[0].schedule_no, 2);
  EXPECT_EQ(o->order_type, "LIEFERPL");
  const Schedule& april = line().schedules[1];
  EXPECT_EQ(april.status, ScheduleStatus::fixed);
  EXPECT_EQ(april.document_no, "VA00000002");
  EXPECT_EQ(line().next_call_off, d("2026-04-26"));  // May schedule minus 5 days
  EXPECT_EQ(line().quantity_in_order, Decimal::from_int(60));
}

TEST_F(PlanTest, CallOffGroupsPerPatientAndSkipsBlocked) {
  const std::string s1 = stoma(d("2026-03-14"), "P1");
  const std::string k1 = purchase(d("2026-03-14"), "P1");
  const std::string s3 = stoma(d("2026-03-14"), "P3");
  for (const auto& c : {s1, k1, s3}) ASSERT_TRUE(release_period(ws, c, 1, d("2026-03-14")));
  auto r = call_off_orders(ws, d("2026-03-14"));
  // P1: stoma only (the purchase waits for VO/KV); P3: stoma.
  ASSERT_EQ(r.orders.size(), 2U);
  EXPECT_EQ(ws.sales_orders.find("VA00000001")->patient_id, "P1");
  EXPECT_EQ(ws.sales_orders.find("VA00000001")->lines.size(), 1U);
  EXPECT_EQ(ws.sales_orders.find("VA00000002")->patient_id, "P3");
  ASSERT_EQ(r.blocked.size(), 1U);
  EXPECT_EQ(r.blocked[0].line_no, 20000);
  info_ok(k1);
  r = call_off_orders(ws, d("2026-03-15"));
  ASSERT_EQ(r.orders.size(), 1U);
  EXPECT_EQ(ws.sales_orders.find(r.orders[0])->lines[0].item_no, "ROLL-1");
}

TEST_F(PlanTest, BlockingErrorCodeAndOpenPeriodPreventCallOff) {
  const std::string c = stoma(d("2026-03-14"));
  ASSERT_TRUE(release_line(ws, "P1", 10000, d("2026-03-14")));
  auto r = call_off_orders(ws, d("2026-03-14"));
  ASSERT_EQ(r.blocked.size(), 1U);
  EXPECT_EQ(r.blocked[0].reason, "period not released");
  ASSERT_TRUE(release_period(ws, c, 1, d("2026-03-14")));
  ws.plans.edit("P1")->lines[0].schedules[0].error_code = "TAUSCH";
  r = call_off_orders(ws, d("2026-03-14"));
  EXPECT_TRUE(r.orders.empty());
  EXPECT_EQ(r.blocked[0].reason, "error code TAUSCH");
  ws.plans.edit("P1")->lines[0].schedules[0].error_code = "INFO";  // does not block
  r = call_off_orders(ws, d("2026-03-14"));
  EXPECT_EQ(r.orders.size(), 1U);
}

TEST_F(PlanTest, ContractBlockedAfterEnd) {
  ws.contracts.edit("P-STOMA")->versions[0].valid_to = d("2026-04-30");
  ws.contracts.edit("P-STOMA")->versions[0].blocked_after_end = true;
  const std::string c = stoma(d("2026-03-14"));
  ASSERT_TRUE(release_period(ws, c, 1, d("2026-03-14")));
  auto r = call_off_orders(ws, d("2026-05-01"));
  EXPECT_EQ(r.lines_called_off, 2U);  // March and April; May lies after the contract end
  ASSERT_EQ(r.blocked.size(), 1U);
  EXPECT_EQ(r.blocked[0].reason, "contract ended");
}

TEST_F(PlanTest, ResetToOpenKeepsManualAndDocumentedSchedules) {
  const std::string c = stoma(d("2026-03-14"));
  ASSERT_TRUE(release_period(ws, c, 1, d("2026-03-14")));
  ASSERT_EQ(call_off_orders(ws, d("2026-03-14")).orders.size(), 1U);
  ws.plans.edit("P1")->lines[0].schedules[5].manual = true;
  ASSERT_TRUE(reset_line(ws, "P1", 10000).has_value());
  const DeliveryLine& l = line();
  EXPECT_EQ(l.status, PlanLineStatus::open);
  ASSERT_EQ(l.schedules.size(), 2U);
  EXPECT_EQ(l.schedules[0].document_no, "VA00000001");
  EXPECT_TRUE(l.schedules[1].manual);
  // Released again: numbering continues, never reuses deleted numbers.
  ASSERT_TRUE(release_line(ws, "P1", 10000, d("2026-03-14")));
  EXPECT_GT(line().schedules.back().no, 12);
}

TEST_F(PlanTest, DeleteOnlyWithoutOrdersOrDeliveries) {
  const std::string c = stoma(d("2026-03-14"));
  ASSERT_TRUE(release_period(ws, c, 1, d("2026-03-14")));
  ASSERT_EQ(call_off_orders(ws, d("2026-03-14")).orders.size(), 1U);
  EXPECT_EQ(delete_line(ws, "P1", 10000).error().code, DiagCode::DomPlanLineHasDocuments);
  const std::string k = purchase(d("2026-03-14"));
  ASSERT_TRUE(delete_line(ws, "P1", 20000).has_value());
  EXPECT_EQ(ws.plans.find("P1")->lines.size(), 1U);
  EXPECT_FALSE(ws.cases.find(k)->periods[0].lines[0].delivery_line_no.has_value());
}

TEST_F(PlanTest, CallOffLinesNeedCallOffPositions) {
  ws.contracts.edit("K-ROLL")->versions[0].lines[0].delivery_type = DeliveryType::call_off;
  ws.contracts.edit("K-ROLL")->versions[0].periods[0].info_template = "NN";
  const std::string k = purchase(d("2026-03-14"));
  ASSERT_TRUE(release_period(ws, k, 1, d("2026-03-14")));
  EXPECT_TRUE(line().schedules.empty());
  EXPECT_TRUE(call_off_orders(ws, d("2026-03-14")).orders.empty());
  auto no = create_call_off_position(ws, "P1", 10000, d("2026-03-20"), test::dec("2"));
  ASSERT_TRUE(no.has_value());
  EXPECT_EQ(*no, 1);
  auto r = call_off_orders(ws, d("2026-03-20"));
  ASSERT_EQ(r.orders.size(), 1U);
  EXPECT_EQ(ws.sales_orders.find(r.orders[0])->lines[0].quantity, Decimal::from_int(2));
  // Not on a periodic line.
  stoma(d("2026-03-14"));
  EXPECT_EQ(create_call_off_position(ws, "P1", 20000, d("2026-03-20"), std::nullopt).error().code,
            DiagCode::DomNotCallOffLine);
}

TEST_F(PlanTest, DailyPeriodicIsNotReleased) {
  ws.contracts.edit("K-ROLL")->versions[0].lines[0].delivery_type = DeliveryType::daily_periodic;
  purchase(d("2026-03-14"));
  EXPECT_EQ(release_line(ws, "P1", 10000, d("2026-03-14")).error().code,
            DiagCode::DomDeliveryTypeNotReleasable);
}

TEST_F(PlanTest, TransferInAdvanceCreatesTransferAndSale) {
  ContractLine& cl = ws.contracts.edit("K-ROLL")->versions[0].lines[0];
  cl.delivery_type = DeliveryType::transfer_in_advance;
  cl.delivery_interval = f("4W");
  purchase(d("2026-03-14"));
  ASSERT_TRUE(release_line(ws, "P1", 10000, d("2026-03-14")));
  ASSERT_EQ(line().schedules.size(), 2U);
  EXPECT_EQ(line().schedules[1].planned_date, d("2026-04-11"));
}

TEST_F(PlanTest, PostDeliveryMakesTheDeliveryProof) {
  const std::string k = purchase(d("2026-03-14"));
  info_ok(k);
  ASSERT_TRUE(release_period(ws, k, 1, d("2026-03-14")));
  auto r = call_off_orders(ws, d("2026-03-14"));
  ASSERT_EQ(r.orders.size(), 1U);
  DeliveryNote note;
  note.no = "LS-1";
  note.patient_id = "P1";
  note.date = d("2026-03-18");
  note.lines = {{10000, "VA00000001", 10000, "ROLL-1", "", "SN-1", Decimal::from_int(1), "ST"}};
  ASSERT_TRUE(post_delivery(ws, note).has_value());
  const Schedule& s = line().schedules[0];
  EXPECT_EQ(s.status, ScheduleStatus::delivery);
  EXPECT_EQ(s.document_type, "delivery");
  EXPECT_EQ(s.document_no, "LS-1");
  EXPECT_EQ(s.serial_no, "SN-1");
  EXPECT_EQ(line().last_delivery, d("2026-03-18"));
  const CasePeriod& p = ws.cases.find(k)->periods[0];
  ASSERT_EQ(p.proofs.size(), 1U);
  EXPECT_EQ(p.proofs[0].delivery_note_no, "LS-1");
  EXPECT_EQ(p.proofs[0].date, d("2026-03-18"));
  EXPECT_EQ(p.proofs[0].serial_no, "SN-1");
  EXPECT_NE(ws.serial_cards.find("ROLL-1|SN-1"), nullptr);
  EXPECT_NE(ws.delivery_notes.find("LS-1"), nullptr);
  // Posting again or delivering the same order line twice is refused.
  EXPECT_EQ(post_delivery(ws, note).error().code, DiagCode::DomDeliveryNoteDuplicate);
  note.no = "LS-2";
  EXPECT_EQ(post_delivery(ws, note).error().code, DiagCode::DomAlreadyDelivered);
  note.lines[0].order_line_no = 20000;
  EXPECT_EQ(post_delivery(ws, note).error().code, DiagCode::DomOrderLineNotFound);
  // The ended purchase line ends in the plan update.
  auto u = plan_update(ws, d("2026-03-19"));
  EXPECT_EQ(u.lines_ended, 0U);  // the purchase period has no end
}

TEST_F(PlanTest, PostDeliveryIsAllOrNothing) {
  const std::string c = stoma(d("2026-03-14"));
  ASSERT_TRUE(release_period(ws, c, 1, d("2026-03-14")));
  ASSERT_EQ(call_off_orders(ws, d("2026-03-14")).orders.size(), 1U);
  DeliveryNote note;
  note.no = "LS-9";
  note.patient_id = "P1";
  note.date = d("2026-03-15");
  note.lines = {{10000, "", 0, "BAG-A", "", "", Decimal::from_int(30), "ST"},
                {20000, "", 0, "CATH-1", "", "", Decimal::from_int(1), "ST"}};
  ws.clear_changes();
  auto r = post_delivery(ws, note);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, DiagCode::DomOrderLineNotFound);
  EXPECT_EQ(r.error().where.field, "lines/1");
  EXPECT_TRUE(ws.changes().empty());
  EXPECT_EQ(line().schedules[0].status, ScheduleStatus::fixed);
  // Without the bad line, the item is matched to the called-off schedule.
  note.lines.pop_back();
  ASSERT_TRUE(post_delivery(ws, note).has_value());
  EXPECT_EQ(line().schedules[0].status, ScheduleStatus::delivery);
}

TEST_F(PlanTest, ExpiredDateCodeOnPastSchedulesNoLongerNeeded) {
  const std::string c = stoma(d("2026-03-14"));
  ASSERT_TRUE(release_line(ws, "P1", 10000, d("2026-03-14")));  // period stays open: no call-off
  auto r = plan_update(ws, d("2026-04-02"));
  // March is past and April is due: March is no longer needed. April is not expired.
  EXPECT_EQ(r.schedules_expired, 1U);
  EXPECT_EQ(line().schedules[0].error_code, "ABGELAUFEN");
  EXPECT_EQ(line().schedules[1].error_code, "");
  (void)c;
}

TEST_F(PlanTest, TherapyEndSchedulesNotRecreatedByPlanUpdate) {
  ws.contracts.edit("P-STOMA")->versions[0].periods[0].case_duration = f("60M");
  const std::string c = stoma(d("2026-03-14"));
  ASSERT_TRUE(release_period(ws, c, 1, d("2026-03-14")));
  ASSERT_TRUE(set_therapy_end(ws, c, 1, d("2026-04-15"), d("2026-04-15")));
  EXPECT_EQ(line().schedules.size(), 2U);
  plan_update(ws, d("2026-04-16"));
  plan_update(ws, d("2026-06-16"));
  EXPECT_EQ(line().schedules.size(), 2U);
  // April is past the end and called off/delivered? No: both without documents.
  EXPECT_EQ(line().status, PlanLineStatus::released);
}

}  // namespace
}  // namespace cb::rx

namespace cb::rx {
namespace {

TEST_F(PlanTest, PlanUpdateEndsFinishedLines) {
  ws.contracts.edit("P-STOMA")->versions[0].periods[0].case_duration = f("2M");
  const std::string c = stoma(d("2026-03-14"));  // 2026-03-01 .. 2026-04-30
  ASSERT_TRUE(release_period(ws, c, 1, d("2026-03-14")));
  ASSERT_EQ(line().schedules.size(), 2U);
  ASSERT_EQ(call_off_orders(ws, d("2026-04-01")).lines_called_off, 2U);
  EXPECT_EQ(plan_update(ws, d("2026-05-01")).lines_ended, 1U);
  EXPECT_EQ(line().status, PlanLineStatus::ended);
  EXPECT_EQ(reset_line(ws, "P1", 10000).error().code, DiagCode::DomPlanLineStatus);
}

}  // namespace
}  // namespace cb::rx

namespace cb::rx {
namespace {

// A clerk's first two months of a stoma patient: daily plan update and
// call-off with a lead time of 5 days, deliveries posted two days after each
// order. Every month's bags are ordered exactly once, five days ahead, and
// nothing expires.
TEST_F(PlanTest, DailyJobsOverTwoMonths) {
  PlanSetup s = ws.setup();
  s.call_off_lead_days = 5;
  ws.set_setup(s);
  const std::string c = stoma(d("2026-03-01"));
  ASSERT_TRUE(release_period(ws, c, 1, d("2026-03-01")));
  std::vector<std::string> order_days;
  int note = 0;
  for (Date day = d("2026-03-01"); day <= d("2026-04-30"); day = day.add_days(1)) {
    auto u = plan_update(ws, day);
    EXPECT_EQ(u.schedules_expired, 0U) << day.to_string();
    auto r = call_off_orders(ws, day);
    for (const auto& o : r.orders) {
      order_days.push_back(day.to_string());
      const SalesOrder* so = ws.sales_orders.find(o);
      DeliveryNote n;
      n.no = "LS-" + std::to_string(++note);
      n.patient_id = "P1";
      n.date = day.add_days(2);
      n.lines = {{10000, o, so->lines[0].line_no, "", "", "", Decimal(), ""}};
      ASSERT_TRUE(post_delivery(ws, n).has_value());
    }
  }
  EXPECT_EQ(order_days, (std::vector<std::string>{"2026-03-01", "2026-03-27", "2026-04-26"}));
  const CasePeriod& p = ws.cases.find(c)->periods[0];
  ASSERT_EQ(p.proofs.size(), 3U);
  EXPECT_EQ(p.proofs[1].date, d("2026-03-29"));
  EXPECT_EQ(p.proofs[1].quantity, Decimal::from_int(30));
  EXPECT_EQ(line().last_delivery, d("2026-04-28"));
  EXPECT_EQ(line().quantity_in_order, Decimal());
  EXPECT_EQ(line().next_call_off, d("2026-05-27"));  // June schedule - 5 days
}

}  // namespace
}  // namespace cb::rx
