#include "core/model/document.h"

namespace cb {

std::string_view document_kind(const Document& d) {
  return std::visit([](const auto& x) { return DocTraits<std::decay_t<decltype(x)>>::kind; }, d);
}

std::string document_key(const Document& d) {
  return std::visit([](const auto& x) { return DocTraits<std::decay_t<decltype(x)>>::key(x); }, d);
}

}  // namespace cb
