// The rx (supply side) scenario actions: cases, releases, requirement
// statuses, deliveries, jobs and the expectations on plans and orders.

#include "pipeline/app/scenario_runner.h"

namespace cb::app {

void add_rx_scenario_actions(std::map<std::string, StepHandler, std::less<>>&) {}

}  // namespace cb::app
