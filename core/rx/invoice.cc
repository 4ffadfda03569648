#include "core/rx/invoice.h"

#include <array>
#include <cstddef>

namespace cb::rx {

namespace {
constexpr std::array<std::string_view, 2> kKindNames = {"invoice", "credit_note"};
constexpr std::array<std::string_view, 3> kStatusNames = {"open", "posted", "cancelled"};

template <class E, std::size_t N>
std::optional<E> lookup_text(const std::array<std::string_view, N>& names, std::string_view s) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == s) return static_cast<E>(i);
  }
  return std::nullopt;
}
}  // namespace

std::string_view to_text(InvoiceKind v) { return kKindNames.at(static_cast<std::size_t>(v)); }
std::optional<InvoiceKind> InvoiceKind_from_text(std::string_view s) {
  return lookup_text<InvoiceKind>(kKindNames, s);
}
std::string_view to_text(InvoiceStatus v) { return kStatusNames.at(static_cast<std::size_t>(v)); }
std::optional<InvoiceStatus> InvoiceStatus_from_text(std::string_view s) {
  return lookup_text<InvoiceStatus>(kStatusNames, s);
}

void Invoice::compute_totals() {
  Decimal net, vat, gross, deductions, due;
  for (const auto& l : lines) {
    net += l.net;
    vat += l.vat_amount;
    gross += l.gross;
    deductions += l.deduction;
    due += l.amount_due;
  }
  total_net = net.rounded(2);
  total_vat = vat.rounded(2);
  total_gross = gross.rounded(2);
  total_deductions = deductions.rounded(2);
  total_due = due.rounded(2);
}

}  // namespace cb::rx
