#include "core/rx/plan_setup.h"

namespace cb::rx {

PlanSetup PlanSetup::defaults() {
  PlanSetup s;
  s.horizon = DateFormula::parse("13M").value();
  s.display_window = DateFormula::parse("3M").value();
  return s;
}

}  // namespace cb::rx
