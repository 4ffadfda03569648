#include "core/rx/billing_engine.h"

#include <gtest/gtest.h>

#include "core/rx/case_engine.h"
#include "core/rx/plan_engine.h"
#include "core/rx/requirements.h"
#include "core/tests/rx_fixture.h"

namespace cb::rx {
namespace {

using test::d;
using test::dec;
using test::f;

PriceListEntry price(PricedKind kind, const std::string& no, const char* p) {
  PriceListEntry e;
  e.price_debtor = "§DAK";
  e.kind = kind;
  e.number = no;
  e.unit_price = dec(p);
  e.valid_from = d("2020-01-01");
  return e;
}

class BillingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::fill(ws);
    ws.price_lists.put("§DAK", {price(PricedKind::item, "ROLL-1", "1234.56"),
                                price(PricedKind::resource, "PAU-STOMA", "89.99")});
    ws.resources.edit("PAU-STOMA")->vat_product_group = "reduced";
    ws.error_codes.put("LN-MANUELL", ErrorCode{"LN-MANUELL", "manual proof", false, false, ""});
    ws.error_codes.edit("LN-FEHLT")->writes_log = true;
    ws.clear_changes();
  }

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
  void status(const std::string& case_no, const char* code, const char* st) {
    ASSERT_TRUE(set_requirement_status(ws, {case_no, 1, code, 0, st, "u", ""}, d("2026-03-14"))
                    .has_value());
  }
  const BillingLine& bline(std::size_t i, const std::string& patient = "P1") {
    return ws.billing_plans.find(patient)->lines.at(i);
  }
  void deliver_roll(const char* note_no, const char* on) {
    DeliveryNote note;
    note.no = note_no;
    note.patient_id = "P1";
    note.date = d(on);
    note.lines = {{10000, "VA00000001", 10000, "ROLL-1", "", "SN-1", Decimal::from_int(1), "ST"}};
    ASSERT_TRUE(post_delivery(ws, note).has_value());
  }

  Workspace ws;
};

TEST_F(BillingTest, PurchaseWaitsForTheDeliveryThenIsInvoiced) {
  const std::string k = purchase(d("2026-03-14"));
  status(k, "VO", "20");
  status(k, "KV", "20");
  ASSERT_TRUE(release_period(ws, k, 1, d("2026-03-14")).has_value());
  // Before the order: a billing line, no schedule.
  create_billing_data(ws, d("2026-03-14"));
  ASSERT_EQ(bline(0).schedules.size(), 0U);
  EXPECT_EQ(bline(0).process, BillingProcess::purchase);
  EXPECT_EQ(bline(0).recipient_id, "K-DAK");
  ASSERT_EQ(call_off_orders(ws, d("2026-03-14")).orders.size(), 1U);
  auto r = create_billing_data(ws, d("2026-03-14"));
  EXPECT_EQ(r.schedules_created, 1U);
  const BillingSchedule& s = bline(0).schedules.at(0);
  EXPECT_EQ(s.error_code, "ABWARTEN");
  EXPECT_EQ(s.status, BillingScheduleStatus::planned);
  EXPECT_EQ(s.unit_price, dec("1234.56"));
  auto off = call_off_invoices(ws, {}, d("2026-03-20"));
  EXPECT_TRUE(off.invoices.empty());
  ASSERT_EQ(off.not_invoiceable.size(), 1U);
  EXPECT_NE(off.not_invoiceable[0].reason.find("ABWARTEN"), std::string::npos);

  deliver_roll("LS-1", "2026-03-18");
  create_billing_data(ws, d("2026-03-18"));
  EXPECT_EQ(bline(0).schedules[0].status, BillingScheduleStatus::delivery);
  EXPECT_EQ(bline(0).schedules[0].error_code, "");
  EXPECT_EQ(bline(0).schedules[0].delivery_document_no, "LS-1");
  // The billing requirement LIEF-N still blocks.
  off = call_off_invoices(ws, {}, d("2026-03-20"));
  ASSERT_EQ(off.not_invoiceable.size(), 1U);
  EXPECT_NE(off.not_invoiceable[0].reason.find("LIEF-N"), std::string::npos);
  status(k, "LIEF-N", "20");
  off = call_off_invoices(ws, {}, d("2026-03-20"));
  ASSERT_EQ(off.invoices.size(), 1U);
  const Invoice& inv = *ws.invoices.find(off.invoices[0]);
  EXPECT_EQ(inv.no, "RE00000001");
  EXPECT_EQ(inv.recipient_id, "K-DAK");
  EXPECT_EQ(inv.billing_method, BillingMethod::p302);
  EXPECT_TRUE(inv.dta_wait);
  ASSERT_EQ(inv.lines.size(), 1U);
  EXPECT_EQ(inv.lines[0].net, dec("1234.56"));
  EXPECT_EQ(inv.lines[0].vat_pct, dec("19"));
  EXPECT_EQ(inv.lines[0].vat_amount, dec("234.57"));  // 234.5664
  EXPECT_EQ(inv.total_gross, dec("1469.13"));
  EXPECT_EQ(inv.lines[0].service_date, d("2026-03-18"));
  EXPECT_EQ(inv.lines[0].serial_no, "SN-1");
  EXPECT_EQ(inv.lines[0].billing_line_no, 10000);
  EXPECT_EQ(inv.lines[0].case_no, k);
  EXPECT_EQ(bline(0).schedules[0].status, BillingScheduleStatus::invoice);
  EXPECT_EQ(bline(0).schedules[0].invoice_no, "RE00000001");
  // Nothing more to invoice.
  EXPECT_TRUE(call_off_invoices(ws, {}, d("2026-03-21")).invoices.empty());
}

