#pragma once
// Sales invoices and credit notes (`Verkaufsrechnung`, `Gutschrift`) called off
// from the billing plan (rx-billing.md §6, issue 4 point 8). Key: the number
// from the numbering series ("RE00000001", "GS00000001"). Amounts are exact
// decimals; every line is rounded to cents and the totals are the sums of the
// rounded lines. Cancelled invoices stay (status cancelled, credit note named).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/rx/enums.h"
#include "core/rx/master_data.h"
#include "core/value/date.h"
#include "core/value/decimal.h"

namespace cb::rx {

/// Invoice or credit note.
enum class InvoiceKind : std::uint8_t { invoice, credit_note };
/// open = created, not posted; posted; cancelled = a credit note reverses it.
enum class InvoiceStatus : std::uint8_t { open, posted, cancelled };
std::string_view to_text(InvoiceKind v);
std::optional<InvoiceKind> InvoiceKind_from_text(std::string_view s);
std::string_view to_text(InvoiceStatus v);
std::optional<InvoiceStatus> InvoiceStatus_from_text(std::string_view s);

/// One invoice line; keeps its links back to the billing plan and contract.
struct InvoiceLine {
  int line_no = 0;  // 10000, 20000...
  // Links back.
  std::string case_no;
  int period_no = 1;
  int billing_line_no = 0;
  int schedule_no = 0;
  int contract_line_no = 0;
  int billing_period_no = 0;
  int delivery_line_no = 0;
  std::string delivery_document_no;
  // What.
  LineKind kind = LineKind::item;
  std::string number;
  std::string variant;
  std::string serial_no;
  std::string description;
  Decimal quantity;
  std::string unit;
  Date supply_from = Date::from_days(0);
  Date supply_to = Date::from_days(0);
  std::optional<Date> service_date;
  // Amounts.
  Decimal unit_price;
  std::string discount_reason;
  Decimal line_discount_pct;
  Decimal net;         // quantity × price − discount, rounded to cents
  std::string vat_product_group;
  Decimal vat_pct;
  Decimal vat_amount;  // net × rate, rounded to cents
  Decimal gross;       // net + VAT
  Decimal deduction;   // the patient's share (co-payment, own share, surcharge) deducted
  Decimal amount_due;  // gross − deduction
  ExtraFields extra_fields;  // billing Hilfsmittelnummer, LKZ, ACTK302
  friend bool operator==(const InvoiceLine&, const InvoiceLine&) = default;
};

/// An invoice or credit-note header with its lines and totals.
struct Invoice {
  std::string no;
  InvoiceKind kind = InvoiceKind::invoice;
  InvoiceStatus status = InvoiceStatus::open;
  std::string patient_id;
  std::string case_no;  // blank when the invoice spans several cases
  std::string case_type;
  std::string recipient_role;  // KK-AB, KK-PRAB, KK-PRUM, VS
  std::string recipient_id;
  BillingMethod billing_method = BillingMethod::none;
  std::string billing_group_code;
  std::string order_type = "AB-PLAN";
  Date invoice_date = Date::from_days(0);
  Date posting_date = Date::from_days(0);
  std::optional<Date> service_date;  // the latest line's service date
  std::string credited_invoice_no;   // credit note: the invoice it reverses
  std::string credit_note_no;        // cancelled invoice: the credit note
  bool recalculate = false;          // credit note: the plan values are recalculated
  bool patient_share = false;        // the patient's co-payment/own-share invoice of a split
  bool dta_wait = false;             // P300/P302: the receivable waits for the collective invoice
  std::vector<InvoiceLine> lines;
  Decimal total_net;
  Decimal total_vat;
  Decimal total_gross;
  Decimal total_deductions;
  Decimal total_due;

  /// Recomputes the totals as the sums of the (already rounded) lines.
  void compute_totals();
  friend bool operator==(const Invoice&, const Invoice&) = default;
};

}  // namespace cb::rx
