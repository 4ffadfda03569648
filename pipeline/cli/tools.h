#pragma once
// The user tools of the CLI that need no store: date formulas, identifier
// checks, adapter listing, validate and convert. Each returns the exit code
// (0 ok, 1 invalid input, 2 usage or configuration error) and writes to the
// given streams so tests can run them in process.

#include <iosfwd>
#include <string>

namespace cb::cli {

enum ExitCode : int { kOk = 0, kInvalidInput = 1, kUsage = 2 };

int formula(const std::string& date, const std::string& formula, bool explain, std::ostream& out,
            std::ostream& err);
int check_id(const std::string& kind, const std::string& value, std::ostream& out, std::ostream& err);
int list_adapters(std::ostream& out);
int validate(const std::string& format, const std::string& file, std::ostream& out,
             std::ostream& err);
int convert(const std::string& from, const std::string& to, const std::string& input,
            const std::string& output, std::ostream& out, std::ostream& err);

/// Reads a whole file; false when it cannot be read.
bool read_file(const std::string& path, std::string& out);
/// Writes a file atomically: a temporary file in the same folder, fsync, rename.
bool write_file_atomic(const std::string& path, const std::string& bytes, std::string& error);

}  // namespace cb::cli
