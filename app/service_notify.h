// Tells systemd how the daemon is doing: the sd_notify(3) protocol of a Type=notify service.
//
// systemd passes a datagram socket in $NOTIFY_SOCKET; the service sends newline-separated
// KEY=VALUE states to it: READY=1 once it serves, RELOADING=1 … READY=1 around a reload,
// STOPPING=1 when it begins to shut down, WATCHDOG=1 at least every $WATCHDOG_USEC (WatchdogSec=)
// or it is killed and restarted. The protocol is a stable interface (systemd's "Interface
// Portability and Stability Promise"); implementing its 40 lines here spares a build and runtime
// dependency on libsystemd and lets tests listen on their own socket.
//
// Not under systemd (no $NOTIFY_SOCKET) every call is a no-op that returns OK.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace kuzet::app {

class ServiceNotifier {
 public:
  // From $NOTIFY_SOCKET, $WATCHDOG_USEC and $WATCHDOG_PID, which it then unsets so that child
  // processes (alert hook commands) cannot speak for the daemon. Call before starting threads
  // (unsetenv is not thread-safe). A watchdog meant for another pid is ignored.
  static ServiceNotifier FromEnvironment();

  // `socket_path` "" disables it; a leading '@' is a Linux abstract socket. `watchdog_timeout`
  // zero means no watchdog.
  explicit ServiceNotifier(std::string socket_path,
                           std::chrono::microseconds watchdog_timeout = {});

  bool enabled() const { return !socket_path_.empty(); }

  Status Ready() { return Notify("READY=1"); }
  // With MONOTONIC_USEC, which systemd 253+ asks of Type=notify-reload services; older ones
  // ignore it.
  Status Reloading();
  Status Stopping() { return Notify("STOPPING=1"); }
  // A one-line status systemctl status shows.
  Status SetStatus(std::string_view text);

  // Sends WATCHDOG=1 when a quarter of the watchdog timeout has passed since the last one;
  // called at least every watchdog_period(), no gap exceeds 3/4 of the timeout. Does nothing
  // without a watchdog.
  Status FeedWatchdog();
  // How long the caller may sleep between FeedWatchdog calls (half the timeout); nullopt
  // without a watchdog.
  std::optional<std::chrono::milliseconds> watchdog_period() const;

  // Sends `state` (KEY=VALUE lines) as one datagram. Failures are logged (with the socket) and
  // returned; the daemon goes on, systemd's timeouts then tell the operator.
  Status Notify(std::string_view state);

 private:
  std::string socket_path_;
  std::chrono::microseconds watchdog_timeout_;
  std::chrono::steady_clock::time_point last_ping_{};
};

// The watchdog timeout $WATCHDOG_USEC grants this process (sd_watchdog_enabled(3)): zero when
// unset, malformed, zero, or meant for another pid ($WATCHDOG_PID set and not `self`).
std::chrono::microseconds WatchdogTimeout(const char* watchdog_usec, const char* watchdog_pid,
                                          pid_t self);

}  // namespace kuzet::app
