#pragma once
// The canonical documents that adapters read and write and that core commands
// apply. A DocumentSet is what one message carries: one file may hold several
// document kinds. The order of the alternatives is the order in which the
// importer applies them (master data, set-up, contracts, cases, then events).

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/model/master_data.h"
#include "core/model/rx_documents.h"

namespace cb {

using Document =
    std::variant<Party, Item, rx::Resource, rx::WorkType, rx::ContractFindingItem, PriceList,
                 rx::DiscountReason, rx::ErrorCode, rx::PostingCode, rx::DeliveryHierarchy,
                 rx::RequirementCode, rx::StatusTemplate, rx::InfoTemplate, PlanSetupDocument,
                 rx::SerialCard, rx::Contract, CaseRequest, RequirementStatusChange,
                 rx::DeliveryNote>;

/// The kind name used in the canonical JSON ("party", "item", "contract"…).
std::string_view document_kind(const Document& d);
/// The document's own key (party id, item number + variant, contract number…).
std::string document_key(const Document& d);

struct DocumentSet {
  std::vector<Document> documents;
  friend bool operator==(const DocumentSet&, const DocumentSet&) = default;

  template <class T>
  std::vector<const T*> all() const {
    std::vector<const T*> out;
    for (const auto& d : documents) {
      if (const auto* p = std::get_if<T>(&d)) out.push_back(p);
    }
    return out;
  }
};

}  // namespace cb
