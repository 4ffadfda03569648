#pragma once
// Billing split (`Abrechnungsaufteilung`, rx-billing.md §7, dta302.md §10):
// the statutory co-payment (`gesetzliche Zuzahlung`, ZZ), the statutory own
// share (`Eigenanteil`, EA) and the economic surcharge (`wirtschaftliche
// Aufzahlung`, WAZ) that the patient pays, and the insurer's remaining share.
// Pure functions over plain value structs; billing-model maps its billing lines
// and schedules onto them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diag/diagnostic.h"
#include "core/value/date.h"
#include "core/value/date_formula.h"
#include "core/value/decimal.h"
#include "core/value/money.h"

namespace cb::rx::billing {

/// The kind of a split part (`Aufteilungsart`).
enum class SplitKind : std::uint8_t {
  copayment,  // gesetzliche Zuzahlung (ZZ)
  own_share,  // gesetzlicher Eigenanteil (EA)
  surcharge,  // wirtschaftliche Aufzahlung (WAZ, Mehrkosten)
};

/// Insurance type of the case period (extra field `VS-ART`, `Versicherungsart`).
enum class InsuranceType : std::uint8_t {
  statutory,          // blank or "1": gesetzlich versichert
  trade_association,  // Berufsgenossenschaft: no co-payment, no own share
  accident_fund,      // Unfallkasse: no co-payment, no own share
  private_insurance,  // private Krankenversicherung: no billing split at all
};

/// The `VS-ART` text of a case period: "" and "1" statutory, "2"/"BG" trade
/// association, "3"/"UK" accident fund, "4"/"PKV"/"PRIVAT" private
/// (case-insensitive). Unknown text: nullopt (the caller reports it).
std::optional<InsuranceType> insurance_type_from_vs_art(std::string_view text);

/// How a calculation code (`Berechnungscode`) computes its part.
enum class CalcMethod : std::uint8_t {
  /// Per aid: percent of the base, at least `minimum`, at most `maximum` per
  /// aid, never more than the base (statutory aid: 10 %, 5..10 EUR).
  per_aid,
  /// Per need: percent of the summed base of all lines of one need group
  /// (monthly need per indication), at most `maximum` per month of need, no
  /// minimum (statutory consumables: 10 %, at most 10 EUR per month).
  per_need,
  /// A fixed amount per aid (e.g. own share of orthopaedic shoes), never more
  /// than the base.
  fixed_amount,
  /// "No co-payment" (`Keine ZZ`): the split part exists with amount 0 so it
  /// can be set manually later (unlike "no billing split", which has no part).
  zero,
};

/// One calculation code (`Berechnungscode`) of the calculation lookup
/// (`Berechnungssteuerung`). Amounts are in the lines' currency.
struct CalculationCode {
  std::string code;
  SplitKind kind = SplitKind::copayment;
  CalcMethod method = CalcMethod::per_aid;
  Decimal percent;                 // per_aid, per_need: e.g. 10
  std::optional<Decimal> minimum;  // per_aid: e.g. 5 (per aid)
  std::optional<Decimal> maximum;  // per_aid: per aid; per_need: per month of need
  Decimal fixed_amount;            // fixed_amount: per aid

