#include "core/rx/billing_rules/billing_split.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <utility>

namespace cb::rx::billing {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) !=
        std::toupper(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

/// "GH1" and "GZ1" → "G1": the H (main article) / Z (addition) letter does not
/// separate a group. Other codes are kept as they are.
std::string group_key(std::string_view code) {
  if (code.size() >= 3) {
    const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(code[1])));
    if (c == 'H' || c == 'Z') return std::string(code.substr(0, 1)) + std::string(code.substr(2));
  }
  return std::string(code);
}

/// Rank inside a group: main articles (H) are listed first.
int group_rank(std::string_view code) {
  if (code.size() >= 3 && std::toupper(static_cast<unsigned char>(code[1])) == 'H') return 0;
  return 1;
}

int128 to_minor(const Decimal& d, int minor) {
  // Amounts are validated to carry at most `minor` places before they get here.
  return d.rescaled(minor).value().coefficient();
}

Decimal from_minor(int128 v, int minor) { return Decimal::from_parts(v, minor).value(); }

Decimal min_dec(const Decimal& a, const Decimal& b) { return b < a ? b : a; }
Decimal max_dec(const Decimal& a, const Decimal& b) { return a < b ? b : a; }

/// Spreads `total` (minor units) over `bases` in proportion, to the unit, by
/// largest remainder (ties: the earlier line). Σ result = total; each share is
/// at most its base when total <= Σ bases.
std::vector<int128> spread(int128 total, const std::vector<int128>& bases) {
  std::vector<int128> out(bases.size(), 0);
  int128 sum = 0;
  for (int128 b : bases) sum += b;
  if (sum == 0 || total == 0) return out;
  std::vector<std::pair<int128, std::size_t>> rema;
  int128 given = 0;
  for (std::size_t i = 0; i < bases.size(); ++i) {
    const int128 num = total * bases[i];
    out[i] = num / sum;
    given += out[i];
    rema.emplace_back(num % sum, i);
  }
  std::stable_sort(rema.begin(), rema.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t k = 0; given < total && k < rema.size(); ++k, ++given) out[rema[k].second] += 1;
  return out;
}

constexpr std::array<SplitKind, 3> kOrder = {SplitKind::surcharge, SplitKind::own_share,
                                             SplitKind::copayment};

const std::string& group_of(const SplitLineInput& l, SplitKind k) {
  switch (k) {
    case SplitKind::copayment: return l.copayment_group;
    case SplitKind::own_share: return l.own_share_group;
    case SplitKind::surcharge: return l.surcharge_group;
  }
  return l.copayment_group;
}

const std::optional<Money>& manual_of(const ManualSplit& m, SplitKind k) {
  switch (k) {
    case SplitKind::copayment: return m.copayment;
    case SplitKind::own_share: return m.own_share;
    case SplitKind::surcharge: return m.surcharge;
  }
  return m.copayment;
}

bool kind_allowed(CopaymentStatus status, InsuranceType type, SplitKind k) {
  switch (type) {
    case InsuranceType::private_insurance: return false;
    case InsuranceType::trade_association:
    case InsuranceType::accident_fund: return k == SplitKind::surcharge;
    case InsuranceType::statutory: break;
  }
  if (k == SplitKind::copayment) return status == CopaymentStatus::liable;
  return true;
}

Location line_where(std::size_t i) {
  Location w;
  w.field = "/lines/" + std::to_string(i);
  return w;
}

}  // namespace

std::optional<InsuranceType> insurance_type_from_vs_art(std::string_view text) {
  if (text.empty() || text == "1") return InsuranceType::statutory;
  if (text == "2" || iequals(text, "BG")) return InsuranceType::trade_association;
  if (text == "3" || iequals(text, "UK")) return InsuranceType::accident_fund;
  if (text == "4" || iequals(text, "PKV") || iequals(text, "PRIVAT"))
    return InsuranceType::private_insurance;
  return std::nullopt;
}

CalculationCode CalculationCode::statutory_aid() {
  CalculationCode c;
  c.code = "ZZ-HM";
  c.kind = SplitKind::copayment;
  c.method = CalcMethod::per_aid;
  c.percent = Decimal::from_int(10);
  c.minimum = Decimal::from_int(5);
  c.maximum = Decimal::from_int(10);
  return c;
}

