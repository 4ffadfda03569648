#pragma once
// The canonical JSON of the prescription-billing (rx) documents and aggregates:
// contracts, master-data extensions, set-up, case requests, requirement status
// changes, delivery notes (import kinds), and the aggregates the store keeps as
// JSON (cases, delivery plans, sales orders, application-log entries…).
//
// Each type has one field list (rx_codec.cc) that drives both directions: the
// writer emits fields in list order and omits those equal to the type's
// default, the reader is strict (unknown fields, wrong types, bad dates,
// unknown enum texts are JSN diagnostics with pointer and line).

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "adapters/canonical_json/json_reader.h"
#include "core/model/document.h"
#include "core/rx/app_log.h"
#include "core/rx/billing_plan.h"
#include "core/rx/billing_setup.h"
#include "core/rx/case.h"
#include "core/rx/delivery_plan.h"
#include "core/rx/invoice.h"

namespace cb::adapters::canonical_json {

/// Reads an rx document of `kind` from r (the "kind" field already read).
/// Returns nullopt when the kind is not an rx kind; `out` is set otherwise.
bool read_rx_document(std::string_view kind, ObjectReader& r, std::optional<Document>& out);

/// Writes an rx document (any Document alternative other than party and item).
nlohmann::ordered_json write_rx_document(const Document& d);

/// The rx kind names, for "unknown kind" messages.
std::string_view rx_kind_names();

/// Compact JSON of an aggregate, as the store keeps it.
template <class T>
std::string encode_aggregate(const T& value);

/// Reads an aggregate back; the diagnostics name `what` (e.g. "case VG000001").
template <class T>
Expected<T, Diagnostics> decode_aggregate(std::string_view json, const std::string& what);

}  // namespace cb::adapters::canonical_json
