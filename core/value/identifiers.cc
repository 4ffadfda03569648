#include "core/value/identifiers.h"

#include <cstddef>
#include <cstdint>
#include <utility>

namespace cb {
namespace {

constexpr std::size_t kNpos = std::string_view::npos;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
int digit(char c) {
  return c - '0';
}
char to_char(int d) {
  return static_cast<char>('0' + d);
}
/// Cross sum of a number below 100.
int cross_sum(int n) {
  return n / 10 + n % 10;
}

/// A character as it can be shown in a message: printable ASCII in quotes,
/// anything else as a byte value, so messages stay valid text.
std::string show(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (c == ' ') return "a blank";
  if (u > 0x20 && u < 0x7f) return std::string("'") + c + "'";
  constexpr std::string_view kHex = "0123456789ABCDEF";
  std::string out = "byte 0x";
  out += kHex[u >> 4];
  out += kHex[u & 0xF];
  return out;
}

/// A location pointing at the character with 0-based index i.
Location at(std::size_t i) {
  Location where;
  where.column = static_cast<std::uint32_t>(i + 1);
  return where;
}

std::string num(std::size_t n) {
  return std::to_string(n);
}

std::size_t first_non_digit(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!is_digit(s[i])) return i;
  }
  return kNpos;
}

/// IDN002 for the character at index i of a digits-only identifier.
cb::Unexpected<Diagnostic> bad_char(std::string_view label, std::string_view text, std::size_t i,
                                     std::string_view allowed) {
  return fail(DiagCode::IdCharacters,
              std::string(label) + ": character " + num(i + 1) + " is " + show(text[i]) + "; " +
                  std::string(allowed),
              at(i));
}

/// IDN001 for an identifier with n digits where `want` describes the length.
cb::Unexpected<Diagnostic> bad_length(std::string_view label, std::size_t n,
                                       std::string_view want) {
  std::string msg(label);
  msg += n == 0 ? ": empty" : ": " + num(n) + (n == 1 ? " digit" : " digits") + " given";
  msg += "; ";
  msg += want;
  return fail(DiagCode::IdLength, std::move(msg));
}

/// IDN003 at index i: found digit vs expected digit.
cb::Unexpected<Diagnostic> bad_check(std::string_view label, std::size_t i, char found,
                                      int expected, std::string_view from) {
  return fail(DiagCode::IdCheckDigit,
              std::string(label) + ": check digit is " + found + " but " + std::string(from) +
                  " give " + to_char(expected) +
                  "; look for a typing error (a wrong or swapped digit)",
              at(i));
}

/// A plain run of exactly `len` digits, checked characters first, then length.
Result<std::string> plain_digits(std::string_view label, std::string_view text, std::size_t len,
                                 std::string_view allowed, std::string_view want) {
  if (auto i = first_non_digit(text); i != kNpos) return bad_char(label, text, i, allowed);
  if (text.size() != len) return bad_length(label, text.size(), want);
  return std::string(text);
}

// --- check digit rules (see identifiers.h) --------------------------------

int ik_check(std::string_view d) {
  int sum = 0;
  for (std::size_t i = 2; i < 8; ++i) {
    sum += cross_sum(digit(d[i]) * ((i % 2 == 0) ? 2 : 1));
  }
  return sum % 10;
}

int pzn_sum(std::string_view d) {
  int sum = 0;
  for (std::size_t i = 0; i < 7; ++i) sum += digit(d[i]) * static_cast<int>(i + 1);
  return sum;
}

int kvnr_check(std::string_view v) {
  const int pos = v[0] - 'A' + 1;
  int ds[10] = {pos / 10, pos % 10};
  for (std::size_t i = 1; i < 9; ++i) ds[i + 1] = digit(v[i]);
  int sum = 0;
  for (std::size_t i = 0; i < 10; ++i) sum += cross_sum(ds[i] * ((i % 2 == 0) ? 1 : 2));
  return sum % 10;
}

