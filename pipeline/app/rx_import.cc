#include "pipeline/app/rx_import.h"

#include <set>

#include "core/rx/case_engine.h"
#include "core/rx/contract_search.h"
#include "core/rx/ids.h"
#include "core/rx/plan_engine.h"
#include "core/rx/requirements.h"
#include "pipeline/app/rx_repository.h"

namespace cb::app {
namespace {

/// Collects diagnostics about one document.
class DocReporter {
 public:
  DocReporter(Diagnostics& out, std::string source, std::size_t index, const Document& doc)
      : out_(out),
        source_(std::move(source)),
        pointer_("/documents/" + std::to_string(index)),
        name_(std::string(document_kind(doc)) + " '" + document_key(doc) + "'") {}

  void error(DiagCode code, const std::string& field, const std::string& message) {
    Location where;
    where.file = source_;
    where.field = field.empty() ? pointer_ : pointer_ + "/" + field;
    out_.push_back(Diagnostic::make(code, name_ + ": " + message, where));
  }
  /// An engine refusal, kept with its own code.
  void refused(const Diagnostic& d, const std::string& field = {}) {
    Diagnostic copy = d;
    copy.where.file = source_;
    copy.where.field = field.empty() ? pointer_ : pointer_ + "/" + field;
    copy.message = name_ + ": " + d.message;
    out_.push_back(std::move(copy));
  }
  const std::string& name() const { return name_; }

