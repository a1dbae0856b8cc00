// Runs commands from tests as a user would type them, and the `kuzet` binary under test.
#pragma once

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

namespace kuzet::testing {

struct CommandResult {
  int exit_code = -1;  // -1 when the command could not run or did not exit normally
  std::string out;     // standard output; "2>&1" in the command captures stderr too
};

// Runs a shell command line to completion.
CommandResult RunShell(const std::string& command_line);

// Runs `kuzet ARGS` (the binary built beside the tests) to completion.
CommandResult RunKuzet(const std::string& args);

// Starts `kuzet run --config CONFIG` as a child process: its stderr appended to `log`, its stdout
// to /dev/null (so it never holds the test runner's pipe), `env` (name, value) set in it.
// Returns its pid, -1 if it could not be forked; the caller waits for it.
pid_t StartKuzetRun(const std::string& config, const std::string& log,
                    const std::vector<std::pair<std::string, std::string>>& env = {});

// A loopback port that was free a moment ago, for a config that needs a fixed one; 0 if none.
int FreePort();

// A whole file, "" if it cannot be read (e.g. a daemon's log).
std::string ReadFile(const std::string& path);

}  // namespace kuzet::testing
