#include "pipeline/app/master_data_repository.h"

#include <nlohmann/json.hpp>

#include <set>

namespace cb::app {
namespace {

std::string to_json(const std::map<std::string, std::string>& fields) {
  return nlohmann::json(fields).dump();
}

void bind_opt(store::Statement& st, int index, const std::optional<std::string>& v) {
  if (v) {
    st.bind_text(index, *v);
  } else {
    st.bind_null(index);
  }
}

template <class T>
std::optional<std::string> opt_str(const std::optional<T>& v) {
  if (!v) return std::nullopt;
  return std::string(v->str());
}

std::optional<std::string> opt_date(const std::optional<Date>& d) {
  if (!d) return std::nullopt;
  return d->to_string();
}

}  // namespace

bool MasterDataRepository::party_exists(const std::string& id) const {
  auto st = tx_.prepare("SELECT 1 FROM parties WHERE tenant = ?1 AND id = ?2");
  st->bind_text(1, tenant_).bind_text(2, id);
  auto r = st->step();
  return r && *r == store::Step::row;
}

Diagnostics MasterDataRepository::check_references(const DocumentSet& docs,
                                                   const std::string& source) const {
  Diagnostics out;
  std::set<std::string> in_file;
  for (const auto* p : docs.all<Party>()) in_file.insert(p->id);
  for (std::size_t i = 0; i < docs.documents.size(); ++i) {
    const auto* p = std::get_if<Party>(&docs.documents[i]);
    if (p == nullptr) continue;
    for (std::size_t r = 0; r < p->assigned_roles.size(); ++r) {
      const auto& role = p->assigned_roles[r];
      if (in_file.contains(role.party_id) || party_exists(role.party_id)) continue;
      Location where;
      where.file = source;
      where.field = "/documents/" + std::to_string(i) + "/assigned_roles/" + std::to_string(r) +
                    "/party";
      auto d = Diagnostic::make(DiagCode::JsonBadReference,
                                "party '" + p->id + "' assigns role " + role.role +
                                    " to party '" + role.party_id +
                                    "', which is neither in this file nor in the store",
                                where);
      d.hint = "import the referenced party first or correct the id";
      out.push_back(std::move(d));
    }
  }
  return out;
}

Result<void> MasterDataRepository::upsert(const DocumentSet& docs,
                                          std::optional<std::int64_t> message_id) {
  auto party = tx_.prepare(
      "INSERT INTO parties (tenant, id, name, birth_date, insurance_number, ik, street, "
      "postal_code, city, country, has_address, ignore_contract_postal_codes, extra_fields, "
      "source_message_id, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
      "?13, ?14, ?15) ON CONFLICT (tenant, id) DO UPDATE SET name = excluded.name, "
      "birth_date = excluded.birth_date, insurance_number = excluded.insurance_number, "
      "ik = excluded.ik, street = excluded.street, postal_code = excluded.postal_code, "
      "city = excluded.city, country = excluded.country, has_address = excluded.has_address, "
      "ignore_contract_postal_codes = excluded.ignore_contract_postal_codes, "
      "extra_fields = excluded.extra_fields, source_message_id = excluded.source_message_id, "
      "updated_at = excluded.updated_at");
  auto clear_roles = tx_.prepare("DELETE FROM party_roles WHERE tenant = ?1 AND party_id = ?2");
  auto clear_assigned =
      tx_.prepare("DELETE FROM party_assigned_roles WHERE tenant = ?1 AND party_id = ?2");
  auto role = tx_.prepare("INSERT INTO party_roles (tenant, party_id, role) VALUES (?1, ?2, ?3)");
  auto assigned = tx_.prepare(
      "INSERT INTO party_assigned_roles (tenant, party_id, seq, role, target_party_id, "
      "valid_from, valid_to) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  auto item = tx_.prepare(
      "INSERT INTO items (tenant, number, variant, description, unit, aid_number, pzn, iso9999, "
      "vat_product_group, serial_tracking, extra_fields, source_message_id, updated_at) VALUES "
      "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) ON CONFLICT (tenant, number, "
      "variant) DO UPDATE SET description = excluded.description, unit = excluded.unit, "
      "aid_number = excluded.aid_number, pzn = excluded.pzn, iso9999 = excluded.iso9999, "
      "vat_product_group = excluded.vat_product_group, serial_tracking = excluded.serial_tracking, "
      "extra_fields = excluded.extra_fields, source_message_id = excluded.source_message_id, "
      "updated_at = excluded.updated_at");

  auto bind_message = [&](store::Statement& st, int index) {
    if (message_id) {
      st.bind_int(index, *message_id);
    } else {
      st.bind_null(index);
    }
  };

  const auto parties = docs.all<Party>();
  for (const Party* p : parties) {
    const bool has_address = p->address.has_value();
    const Address a = p->address.value_or(Address{"", "", "", ""});
    party->reset();
    party->bind_text(1, tenant_).bind_text(2, p->id).bind_text(3, p->name);
    bind_opt(*party, 4, opt_date(p->birth_date));
    bind_opt(*party, 5, opt_str(p->insurance_number));
    bind_opt(*party, 6, opt_str(p->ik));
    party->bind_text(7, a.street).bind_text(8, a.postal_code).bind_text(9, a.city);
    party->bind_text(10, has_address ? a.country : "");
    party->bind_int(11, has_address ? 1 : 0).bind_int(12, p->ignore_contract_postal_codes ? 1 : 0);
    party->bind_text(13, to_json(p->extra_fields));
    bind_message(*party, 14);
    party->bind_text(15, now_);
    if (auto ok = party->run(); !ok) return ok;
    for (auto* st : {clear_roles.get(), clear_assigned.get()}) {
      st->reset();
      st->bind_text(1, tenant_).bind_text(2, p->id);
      if (auto ok = st->run(); !ok) return ok;
    }
    for (const auto& r : p->own_roles) {
      role->reset();
      role->bind_text(1, tenant_).bind_text(2, p->id).bind_text(3, r);
      if (auto ok = role->run(); !ok) return ok;
    }
  }
  // Assigned roles after all parties exist, so the foreign keys hold.
  for (const Party* p : parties) {
    for (std::size_t i = 0; i < p->assigned_roles.size(); ++i) {
      const auto& r = p->assigned_roles[i];
      assigned->reset();
      assigned->bind_text(1, tenant_).bind_text(2, p->id).bind_int(3, static_cast<std::int64_t>(i));
      assigned->bind_text(4, r.role).bind_text(5, r.party_id);
      bind_opt(*assigned, 6, opt_date(r.valid_from));
      bind_opt(*assigned, 7, opt_date(r.valid_to));
      if (auto ok = assigned->run(); !ok) return ok;
    }
  }
  for (const Item* it : docs.all<Item>()) {
    item->reset();
    item->bind_text(1, tenant_).bind_text(2, it->number).bind_text(3, it->variant);
    item->bind_text(4, it->description).bind_text(5, it->unit);
    bind_opt(*item, 6, opt_str(it->aid_number));
    bind_opt(*item, 7, opt_str(it->pzn));
    bind_opt(*item, 8, opt_str(it->iso9999));
    item->bind_text(9, it->vat_product_group).bind_int(10, it->serial_tracking ? 1 : 0);
    item->bind_text(11, to_json(it->extra_fields));
    bind_message(*item, 12);
    item->bind_text(13, now_);
    if (auto ok = item->run(); !ok) return ok;
  }
  return {};
}

std::vector<PartyRow> list_parties(store::Database& db, const std::string& tenant) {
  std::vector<PartyRow> out;
  auto st = db.prepare(
      "SELECT p.id, p.birth_date, p.ik, p.insurance_number IS NOT NULL, "
      "(SELECT group_concat(role, ',') FROM (SELECT role FROM party_roles r WHERE r.tenant = "
      "p.tenant AND r.party_id = p.id ORDER BY role)), "
      "(SELECT target_party_id FROM party_assigned_roles a WHERE a.tenant = p.tenant AND "
      "a.party_id = p.id AND a.role = 'KK-KV' ORDER BY seq LIMIT 1) "
      "FROM parties p WHERE p.tenant = ?1 ORDER BY p.id");
  st->bind_text(1, tenant);
  while (true) {
    auto r = st->step();
    if (!r || *r == store::Step::done) break;
    PartyRow row;
    row.id = st->column_text(0);
    if (!st->is_null(1)) row.birth_date = st->column_text(1);
    if (!st->is_null(2)) row.ik = st->column_text(2);
    row.has_insurance_number = st->column_int(3) != 0;
    if (!st->is_null(4)) {
      const std::string roles = st->column_text(4);
      std::size_t start = 0;
      while (start <= roles.size()) {
        const auto comma = roles.find(',', start);
        row.roles.push_back(roles.substr(start, comma - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    }
    if (!st->is_null(5)) row.insurer_id = st->column_text(5);
    out.push_back(std::move(row));
  }
  return out;
}

std::vector<ItemRow> list_items(store::Database& db, const std::string& tenant) {
  std::vector<ItemRow> out;
  auto st = db.prepare(
      "SELECT number, variant, description, unit, vat_product_group FROM items WHERE tenant = ?1 "
      "ORDER BY number, variant");
  st->bind_text(1, tenant);
  while (true) {
    auto r = st->step();
    if (!r || *r == store::Step::done) break;
    out.push_back(ItemRow{st->column_text(0), st->column_text(1), st->column_text(2),
                          st->column_text(3), st->column_text(4)});
  }
  return out;
}

}  // namespace cb::app
