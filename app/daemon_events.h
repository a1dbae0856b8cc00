// What wakes the daemon's loop: stop and reload requests from other threads, and — when it owns
// them — the process's SIGTERM, SIGINT (stop) and SIGHUP (reload), read through a signalfd(2).
//
// No signal handler and no global flag: the signals are blocked in every thread (the mask is set
// before any thread starts, and threads inherit it) and arrive as reads on the signalfd; requests
// from threads are an atomic flag plus a byte on a self-pipe, which is async-signal-safe too. One
// poll(2) over both descriptors waits for either.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>

#include "base/status.h"

namespace kuzet::app {

class DaemonEvents {
 public:
  // take_signals: block SIGTERM, SIGINT and SIGHUP in the calling thread (and so in every thread
  // it starts later: call it before starting any) and read them here. The mask is left blocked
  // when the object goes (a signal then stays pending rather than kill a process shutting down).
  static Result<std::unique_ptr<DaemonEvents>> Create(bool take_signals);
  ~DaemonEvents();
  DaemonEvents(const DaemonEvents&) = delete;
  DaemonEvents& operator=(const DaemonEvents&) = delete;

  // From any thread.
  void RequestStop();
  void RequestReload();

  struct Woken {
    bool stop = false, reload = false;
    int stop_signal = 0;  // the SIGTERM or SIGINT read (0: none), for the log
  };
  // Waits until a request or signal is pending or `timeout` passes, and takes what is pending
  // (each request is reported once).
  Woken Wait(std::chrono::milliseconds timeout);

 private:
  DaemonEvents() = default;
  void Poke();

  int pipe_read_ = -1, pipe_write_ = -1;
  int signal_fd_ = -1;  // -1: signals not taken
  std::atomic<bool> stop_{false}, reload_{false};
};

}  // namespace kuzet::app
