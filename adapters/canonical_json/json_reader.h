#pragma once
// The strict field reader of the canonical JSON: typed accessors over one JSON
// object that report missing mandatory fields, wrong types and unknown fields
// (typos) as JSN diagnostics with JSON pointer, line and column. Shared by the
// master-data kinds (canonical_json.cc) and the rx kinds (rx_codec.cc).

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/json_positions.h"
#include "core/diag/diagnostic.h"
#include "core/value/date.h"
#include "core/value/date_formula.h"
#include "core/value/decimal.h"

namespace cb::adapters::canonical_json {

using Json = nlohmann::json;

inline std::string_view type_name(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::object: return "an object";
    case Json::value_t::array: return "an array";
    case Json::value_t::string: return "a string";
    case Json::value_t::boolean: return "true/false";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: return "a number";
    default: return "something else";
  }
}

/// Shared state of one read: the source name, field positions and diagnostics.
struct ReadState {
  std::string source;
  const JsonPositions* positions = nullptr;  // line and column of each pointer, or none
  Diagnostics diagnostics;

  Location where(const std::string& pointer) const {
    Location loc;
    loc.file = source;
    loc.field = pointer.empty() ? "/" : pointer;
    if (positions != nullptr) {  // none for stored aggregates: the pointer says enough
      const TextPosition p = positions->at(pointer);
      loc.line = p.line;
      loc.column = p.column;
    }
    return loc;
  }
  void report(DiagCode code, const std::string& pointer, std::string message) {
    diagnostics.push_back(Diagnostic::make(code, std::move(message), where(pointer)));
  }
  /// Re-anchors a value parser's diagnostic (e.g. a check-digit error) at a field.
  void report(const Diagnostic& inner, const std::string& pointer, std::string_view field) {
    Diagnostic d = inner;
    d.where = where(pointer);
    d.message = "field '" + std::string(field) + "': " + inner.message;
    diagnostics.push_back(std::move(d));
  }
};

/// Reads the fields of one JSON object, remembering which were consumed so that
/// unknown fields (typos) are reported instead of silently dropped.
class ObjectReader {
 public:
  ObjectReader(const Json& obj, std::string pointer, ReadState& st)
      : obj_(obj), pointer_(std::move(pointer)), st_(st) {}

  const std::string& pointer() const { return pointer_; }
  ReadState& state() { return st_; }
  const Json& object() const { return obj_; }
  /// True when the field is present and not null (does not mark it read).
  bool present(std::string_view key) const {
    auto it = obj_.find(std::string(key));
    return it != obj_.end() && !it->is_null();
  }

  std::string ptr(std::string_view key) const {
    return pointer_ + "/" + json_pointer_escape(key);
  }

  const Json* field(std::string_view key, Json::value_t expected, std::string_view expected_name,
                    bool required) {
    seen_.insert(std::string(key));
    auto it = obj_.find(std::string(key));
    if (it == obj_.end() || it->is_null()) {
      if (required) {
        st_.report(DiagCode::JsonMissingField, pointer_,
                   "mandatory field '" + std::string(key) + "' is missing");
      }
      return nullptr;
    }
    const bool ok = it->type() == expected ||
                    (expected == Json::value_t::number_integer && it->is_number_integer());
    if (!ok) {
      st_.report(DiagCode::JsonBadType, ptr(key),
                 "field '" + std::string(key) + "' must be " + std::string(expected_name) +
                     ", found " + std::string(type_name(*it)));
      return nullptr;
    }
    return &*it;
  }

  std::string str(std::string_view key, bool required = false) {
    const Json* v = field(key, Json::value_t::string, "a string", required);
    if (v == nullptr) return {};
    std::string s = v->get<std::string>();
    if (required && s.empty()) {
      st_.report(DiagCode::JsonBadValue, ptr(key), "field '" + std::string(key) + "' is empty");
    }
    return s;
  }

  bool boolean(std::string_view key) {
    const Json* v = field(key, Json::value_t::boolean, "true or false", false);
    return v != nullptr && v->get<bool>();
  }

