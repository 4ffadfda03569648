#pragma once
// The canonical documents of the prescription-billing supply side that are not
// entities of core/rx themselves: a price list (all rows of one price-finding
// debtor), a case request (what a clerk enters to open a case), a requirement
// status change. The other rx kinds (contracts, resources, error codes, delivery
// notes…) are core/rx entities carried as they are. DocTraits gives every
// document type its kind name in the canonical JSON and its key.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/master_data.h"
#include "core/rx/case.h"
#include "core/rx/contract.h"
#include "core/rx/delivery_plan.h"
#include "core/rx/ids.h"
#include "core/rx/master_data.h"
#include "core/rx/plan_setup.h"
#include "core/rx/templates.h"
#include "core/value/date.h"
#include "core/value/decimal.h"

namespace cb {

/// The sales prices of one price-finding debtor (`Verkaufspreise`), e.g. `§DAK`.
struct PriceList {
  std::string price_debtor;
  std::vector<rx::PriceListEntry> entries;
  friend bool operator==(const PriceList&, const PriceList&) = default;
};

/// The delivery-plan setup as a document (key "default").
struct PlanSetupDocument {
  rx::PlanSetup setup;
  friend bool operator==(const PlanSetupDocument&, const PlanSetupDocument&) = default;
};

/// One chosen contract line of a case request.
struct CaseRequestLine {
  int contract_line = 0;  // the contract line number (10000…)
  std::string item;       // for a contract-finding item line: the chosen item (level 2)
  std::string variant;
  std::optional<Decimal> quantity;  // blank = the contract line's quantity
  std::string serial_no;            // reuse: the device
  friend bool operator==(const CaseRequestLine&, const CaseRequestLine&) = default;
};

/// A case request (`Vorgang anlegen`): the patient, the contract found by the
/// contract search (number, version, period) and the chosen lines. Applying it
/// runs the contract search for the patient on the request date; a contract
/// the search does not offer is refused (no case without a valid contract).
struct CaseRequest {
  std::string ref;         // the sender's reference (unique per file), e.g. "stoma-1"
  std::string patient;     // party id
  std::string case_type;   // Vorgangsart
  std::string payer;       // insurer party id; blank = the patient's KK-KV
  std::string contract;    // contract number
  int version = 0;         // 0 = the version the search offers
  std::string period = "E1";
  std::optional<Date> date;   // request (working) date; blank = the import's working date
  std::optional<Date> start;  // period start override
  std::vector<CaseRequestLine> lines;
  rx::PoolQuery pool_query;
  bool release = false;      // release the period (and its plan lines) at once
  std::map<std::string, std::string> extra_fields;
  friend bool operator==(const CaseRequest&, const CaseRequest&) = default;
};

/// A status change of an information requirement (`Statusänderung`).
struct RequirementStatusChange {
  std::string case_no;   // "VG000001" (or a case request ref of the same file)
  int period = 1;
  std::string requirement;  // requirement code, e.g. "KV"
  std::string status;       // a status of the requirement's template, e.g. "20"
  Date date = Date::from_days(0);
  std::string user;
  std::string reason;
  friend bool operator==(const RequirementStatusChange&, const RequirementStatusChange&) = default;
};

/// Kind name and key of each document type.
template <class T>
struct DocTraits;

#define CB_DOC_TRAITS(T, KIND, KEY_EXPR)                                 \
  template <>                                                            \
  struct DocTraits<T> {                                                  \
    static constexpr std::string_view kind = KIND;                       \
    static std::string key(const T& d) { return KEY_EXPR; }             \
  };
CB_DOC_TRAITS(Party, "party", d.id)
CB_DOC_TRAITS(Item, "item", d.variant.empty() ? d.number : d.number + "/" + d.variant)
CB_DOC_TRAITS(rx::Resource, "resource", d.number)
CB_DOC_TRAITS(rx::WorkType, "work_type", d.code)
CB_DOC_TRAITS(rx::ContractFindingItem, "contract_finding_item", d.number)
CB_DOC_TRAITS(PriceList, "price_list", d.price_debtor)
CB_DOC_TRAITS(rx::DiscountReason, "discount_reason", d.code)
CB_DOC_TRAITS(rx::ErrorCode, "error_code", d.code)
CB_DOC_TRAITS(rx::PostingCode, "posting_code", d.code)
CB_DOC_TRAITS(rx::DeliveryHierarchy, "delivery_hierarchy", d.code)
CB_DOC_TRAITS(rx::RequirementCode, "requirement_code", d.code)
CB_DOC_TRAITS(rx::StatusTemplate, "status_template", d.code)
CB_DOC_TRAITS(rx::InfoTemplate, "info_template", d.code)
CB_DOC_TRAITS(PlanSetupDocument, "plan_setup", (static_cast<void>(d), std::string("default")))
CB_DOC_TRAITS(rx::SerialCard, "serial_card", rx::serial_key(d.item_no, d.serial_no))
CB_DOC_TRAITS(rx::Contract, "contract", d.number)
CB_DOC_TRAITS(CaseRequest, "case", d.ref)
CB_DOC_TRAITS(RequirementStatusChange, "requirement_status",
              d.case_no + "/" + std::to_string(d.period) + "/" + d.requirement + "@" +
                  d.date.to_string() + "=" + d.status)
CB_DOC_TRAITS(rx::DeliveryNote, "delivery_note", d.no)
#undef CB_DOC_TRAITS

}  // namespace cb
