#include "core/rx/contract_search.h"

#include <gtest/gtest.h>

#include "core/tests/rx_fixture.h"

namespace cb::rx {
namespace {

using test::d;
using test::f;

class ContractSearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::fill(ws);
    // Child (up to 18) and adult (from 18) incontinence contracts of DAK.
    Contract child = test::contract("INK-KIND", ContractKind::billing_debtor, "K-DAK");
    child.age_to = f("18J");
    child.versions = {test::released_version()};
    child.versions[0].periods = {ContractPeriod{.code = "E1"}};
    Contract adult = child;
    adult.number = "INK-ERW";
    adult.age_to.reset();
    adult.age_from = f("18J");
    ws.contracts.put(child.number, child);
    ws.contracts.put(adult.number, adult);
  }

  std::vector<std::string> found(ContractSearchInput in, Date when) {
    auto r = search_contracts(ws, in, when);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().to_string());
    std::vector<std::string> out;
    if (r) {
      for (const auto& h : *r) out.push_back(h.contract_no);
    }
    return out;
  }

  ContractSearchInput for_patient(const std::string& id) {
    ContractSearchInput in;
    in.case_type = "HM";
    in.patient_id = id;
    return in;
  }

  Workspace ws;
};

using V = std::vector<std::string>;

TEST_F(ContractSearchTest, AgeLimitOnTheBirthdayShowsBothContracts) {
  // P2 is born 2008-03-15 and turns 18 on 2026-03-15.
  auto in = for_patient("P2");
  in.search_code = "";
  EXPECT_EQ(found(in, d("2026-03-14")), (V{"INK-KIND", "K-ROLL", "P-STOMA"}));
  EXPECT_EQ(found(in, d("2026-03-15")), (V{"INK-ERW", "INK-KIND", "K-ROLL", "P-STOMA"}));
  EXPECT_EQ(found(in, d("2026-03-16")), (V{"INK-ERW", "K-ROLL", "P-STOMA"}));
}

TEST_F(ContractSearchTest, AgeLimitNeedsABirthDate) {
  cb::Party p = *ws.parties.find("P1");
  p.birth_date.reset();
  ws.parties.put("P1", p);
  EXPECT_EQ(found(for_patient("P1"), d("2026-03-15")), (V{"K-ROLL", "P-STOMA"}));
}

TEST_F(ContractSearchTest, SearchDateOverridesTheWorkingDate) {
  auto in = for_patient("P2");
  in.search_date = d("2027-01-01");
  EXPECT_EQ(found(in, d("2026-01-01")), (V{"INK-ERW", "K-ROLL", "P-STOMA"}));
}

TEST_F(ContractSearchTest, PostalCodeAreasRestrictUnlessThePatientIgnoresThem) {
  Contract* c = ws.contracts.edit("P-STOMA");
  c->postal_codes = {{"40000", "40999"}};
  EXPECT_EQ(found(for_patient("P1"), d("2026-03-15")), (V{"INK-ERW", "K-ROLL", "P-STOMA"}));  // 40210
  auto in = for_patient("P2");                                                      // 50667
  EXPECT_EQ(found(in, d("2026-03-20")), (V{"INK-ERW", "K-ROLL"}));
  cb::Party p2 = *ws.parties.find("P2");
  p2.ignore_contract_postal_codes = true;
  ws.parties.put("P2", p2);
  EXPECT_EQ(found(in, d("2026-03-20")), (V{"INK-ERW", "K-ROLL", "P-STOMA"}));
}

