#include "pipeline/app/billing_views.h"

#include <sstream>

#include "core/rx/billing_engine.h"

namespace cb::app {
namespace {

std::string pad(std::string s, std::size_t width) {
  std::size_t cps = 0;
  for (unsigned char c : s) cps += (c & 0xC0) != 0x80 ? 1 : 0;
  if (cps < width) s.append(width - cps, ' ');
  return s;
}

std::string rpad(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

std::string money(const Decimal& d) { return d.format(2); }

}  // namespace

std::string render_billing_plan(const rx::Workspace& ws, std::string_view patient_id,
                                std::string_view case_no) {
  const rx::BillingPlan* plan = ws.billing_plans.find(patient_id);
  if (plan == nullptr) return {};
  std::ostringstream o;
  bool any = false;
  for (const auto& l : plan->lines) {
    if (!case_no.empty() && l.case_no != case_no) continue;
    any = true;
    o << "billing line " << l.line_no << "  case " << l.case_no << "/" << l.period_no
      << "  case line " << l.case_line_no << "  " << rx::to_text(l.process) << "  "
      << l.number << (l.variant.empty() ? "" : "/" + l.variant) << "  qty "
      << l.quantity.to_string() << " " << l.unit << "\n";
    o << "  to " << (l.recipient_id.empty() ? "—" : l.recipient_id) << " ("
      << (l.recipient_role.empty() ? "—" : l.recipient_role) << ", "
      << rx::to_text(l.billing_method) << ")  price "
      << (l.unit_price ? money(*l.unit_price) : std::string("—")) << " ("
      << rx::to_text(l.price_origin)
      << (l.price_fixation_date ? ", fixed " + l.price_fixation_date->to_string() : "")
      << ")  VAT group " << (l.vat_product_group.empty() ? "—" : l.vat_product_group);
    if (!l.discount_reason.empty() || !l.line_discount_pct.is_zero()) {
      o << "  discount " << l.discount_reason << " " << l.line_discount_pct.to_string() << " %";
    }
    for (const auto& [k, v] : l.extra_fields) o << "  " << k << "=" << v;
    o << "\n";
    if (l.process == rx::BillingProcess::included) {
      o << "  (billed through flat rate " << l.belongs_to_flat_rate << ")\n";
      continue;
    }
    if (l.schedules.empty()) {
      o << "  (no billing schedules"
        << (l.process == rx::BillingProcess::purchase ? ": they appear with the order" : "")
        << ")\n";
      continue;
    }
    o << "    " << pad("no", 4) << pad("posting", 12) << pad("supply", 24) << pad("status", 10)
      << pad("error", 12) << pad("document", 14) << rpad("qty", 6) << rpad("amount", 11)
      << rpad("split", 9) << "\n";
    for (const auto& s : l.schedules) {
      std::string error = s.error_code.empty() ? "—" : s.error_code;
      if (const auto* e = ws.error_codes.find(s.error_code); e != nullptr && e->blocks) error += "!";
      std::string doc = !s.invoice_no.empty() ? s.invoice_no
                        : !s.delivery_document_no.empty() ? s.delivery_document_no
                                                          : "—";
      o << "    " << pad(std::to_string(s.no), 4) << pad(s.posting_date.to_string(), 12)
        << pad(s.supply_from.to_string() + ".." + s.supply_to.to_string(), 24)
        << pad(std::string(rx::to_text(s.status)), 10) << pad(error, 12) << pad(doc, 14)
        << rpad(s.quantity.to_string(), 6) << rpad(money(s.line_amount), 11)
        << rpad(money(s.split_amount), 9) << "\n";
      if (s.status == rx::BillingScheduleStatus::planned ||
          s.status == rx::BillingScheduleStatus::delivery || s.change_plan_values) {
        // Why it cannot be invoiced when it falls due.
        const std::string why = rx::not_invoiceable_reason(ws, *plan, l, s, s.posting_date);
        if (!why.empty()) o << "         not invoiceable: " << why << "\n";
      }
    }
  }
  if (!any) return {};
  o << "(error codes marked ! block the schedule)\n";
  return o.str();
}

std::string render_invoice(const rx::Workspace& ws, std::string_view invoice_no) {
  const rx::Invoice* inv = ws.invoices.find(invoice_no);
  if (inv == nullptr) return {};
  std::ostringstream o;
  o << (inv->kind == rx::InvoiceKind::credit_note ? "CREDIT NOTE " : "INVOICE ") << inv->no
    << "  " << rx::to_text(inv->status)
    << (inv->patient_share ? "  (patient's share)" : "") << "\n";
  o << "date " << inv->invoice_date.to_string() << "  posting " << inv->posting_date.to_string()
    << "  service " << (inv->service_date ? inv->service_date->to_string() : "—") << "  order type "
    << inv->order_type << "\n";
  o << "to " << inv->recipient_id << " (" << inv->recipient_role << ")  billing method "
    << rx::to_text(inv->billing_method) << "  patient " << inv->patient_id << "  case "
    << (inv->case_no.empty() ? "—" : inv->case_no) << "  case type "
    << (inv->case_type.empty() ? "—" : inv->case_type)
    << (inv->billing_group_code.empty() ? "" : "  billing group " + inv->billing_group_code) << "\n";
  if (!inv->credited_invoice_no.empty()) {
    o << "credits invoice " << inv->credited_invoice_no
      << (inv->recalculate ? " (plan recalculated)" : " (without recalculation)") << "\n";
  }
  if (!inv->credit_note_no.empty()) o << "cancelled by credit note " << inv->credit_note_no << "\n";
  if (inv->dta_wait) o << "receivable waits for the DTA collective invoice\n";
  o << "\n  " << pad("line", 7) << pad("item", 14) << pad("supply", 24) << rpad("qty", 6)
    << rpad("price", 10) << rpad("net", 11) << rpad("VAT%", 6) << rpad("VAT", 9)
    << rpad("gross", 11) << rpad("deduct", 9) << rpad("due", 11) << "\n";
  for (const auto& l : inv->lines) {
    o << "  " << pad(std::to_string(l.line_no), 7) << pad(l.number, 14)
      << pad(l.supply_from.to_string() + ".." + l.supply_to.to_string(), 24)
      << rpad(l.quantity.to_string(), 6) << rpad(money(l.unit_price), 10) << rpad(money(l.net), 11)
      << rpad(l.vat_pct.normalized().to_string(), 6) << rpad(money(l.vat_amount), 9)
      << rpad(money(l.gross), 11) << rpad(money(l.deduction), 9) << rpad(money(l.amount_due), 11)
      << "\n";
    o << "         " << l.description;
    if (!l.serial_no.empty()) o << "  serial " << l.serial_no;
    if (l.service_date) o << "  service date " << l.service_date->to_string();
    o << "  ← case " << l.case_no << "/" << l.period_no << " billing line " << l.billing_line_no
      << " schedule " << l.schedule_no << " contract line " << l.contract_line_no;
    if (l.billing_period_no != 0) o << " billing period " << l.billing_period_no;
    if (!l.delivery_document_no.empty()) o << " delivery " << l.delivery_document_no;
    o << "\n";
  }
  o << "\n  total net " << money(inv->total_net) << "  VAT " << money(inv->total_vat) << "  gross "
    << money(inv->total_gross) << "  deductions " << money(inv->total_deductions) << "  due "
    << money(inv->total_due) << " EUR\n";
  return o.str();
}

}  // namespace cb::app