TEST_F(BillingTest, FlatRateHasOneSchedulePerBillingPeriodInvoicedMonthly) {
  const std::string k = stoma(d("2026-03-14"));
  ASSERT_TRUE(release_period(ws, k, 1, d("2026-03-14")).has_value());
  create_billing_data(ws, d("2026-03-14"));
  const BillingLine& flat = bline(0);
  EXPECT_EQ(flat.process, BillingProcess::flat_rate);
  ASSERT_EQ(flat.schedules.size(), 12U);
  EXPECT_EQ(flat.schedules[0].posting_date, d("2026-03-31"));
  EXPECT_EQ(flat.schedules[11].posting_date, d("2027-02-28"));
  EXPECT_EQ(bline(1).process, BillingProcess::included);
  EXPECT_TRUE(bline(1).schedules.empty());

  auto off = call_off_invoices(ws, {}, d("2026-03-30"));
  EXPECT_TRUE(off.invoices.empty());
  off = call_off_invoices(ws, {}, d("2026-03-31"));
  ASSERT_EQ(off.invoices.size(), 1U);
  const Invoice& march = *ws.invoices.find(off.invoices[0]);
  EXPECT_EQ(march.lines.at(0).net, dec("89.99"));
  EXPECT_EQ(march.lines[0].vat_pct, dec("7"));
  EXPECT_EQ(march.lines[0].vat_amount, dec("6.30"));
  EXPECT_EQ(march.total_gross, dec("96.29"));
  EXPECT_EQ(march.lines[0].supply_from, d("2026-03-01"));
  off = call_off_invoices(ws, {}, d("2026-04-30"));
  ASSERT_EQ(off.invoices.size(), 1U);
  EXPECT_EQ(off.invoices[0], "RE00000002");
  EXPECT_EQ(ws.invoices.find("RE00000002")->lines.at(0).supply_from, d("2026-04-01"));
}

TEST_F(BillingTest, MissingProofBlocksAndIsLoggedThenADeliveryRemovesIt) {
  ws.contracts.edit("P-STOMA")->versions[0].delivery_proof_rule = DeliveryProofRule::billing_period;
  const std::string k = stoma(d("2026-03-14"));
  ASSERT_TRUE(release_period(ws, k, 1, d("2026-03-14")).has_value());
  create_billing_data(ws, d("2026-03-31"));
  EXPECT_EQ(bline(0).schedules[0].error_code, "LN-FEHLT");
  auto off = call_off_invoices(ws, {}, d("2026-03-31"));
  ASSERT_EQ(off.not_invoiceable.size(), 1U);
  EXPECT_NE(off.not_invoiceable[0].reason.find("no delivery proof"), std::string::npos);
  EXPECT_EQ(std::prev(ws.app_log.end())->second.code, "BIL008");
  ASSERT_EQ(call_off_orders(ws, d("2026-03-14")).orders.size(), 1U);
  DeliveryNote note;
  note.no = "LS-5";
  note.patient_id = "P1";
  note.date = d("2026-03-20");
  note.lines = {{10000, "", 0, "BAG-A", "", "", Decimal::from_int(30), "ST"}};
  ASSERT_TRUE(post_delivery(ws, note).has_value());
  create_billing_data(ws, d("2026-03-31"));
  EXPECT_EQ(bline(0).schedules[0].error_code, "");
  EXPECT_EQ(bline(0).schedules[1].error_code, "LN-FEHLT");  // April: no delivery yet
  off = call_off_invoices(ws, {}, d("2026-03-31"));
  ASSERT_EQ(off.invoices.size(), 1U);
  EXPECT_EQ(ws.invoices.find(off.invoices[0])->lines[0].service_date, d("2026-03-20"));
}