CalculationCode CalculationCode::statutory_consumable() {
  CalculationCode c;
  c.code = "ZZ-VB";
  c.kind = SplitKind::copayment;
  c.method = CalcMethod::per_need;
  c.percent = Decimal::from_int(10);
  c.maximum = Decimal::from_int(10);
  return c;
}

CalculationCode CalculationCode::no_copayment() {
  CalculationCode c;
  c.code = "KEINE-ZZ";
  c.kind = SplitKind::copayment;
  c.method = CalcMethod::zero;
  return c;
}

const std::string& SplitCodes::of(SplitKind k) const {
  switch (k) {
    case SplitKind::copayment: return copayment;
    case SplitKind::own_share: return own_share;
    case SplitKind::surcharge: return surcharge;
  }
  return copayment;
}

bool Exemption::covers(const Date& d) const {
  if (valid_from && d < *valid_from) return false;
  if (valid_to && *valid_to < d) return false;
  return true;
}

char dta_flag(CopaymentStatus s) {
  switch (s) {
    case CopaymentStatus::liable: return '3';
    case CopaymentStatus::exempt: return '1';
    case CopaymentStatus::under_18:
    case CopaymentStatus::insurance_type: return '0';
  }
  return '0';
}

Money SplitLineResult::part(SplitKind k) const {
  Money sum = Money::zero(gross.currency());
  for (const auto& p : parts)
    if (p.kind == k) sum = sum + p.amount;
  return sum;
}

Money SplitResult::total(SplitKind k) const {
  Money sum = Money::zero(gross_total.currency());
  for (const auto& l : lines) sum = sum + l.part(k);
  return sum;
}

bool is_adult(const Date& birth_date, const Date& on) { return birth_date.add_years(18) <= on; }

bool copayment_invoiced_to_patient(const std::optional<Date>& last_delivery,
                                   const Date& billing_period_start,
                                   const Date& billing_period_end,
                                   const std::optional<DateFormula>& split_delivery_formula) {
  if (!split_delivery_formula) return true;
  if (!last_delivery) return false;
  const Date from = split_delivery_formula->apply(billing_period_start);
  return from <= *last_delivery && *last_delivery <= billing_period_end;
}

