#include "core/rx/contract.h"

#include <algorithm>

namespace cb::rx {

bool PostalCodeRange::contains(std::string_view postal_code) const {
  const std::string_view hi = to.empty() ? std::string_view(from) : std::string_view(to);
  if (postal_code.size() != from.size() || postal_code.size() != hi.size()) return false;
  return postal_code >= std::string_view(from) && postal_code <= hi;
}

bool ContractLine::in_period(std::string_view period_code) const {
  return periods.empty() || std::ranges::find(periods, period_code) != periods.end();
}

bool ContractVersion::valid_on(const Date& d) const {
  if (valid_from && d < *valid_from) return false;
  if (valid_to && d > *valid_to) return false;
  return true;
}

const ContractPeriod* ContractVersion::find_period(std::string_view code) const {
  for (const auto& p : periods) {
    if (p.code == code) return &p;
  }
  return nullptr;
}

const ContractLine* ContractVersion::find_line(int line_no) const {
  for (const auto& l : lines) {
    if (l.line_no == line_no) return &l;
  }
  return nullptr;
}

bool Contract::valid_on(const Date& d) const {
  if (valid_from && d < *valid_from) return false;
  if (valid_to && d > *valid_to) return false;
  return true;
}

const ContractVersion* Contract::find_version(int version_no) const {
  for (const auto& v : versions) {
    if (v.version_no == version_no) return &v;
  }
  return nullptr;
}

}  // namespace cb::rx
