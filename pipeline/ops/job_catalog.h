#pragma once
// Every job this program knows, in one list, for the daemon (`serve`) and the
// CLI (`carebridge run`). The builtin ops jobs come from builtin_jobs.h; the
// domain jobs (plan-update, call-off, … from pipeline/app) are added in
// job_catalog.cc when their branches are merged:
//
//   jobs.add_simple("plan-update", "extend delivery schedules to the plan horizon",
//                   &app::run_plan_update);

#include "pipeline/ops/job_registry.h"

namespace cb::config {
struct Config;
}

namespace cb::ops {

/// Registers every job (builtin and domain) in `jobs`.
void register_all_jobs(JobRegistry& jobs, const config::Config& config);

}  // namespace cb::ops
