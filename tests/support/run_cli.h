// Runs the ecglens command line as a user runs it, for the tests that check
// its exit codes and messages. ECGLENS_CLI (the binary's path) is defined by
// the test's CMake target.
#pragma once
#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace ecglens::test {

struct CliResult {
  int code;            // exit status, -1 when the process did not exit normally
  std::string output;  // stdout and stderr together
};

// `ecglens ARGS`; ARGS is passed through the shell as written.
inline CliResult run_cli(const std::string& args) {
  const std::string command = std::string(ECGLENS_CLI) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return {-1, "popen failed"};
  std::string out;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace ecglens::test
