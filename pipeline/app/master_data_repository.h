#pragma once
// Persists master-data documents (parties, items) in the store. Used inside a
// store transaction by the importer; reads serve the CLI and the demo.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/diag/diagnostic.h"
#include "core/model/document.h"
#include "pipeline/store/database.h"

namespace cb::app {

class MasterDataRepository {
 public:
  MasterDataRepository(store::Transaction& tx, std::string tenant, std::string now)
      : tx_(tx), tenant_(std::move(tenant)), now_(std::move(now)) {}

  /// Checks that every reference of the documents resolves, either to another
  /// document of the set or to a stored row (JSN008 with the field path).
  Diagnostics check_references(const DocumentSet& docs, const std::string& source) const;

  /// Inserts or replaces every document; parties first, then their roles, so
  /// references inside one file resolve in any order.
  Result<void> upsert(const DocumentSet& docs, std::optional<std::int64_t> message_id);

  bool party_exists(const std::string& id) const;

 private:
  store::Transaction& tx_;
  std::string tenant_;
  std::string now_;
};

/// Read side, outside any transaction.
struct PartyRow {
  std::string id;
  std::vector<std::string> roles;
  std::optional<std::string> birth_date;
  std::optional<std::string> ik;
  std::optional<std::string> insurer_id;  // assigned KK-KV
  bool has_insurance_number = false;
};
struct ItemRow {
  std::string number;
  std::string variant;
  std::string description;
  std::string unit;
  std::string vat_product_group;
};

std::vector<PartyRow> list_parties(store::Database& db, const std::string& tenant);
std::vector<ItemRow> list_items(store::Database& db, const std::string& tenant);

}  // namespace cb::app