/// Luhn check digit for the first n-1 digits of d (n = d.size()).
int luhn_check(std::string_view d) {
  int sum = 0;
  const std::size_t body = d.size() - 1;
  for (std::size_t i = 0; i < body; ++i) {
    // The digit just left of the check digit is doubled.
    const bool doubled = (body - 1 - i) % 2 == 0;
    sum += doubled ? cross_sum(digit(d[i]) * 2) : digit(d[i]);
  }
  return (10 - sum % 10) % 10;
}

constexpr int kCvrWeights[8] = {2, 7, 6, 5, 4, 3, 2, 1};

int cvr_sum7(std::string_view d) {
  int sum = 0;
  for (std::size_t i = 0; i < 7; ++i) sum += digit(d[i]) * kCvrWeights[i];
  return sum;
}

int gs1_check(std::string_view d) {
  int sum = 0;
  const std::size_t body = d.size() - 1;
  for (std::size_t i = 0; i < body; ++i) {
    sum += digit(d[i]) * (((body - 1 - i) % 2 == 0) ? 3 : 1);
  }
  return (10 - sum % 10) % 10;
}

// --- facts ------------------------------------------------------------------

std::string_view ik_class_title(std::string_view cls) {
  // Only classes confirmed from the project's sources; others are not named.
  if (cls == "10")
    return "statutory health insurer (Krankenkasse, gesetzliche Krankenversicherung)";
  return {};
}

std::string_view se_group_title(char first) {
  switch (first) {
    case '2':
      return "state, regions, municipalities (stat, regioner, kommuner)";
    case '5':
      return "limited company (aktiebolag)";
    case '7':
      return "economic association (ekonomisk förening)";
    case '8':
      return "non-profit association or foundation (ideell förening, stiftelse)";
    case '9':
      return "trading or limited partnership (handelsbolag, kommanditbolag)";
    default:
      return {};
  }
}

std::string_view gs1_prefix_country(std::string_view d) {
  const int p = digit(d[0]) * 100 + digit(d[1]) * 10 + digit(d[2]);
  if (p >= 400 && p <= 440) return "Germany";
  if (p >= 730 && p <= 739) return "Sweden";
  if (p >= 570 && p <= 579) return "Denmark";
  return {};
}

std::string mask_kvnr_text(std::string_view text) {
  if (text.size() < 2) return std::string(text.size(), '*');
  std::string out(text.size(), '*');
  out.front() = text.front();
  out.back() = text.back();
  return out;
}

}  // namespace

// --- kinds ------------------------------------------------------------------

namespace {
struct KindInfo {
  IdKind kind;
  std::string_view name;
  std::string_view title;
};
constexpr KindInfo kKinds[] = {
    {IdKind::ik, "ik", "Institutionskennzeichen (IK)"},
    {IdKind::pzn, "pzn", "Pharmazentralnummer (PZN)"},
    {IdKind::kvnr, "kvnr", "Krankenversichertennummer (KVNR)"},
    {IdKind::hmv, "hmv", "Hilfsmittelpositionsnummer (HMV)"},
    {IdKind::se_orgnr, "se-orgnr", "Swedish organisation number (organisationsnummer)"},
    {IdKind::dk_cvr, "dk-cvr", "Danish CVR number (CVR-nummer)"},
    {IdKind::gln, "gln", "GS1 Global Location Number (GLN)"},
    {IdKind::iso9999, "iso9999", "ISO 9999 assistive product code"},
};
const KindInfo& info(IdKind k) {
  for (const auto& i : kKinds) {
    if (i.kind == k) return i;
  }
  return kKinds[0];
}
}  // namespace

Result<IdKind> id_kind_from_name(std::string_view name) {
  for (const auto& i : kKinds) {
    if (i.name == name) return i.kind;
  }
  std::string shown;
  for (char c : name.substr(0, 32)) shown += (c > 0x20 && c < 0x7f) ? std::string(1, c) : "?";
  std::string msg =
      "'" + shown + (name.size() > 32 ? "…" : "") + "' is not an identifier kind; use one of";
  for (const auto& i : kKinds) {
    msg += ' ';
    msg += i.name;
  }
  return fail(DiagCode::IdKindUnknown, std::move(msg));
}

