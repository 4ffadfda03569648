#pragma once
// Helpers shared by the scenario actions of the supply side
// (scenario_rx_actions.cc) and the billing side (scenario_billing_actions.cc).

#include <functional>
#include <string>
#include <vector>

#include "core/diag/diagnostic.h"
#include "core/rx/workspace.h"
#include "pipeline/app/scenario_runner.h"

namespace cb::app::scenario_support {

/// "[a, b, c]" for expected/actual lists.
std::string join(const std::vector<std::string>& xs);

/// A case named in a step: an alias given by create-case ("as"), a number
/// "VG000001" or just "1".
std::string case_of(ScenarioRun& run, const rx::Workspace& ws, const std::string& text);

/// Runs a mutating engine step in one store transaction. With `expect_error`
/// the step must fail with that code; otherwise a failure is a step failure.
void mutate(ScenarioRun& run, StepArgs& a, const std::string& expect_error, const std::string& what,
            const std::function<Result<void>(rx::Workspace&)>& fn);

/// Reads the workspace for an expectation; false (and a step failure) when
/// the store fails.
bool read(ScenarioRun& run, StepArgs& a, rx::Workspace& ws);

}  // namespace cb::app::scenario_support
