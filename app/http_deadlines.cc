#include "app/http_deadlines.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "base/thread_name.h"

namespace kuzet::app {

struct ConnectionDeadlines::Connection {
  int fd = -1;  // our duplicate of the server's socket
  std::string client;
  Clock::time_point due;
  bool cut = false;
  std::list<Connection>::iterator self;
};

ConnectionDeadlines::ConnectionDeadlines(std::chrono::milliseconds tick)
    : thread_([this, tick] {
        NameThisThread("kuzet-deadlines");
        Run(tick);
      }) {}

ConnectionDeadlines::~ConnectionDeadlines() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  for (Connection& c : open_) close(c.fd);
}

ConnectionDeadlines::Connection* ConnectionDeadlines::Opened(int fd, std::string client,
                                                             std::chrono::milliseconds budget) {
  int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (dup_fd < 0) return nullptr;
  std::lock_guard<std::mutex> lock(mu_);
  Connection& c = open_.emplace_back();
  c.fd = dup_fd;
  c.client = std::move(client);
  c.due = Clock::now() + budget;
  c.self = std::prev(open_.end());
  return &c;
}

void ConnectionDeadlines::Restart(Connection* connection, std::chrono::milliseconds budget) {
  std::lock_guard<std::mutex> lock(mu_);
  connection->due = Clock::now() + budget;
}

void ConnectionDeadlines::Closed(Connection* connection) {
  std::lock_guard<std::mutex> lock(mu_);
  close(connection->fd);
  open_.erase(connection->self);
}

uint64_t ConnectionDeadlines::cut_off() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cut_off_;
}

void ConnectionDeadlines::Run(std::chrono::milliseconds tick) {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    wake_.wait_for(lock, tick);
    if (!stopping_) CutOffOverdue();
  }
}

// Called with mu_ held. shutdown() ends the connection for both sides: the server's event loop
// sees end-of-stream (or a failed send), closes its socket and reports Closed. A zero linger
// makes that close a reset that drops what the kernel still buffers for the client (up to
// megabytes), or a slow reader would go on draining it long after the deadline.
void ConnectionDeadlines::CutOffOverdue() {
  const Clock::time_point now = Clock::now();
  std::string last_client;
  for (Connection& c : open_) {
    if (c.cut || now < c.due) continue;
    linger reset{1, 0};
    setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    shutdown(c.fd, SHUT_RDWR);
    c.cut = true;
    ++cut_off_;
    ++unlogged_;
    last_client = c.client;
  }
  // A flood of slow clients must not become a flood of log lines: one line a second at most.
  if (unlogged_ > 0 && now - last_log_ >= std::chrono::seconds(1)) {
    spdlog::warn("http: closed {} connection(s) that overstayed their deadline (last from {})",
                 unlogged_, last_client.empty() ? "an earlier client" : last_client);
    unlogged_ = 0;
    last_log_ = now;
  }
}

}  // namespace kuzet::app
