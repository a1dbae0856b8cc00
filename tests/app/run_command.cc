#include "tests/app/run_command.h"

#include <sys/wait.h>

#include <cstdio>

namespace kuzet::testing {

CommandResult RunShell(const std::string& command_line) {
  CommandResult result;
  FILE* pipe = popen(command_line.c_str(), "r");
  if (pipe == nullptr) return result;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) result.out.append(buf, n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

CommandResult RunKuzet(const std::string& args) {
  return RunShell(std::string(KUZET_BINARY) + " " + args);
}

}  // namespace kuzet::testing
