#pragma once
// The CLI commands that need configuration, logging or the store.

#include <iosfwd>
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

int import_files(const GlobalOptions& global, const std::vector<std::string>& files,
                 const std::string& format, const std::string& tenant, std::ostream& out,
                 std::ostream& err);
int demo(const GlobalOptions& global, bool fresh, const std::string& fixtures, std::ostream& out,
         std::ostream& err);
int config_check(const std::string& file, std::ostream& out, std::ostream& err);
int config_schema(std::ostream& out);

}  // namespace cb::cli
