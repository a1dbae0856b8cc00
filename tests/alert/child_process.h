// Test helper: programs the alert tests start (the SMTP sink, the mail parser, python3 probes).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace kuzet::alert::testing {

struct RunResult {
  int exit_code = -1;  // -1: could not start or killed
  std::string out;     // stdout
};

// Runs argv (no shell) to completion with empty stdin and returns its stdout; stderr is passed
// through to the test's stderr so failures are visible, unless `quiet` (for probes).
RunResult Run(const std::vector<std::string>& argv, bool quiet = false);

// A python3 that can import `module` ("email", "aiosmtpd"), or "" if none: the one on PATH
// first, then Debian's /usr/bin/python3 (where python3-aiosmtpd installs).
std::string FindPython(const std::string& module);

// A long-running child with pipes to its stdin and from its stdout. Closing stdin (destructor)
// asks it to exit; it is then killed if still running.
class ChildProcess {
 public:
  explicit ChildProcess(const std::vector<std::string>& argv);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool started() const { return pid_ > 0; }
  // The next line of stdout without its newline, or nullopt on EOF or timeout.
  std::optional<std::string> ReadLine(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  int stdin_fd_ = -1, stdout_fd_ = -1;
  std::string buffered_;
};

// A fresh empty directory under $TMPDIR (or /tmp), removed with its content on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string ReadFile(const std::string& path);

}  // namespace kuzet::alert::testing