std::string_view id_kind_name(IdKind kind) {
  return info(kind).name;
}
std::string_view id_kind_title(IdKind kind) {
  return info(kind).title;
}

// --- IK -----------------------------------------------------------------------

Result<Ik> Ik::parse(std::string_view text) {
  constexpr std::string_view kLabel = "IK";
  auto d = plain_digits(kLabel, text, 9, "an IK consists of 9 digits only",
                        "an IK has exactly 9 digits (class 2, region 2, serial 4, check digit 1)");
  if (!d) return cb::Unexpected(std::move(d.error()));
  const int expected = ik_check(*d);
  if (digit((*d)[8]) != expected) return bad_check(kLabel, 8, (*d)[8], expected, "digits 3–8");
  Ik ik;
  ik.v_ = std::move(*d);
  return ik;
}

// --- PZN ----------------------------------------------------------------------

Result<Pzn> Pzn::parse(std::string_view text) {
  constexpr std::string_view kLabel = "PZN";
  std::size_t off = 0;
  if (text.starts_with("PZN-") || text.starts_with("PZN ")) off = 4;
  const std::string_view body = text.substr(off);
  if (auto i = first_non_digit(body); i != kNpos) {
    return bad_char(kLabel, text, i + off,
                    "a PZN consists of 8 digits, optionally after \"PZN-\" or \"PZN \"");
  }
  if (body.size() != 8) {
    auto e = bad_length(kLabel, body.size(), "a PZN has exactly 8 digits");
    if (body.size() == 7) {
      e.error().hint = "an old 7-digit PZN becomes a PZN-8 by a leading 0 (\"0" +
                       std::string(body) + "\"); its check digit stays valid";
    }
    return e;
  }
  const int rem = pzn_sum(body) % 11;
  if (rem == 10) {
    return fail(DiagCode::IdCheckDigit,
                "PZN: digits 1–7 give the remainder 10, so no PZN with these digits can exist "
                "(check digit found: " +
                    std::string(1, body[7]) + "); look for a typing error in digits 1–7",
                at(off + 7));
  }
  if (digit(body[7]) != rem) return bad_check(kLabel, off + 7, body[7], rem, "digits 1–7");
  Pzn p;
  p.v_ = std::string(body);
  return p;
}

// --- KVNR ---------------------------------------------------------------------

