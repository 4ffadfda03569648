#pragma once
// The in-memory workspace the engines operate on: every entity of the
// prescription-billing core keyed by id, plus a record of what changed
// (aggregate kind + key: created/updated/deleted) so that the store persists
// only the changes, in one transaction.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/model/master_data.h"
#include "core/rx/app_log.h"
#include "core/rx/billing_plan.h"
#include "core/rx/billing_setup.h"
#include "core/rx/case.h"
#include "core/rx/contract.h"
#include "core/rx/delivery_plan.h"
#include "core/rx/invoice.h"
#include "core/rx/master_data.h"
#include "core/rx/plan_setup.h"
#include "core/rx/templates.h"

namespace cb::rx {

/// The aggregates the store persists as a whole. A change to anything inside
/// an aggregate (a schedule inside a plan, a requirement inside a case) marks
/// the aggregate.
enum class AggregateKind : std::uint8_t {
  party,
  item,
  resource,
  work_type,
  contract_finding_item,
  price_list,  // key: price debtor (all rows of one debtor)
  discount_reason,
  error_code,
  posting_code,
  delivery_hierarchy,
  requirement_code,
  status_template,
  info_template,
  plan_setup,  // key: "default"
  contract,
  case_,
  delivery_plan,
  sales_order,
  delivery_note,
  serial_card,
  app_log,
  // issue 4: billing
  billing_plan,   // key: patient id
  invoice,        // key: invoice or credit-note number
  billing_setup,  // key: "default"
};
std::string_view to_text(AggregateKind k);

enum class ChangeOp : std::uint8_t { created, updated, deleted };
std::string_view to_text(ChangeOp op);

/// One recorded change.
struct Change {
  AggregateKind kind{};
  std::string key;
  ChangeOp op = ChangeOp::updated;
  friend bool operator==(const Change&, const Change&) = default;
};

/// The change record: the net effect per aggregate (created then updated =
/// created; created then deleted = nothing; deleted then created = updated).
class ChangeLog {
 public:
  void record(AggregateKind kind, std::string_view key, ChangeOp op);
  /// The net changes, ordered by kind then key.
  std::vector<Change> changes() const;
  bool empty() const { return entries_.empty(); }
  void clear() { entries_.clear(); }

 private:
  std::map<std::pair<AggregateKind, std::string>, ChangeOp, std::less<>> entries_;
};

/// A keyed table of one aggregate kind, ordered by key. Reads are free;
/// every write goes through put/edit/erase and is recorded, except load(),
/// which the store uses to fill the workspace.
template <class T>
class Table {
 public:
  using Map = std::map<std::string, T, std::less<>>;

  Table(AggregateKind kind, ChangeLog* log) : kind_(kind), log_(log) {}

  const T* find(std::string_view key) const {
    auto it = rows_.find(key);
    return it == rows_.end() ? nullptr : &it->second;
  }
  bool contains(std::string_view key) const { return rows_.find(key) != rows_.end(); }
  /// A row for writing; records "updated". nullptr when absent.
  T* edit(std::string_view key) {
    auto it = rows_.find(key);
    if (it == rows_.end()) return nullptr;
    log_->record(kind_, key, ChangeOp::updated);
    return &it->second;
  }
  /// Inserts or replaces; records "created" or "updated".
  T& put(std::string key, T value) {
    auto it = rows_.find(key);
    if (it == rows_.end()) {
      log_->record(kind_, key, ChangeOp::created);
      return rows_.emplace(std::move(key), std::move(value)).first->second;
    }
    log_->record(kind_, key, ChangeOp::updated);
    it->second = std::move(value);
    return it->second;
  }
  /// Inserts or replaces without recording (loading from the store).
  T& load(std::string key, T value) { return rows_.insert_or_assign(std::move(key), std::move(value)).first->second; }
  /// Removes; records "deleted". False when absent.
  bool erase(std::string_view key) {
    auto it = rows_.find(key);
    if (it == rows_.end()) return false;
    log_->record(kind_, key, ChangeOp::deleted);
    rows_.erase(it);
    return true;
  }
  /// Marks a row changed after writing through a pointer obtained otherwise.
  void touch(std::string_view key) { log_->record(kind_, key, ChangeOp::updated); }

  const Map& rows() const { return rows_; }
  auto begin() const { return rows_.begin(); }
  auto end() const { return rows_.end(); }
  std::size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }
  AggregateKind kind() const { return kind_; }

 private:
  AggregateKind kind_;
  ChangeLog* log_;
  Map rows_;
};

