#pragma once
// The mapping tables the program knows: one registration list (no static
// initialisers). Shipped data for some of them lives in mappings/tables/.

#include "mappings/table_schema.h"

namespace cb::mappings {

/// Registers the schemas of every table carebridge itself reads:
/// item_hmv, insurer_routing, unit_bookkeeping, dk_settlement_account,
/// vat_product_group, iso9999_device_area. A declaration error here is a defect
/// and throws std::logic_error.
void register_builtin_tables(SchemaRegistry& registry);

/// A registry holding exactly the built-in tables.
SchemaRegistry builtin_registry();

}  // namespace cb::mappings