TEST_F(BillingTest, CreditNoteWithRecalculationInvoicesAgainAtTheNewPrice) {
  const std::string k = stoma(d("2026-03-14"));
  ASSERT_TRUE(release_period(ws, k, 1, d("2026-03-14")).has_value());
  create_billing_data(ws, d("2026-03-14"));
  ASSERT_EQ(call_off_invoices(ws, {}, d("2026-03-31")).invoices.size(), 1U);
  (*ws.price_lists.edit("§DAK"))[1].unit_price = dec("95.00");
  auto cn = credit_invoice(ws, "RE00000001", {.recalculate = true}, d("2026-04-02"));
  ASSERT_TRUE(cn.has_value());
  EXPECT_EQ(*cn, "GS00000001");
  const Invoice* orig = ws.invoices.find("RE00000001");
  ASSERT_NE(orig, nullptr);  // never disappears
  EXPECT_EQ(orig->status, InvoiceStatus::cancelled);
  EXPECT_EQ(orig->credit_note_no, "GS00000001");
  EXPECT_EQ(ws.invoices.find("GS00000001")->credited_invoice_no, "RE00000001");
  EXPECT_EQ(ws.invoices.find("GS00000001")->total_net, dec("89.99"));
  auto off = call_off_invoices(ws, {}, d("2026-04-02"));
  ASSERT_EQ(off.invoices.size(), 1U);
  EXPECT_EQ(ws.invoices.find(off.invoices[0])->lines[0].net, dec("95.00"));
  // A cancelled invoice cannot be credited twice.
  EXPECT_EQ(credit_invoice(ws, "RE00000001", {}, d("2026-04-03")).error().code,
            DiagCode::BilInvoiceNotCreditable);
  EXPECT_EQ(credit_invoice(ws, "RE99", {}, d("2026-04-03")).error().code,
            DiagCode::BilInvoiceNotFound);
}

TEST_F(BillingTest, CreditNoteWithoutRecalculation) {
  const std::string k = stoma(d("2026-03-14"));
  ASSERT_TRUE(release_period(ws, k, 1, d("2026-03-14")).has_value());
  create_billing_data(ws, d("2026-03-14"));
  ASSERT_EQ(call_off_invoices(ws, {}, d("2026-04-30")).invoices.size(), 2U);
  (*ws.price_lists.edit("§DAK"))[1].unit_price = dec("95.00");
  // change plan values = yes: no new invoice.
  ASSERT_TRUE(credit_invoice(ws, "RE00000001", {.change_plan_values = true}, d("2026-05-02")));
  // change plan values = no: invoiced again with the old values.
  ASSERT_TRUE(credit_invoice(ws, "RE00000002", {.change_plan_values = false}, d("2026-05-02")));
  create_billing_data(ws, d("2026-05-02"));
  auto off = call_off_invoices(ws, {}, d("2026-05-02"));
  ASSERT_EQ(off.invoices.size(), 1U);
  const Invoice& again = *ws.invoices.find(off.invoices[0]);
  ASSERT_EQ(again.lines.size(), 1U);
  EXPECT_EQ(again.lines[0].supply_from, d("2026-04-01"));
  EXPECT_EQ(again.lines[0].net, dec("89.99"));
  const BillingSchedule& march = bline(0).schedules[0];
  EXPECT_TRUE(march.change_plan_values);
  EXPECT_EQ(march.invoice_no, "GS00000001");
  EXPECT_NE(not_invoiceable_reason(ws, *ws.billing_plans.find("P1"), bline(0), march,
                                   d("2026-05-02")).find("change plan values"),
            std::string::npos);
}

