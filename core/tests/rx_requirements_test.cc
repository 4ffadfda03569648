#include "core/rx/requirements.h"

#include <gtest/gtest.h>

#include "core/rx/case_engine.h"
#include "core/rx/plan_engine.h"
#include "core/tests/rx_fixture.h"

namespace cb::rx {
namespace {

using test::d;

class RequirementsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::fill(ws);
    CreateCaseInput in;
    in.patient_id = "P1";
    in.contract_no = "K-ROLL";
    in.lines = {{10000, "", "", std::nullopt, ""}};
    in.user = "clerk1";
    case_no = create_case(ws, in, d("2026-03-14")).value();
  }

  Result<void> set(const std::string& code, const std::string& status,
                   const std::string& reason = "") {
    return set_requirement_status(ws, {case_no, 1, code, 0, status, "clerk2", reason},
                                  d("2026-03-16"));
  }

  const CasePeriod& period() { return ws.cases.find(case_no)->periods[0]; }

  Workspace ws;
  std::string case_no;
};

TEST_F(RequirementsTest, DefaultStatusTemplateIsTheCostEstimateExample) {
  StatusTemplate t = default_status_template();
  ASSERT_EQ(t.statuses.size(), 7U);
  EXPECT_TRUE(t.find("00")->blocks);
  EXPECT_TRUE(t.find("10")->blocks);
  EXPECT_FALSE(t.find("20")->blocks);
  EXPECT_EQ(t.find("20")->status_class, StatusClass::info_ok);
  EXPECT_EQ(t.find("40")->status_class, StatusClass::info_not_ok);
  EXPECT_TRUE(t.find("55")->blocks);
  EXPECT_FALSE(t.find("60")->blocks);
  EXPECT_EQ(t.find("60")->status_class, StatusClass::not_necessary);
  EXPECT_EQ(t.find("99"), nullptr);
}

TEST_F(RequirementsTest, TrafficLightRedUntilAllDeliveryRequirementsAreOk) {
  EXPECT_EQ(traffic_light(ws, period(), RequirementPurpose::delivery), TrafficLight::red);
  EXPECT_EQ(traffic_light(ws, period(), RequirementPurpose::billing), TrafficLight::red);
  ASSERT_TRUE(set("VO", "20").has_value());
  EXPECT_TRUE(delivery_blocked(ws, period()));  // KV still 00
  ASSERT_TRUE(set("KV", "60").has_value());     // not needed
  EXPECT_FALSE(delivery_blocked(ws, period()));
  EXPECT_EQ(traffic_light(ws, period(), RequirementPurpose::delivery), TrafficLight::green);
  EXPECT_TRUE(billing_blocked(ws, period()));  // LIEF-N is a billing requirement
  ASSERT_TRUE(set("LIEF-N", "20").has_value());
  EXPECT_FALSE(billing_blocked(ws, period()));
  ASSERT_TRUE(set("KV", "40").has_value());  // rejected blocks again
  EXPECT_TRUE(delivery_blocked(ws, period()));
}

TEST_F(RequirementsTest, NotNecessaryRequirementNeverBlocks) {
  Requirement r;
  r.necessary = false;
  r.status = "00";
  EXPECT_FALSE(requirement_blocks(ws, r));
  r.necessary = true;
  EXPECT_TRUE(requirement_blocks(ws, r));
  r.status = "zz";
  EXPECT_TRUE(requirement_blocks(ws, r));  // unknown status blocks
}

TEST_F(RequirementsTest, StatusChangeHistoryAndChainedRequirement) {
  ASSERT_TRUE(set("VO", "10", "sent with KV").has_value());
  const Requirement* vo = period().find_requirement("VO");
  const Requirement* kv = period().find_requirement("KV");
  ASSERT_EQ(vo->history.size(), 2U);
  EXPECT_EQ(vo->history[1].from_status, "00");
  EXPECT_EQ(vo->history[1].to_status, "10");
  EXPECT_EQ(vo->history[1].user, "clerk2");
  EXPECT_EQ(vo->history[1].reason, "sent with KV");
  EXPECT_EQ(vo->history[1].date, d("2026-03-16"));
  // KV is chained with VO: it was sent along.
  EXPECT_EQ(kv->status, "10");
  EXPECT_EQ(kv->history.back().reason, "chained with VO");
  // LIEF-N is not chained.
  EXPECT_EQ(period().find_requirement("LIEF-N")->status, "00");
}

