// VAT of invoice lines: rate from the VAT product group on the service date,
// posting-group redirect (rx-billing.md §2, contract line → header → order
// type), line rounding (issue 4 point 8, DESIGN.md "Money").
#include "core/rx/billing_rules/vat.h"

#include <gtest/gtest.h>

#include "core/tests/rx_billing_test_util.h"

namespace cb::rx::billing {
namespace {

using test::d;
using test::dec;
using test::eur;

TEST(Vat, RateFromTheProductGroupOnTheServiceDate) {
  const auto rates = default_vat_rates();
  EXPECT_EQ(vat_rate(rates, "MWST7", d("2026-03-15")).value(), dec("7"));
  EXPECT_EQ(vat_rate(rates, "MWST19", d("2026-03-15")).value(), dec("19"));
  // The service date decides the VAT period: the 2020 reduction.
  EXPECT_EQ(vat_rate(rates, "MWST19", d("2020-06-30")).value(), dec("19"));
  EXPECT_EQ(vat_rate(rates, "MWST19", d("2020-07-01")).value(), dec("16"));
  EXPECT_EQ(vat_rate(rates, "MWST7", d("2020-12-31")).value(), dec("5"));
  EXPECT_EQ(vat_rate(rates, "MWST7", d("2021-01-01")).value(), dec("7"));
  const auto bad = vat_rate(rates, "MWST99", d("2026-03-15"));
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, DiagCode::BrlVatRate);
  EXPECT_NE(bad.error().message.find("MWST99"), std::string::npos);
}

// rx-billing.md §2: posting-group redirect for the 7 % -> 19 % switch of
// spare parts in repairs; hierarchy contract line, contract header, order type.
TEST(Vat, Sec2SparePartInARepairSwitchesToNineteenPercent) {
  const std::vector<PostingGroupRedirect> redirects = {{"REP19", "MWST7", "MWST19"},
                                                       {"KEEP", "MWST19", "MWST19"}};
  RedirectCodes codes;
  EXPECT_EQ(redirected_vat_group("MWST7", codes, redirects), "MWST7");
  codes.order_type = "REP19";
  EXPECT_EQ(redirected_vat_group("MWST7", codes, redirects), "MWST19");
  codes.contract_header = "KEEP";  // the header wins over the order type; no row for MWST7
  EXPECT_EQ(codes.effective(), "KEEP");
  EXPECT_EQ(redirected_vat_group("MWST7", codes, redirects), "MWST7");
  codes.contract_line = "REP19";  // the line wins over the header
  EXPECT_EQ(codes.effective(), "REP19");
  EXPECT_EQ(redirected_vat_group("MWST7", codes, redirects), "MWST19");
  EXPECT_EQ(redirected_vat_group("MWST19", codes, redirects), "MWST19");

  const auto rate = vat_rate(default_vat_rates(), redirected_vat_group("MWST7", codes, redirects),
                             d("2026-05-04"));
  EXPECT_EQ(rate.value(), dec("19"));
}

TEST(Vat, LineAmountsAreRoundedPerLine) {
  LineInput in;
  in.quantity = dec("3");
  in.unit_price = eur("12.345");  // 37.035 -> 37.04
  in.line_discount_pct = dec("10");  // 3.704 -> 3.70
  in.vat_pct = dec("7");
  const auto a = compute_line_amounts(in).value();
  EXPECT_EQ(a.amount, eur("37.04"));
  EXPECT_EQ(a.discount, eur("3.70"));
  EXPECT_EQ(a.net, eur("33.34"));
  EXPECT_EQ(a.vat, eur("2.33"));  // 2.3338
  EXPECT_EQ(a.gross, eur("35.67"));
}

TEST(Vat, PricesIncludingVat) {
  LineInput in;
  in.quantity = dec("1");
  in.unit_price = eur("119.00");
  in.vat_pct = dec("19");
  in.prices_include_vat = true;
  auto a = compute_line_amounts(in).value();
  EXPECT_EQ(a.gross, eur("119.00"));
  EXPECT_EQ(a.net, eur("100.00"));
  EXPECT_EQ(a.vat, eur("19.00"));

  in.unit_price = eur("10.00");
  in.vat_pct = dec("7");
  a = compute_line_amounts(in).value();
  EXPECT_EQ(a.net, eur("9.35"));  // 9.3458
  EXPECT_EQ(a.vat, eur("0.65"));
  EXPECT_EQ(a.net + a.vat, a.gross);
}

// Seed 004 "Abrechnungsaufteilung 0 Rabattgrundcode": 100 % discount.
TEST(Vat, ZeroAmountDiscountGivesZero) {
  LineInput in;
  in.quantity = dec("1");
  in.unit_price = eur("10.00");
  in.line_discount_pct = dec("100");
  in.vat_pct = dec("19");
  const auto a = compute_line_amounts(in).value();
  EXPECT_EQ(a.gross, eur("0"));
  EXPECT_EQ(a.discount, eur("10.00"));
}

// DESIGN.md "Money": totals equal the sum of rounded lines, even where the
// rounded sum would differ.
TEST(Vat, TotalsAreSumsOfRoundedLines) {
  std::vector<LineAmounts> lines;
  for (int i = 0; i < 3; ++i) {
    LineInput in;
    in.quantity = dec("1");
    in.unit_price = eur("0.05");
    in.vat_pct = dec("10");  // 0.005 -> 0.01 per line; 0.015 -> 0.02 on the sum
    lines.push_back(compute_line_amounts(in).value());
  }
  LineInput seven;
  seven.quantity = dec("2");
  seven.unit_price = eur("50.00");
  seven.vat_pct = dec("7");
  lines.push_back(compute_line_amounts(seven).value());
  const auto t = sum_lines(lines).value();
  EXPECT_EQ(t.vat, eur("7.03"));
  EXPECT_EQ(t.net, eur("100.15"));
  EXPECT_EQ(t.gross, eur("107.18"));
  ASSERT_EQ(t.by_rate.size(), 2u);
  EXPECT_EQ(t.by_rate[0].vat_pct, dec("7"));
  EXPECT_EQ(t.by_rate[0].vat, eur("7.00"));
  EXPECT_EQ(t.by_rate[1].vat, eur("0.03"));
  EXPECT_EQ(sum_lines({}).value().gross, eur("0"));
}

TEST(Vat, BadInputIsReported) {
  LineInput in;
  in.quantity = dec("1");
  in.unit_price = eur("10.00");
  in.line_discount_pct = dec("101");
  auto r = compute_line_amounts(in);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, DiagCode::BrlLineInput);
  in.line_discount_pct = dec("0");
  in.vat_pct = dec("-1");
  EXPECT_EQ(compute_line_amounts(in).error().code, DiagCode::BrlLineInput);

  LineAmounts sek;
  sek.net = sek.vat = sek.gross = Money(dec("1"), Currency::sek());
  LineAmounts e;
  EXPECT_EQ(sum_lines({e, sek}).error().code, DiagCode::CurrencyMismatch);
}

}  // namespace
}  // namespace cb::rx::billing
