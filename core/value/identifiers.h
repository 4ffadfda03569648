#pragma once
// Validated identifiers with check digits: German IK, PZN, KVNR and
// Hilfsmittelpositionsnummer, the Swedish organisation number, the Danish CVR
// number, GS1 GLN and ISO 9999 assistive-product codes.
//
// Every type is built only through parse(), so holding one means the value was
// checked. parse() never trims: leading or trailing blanks are characters that
// are not allowed (IDN002); callers trim where their format allows padding.
// A rejection is a Diagnostic with
//   IDN001  wrong length (number of digits),
//   IDN002  a character that is not allowed,
//   IDN003  check digit does not match (message: expected vs found),
//   IDN004  structure not valid (a part outside its range, a separator in the
//           wrong place, a personal identity number where an organisation
//           number is required),
// and Location::column set to the 1-based position of the offending character
// in the text given to parse(), where there is one (0 otherwise). The message
// names the kind and says what to fix.
//
// Patient identifiers (KVNR) are never echoed in full in a message: diagnostics
// end up in logs. Kvnr::masked() shows the first and last character only.
// Swedish personal identity numbers rejected as organisation numbers are not
// echoed either. No I/O anywhere.

#include <array>
#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diag/diagnostic.h"

namespace cb {

/// The identifier kinds `carebridge check-id KIND VALUE` knows.
enum class IdKind { ik, pzn, kvnr, hmv, se_orgnr, dk_cvr, gln, iso9999 };

/// Every kind, in declaration order.
inline constexpr std::array<IdKind, 8> kAllIdKinds = {IdKind::ik,  IdKind::pzn,      IdKind::kvnr,
                                                      IdKind::hmv, IdKind::se_orgnr, IdKind::dk_cvr,
                                                      IdKind::gln, IdKind::iso9999};

/// "ik", "pzn", "kvnr", "hmv", "se-orgnr", "dk-cvr", "gln", "iso9999" (exact,
/// lower case); anything else is IDN005.
Result<IdKind> id_kind_from_name(std::string_view name);
/// The name id_kind_from_name() accepts, e.g. "se-orgnr".
std::string_view id_kind_name(IdKind kind);
/// A title for people, e.g. "Institutionskennzeichen (IK)".
std::string_view id_kind_title(IdKind kind);

/// Institution identifier (Institutionskennzeichen, IK; § 293 SGB V): 9 digits.
/// Digits 1–2 classification (kind of institution), 3–4 region (Regionalbereich),
/// 5–8 serial number, 9 check digit = (Σ cross sums of digits 3–8 × 2,1,2,1,2,1)
/// mod 10. Digits 1–2 are not covered by the check digit. An unknown class is
/// not an error.
class Ik {
 public:
  static Result<Ik> parse(std::string_view text);
  const std::string& str() const { return v_; }
  std::string_view class_code() const { return std::string_view(v_).substr(0, 2); }
  std::string_view region() const { return std::string_view(v_).substr(2, 2); }
  std::string_view serial() const { return std::string_view(v_).substr(4, 4); }
  int check_digit() const { return v_[8] - '0'; }
  friend auto operator<=>(const Ik&, const Ik&) = default;

 private:
  std::string v_;
};

/// Pharmacy product number (Pharmazentralnummer, PZN): 8 digits, check digit =
/// (Σ digit_i × i, i = 1..7) mod 11 = digit 8; a remainder of 10 means no such
/// PZN can exist (IDN003). "PZN-04773414" and "PZN 04773414" (the prefix as
/// printed on packs, upper case) are accepted; str() is the 8 digits. An old
/// 7-digit PZN is IDN001 with a hint: prefix it with 0 (its check digit stays).
class Pzn {
 public:
  static Result<Pzn> parse(std::string_view text);
  const std::string& str() const { return v_; }
  int check_digit() const { return v_[7] - '0'; }
  friend auto operator<=>(const Pzn&, const Pzn&) = default;

 private:
  std::string v_;
};

/// Health insurance number (Krankenversichertennummer, KVNR), the unchangeable
/// part of the eGK number: an upper-case letter A–Z, 8 digits, 1 check digit.
/// Check: the letter becomes its position (A = 01 … Z = 26), followed by the 8
/// digits gives 10 digits; multiply alternately by 1, 2, …; the sum of the cross
/// sums of the products mod 10 is the check digit. A lower-case letter is
/// rejected (IDN002), not upper-cased: a KVNR is copied exactly as printed on
/// the card, and str() must equal what was given.
class Kvnr {
 public:
  static Result<Kvnr> parse(std::string_view text);
  /// The full number. A patient identifier: log masked() instead.
  const std::string& str() const { return v_; }
  /// First letter and last digit only, e.g. "A********0".
  std::string masked() const;
  char letter() const { return v_[0]; }
  int check_digit() const { return v_[9] - '0'; }
  friend auto operator<=>(const Kvnr&, const Kvnr&) = default;

