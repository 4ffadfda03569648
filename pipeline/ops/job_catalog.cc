#include "pipeline/ops/job_catalog.h"

#include <vector>

#include "pipeline/app/rx_jobs.h"
#include "pipeline/config/config.h"
#include "pipeline/ops/builtin_jobs.h"

namespace cb::ops {

void register_all_jobs(JobRegistry& jobs, const config::Config& config) {
  register_builtin_jobs(jobs, config);
  // The domain jobs of the delivery plan (pipeline/app/rx_jobs.h). A run
  // without a tenant covers every configured tenant; each tenant's run is its
  // own transaction. Without configured tenants the store has the one the CLI
  // uses, "default".
  std::vector<std::string> tenants;
  for (const auto& t : config.tenants) tenants.push_back(t.id);
  if (tenants.empty()) tenants.push_back("default");
  for (const auto& job : app::rx_jobs()) {
    auto* run = job.run;
    jobs.add_simple(
        std::string(job.name), std::string(job.description),
        [run, tenants](store::Database& db, const std::string& tenant,
                       Date working_date) -> Result<app::RxJobResult> {
          const std::vector<std::string> scope =
              tenant.empty() ? tenants : std::vector<std::string>{tenant};
          app::RxJobResult total;
          for (const auto& t : scope) {
            auto r = run(db, t, working_date, {}, app::kJobChunkPatients);
            if (!r) return r;
            for (const auto& [k, v] : r->counts) total.counts[k] += v;
            if (!r->log.empty()) total.log += (scope.size() > 1 ? "[" + t + "] " : "") + r->log;
          }
          return total;
        },
        /*atomic=*/false);
  }
}

}  // namespace cb::ops
