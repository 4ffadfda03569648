#pragma once
// The canonical documents that adapters read and write and that core commands
// apply. A DocumentSet is what one message carries: one file may hold several
// document kinds.

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/model/master_data.h"

namespace cb {

using Document = std::variant<Party, Item>;

/// The kind name used in the canonical JSON ("party", "item").
std::string_view document_kind(const Document& d);
/// The document's own key (party id, item number + variant).
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
