#pragma once
// Billing engines (rx-billing.md §6, §7, §10): create billing data, resolve
// the billing recipient, call off invoices, credit notes, insurer rejection.
// Every function takes the working (run) date explicitly.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diag/diagnostic.h"
#include "core/rx/workspace.h"

namespace cb::rx {

/// What one "create billing data" run did.
struct BillingDataResult {
  std::size_t plans_changed = 0;
  std::size_t lines_created = 0;
  std::size_t schedules_created = 0;
  std::size_t schedules_updated = 0;
  std::size_t missing_proofs_logged = 0;
};

/// Create billing data (`Abrechnungsdaten erstellen`): for every released or
/// ended case period (of `patient_id` only, when given) every case line gets
/// its billing line (recipient, price origin and price, discount, VAT product
/// group, extra fields `HMV-NR`/`LKZ`/`ACTK302`). Flat-rate lines get one
/// schedule per billing period up to working date + the setup's horizon;
/// purchase lines get one schedule per delivery schedule that carries an
/// order (error code `ABWARTEN`) or a delivery (status delivery, `ABWARTEN`
/// removed, posting date = delivery date). Values of schedules not yet
/// invoiced and not manual are recalculated. Flat rates without delivery
/// proof get the missing-proof code (logged from posting date + log date
/// formula on), those with a manual proof the manual-proof code; billing
/// periods after the therapy end get the end-date code. Only changed plans are written.
BillingDataResult create_billing_data(Workspace& ws, Date working_date,
                                      std::string_view patient_id = {});

/// A resolved billing recipient (`Rechnungsempfänger`).
struct BillingRecipient {
  std::string role;      // KK-AB, KK-PRAB, KK-PRUM, VS...
  std::string party_id;
  BillingMethod method = BillingMethod::none;
  friend bool operator==(const BillingRecipient&, const BillingRecipient&) = default;
};

/// The billing recipient of a case period on a date (rx-billing.md §3, §10):
/// an assignment (`Abtretung`, the patient's `KK-PRUM` role, relevance 950)
/// redirects every future invoice to the private insurer; a period billed to
/// the patient (`VS`: `§PRIVAT`, insurer rejection) bills the patient
/// (method `Direkt` unless Paper); a private patient (own role `VS-PK`) bills
/// the known private insurer's billing office (`KK-PR` → its `KK-PRAB`, else
/// the insurer) or, unknown, the patient; otherwise the period's billing
/// partner role and debtor. Electronic methods (P300/P302) only for the
/// statutory insurer. BIL006 when nobody is found.
Result<BillingRecipient> resolve_billing_recipient(const Workspace& ws, const Case& c,
                                                   const CasePeriod& p, Date on);

/// An insurer's rejection (`Ablehnung`): the period is billed to the patient
/// with billing method `Direkt` from now on (the receivable becomes dunnable).
Result<void> switch_billing_to_patient(Workspace& ws, std::string_view case_no, int period_no);

/// The stored filter of the invoice call-off batch (`Rechnungen abrufen`).
struct InvoiceFilter {
  std::string patient_id;                  // blank: all patients (batch)
  std::string billing_group_code;          // blank: any
  std::optional<BillingMethod> billing_method;
  std::optional<Date> posting_date_to;     // default: the run date
  std::string case_type;                   // blank: any
  bool post = true;                        // post at once (schedules → invoice) or leave open (fixed)
};

/// A due schedule that could not be invoiced, and why.
struct NotInvoiceable {
  std::string patient_id;
  std::string case_no;
  int billing_line_no = 0;
  int schedule_no = 0;
  Date posting_date = Date::from_days(0);
  std::string reason;
};

/// What one invoice call-off did.
struct InvoiceCallOffResult {
  std::vector<std::string> invoices;  // created numbers, insurer and patient invoices
  std::size_t lines = 0;
  std::vector<NotInvoiceable> not_invoiceable;
};

/// Why a billing schedule cannot be invoiced on `run_date` (requirement,
/// error code, missing proof, missing price, not due, already invoiced...);
/// empty when it can.
std::string not_invoiceable_reason(const Workspace& ws, const BillingPlan& plan,
                                   const BillingLine& line, const BillingSchedule& s,
                                   Date run_date);

/// Call off invoices: every due (posting date ≤ filter date), unblocked
/// schedule matching the filter becomes an invoice line; one invoice per
/// patient, billing recipient, billing method and the setup's grouping rule
/// (case period by default), numbered from the numbering series. Lines carry
/// net, VAT (rate of the VAT product group on the service date), gross, the
/// split deduction and the amount due; totals are sums of rounded lines.
/// Split amounts > 0 also produce the patient's invoice (method Direkt).
/// Due schedules that cannot be invoiced are reported with their reason and
/// written to the application log (once per schedule and day).
InvoiceCallOffResult call_off_invoices(Workspace& ws, const InvoiceFilter& filter, Date run_date);

/// How a credit note treats the plan (`Gutschrift`).
struct CreditOptions {
  /// true: the schedules are recalculated (prices, splits) and invoiced again.
  bool recalculate = false;
  /// Without recalculation (`Planwerte ändern`): true = no new invoice;
  /// false = invoiced again with the same values.
  bool change_plan_values = false;
  std::string reason;
};

/// Credits an invoice: a credit note with the same lines (amounts positive,
/// kind credit note) from the credit-note series; the invoice becomes
/// cancelled (it never disappears) and names the credit note. The invoice's
/// schedules follow the options. Returns the credit-note number. BIL002
/// unknown invoice, BIL003 a credit note or already cancelled.
Result<std::string> credit_invoice(Workspace& ws, std::string_view invoice_no,
                                   const CreditOptions& options, Date date);

/// The service date (`Leistungserbringungsdatum`) of a schedule: the
/// period's manual override, else for purchase the delivery date, for flat
/// rates the last delivery proof inside the billing period, else its posting
/// date. Also decides the VAT period.
Date service_date_of(const Workspace& ws, const CasePeriod& p, const BillingLine& line,
                     const BillingSchedule& s);

}  // namespace cb::rx
