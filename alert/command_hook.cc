#include "alert/command_hook.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

#include "alert/untrusted_text.h"

namespace kuzet::alert {
namespace {

constexpr size_t kMaxStderrBytes = 4096;
constexpr int kPollMs = 20;

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Close(); }
  int get() const { return fd_; }
  bool open() const { return fd_ >= 0; }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int* out() { return &fd_; }

 private:
  int fd_ = -1;
};

std::string Errno(int err) { return std::strerror(err); }

std::string FirstLine(std::string_view text) {
  const size_t nl = text.find_first_of("\r\n");
  return HeaderSafeText(text.substr(0, nl), 300);
}

// Owns the spawn attributes so every exit path destroys them.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
};

// Writing to a program that has exited raises SIGPIPE, which by default ends this whole process.
// SIGPIPE for a pipe write goes to the writing thread, so blocking it in this thread only (not
// changing the process-wide disposition) and discarding what arrived is enough; write() then
// fails with EPIPE.
class SigPipeBlocked {
 public:
  SigPipeBlocked() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigPipeBlocked() {
    if (!sigismember(&old_, SIGPIPE)) {
      const timespec zero{};
      while (sigtimedwait(&pipe_, nullptr, &zero) > 0) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t pipe_, old_;
};

}  // namespace

CommandHook::CommandHook(std::vector<std::string> argv, std::chrono::seconds timeout,
                         std::vector<std::string> hidden_env)
    : argv_(std::move(argv)), timeout_(timeout), hidden_env_(std::move(hidden_env)) {}

Status CommandHook::Send(const std::string& json) const {
  if (argv_.empty() || argv_[0].empty()) return Status::InvalidArgument("hook: empty command");
  const std::string name = "hook " + HeaderSafeText(argv_[0], 200);

  int stdin_pipe[2];
  if (pipe2(stdin_pipe, O_CLOEXEC) != 0) return Status::IOError(name + ": pipe: " + Errno(errno));
  Fd child_in(stdin_pipe[0]), to_child(stdin_pipe[1]);
  int stderr_pipe[2];
  if (pipe2(stderr_pipe, O_CLOEXEC) != 0) return Status::IOError(name + ": pipe: " + Errno(errno));
  Fd from_child(stderr_pipe[0]), child_err(stderr_pipe[1]);

  SpawnSetup setup;
  posix_spawn_file_actions_adddup2(&setup.actions, child_in.get(), STDIN_FILENO);
  posix_spawn_file_actions_addopen(&setup.actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&setup.actions, child_err.get(), STDERR_FILENO);
  posix_spawn_file_actions_addclosefrom_np(&setup.actions, STDERR_FILENO + 1);
  // Own process group (so a timeout kills the program's children too), default signal handling
  // and an empty signal mask whatever this process has set up.
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setflags(&setup.attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  posix_spawnattr_setpgroup(&setup.attr, 0);
  posix_spawnattr_setsigdefault(&setup.attr, &all);
  posix_spawnattr_setsigmask(&setup.attr, &none);

  std::vector<char*> args;
  for (const std::string& a : argv_) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<char*> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string_view entry(*e);
    const std::string_view var = entry.substr(0, entry.find('='));
    if (std::find(hidden_env_.begin(), hidden_env_.end(), var) == hidden_env_.end()) {
      env.push_back(*e);
    }
  }
  env.push_back(nullptr);
  pid_t pid = -1;
  if (int err = posix_spawnp(&pid, args[0], &setup.actions, &setup.attr, args.data(), env.data());
      err != 0) {
    return Status::InvalidArgument(name + ": cannot start: " + Errno(err));
  }
  child_in.Close();
  child_err.Close();
  fcntl(to_child.get(), F_SETFL, O_NONBLOCK);
  fcntl(from_child.get(), F_SETFL, O_NONBLOCK);

  const SigPipeBlocked no_sigpipe;
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  size_t written = 0;
  std::string err_text;
  int wait_status = 0;
  bool exited = false;
  if (json.empty()) to_child.Close();
  while (true) {
    if (!exited) {
      const pid_t r = waitpid(pid, &wait_status, WNOHANG);
      exited = r == pid;
    }
    // Done once the program has exited and its stderr is drained (or held open by a child of it).
    if (exited && !from_child.open()) break;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      if (!exited) {
        kill(-pid, SIGKILL);
        waitpid(pid, &wait_status, 0);
        return Status::Unavailable(name + ": did not finish within " +
                                   std::to_string(timeout_.count()) + " s; killed");
      }
      break;
    }
    pollfd fds[2];
    nfds_t n = 0;
    if (to_child.open()) fds[n++] = {to_child.get(), POLLOUT, 0};
    if (from_child.open()) fds[n++] = {from_child.get(), POLLIN, 0};
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1;
    poll(fds, n, static_cast<int>(std::min<int64_t>(left, kPollMs)));
    if (to_child.open()) {
      const ssize_t w = write(to_child.get(), json.data() + written, json.size() - written);
      if (w > 0) written += static_cast<size_t>(w);
      if (written == json.size() || (w < 0 && errno != EAGAIN && errno != EINTR)) {
        to_child.Close();  // EOF for the program, or it stopped reading (EPIPE)
      }
    }
    if (from_child.open()) {
      char buf[4096];
      ssize_t r;
      while ((r = read(from_child.get(), buf, sizeof buf)) > 0) {
        if (err_text.size() < kMaxStderrBytes) err_text.append(buf, static_cast<size_t>(r));
      }
      if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR) || exited) from_child.Close();
    }
  }
  if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0) {
    spdlog::debug("{}: delivered {} bytes", name, json.size());
    return Status::Ok();
  }
  std::string msg = name;
  if (WIFEXITED(wait_status)) {
    msg += ": exited with status " + std::to_string(WEXITSTATUS(wait_status));
  } else if (WIFSIGNALED(wait_status)) {
    msg += ": killed by signal " + std::to_string(WTERMSIG(wait_status));
  }
  if (const std::string line = FirstLine(err_text); !line.empty()) msg += ": " + line;
  return Status::Unavailable(msg);
}

}  // namespace kuzet::alert