Result<SplitResult> compute_billing_split(const SplitRequest& request) {
  const Currency currency =
      request.lines.empty() ? Currency::eur() : request.lines.front().gross.currency();
  const int minor = currency.minor_units();

  if (request.need_months < 1) {
    Location w;
    w.field = "/need_months";
    return fail(DiagCode::BrlSplitLine,
                "need_months is " + std::to_string(request.need_months) + ", must be at least 1",
                w);
  }
  for (std::size_t i = 0; i < request.lines.size(); ++i) {
    const auto& l = request.lines[i];
    if (!(l.gross.currency() == currency))
      return fail(DiagCode::BrlSplitLine,
                  "line " + std::to_string(l.line_ref) + " is in " + std::string(l.gross.currency().code()) +
                      ", the split in " + std::string(currency.code()),
                  line_where(i));
    if (l.gross.amount().is_negative())
      return fail(DiagCode::BrlSplitLine,
                  "line " + std::to_string(l.line_ref) + " has a negative gross " + l.gross.to_string(),
                  line_where(i));
    if (!l.gross.amount().rescaled(minor))
      return fail(DiagCode::BrlSplitLine,
                  "line " + std::to_string(l.line_ref) + " gross " + l.gross.amount().to_string() +
                      " is not rounded to " + std::to_string(minor) + " places",
                  line_where(i));
    if (l.aids < 1)
      return fail(DiagCode::BrlSplitLine,
                  "line " + std::to_string(l.line_ref) + " has " + std::to_string(l.aids) +
                      " aids, must be at least 1",
                  line_where(i));
    for (SplitKind k : kOrder) {
      const auto& m = manual_of(l.manual, k);
      if (!m) continue;
      if (!(m->currency() == currency) || m->amount().is_negative() || !m->amount().rescaled(minor))
        return fail(DiagCode::BrlSplitLine,
                    "line " + std::to_string(l.line_ref) + " manual " + std::string(to_text(k)) +
                        " " + m->to_string() + " is not a non-negative amount in " +
                        std::string(currency.code()) + " cents",
                    line_where(i));
    }
  }

  for (std::size_t i = 0; i < request.prior_charges.size(); ++i) {
    const auto& prior = request.prior_charges[i];
    if (!(prior.amount.currency() == currency) || prior.amount.amount().is_negative()) {
      Location w;
      w.field = "/prior_charges/" + std::to_string(i);
      return fail(DiagCode::BrlSplitLine,
                  "prior co-payment " + prior.amount.to_string() + " for need group '" +
                      prior.need_group + "' is not a non-negative amount in " +
                      std::string(currency.code()),
                  w);
    }
  }

  SplitResult out;
  out.gross_total = Money::zero(currency);
  out.insurer_total = Money::zero(currency);
  out.patient_total = Money::zero(currency);

  const bool adult = !request.birth_date || is_adult(*request.birth_date, request.service_date);
  const bool exempt = std::any_of(request.exemptions.begin(), request.exemptions.end(),
                                  [&](const Exemption& e) { return e.covers(request.service_date); });
  if (request.insurance_type != InsuranceType::statutory)
    out.status = CopaymentStatus::insurance_type;
  else if (!adult)
    out.status = CopaymentStatus::under_18;
  else if (exempt)
    out.status = CopaymentStatus::exempt;
  else
    out.status = CopaymentStatus::liable;

  const std::size_t n = request.lines.size();
  std::vector<int128> remaining(n);
  out.lines.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    remaining[i] = to_minor(request.lines[i].gross.amount(), minor);
    out.lines[i].line_ref = request.lines[i].line_ref;
    out.lines[i].gross = request.lines[i].gross;
  }

  auto find_code = [&](const std::string& code) -> const CalculationCode* {
    for (const auto& c : request.codes)
      if (c.code == code) return &c;
    return nullptr;
  };

  auto make_part = [&](SplitKind k, int128 minor_amount, std::string code, std::string group,
                       bool manual, std::string dta_kind) {
    SplitPart p;
    p.kind = k;
    p.amount = Money(from_minor(minor_amount, minor), currency);
    p.calc_code = std::move(code);
    p.group = std::move(group);
    p.manual = manual;
    if (minor_amount == 0) p.discount_reason = request.zero_amount_discount_reason;
    if (k == SplitKind::copayment) p.dta_kind = std::move(dta_kind);
    return p;
  };

  for (SplitKind k : kOrder) {
    if (!kind_allowed(out.status, request.insurance_type, k)) continue;

    // Groups of lines computed together: key (group, code) → line indices.
    struct Group {
      std::string display;
      const CalculationCode* code = nullptr;
      bool grouped = false;  // more than a line of its own
      std::vector<std::size_t> lines;
    };
    std::vector<Group> groups;
    std::map<std::pair<std::string, std::string>, std::size_t> index;

    for (std::size_t i = 0; i < n; ++i) {
      const auto& l = request.lines[i];
      if (l.no_billing_split) continue;
      const auto& manual = manual_of(l.manual, k);
      const std::string& code_text =
          l.contract_codes.of(k).empty() ? l.lookup_codes.of(k) : l.contract_codes.of(k);
      if (manual) {
        const int128 amount = std::min(to_minor(manual->amount(), minor), remaining[i]);
        remaining[i] -= amount;
        out.lines[i].parts.push_back(make_part(k, amount, code_text, "", true, "02"));
        continue;
      }
      if (code_text.empty()) continue;
      const CalculationCode* code = find_code(code_text);
      if (code == nullptr)
        return fail(DiagCode::BrlCalcCode,
                    "line " + std::to_string(l.line_ref) + ": calculation code '" + code_text +
                        "' is not in the code table",
                    line_where(i));
      if (code->kind != k)
        return fail(DiagCode::BrlCalcCode,
                    "line " + std::to_string(l.line_ref) + ": calculation code '" + code_text +
                        "' is a " + std::string(to_text(code->kind)) + " code, used as " +
                        std::string(to_text(k)),
                    line_where(i));
      std::string key = code->method == CalcMethod::per_need ? l.need_group : group_key(group_of(l, k));
      if (key.empty()) {
        groups.push_back(Group{"", code, false, {i}});
        continue;
      }
      auto [it, inserted] = index.emplace(std::make_pair(key, code_text), groups.size());
      if (inserted) groups.push_back(Group{key, code, true, {}});
      groups[it->second].lines.push_back(i);
    }

    for (auto& g : groups) {
      // Main articles first, so that the listing reads device, then accessories.
      if (g.code->method != CalcMethod::per_need)
        std::stable_sort(g.lines.begin(), g.lines.end(), [&](std::size_t a, std::size_t b) {
          return group_rank(group_of(request.lines[a], k)) < group_rank(group_of(request.lines[b], k));
        });
      std::vector<int128> bases;
      int128 base_minor = 0;
      for (std::size_t i : g.lines) {
        bases.push_back(remaining[i]);
        base_minor += remaining[i];
      }
      const Decimal base = from_minor(base_minor, minor);
      const CalculationCode& c = *g.code;
      const int aids = g.grouped ? 1 : request.lines[g.lines.front()].aids;
      Decimal total;
      std::string dta_kind;
      switch (c.method) {
        case CalcMethod::per_aid: {
          const Decimal raw_per_aid =
              Decimal::checked_div(base * c.percent, Decimal::from_int(100 * aids), minor).value();
          Decimal per_aid = raw_per_aid;
          if (c.minimum) per_aid = max_dec(per_aid, *c.minimum);
          if (c.maximum) per_aid = min_dec(per_aid, *c.maximum);
          total = min_dec(per_aid * Decimal::from_int(aids), base).rounded(minor);
          dta_kind = (per_aid == raw_per_aid && total == raw_per_aid * Decimal::from_int(aids)) ? "01" : "02";
          break;
        }
        case CalcMethod::per_need: {
          const Decimal raw = Decimal::checked_percent(base, c.percent, minor).value();
          total = raw;
          dta_kind = "03";
          if (c.maximum) {
            Decimal cap = *c.maximum * Decimal::from_int(request.need_months);
            for (const auto& prior : request.prior_charges)
              if (g.grouped && prior.need_group == g.display) cap = cap - prior.amount.amount();
            if (cap.is_negative()) cap = Decimal();
            if (cap < total) {
              total = cap;
              dta_kind = "04";
            }
          }
          total = min_dec(total, base).rounded(minor);
          break;
        }
        case CalcMethod::fixed_amount:
          total = min_dec(c.fixed_amount * Decimal::from_int(aids), base).rounded(minor);
          dta_kind = "02";
          break;
        case CalcMethod::zero:
          total = Decimal();
          dta_kind = "";
          break;
      }
      if (total.is_negative()) total = Decimal();  // a negative percent or amount in the table
      const std::vector<int128> shares = spread(to_minor(total, minor), bases);
      for (std::size_t j = 0; j < g.lines.size(); ++j) {
        const std::size_t i = g.lines[j];
        remaining[i] -= shares[j];
        out.lines[i].parts.push_back(make_part(k, shares[j], c.code, g.display, false, dta_kind));
      }
    }
  }

  for (std::size_t i = 0; i < n; ++i) {
    auto& r = out.lines[i];
    r.insurer = Money(from_minor(remaining[i], minor), currency);
    r.patient = r.gross - r.insurer;
    out.gross_total = out.gross_total + r.gross;
    out.insurer_total = out.insurer_total + r.insurer;
    out.patient_total = out.patient_total + r.patient;
  }
  out.invoice_patient = request.invoice_patient && !out.patient_total.amount().is_zero();
  return out;
}

std::string_view to_text(SplitKind k) {
  switch (k) {
    case SplitKind::copayment: return "copayment";
    case SplitKind::own_share: return "own_share";
    case SplitKind::surcharge: return "surcharge";
  }
  return "copayment";
}

std::string_view to_text(CalcMethod m) {
  switch (m) {
    case CalcMethod::per_aid: return "per_aid";
    case CalcMethod::per_need: return "per_need";
    case CalcMethod::fixed_amount: return "fixed_amount";
    case CalcMethod::zero: return "zero";
  }
  return "per_aid";
}

std::string_view to_text(CopaymentStatus s) {
  switch (s) {
    case CopaymentStatus::liable: return "liable";
    case CopaymentStatus::exempt: return "exempt";
    case CopaymentStatus::under_18: return "under_18";
    case CopaymentStatus::insurance_type: return "insurance_type";
  }
  return "liable";
}

}  // namespace cb::rx::billing