Result<Kvnr> Kvnr::parse(std::string_view text) {
  // Never echo the value: a KVNR identifies a patient.
  if (!text.empty()) {
    const char c = text[0];
    if (c >= 'a' && c <= 'z') {
      return fail(DiagCode::IdCharacters,
                  "KVNR: the letter (character 1) is lower case; write it in upper case "
                  "as printed on the health card",
                  at(0));
    }
    if (!(c >= 'A' && c <= 'Z')) {
      return fail(DiagCode::IdCharacters,
                  "KVNR: character 1 is " + (is_digit(c) ? std::string("a digit") : show(c)) +
                      "; a KVNR starts with an upper-case letter A–Z",
                  at(0));
    }
    for (std::size_t i = 1; i < text.size(); ++i) {
      if (!is_digit(text[i])) {
        const char b = text[i];
        const bool letter = (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z');
        return fail(DiagCode::IdCharacters,
                    "KVNR: character " + num(i + 1) + " is " +
                        (letter ? std::string("a letter") : show(b)) +
                        "; after its letter a KVNR has 9 digits only",
                    at(i));
      }
    }
  }
  if (text.size() != 10) {
    return fail(
        DiagCode::IdLength,
        "KVNR: " + (text.empty() ? std::string("empty") : num(text.size()) + " characters given") +
            "; a KVNR has exactly 10 characters (a letter, 8 digits, a check digit)");
  }
  const int expected = kvnr_check(text);
  if (digit(text[9]) != expected) {
    return fail(DiagCode::IdCheckDigit,
                "KVNR " + mask_kvnr_text(text) + ": check digit is " + text[9] +
                    " but the letter and digits 2–9 give " + to_char(expected) +
                    "; look for a typing error (a wrong or swapped character)",
                at(9));
  }
  Kvnr k;
  k.v_ = std::string(text);
  return k;
}

std::string Kvnr::masked() const {
  return mask_kvnr_text(v_);
}

// --- Hilfsmittelnummer --------------------------------------------------------

Result<Hilfsmittelnummer> Hilfsmittelnummer::parse(std::string_view text) {
  constexpr std::string_view kLabel = "HMV position number";
  std::string d;
  std::size_t dots = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (is_digit(c)) {
      d += c;
    } else if (c == '.') {
      const std::size_t n = d.size();
      const bool place = (n == 2 && dots == 0) || (n == 4 && dots == 1) || (n == 6 && dots == 2);
      if (!place) {
        return fail(DiagCode::IdStructure,
                    std::string(kLabel) + ": the dot at character " + num(i + 1) +
                        " is misplaced; write \"PG.AO.UG.PEEE\" (e.g. 13.20.12.2345) "
                        "or 10 digits without dots",
                    at(i));
      }
      ++dots;
    } else {
      return bad_char(kLabel, text, i,
                      "an HMV position number has 10 digits, optionally written "
                      "\"13.20.12.2345\"");
    }
  }
  if (d.size() != 10) {
    return bad_length(kLabel, d.size(),
                      "an HMV position number has exactly 10 digits (product group 2, "
                      "application site 2, subgroup 2, product type 1, product 3)");
  }
  if (dots != 0 && dots != 3) {
    return fail(DiagCode::IdStructure,
                std::string(kLabel) +
                    ": write all three dots (\"13.20.12.2345\") or none (\"1320122345\")");
  }
  const int pg = digit(d[0]) * 10 + digit(d[1]);
  const bool known = (pg >= 1 && pg <= 38) || (pg >= 50 && pg <= 54) || pg == 98 || pg == 99;
  if (!known) {
    return fail(DiagCode::IdStructure,
                std::string(kLabel) + ": product group " + d.substr(0, 2) +
                    " does not exist; product groups are 01–38, 50–54 (Pflegehilfsmittel) "
                    "and 98/99",
                at(0));
  }
  Hilfsmittelnummer h;
  h.v_ = std::move(d);
  return h;
}

std::string Hilfsmittelnummer::dotted() const {
  return v_.substr(0, 2) + '.' + v_.substr(2, 2) + '.' + v_.substr(4, 2) + '.' + v_.substr(6);
}

// --- Swedish organisation number ---------------------------------------------

