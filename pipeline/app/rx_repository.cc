#include "pipeline/app/rx_repository.h"

#include <nlohmann/json.hpp>

#include <set>

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

/// Which parties to load: all, an id range, or named ids.
struct PartyFilter {
  enum class Kind : std::uint8_t { all, range, ids } kind = Kind::all;
  std::string first, last;    // range (inclusive)
  std::vector<std::string> ids;
};

Result<void> step_parties(store::Statement& st, std::map<std::string, Party>& parties) {
  while (true) {
    auto r = st.step();
    if (!r) return Unexpected(r.error());
    if (*r == store::Step::done) break;
    Party p;
    p.id = st.column_text(0);
    p.name = st.column_text(1);
    p.birth_date = opt_date(st, 2);
    p.insurance_number = opt_id<Kvnr>(st, 3);
    p.ik = opt_id<Ik>(st, 4);
    if (st.column_int(9) != 0) {
      p.address = Address{st.column_text(5), st.column_text(6), st.column_text(7),
                          st.column_text(8)};
    }
    p.ignore_contract_postal_codes = st.column_int(10) != 0;
    p.extra_fields = parse_fields(st.column_text(11));
    parties.emplace(p.id, std::move(p));
  }
  return {};
}

Result<void> step_roles(store::Statement& st, std::map<std::string, Party>& parties) {
  while (true) {
    auto r = st.step();
    if (!r) return Unexpected(r.error());
    if (*r == store::Step::done) break;
    if (auto it = parties.find(st.column_text(0)); it != parties.end()) {
      it->second.own_roles.push_back(st.column_text(1));
    }
  }
  return {};
}

Result<void> step_assigned(store::Statement& st, std::map<std::string, Party>& parties) {
  while (true) {
    auto r = st.step();
    if (!r) return Unexpected(r.error());
    if (*r == store::Step::done) break;
    if (auto it = parties.find(st.column_text(0)); it != parties.end()) {
      it->second.assigned_roles.push_back(AssignedRole{st.column_text(1), st.column_text(2),
                                                       opt_date(st, 3), opt_date(st, 4)});
    }
  }
  return {};
}

constexpr std::string_view kPartyColumns =
    "SELECT id, name, birth_date, insurance_number, ik, street, postal_code, city, country, "
    "has_address, ignore_contract_postal_codes, extra_fields FROM parties WHERE tenant = ?1";
constexpr std::string_view kRoleColumns = "SELECT party_id, role FROM party_roles WHERE tenant = ?1";
constexpr std::string_view kAssignedColumns =
    "SELECT party_id, role, target_party_id, valid_from, valid_to FROM party_assigned_roles "
    "WHERE tenant = ?1";

Result<void> read_parties(store::Transaction& tx, const std::string& tenant, rx::Workspace& ws,
                          const PartyFilter& filter) {
  std::map<std::string, Party> parties;
  // `where` filters on the column named by `column` (id in parties, party_id in the role tables).
  auto run_three = [&](const std::string& where, const auto& bind) -> Result<void> {
    auto with_column = [&](std::string_view column) {
      std::string w = where;
      while (true) {
        auto at = w.find("{c}");
        if (at == std::string::npos) break;
        w.replace(at, 3, column);
      }
      return w;
    };
    auto st = tx.prepare(std::string(kPartyColumns) + with_column("id"));
    st->bind_text(1, tenant);
    bind(*st);
    if (auto ok = step_parties(*st, parties); !ok) return ok;
    auto roles = tx.prepare(std::string(kRoleColumns) + with_column("party_id") + " ORDER BY role");
    roles->bind_text(1, tenant);
    bind(*roles);
    if (auto ok = step_roles(*roles, parties); !ok) return ok;
    auto assigned = tx.prepare(std::string(kAssignedColumns) + with_column("party_id") +
                               " ORDER BY party_id, seq");
    assigned->bind_text(1, tenant);
    bind(*assigned);
    return step_assigned(*assigned, parties);
  };
  switch (filter.kind) {
    case PartyFilter::Kind::all:
      if (auto ok = run_three("", [](store::Statement&) {}); !ok) return ok;
      break;
    case PartyFilter::Kind::range:
      if (auto ok = run_three(" AND {c} >= ?2 AND {c} <= ?3",
                              [&](store::Statement& st) {
                                st.bind_text(2, filter.first).bind_text(3, filter.last);
                              });
          !ok) {
        return ok;
      }
      break;
    case PartyFilter::Kind::ids:
      for (const auto& id : filter.ids) {
        if (parties.contains(id) || ws.parties.contains(id)) continue;
        if (auto ok = run_three(" AND {c} = ?2", [&](store::Statement& st) { st.bind_text(2, id); });
            !ok) {
          return ok;
        }
      }
      break;
  }
  for (auto& [id, p] : parties) ws.parties.load(id, std::move(p));
  return {};
}

