#include "core/rx/contract_search.h"

#include <algorithm>
#include <tuple>

namespace cb::rx {

namespace {

bool prefix_match(std::string_view wanted, std::string_view have) {
  if (wanted.empty()) return true;
  if (have.empty()) return false;
  return wanted.starts_with(have) || have.starts_with(wanted);
}

/// The party a role of `p` points at on `date` (first valid match), or empty.
std::string assigned(const cb::Party& p, std::string_view role, const Date& date) {
  for (const auto& r : p.assigned_roles) {
    if (r.role != role) continue;
    if (r.valid_from && date < *r.valid_from) continue;
    if (r.valid_to && date > *r.valid_to) continue;
    return r.party_id;
  }
  return {};
}

}  // namespace

std::string_view to_text(PayerMatch m) {
  switch (m) {
    case PayerMatch::general: return "general";
    case PayerMatch::direct: return "direct";
    case PayerMatch::price_debtor: return "price_debtor";
    case PayerMatch::association: return "association";
  }
  return "?";
}

bool age_matches(const Contract& c, const std::optional<Date>& birth_date, const Date& date) {
  if (!c.age_from && !c.age_to) return true;
  if (!birth_date) return false;
  if (c.age_from && c.age_from->apply(*birth_date) > date) return false;
  if (c.age_to && date > c.age_to->apply(*birth_date)) return false;
  return true;
}

bool postal_code_matches(const Contract& c, const cb::Party& patient) {
  if (c.postal_codes.empty() || patient.ignore_contract_postal_codes) return true;
  if (!patient.address) return false;
  const std::string& pc = patient.address->postal_code;
  return std::ranges::any_of(c.postal_codes,
                             [&](const PostalCodeRange& r) { return r.contains(pc); });
}

bool extra_fields_match(const Contract& c, const cb::Party& patient) {
  for (const auto& [name, value] : c.extra_fields) {
    if (value.empty()) continue;
    auto it = patient.extra_fields.find(name);
    if (it == patient.extra_fields.end() || it->second.empty()) continue;
    if (it->second != value) return false;
  }
  return true;
}

Result<std::vector<ContractSearchHit>> search_contracts(const Workspace& ws,
                                                        const ContractSearchInput& in,
                                                        Date working_date) {
  if (in.case_type.empty()) {
    return fail(DiagCode::DomBadInput, "contract search needs a case type",
                Location{.field = "case_type"});
  }
  const cb::Party* patient = ws.parties.find(in.patient_id);
  if (patient == nullptr) {
    return fail(DiagCode::DomPartyNotFound, "patient " + quote_input(in.patient_id) + " not found",
                Location{.field = "patient_id"});
  }
  const Date date = in.search_date.value_or(working_date);
  std::string payer_id = in.partner_debtor;
  if (payer_id.empty()) payer_id = assigned(*patient, in.partner_role, date);
  const cb::Party* payer = payer_id.empty() ? nullptr : ws.parties.find(payer_id);
  if (!payer_id.empty() && payer == nullptr) {
    return fail(DiagCode::DomPartyNotFound, "payer " + quote_input(payer_id) + " not found",
                Location{.field = "partner_debtor"});
  }
  // The payer's price-finding debtor and association; the patient's as fallback.
  std::string price_debtor = payer ? assigned(*payer, "PF-DE", date) : std::string();
  if (price_debtor.empty()) price_debtor = assigned(*patient, "PF-DE", date);
  const std::string association = payer ? assigned(*payer, "VERBAND", date) : std::string();

  std::vector<ContractSearchHit> hits;
  for (const auto& [no, c] : ws.contracts) {
    if (c.status != ReleaseStatus::released || c.inactive || !c.valid_on(date)) continue;
    if (c.case_type != in.case_type) continue;
    if (in.plan_type && c.plan_type != *in.plan_type) continue;
    if (c.private_contract != in.private_patient) continue;
    PayerMatch how = PayerMatch::general;
    switch (c.kind) {
      case ContractKind::general:
        if (!in.show_general) continue;
        how = PayerMatch::general;
        break;
      case ContractKind::billing_debtor:
        if (payer_id.empty() || c.kind_party != payer_id) continue;
        how = PayerMatch::direct;
        break;
      case ContractKind::price_debtor:
        if (price_debtor.empty() || c.kind_party != price_debtor) continue;
        how = PayerMatch::price_debtor;
        break;
      case ContractKind::association:
        if (association.empty() || c.kind_party != association) continue;
        how = PayerMatch::association;
        break;
    }
    if (!prefix_match(in.search_code, c.search_code)) continue;
    if (!prefix_match(in.aid_search_code, c.aid_search_code)) continue;
    if (!age_matches(c, patient->birth_date, date)) continue;
    if (!postal_code_matches(c, *patient)) continue;
    if (!extra_fields_match(c, *patient)) continue;
    for (const auto& v : c.versions) {
      if (v.status != ReleaseStatus::released || !v.valid_on(date)) continue;
      if (v.billing_debtor_override != in.billing_debtor) continue;
      if (v.find_period(in.period_code) == nullptr) continue;
      hits.push_back(ContractSearchHit{c.number, v.version_no,
                                       v.description.empty() ? c.description : v.description, how});
    }
  }
  std::ranges::sort(hits, [](const ContractSearchHit& a, const ContractSearchHit& b) {
    return std::tie(a.contract_no, a.version_no) < std::tie(b.contract_no, b.version_no);
  });
  return hits;
}

Result<std::vector<ContractLineChoice>> period_lines(const Workspace& ws,
                                                     std::string_view contract_no,
                                                     int version_no,
                                                     std::string_view period_code) {
  const Contract* c = ws.contracts.find(contract_no);
  if (c == nullptr) {
    return fail(DiagCode::DomContractNotFound,
                "contract " + quote_input(contract_no) + " not found");
  }
  const ContractVersion* v = c->find_version(version_no);
  if (v == nullptr) {
    return fail(DiagCode::DomVersionNotFound, "contract " + c->number + " has no version " +
                                                  std::to_string(version_no));
  }
  if (v->find_period(period_code) == nullptr) {
    return fail(DiagCode::DomPeriodNotFound, "contract " + c->number + " version " +
                                                 std::to_string(version_no) + " has no period " +
                                                 quote_input(period_code));
  }
  std::vector<ContractLineChoice> out;
  for (const auto& l : v->lines) {
    if (!l.in_period(period_code) || l.additional) continue;
    ContractLineChoice top{1, l.line_no, l.kind, l.number, l.variant, l.description, {},
                           l.quantity, l.unit};
    if (l.kind != LineKind::contract_finding_item) {
      out.push_back(std::move(top));
      continue;
    }
    const ContractFindingItem* g = ws.contract_finding_items.find(l.number);
    if (g != nullptr && top.description.empty()) top.description = g->description;
    out.push_back(top);
    if (g == nullptr) continue;
    for (const auto& m : g->items) {
      const cb::Item* item = ws.items.find(item_key(m.item_no, m.variant));
      out.push_back(ContractLineChoice{2, l.line_no, LineKind::item, m.item_no, m.variant,
                                       item ? item->description : std::string(), l.number,
                                       l.quantity, item ? item->unit : l.unit});
    }
  }
  return out;
}

}  // namespace cb::rx
