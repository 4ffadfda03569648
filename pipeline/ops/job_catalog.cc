#include "pipeline/ops/job_catalog.h"

#include "pipeline/ops/builtin_jobs.h"

namespace cb::ops {

void register_all_jobs(JobRegistry& jobs, const config::Config& config) {
  register_builtin_jobs(jobs, config);
  // Domain jobs are registered here (see the header).
}

}  // namespace cb::ops
