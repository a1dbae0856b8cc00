// Runs commands from tests as a user would type them, and the `kuzet` binary under test.
#pragma once

#include <string>

namespace kuzet::testing {

struct CommandResult {
  int exit_code = -1;  // -1 when the command could not run or did not exit normally
  std::string out;     // standard output; "2>&1" in the command captures stderr too
};

// Runs a shell command line to completion.
CommandResult RunShell(const std::string& command_line);

// Runs `kuzet ARGS` (the binary built beside the tests) to completion.
CommandResult RunKuzet(const std::string& args);

}  // namespace kuzet::testing
