// Whole-phase deadlines for the HTTP server's connections. libmicrohttpd only times out a
// connection that moves no byte for a while, so a client sending one header byte a second (or
// reading one response byte a second) would keep its connection for ever; this closes it when
// its phase (receiving a request head, or sending the response) overstays its deadline.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <thread>

namespace kuzet::app {

class ConnectionDeadlines {
 public:
  using Clock = std::chrono::steady_clock;
  struct Connection;  // one open connection; opaque to callers

  // Checks the deadlines every `tick` on a thread of its own.
  explicit ConnectionDeadlines(std::chrono::milliseconds tick = std::chrono::milliseconds(100));
  ~ConnectionDeadlines();  // stops the thread; forgets connections still open
  ConnectionDeadlines(const ConnectionDeadlines&) = delete;
  ConnectionDeadlines& operator=(const ConnectionDeadlines&) = delete;

  // A new connection on socket `fd` from `client` (for logs), due within `budget`. The socket is
  // duplicated, so a deadline can never hit another connection that reuses the number after the
  // server closes this one. nullptr when the socket cannot be duplicated (out of descriptors):
  // then refuse the connection.
  Connection* Opened(int fd, std::string client, std::chrono::milliseconds budget);
  // The connection's next phase is due within `budget` from now.
  void Restart(Connection* connection, std::chrono::milliseconds budget);
  // The server closed it.
  void Closed(Connection* connection);

  uint64_t cut_off() const;  // connections closed for overstaying, so far

 private:
  void Run(std::chrono::milliseconds tick);
  void CutOffOverdue();

  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::list<Connection> open_;
  uint64_t cut_off_ = 0;
  uint64_t unlogged_ = 0;  // cut off since the last log line (logged at most once a second)
  Clock::time_point last_log_{};
  std::thread thread_;
};

}  // namespace kuzet::app
