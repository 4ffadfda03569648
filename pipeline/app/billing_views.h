#pragma once
// Text views of the billing side (issue 4): a patient's billing plan (lines,
// schedules with status, error code, documents and — for every schedule not
// yet invoiced — the reason it cannot be invoiced), and a readable invoice or
// credit note. Patient ids only, no names or insurance numbers.

#include <string>
#include <string_view>

#include "core/rx/workspace.h"

namespace cb::app {

/// The billing lines of a patient's plan (only those of `case_no` when
/// given); "" when there are none.
std::string render_billing_plan(const rx::Workspace& ws, std::string_view patient_id,
                                std::string_view case_no = {});

/// An invoice or credit note: header, recipient, lines with net/VAT/gross,
/// deductions and totals; "" when it does not exist.
std::string render_invoice(const rx::Workspace& ws, std::string_view invoice_no);

}  // namespace cb::app