Result<SwedishOrgNumber> SwedishOrgNumber::parse(std::string_view text) {
  constexpr std::string_view kLabel = "Swedish organisation number";
  std::string d;
  std::vector<std::size_t> cols;  // index in text of each digit
  std::size_t hyphen = kNpos;     // index in text
  std::size_t before_hyphen = 0;  // digits before it
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (is_digit(c)) {
      d += c;
      cols.push_back(i);
    } else if (c == '-' && hyphen == kNpos) {
      hyphen = i;
      before_hyphen = d.size();
    } else if (c == '-') {
      return fail(DiagCode::IdStructure,
                  std::string(kLabel) + ": second '-' at character " + num(i + 1) +
                      "; write \"NNNNNN-NNNN\" or 10 digits",
                  at(i));
    } else if (c == '+') {
      return fail(DiagCode::IdCharacters,
                  std::string(kLabel) + ": character " + num(i + 1) +
                      " is '+', which only personal identity numbers use; an organisation "
                      "number is written \"NNNNNN-NNNN\"",
                  at(i));
    } else {
      return bad_char(kLabel, text, i,
                      "an organisation number has 10 digits, written \"NNNNNN-NNNN\" or "
                      "\"NNNNNNNNNN\"");
    }
  }
  if (d.size() != 10 && d.size() != 12) {
    return bad_length(kLabel, d.size(),
                      "an organisation number has 10 digits (or 12 with the century prefix 16)");
  }
  if (hyphen != kNpos && before_hyphen != d.size() - 4) {
    return fail(DiagCode::IdStructure,
                std::string(kLabel) + ": the '-' at character " + num(hyphen + 1) +
                    " must stand before the last 4 digits (\"NNNNNN-NNNN\")",
                at(hyphen));
  }
  std::size_t off = 0;
  if (d.size() == 12) {
    if (d[0] != '1' || d[1] != '6') {
      return fail(DiagCode::IdStructure,
                  std::string(kLabel) +
                      ": a 12-digit form must start with the prefix 16; a 12-digit number with "
                      "a century (19, 20) is a personal identity number, not an organisation "
                      "number",
                  at(cols[0]));
    }
    off = 2;
  }
  std::string body = d.substr(off);
  if (body[2] < '2') {
    return fail(DiagCode::IdStructure,
                std::string(kLabel) +
                    ": digit 3 is below 2, so this is a personal identity number "
                    "(personnummer), which must never be used as an organisation number; "
                    "use the organisation number of the legal entity",
                at(cols[off + 2]));
  }
  const int expected = luhn_check(body);
  if (digit(body[9]) != expected) {
    return bad_check(kLabel, cols[off + 9], body[9], expected, "the first 9 digits (Luhn)");
  }
  SwedishOrgNumber s;
  s.v_ = std::move(body);
  return s;
}

std::string SwedishOrgNumber::formatted() const {
  return v_.substr(0, 6) + '-' + v_.substr(6);
}

// --- Danish CVR -----------------------------------------------------------------

Result<DanishCvr> DanishCvr::parse(std::string_view text) {
  constexpr std::string_view kLabel = "CVR number";
  auto d = plain_digits(kLabel, text, 8, "a CVR number consists of 8 digits only",
                        "a CVR number has exactly 8 digits");
  if (!d) return cb::Unexpected(std::move(d.error()));
  if ((*d)[0] == '0') {
    return fail(DiagCode::IdStructure,
                std::string(kLabel) + ": starts with 0, which no CVR number does; check the number",
                at(0));
  }
  const int rem = cvr_sum7(*d) % 11;
  const int expected = (11 - rem) % 11;
  if (expected == 10) {
    return fail(DiagCode::IdCheckDigit,
                std::string(kLabel) +
                    ": no last digit makes digits 1–7 pass the modulus-11 check (found " + (*d)[7] +
                    "), so no CVR number with these digits can exist; look for a "
                    "typing error in digits 1–7",
                at(7));
  }
  if (digit((*d)[7]) != expected) return bad_check(kLabel, 7, (*d)[7], expected, "digits 1–7");
  DanishCvr c;
  c.v_ = std::move(*d);
  return c;
}

// --- GLN ----------------------------------------------------------------------

Result<Gln> Gln::parse(std::string_view text) {
  constexpr std::string_view kLabel = "GLN";
  auto d = plain_digits(kLabel, text, 13, "a GLN consists of 13 digits only",
                        "a GLN has exactly 13 digits");
  if (!d) return cb::Unexpected(std::move(d.error()));
  const int expected = gs1_check(*d);
  if (digit((*d)[12]) != expected) {
    return bad_check(kLabel, 12, (*d)[12], expected, "digits 1–12 (GS1 mod 10)");
  }
  Gln g;
  g.v_ = std::move(*d);
  return g;
}

// --- ISO 9999 -------------------------------------------------------------------

