#include "core/rx/case_engine.h"

#include <gtest/gtest.h>

#include "core/rx/ids.h"
#include "core/rx/plan_engine.h"
#include "core/rx/requirements.h"
#include "core/tests/rx_fixture.h"

namespace cb::rx {
namespace {

using test::d;
using test::f;

class CaseTest : public ::testing::Test {
 protected:
  void SetUp() override { test::fill(ws); }

  CreateCaseInput stoma(const std::string& patient = "P1") {
    CreateCaseInput in;
    in.patient_id = patient;
    in.case_type = "HM";
    in.contract_no = "P-STOMA";
    in.lines = {{10000, "", "", std::nullopt, ""}, {20000, "BAG-A", "", std::nullopt, ""}};
    in.user = "clerk1";
    return in;
  }

  CreateCaseInput purchase(const std::string& patient = "P1") {
    CreateCaseInput in;
    in.patient_id = patient;
    in.contract_no = "K-ROLL";
    in.lines = {{10000, "", "", std::nullopt, ""}};
    in.user = "clerk1";
    return in;
  }

  Workspace ws;
};

TEST_F(CaseTest, StomaCaseCopiesControlFieldsFromTheContractPeriod) {
  auto no = create_case(ws, stoma(), d("2026-03-14"));
  ASSERT_TRUE(no.has_value()) << no.error().to_string();
  EXPECT_EQ(*no, "VG000001");
  const Case* c = ws.cases.find(*no);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->payer_id, "K-DAK");
  ASSERT_EQ(c->periods.size(), 1U);
  const CasePeriod& p = c->periods[0];
  EXPECT_EQ(p.status, PeriodStatus::open);
  EXPECT_EQ(p.start, d("2026-03-01"));  // month start rule
  EXPECT_EQ(p.end, d("2027-02-28"));    // start + 12M - 1 day
  EXPECT_EQ(p.billing_method, BillingMethod::p302);
  EXPECT_EQ(p.billing_form, BillingForm::flat_rate);
  EXPECT_EQ(p.extension_mode, ExtensionMode::automatic);
  EXPECT_EQ(p.extension_lead_time, f("4W"));
  EXPECT_EQ(p.extra_fields.at("VS-ART"), "1");
  EXPECT_EQ(p.billing_partner_role, "KK-AB");
  EXPECT_EQ(p.billing_debtor, "K-DAK");
  EXPECT_TRUE(p.requirements.empty());  // info template NN
  // Participants from the patient's roles.
  ASSERT_EQ(p.participants.size(), 2U);
  EXPECT_EQ(p.participants[0].role, "KK-KV");
  EXPECT_EQ(p.participants[0].party_id, "K-DAK");
  // Lines: the flat rate and the bag chosen from the contract-finding item.
  ASSERT_EQ(p.lines.size(), 2U);
  EXPECT_EQ(p.lines[0].kind, LineKind::resource);
  EXPECT_FALSE(p.lines[0].delivery_line_no.has_value());
  EXPECT_EQ(p.lines[1].number, "BAG-A");
  EXPECT_EQ(p.lines[1].contract_finding_item, "VF-BAGS");
  EXPECT_EQ(p.lines[1].quantity, Decimal::from_int(30));
  EXPECT_EQ(p.lines[1].delivery_line_no, 10000);
  // The delivery plan got one open line.
  const DeliveryPlan* plan = ws.plans.find("P1");
  ASSERT_NE(plan, nullptr);
  ASSERT_EQ(plan->lines.size(), 1U);
  EXPECT_EQ(plan->lines[0].status, PlanLineStatus::open);
  EXPECT_EQ(plan->lines[0].delivery_type, DeliveryType::periodic);
  EXPECT_EQ(plan->lines[0].interval, f("1M"));
  EXPECT_TRUE(plan->lines[0].schedules.empty());
}

TEST_F(CaseTest, BillingPeriodsMonthlyWithPostingDateAtMonthEnd) {
  auto no = create_case(ws, stoma(), d("2026-03-14"));
  ASSERT_TRUE(no.has_value());
  const auto& bps = ws.cases.find(*no)->periods[0].billing_periods;
  ASSERT_EQ(bps.size(), 12U);
  EXPECT_EQ(bps[0].supply_from, d("2026-03-01"));
  EXPECT_EQ(bps[0].supply_to, d("2026-03-31"));
  EXPECT_EQ(bps[0].posting_date, d("2026-03-31"));
  EXPECT_EQ(bps[11].supply_from, d("2027-02-01"));
  EXPECT_EQ(bps[11].supply_to, d("2027-02-28"));
  EXPECT_EQ(bps[11].no, 12);
}

TEST_F(CaseTest, BillingPeriodsStopAfterTenYearsEvenWithAFixedCaseEnd) {
  ws.contracts.edit("P-STOMA")->versions[0].periods[0].fixed_case_end = d("9999-12-31");
  auto no = create_case(ws, stoma(), d("2026-03-14"));
  ASSERT_TRUE(no.has_value());
  const CasePeriod& p = ws.cases.find(*no)->periods[0];
  EXPECT_EQ(p.end, d("9999-12-31"));
  ASSERT_EQ(p.billing_periods.size(), 120U);
  EXPECT_EQ(p.billing_periods.back().supply_to, d("2036-02-29"));
}

TEST_F(CaseTest, PurchaseHasNoBillingPeriodsAndGetsRequirements) {
  auto no = create_case(ws, purchase(), d("2026-03-14"));
  ASSERT_TRUE(no.has_value()) << no.error().to_string();
  const CasePeriod& p = ws.cases.find(*no)->periods[0];
  EXPECT_EQ(p.start, d("2026-03-14"));  // working-date rule
  EXPECT_FALSE(p.end.has_value());
  EXPECT_TRUE(p.billing_periods.empty());
  ASSERT_EQ(p.requirements.size(), 3U);
  EXPECT_EQ(p.requirements[0].code, "VO");
  EXPECT_EQ(p.requirements[0].status, "00");
  EXPECT_EQ(p.requirements[1].line_no, 20000);
  EXPECT_EQ(p.requirements[1].chained_with, "VO");
  ASSERT_EQ(p.requirements[0].history.size(), 1U);
  EXPECT_EQ(p.requirements[0].history[0].user, "clerk1");
}

TEST_F(CaseTest, NoCaseWithoutAValidContract) {
  auto in = purchase();
  ws.contracts.edit("K-ROLL")->versions[0].status = ReleaseStatus::open;
  auto unreleased = create_case(ws, in, d("2026-03-14"));
  EXPECT_EQ(unreleased.error().code, DiagCode::RxpContractNotReleased);
  EXPECT_NE(unreleased.error().message.find("contract K-ROLL version 1 is not released"),
            std::string::npos)
      << unreleased.error().message;
  ws.contracts.edit("K-ROLL")->versions[0].status = ReleaseStatus::released;
  ws.contracts.edit("K-ROLL")->status = ReleaseStatus::open;
  EXPECT_EQ(create_case(ws, in, d("2026-03-14")).error().code, DiagCode::RxpContractNotReleased);
  ws.contracts.edit("K-ROLL")->status = ReleaseStatus::released;
  ws.contracts.edit("K-ROLL")->inactive = true;
  auto inactive = create_case(ws, in, d("2026-03-14"));
  EXPECT_EQ(inactive.error().code, DiagCode::RxpContractInactive);
  EXPECT_NE(inactive.error().message.find("contract K-ROLL is inactive"), std::string::npos)
      << inactive.error().message;
  EXPECT_EQ(inactive.error().where.field, "contract_no");
  ws.contracts.edit("K-ROLL")->inactive = false;
  ws.contracts.edit("K-ROLL")->valid_to = d("2025-12-31");
  EXPECT_EQ(create_case(ws, in, d("2026-03-14")).error().code, DiagCode::DomContractNotUsable);
  in.contract_no = "NONE";
  EXPECT_EQ(create_case(ws, in, d("2026-03-14")).error().code, DiagCode::DomContractNotFound);
  EXPECT_TRUE(ws.cases.empty());
}

TEST_F(CaseTest, ExistingCaseOnAContractThatBecameInactiveKeepsRunning) {
  auto no = create_case(ws, stoma(), d("2026-03-14"));
  ASSERT_TRUE(no) << no.error().to_string();
  ASSERT_TRUE(release_period(ws, *no, 1, d("2026-03-14")));
  ws.contracts.edit("P-STOMA")->inactive = true;
  // New cases: refused by name.
  EXPECT_EQ(create_case(ws, stoma("P3"), d("2026-03-20")).error().code,
            DiagCode::RxpContractInactive);
  // The existing case: the period opens and releases again, the daily plan
  // update extends its schedules, the call-off orders them, the billing
  // periods are computed as before.
  const std::size_t before = ws.plans.find("P1")->lines[0].schedules.size();
  ASSERT_TRUE(open_period(ws, *no, 1));
  EXPECT_TRUE(ws.plans.find("P1")->lines[0].schedules.empty());
  ASSERT_TRUE(release_period(ws, *no, 1, d("2026-03-20")));
  EXPECT_EQ(ws.plans.find("P1")->lines[0].schedules.size(), before);
  const PlanUpdateResult u = plan_update(ws, d("2026-04-01"));
  EXPECT_EQ(u.lines_seen, 1U);
  const CallOffResult c = call_off_orders(ws, d("2026-04-01"));
  EXPECT_EQ(c.orders.size(), 1U);
  const CasePeriod& p = ws.cases.find(*no)->periods[0];
  EXPECT_EQ(compute_billing_periods(p).size(), 12U);
  EXPECT_EQ(p.status, PeriodStatus::released);
}

TEST_F(CaseTest, BadLinesChangeNothing) {
  ws.clear_changes();
  auto in = stoma();
  in.lines[1].item_no = "CATH-1";  // not in VF-BAGS
  auto r = create_case(ws, in, d("2026-03-14"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, DiagCode::DomItemNotInGroup);
  EXPECT_EQ(r.error().where.field, "lines/1");
  in.lines[1] = {99999, "", "", std::nullopt, ""};
  EXPECT_EQ(create_case(ws, in, d("2026-03-14")).error().code, DiagCode::DomLineNotInPeriod);
  EXPECT_TRUE(ws.changes().empty());
}

TEST_F(CaseTest, CaseNumbersAreSequentialAndPlanLinesStepByTenThousand) {
  ASSERT_TRUE(create_case(ws, stoma(), d("2026-03-14")).has_value());
  auto second = create_case(ws, purchase(), d("2026-03-14"));
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(*second, "VG000002");
  const DeliveryPlan* plan = ws.plans.find("P1");
  ASSERT_EQ(plan->lines.size(), 2U);
  EXPECT_EQ(plan->lines[1].line_no, 20000);
  EXPECT_EQ(plan->lines[1].case_no, "VG000002");
  EXPECT_EQ(ws.cases_of("P1"), (std::vector<std::string>{"VG000001", "VG000002"}));
}

TEST_F(CaseTest, PrivatePurchaseBillsThePatient) {
  Contract priv = test::contract("PRIV-ROLL", ContractKind::price_debtor, "§DAK");
  priv.versions = {test::released_version(BillingMethod::direct)};
  priv.versions[0].billing_debtor_override = "§PRIVAT";
  priv.versions[0].periods = {ContractPeriod{.code = "E1"}};
  ContractLine l;
  l.line_no = 10000;
  l.number = "ROLL-1";
  priv.versions[0].lines = {l};
  ws.contracts.put(priv.number, priv);
  auto in = purchase();
  in.contract_no = "PRIV-ROLL";
  auto no = create_case(ws, in, d("2026-03-14"));
  ASSERT_TRUE(no.has_value());
  const CasePeriod& p = ws.cases.find(*no)->periods[0];
  EXPECT_EQ(p.billing_debtor, "P1");
  EXPECT_EQ(p.billing_method, BillingMethod::direct);
}

class ReuseTest : public CaseTest {
 protected:
  void SetUp() override {
    CaseTest::SetUp();
    Contract we = test::contract("WE-ROLL", ContractKind::price_debtor, "§DAK");
    we.plan_type = PlanType::reuse;
    we.versions = {test::released_version()};
    we.versions[0].periods = {ContractPeriod{.code = "WE"}};
    ContractLine l;
    l.line_no = 10000;
    l.number = "ROLL-1";
    we.versions[0].lines = {l};
    ws.contracts.put(we.number, we);
  }
  CreateCaseInput reuse(const std::string& serial) {
    CreateCaseInput in = purchase();
    in.contract_no = "WE-ROLL";
    in.period_code = "WE";
    in.pool_query = PoolQuery{PoolOutcome::positive, d("2026-03-10"), "POOL-1", "ROLL-1", "",
                              serial};
    return in;
  }
};

TEST_F(ReuseTest, PositivePoolQueryCreatesSerialCardForUnknownDevice) {
  auto no = create_case(ws, reuse("SN-777"), d("2026-03-14"));
  ASSERT_TRUE(no.has_value()) << no.error().to_string();
  const Case* c = ws.cases.find(*no);
  EXPECT_EQ(c->plan_type, PlanType::reuse);
  EXPECT_EQ(c->pool_query.outcome, PoolOutcome::positive);
  EXPECT_EQ(c->periods[0].period_code, "WE");
  EXPECT_EQ(c->periods[0].lines[0].serial_no, "SN-777");
  const SerialCard* card = ws.serial_cards.find(serial_key("ROLL-1", "SN-777"));
  ASSERT_NE(card, nullptr);
  EXPECT_EQ(card->posting_code, "F-K-DAK-K");
  EXPECT_EQ(card->last_case_no, *no);
  EXPECT_EQ(ws.plans.find("P1")->lines[0].serial_no, "SN-777");
}

TEST_F(ReuseTest, ReuseNeedsAPositivePoolQuery) {
  auto in = reuse("SN-777");
  in.pool_query.outcome = PoolOutcome::negative;
  EXPECT_EQ(create_case(ws, in, d("2026-03-14")).error().code, DiagCode::DomPoolQueryMissing);
  in = reuse("");
  EXPECT_EQ(create_case(ws, in, d("2026-03-14")).error().code, DiagCode::DomPoolQueryMissing);
  // Negative: a purchase contract is fine and records the query.
  auto p = purchase();
  p.pool_query.outcome = PoolOutcome::negative;
  auto no = create_case(ws, p, d("2026-03-14"));
  ASSERT_TRUE(no.has_value());
  EXPECT_EQ(ws.cases.find(*no)->pool_query.outcome, PoolOutcome::negative);
}

TEST_F(ReuseTest, ForeignPropertyOnlyForItsInsurer) {
  SerialCard aok_dev{"ROLL-1", "", "SN-AOK", "F-K-AOK-K", "", "", std::nullopt};
  SerialCard own_dev{"ROLL-1", "", "SN-OWN", "AV", "", "", std::nullopt};
  SerialCard dak_dev{"ROLL-1", "", "SN-DAK", "F-K-DAK-K", "", "", std::nullopt};
  ws.serial_cards.put(serial_key("ROLL-1", "SN-AOK"), aok_dev);
  ws.serial_cards.put(serial_key("ROLL-1", "SN-OWN"), own_dev);
  ws.serial_cards.put(serial_key("ROLL-1", "SN-DAK"), dak_dev);
  EXPECT_FALSE(device_reusable_for(aok_dev, "K-DAK"));
  EXPECT_TRUE(device_reusable_for(aok_dev, "K-AOK"));
  EXPECT_TRUE(device_reusable_for(own_dev, "K-DAK"));
  auto devs = reusable_devices(ws, "ROLL-1", "K-DAK");
  ASSERT_EQ(devs.size(), 2U);
  EXPECT_EQ(devs[0]->serial_no, "SN-DAK");
  EXPECT_EQ(devs[1]->serial_no, "SN-OWN");
  auto r = create_case(ws, reuse("SN-AOK"), d("2026-03-14"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, DiagCode::DomReuseDeviceForeign);
  auto ok = create_case(ws, reuse("SN-DAK"), d("2026-03-14"));
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ws.plans.find("P1")->lines[0].posting_code, "F-K-DAK-K");
}

TEST_F(CaseTest, PostingCodesParse) {
  EXPECT_EQ(parse_posting_code("AV")->kind, PostingCodeKind::fixed_assets);
  EXPECT_EQ(parse_posting_code("UV")->kind, PostingCodeKind::current_assets);
  auto f1 = parse_posting_code("F-K-DAK-K");
  ASSERT_TRUE(f1.has_value());
  EXPECT_EQ(f1->kind, PostingCodeKind::foreign_property);
  EXPECT_EQ(f1->owner_insurer, "K-DAK");
  EXPECT_FALSE(parse_posting_code("XY").has_value());
  EXPECT_FALSE(parse_posting_code("F--K").has_value());
}

TEST_F(CaseTest, OpenAndReleasePeriod) {
  auto no = create_case(ws, stoma(), d("2026-03-14"));
  ASSERT_TRUE(no.has_value());
  EXPECT_EQ(open_period(ws, *no, 1).error().code, DiagCode::DomPeriodNotReleased);
  ASSERT_TRUE(release_period(ws, *no, 1, d("2026-03-14")).has_value());
  EXPECT_EQ(ws.cases.find(*no)->periods[0].status, PeriodStatus::released);
  const DeliveryLine& l = ws.plans.find("P1")->lines[0];
  EXPECT_EQ(l.status, PlanLineStatus::released);
  EXPECT_EQ(l.schedules.size(), 12U);  // 2026-03-01 .. 2027-02-01, end 2027-02-28
  EXPECT_EQ(release_period(ws, *no, 1, d("2026-03-14")).error().code, DiagCode::DomPeriodNotOpen);
  ASSERT_TRUE(open_period(ws, *no, 1).has_value());
  EXPECT_EQ(ws.plans.find("P1")->lines[0].status, PlanLineStatus::open);
  EXPECT_TRUE(ws.plans.find("P1")->lines[0].schedules.empty());
  EXPECT_EQ(release_period(ws, "VG999999", 1, d("2026-03-14")).error().code,
            DiagCode::DomCaseNotFound);
  EXPECT_EQ(release_period(ws, *no, 7, d("2026-03-14")).error().code,
            DiagCode::DomCasePeriodNotFound);
}

TEST_F(CaseTest, TherapyEndRemovesOpenSchedulesAfterIt) {
  auto no = create_case(ws, stoma(), d("2026-03-14"));
  ASSERT_TRUE(no.has_value());
  ASSERT_TRUE(release_period(ws, *no, 1, d("2026-03-14")).has_value());
  // The schedule of 2026-06-01 is already ordered: it stays.
  DeliveryPlan* plan = ws.plans.edit("P1");
  Schedule& june = plan->lines[0].schedules[3];
  ASSERT_EQ(june.planned_date, d("2026-06-01"));
  june.document_type = "order";
  june.document_no = "VA00000009";
  EXPECT_EQ(set_therapy_end(ws, *no, 1, d("2026-02-01"), d("2026-05-20")).error().code,
            DiagCode::DomTherapyEndBeforeStart);
  ASSERT_TRUE(set_therapy_end(ws, *no, 1, d("2026-05-20"), d("2026-05-20")).has_value());
  const DeliveryLine& l = ws.plans.find("P1")->lines[0];
  ASSERT_EQ(l.schedules.size(), 4U);  // March, April, May, and the ordered June
  EXPECT_EQ(l.schedules.back().planned_date, d("2026-06-01"));
  EXPECT_EQ(l.end, d("2026-05-20"));
  const CasePeriod& p = ws.cases.find(*no)->periods[0];
  EXPECT_EQ(p.actual_end, d("2026-05-20"));
  EXPECT_EQ(p.effective_end(), d("2026-05-20"));
  EXPECT_FALSE(p.billing_periods[2].ended);  // May
  EXPECT_TRUE(p.billing_periods[3].ended);   // June
  // The plan update does not bring them back.
  ASSERT_FALSE(ws.app_log.empty());
  EXPECT_EQ(ws.app_log.rows().begin()->second.job, "therapy_end");
}

}  // namespace
}  // namespace cb::rx

