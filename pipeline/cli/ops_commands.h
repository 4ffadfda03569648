#pragma once
// The CLI commands of the scheduler: `carebridge run JOB` runs one job for a
// working date (idempotently: a run that succeeded is not repeated; a failed
// one runs again), `carebridge jobs list` shows recorded runs and
// `carebridge jobs available` the registered jobs and [[jobs]] entries.

#include <iosfwd>
#include <string>

#include "pipeline/cli/commands.h"

namespace cb::cli {

struct RunJobArgs {
  std::string job;     // a registered job, or the name of a [[jobs]] entry
  std::string date;    // working date; default: --working-date, the config's, or today (local time)
  std::string tenant;  // default: the entry's, else all tenants
  std::string filter;  // default: the entry's, else none
  bool tenant_set = false;
  bool filter_set = false;
};

/// Exit codes: 0 succeeded (now or earlier), 1 the job failed, 2 usage,
/// configuration or store problems (unknown job, bad date).
int run_job(const GlobalOptions& global, const RunJobArgs& args, std::ostream& out,
            std::ostream& err);

struct JobsListArgs {
  std::string job;
  std::string tenant;
  std::string state;
  int limit = 20;
  bool log = false;  // print each run's log too
};

int jobs_list(const GlobalOptions& global, const JobsListArgs& args, std::ostream& out,
              std::ostream& err);

/// Registered jobs and the configured [[jobs]] entries with their next fire.
int jobs_available(const GlobalOptions& global, std::ostream& out, std::ostream& err);

}  // namespace cb::cli
