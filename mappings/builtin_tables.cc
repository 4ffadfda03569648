#include "mappings/builtin_tables.h"

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace cb::mappings {
namespace {

void add(SchemaRegistry& registry, std::string name, std::string description, bool validity,
         std::vector<Column> columns) {
  auto schema =
      TableSchema::make(std::move(name), std::move(columns), validity, std::move(description));
  if (!schema)
    throw std::logic_error("built-in table schema: " + schema.error().front().to_string());
  if (auto added = registry.add(std::move(*schema)); !added) {
    throw std::logic_error("built-in table schema: " + added.error().to_string());
  }
}

}  // namespace

void register_builtin_tables(SchemaRegistry& registry) {
  // Germany: the customer's item number → the Hilfsmittelnummer billed (§302).
  add(registry, "item_hmv",
      "item → billing Hilfsmittelnummer (aids and appliances register number)", true,
      {
          Column::key_column("item", ColumnType::code, "item number in the source system"),
          Column::required_column("hmv_number", ColumnType::code,
                                  "10-digit Hilfsmittelnummer to bill"),
          Column::optional_column("note", ColumnType::string, "free text"),
      });
  // Germany: from the insurers' routing file (Kostenträgerdatei).
  add(registry, "insurer_routing",
      "insurer IK → data-acceptance office (Datenannahmestelle) IK, recipient certificate, "
      "file-name prefix",
      true,
      {
          Column::key_column("insurer_ik", ColumnType::code,
                             "IK (Institutionskennzeichen) of the insurer"),
          Column::required_column("acceptance_ik", ColumnType::code,
                                  "IK of the data-acceptance office receiving the files"),
          Column::optional_column("certificate_ik", ColumnType::code,
                                  "IK whose certificate encrypts the files; empty = acceptance_ik"),
          Column::optional_column("file_prefix", ColumnType::code,
                                  "file-name prefix the office expects"),
      });
  // Sweden: the unit's bookkeeping string on internal invoices (Raindance).
  add(registry, "unit_bookkeeping", "ordering unit → Ansvar, Motpart and account", true,
      {
          Column::key_column("unit", ColumnType::code, "unit (verksamhet/enhet) id"),
          Column::optional_column("ansvar", ColumnType::code,
                                  "Ansvar, cost-responsibility code; empty outside the region"),
          Column::required_column("motpart", ColumnType::code,
                                  "Motpart, counterparty group in bookkeeping"),
          Column::required_column("account", ColumnType::code, "account (konto)"),
      });
  // Denmark: settlement line kinds (afregning) → ledger account.
  add(registry, "dk_settlement_account", "Danish settlement line kind → account", false,
      {
          Column::key_column("line_kind", ColumnType::code, "settlement line kind"),
          Column::required_column("account", ColumnType::code, "ledger account (konto)"),
          Column::optional_column("description", ColumnType::string, "free text"),
      });
  add(registry, "vat_product_group",
      "VAT product group of a country → rate and EN 16931 category code", true,
      {
          Column::key_column("country", ColumnType::code, "ISO 3166-1 alpha-2"),
          Column::key_column("product_group", ColumnType::code, "VAT product group"),
          Column::required_column("rate", ColumnType::decimal, "percent, e.g. 19.00"),
          Column::required_column("category", ColumnType::code,
                                  "UNCL5305 VAT category code: S, Z, E, AE, K, G, O, L, M"),
          Column::optional_column("exemption_reason", ColumnType::string,
                                  "BT-120 exemption reason text (category E)"),
          Column::optional_column("vatex", ColumnType::code, "BT-121 VATEX code"),
      });
  add(registry, "iso9999_device_area",
      "ISO 9999 class (2 digits) → device area (Swedish assistive devices)", false,
      {
          Column::key_column("iso_class", ColumnType::code, "ISO 9999 class, 2 digits"),
          Column::required_column("device_area", ColumnType::string, "device area name in reports"),
          Column::optional_column("iso_title", ColumnType::string,
                                  "the class title of ISO 9999:2011"),
      });
}

SchemaRegistry builtin_registry() {
  SchemaRegistry registry;
  register_builtin_tables(registry);
  return registry;
}

}  // namespace cb::mappings
