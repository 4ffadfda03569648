#include "core/model/document.h"

namespace cb {

namespace {
struct KindName {
  std::string_view operator()(const Party&) const { return "party"; }
  std::string_view operator()(const Item&) const { return "item"; }
};
struct KeyOf {
  std::string operator()(const Party& p) const { return p.id; }
  std::string operator()(const Item& i) const {
    return i.variant.empty() ? i.number : i.number + "/" + i.variant;
  }
};
}  // namespace

std::string_view document_kind(const Document& d) { return std::visit(KindName{}, d); }
std::string document_key(const Document& d) { return std::visit(KeyOf{}, d); }

}  // namespace cb
