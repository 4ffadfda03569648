#pragma once
// Runs the carebridge binary under test (CAREBRIDGE_BIN) with arguments, as a
// user would type them, and returns its exit code and its combined output.

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace cb::testing {

struct Run {
  int code = -1;
  std::string out;  // stdout and stderr together
};

inline Run run(const std::string& args) {
  const std::string cmd = std::string(CAREBRIDGE_BIN) + " " + args + " 2>&1";
  Run r;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  const int status = ::pclose(pipe);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace cb::testing
