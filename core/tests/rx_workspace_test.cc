#include "core/rx/workspace.h"

#include <gtest/gtest.h>

#include "core/rx/enums.h"
#include "core/rx/ids.h"
#include "core/tests/rx_fixture.h"

namespace cb::rx {
namespace {

TEST(RxWorkspace, ChangeLogKeepsTheNetEffect) {
  ChangeLog log;
  log.record(AggregateKind::case_, "VG1", ChangeOp::created);
  log.record(AggregateKind::case_, "VG1", ChangeOp::updated);
  log.record(AggregateKind::case_, "VG2", ChangeOp::created);
  log.record(AggregateKind::case_, "VG2", ChangeOp::deleted);
  log.record(AggregateKind::delivery_plan, "P1", ChangeOp::updated);
  log.record(AggregateKind::delivery_plan, "P1", ChangeOp::deleted);
  log.record(AggregateKind::contract, "K", ChangeOp::deleted);
  log.record(AggregateKind::contract, "K", ChangeOp::created);
  const auto ch = log.changes();
  ASSERT_EQ(ch.size(), 3U);
  EXPECT_EQ(ch[0], (Change{AggregateKind::contract, "K", ChangeOp::updated}));
  EXPECT_EQ(ch[1], (Change{AggregateKind::case_, "VG1", ChangeOp::created}));
  EXPECT_EQ(ch[2], (Change{AggregateKind::delivery_plan, "P1", ChangeOp::deleted}));
}

TEST(RxWorkspace, TablesRecordWritesButNotLoadsOrReads) {
  Workspace ws;
  cb::Party p;
  p.id = "P1";
  ws.parties.load("P1", p);
  EXPECT_TRUE(ws.changes().empty());
  EXPECT_NE(ws.parties.find("P1"), nullptr);
  EXPECT_TRUE(ws.changes().empty());
  ws.parties.edit("P1")->name = "x";
  ws.parties.put("P2", p);
  EXPECT_FALSE(ws.parties.erase("P9"));
  EXPECT_TRUE(ws.parties.erase("P1"));
  const auto ch = ws.changes();
  ASSERT_EQ(ch.size(), 2U);
  EXPECT_EQ(ch[0].key, "P1");
  EXPECT_EQ(ch[0].op, ChangeOp::deleted);
  EXPECT_EQ(ch[1].op, ChangeOp::created);
  ws.clear_changes();
  EXPECT_TRUE(ws.changes().empty());
  EXPECT_EQ(ws.parties.edit("nope"), nullptr);
  EXPECT_TRUE(ws.changes().empty());
  ws.set_setup(PlanSetup::defaults());
  EXPECT_EQ(ws.changes().at(0).kind, AggregateKind::plan_setup);
}

TEST(RxWorkspace, NumbersFollowTheHighestExisting) {
  Workspace ws;
  EXPECT_EQ(ws.next_number(ws.cases, kCasePrefix), "VG000001");
  Case c;
  ws.cases.load("VG000041", c);
  ws.cases.load("VG000007", c);
  ws.cases.load("X1", c);
  EXPECT_EQ(ws.next_number(ws.cases, kCasePrefix), "VG000042");
  EXPECT_EQ(format_number("VA", 1234567), "VA1234567");
  EXPECT_EQ(parse_number("VA", "VA000012"), 12);
  EXPECT_EQ(parse_number("VA", "VA00x"), 0);
  EXPECT_EQ(parse_number("VA", "VG000012"), 0);
  EXPECT_EQ(item_key("BAG", ""), "BAG");
  EXPECT_EQ(item_key("BAG", "XL"), "BAG|XL");
  EXPECT_EQ(log_key(3), "00000003");
}

TEST(RxWorkspace, ApplicationLogNumbersEntries) {
  Workspace ws;
  ws.log(test::d("2026-03-14"), LogLevel::warning, "job", "DOM032", "VG000001", "a");
  const auto& e = ws.log(test::d("2026-03-14"), LogLevel::error, "job", "", "VG000001", "b");
  EXPECT_EQ(e.no, 2);
  EXPECT_EQ(ws.app_log.size(), 2U);
  EXPECT_NE(ws.app_log.find("00000002"), nullptr);
}

TEST(RxEnums, TextRoundTrips) {
  for (auto t : {DeliveryType::none, DeliveryType::periodic, DeliveryType::call_off,
                 DeliveryType::transfer, DeliveryType::transfer_call_off,
                 DeliveryType::transfer_periodic, DeliveryType::transfer_in_advance,
                 DeliveryType::daily_periodic}) {
    EXPECT_EQ(DeliveryType_from_text(to_text(t)), t);
  }
  EXPECT_EQ(to_text(BillingMethod::p302), "p302");
  EXPECT_EQ(BillingMethod_from_text("direct"), BillingMethod::direct);
  EXPECT_FALSE(BillingMethod_from_text("P302").has_value());
  EXPECT_EQ(to_text(StatusClass::info_ok), "info_ok");
  EXPECT_TRUE(creates_schedules_at_release(DeliveryType::transfer));
  EXPECT_FALSE(creates_schedules_at_release(DeliveryType::call_off));
  EXPECT_TRUE(is_call_off(DeliveryType::transfer_call_off));
  EXPECT_TRUE(is_periodic(DeliveryType::transfer_periodic));
}

TEST(RxDiag, DomCodesAreInTheCatalogue) {
  DiagCode c{};
  ASSERT_TRUE(code_from_id("DOM001", c));
  EXPECT_EQ(c, DiagCode::DomContractNotFound);
  EXPECT_EQ(code_id(DiagCode::DomPoolQueryMissing), "DOM031");
}

}  // namespace
}  // namespace cb::rx
