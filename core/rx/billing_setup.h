#pragma once
// Billing-plan setup (`Abrechnungsplan Einrichtung`), rx-billing.md §6, plus
// the invoice numbering series and the VAT rates of the VAT product groups.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/value/date.h"
#include "core/value/date_formula.h"
#include "core/value/decimal.h"

namespace cb::rx {

/// How call-off groups schedules into invoices (`Rechnungsgruppierung`),
/// always inside one billing recipient and billing method.
enum class InvoiceGrouping : std::uint8_t {
  per_case_period,  // one invoice per prescription (case period): the §302 default
  per_case,
  per_patient,
};
std::string_view to_text(InvoiceGrouping v);
std::optional<InvoiceGrouping> InvoiceGrouping_from_text(std::string_view s);

/// One VAT rate of a VAT product group (`MwSt.-Produktbuchungsgruppe`) with validity.
struct VatRate {
  std::string product_group;  // "standard" (19 %), "reduced" (7 %), "exempt_healthcare"
  Decimal rate_pct;
  std::optional<Date> valid_from;
  std::optional<Date> valid_to;
  friend bool operator==(const VatRate&, const VatRate&) = default;
};

/// The billing setup row. Key "default".
struct BillingSetup {
  bool use_billing_plan = true;
  std::string billing_order_type = "AB-PLAN";
  DateFormula horizon;                   // flat-rate schedules up to working date + horizon (13M)
  std::string default_invoice_filter;    // billing group code used by the batch when none given
  bool ignore_ended_billing_periods = true;
  bool line_edit_allowed = true;
  std::string zero_amount_discount_reason = "GRATIS";  // split lines with amount 0
  std::string missing_proof_error_code = "LN-FEHLT";   // blocks, logged
  std::string manual_proof_error_code = "LN-MANUELL";  // does not block
  std::string end_date_error_code = "ENDE";            // after therapy end (blocks)
  std::string wait_error_code = "ABWARTEN";            // purchase until delivery (blocks)
  std::optional<DateFormula> log_date_formula;         // e.g. -5T: log missing proof from posting date − 5 days
  InvoiceGrouping grouping = InvoiceGrouping::per_case_period;
  std::string invoice_prefix = "RE";      // numbering series of invoices
  std::string credit_note_prefix = "GS";  // numbering series of credit notes
  int number_width = 8;
  std::string default_vat_product_group = "standard";
  std::vector<VatRate> vat_rates;

  /// Horizon 13M, the German VAT rates since 2007 (standard 19 %, reduced 7 %,
  /// the 2020 reduction 16 %/5 %, exempt healthcare 0 %).
  static BillingSetup defaults();
  /// The rate of a product group on a date; nullopt when none applies.
  std::optional<Decimal> vat_rate(std::string_view product_group, const Date& on) const;
  friend bool operator==(const BillingSetup&, const BillingSetup&) = default;
};

}  // namespace cb::rx