  /// "ZZ-HM": statutory co-payment for an aid, 10 %, min 5, max 10 (§33 Abs. 8, §61 SGB V).
  static CalculationCode statutory_aid();
  /// "ZZ-VB": statutory co-payment for consumables, 10 %, max 10 per month of need.
  static CalculationCode statutory_consumable();
  /// "KEINE-ZZ": no co-payment, kept as a zero part.
  static CalculationCode no_copayment();
  friend bool operator==(const CalculationCode&, const CalculationCode&) = default;
};

/// Calculation codes per split kind; blank = none.
struct SplitCodes {
  std::string copayment;
  std::string own_share;
  std::string surcharge;
  const std::string& of(SplitKind k) const;
  friend bool operator==(const SplitCodes&, const SplitCodes&) = default;
};

/// Manually set split amounts (`Bearbeiten – Abrechnungsplan Aufteilung`);
/// a set amount replaces the calculated one for that line and kind (capped by
/// what is left of the line).
struct ManualSplit {
  std::optional<Money> copayment;
  std::optional<Money> own_share;
  std::optional<Money> surcharge;
  friend bool operator==(const ManualSplit&, const ManualSplit&) = default;
};

/// One line to split: a billing schedule (or its invoice line) of one patient
/// and billing period.
struct SplitLineInput {
  int line_ref = 0;         // the caller's key (billing line / schedule), echoed back
  Money gross = Money::zero(Currency::eur());  // the line's gross amount (after discount, incl. VAT), rounded to cents, >= 0
  int aids = 1;             // number of aids on the line (per_aid / fixed_amount), >= 1
  bool no_billing_split = false;  // contract line `Keine Abrechnungsaufteilung`: no parts at all
  /// Groups per kind (`Gruppe gesetzl. Zuzahlung` etc.): lines whose group
  /// codes differ only in the H/Z letter ("GH1" main device, "GZ1" its
  /// accessories) are one aid. Blank = the line is its own aid.
  std::string copayment_group;
  std::string own_share_group;
  std::string surcharge_group;
  /// per_need: the need group (indication, e.g. HMV product group "29"). Lines
  /// of one need group share the monthly cap. Blank = the line alone.
  std::string need_group;
  SplitCodes contract_codes;  // calculation codes on the contract line: override the lookup
  SplitCodes lookup_codes;    // what the calculation lookup found
  ManualSplit manual;
  friend bool operator==(const SplitLineInput&, const SplitLineInput&) = default;
};

/// A co-payment exemption (`Zuzahlungsbefreiung`, §62 SGB V) with its validity.
struct Exemption {
  std::optional<Date> valid_from;  // none = open start
  std::optional<Date> valid_to;    // none = open end
  bool covers(const Date& d) const;
  friend bool operator==(const Exemption&, const Exemption&) = default;
};

/// A co-payment already charged for a need group in the same billing period.
struct PriorCharge {
  std::string need_group;
  Money amount = Money::zero(Currency::eur());
  friend bool operator==(const PriorCharge&, const PriorCharge&) = default;
};

/// The patient-side context and all lines of one split (one patient, one
/// billing period: the monthly need).
struct SplitRequest {
  Date service_date = Date::from_days(0);  // decides age and exemption (service_date.h)
  InsuranceType insurance_type = InsuranceType::statutory;
  std::optional<Date> birth_date;          // none: treated as adult
  std::vector<Exemption> exemptions;
  /// False for an empty flat rate outside the billing-split delivery formula
  /// (see copayment_invoiced_to_patient): the parts are still deducted from
  /// the insurer's amount, but no patient invoice is produced.
  bool invoice_patient = true;
  int need_months = 1;                     // months of need the billing period covers (per_need cap)
  /// per_need: co-payments already charged for the same monthly need on
  /// earlier invoices (e.g. a second delivery of the month invoiced
  /// separately), keyed by need group; they use up the cap.
  std::vector<PriorCharge> prior_charges;
  std::string zero_amount_discount_reason; // setup `Abrechnungsaufteilung 0 Rabattgrundcode`
  std::vector<CalculationCode> codes;      // the code table the line codes refer to
  std::vector<SplitLineInput> lines;
};

/// Why the statutory co-payment applies or not; `dta_flag` maps it to the
/// §302 Zuzahlungskennzeichen.
enum class CopaymentStatus : std::uint8_t {
  liable,          // 3 pflichtig
  exempt,          // 1 befreit (exemption valid on the service date)
  under_18,        // 0 (age on the service date below 18)
  insurance_type,  // 0 (trade association, accident fund, private)
};
/// §302 Zuzahlungskennzeichen: '3' liable, '1' exempt, '0' otherwise.
char dta_flag(CopaymentStatus s);

/// One split part of a line.
struct SplitPart {
  SplitKind kind = SplitKind::copayment;
  Money amount = Money::zero(Currency::eur());  // exact cents, 0 <= amount <= line gross
  std::string calc_code;        // the code used (blank for a manual amount without code)
  std::string group;            // the group key the part was computed over ("G1"), or blank
  std::string discount_reason;  // the zero-amount discount reason when amount is 0
  bool manual = false;          // from ManualSplit
  /// Copayment parts: §302 Zuzahlungsart "01" 10 %, "02" bounded by 5/10 EUR
  /// or the cost, "03" 10 % over the consumption period, "04" the maximum for
  /// the consumption period; blank for other kinds.
  std::string dta_kind;
  friend bool operator==(const SplitPart&, const SplitPart&) = default;
};

/// The split of one line: insurer + Σ parts = gross, exactly.
struct SplitLineResult {
  int line_ref = 0;
  Money gross = Money::zero(Currency::eur());
  Money insurer = Money::zero(Currency::eur());  // deducted: gross - patient
  Money patient = Money::zero(Currency::eur());  // Σ parts
  std::vector<SplitPart> parts;                  // in kind order: surcharge, own share, copayment
  Money part(SplitKind k) const;                 // Σ parts of that kind (0 if none)
  friend bool operator==(const SplitLineResult&, const SplitLineResult&) = default;
};

/// The split of a request.
struct SplitResult {
  CopaymentStatus status = CopaymentStatus::liable;
  bool invoice_patient = true;  // produce the patient's invoice (and it has an amount)
  std::vector<SplitLineResult> lines;  // in request order
  Money gross_total = Money::zero(Currency::eur());
  Money insurer_total = Money::zero(Currency::eur());
  Money patient_total = Money::zero(Currency::eur());
  Money total(SplitKind k) const;
  friend bool operator==(const SplitResult&, const SplitResult&) = default;
};

/// True when the patient is at least 18 on `on` (the 18th birthday counts;
/// born 29 February: 28 February of the year they turn 18).
bool is_adult(const Date& birth_date, const Date& on);

/// Computes the split. Per line and kind the code is the contract line's,
/// else the lookup's; no code = no part of that kind. Order: surcharge and own
/// share on the gross, then the co-payment on what the insurer still bears.
/// Private insurance: no parts; trade association / accident fund: no
/// co-payment and no own share; exempt / under 18: no co-payment. Parts of a
/// group (or need group) are computed once over the group's summed base and
/// spread over its lines in proportion to their bases (largest remainder, to
/// the cent). Failures: BRL001 (input not valid: a negative gross or one with
/// more places than the currency's minor units, aids < 1, mixed currencies, a
/// bad manual amount or prior charge, need_months < 1), BRL002 (unknown
/// calculation code or a code of another kind).
Result<SplitResult> compute_billing_split(const SplitRequest& request);

/// The billing-split delivery formula for empty flat rates
/// (`Abrechnungsauft. Liefern. Datumsformel`, rx-billing.md §6): the patient
/// is invoiced the split parts of a flat-rate billing period only if the last
/// delivery lies on or after formula(billing period start) (and not after the
/// period's end); otherwise the parts are only deducted from the insurer.
/// Without a formula the patient is always invoiced; with one but without any
/// delivery, never. `0M` or `-LM` = only in the delivery month.
bool copayment_invoiced_to_patient(const std::optional<Date>& last_delivery,
                                   const Date& billing_period_start,
                                   const Date& billing_period_end,
                                   const std::optional<DateFormula>& split_delivery_formula);

std::string_view to_text(SplitKind k);
std::string_view to_text(CalcMethod m);
std::string_view to_text(CopaymentStatus s);

}  // namespace cb::rx::billing