Result<Iso9999Code> Iso9999Code::parse(std::string_view text) {
  constexpr std::string_view kLabel = "ISO 9999 code";
  constexpr std::string_view kForms =
      "write \"04 27 09\", \"04.27.09\", \"042709\", \"04 27\" or \"04\"";
  std::vector<std::string> groups(1);
  std::vector<std::size_t> starts{0};
  char sep = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (is_digit(c)) {
      groups.back() += c;
      continue;
    }
    if (c != ' ' && c != '.') return bad_char(kLabel, text, i, std::string(kForms));
    if (sep != 0 && c != sep) {
      return fail(DiagCode::IdStructure,
                  std::string(kLabel) + ": character " + num(i + 1) +
                      " mixes separators; use blanks or dots, not both",
                  at(i));
    }
    sep = c;
    if (groups.back().size() != 2) {
      return fail(DiagCode::IdStructure,
                  std::string(kLabel) + ": the part starting at character " +
                      num(starts.back() + 1) + " has " + num(groups.back().size()) +
                      " digits; each part has 2 digits; " + std::string(kForms),
                  at(starts.back() < text.size() ? starts.back() : i));
    }
    groups.emplace_back();
    starts.push_back(i + 1);
  }
  std::string digits;
  if (sep == 0) {
    digits = groups[0];
    if (digits.size() != 2 && digits.size() != 4 && digits.size() != 6) {
      return bad_length(kLabel, digits.size(),
                        "an ISO 9999 code has 2, 4 or 6 digits (class, subclass, division)");
    }
  } else {
    if (groups.back().size() != 2) {
      const std::size_t s = starts.back();
      return fail(DiagCode::IdStructure,
                  std::string(kLabel) + ": the last part " +
                      (groups.back().empty() ? std::string("is empty")
                                             : "has " + num(groups.back().size()) + " digits") +
                      "; each part has 2 digits; " + std::string(kForms),
                  at(s < text.size() ? s : text.size() - 1));
    }
    if (groups.size() > 3) {
      return fail(DiagCode::IdLength,
                  std::string(kLabel) + ": " + num(groups.size()) +
                      " parts given; an ISO 9999 code has at most 3 (class, subclass, division)",
                  at(starts[3] - 1));
    }
    for (const auto& g : groups) digits += g;
  }
  Iso9999Code code;
  for (std::size_t i = 0; i < digits.size(); i += 2) {
    if (i > 0) code.v_ += ' ';
    code.v_ += digits.substr(i, 2);
  }
  return code;
}

std::optional<std::string_view> Iso9999Code::subclass() const {
  if (v_.size() < 5) return std::nullopt;
  return std::string_view(v_).substr(3, 2);
}

std::optional<std::string_view> Iso9999Code::division() const {
  if (v_.size() < 8) return std::nullopt;
  return std::string_view(v_).substr(6, 2);
}

// --- check_id -------------------------------------------------------------------

