#include "pipeline/app/scenario_action_support.h"

#include "pipeline/app/rx_repository.h"
#include "pipeline/app/rx_views.h"

namespace cb::app::scenario_support {

std::string join(const std::vector<std::string>& xs) {
  std::string out = "[";
  for (std::size_t i = 0; i < xs.size(); ++i) out += (i ? ", " : "") + xs[i];
  return out + "]";
}

std::string case_of(ScenarioRun& run, const rx::Workspace& ws, const std::string& text) {
  if (auto it = run.names().find("case:" + text); it != run.names().end()) return it->second;
  return resolve_case_number(ws, text);
}

void mutate(ScenarioRun& run, StepArgs& a, const std::string& expect_error, const std::string& what,
            const std::function<Result<void>(rx::Workspace&)>& fn) {
  auto ok = with_rx_workspace(run.db(), run.tenant(), run.now(), fn);
  if (!expect_error.empty()) {
    run.expect(a, what + " refused with", expect_error,
               ok ? std::string("(succeeded)") : std::string(code_id(ok.error().code)));
    return;
  }
  if (!ok) run.step_failed(a, ok.error());
}

bool read(ScenarioRun& run, StepArgs& a, rx::Workspace& ws) {
  auto ok = load_rx_workspace(run.db(), run.tenant(), ws);
  if (!ok) run.step_failed(a, ok.error());
  return static_cast<bool>(ok);
}

}  // namespace cb::app::scenario_support