/// A status change of a requirement, as the status-change hook sees it.
struct RequirementStatusEvent {
  std::string case_no;
  int period_no = 0;
  int requirement_line_no = 0;
  std::string requirement_code;
  StatusChange change;
};

/// Everything the prescription-billing engines read and write. Not copyable
/// (the tables point at its change log).
class Workspace {
 public:
  Workspace();
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  // Master data. Keys: party id; item_key(number, variant); resource number;
  // work-type code; contract-finding item number; price debtor (its rows);
  // discount reason, error code, posting code, hierarchy, requirement code,
  // status template and info template codes.
  Table<cb::Party> parties;
  Table<cb::Item> items;
  Table<Resource> resources;
  Table<WorkType> work_types;
  Table<ContractFindingItem> contract_finding_items;
  Table<std::vector<PriceListEntry>> price_lists;
  Table<DiscountReason> discount_reasons;
  Table<ErrorCode> error_codes;
  Table<PostingCode> posting_codes;
  Table<DeliveryHierarchy> delivery_hierarchies;
  Table<RequirementCode> requirement_codes;
  Table<StatusTemplate> status_templates;
  Table<InfoTemplate> info_templates;

  /// The delivery-plan setup (`Lieferplan Einrichtung`); change it through set_setup().
  const PlanSetup& setup() const { return setup_; }
  void set_setup(PlanSetup s);
  void load_setup(PlanSetup s) { setup_ = std::move(s); }

  // Documents. Keys: contract number; case number; patient id; order number;
  // delivery-note number; serial_key(item, serial); log_key(no).
  Table<Contract> contracts;
  Table<Case> cases;
  Table<DeliveryPlan> plans;
  Table<SalesOrder> sales_orders;
  Table<DeliveryNote> delivery_notes;
  Table<SerialCard> serial_cards;
  Table<AppLogEntry> app_log;

  // Billing (issue 4). Keys: patient id; invoice or credit-note number.
  Table<BillingPlan> billing_plans;
  Table<Invoice> invoices;

  /// The billing-plan setup; change it through set_billing_setup().
  const BillingSetup& billing_setup() const { return billing_setup_; }
  void set_billing_setup(BillingSetup s);
  void load_billing_setup(BillingSetup s) { billing_setup_ = std::move(s); }

  /// Case numbers of a patient, in number order.
  std::vector<std::string> cases_of(std::string_view patient_id) const;

  /// Appends an application-log entry with the next number; returns it.
  const AppLogEntry& log(Date date, LogLevel level, std::string job, std::string code,
                         std::string reference, std::string message);

  /// The next free number after the highest key with this prefix in a table
  /// (VG000001 after none, VG000043 after VG000042). O(log n): the keys are
  /// zero-padded to a fixed width, so the highest is the last key of the
  /// prefix range; when that key is not a number, all keys are scanned.
  template <class T>
  std::string next_number(const Table<T>& table, std::string_view prefix, int width = 6) const {
    std::int64_t highest = 0;
    const std::string end_key = std::string(prefix) + "\x7f";
    auto it = table.rows().lower_bound(std::string_view(end_key));
    bool scan = false;
    if (it != table.rows().begin()) {
      --it;
      if (it->first.starts_with(prefix)) {
        highest = parse_number_for_next(prefix, it->first);
        scan = highest == 0;
      }
    }
    if (scan) {
      for (auto s = table.rows().lower_bound(prefix); s != table.rows().end(); ++s) {
        if (!s->first.starts_with(prefix)) break;
        highest = std::max(highest, parse_number_for_next(prefix, s->first));
      }
    }
    return format_number_for_next(prefix, highest + 1, width);
  }

  /// The status-change hook: observers called after every requirement status
  /// change (eKV answers, service calls use it in later issues).
  using RequirementObserver = std::function<void(Workspace&, const RequirementStatusEvent&)>;
  void on_requirement_status(RequirementObserver observer);
  void notify_requirement_status(const RequirementStatusEvent& event);

  /// The net changes since the last clear_changes().
  std::vector<Change> changes() const { return changes_.changes(); }
  void clear_changes() { changes_.clear(); }
  ChangeLog& change_log() { return changes_; }

 private:
  static std::int64_t parse_number_for_next(std::string_view prefix, std::string_view text);
  static std::string format_number_for_next(std::string_view prefix, std::int64_t n, int width);

  ChangeLog changes_;  // the tables keep a pointer to it (valid for the workspace's life)
  PlanSetup setup_;
  BillingSetup billing_setup_;
  std::map<std::string, std::int64_t, std::less<>> number_hints_;
  std::vector<RequirementObserver> observers_;
};

}  // namespace cb::rx
