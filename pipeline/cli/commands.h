#pragma once
// The CLI commands that need configuration, logging or the store.

#include <iosfwd>
#include <optional>

#include "core/value/date.h"
#include "pipeline/config/config.h"
#include <string>
#include <vector>

namespace cb::cli {

/// Options every command accepts; they override the configuration file.
struct GlobalOptions {
  std::string config_file;
  std::string workdir;
  std::string working_date;
  std::string log_level;
  std::string log_format;
};

/// Loads the configuration file (or `default_config`; none: defaults), applies
/// the command-line overrides, creates the working directory and sets up
/// logging. Returns the exit code on failure.
std::optional<int> load_configuration(const GlobalOptions& g, const std::string& default_config,
                                      config::Config& loaded, Date& working_date,
                                      std::ostream& err);

int import_files(const GlobalOptions& global, const std::vector<std::string>& files,
                 const std::string& format, const std::string& tenant, std::ostream& out,
                 std::ostream& err);
int demo(const GlobalOptions& global, bool fresh, const std::string& fixtures, std::ostream& out,
         std::ostream& err);
int config_check(const std::string& file, std::ostream& out, std::ostream& err);
int config_schema(std::ostream& out);

}  // namespace cb::cli

// --- rx (issue 3): views, scenarios, jobs -------------------------------------
namespace cb::cli {

/// `carebridge show case N`: the case view (periods, requirements with traffic
/// light, lines). 1 when the case does not exist.
int show_case(const GlobalOptions& global, const std::string& case_no, const std::string& tenant,
              std::ostream& out, std::ostream& err);
/// `carebridge show plan PATIENT`: the patient's delivery plan with schedules.
int show_plan(const GlobalOptions& global, const std::string& patient, const std::string& tenant,
              std::ostream& out, std::ostream& err);
/// `carebridge show invoice NUMBER`: a readable invoice or credit note. 1 when unknown.
int show_invoice(const GlobalOptions& global, const std::string& invoice_no,
                 const std::string& tenant, std::ostream& out, std::ostream& err);
/// `carebridge scenario run FILE…`: 0 when every scenario passes, 1 when any
/// expectation fails or a file is malformed (reported with file and line).
int scenario_run(const std::vector<std::string>& files, bool verbose, std::ostream& out,
                 std::ostream& err);
}  // namespace cb::cli
