#include "core/rx/billing_rules/vat.h"

#include <algorithm>

namespace cb::rx::billing {
namespace {

VatRate row(std::string group, int pct, std::optional<Date> from, std::optional<Date> to) {
  return VatRate{std::move(group), Decimal::from_int(pct), from, to};
}

Date ymd(int y, int m, int d) { return Date::from_ymd(y, m, d).value(); }

}  // namespace

std::vector<VatRate> default_vat_rates() {
  const Date cut_from = ymd(2020, 7, 1);
  const Date cut_to = ymd(2020, 12, 31);
  return {
      row("MWST19", 19, std::nullopt, ymd(2020, 6, 30)),
      row("MWST19", 16, cut_from, cut_to),
      row("MWST19", 19, ymd(2021, 1, 1), std::nullopt),
      row("MWST7", 7, std::nullopt, ymd(2020, 6, 30)),
      row("MWST7", 5, cut_from, cut_to),
      row("MWST7", 7, ymd(2021, 1, 1), std::nullopt),
      row("MWST0", 0, std::nullopt, std::nullopt),
  };
}

Result<Decimal> vat_rate(const std::vector<VatRate>& rates, std::string_view product_group,
                         const Date& date) {
  for (const auto& r : rates) {
    if (r.product_group != product_group) continue;
    if (r.valid_from && date < *r.valid_from) continue;
    if (r.valid_to && *r.valid_to < date) continue;
    return r.percent;
  }
  Location w;
  w.field = "/vat_product_group";
  return fail(DiagCode::BrlVatRate,
              "no VAT rate for product group '" + std::string(product_group) + "' on " +
                  date.to_string(),
              w);
}

std::string RedirectCodes::effective() const {
  if (!contract_line.empty()) return contract_line;
  if (!contract_header.empty()) return contract_header;
  return order_type;
}

std::string redirected_vat_group(std::string_view item_vat_group, const RedirectCodes& codes,
                                 const std::vector<PostingGroupRedirect>& redirects) {
  const std::string code = codes.effective();
  if (!code.empty()) {
    for (const auto& r : redirects)
      if (r.code == code && r.from_group == item_vat_group) return r.to_group;
  }
  return std::string(item_vat_group);
}

Result<LineAmounts> compute_line_amounts(const LineInput& line) {
  Location w;
  if (line.line_discount_pct.is_negative() || Decimal::from_int(100) < line.line_discount_pct) {
    w.field = "/line_discount_pct";
    return fail(DiagCode::BrlLineInput,
                "line discount " + line.line_discount_pct.to_string() + " % is outside 0..100", w);
  }
  if (line.vat_pct.is_negative()) {
    w.field = "/vat_pct";
    return fail(DiagCode::BrlLineInput, "VAT rate " + line.vat_pct.to_string() + " % is negative", w);
  }
  const Currency cur = line.unit_price.currency();
  const int minor = cur.minor_units();
  auto amount = Decimal::checked_mul_rounded(line.quantity, line.unit_price.amount(), minor);
  if (!amount) return Unexpected(amount.error());
  auto discount = Decimal::checked_percent(*amount, line.line_discount_pct, minor);
  if (!discount) return Unexpected(discount.error());
  const Decimal after = *amount - *discount;

  LineAmounts out;
  out.vat_pct = line.vat_pct;
  out.amount = Money(*amount, cur);
  out.discount = Money(*discount, cur);
  if (line.prices_include_vat) {
    out.gross = Money(after, cur);
    const Decimal divisor = Decimal::from_int(100) + line.vat_pct;
    auto net = Decimal::checked_div(after * Decimal::from_int(100), divisor, minor);
    if (!net) return Unexpected(net.error());
    out.net = Money(*net, cur);
    out.vat = out.gross - out.net;
  } else {
    out.net = Money(after, cur);
    auto vat = Decimal::checked_percent(after, line.vat_pct, minor);
    if (!vat) return Unexpected(vat.error());
    out.vat = Money(*vat, cur);
    out.gross = out.net + out.vat;
  }
  return out;
}

Result<DocumentTotals> sum_lines(const std::vector<LineAmounts>& lines) {
  DocumentTotals t;
  if (lines.empty()) return t;
  const Currency cur = lines.front().net.currency();
  t.net = t.vat = t.gross = Money::zero(cur);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& l = lines[i];
    if (!(l.net.currency() == cur)) {
      Location w;
      w.field = "/lines/" + std::to_string(i);
      return fail(DiagCode::CurrencyMismatch,
                  "line " + std::to_string(i) + " is in " + std::string(l.net.currency().code()) +
                      ", the document in " + std::string(cur.code()),
                  w);
    }
    t.net = t.net + l.net;
    t.vat = t.vat + l.vat;
    t.gross = t.gross + l.gross;
    auto it = std::find_if(t.by_rate.begin(), t.by_rate.end(),
                           [&](const VatBreakdown& b) { return b.vat_pct == l.vat_pct; });
    if (it == t.by_rate.end()) {
      t.by_rate.push_back(VatBreakdown{l.vat_pct, Money::zero(cur), Money::zero(cur), Money::zero(cur)});
      it = t.by_rate.end() - 1;
    }
    it->net = it->net + l.net;
    it->vat = it->vat + l.vat;
    it->gross = it->gross + l.gross;
  }
  std::sort(t.by_rate.begin(), t.by_rate.end(),
            [](const VatBreakdown& a, const VatBreakdown& b) { return a.vat_pct < b.vat_pct; });
  return t;
}

}  // namespace cb::rx::billing