  std::optional<Date> date(std::string_view key, bool required = false) {
    const std::string s = str(key, required);
    if (s.empty()) return std::nullopt;
    auto d = Date::parse(s);
    if (!d) {
      st_.report(d.error(), ptr(key), key);
      return std::nullopt;
    }
    return *d;
  }

  template <class Id>
  std::optional<Id> id(std::string_view key) {
    const std::string s = str(key);
    if (s.empty()) return std::nullopt;
    auto v = Id::parse(s);
    if (!v) {
      st_.report(v.error(), ptr(key), key);
      return std::nullopt;
    }
    return *v;
  }

  std::vector<std::string> string_list(std::string_view key) {
    std::vector<std::string> out;
    const Json* v = field(key, Json::value_t::array, "an array of strings", false);
    if (v == nullptr) return out;
    for (std::size_t i = 0; i < v->size(); ++i) {
      const Json& e = (*v)[i];
      if (!e.is_string() || e.get<std::string>().empty()) {
        st_.report(DiagCode::JsonBadType, ptr(key) + "/" + std::to_string(i),
                   "entries of '" + std::string(key) + "' must be non-empty strings");
        continue;
      }
      out.push_back(e.get<std::string>());
    }
    return out;
  }

  std::map<std::string, std::string> string_map(std::string_view key) {
    std::map<std::string, std::string> out;
    const Json* v = field(key, Json::value_t::object, "an object of strings", false);
    if (v == nullptr) return out;
    for (const auto& [k, e] : v->items()) {
      if (!e.is_string()) {
        st_.report(DiagCode::JsonBadType, ptr(key) + "/" + json_pointer_escape(k),
                   "extra field '" + k + "' must be a string, found " +
                       std::string(type_name(e)));
        continue;
      }
      out[k] = e.get<std::string>();
    }
    return out;
  }

  std::optional<std::int64_t> integer(std::string_view key, bool required = false) {
    const Json* v = field(key, Json::value_t::number_integer, "a whole number", required);
    if (v == nullptr) return std::nullopt;
    return v->get<std::int64_t>();
  }

  /// An exact decimal: written as a string ("12.50"); a whole JSON number is accepted too.
  std::optional<Decimal> decimal(std::string_view key, bool required = false) {
    seen_.insert(std::string(key));
    auto it = obj_.find(std::string(key));
    if (it == obj_.end() || it->is_null()) {
      if (required) {
        st_.report(DiagCode::JsonMissingField, pointer_,
                   "mandatory field '" + std::string(key) + "' is missing");
      }
      return std::nullopt;
    }
    if (it->is_number_integer()) return Decimal::from_int(it->get<std::int64_t>());
    if (!it->is_string()) {
      st_.report(DiagCode::JsonBadType, ptr(key),
                 "field '" + std::string(key) + "' must be a decimal in a string (\"12.50\"), found " +
                     std::string(type_name(*it)));
      return std::nullopt;
    }
    auto d = Decimal::parse(it->get<std::string>());
    if (!d) {
      st_.report(d.error(), ptr(key), key);
      return std::nullopt;
    }
    return *d;
  }

  /// A date formula such as "13M", "-LM+1M".
  std::optional<DateFormula> formula(std::string_view key, bool required = false) {
    const std::string s = str(key, required);
    if (s.empty()) return std::nullopt;
    auto f = DateFormula::parse(s);
    if (!f) {
      st_.report(f.error(), ptr(key), key);
      return std::nullopt;
    }
    return *f;
  }

  /// Reports every field that no accessor asked for.
  void finish() {
    for (const auto& [k, v] : obj_.items()) {
      if (!seen_.contains(k)) {
        st_.report(DiagCode::JsonUnknownField, ptr(k),
                   "unknown field '" + k + "' (misspelt, or not part of this document kind)");
      }
    }
  }

 private:
  const Json& obj_;
  std::string pointer_;
  ReadState& st_;
  std::set<std::string> seen_;
};


}  // namespace cb::adapters::canonical_json
