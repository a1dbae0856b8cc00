#include "app/daemon_events.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <thread>

#include <spdlog/spdlog.h>

namespace kuzet::app {

Result<std::unique_ptr<DaemonEvents>> DaemonEvents::Create(bool take_signals) {
  std::unique_ptr<DaemonEvents> events(new DaemonEvents());
  int fds[2];
  if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
    return Status::IOError(std::string("cannot make the daemon's wake-up pipe: ") +
                           std::strerror(errno));
  }
  events->pipe_read_ = fds[0];
  events->pipe_write_ = fds[1];
  if (take_signals) {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    events->signal_fd_ = signalfd(-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK);
    if (events->signal_fd_ < 0) {
      return Status::IOError(std::string("cannot read signals (signalfd): ") +
                             std::strerror(errno));
    }
  }
  return events;
}

DaemonEvents::~DaemonEvents() {
  for (int fd : {pipe_read_, pipe_write_, signal_fd_}) {
    if (fd >= 0) close(fd);
  }
}

void DaemonEvents::Poke() {
  char byte = 1;
  // A full pipe already holds a wake-up: the byte is not needed.
  [[maybe_unused]] ssize_t written = write(pipe_write_, &byte, 1);
}

void DaemonEvents::RequestStop() {
  stop_.store(true);
  Poke();
}

void DaemonEvents::RequestReload() {
  reload_.store(true);
  Poke();
}

DaemonEvents::Woken DaemonEvents::Wait(std::chrono::milliseconds timeout) {
  Woken woken;
  auto take = [&] {
    woken.stop = stop_.exchange(false) || woken.stop;
    woken.reload = reload_.exchange(false) || woken.reload;
    return woken.stop || woken.reload;
  };
  if (!take()) {
    pollfd fds[2] = {{pipe_read_, POLLIN, 0}, {signal_fd_, POLLIN, 0}};
    int waited = static_cast<int>(std::max<int64_t>(timeout.count(), 0));
    int ready = poll(fds, signal_fd_ >= 0 ? 2 : 1, waited);
    if (ready < 0 && errno != EINTR) {
      // Only a lack of kernel memory makes poll fail on two good descriptors: the wait becomes a
      // plain sleep (signals and requests are then seen after it) rather than a busy loop.
      spdlog::error("daemon: poll on the signal and wake-up descriptors failed: {}",
                    std::strerror(errno));
      std::this_thread::sleep_for(std::min(timeout, std::chrono::milliseconds(1000)));
    }
  }
  char drain[64];
  while (read(pipe_read_, drain, sizeof drain) > 0) {
  }
  if (signal_fd_ >= 0) {
    signalfd_siginfo info;
    while (read(signal_fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
      if (info.ssi_signo == SIGHUP) {
        woken.reload = true;
      } else {
        woken.stop = true;
        woken.stop_signal = static_cast<int>(info.ssi_signo);
      }
    }
  }
  take();
  return woken;
}

}  // namespace kuzet::app
