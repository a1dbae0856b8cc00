// Delivers an alert to a program the monitor configured: argv is executed directly (no shell, so
// nothing in an alert can become a command), the alert JSON (alert_json.h) arrives on its stdin.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "base/status.h"

namespace kuzet::alert {

class CommandHook {
 public:
  // argv[0] is looked up in PATH when it has no '/'. The program runs in its own process group
  // with Kuzet's environment minus the variables named in `hidden_env` (pass the SMTP
  // password_env here: a hook script has no business seeing the mail password), stdout
  // discarded, stderr captured.
  CommandHook(std::vector<std::string> argv, std::chrono::seconds timeout,
              std::vector<std::string> hidden_env = {});

  // Runs the program once with `json` on stdin (then EOF) and waits for it.
  //   OK               it exited with status 0.
  //   kUnavailable     it exited non-zero, was killed by a signal, or ran longer than the timeout
  //                    (then its whole process group is killed with SIGKILL). The message names
  //                    argv[0], the exit status and the first line of its stderr. Retry later.
  //   kInvalidArgument argv is empty or the program cannot be started (not found, not
  //                    executable).
  // A program may exit without reading stdin; that is not an error in itself.
  // Thread-safe; blocks the calling thread for at most about the timeout.
  Status Send(const std::string& json) const;

 private:
  std::vector<std::string> argv_;
  std::chrono::seconds timeout_;
  std::vector<std::string> hidden_env_;
};

}  // namespace kuzet::alert