TEST_F(BillingTest, RecipientsPrivateAssignmentAndRejection) {
  // Private patient with a known private insurer and its billing office.
  cb::Party pkv;
  pkv.id = "PKV-1";
  pkv.own_roles = {"KK-PR"};
  pkv.assigned_roles = {{"KK-PRAB", "PKV-AB", std::nullopt, std::nullopt}};
  ws.parties.put(pkv.id, pkv);
  cb::Party pat = *ws.parties.find("P1");
  pat.own_roles = {"VS-PK"};
  pat.assigned_roles.push_back({"KK-PR", "PKV-1", std::nullopt, std::nullopt});
  ws.parties.put("P1", pat);
  const std::string k = stoma(d("2026-03-14"));
  const Case& c = *ws.cases.find(k);
  auto r = resolve_billing_recipient(ws, c, c.periods[0], d("2026-03-14"));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->role, "KK-PRAB");
  EXPECT_EQ(r->party_id, "PKV-AB");
  EXPECT_EQ(r->method, BillingMethod::direct);
  // Unknown private insurer: the patient.
  pat.assigned_roles.pop_back();
  ws.parties.put("P1", pat);
  r = resolve_billing_recipient(ws, c, c.periods[0], d("2026-03-14"));
  EXPECT_EQ(r->role, "VS");
  EXPECT_EQ(r->party_id, "P1");
  // Assignment from a date on: every later invoice to the redirect.
  pat.assigned_roles.push_back({"KK-PRUM", "PKV-1", d("2026-04-01"), std::nullopt});
  ws.parties.put("P1", pat);
  r = resolve_billing_recipient(ws, c, c.periods[0], d("2026-04-15"));
  EXPECT_EQ(r->role, "KK-PRUM");
  EXPECT_EQ(r->party_id, "PKV-1");
  // Statutory patient P2: insurer; after a rejection the patient, Direkt.
  const std::string k2 = stoma(d("2026-03-14"), "P2");
  r = resolve_billing_recipient(ws, *ws.cases.find(k2), ws.cases.find(k2)->periods[0],
                                d("2026-03-14"));
  EXPECT_EQ(r->party_id, "K-DAK");
  EXPECT_EQ(r->method, BillingMethod::p302);
  ASSERT_TRUE(switch_billing_to_patient(ws, k2, 1).has_value());
  r = resolve_billing_recipient(ws, *ws.cases.find(k2), ws.cases.find(k2)->periods[0],
                                d("2026-03-14"));
  EXPECT_EQ(r->party_id, "P2");
  EXPECT_EQ(r->method, BillingMethod::direct);
}

TEST_F(BillingTest, TherapyEndBlocksLaterSchedulesWithTheEndCode) {
  const std::string k = stoma(d("2026-03-14"));
  ASSERT_TRUE(release_period(ws, k, 1, d("2026-03-14")).has_value());
  create_billing_data(ws, d("2026-03-14"));
  ASSERT_TRUE(set_therapy_end(ws, k, 1, d("2026-05-15"), d("2026-05-15")).has_value());
  create_billing_data(ws, d("2026-05-15"));
  const BillingLine& l = bline(0);
  EXPECT_EQ(l.schedules[2].error_code, "");      // May still supplied
  EXPECT_EQ(l.schedules[3].error_code, "ENDE");  // June after the end
  auto off = call_off_invoices(ws, {.posting_date_to = d("2026-06-30")}, d("2026-06-30"));
  EXPECT_EQ(off.invoices.size(), 3U);
  bool found = false;
  for (const auto& n : off.not_invoiceable) {
    if (n.reason.find("therapy end") != std::string::npos) found = true;
  }
  EXPECT_TRUE(found);
}

TEST_F(BillingTest, UnchangedPlansAreNotWrittenAgain) {
  const std::string k = stoma(d("2026-03-14"));
  ASSERT_TRUE(release_period(ws, k, 1, d("2026-03-14")).has_value());
  EXPECT_EQ(create_billing_data(ws, d("2026-03-14")).plans_changed, 1U);
  ws.clear_changes();
  EXPECT_EQ(create_billing_data(ws, d("2026-03-14")).plans_changed, 0U);
  EXPECT_TRUE(ws.changes().empty());
}

TEST_F(BillingTest, TotalsAreTheSumOfRoundedLines) {
  Invoice inv;
  for (const char* n : {"0.01", "0.01", "0.01"}) {
    InvoiceLine l;
    l.net = dec(n);
    l.vat_amount = dec("0.00");
    l.gross = dec(n);
    l.amount_due = dec(n);
    inv.lines.push_back(l);
  }
  inv.compute_totals();
  EXPECT_EQ(inv.total_gross, dec("0.03"));
  EXPECT_EQ(BillingSetup::defaults().vat_rate("standard", d("2020-08-01")), dec("16"));
  EXPECT_EQ(BillingSetup::defaults().vat_rate("reduced", d("2026-01-01")), dec("7"));
  EXPECT_FALSE(BillingSetup::defaults().vat_rate("nope", d("2026-01-01")));
}

}  // namespace
}  // namespace cb::rx