TEST_F(RequirementsTest, PrescriptionInfoOkSetsThePrescriptionDate) {
  EXPECT_FALSE(period().prescription_date.has_value());
  ASSERT_TRUE(set("VO", "20").has_value());
  EXPECT_EQ(period().prescription_date, d("2026-03-16"));
}

TEST_F(RequirementsTest, Errors) {
  EXPECT_EQ(set("VO", "77").error().code, DiagCode::DomStatusUnknown);
  EXPECT_EQ(set("EKV", "20").error().code, DiagCode::DomRequirementNotFound);
  EXPECT_EQ(set_requirement_status(ws, {"VG0", 1, "VO", 0, "20", "", ""}, d("2026-03-16"))
                .error()
                .code,
            DiagCode::DomCaseNotFound);
  EXPECT_EQ(set_requirement_status(ws, {case_no, 2, "VO", 0, "20", "", ""}, d("2026-03-16"))
                .error()
                .code,
            DiagCode::DomCasePeriodNotFound);
  // By line number.
  ASSERT_TRUE(
      set_requirement_status(ws, {case_no, 1, "", 30000, "20", "u", ""}, d("2026-03-16"))
          .has_value());
  EXPECT_EQ(period().find_requirement("LIEF-N")->status, "20");
}

TEST_F(RequirementsTest, ObserversSeeEveryChange) {
  std::vector<std::string> seen;
  ws.on_requirement_status([&](Workspace&, const RequirementStatusEvent& e) {
    seen.push_back(e.requirement_code + ":" + e.change.from_status + ">" + e.change.to_status);
  });
  ASSERT_TRUE(set("VO", "10").has_value());
  EXPECT_EQ(seen, (std::vector<std::string>{"VO:00>10", "KV:00>10"}));
}

TEST_F(RequirementsTest, UnknownInfoTemplateFailsCaseCreation) {
  ws.contracts.edit("K-ROLL")->versions[0].periods[0].info_template = "MISSING";
  CreateCaseInput in;
  in.patient_id = "P1";
  in.contract_no = "K-ROLL";
  in.lines = {{10000, "", "", std::nullopt, ""}};
  EXPECT_EQ(create_case(ws, in, d("2026-03-14")).error().code, DiagCode::DomTemplateNotFound);
}

TEST_F(RequirementsTest, EmergencyDeliveryOrdersDespiteTheBlock) {
  ASSERT_TRUE(release_period(ws, case_no, 1, d("2026-03-14")).has_value());
  auto r = call_off_orders(ws, d("2026-03-14"));
  EXPECT_TRUE(r.orders.empty());
  ASSERT_EQ(r.blocked.size(), 1U);
  EXPECT_EQ(r.blocked[0].reason, "requirements");
  ASSERT_TRUE(request_emergency_delivery(ws, case_no, 1).has_value());
  r = call_off_orders(ws, d("2026-03-14"));
  ASSERT_EQ(r.orders.size(), 1U);
  const Schedule& s = ws.plans.find("P1")->lines[0].schedules[0];
  EXPECT_EQ(s.error_code, "NOTFALL");
  EXPECT_TRUE(s.emergency);
  EXPECT_EQ(s.document_no, r.orders[0]);
  EXPECT_TRUE(ws.sales_orders.find(r.orders[0])->lines[0].emergency);
}

TEST_F(RequirementsTest, EmergencyDeliveryOnlyWhenTheContractAllowsIt) {
  ws.cases.edit(case_no)->periods[0].emergency_delivery_allowed = false;
  EXPECT_EQ(request_emergency_delivery(ws, case_no, 1).error().code,
            DiagCode::DomEmergencyNotAllowed);
}

}  // namespace
}  // namespace cb::rx
