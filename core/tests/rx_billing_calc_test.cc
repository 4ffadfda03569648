// Calculated flat rates (`Kalk. Art`, rx-billing.md §2 and §6, seed 002 "Kalk. Art").
#include "core/rx/billing_rules/calculated_flat_rate.h"

#include <gtest/gtest.h>

#include "core/tests/rx_billing_test_util.h"

namespace cb::rx::billing {
namespace {

using test::d;
using test::dec;
using test::eur;
using test::f;

CalcDelivery nutrition(const std::string& date, const std::string& no, const std::string& qty,
                       const std::string& kcal) {
  CalcDelivery c;
  c.date = d(date);
  c.document_no = no;
  c.item_no = "NUTRI";
  c.base_quantity = dec(qty);
  c.extra_value = dec(kcal);
  return c;
}

CalcDelivery priced(const std::string& date, const std::string& no, const std::string& amount) {
  CalcDelivery c;
  c.date = d(date);
  c.document_no = no;
  c.item_no = "TRACH";
  c.base_quantity = dec("1");
  c.amount = eur(amount);
  return c;
}

CalcInput calorie_march() {
  CalcInput in;
  in.kind = CalculationKind::delivered_quantity;
  in.limit = CalculationLimit::maximum;
  in.limit_value = dec("30000");
  in.reference_value = dec("30000");
  in.extra_field = "KABA";
  in.unit_price = eur("450.00");
  in.billing_from = d("2026-03-01");
  in.billing_to = d("2026-03-31");
  return in;
}

CalcResult calc(const CalcInput& in) {
  auto r = compute_calculated_flat_rate(in);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().to_string());
  return r.value();
}

// rx-billing.md §6: the calorie flat rate starts at 0 and grows with every
// delivery of the month; capped at 1 at 30000 kcal.
TEST(CalculatedFlatRate, Sec6CalorieFlatRateGrowsWithEachDeliveryAndIsCapped) {
  auto in = calorie_march();
  auto r = calc(in);
  EXPECT_EQ(r.quantity, dec("0"));
  EXPECT_EQ(r.line_amount, eur("0.00"));

  in.deliveries.push_back(nutrition("2026-03-03", "LS1", "10", "1500"));  // 15000 kcal
  r = calc(in);
  EXPECT_EQ(r.basis, dec("15000"));
  EXPECT_EQ(r.quantity, dec("0.5"));
  EXPECT_EQ(r.line_amount, eur("225.00"));
  ASSERT_EQ(r.delivery_texts.size(), 1u);
  EXPECT_EQ(r.delivery_texts[0], "2026-03-03 LS1 NUTRI 10 x 1500 KABA");

  in.deliveries.push_back(nutrition("2026-03-12", "LS2", "10", "1000"));  // 25000 kcal
  r = calc(in);
  EXPECT_EQ(r.quantity, dec("0.83333"));
  EXPECT_EQ(r.line_amount, eur("375.00"));  // 374.9985

  in.deliveries.push_back(nutrition("2026-03-25", "LS3", "12", "1500"));  // 43000 kcal
  in.deliveries.push_back(nutrition("2026-04-01", "LS4", "99", "1500"));  // April: not counted
  r = calc(in);
  EXPECT_EQ(r.basis, dec("43000"));
  EXPECT_EQ(r.limited_basis, dec("30000"));
  EXPECT_EQ(r.quantity, dec("1"));
  EXPECT_EQ(r.line_amount, eur("450.00"));
  EXPECT_EQ(r.delivery_texts.size(), 3u);
  EXPECT_FALSE(r.offset.has_value());
}

TEST(CalculatedFlatRate, WithoutLimitTheQuantityIsNotCappedAndMinimumRaisesIt) {
  auto in = calorie_march();
  in.limit = CalculationLimit::none;
  in.limit_value.reset();
  in.deliveries = {nutrition("2026-03-03", "LS1", "30", "1500")};  // 45000
  EXPECT_EQ(calc(in).quantity, dec("1.5"));

  in.limit = CalculationLimit::minimum;
  in.limit_value = dec("20000");
  in.deliveries = {nutrition("2026-03-03", "LS1", "10", "1000")};  // 10000 -> 20000
  EXPECT_EQ(calc(in).quantity, dec("0.66667"));
}

TEST(CalculatedFlatRate, BlankExtraFieldUsesTheBaseQuantity) {
  CalcInput in;
  in.kind = CalculationKind::delivered_quantity;
  in.reference_value = dec("100");
  in.unit_price = eur("80.00");
  in.billing_from = d("2026-03-01");
  in.billing_to = d("2026-03-31");
  auto del = nutrition("2026-03-03", "LS1", "25", "999");
  del.extra_value.reset();
  in.deliveries = {del};
  const auto r = calc(in);
  EXPECT_EQ(r.quantity, dec("0.25"));
  EXPECT_EQ(r.line_amount, eur("20.00"));
  EXPECT_EQ(r.delivery_texts[0], "2026-03-03 LS1 NUTRI 25");
}

// Seed 002 "Lief. Betrag": the delivered amounts summed into the flat rate.
TEST(CalculatedFlatRate, DeliveredAmountSumsTheDeliveries) {
  CalcInput in;
  in.kind = CalculationKind::delivered_amount;
  in.unit_price = eur("0");
  in.billing_from = d("2026-03-01");
  in.billing_to = d("2026-03-31");
  in.deliveries = {priced("2026-03-02", "LS1", "120.40"), priced("2026-03-20", "LS2", "79.65"),
                   priced("2026-02-27", "LS0", "500.00")};
  const auto r = calc(in);
  EXPECT_EQ(r.quantity, dec("1"));
  EXPECT_EQ(r.unit_price, eur("200.05"));
  EXPECT_EQ(r.line_amount, eur("200.05"));
  EXPECT_EQ(r.delivery_texts.size(), 2u);
}

// Seed 002 "Begrenzung": beyond the limit, an offset line of opposite sign.
TEST(CalculatedFlatRate, CapAddsAnOffsetLineOfOppositeSign) {
  CalcInput in;
  in.kind = CalculationKind::cap;
  in.limit = CalculationLimit::maximum;
  in.limit_value = dec("500");
  in.unit_price = eur("0");
  in.billing_from = d("2026-03-01");
  in.billing_to = d("2026-03-31");
  in.deliveries = {priced("2026-03-02", "LS1", "320.00"), priced("2026-03-20", "LS2", "260.50")};
  auto r = calc(in);
  EXPECT_EQ(r.line_amount, eur("580.50"));
  ASSERT_TRUE(r.offset.has_value());
  EXPECT_EQ(r.offset->amount, eur("-80.50"));
  EXPECT_EQ(r.line_amount + r.offset->amount, eur("500.00"));

  in.deliveries.pop_back();
  r = calc(in);
  EXPECT_FALSE(r.offset.has_value());
  EXPECT_EQ(r.line_amount, eur("320.00"));

  in.limit = CalculationLimit::minimum;
  in.limit_value = dec("400");
  r = calc(in);
  ASSERT_TRUE(r.offset.has_value());
  EXPECT_EQ(r.offset->amount, eur("80.00"));
}

// rx-billing.md §2 "Tagesgenau": quantity 30, billing interval -LM+1M, day
// count from the billing period (oxygen).
TEST(CalculatedFlatRate, Sec2DailyExactOxygen) {
  CalcInput in;
  in.kind = CalculationKind::daily;
  in.line_quantity = dec("30");
  in.unit_price = eur("9.80");
  // Start on 17 March: -LM+1M gives the next billing period's start, 1 April.
  in.billing_from = d("2026-03-17");
  in.billing_to = f("-LM+1M").apply(in.billing_from).add_days(-1);
  EXPECT_EQ(in.billing_to, d("2026-03-31"));
  auto r = calc(in);
  EXPECT_EQ(r.quantity, dec("15"));
  EXPECT_EQ(r.line_amount, eur("147.00"));

  for (const auto& [from, to] : {std::pair{"2026-02-01", "2026-02-28"}, {"2026-03-01", "2026-03-31"}}) {
    in.billing_from = d(from);
    in.billing_to = d(to);
    r = calc(in);
    EXPECT_EQ(r.quantity, dec("30")) << from;
    EXPECT_EQ(r.line_amount, eur("294.00"));
  }
  in.billing_from = d("2026-04-01");  // therapy end on 10 April
  in.billing_to = d("2026-04-10");
  EXPECT_EQ(calc(in).quantity, dec("10"));
  EXPECT_EQ(billing_period_days(d("2026-04-01"), d("2026-04-10")), 10);
}

TEST(CalculatedFlatRate, NoCalculationBillsTheLineQuantity) {
  CalcInput in;
  in.line_quantity = dec("2");
  in.unit_price = eur("12.345");
  in.billing_from = d("2026-03-01");
  in.billing_to = d("2026-03-31");
  const auto r = calc(in);
  EXPECT_EQ(r.quantity, dec("2"));
  EXPECT_EQ(r.line_amount, eur("24.69"));
}

TEST(CalculatedFlatRate, BadInputIsReported) {
  auto in = calorie_march();
  in.reference_value = dec("0");
  auto r = compute_calculated_flat_rate(in);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, DiagCode::BrlCalcInput);
  EXPECT_EQ(r.error().where.field, "/reference_value");

  in = calorie_march();
  in.billing_to = d("2026-02-28");
  EXPECT_EQ(compute_calculated_flat_rate(in).error().code, DiagCode::BrlCalcInput);

  in = calorie_march();
  auto del = nutrition("2026-03-03", "LS1", "10", "1500");
  del.extra_value.reset();
  in.deliveries = {del};
  r = compute_calculated_flat_rate(in);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("KABA"), std::string::npos);
  EXPECT_EQ(r.error().where.field, "/deliveries/0");
}

}  // namespace
}  // namespace cb::rx::billing
