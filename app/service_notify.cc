#include "app/service_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdlib>
#include <cstring>

#include <spdlog/spdlog.h>

namespace kuzet::app {
namespace {

bool ParseUnsigned(std::string_view digits, unsigned long long& out) {
  if (digits.empty()) return false;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
  return error == std::errc() && end == digits.data() + digits.size();
}

}  // namespace

std::chrono::microseconds WatchdogTimeout(const char* watchdog_usec, const char* watchdog_pid,
                                          pid_t self) {
  unsigned long long usec = 0;
  if (watchdog_usec == nullptr || !ParseUnsigned(watchdog_usec, usec) || usec == 0) return {};
  if (watchdog_pid != nullptr) {
    unsigned long long pid = 0;
    if (!ParseUnsigned(watchdog_pid, pid) || pid != static_cast<unsigned long long>(self)) {
      return {};
    }
  }
  return std::chrono::microseconds(usec);
}

ServiceNotifier ServiceNotifier::FromEnvironment() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  ServiceNotifier notifier(
      socket != nullptr ? socket : "",
      WatchdogTimeout(std::getenv("WATCHDOG_USEC"), std::getenv("WATCHDOG_PID"), getpid()));
  unsetenv("NOTIFY_SOCKET");
  unsetenv("WATCHDOG_USEC");
  unsetenv("WATCHDOG_PID");
  return notifier;
}

ServiceNotifier::ServiceNotifier(std::string socket_path,
                                 std::chrono::microseconds watchdog_timeout)
    : socket_path_(std::move(socket_path)), watchdog_timeout_(watchdog_timeout) {
  if (socket_path_.empty()) watchdog_timeout_ = {};
}

Status ServiceNotifier::Reloading() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  unsigned long long usec = static_cast<unsigned long long>(now.tv_sec) * 1000000ULL +
                            static_cast<unsigned long long>(now.tv_nsec) / 1000ULL;
  return Notify("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

Status ServiceNotifier::SetStatus(std::string_view text) {
  // One line: a newline would start another KEY=VALUE assignment.
  std::string line(text.substr(0, 200));
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return Notify("STATUS=" + line);
}

std::optional<std::chrono::milliseconds> ServiceNotifier::watchdog_period() const {
  if (watchdog_timeout_.count() == 0) return std::nullopt;
  // Half the timeout, as sd_watchdog_enabled(3) recommends; at least 1 ms.
  return std::max(std::chrono::milliseconds(1),
                  std::chrono::duration_cast<std::chrono::milliseconds>(watchdog_timeout_ / 2));
}

Status ServiceNotifier::FeedWatchdog() {
  auto period = watchdog_period();
  if (!period) return Status::Ok();
  auto now = std::chrono::steady_clock::now();
  // Pinging at a quarter of the timeout while callers wake at least every half keeps the longest
  // gap at three quarters of it, whatever the phase of their wake-ups.
  if (last_ping_ != std::chrono::steady_clock::time_point{} && now - last_ping_ < *period / 2) {
    return Status::Ok();
  }
  last_ping_ = now;
  return Notify("WATCHDOG=1");
}

Status ServiceNotifier::Notify(std::string_view state) {
  if (!enabled()) return Status::Ok();
  // systemd.exec(5): an absolute path, or '@' for the abstract namespace.
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if ((socket_path_[0] != '/' && socket_path_[0] != '@') ||
      socket_path_.size() >= sizeof(address.sun_path)) {
    Status error = Status::InvalidArgument("NOTIFY_SOCKET: not a usable socket path: " +
                                           socket_path_.substr(0, 120));
    spdlog::warn("{}", error.message());
    return error;
  }
  std::memcpy(address.sun_path, socket_path_.data(), socket_path_.size());
  if (address.sun_path[0] == '@') address.sun_path[0] = '\0';
  socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_path_.size());

  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    Status error = Status::IOError(std::string("sd_notify: socket: ") + std::strerror(errno));
    spdlog::warn("{}", error.message());
    return error;
  }
  ssize_t sent = sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                        reinterpret_cast<const sockaddr*>(&address), length);
  int saved_errno = errno;
  close(fd);
  if (sent != static_cast<ssize_t>(state.size())) {
    Status error = Status::IOError("sd_notify: sending to " + socket_path_ + ": " +
                                   (sent < 0 ? std::strerror(saved_errno) : "short write"));
    spdlog::warn("{}", error.message());
    return error;
  }
  return Status::Ok();
}

}  // namespace kuzet::app
