#pragma once
// VAT of invoice lines (rx-billing.md §2 "posting-group redirect", issue 4
// point 8): the rate from the VAT product group on the service date, the
// posting-group redirect for the 7 % → 19 % switch of spare parts in repairs,
// and line amounts rounded so that totals are sums of rounded lines.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diag/diagnostic.h"
#include "core/value/date.h"
#include "core/value/decimal.h"
#include "core/value/money.h"

namespace cb::rx::billing {

/// A VAT rate of a VAT product group (`MwSt.-Produktbuchungsgruppe`) with validity.
struct VatRate {
  std::string product_group;  // e.g. "MWST7", "MWST19"
  Decimal percent;            // e.g. 7, 19
  std::optional<Date> valid_from;
  std::optional<Date> valid_to;
  friend bool operator==(const VatRate&, const VatRate&) = default;
};

/// The shipped German table: MWST19 = 19 %, MWST7 = 7 %, with the temporary
/// 16 % / 5 % of 2020-07-01..2020-12-31, and MWST0 = 0 %.
std::vector<VatRate> default_vat_rates();

/// The rate of `product_group` valid on `date` (the service date: it decides
/// the VAT period). BRL004 when no row is valid.
Result<Decimal> vat_rate(const std::vector<VatRate>& rates, std::string_view product_group,
                         const Date& date);

/// A posting-group redirect (`Buchungsgruppen-Umleitung`): under this code an
/// item's VAT product group `from_group` becomes `to_group` (spare parts in
/// repairs: MWST7 → MWST19).
struct PostingGroupRedirect {
  std::string code;
  std::string from_group;
  std::string to_group;
  friend bool operator==(const PostingGroupRedirect&, const PostingGroupRedirect&) = default;
};

/// Where redirect codes can be set, highest priority first.
struct RedirectCodes {
  std::string contract_line;    // contract line
  std::string contract_header;  // contract version / header (`abweichende Belegvorgaben`)
  std::string order_type;       // the billing order type
  /// The first non-blank code of contract line, contract header, order type.
  std::string effective() const;
  friend bool operator==(const RedirectCodes&, const RedirectCodes&) = default;
};

/// The item's VAT product group after the redirect of the effective code
/// (unchanged when no code, or the code has no row for the group).
std::string redirected_vat_group(std::string_view item_vat_group, const RedirectCodes& codes,
                                 const std::vector<PostingGroupRedirect>& redirects);

/// Input of one invoice line.
struct LineInput {
  Decimal quantity;
  Money unit_price = Money::zero(Currency::eur());  // may carry more than 2 places
  Decimal line_discount_pct;    // 0..100 (100 = zero-amount discount reason)
  Decimal vat_pct;              // from vat_rate
  bool prices_include_vat = false;
  friend bool operator==(const LineInput&, const LineInput&) = default;
};

/// Amounts of one invoice line, each rounded to cents (half away from zero):
/// net + vat = gross exactly.
struct LineAmounts {
  Money amount = Money::zero(Currency::eur());    // round(quantity × unit price)
  Money discount = Money::zero(Currency::eur());  // round(amount × discount %)
  Money net = Money::zero(Currency::eur());
  Money vat = Money::zero(Currency::eur());
  Money gross = Money::zero(Currency::eur());
  Decimal vat_pct;
  friend bool operator==(const LineAmounts&, const LineAmounts&) = default;
};

/// Prices without VAT: line amount = round(q × p) − round(discount), net = that,
/// vat = round(net × rate), gross = net + vat. Prices with VAT: gross = the
/// line amount, net = round(gross ÷ (1 + rate)), vat = gross − net.
/// BRL005 for a discount outside 0..100 or a negative rate.
Result<LineAmounts> compute_line_amounts(const LineInput& line);

/// Totals of a document: sums of the rounded lines, and per VAT rate.
struct VatBreakdown {
  Decimal vat_pct;
  Money net = Money::zero(Currency::eur());
  Money vat = Money::zero(Currency::eur());
  Money gross = Money::zero(Currency::eur());
  friend bool operator==(const VatBreakdown&, const VatBreakdown&) = default;
};
struct DocumentTotals {
  Money net = Money::zero(Currency::eur());
  Money vat = Money::zero(Currency::eur());
  Money gross = Money::zero(Currency::eur());
  std::vector<VatBreakdown> by_rate;  // ascending rate
  friend bool operator==(const DocumentTotals&, const DocumentTotals&) = default;
};
/// Sums lines (DEC006 when currencies differ); an empty list gives zeros in EUR.
Result<DocumentTotals> sum_lines(const std::vector<LineAmounts>& lines);

}  // namespace cb::rx::billing