Result<void> load_items(store::Transaction& tx, const std::string& tenant, rx::Workspace& ws) {
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

namespace {

/// Puts one stored aggregate into the workspace (without recording a change).
Result<void> load_row(rx::Workspace& ws, const std::string& kind, const std::string& key,
                      const std::string& body) {
  const std::string what = kind + " " + key;
  if (kind == "resource") return load_into(ws.resources, key, body, what);
  if (kind == "work_type") return load_into(ws.work_types, key, body, what);
  if (kind == "contract_finding_item") return load_into(ws.contract_finding_items, key, body, what);
  if (kind == "price_list") {
    auto v = cj::decode_aggregate<PriceList>(body, what);
    if (!v) return fail(DiagCode::RxStoredCorrupt, "stored " + what + " cannot be read");
    ws.price_lists.load(key, std::move(v->entries));
    return {};
  }
  if (kind == "discount_reason") return load_into(ws.discount_reasons, key, body, what);
  if (kind == "error_code") return load_into(ws.error_codes, key, body, what);
  if (kind == "posting_code") return load_into(ws.posting_codes, key, body, what);
  if (kind == "delivery_hierarchy") return load_into(ws.delivery_hierarchies, key, body, what);
  if (kind == "requirement_code") return load_into(ws.requirement_codes, key, body, what);
  if (kind == "status_template") return load_into(ws.status_templates, key, body, what);
  if (kind == "info_template") return load_into(ws.info_templates, key, body, what);
  if (kind == "plan_setup") {
    auto v = cj::decode_aggregate<rx::PlanSetup>(body, what);
    if (!v) return fail(DiagCode::RxStoredCorrupt, "stored " + what + " cannot be read");
    ws.load_setup(std::move(*v));
    return {};
  }
  if (kind == "contract") return load_into(ws.contracts, key, body, what);
  if (kind == "case") return load_into(ws.cases, key, body, what);
  if (kind == "delivery_plan") return load_into(ws.plans, key, body, what);
  if (kind == "sales_order") return load_into(ws.sales_orders, key, body, what);
  if (kind == "delivery_note") return load_into(ws.delivery_notes, key, body, what);
  if (kind == "serial_card") return load_into(ws.serial_cards, key, body, what);
  if (kind == "app_log") return load_into(ws.app_log, key, body, what);
  if (kind == "billing_plan") return load_into(ws.billing_plans, key, body, what);
  if (kind == "invoice") return load_into(ws.invoices, key, body, what);
  if (kind == "billing_setup") {
    auto v = cj::decode_aggregate<rx::BillingSetup>(body, what);
    if (!v) return fail(DiagCode::RxStoredCorrupt, "stored " + what + " cannot be read");
    ws.load_billing_setup(std::move(*v));
    return {};
  }
  return fail(DiagCode::RxStoredCorrupt, "unknown stored aggregate kind '" + kind + "'");
}

/// Steps a statement whose first three columns are kind, key and body.
Result<void> load_rows(store::Statement& st, rx::Workspace& ws) {
  while (true) {
    auto r = st.step();
    if (!r) return Unexpected(r.error());
    if (*r == store::Step::done) return {};
    if (auto ok = load_row(ws, st.column_text(0), st.column_text(1), st.column_text(2)); !ok) {
      return ok;
    }
  }
}

/// The kinds that belong to one patient (rows with patient_id).
constexpr std::string_view kPatientKinds =
    "('case', 'delivery_plan', 'sales_order', 'delivery_note', 'billing_plan', 'invoice')";
/// The kinds the plan jobs need of a patient.
constexpr std::string_view kPlanKinds = "('case', 'delivery_plan')";
/// The kinds shared by all patients: master-data extensions, set-up, templates, contracts.
constexpr std::string_view kSharedExcluded =
    "('case', 'delivery_plan', 'sales_order', 'delivery_note', 'serial_card', 'app_log', "
    "'billing_plan', 'invoice')";

}  // namespace

Result<void> RxRepository::load(rx::Workspace& ws) {
  if (auto ok = read_parties(tx_, tenant_, ws, PartyFilter{}); !ok) return ok;
  if (auto ok = load_items(tx_, tenant_, ws); !ok) return ok;
  auto st = tx_.prepare("SELECT kind, key, body FROM rx_aggregates WHERE tenant = ?1");
  st->bind_text(1, tenant_);
  if (auto ok = load_rows(*st, ws); !ok) return ok;
  ws.clear_changes();
  return {};
}

Result<void> RxRepository::load_shared(rx::Workspace& ws) {
  if (auto ok = load_items(tx_, tenant_, ws); !ok) return ok;
  auto st = tx_.prepare("SELECT kind, key, body FROM rx_aggregates WHERE tenant = ?1 AND kind NOT IN " +
                        std::string(kSharedExcluded));
  st->bind_text(1, tenant_);
  if (auto ok = load_rows(*st, ws); !ok) return ok;
  return load_number_anchors(ws);
}

Result<void> RxRepository::load_number_anchors(rx::Workspace& ws) {
  for (const char* kind : {"case", "sales_order", "app_log"}) {
    auto st = tx_.prepare(
        "SELECT kind, key, body FROM rx_aggregates WHERE tenant = ?1 AND kind = ?2 "
        "ORDER BY key DESC LIMIT 1");
    st->bind_text(1, tenant_).bind_text(2, kind);
    if (auto ok = load_rows(*st, ws); !ok) return ok;
  }
  // Invoices and credit notes have a numbering series each (billing setup).
  const auto& setup = ws.billing_setup();
  for (const std::string& prefix : {setup.invoice_prefix, setup.credit_note_prefix}) {
    auto st = tx_.prepare(
        "SELECT kind, key, body FROM rx_aggregates WHERE tenant = ?1 AND kind = 'invoice' AND "
        "key >= ?2 AND key < ?3 ORDER BY key DESC LIMIT 1");
    st->bind_text(1, tenant_).bind_text(2, prefix).bind_text(3, prefix + "\x7f");
    if (auto ok = load_rows(*st, ws); !ok) return ok;
  }
  return {};
}

Result<std::vector<std::string>> RxRepository::patients() {
  auto st = tx_.prepare(
      "SELECT DISTINCT patient_id FROM rx_aggregates WHERE tenant = ?1 AND patient_id IS NOT "
      "NULL ORDER BY patient_id");
  st->bind_text(1, tenant_);
  std::vector<std::string> out;
  while (true) {
    auto r = st->step();
    if (!r) return Unexpected(r.error());
    if (*r == store::Step::done) return out;
    out.push_back(st->column_text(0));
  }
}

Result<void> RxRepository::load_patient_range(rx::Workspace& ws, const std::string& first,
                                              const std::string& last, PatientScope scope) {
  if (scope == PatientScope::everything) {
    PartyFilter f;
    f.kind = PartyFilter::Kind::range;
    f.first = first;
    f.last = last;
    if (auto ok = read_parties(tx_, tenant_, ws, f); !ok) return ok;
  }
  auto st = tx_.prepare(
      "SELECT kind, key, body FROM rx_aggregates WHERE tenant = ?1 AND patient_id >= ?2 AND "
      "patient_id <= ?3 AND kind IN " +
      std::string(scope == PatientScope::plans ? kPlanKinds : kPatientKinds));
  st->bind_text(1, tenant_).bind_text(2, first).bind_text(3, last);
  return load_rows(*st, ws);
}

Result<void> RxRepository::load_parties(rx::Workspace& ws, const std::vector<std::string>& ids) {
  // The parties and, two steps deep, the parties their assigned roles point at
  // (a patient's insurer, the insurer's price-finding debtor and association).
  std::vector<std::string> wanted = ids;
  for (int depth = 0; depth < 3 && !wanted.empty(); ++depth) {
    PartyFilter f;
    f.kind = PartyFilter::Kind::ids;
    f.ids = wanted;
    if (auto ok = read_parties(tx_, tenant_, ws, f); !ok) return ok;
    std::set<std::string> next;
    for (const auto& id : wanted) {
      const Party* p = ws.parties.find(id);
      if (p == nullptr) continue;
      for (const auto& r : p->assigned_roles) {
        if (!r.party_id.empty() && !ws.parties.contains(r.party_id)) {
          next.insert(r.party_id);
        }
      }
    }
    wanted.assign(next.begin(), next.end());
  }
  return {};
}

Result<void> RxRepository::load_patients(rx::Workspace& ws, const std::vector<std::string>& ids) {
  if (auto ok = load_parties(ws, ids); !ok) return ok;
  auto st = tx_.prepare("SELECT kind, key, body FROM rx_aggregates WHERE tenant = ?1 AND patient_id = ?2 AND kind IN " +
                        std::string(kPatientKinds));
  for (const auto& id : ids) {
    if (!loaded_patients_.insert(id).second) continue;
    st->reset();
    st->bind_text(1, tenant_).bind_text(2, id);
    if (auto ok = load_rows(*st, ws); !ok) return ok;
  }
  return {};
}

Result<std::optional<std::string>> RxRepository::load_aggregate(rx::Workspace& ws,
                                                                 std::string_view kind,
                                                                 const std::string& key) {
  auto st = tx_.prepare(
      "SELECT kind, key, body, patient_id FROM rx_aggregates WHERE tenant = ?1 AND kind = ?2 AND "
      "key = ?3");
  st->bind_text(1, tenant_).bind_text(2, kind).bind_text(3, key);
  auto r = st->step();
  if (!r) return Unexpected(r.error());
  if (*r == store::Step::done) return std::optional<std::string>();
  const std::string patient = st->is_null(3) ? std::string() : st->column_text(3);
  if (auto ok = load_row(ws, st->column_text(0), st->column_text(1), st->column_text(2)); !ok) {
    return Unexpected(ok.error());
  }
  return std::optional<std::string>(patient);
}

Result<void> RxRepository::load_kind(rx::Workspace& ws, std::string_view kind) {
  auto st = tx_.prepare("SELECT kind, key, body FROM rx_aggregates WHERE tenant = ?1 AND kind = ?2");
  st->bind_text(1, tenant_).bind_text(2, kind);
  return load_rows(*st, ws);
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
