#include "pipeline/app/rx_repository.h"

#include <nlohmann/json.hpp>

#include "adapters/canonical_json/rx_codec.h"
#include "core/model/rx_documents.h"

namespace cb::app {
namespace cj = adapters::canonical_json;

namespace {

std::map<std::string, std::string> parse_fields(const std::string& text) {
  std::map<std::string, std::string> out;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return out;
  for (const auto& [k, v] : j.items()) {
    if (v.is_string()) out[k] = v.get<std::string>();
  }
  return out;
}

std::optional<Date> opt_date(store::Statement& st, int col) {
  if (st.is_null(col)) return std::nullopt;
  auto d = Date::parse(st.column_text(col));
  if (!d) return std::nullopt;
  return *d;
}

template <class Id>
std::optional<Id> opt_id(store::Statement& st, int col) {
  if (st.is_null(col)) return std::nullopt;
  auto v = Id::parse(st.column_text(col));
  if (!v) return std::nullopt;
  return *v;
}

Result<void> load_parties(store::Transaction& tx, const std::string& tenant, rx::Workspace& ws) {
  auto st = tx.prepare(
      "SELECT id, name, birth_date, insurance_number, ik, street, postal_code, city, country, "
      "has_address, ignore_contract_postal_codes, extra_fields FROM parties WHERE tenant = ?1");
  st->bind_text(1, tenant);
  std::map<std::string, Party> parties;
  while (true) {
    auto r = st->step();
    if (!r) return Unexpected(r.error());
    if (*r == store::Step::done) break;
    Party p;
    p.id = st->column_text(0);
    p.name = st->column_text(1);
    p.birth_date = opt_date(*st, 2);
    p.insurance_number = opt_id<Kvnr>(*st, 3);
    p.ik = opt_id<Ik>(*st, 4);
    if (st->column_int(9) != 0) {
      p.address = Address{st->column_text(5), st->column_text(6), st->column_text(7),
                          st->column_text(8)};
    }
    p.ignore_contract_postal_codes = st->column_int(10) != 0;
    p.extra_fields = parse_fields(st->column_text(11));
    parties.emplace(p.id, std::move(p));
  }
  auto roles = tx.prepare("SELECT party_id, role FROM party_roles WHERE tenant = ?1 ORDER BY role");
  roles->bind_text(1, tenant);
  while (true) {
    auto r = roles->step();
    if (!r) return Unexpected(r.error());
    if (*r == store::Step::done) break;
    if (auto it = parties.find(roles->column_text(0)); it != parties.end()) {
      it->second.own_roles.push_back(roles->column_text(1));
    }
  }
  auto assigned = tx.prepare(
      "SELECT party_id, role, target_party_id, valid_from, valid_to FROM party_assigned_roles "
      "WHERE tenant = ?1 ORDER BY party_id, seq");
  assigned->bind_text(1, tenant);
  while (true) {
    auto r = assigned->step();
    if (!r) return Unexpected(r.error());
    if (*r == store::Step::done) break;
    if (auto it = parties.find(assigned->column_text(0)); it != parties.end()) {
      it->second.assigned_roles.push_back(AssignedRole{assigned->column_text(1),
                                                       assigned->column_text(2),
                                                       opt_date(*assigned, 3),
                                                       opt_date(*assigned, 4)});
    }
  }
  for (auto& [id, p] : parties) ws.parties.load(id, std::move(p));

  auto items = tx.prepare(
      "SELECT number, variant, description, unit, aid_number, pzn, iso9999, vat_product_group, "
      "serial_tracking, extra_fields FROM items WHERE tenant = ?1");
  items->bind_text(1, tenant);
  while (true) {
    auto r = items->step();
    if (!r) return Unexpected(r.error());
    if (*r == store::Step::done) break;
    Item it;
    it.number = items->column_text(0);
    it.variant = items->column_text(1);
    it.description = items->column_text(2);
    it.unit = items->column_text(3);
    it.aid_number = opt_id<Hilfsmittelnummer>(*items, 4);
    it.pzn = opt_id<Pzn>(*items, 5);
    it.iso9999 = opt_id<Iso9999Code>(*items, 6);
    it.vat_product_group = items->column_text(7);
    it.serial_tracking = items->column_int(8) != 0;
    it.extra_fields = parse_fields(items->column_text(9));
    std::string key = rx::item_key(it.number, it.variant);
    ws.items.load(std::move(key), std::move(it));
  }
  return {};
}

template <class T>
Result<void> load_into(rx::Table<T>& table, const std::string& key, const std::string& body,
                       const std::string& what) {
  auto v = cj::decode_aggregate<T>(body, what);
  if (!v) {
    return fail(DiagCode::RxStoredCorrupt,
                "stored " + what + " cannot be read: " + v.error().front().message);
  }
  table.load(key, std::move(*v));
  return {};
}

/// The columns of one aggregate: patient, status, body.
struct Row {
  std::string patient;
  std::string status;
  std::string body;
};

std::optional<Row> row_of(const rx::Workspace& ws, rx::AggregateKind kind, const std::string& key) {
  using K = rx::AggregateKind;
  auto simple = [&](const auto& table) -> std::optional<Row> {
    const auto* v = table.find(key);
    if (v == nullptr) return std::nullopt;
    return Row{"", "", cj::encode_aggregate(*v)};
  };
  switch (kind) {
    case K::party:
    case K::item: return std::nullopt;
    case K::resource: return simple(ws.resources);
    case K::work_type: return simple(ws.work_types);
    case K::contract_finding_item: return simple(ws.contract_finding_items);
    case K::price_list: {
      const auto* v = ws.price_lists.find(key);
      if (v == nullptr) return std::nullopt;
      return Row{"", "", cj::encode_aggregate(PriceList{key, *v})};
    }
    case K::discount_reason: return simple(ws.discount_reasons);
    case K::error_code: return simple(ws.error_codes);
    case K::posting_code: return simple(ws.posting_codes);
    case K::delivery_hierarchy: return simple(ws.delivery_hierarchies);
    case K::requirement_code: return simple(ws.requirement_codes);
    case K::status_template: return simple(ws.status_templates);
    case K::info_template: return simple(ws.info_templates);
    case K::plan_setup: return Row{"", "", cj::encode_aggregate(ws.setup())};
    case K::contract: {
      const auto* c = ws.contracts.find(key);
      if (c == nullptr) return std::nullopt;
      return Row{"", std::string(rx::to_text(c->status)), cj::encode_aggregate(*c)};
    }
    case K::case_: {
      const auto* c = ws.cases.find(key);
      if (c == nullptr) return std::nullopt;
      const std::string status =
          c->periods.empty() ? "" : std::string(rx::to_text(c->periods.back().status));
      return Row{c->patient_id, status, cj::encode_aggregate(*c)};
    }
    case K::delivery_plan: {
      const auto* p = ws.plans.find(key);
      if (p == nullptr) return std::nullopt;
      return Row{p->patient_id, "", cj::encode_aggregate(*p)};
    }
    case K::sales_order: {
      const auto* o = ws.sales_orders.find(key);
      if (o == nullptr) return std::nullopt;
      return Row{o->patient_id, "", cj::encode_aggregate(*o)};
    }
    case K::delivery_note: {
      const auto* n = ws.delivery_notes.find(key);
      if (n == nullptr) return std::nullopt;
      return Row{n->patient_id, "", cj::encode_aggregate(*n)};
    }
    case K::serial_card: return simple(ws.serial_cards);
    case K::billing_plan: {
      const auto* b = ws.billing_plans.find(key);
      if (b == nullptr) return std::nullopt;
      return Row{b->patient_id, "", cj::encode_aggregate(*b)};
    }
    case K::invoice: {
      const auto* i = ws.invoices.find(key);
      if (i == nullptr) return std::nullopt;
      return Row{i->patient_id, std::string(rx::to_text(i->status)), cj::encode_aggregate(*i)};
    }
    case K::billing_setup: return Row{"", "", cj::encode_aggregate(ws.billing_setup())};
    case K::app_log: {
      const auto* e = ws.app_log.find(key);
      if (e == nullptr) return std::nullopt;
      return Row{"", std::string(rx::to_text(e->level)), cj::encode_aggregate(*e)};
    }
  }
  return std::nullopt;
}

}  // namespace

Result<void> RxRepository::load(rx::Workspace& ws) {
  if (auto ok = load_parties(tx_, tenant_, ws); !ok) return ok;
  auto st = tx_.prepare("SELECT kind, key, body FROM rx_aggregates WHERE tenant = ?1");
  st->bind_text(1, tenant_);
  while (true) {
    auto r = st->step();
    if (!r) return Unexpected(r.error());
    if (*r == store::Step::done) break;
    const std::string kind = st->column_text(0);
    const std::string key = st->column_text(1);
    const std::string body = st->column_text(2);
    const std::string what = kind + " " + key;
    Result<void> ok;
    if (kind == "resource") ok = load_into(ws.resources, key, body, what);
    else if (kind == "work_type") ok = load_into(ws.work_types, key, body, what);
    else if (kind == "contract_finding_item") ok = load_into(ws.contract_finding_items, key, body, what);
    else if (kind == "price_list") {
      auto v = cj::decode_aggregate<PriceList>(body, what);
      if (!v) return fail(DiagCode::RxStoredCorrupt, "stored " + what + " cannot be read");
      ws.price_lists.load(key, std::move(v->entries));
    } else if (kind == "discount_reason") ok = load_into(ws.discount_reasons, key, body, what);
    else if (kind == "error_code") ok = load_into(ws.error_codes, key, body, what);
    else if (kind == "posting_code") ok = load_into(ws.posting_codes, key, body, what);
    else if (kind == "delivery_hierarchy") ok = load_into(ws.delivery_hierarchies, key, body, what);
    else if (kind == "requirement_code") ok = load_into(ws.requirement_codes, key, body, what);
    else if (kind == "status_template") ok = load_into(ws.status_templates, key, body, what);
    else if (kind == "info_template") ok = load_into(ws.info_templates, key, body, what);
    else if (kind == "plan_setup") {
      auto v = cj::decode_aggregate<rx::PlanSetup>(body, what);
      if (!v) return fail(DiagCode::RxStoredCorrupt, "stored " + what + " cannot be read");
      ws.load_setup(std::move(*v));
    } else if (kind == "contract") ok = load_into(ws.contracts, key, body, what);
    else if (kind == "case") ok = load_into(ws.cases, key, body, what);
    else if (kind == "delivery_plan") ok = load_into(ws.plans, key, body, what);
    else if (kind == "sales_order") ok = load_into(ws.sales_orders, key, body, what);
    else if (kind == "delivery_note") ok = load_into(ws.delivery_notes, key, body, what);
    else if (kind == "serial_card") ok = load_into(ws.serial_cards, key, body, what);
    else if (kind == "app_log") ok = load_into(ws.app_log, key, body, what);
    else if (kind == "billing_plan") ok = load_into(ws.billing_plans, key, body, what);
    else if (kind == "invoice") ok = load_into(ws.invoices, key, body, what);
    else if (kind == "billing_setup") {
      auto v = cj::decode_aggregate<rx::BillingSetup>(body, what);
      if (!v) return fail(DiagCode::RxStoredCorrupt, "stored " + what + " cannot be read");
      ws.load_billing_setup(std::move(*v));
    }
    else return fail(DiagCode::RxStoredCorrupt, "unknown stored aggregate kind '" + kind + "'");
    if (!ok) return ok;
  }
  ws.clear_changes();
  return {};
}

Result<void> RxRepository::save_changes(rx::Workspace& ws, std::optional<std::int64_t> message_id) {
  auto upsert = tx_.prepare(
      "INSERT INTO rx_aggregates (tenant, kind, key, patient_id, status, body, source_message_id, "
      "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (tenant, kind, key) DO "
      "UPDATE SET patient_id = excluded.patient_id, status = excluded.status, body = "
      "excluded.body, revision = revision + 1, source_message_id = coalesce(excluded."
      "source_message_id, source_message_id), updated_at = excluded.updated_at");
  auto remove = tx_.prepare("DELETE FROM rx_aggregates WHERE tenant = ?1 AND kind = ?2 AND key = ?3");
  for (const auto& change : ws.changes()) {
    const std::string kind(rx::to_text(change.kind));
    if (change.kind == rx::AggregateKind::party || change.kind == rx::AggregateKind::item) continue;
    if (change.op == rx::ChangeOp::deleted) {
      remove->reset();
      remove->bind_text(1, tenant_).bind_text(2, kind).bind_text(3, change.key);
      if (auto ok = remove->run(); !ok) return ok;
      continue;
    }
    auto row = row_of(ws, change.kind, change.key);
    if (!row) continue;
    upsert->reset();
    upsert->bind_text(1, tenant_).bind_text(2, kind).bind_text(3, change.key);
    if (row->patient.empty()) {
      upsert->bind_null(4);
    } else {
      upsert->bind_text(4, row->patient);
    }
    upsert->bind_text(5, row->status).bind_text(6, row->body);
    if (message_id) {
      upsert->bind_int(7, *message_id);
    } else {
      upsert->bind_null(7);
    }
    upsert->bind_text(8, now_);
    if (auto ok = upsert->run(); !ok) return ok;
  }
  ws.clear_changes();
  return {};
}

Result<void> with_rx_workspace(store::Database& db, const std::string& tenant,
                               const std::string& now,
                               const std::function<Result<void>(rx::Workspace&)>& fn) {
  return db.transaction([&](store::Transaction& tx) -> Result<void> {
    rx::Workspace ws;
    RxRepository repo(tx, tenant, now);
    if (auto ok = repo.load(ws); !ok) return ok;
    if (auto ok = fn(ws); !ok) return ok;
    return repo.save_changes(ws);
  });
}

Result<void> load_rx_workspace(store::Database& db, const std::string& tenant, rx::Workspace& ws) {
  return db.transaction([&](store::Transaction& tx) -> Result<void> {
    RxRepository repo(tx, tenant, "");
    return repo.load(ws);
  });
}

}  // namespace cb::app
