#pragma once
// The jobs carebridge ships in pipeline/ops:
//   noop      does nothing, counts {"runs": 1}; for tests and smoke checks
//   selftest  checks the store (integrity_check, quick) and reports page
//             counts; fails when the filter is "fail" (to test failure paths)
//   retention applies the `[[retention]]` rules (retention.h); the filter may
//             name one route
// Domain jobs (plan-update, call-off, …) are registered next to these by the
// daemon / CLI set-up (see JobRegistry::add_simple).

#include "pipeline/ops/job_registry.h"

namespace cb::config {
struct Config;
}

namespace cb::ops {

/// Registers noop, selftest and retention. The config is copied (retention
/// rules, workdir for archive folders).
void register_builtin_jobs(JobRegistry& jobs, const config::Config& config);

}  // namespace cb::ops