 private:
  std::string v_;
};

/// Hilfsmittel position number of the GKV Hilfsmittelverzeichnis (HMV),
/// 10 digits: product group (Produktgruppe, 2), application site (Anwendungsort,
/// 2), subgroup (Untergruppe, 2), product type (Produktart, 1), single product
/// (Einzelprodukt, 3); the first 7 digits are the product-type number
/// ("13.20.12.2"). Accepted forms: "1320122345" and "13.20.12.2345" (dots after
/// the group, the site and the subgroup; all three dots or none). str() is the
/// 10 plain digits. There is no check digit; the product group must be 01–38,
/// 50–54 (Pflegehilfsmittel, care aids) or 98/99 (special and pseudo groups),
/// otherwise IDN004.
class Hilfsmittelnummer {
 public:
  static Result<Hilfsmittelnummer> parse(std::string_view text);
  const std::string& str() const { return v_; }
  std::string_view product_group() const { return std::string_view(v_).substr(0, 2); }
  std::string_view application_site() const { return std::string_view(v_).substr(2, 2); }
  std::string_view subgroup() const { return std::string_view(v_).substr(4, 2); }
  std::string_view product_type() const { return std::string_view(v_).substr(6, 1); }
  std::string_view product() const { return std::string_view(v_).substr(7, 3); }
  /// The product-type number: digits 1–7.
  std::string_view seven_digit() const { return std::string_view(v_).substr(0, 7); }
  /// The product group: digits 1–2.
  std::string_view two_digit() const { return product_group(); }
  /// "13.20.12.2345".
  std::string dotted() const;
  friend auto operator<=>(const Hilfsmittelnummer&, const Hilfsmittelnummer&) = default;

 private:
  std::string v_;
};

/// Swedish organisation number (organisationsnummer, Peppol scheme 0007):
/// 10 digits with a Luhn check digit, written "5560360793" or "556036-0793",
/// optionally with the century prefix "16" ("165560360793", "16556036-0793").
/// The third digit is at least 2; otherwise it is a personal identity number
/// (personnummer), which is never accepted as an organisation number (IDN004).
/// str() is the 10 digits.
class SwedishOrgNumber {
 public:
  static Result<SwedishOrgNumber> parse(std::string_view text);
  const std::string& str() const { return v_; }
  /// "NNNNNN-NNNN".
  std::string formatted() const;
  friend auto operator<=>(const SwedishOrgNumber&, const SwedishOrgNumber&) = default;

 private:
  std::string v_;
};

/// Danish business register number (CVR-nummer, Peppol scheme 0184): 8 digits,
/// the first not 0, Σ digit × (2,7,6,5,4,3,2,1) ≡ 0 mod 11.
class DanishCvr {
 public:
  static Result<DanishCvr> parse(std::string_view text);
  const std::string& str() const { return v_; }
  friend auto operator<=>(const DanishCvr&, const DanishCvr&) = default;

 private:
  std::string v_;
};

/// GS1 Global Location Number (GLN, Peppol scheme 0088): 13 digits, the last a
/// GS1 mod-10 check digit (weights 3, 1, 3, … from the right, excluding it).
class Gln {
 public:
  static Result<Gln> parse(std::string_view text);
  const std::string& str() const { return v_; }
  int check_digit() const { return v_[12] - '0'; }
  friend auto operator<=>(const Gln&, const Gln&) = default;

 private:
  std::string v_;
};

/// ISO 9999 assistive-product code: class (2 digits), optional subclass (2),
/// optional division (2). Written "04 27 09", "04.27.09", "042709", "04 27",
/// "04"; one kind of separator per code. str() is the blank-separated form
/// ("04 27 09"). The class list is not checked (editions differ).
class Iso9999Code {
 public:
  static Result<Iso9999Code> parse(std::string_view text);
  const std::string& str() const { return v_; }
  std::string_view class_code() const { return std::string_view(v_).substr(0, 2); }
  std::optional<std::string_view> subclass() const;
  std::optional<std::string_view> division() const;
  /// 1 (class), 2 (subclass) or 3 (division).
  int level() const { return static_cast<int>((v_.size() + 1) / 3); }
  friend auto operator<=>(const Iso9999Code&, const Iso9999Code&) = default;

 private:
  std::string v_;
};

/// What `carebridge check-id KIND VALUE` reports.
struct IdCheck {
  bool valid = false;
  std::string normalized;          // str() of the parsed value when valid
  std::vector<std::string> facts;  // one line each, e.g. "serial 7551"
  std::optional<Diagnostic> problem;
};

/// Parses value as kind; on success fills normalized and facts (never empty),
/// otherwise problem.
IdCheck check_id(IdKind kind, std::string_view value);

}  // namespace cb
