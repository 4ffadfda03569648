#include "adapters/canonical_json/canonical_json.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <set>

#include "adapters/canonical_json/json_reader.h"
#include "adapters/canonical_json/rx_codec.h"
#include "adapters/common/json_positions.h"

namespace cb::adapters::canonical_json {
namespace {

using OrderedJson = nlohmann::ordered_json;

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
    // The sender's reference of this interchange (optional): a business key.
    const std::string interchange = top.str("interchange_ref");
    if (!interchange.empty()) result.business_keys.push_back("interchange:" + interchange);
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
        const std::size_t reported_before = st.diagnostics.size();
        std::optional<Document> doc;
        if (kind == "party") {
          doc = read_party(r, st);
        } else if (kind == "item") {
          doc = read_item(r);
        } else if (read_rx_document(kind, r, doc)) {
          // an rx kind (rx_codec.cc)
        } else if (!kind.empty()) {
          st.report(DiagCode::JsonUnknownKind, dp + "/kind",
                    "unknown document kind '" + kind + "' (known: party, item, " +
                        std::string(rx_kind_names()) + ")");
          continue;
        } else {
          continue;
        }
        r.finish();
        // Name the document (kind and key) in what its fields reported.
        const std::string doc_key = document_key(*doc);
        const std::string doc_name = std::string(document_kind(*doc)) +
                                     (doc_key.empty() ? std::string(" (no key)") : " '" + doc_key + "'");
        for (std::size_t k = reported_before; k < st.diagnostics.size(); ++k) {
          st.diagnostics[k].message = doc_name + ": " + st.diagnostics[k].message;
        }
        const std::string key = std::string(document_kind(*doc)) + ":" + document_key(*doc);
        if (!document_key(*doc).empty() && !keys.insert(key).second) {
          st.report(DiagCode::JsonDuplicateId, dp,
                    std::string(document_kind(*doc)) + " '" + document_key(*doc) +
                        "' appears twice in this file");
        }
        // A delivery note (Lieferschein) is a business event with its number.
        if (const auto* note = std::get_if<rx::DeliveryNote>(&*doc); note != nullptr && !note->no.empty()) {
          result.business_keys.push_back("delivery-note:" + note->no);
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
    result.business_keys.clear();
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

OrderedJson write_document(const Document& d) {
  if (const auto* p = std::get_if<Party>(&d)) return write_party(*p);
  if (const auto* i = std::get_if<Item>(&d)) return write_item(*i);
  return write_rx_document(d);
}

}  // namespace

std::string write(const DocumentSet& docs) {
  OrderedJson root;
  root["format"] = kFormatName;
  root["version"] = kVersion;
  OrderedJson arr = OrderedJson::array();
  for (const auto& d : docs.documents) arr.push_back(write_document(d));
  root["documents"] = std::move(arr);
  return root.dump(2) + "\n";
}

}  // namespace cb::adapters::canonical_json
