#include "core/model/master_data.h"

#include <algorithm>

namespace cb {

bool Party::has_role(std::string_view role) const {
  return std::ranges::any_of(own_roles, [role](const PartnerRole& r) { return r == role; });
}

}  // namespace cb
