#include "core/rx/master_data.h"

#include <algorithm>
#include <utility>

namespace cb::rx {

bool ContractFindingItem::contains(std::string_view item_no, std::string_view variant) const {
  return std::ranges::any_of(items, [&](const ContractFindingMember& m) {
    return m.item_no == item_no && (m.variant.empty() || m.variant == variant);
  });
}

bool PriceListEntry::valid_on(const Date& d) const {
  if (valid_from && d < *valid_from) return false;
  if (valid_to && d > *valid_to) return false;
  return true;
}

const PriceListEntry* find_price(const std::vector<PriceListEntry>& rows, PricedKind kind,
                                 std::string_view number, std::string_view variant,
                                 std::string_view work_type, const Date& date) {
  const PriceListEntry* best = nullptr;
  auto rank = [&](const PriceListEntry& e) {
    return std::make_pair(e.work_type.empty() ? 0 : 1, e.valid_from.value_or(Date::min()));
  };
  for (const auto& e : rows) {
    if (e.kind != kind || e.number != number || !e.valid_on(date)) continue;
    if (!e.variant.empty() && e.variant != variant) continue;
    if (!e.work_type.empty() && e.work_type != work_type) continue;
    if (best == nullptr || rank(*best) < rank(e)) best = &e;
  }
  return best;
}

std::optional<PostingCode> parse_posting_code(std::string_view code) {
  PostingCode pc;
  pc.code = std::string(code);
  if (code == "AV") {
    pc.kind = PostingCodeKind::fixed_assets;
    pc.description = "fixed assets (rental pool)";
    return pc;
  }
  if (code == "UV") {
    pc.kind = PostingCodeKind::current_assets;
    pc.description = "current assets (new stock)";
    return pc;
  }
  if (code.size() > 4 && code.starts_with("F-") && code.ends_with("-K")) {
    pc.kind = PostingCodeKind::foreign_property;
    pc.owner_insurer = std::string(code.substr(2, code.size() - 4));
    pc.description = "foreign property of " + pc.owner_insurer;
    return pc;
  }
  return std::nullopt;
}

std::string foreign_property_code(std::string_view insurer_id) {
  return "F-" + std::string(insurer_id) + "-K";
}

}  // namespace cb::rx
