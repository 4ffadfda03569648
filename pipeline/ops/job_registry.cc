#include "pipeline/ops/job_registry.h"

#include <stdexcept>

namespace cb::ops {

void JobRegistry::add(JobSpec spec) {
  if (spec.name.empty()) throw std::logic_error("job registry: a job needs a name");
  if (!spec.fn) throw std::logic_error("job registry: job '" + spec.name + "' has no function");
  if (jobs_.contains(spec.name)) {
    throw std::logic_error("job registry: job '" + spec.name + "' is registered twice");
  }
  std::string name = spec.name;
  jobs_.emplace(std::move(name), std::move(spec));
}

const JobSpec* JobRegistry::find(std::string_view name) const {
  auto it = jobs_.find(name);
  return it == jobs_.end() ? nullptr : &it->second;
}

std::vector<const JobSpec*> JobRegistry::list() const {
  std::vector<const JobSpec*> out;
  out.reserve(jobs_.size());
  for (const auto& [name, spec] : jobs_) out.push_back(&spec);
  return out;
}

}  // namespace cb::ops
