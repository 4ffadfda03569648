#pragma once
// Master data documents: parties (patients, insurers, price-finding debtors,
// prescribers) and items. The first documents of the canonical model; the
// domain-core issues extend them (resources, contracts, cases...).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/value/date.h"
#include "core/value/identifiers.h"

namespace cb {

/// A partner role held by a party itself (`eigene Partnerrolle`), e.g. `VS-GK`
/// statutory insured, `KK-KV` an insurer's cost-estimate office, `ARZT`.
using PartnerRole = std::string;

/// A role that points at another party (`zugeordnete Partnerrolle`): a patient's
/// `KK-KV` is their insurer, `PF-DE` their price-finding debtor (e.g. `§DAK`).
struct AssignedRole {
  PartnerRole role;
  std::string party_id;
  std::optional<Date> valid_from;
  std::optional<Date> valid_to;
  friend bool operator==(const AssignedRole&, const AssignedRole&) = default;
};

struct Address {
  std::string street;
  std::string postal_code;
  std::string city;
  std::string country = "DE";  // ISO 3166-1 alpha-2
  friend bool operator==(const Address&, const Address&) = default;
};

/// A debtor or contact (`Debitor`/`Kontakt`).
struct Party {
  std::string id;    // debtor number, e.g. "D10001" or "§DAK"
  std::string name;  // a patient's name is personal data: never log it in clear text
  std::vector<PartnerRole> own_roles;
  std::vector<AssignedRole> assigned_roles;
  std::optional<Date> birth_date;
  std::optional<Address> address;
  std::optional<Kvnr> insurance_number;  // Versichertennummer of a statutory patient
  std::optional<Ik> ik;                  // Institutionskennzeichen of an insurer or provider
  /// "Vertrags-PLZ ignorieren": contract postal-code areas do not restrict this patient.
  bool ignore_contract_postal_codes = false;
  std::map<std::string, std::string> extra_fields;  // e.g. HEIM=Ja, VS-ART=1

  bool has_role(std::string_view role) const;
  friend bool operator==(const Party&, const Party&) = default;
};

/// An item (`Artikel`).
struct Item {
  std::string number;
  std::string variant;
  std::string description;
  std::string unit;  // base unit of measure, e.g. "ST", "BTL", "ML"
  std::optional<Hilfsmittelnummer> aid_number;
  std::optional<Pzn> pzn;
  std::optional<Iso9999Code> iso9999;
  std::string vat_product_group;  // key into the vat_product_group mapping table
  bool serial_tracking = false;
  std::map<std::string, std::string> extra_fields;  // e.g. KABA=1500 (kcal per base unit)
  friend bool operator==(const Item&, const Item&) = default;
};

}  // namespace cb