TEST_F(ContractSearchTest, ExtraFieldsMatchWhenBlankAtThePatient) {
  ws.contracts.edit("P-STOMA")->extra_fields = {{"HEIM", "Ja"}};
  auto in = for_patient("P1");
  const Date when = d("2026-03-15");
  EXPECT_EQ(found(in, when), (V{"INK-ERW", "K-ROLL", "P-STOMA"}));  // P1 has no HEIM field
  cb::Party p1 = *ws.parties.find("P1");
  p1.extra_fields["HEIM"] = "";
  ws.parties.put("P1", p1);
  EXPECT_EQ(found(in, when), (V{"INK-ERW", "K-ROLL", "P-STOMA"}));  // blank matches
  p1.extra_fields["HEIM"] = "Nein";
  ws.parties.put("P1", p1);
  EXPECT_EQ(found(in, when), (V{"INK-ERW", "K-ROLL"}));
  p1.extra_fields["HEIM"] = "Ja";
  ws.parties.put("P1", p1);
  EXPECT_EQ(found(in, when), (V{"INK-ERW", "K-ROLL", "P-STOMA"}));
}

TEST_F(ContractSearchTest, PayerDirectlyThroughPriceDebtorOrAssociation) {
  Contract assoc = test::contract("VDEK-1", ContractKind::association, "V-EK");
  assoc.versions = {test::released_version()};
  assoc.versions[0].periods = {ContractPeriod{.code = "E1"}};
  ws.contracts.put(assoc.number, assoc);
  auto r = search_contracts(ws, for_patient("P1"), d("2026-03-15"));
  ASSERT_TRUE(r.has_value());
  std::map<std::string, PayerMatch> how;
  for (const auto& h : *r) how[h.contract_no] = h.matched_by;
  EXPECT_EQ(how.at("P-STOMA"), PayerMatch::direct);
  EXPECT_EQ(how.at("K-ROLL"), PayerMatch::price_debtor);
  EXPECT_EQ(how.at("VDEK-1"), PayerMatch::association);
  // An AOK patient sees none of them.
  EXPECT_EQ(found(for_patient("P3"), d("2026-03-15")), V{});
}

TEST_F(ContractSearchTest, GeneralContractsOnlyOnRequest) {
  Contract gen = test::contract("ALLG", ContractKind::general, "");
  gen.versions = {test::released_version()};
  gen.versions[0].periods = {ContractPeriod{.code = "E1"}};
  ws.contracts.put(gen.number, gen);
  auto in = for_patient("P3");
  EXPECT_EQ(found(in, d("2026-03-15")), V{});
  in.show_general = true;
  EXPECT_EQ(found(in, d("2026-03-15")), (V{"ALLG"}));
}

TEST_F(ContractSearchTest, ReleaseInactiveValidityAndCaseType) {
  auto in = for_patient("P1");
  in.search_code = "29";
  const Date when = d("2026-03-15");
  EXPECT_EQ(found(in, when), (V{"P-STOMA"}));
  ws.contracts.edit("P-STOMA")->versions[0].status = ReleaseStatus::open;
  EXPECT_EQ(found(in, when), V{});
  ws.contracts.edit("P-STOMA")->versions[0].status = ReleaseStatus::released;
  ws.contracts.edit("P-STOMA")->inactive = true;
  EXPECT_EQ(found(in, when), V{});
  ws.contracts.edit("P-STOMA")->inactive = false;
  ws.contracts.edit("P-STOMA")->status = ReleaseStatus::open;
  EXPECT_EQ(found(in, when), V{});
  ws.contracts.edit("P-STOMA")->status = ReleaseStatus::released;
  ws.contracts.edit("P-STOMA")->versions[0].valid_to = d("2026-03-14");
  EXPECT_EQ(found(in, when), V{});
  ws.contracts.edit("P-STOMA")->versions[0].valid_to.reset();
  in.case_type = "REHA";
  EXPECT_EQ(found(in, when), V{});
  in.case_type = "";
  auto r = search_contracts(ws, in, when);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, DiagCode::DomBadInput);
}

TEST_F(ContractSearchTest, SearchCodesArePrefixes) {
  auto in = for_patient("P1");
  in.aid_search_code = "";
  in.search_code = "2999010";  // 7 digits of a Hilfsmittelnummer in group 29
  EXPECT_EQ(found(in, d("2026-03-15")), (V{"P-STOMA"}));
  in.search_code = "18";
  EXPECT_EQ(found(in, d("2026-03-15")), (V{"K-ROLL"}));
}