namespace cb::rx {
namespace {

TEST(RxMasterData, PriceLookupByDebtorItemWorkTypeAndDate) {
  using test::d;
  std::vector<PriceListEntry> rows;
  PriceListEntry a;
  a.price_debtor = "§DAK";
  a.kind = PricedKind::resource;
  a.number = "PAU-STOMA";
  a.unit_price = test::dec("120.00");
  a.valid_from = d("2025-01-01");
  PriceListEntry b = a;
  b.unit_price = test::dec("125.50");
  b.valid_from = d("2026-01-01");
  PriceListEntry c = a;
  c.work_type = "NACHT";
  c.unit_price = test::dec("140.00");
  PriceListEntry old = a;
  old.valid_from = d("2020-01-01");
  old.valid_to = d("2024-12-31");
  old.unit_price = test::dec("99.00");
  rows = {a, b, c, old};
  EXPECT_EQ(find_price(rows, PricedKind::resource, "PAU-STOMA", "", "", d("2025-06-01"))->unit_price,
            test::dec("120.00"));
  EXPECT_EQ(find_price(rows, PricedKind::resource, "PAU-STOMA", "", "", d("2026-06-01"))->unit_price,
            test::dec("125.50"));
  EXPECT_EQ(
      find_price(rows, PricedKind::resource, "PAU-STOMA", "", "NACHT", d("2026-06-01"))->unit_price,
      test::dec("140.00"));
  EXPECT_EQ(find_price(rows, PricedKind::resource, "PAU-STOMA", "", "", d("2024-06-01"))->unit_price,
            test::dec("99.00"));
  EXPECT_EQ(find_price(rows, PricedKind::item, "PAU-STOMA", "", "", d("2026-06-01")), nullptr);
  EXPECT_EQ(find_price(rows, PricedKind::resource, "PAU-STOMA", "", "", d("2019-06-01")), nullptr);
}

TEST(RxMasterData, DeliveryHierarchyOrdersDevices) {
  Workspace ws;
  ws.serial_cards.put("ROLL-1|A", SerialCard{"ROLL-1", "", "A", "UV", "", "", std::nullopt});
  ws.serial_cards.put("ROLL-1|B", SerialCard{"ROLL-1", "", "B", "AV", "", "", std::nullopt});
  ws.serial_cards.put("ROLL-1|C", SerialCard{"ROLL-1", "", "C", "F-K-DAK-K", "", "", std::nullopt});
  ws.serial_cards.put("ROLL-1|D", SerialCard{"ROLL-1", "", "D", "F-K-AOK-K", "", "", std::nullopt});
  DeliveryHierarchy h{"STD", {"AV", "UV"}};
  auto devs = reusable_devices(ws, "ROLL-1", "K-DAK", &h);
  ASSERT_EQ(devs.size(), 2U);
  EXPECT_EQ(devs[0]->serial_no, "B");  // AV first
  EXPECT_EQ(devs[1]->serial_no, "A");
  DeliveryHierarchy hf{"REUSE", {"F", "AV"}};
  devs = reusable_devices(ws, "ROLL-1", "K-DAK", &hf);
  ASSERT_EQ(devs.size(), 2U);
  EXPECT_EQ(devs[0]->serial_no, "C");  // the insurer's own device, never AOK's
  EXPECT_EQ(devs[1]->serial_no, "B");
}

}  // namespace
}  // namespace cb::rx
