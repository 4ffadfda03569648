#pragma once
// The canonical JSON of the core's documents: the format in which fixtures,
// imports and the "anything else" integrations exchange documents.
//
//   { "format": "carebridge-canonical", "version": 1,
//     "documents": [ { "kind": "party", ... }, { "kind": "item", ... } ] }
//
// The field list of each kind is in adapters/canonical_json/README.md.

#include <string>
#include <string_view>

#include "adapters/adapter.h"

namespace cb::adapters::canonical_json {

inline constexpr std::string_view kFormatName = "carebridge-canonical";
inline constexpr int kVersion = 1;

/// Reads a canonical JSON text. Every problem is a diagnostic with the field's
/// JSON pointer and line/column; documents are returned only when there is no error.
ReadResult read(std::string_view text, const std::string& source_name);

/// Writes documents as canonical JSON: stable field order, two-space indent,
/// optional fields omitted when empty, a final newline.
std::string write(const DocumentSet& docs);

}  // namespace cb::adapters::canonical_json