TEST_F(ContractSearchTest, ReusePeriodAndPlanType) {
  Contract we = test::contract("WE-ROLL", ContractKind::price_debtor, "§DAK");
  we.plan_type = PlanType::reuse;
  we.versions = {test::released_version()};
  we.versions[0].periods = {ContractPeriod{.code = "WE"}};
  ws.contracts.put(we.number, we);
  auto in = for_patient("P1");
  in.period_code = "WE";
  in.plan_type = PlanType::reuse;
  EXPECT_EQ(found(in, d("2026-03-15")), (V{"WE-ROLL"}));
  in.period_code = "E1";
  EXPECT_EQ(found(in, d("2026-03-15")), V{});
}

TEST_F(ContractSearchTest, PrivateContractsAndBillingDebtorOverride) {
  Contract priv = test::contract("PRIV-ROLL", ContractKind::price_debtor, "§DAK");
  priv.versions = {test::released_version(BillingMethod::direct)};
  priv.versions[0].billing_debtor_override = "§PRIVAT";
  priv.versions[0].periods = {ContractPeriod{.code = "E1"}};
  ws.contracts.put(priv.number, priv);
  auto in = for_patient("P1");
  in.search_code = "";
  EXPECT_EQ(found(in, d("2026-03-15")), (V{"INK-ERW", "K-ROLL", "P-STOMA"}));
  in.billing_debtor = "§PRIVAT";
  EXPECT_EQ(found(in, d("2026-03-15")), (V{"PRIV-ROLL"}));
  // A private contract only for private patients.
  ws.contracts.edit("INK-ERW")->private_contract = true;
  in.billing_debtor.clear();
  EXPECT_EQ(found(in, d("2026-03-15")), (V{"K-ROLL", "P-STOMA"}));
  in.private_patient = true;
  EXPECT_EQ(found(in, d("2026-03-15")), (V{"INK-ERW"}));
}

TEST_F(ContractSearchTest, UnknownPatientOrPayer) {
  auto in = for_patient("NOPE");
  auto r = search_contracts(ws, in, d("2026-03-15"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, DiagCode::DomPartyNotFound);
  in = for_patient("P1");
  in.partner_debtor = "K-NONE";
  r = search_contracts(ws, in, d("2026-03-15"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, DiagCode::DomPartyNotFound);
}

TEST_F(ContractSearchTest, PeriodLinesListGroupsThenTheirItems) {
  auto r = period_lines(ws, "P-STOMA", 1, "E1");
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->size(), 4U);
  EXPECT_EQ((*r)[0].level, 1);
  EXPECT_EQ((*r)[0].number, "PAU-STOMA");
  EXPECT_EQ((*r)[1].level, 1);
  EXPECT_EQ((*r)[1].number, "VF-BAGS");
  EXPECT_EQ((*r)[2].level, 2);
  EXPECT_EQ((*r)[2].number, "BAG-A");
  EXPECT_EQ((*r)[2].group, "VF-BAGS");
  EXPECT_EQ((*r)[3].number, "BAG-B");
  EXPECT_EQ(period_lines(ws, "P-STOMA", 1, "F1").error().code, DiagCode::DomPeriodNotFound);
  EXPECT_EQ(period_lines(ws, "P-STOMA", 2, "E1").error().code, DiagCode::DomVersionNotFound);
  EXPECT_EQ(period_lines(ws, "X", 1, "E1").error().code, DiagCode::DomContractNotFound);
}

TEST_F(ContractSearchTest, PostalCodeRangeComparesEqualLengthText) {
  PostalCodeRange r{"40000", "40999"};
  EXPECT_TRUE(r.contains("40000"));
  EXPECT_TRUE(r.contains("40999"));
  EXPECT_FALSE(r.contains("41000"));
  EXPECT_FALSE(r.contains("4050"));
  EXPECT_TRUE((PostalCodeRange{"50667", ""}).contains("50667"));
}

}  // namespace
}  // namespace cb::rx