namespace {

std::string computed(int found, int expected) {
  return std::string(1, to_char(found)) + " (computed " + to_char(expected) + ")";
}

std::vector<std::string> facts_of(const Ik& v) {
  std::vector<std::string> f;
  std::string cls = "class " + std::string(v.class_code());
  if (auto t = ik_class_title(v.class_code()); !t.empty()) {
    cls += ": " + std::string(t);
  } else {
    cls += " (kind of institution; not named here)";
  }
  f.push_back(std::move(cls));
  f.push_back("region digits " + std::string(v.region()));
  f.push_back("serial " + std::string(v.serial()));
  f.push_back("check digit " + computed(v.check_digit(), ik_check(v.str())) +
              " from digits 3–8 (cross sums × 2,1,2,1,2,1 mod 10)");
  return f;
}

std::vector<std::string> facts_of(const Pzn& v) {
  const int sum = pzn_sum(v.str());
  return {"printed PZN-" + v.str(), "check digit " + computed(v.check_digit(), sum % 11) +
                                        ": Σ digit × position (1–7) = " + std::to_string(sum) +
                                        ", mod 11"};
}

std::vector<std::string> facts_of(const Kvnr& v) {
  const int pos = v.letter() - 'A' + 1;
  std::string two = std::string(1, to_char(pos / 10)) + to_char(pos % 10);
  return {"masked " + v.masked(), std::string("letter ") + v.letter() + " = " + two,
          "check digit " + computed(v.check_digit(), kvnr_check(v.str())) +
              ", from the letter as 2 digits and digits 2–9 (weights 1,2,…, cross sums, mod 10)"};
}

std::vector<std::string> facts_of(const Hilfsmittelnummer& v) {
  std::vector<std::string> f;
  std::string pg = "product group (Produktgruppe) " + std::string(v.product_group());
  const int n = digit(v.product_group()[0]) * 10 + digit(v.product_group()[1]);
  if (n >= 50 && n <= 54) pg += ": Pflegehilfsmittel (care aid)";
  if (n >= 98) pg += ": special or pseudo product group";
  f.push_back(std::move(pg));
  f.push_back("application site (Anwendungsort) " + std::string(v.application_site()));
  f.push_back("subgroup (Untergruppe) " + std::string(v.subgroup()));
  f.push_back("product type (Produktart) " + std::string(v.product_type()));
  f.push_back("product (Einzelprodukt) " + std::string(v.product()));
  f.push_back("dotted " + v.dotted() + ", product-type number " + v.dotted().substr(0, 10));
  f.push_back("no check digit: the HMV position number has none");
  return f;
}

std::vector<std::string> facts_of(const SwedishOrgNumber& v) {
  std::vector<std::string> f{"formatted " + v.formatted()};
  std::string g = "group digit " + std::string(1, v.str()[0]);
  if (auto t = se_group_title(v.str()[0]); !t.empty()) g += ": " + std::string(t);
  f.push_back(std::move(g));
  f.push_back("digit 3 is " + std::string(1, v.str()[2]) +
              " (≥ 2: a legal entity, not a personal identity number)");
  f.push_back("check digit " + computed(digit(v.str()[9]), luhn_check(v.str())) + ", Luhn");
  return f;
}

std::vector<std::string> facts_of(const DanishCvr& v) {
  int sum = cvr_sum7(v.str()) + digit(v.str()[7]);
  return {"weighted sum (2,7,6,5,4,3,2,1) = " + std::to_string(sum) + " = " +
          std::to_string(sum / 11) + " × 11"};
}

std::vector<std::string> facts_of(const Gln& v) {
  std::vector<std::string> f;
  std::string p = "GS1 prefix " + v.str().substr(0, 3);
  if (auto c = gs1_prefix_country(v.str()); !c.empty()) p += ": " + std::string(c);
  f.push_back(std::move(p));
  f.push_back("check digit " + computed(v.check_digit(), gs1_check(v.str())) +
              ", GS1 mod 10 (weights 3,1 from the right)");
  return f;
}

std::vector<std::string> facts_of(const Iso9999Code& v) {
  std::vector<std::string> f{"class " + std::string(v.class_code())};
  if (auto s = v.subclass()) f.push_back("subclass " + std::string(*s));
  if (auto d = v.division()) f.push_back("division " + std::string(*d));
  static constexpr std::string_view kLevels[] = {"class", "subclass", "division"};
  f.push_back("level " + std::to_string(v.level()) + " (" + std::string(kLevels[v.level() - 1]) +
              ")");
  return f;
}

template <class T>
IdCheck run(std::string_view value) {
  IdCheck out;
  auto r = T::parse(value);
  if (!r) {
    out.problem = std::move(r.error());
    return out;
  }
  out.valid = true;
  out.normalized = r->str();
  out.facts = facts_of(*r);
  return out;
}

}  // namespace

IdCheck check_id(IdKind kind, std::string_view value) {
  switch (kind) {
    case IdKind::ik:
      return run<Ik>(value);
    case IdKind::pzn:
      return run<Pzn>(value);
    case IdKind::kvnr:
      return run<Kvnr>(value);
    case IdKind::hmv:
      return run<Hilfsmittelnummer>(value);
    case IdKind::se_orgnr:
      return run<SwedishOrgNumber>(value);
    case IdKind::dk_cvr:
      return run<DanishCvr>(value);
    case IdKind::gln:
      return run<Gln>(value);
    case IdKind::iso9999:
      return run<Iso9999Code>(value);
  }
  IdCheck out;
  out.problem = Diagnostic::make(DiagCode::IdKindUnknown, "identifier kind out of range");
  return out;
}

}  // namespace cb