 private:
  Diagnostics& out_;
  std::string source_;
  std::string pointer_;
  std::string name_;
};

void check_contract(const rx::Workspace& ws, const rx::Contract& c, DocReporter& rep) {
  for (std::size_t v = 0; v < c.versions.size(); ++v) {
    const auto& ver = c.versions[v];
    const std::string vp = "versions/" + std::to_string(v);
    for (std::size_t p = 0; p < ver.periods.size(); ++p) {
      const auto& tpl = ver.periods[p].info_template;
      if (!tpl.empty() && tpl != "NN" && !ws.info_templates.contains(tpl)) {
        rep.error(DiagCode::RxUnknownReference, vp + "/periods/" + std::to_string(p) + "/info_template",
                  "period " + ver.periods[p].code + " names info template '" + tpl +
                      "', which is neither in this file nor in the store");
      }
    }
    for (std::size_t l = 0; l < ver.lines.size(); ++l) {
      const auto& line = ver.lines[l];
      const std::string lp = vp + "/lines/" + std::to_string(l) + "/number";
      bool found = true;
      std::string what;
      switch (line.kind) {
        case rx::LineKind::item:
          found = ws.items.contains(rx::item_key(line.number, line.variant));
          what = "item";
          break;
        case rx::LineKind::contract_finding_item:
          found = ws.contract_finding_items.contains(line.number);
          what = "contract-finding item";
          break;
        case rx::LineKind::resource:
          found = ws.resources.contains(line.number);
          what = "resource";
          break;
        default: break;
      }
      if (!found) {
        rep.error(DiagCode::RxUnknownReference, lp,
                  "version " + std::to_string(ver.version_no) + " line " +
                      std::to_string(line.line_no) + " names " + what + " '" + line.number +
                      "', which is neither in this file nor in the store");
      }
      if (!line.error_code.empty() && !ws.error_codes.contains(line.error_code)) {
        rep.error(DiagCode::RxUnknownReference, vp + "/lines/" + std::to_string(l) + "/error_code",
                  "line " + std::to_string(line.line_no) + " names error code '" +
                      line.error_code + "', which is not set up");
      }
    }
  }
}

/// Loads what the documents of one message need, not the whole tenant: the
/// shared data (contracts, set-up, templates, master-data extensions, the
/// numbering anchors), the parties and aggregates of the patients the
/// documents name (directly, or through a stored case), the delivery notes and
/// serial cards they could collide with, and all serial cards when a case on a
/// reuse contract is requested (the device search looks at every card).
/// Everything is loaded before anything is applied, so a later load never
/// overwrites an applied change.
Result<void> load_for_documents(RxRepository& repo, rx::Workspace& ws, const DocumentSet& docs) {
  if (auto ok = repo.load_shared(ws); !ok) return ok;
  std::set<std::string> patients;
  std::set<std::string> parties;
  bool reuse = false;
  for (const auto& d : docs.documents) {
    if (const auto* c = std::get_if<rx::Contract>(&d)) {
      reuse = reuse || c->plan_type == rx::PlanType::reuse;
    } else if (const auto* req = std::get_if<CaseRequest>(&d)) {
      patients.insert(req->patient);
      if (!req->payer.empty()) parties.insert(req->payer);
      const auto* contract = ws.contracts.find(req->contract);
      reuse = reuse || (contract != nullptr && contract->plan_type == rx::PlanType::reuse) ||
              !req->pool_query.serial_no.empty();
    } else if (const auto* sc = std::get_if<RequirementStatusChange>(&d)) {
      auto patient = repo.load_aggregate(ws, "case", sc->case_no);
      if (!patient) return Unexpected(patient.error());
      if (*patient && !(*patient)->empty()) patients.insert(**patient);
    } else if (const auto* note = std::get_if<rx::DeliveryNote>(&d)) {
      patients.insert(note->patient_id);
      if (!note->no.empty()) {
        if (auto ok = repo.load_aggregate(ws, "delivery_note", note->no); !ok) {
          return Unexpected(ok.error());
        }
      }
      for (const auto& l : note->lines) {
        if (l.serial_no.empty()) continue;
        if (auto ok = repo.load_aggregate(ws, "serial_card", rx::serial_key(l.item_no, l.serial_no));
            !ok) {
          return Unexpected(ok.error());
        }
      }
    }
  }
  if (reuse) {
    if (auto ok = repo.load_kind(ws, "serial_card"); !ok) return ok;
  }
  if (auto ok = repo.load_patients(ws, {patients.begin(), patients.end()}); !ok) return ok;
  if (auto ok = repo.load_parties(ws, {parties.begin(), parties.end()}); !ok) return ok;
  ws.clear_changes();
  return {};
}

}  // namespace

bool has_rx_documents(const DocumentSet& docs) {
  for (const auto& d : docs.documents) {
    if (!std::holds_alternative<Party>(d) && !std::holds_alternative<Item>(d)) return true;
  }
  return false;
}

Result<std::string> apply_case_request(rx::Workspace& ws, const CaseRequest& req,
                                       const Date& working_date) {
  const Date date = req.date.value_or(working_date);
  rx::CreateCaseInput in;
  in.patient_id = req.patient;
  in.payer_id = req.payer;
  in.case_type = req.case_type;
  in.contract_no = req.contract;
  in.version_no = req.version;
  in.period_code = req.period;
  in.pool_query = req.pool_query;
  in.start = req.start;
  in.user = "import";
  if (in.version_no == 0) {
    // The version the contract offers on the date: the highest released one valid then.
    if (const auto* c = ws.contracts.find(req.contract)) {
      for (const auto& v : c->versions) {
        if (v.status == rx::ReleaseStatus::released && v.valid_on(date)) in.version_no = v.version_no;
      }
    }
    if (in.version_no == 0) in.version_no = 1;
  }
  // An inactive or unreleased contract is refused by name before the search
  // (which would only say "not offered").
  if (const auto* c = ws.contracts.find(req.contract)) {
    if (const auto* v = c->find_version(in.version_no)) {
      if (auto usable = rx::check_contract_for_new_case(*c, *v, date); !usable) {
        return Unexpected(usable.error());
      }
    }
  }
  // No case without a valid contract: the contract search must offer it.
  {
    rx::ContractSearchInput search;
    search.case_type = req.case_type;
    search.period_code = req.period;
    search.partner_debtor = req.payer;
    search.patient_id = req.patient;
    search.show_general = true;
    search.search_date = date;
    if (const auto* patient = ws.parties.find(req.patient)) {
      search.private_patient = patient->has_role("VS-PK");
    }
    if (const auto* c = ws.contracts.find(req.contract)) {
      if (const auto* v = c->find_version(in.version_no)) search.billing_debtor = v->billing_debtor_override;
      if (c->plan_type == rx::PlanType::reuse) search.plan_type = rx::PlanType::reuse;
    }
    auto hits = rx::search_contracts(ws, search, date);
    if (!hits) return Unexpected(hits.error());
    bool offered = false;
    for (const auto& h : *hits) offered = offered || (h.contract_no == req.contract && h.version_no == in.version_no);
    if (!offered) {
      return fail(DiagCode::DomNoContractFound,
                  "contract " + req.contract + " version " + std::to_string(in.version_no) +
                      " period " + req.period + " is not offered for patient " + req.patient +
                      " on " + date.to_string() +
                      " (released, active, valid, case type, payer, age, postal code and extra "
                      "fields must match)");
    }
  }
  for (const auto& l : req.lines) {
    rx::LineSelection s;
    s.contract_line_no = l.contract_line;
    s.item_no = l.item;
    s.variant = l.variant;
    s.quantity = l.quantity;
    s.serial_no = l.serial_no;
    in.lines.push_back(std::move(s));
  }
  auto no = rx::create_case(ws, in, date);
  if (!no) return no;
  if (req.release) {
    if (auto ok = rx::release_period(ws, *no, 1, date); !ok) return Unexpected(ok.error());
  }
  return no;
}

RxApplyResult apply_rx_documents(store::Transaction& tx, const std::string& tenant,
                                 const std::string& now, const Date& working_date,
                                 const DocumentSet& docs, std::int64_t message_id,
                                 const std::string& source) {
  RxApplyResult result;
  Diagnostics& out = result.diagnostics;
  rx::Workspace ws;
  RxRepository repo(tx, tenant, now);
  if (auto ok = load_for_documents(repo, ws, docs); !ok) {
    out.push_back(ok.error());
    return result;
  }

  // 1. Set-up and master-data extensions: stored as they are.
  for (const auto& d : docs.documents) {
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          const std::string key = DocTraits<T>::key(v);
          if constexpr (std::is_same_v<T, rx::Resource>) ws.resources.put(key, v);
          else if constexpr (std::is_same_v<T, rx::WorkType>) ws.work_types.put(key, v);
          else if constexpr (std::is_same_v<T, rx::ContractFindingItem>) ws.contract_finding_items.put(key, v);
          else if constexpr (std::is_same_v<T, PriceList>) {
            auto entries = v.entries;
            for (auto& e : entries) e.price_debtor = v.price_debtor;
            ws.price_lists.put(key, std::move(entries));
          } else if constexpr (std::is_same_v<T, rx::DiscountReason>) ws.discount_reasons.put(key, v);
          else if constexpr (std::is_same_v<T, rx::ErrorCode>) ws.error_codes.put(key, v);
          else if constexpr (std::is_same_v<T, rx::PostingCode>) ws.posting_codes.put(key, v);
          else if constexpr (std::is_same_v<T, rx::DeliveryHierarchy>) ws.delivery_hierarchies.put(key, v);
          else if constexpr (std::is_same_v<T, rx::RequirementCode>) ws.requirement_codes.put(key, v);
          else if constexpr (std::is_same_v<T, rx::StatusTemplate>) ws.status_templates.put(key, v);
          else if constexpr (std::is_same_v<T, rx::InfoTemplate>) ws.info_templates.put(key, v);
          else if constexpr (std::is_same_v<T, PlanSetupDocument>) ws.set_setup(v.setup);
          else if constexpr (std::is_same_v<T, rx::SerialCard>) ws.serial_cards.put(key, v);
        },
        d);
  }

  // 2. References of the master data just stored.
  for (std::size_t i = 0; i < docs.documents.size(); ++i) {
    const Document& d = docs.documents[i];
    DocReporter rep(out, source, i, d);
    if (const auto* cfi = std::get_if<rx::ContractFindingItem>(&d)) {
      for (std::size_t m = 0; m < cfi->items.size(); ++m) {
        const auto& member = cfi->items[m];
        if (!ws.items.contains(rx::item_key(member.item_no, member.variant))) {
          rep.error(DiagCode::RxUnknownReference, "items/" + std::to_string(m) + "/item",
                    "item '" + member.item_no + "' is neither in this file nor in the store");
        }
      }
    } else if (const auto* it = std::get_if<rx::InfoTemplate>(&d)) {
      for (std::size_t l = 0; l < it->lines.size(); ++l) {
        const auto& code = it->lines[l].requirement_code;
        if (!ws.requirement_codes.contains(code)) {
          rep.error(DiagCode::RxUnknownReference, "lines/" + std::to_string(l) + "/requirement",
                    "requirement code '" + code + "' is neither in this file nor in the store");
        }
      }
    } else if (const auto* sc = std::get_if<rx::SerialCard>(&d)) {
      if (!ws.items.contains(rx::item_key(sc->item_no, sc->variant))) {
        rep.error(DiagCode::RxUnknownReference, "item",
                  "item '" + sc->item_no + "' is neither in this file nor in the store");
      }
    }
  }

  // 3. Contracts.
  for (std::size_t i = 0; i < docs.documents.size(); ++i) {
    if (const auto* c = std::get_if<rx::Contract>(&docs.documents[i])) {
      DocReporter rep(out, source, i, docs.documents[i]);
      check_contract(ws, *c, rep);
      ws.contracts.put(c->number, *c);
    }
  }
  if (has_errors(out)) return result;

  // 4. Events in file order: cases, status changes, deliveries.
  for (std::size_t i = 0; i < docs.documents.size(); ++i) {
    const Document& d = docs.documents[i];
    DocReporter rep(out, source, i, d);
    if (const auto* req = std::get_if<CaseRequest>(&d)) {
      if (!ws.parties.contains(req->patient)) {
        rep.error(DiagCode::RxUnknownReference, "patient",
                  "patient '" + req->patient + "' is neither in this file nor in the store");
        continue;
      }
      if (!req->payer.empty() && !ws.parties.contains(req->payer)) {
        rep.error(DiagCode::RxUnknownReference, "payer",
                  "payer '" + req->payer + "' is neither in this file nor in the store");
        continue;
      }
      if (!ws.contracts.contains(req->contract)) {
        rep.error(DiagCode::RxUnknownReference, "contract",
                  "contract '" + req->contract + "' is neither in this file nor in the store");
        continue;
      }
      auto no = apply_case_request(ws, *req, working_date);
      if (!no) {
        rep.refused(no.error());
        continue;
      }
      result.cases[req->ref] = *no;
    } else if (const auto* sc = std::get_if<RequirementStatusChange>(&d)) {
      std::string case_no = sc->case_no;
      if (auto it = result.cases.find(case_no); it != result.cases.end()) case_no = it->second;
      if (!ws.cases.contains(case_no)) {
        rep.error(DiagCode::RxUnknownReference, "case",
                  "case '" + sc->case_no + "' is neither in this file nor in the store");
        continue;
      }
      rx::StatusChangeInput in;
      in.case_no = case_no;
      in.period_no = sc->period;
      in.requirement_code = sc->requirement;
      in.status = sc->status;
      in.user = sc->user.empty() ? "import" : sc->user;
      in.reason = sc->reason;
      if (auto ok = rx::set_requirement_status(ws, in, sc->date); !ok) {
        const bool status_problem = ok.error().code == DiagCode::DomStatusUnknown;
        rep.refused(ok.error(), status_problem ? "status" : "requirement");
      }
    } else if (const auto* note = std::get_if<rx::DeliveryNote>(&d)) {
      if (!ws.parties.contains(note->patient_id)) {
        rep.error(DiagCode::RxUnknownReference, "patient",
                  "patient '" + note->patient_id + "' is neither in this file nor in the store");
        continue;
      }
      bool ok_items = true;
      for (std::size_t l = 0; l < note->lines.size(); ++l) {
        const auto& line = note->lines[l];
        if (!ws.items.contains(rx::item_key(line.item_no, line.variant))) {
          rep.error(DiagCode::RxUnknownReference, "lines/" + std::to_string(l) + "/item",
                    "item '" + line.item_no + "' is neither in this file nor in the store");
          ok_items = false;
        }
      }
      if (!ok_items) continue;
      if (auto ok = rx::post_delivery(ws, *note); !ok) rep.refused(ok.error());
    }
  }
  if (has_errors(out)) return result;

  if (auto ok = repo.save_changes(ws, message_id); !ok) out.push_back(ok.error());
  return result;
}

}  // namespace cb::app
