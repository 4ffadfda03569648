#pragma once
// Lets GoogleTest print a Date as "2026-01-31" instead of its bytes.

#include <ostream>

#include "core/value/date.h"

namespace cb {

inline void PrintTo(const Date& d, std::ostream* os) {
  *os << d.to_string();
}

}  // namespace cb
