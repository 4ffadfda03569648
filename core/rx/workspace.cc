#include "core/rx/workspace.h"

#include "core/rx/ids.h"

namespace cb::rx {

std::string_view to_text(AggregateKind k) {
  switch (k) {
    case AggregateKind::party: return "party";
    case AggregateKind::item: return "item";
    case AggregateKind::resource: return "resource";
    case AggregateKind::work_type: return "work_type";
    case AggregateKind::contract_finding_item: return "contract_finding_item";
    case AggregateKind::price_list: return "price_list";
    case AggregateKind::discount_reason: return "discount_reason";
    case AggregateKind::error_code: return "error_code";
    case AggregateKind::posting_code: return "posting_code";
    case AggregateKind::delivery_hierarchy: return "delivery_hierarchy";
    case AggregateKind::requirement_code: return "requirement_code";
    case AggregateKind::status_template: return "status_template";
    case AggregateKind::info_template: return "info_template";
    case AggregateKind::plan_setup: return "plan_setup";
    case AggregateKind::contract: return "contract";
    case AggregateKind::case_: return "case";
    case AggregateKind::delivery_plan: return "delivery_plan";
    case AggregateKind::sales_order: return "sales_order";
    case AggregateKind::delivery_note: return "delivery_note";
    case AggregateKind::serial_card: return "serial_card";
    case AggregateKind::app_log: return "app_log";
    case AggregateKind::billing_plan: return "billing_plan";
    case AggregateKind::invoice: return "invoice";
    case AggregateKind::billing_setup: return "billing_setup";
  }
  return "?";
}

std::string_view to_text(ChangeOp op) {
  switch (op) {
    case ChangeOp::created: return "created";
    case ChangeOp::updated: return "updated";
    case ChangeOp::deleted: return "deleted";
  }
  return "?";
}

void ChangeLog::record(AggregateKind kind, std::string_view key, ChangeOp op) {
  auto k = std::make_pair(kind, std::string(key));
  auto it = entries_.find(k);
  if (it == entries_.end()) {
    entries_.emplace(std::move(k), op);
    return;
  }
  const ChangeOp before = it->second;
  if (before == ChangeOp::created) {
    if (op == ChangeOp::deleted) entries_.erase(it);  // never existed for the store
    return;                                            // created + updated = created
  }
  if (before == ChangeOp::deleted) {
    it->second = ChangeOp::updated;  // deleted then created again: replace
    return;
  }
  it->second = op;  // updated + deleted = deleted
}

std::vector<Change> ChangeLog::changes() const {
  std::vector<Change> out;
  out.reserve(entries_.size());
  for (const auto& [k, op] : entries_) out.push_back(Change{k.first, k.second, op});
  return out;
}

Workspace::Workspace()
    : parties(AggregateKind::party, &changes_),
      items(AggregateKind::item, &changes_),
      resources(AggregateKind::resource, &changes_),
      work_types(AggregateKind::work_type, &changes_),
      contract_finding_items(AggregateKind::contract_finding_item, &changes_),
      price_lists(AggregateKind::price_list, &changes_),
      discount_reasons(AggregateKind::discount_reason, &changes_),
      error_codes(AggregateKind::error_code, &changes_),
      posting_codes(AggregateKind::posting_code, &changes_),
      delivery_hierarchies(AggregateKind::delivery_hierarchy, &changes_),
      requirement_codes(AggregateKind::requirement_code, &changes_),
      status_templates(AggregateKind::status_template, &changes_),
      info_templates(AggregateKind::info_template, &changes_),
      contracts(AggregateKind::contract, &changes_),
      cases(AggregateKind::case_, &changes_),
      plans(AggregateKind::delivery_plan, &changes_),
      sales_orders(AggregateKind::sales_order, &changes_),
      delivery_notes(AggregateKind::delivery_note, &changes_),
      serial_cards(AggregateKind::serial_card, &changes_),
      app_log(AggregateKind::app_log, &changes_),
      billing_plans(AggregateKind::billing_plan, &changes_),
      invoices(AggregateKind::invoice, &changes_),
      setup_(PlanSetup::defaults()),
      billing_setup_(BillingSetup::defaults()) {}

void Workspace::set_billing_setup(BillingSetup s) {
  billing_setup_ = std::move(s);
  changes_.record(AggregateKind::billing_setup, "default", ChangeOp::updated);
}

void Workspace::set_setup(PlanSetup s) {
  setup_ = std::move(s);
  changes_.record(AggregateKind::plan_setup, "default", ChangeOp::updated);
}

std::vector<std::string> Workspace::cases_of(std::string_view patient_id) const {
  std::vector<std::string> out;
  for (const auto& [no, c] : cases) {
    if (c.patient_id == patient_id) out.push_back(no);
  }
  return out;
}

const AppLogEntry& Workspace::log(Date date, LogLevel level, std::string job, std::string code,
                                  std::string reference, std::string message) {
  std::int64_t last = 0;
  if (!app_log.empty()) last = std::prev(app_log.end())->second.no;
  AppLogEntry e;
  e.no = last + 1;
  e.date = date;
  e.level = level;
  e.job = std::move(job);
  e.code = std::move(code);
  e.reference = std::move(reference);
  e.message = std::move(message);
  return app_log.put(log_key(e.no), std::move(e));
}

void Workspace::on_requirement_status(RequirementObserver observer) {
  observers_.push_back(std::move(observer));
}

void Workspace::notify_requirement_status(const RequirementStatusEvent& event) {
  for (const auto& o : observers_) o(*this, event);
}

std::int64_t Workspace::parse_number_for_next(std::string_view prefix, std::string_view text) {
  return parse_number(prefix, text);
}

std::string Workspace::format_number_for_next(std::string_view prefix, std::int64_t n,
                                              int width) {
  return format_number(prefix, n, width);
}

}  // namespace cb::rx
