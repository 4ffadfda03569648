#include "adapters/canonical_json/canonical_json.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <set>

#include "adapters/common/json_positions.h"

namespace cb::adapters::canonical_json {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

std::string_view type_name(const Json& v) {
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
  const JsonPositions* positions = nullptr;
  Diagnostics diagnostics;

  Location where(const std::string& pointer) const {
    Location loc;
    loc.file = source;
    loc.field = pointer.empty() ? "/" : pointer;
    const TextPosition p = positions->at(pointer);
    loc.line = p.line;
    loc.column = p.column;
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

Party read_party(ObjectReader& r, ReadState& st) {
  Party p;
  p.id = r.str("id", true);
  p.name = r.str("name", true);
  p.own_roles = r.string_list("own_roles");
  if (const Json* roles = r.field("assigned_roles", Json::value_t::array, "an array", false)) {
    for (std::size_t i = 0; i < roles->size(); ++i) {
      const std::string rp = r.ptr("assigned_roles") + "/" + std::to_string(i);
      const Json& e = (*roles)[i];
      if (!e.is_object()) {
        st.report(DiagCode::JsonBadType, rp, "an assigned role must be an object");
        continue;
      }
      ObjectReader ar(e, rp, st);
      AssignedRole role;
      role.role = ar.str("role", true);
      role.party_id = ar.str("party", true);
      role.valid_from = ar.date("valid_from");
      role.valid_to = ar.date("valid_to");
      ar.finish();
      if (role.valid_from && role.valid_to && *role.valid_to < *role.valid_from) {
        st.report(DiagCode::JsonBadValue, rp + "/valid_to", "valid_to lies before valid_from");
      }
      p.assigned_roles.push_back(std::move(role));
    }
  }
  p.birth_date = r.date("birth_date");
  if (const Json* a = r.field("address", Json::value_t::object, "an object", false)) {
    ObjectReader ar(*a, r.ptr("address"), st);
    Address addr;
    addr.street = ar.str("street");
    addr.postal_code = ar.str("postal_code");
    addr.city = ar.str("city");
    const std::string country = ar.str("country");
    if (!country.empty()) addr.country = country;
    if (addr.country.size() != 2) {
      st.report(DiagCode::JsonBadValue, r.ptr("address") + "/country",
                "country must be a two-letter ISO 3166 code, found '" + addr.country + "'");
    }
    ar.finish();
    p.address = std::move(addr);
  }
  p.insurance_number = r.id<Kvnr>("insurance_number");
  p.ik = r.id<Ik>("ik");
  p.ignore_contract_postal_codes = r.boolean("ignore_contract_postal_codes");
  p.extra_fields = r.string_map("extra_fields");
  return p;
}

Item read_item(ObjectReader& r) {
  Item it;
  it.number = r.str("number", true);
  it.variant = r.str("variant");
  it.description = r.str("description");
  it.unit = r.str("unit", true);
  it.aid_number = r.id<Hilfsmittelnummer>("aid_number");
  it.pzn = r.id<Pzn>("pzn");
  it.iso9999 = r.id<Iso9999Code>("iso9999");
  it.vat_product_group = r.str("vat_product_group");
  it.serial_tracking = r.boolean("serial_tracking");
  it.extra_fields = r.string_map("extra_fields");
  return it;
}

}  // namespace

ReadResult read(std::string_view text, const std::string& source_name) {
  ReadResult result;
  Json root;
  try {
    root = Json::parse(text);
  } catch (const Json::parse_error& e) {
    Location loc;
    loc.file = source_name;
    const std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
    const TextPosition p = JsonPositions::of_offset(text, offset);
    loc.line = p.line;
    loc.column = p.column;
    loc.byte_offset = offset;
    loc.has_offset = true;
    std::string what = e.what();
    if (auto pos = what.find("syntax error"); pos != std::string::npos) what = what.substr(pos);
    result.outcome = Outcome::reject;
    result.diagnostics.push_back(Diagnostic::make(DiagCode::JsonSyntax, what, loc));
    return result;
  } catch (const Json::exception& e) {
    // Not a syntax error but a value JSON cannot hold, e.g. a number that
    // overflows (found by the fuzzer: "2e58777").
    result.outcome = Outcome::reject;
    result.diagnostics.push_back(
        Diagnostic::make(DiagCode::JsonSyntax, e.what(), Location{.file = source_name}));
    return result;
  }

  const JsonPositions positions(text);
  ReadState st{source_name, &positions, {}};

  if (!root.is_object()) {
    st.report(DiagCode::JsonBadType, "", "the top level must be an object with 'format', "
                                         "'version' and 'documents'");
  } else {
    ObjectReader top(root, "", st);
    const std::string format = top.str("format", true);
    if (!format.empty() && format != kFormatName) {
      st.report(DiagCode::JsonVersion, "/format",
                "format is '" + format + "', expected '" + std::string(kFormatName) + "'");
    }
    if (const Json* v = top.field("version", Json::value_t::number_integer, "a whole number", true)) {
      if (v->get<std::int64_t>() != kVersion) {
        st.report(DiagCode::JsonVersion, "/version",
                  "version " + v->dump() + " is not supported (this program reads version " +
                      std::to_string(kVersion) + ")");
      }
    }
    std::set<std::string> keys;
    if (const Json* docs = top.field("documents", Json::value_t::array, "an array", true)) {
      for (std::size_t i = 0; i < docs->size(); ++i) {
        const std::string dp = "/documents/" + std::to_string(i);
        const Json& d = (*docs)[i];
        if (!d.is_object()) {
          st.report(DiagCode::JsonBadType, dp, "a document must be an object");
          continue;
        }
        ObjectReader r(d, dp, st);
        const std::string kind = r.str("kind", true);
        std::optional<Document> doc;
        if (kind == "party") {
          doc = read_party(r, st);
        } else if (kind == "item") {
          doc = read_item(r);
        } else if (!kind.empty()) {
          st.report(DiagCode::JsonUnknownKind, dp + "/kind",
                    "unknown document kind '" + kind + "' (known: party, item)");
          continue;
        } else {
          continue;
        }
        r.finish();
        const std::string key = std::string(document_kind(*doc)) + ":" + document_key(*doc);
        if (!document_key(*doc).empty() && !keys.insert(key).second) {
          st.report(DiagCode::JsonDuplicateId, dp,
                    std::string(document_kind(*doc)) + " '" + document_key(*doc) +
                        "' appears twice in this file");
        }
        result.documents.documents.push_back(std::move(*doc));
      }
    }
    top.finish();
  }

  result.diagnostics = std::move(st.diagnostics);
  if (has_errors(result.diagnostics)) {
    result.outcome = Outcome::reject;
    result.documents.documents.clear();
  }
  return result;
}

namespace {

void put_if(OrderedJson& j, const char* key, const std::string& v) {
  if (!v.empty()) j[key] = v;
}

OrderedJson write_party(const Party& p) {
  OrderedJson j;
  j["kind"] = "party";
  j["id"] = p.id;
  j["name"] = p.name;
  if (!p.own_roles.empty()) j["own_roles"] = p.own_roles;
  if (!p.assigned_roles.empty()) {
    OrderedJson roles = OrderedJson::array();
    for (const auto& r : p.assigned_roles) {
      OrderedJson e;
      e["role"] = r.role;
      e["party"] = r.party_id;
      if (r.valid_from) e["valid_from"] = r.valid_from->to_string();
      if (r.valid_to) e["valid_to"] = r.valid_to->to_string();
      roles.push_back(std::move(e));
    }
    j["assigned_roles"] = std::move(roles);
  }
  if (p.birth_date) j["birth_date"] = p.birth_date->to_string();
  if (p.address) {
    OrderedJson a;
    put_if(a, "street", p.address->street);
    put_if(a, "postal_code", p.address->postal_code);
    put_if(a, "city", p.address->city);
    a["country"] = p.address->country;
    j["address"] = std::move(a);
  }
  if (p.insurance_number) j["insurance_number"] = p.insurance_number->str();
  if (p.ik) j["ik"] = p.ik->str();
  if (p.ignore_contract_postal_codes) j["ignore_contract_postal_codes"] = true;
  if (!p.extra_fields.empty()) j["extra_fields"] = p.extra_fields;
  return j;
}

OrderedJson write_item(const Item& it) {
  OrderedJson j;
  j["kind"] = "item";
  j["number"] = it.number;
  put_if(j, "variant", it.variant);
  put_if(j, "description", it.description);
  j["unit"] = it.unit;
  if (it.aid_number) j["aid_number"] = it.aid_number->str();
  if (it.pzn) j["pzn"] = it.pzn->str();
  if (it.iso9999) j["iso9999"] = it.iso9999->str();
  put_if(j, "vat_product_group", it.vat_product_group);
  if (it.serial_tracking) j["serial_tracking"] = true;
  if (!it.extra_fields.empty()) j["extra_fields"] = it.extra_fields;
  return j;
}

struct Writer {
  OrderedJson operator()(const Party& p) const { return write_party(p); }
  OrderedJson operator()(const Item& i) const { return write_item(i); }
};

}  // namespace

std::string write(const DocumentSet& docs) {
  OrderedJson root;
  root["format"] = kFormatName;
  root["version"] = kVersion;
  OrderedJson arr = OrderedJson::array();
  for (const auto& d : docs.documents) arr.push_back(std::visit(Writer{}, d));
  root["documents"] = std::move(arr);
  return root.dump(2) + "\n";
}

}  // namespace cb::adapters::canonical_json
