#pragma once
// Small builders for the billing-rules tests (core/rx/billing_rules).

#include <string>

#include "core/tests/date_printer.h"
#include "core/value/date.h"
#include "core/value/date_formula.h"
#include "core/value/decimal.h"
#include "core/value/money.h"

namespace cb::rx::billing::test {

inline Date d(const std::string& iso) { return Date::parse(iso).value(); }
inline DateFormula f(const std::string& text) { return DateFormula::parse(text).value(); }
inline Decimal dec(const std::string& text) { return Decimal::parse(text).value(); }
inline Money eur(const std::string& text) { return Money(dec(text), Currency::eur()); }

}  // namespace cb::rx::billing::test
