#pragma once
// Master data of the prescription-billing core beyond cb::Party and cb::Item
// (core/model/master_data.h): resources, contract-finding items, prices,
// discount reasons, error codes, posting codes and delivery hierarchies.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/rx/enums.h"
#include "core/value/date.h"
#include "core/value/decimal.h"
#include "core/value/identifiers.h"

namespace cb::rx {

/// Free extra fields (`Zusatzfelder`), ordered by name.
using ExtraFields = std::map<std::string, std::string>;

/// A work type (`Arbeitstyp`): prices of a resource differ by work type.
struct WorkType {
  std::string code;
  std::string description;
  friend bool operator==(const WorkType&, const WorkType&) = default;
};

/// A resource (`Ressource`): a billable service or flat rate (`Pauschale`).
struct Resource {
  std::string number;
  std::string description;
  std::string unit;                     // e.g. "MON", "PAU"
  bool flat_rate = true;                // a Pauschale (a flat-rate line belongs to itself)
  std::vector<std::string> work_types;  // allowed work-type codes
  std::optional<Hilfsmittelnummer> aid_number;
  std::string vat_product_group;
  ExtraFields extra_fields;
  friend bool operator==(const Resource&, const Resource&) = default;
};

/// One item inside a contract-finding item.
struct ContractFindingMember {
  std::string item_no;
  std::string variant;
  friend bool operator==(const ContractFindingMember&, const ContractFindingMember&) = default;
};

/// A contract-finding item (`Vertragsfindungsartikel`): a named group of items
/// allowed under a contract line, e.g. "stoma bags, size A-C".
struct ContractFindingItem {
  std::string number;
  std::string description;
  std::vector<ContractFindingMember> items;
  bool contains(std::string_view item_no, std::string_view variant = {}) const;
  friend bool operator==(const ContractFindingItem&, const ContractFindingItem&) = default;
};

/// What a price row prices.
enum class PricedKind : std::uint8_t { item, resource };

/// A sales price (`Verkaufspreis`) per price-finding debtor (e.g. `§DAK`),
/// item or resource, work type and validity.
struct PriceListEntry {
  std::string price_debtor;  // price-finding debtor id, e.g. "§DAK"
  PricedKind kind = PricedKind::item;
  std::string number;
  std::string variant;
  std::string work_type;  // resources only; blank = any
  std::string unit;
  Decimal unit_price;
  bool includes_vat = false;
  std::optional<Date> valid_from;
  std::optional<Date> valid_to;
  bool valid_on(const Date& d) const;
  friend bool operator==(const PriceListEntry&, const PriceListEntry&) = default;
};

/// A discount reason (`Rabattgrund`): a code with a line discount %, e.g. GRATIS = 100.
struct DiscountReason {
  std::string code;
  std::string description;
  Decimal line_discount_pct;
  friend bool operator==(const DiscountReason&, const DiscountReason&) = default;
};

/// An error code (`Fehlercode`) written onto plan schedules.
struct ErrorCode {
  std::string code;
  std::string description;
  bool blocks = false;      // delivery/billing may not use the schedule
  bool writes_log = false;  // writes an entry to the error log (eBox)
  std::string discount_reason;
  friend bool operator==(const ErrorCode&, const ErrorCode&) = default;
};

/// A posting code (`Buchungscode`): ownership of devices.
struct PostingCode {
  std::string code;  // "AV", "UV", "F-<insurer>-K"
  std::string description;
  PostingCodeKind kind = PostingCodeKind::current_assets;
  std::string owner_insurer;  // foreign property: the insurer's party id
  friend bool operator==(const PostingCode&, const PostingCode&) = default;
};

/// The price row for a price-finding debtor, item or resource (and variant),
/// work type and date: rows valid on the date whose work type is the one asked
/// for win over rows with a blank work type; among those the latest valid_from.
/// nullptr when none applies.
const PriceListEntry* find_price(const std::vector<PriceListEntry>& rows, PricedKind kind,
                                 std::string_view number, std::string_view variant,
                                 std::string_view work_type, const Date& date);

/// Derives a posting code from its text: `AV`, `UV`, `F-<insurer>-K`;
/// nullopt for anything else.
std::optional<PostingCode> parse_posting_code(std::string_view code);
/// The foreign-property code of an insurer: `F-<insurer>-K`.
std::string foreign_property_code(std::string_view insurer_id);

/// A delivery hierarchy (`Lieferhierarchie`): posting codes that may be picked,
/// in order (AV first, then UV).
struct DeliveryHierarchy {
  std::string code;
  std::vector<std::string> posting_codes;
  friend bool operator==(const DeliveryHierarchy&, const DeliveryHierarchy&) = default;
};

/// A device with a serial number (`Serienummerninformation`): where reuse finds
/// devices and whose posting code says who owns it.
struct SerialCard {
  std::string item_no;
  std::string variant;
  std::string serial_no;
  std::string posting_code;  // AV, UV or F-<insurer>-K
  std::string location;
  std::string last_case_no;
  std::optional<Date> created_on;
  friend bool operator==(const SerialCard&, const SerialCard&) = default;
};

}  // namespace cb::rx
