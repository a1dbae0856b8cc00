// Slowloris: clients that send their request head a byte at a time, never quite finishing it.
// Each costs the server a socket, never a worker; no client keeps a connection past the request
// deadline; one address cannot take every connection.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/app/http_test_server.h"
#include "tests/app/http_test_socket.h"
#include "tests/wait_until.h"

namespace kuzet::testing {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// `count` connections from `from`, each sending a request line and then one header byte every
// `interval` on a background thread, until stopped or `lifetime` passes.
class Trickler {
 public:
  Trickler(int port, int count, const std::string& from, milliseconds interval,
           milliseconds lifetime) {
    const Clock::time_point connect_end = Clock::now() + milliseconds(4000);
    for (int i = 0; i < count && Clock::now() < connect_end; ++i) {
      int fd = ConnectLoopback(port, from);
      if (fd >= 0 && SendAll(fd, "GET /api/mentions HTTP/1.1\r\nHost: x\r\nX-Slow: ")) {
        fds_.push_back(fd);
      } else if (fd >= 0) {
        close(fd);
      }
    }
    thread_ = std::thread([this, interval, lifetime] {
      const Clock::time_point end = Clock::now() + lifetime;
      std::vector<bool> open(fds_.size(), true);
      while (!stop_ && Clock::now() < end) {
        for (size_t i = 0; i < fds_.size(); ++i) {
          if (open[i] && !SendAll(fds_[i], "a")) {
            open[i] = false;
            ++closed_by_server_;
          }
        }
        ++rounds_;
        std::this_thread::sleep_for(interval);  // slow on purpose: the client under test
      }
    });
  }
  ~Trickler() {
    stop_ = true;
    thread_.join();
    for (int fd : fds_) close(fd);
  }
  size_t connected() const { return fds_.size(); }
  int closed_by_server() const { return closed_by_server_; }
  // How often every connection has been sent one more byte.
  int rounds() const { return rounds_; }

 private:
  std::vector<int> fds_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> closed_by_server_{0};
  std::atomic<int> rounds_{0};
};

using SlowHeaderSendersTest = ServedStoreTest;

// One more slow client than the old server had worker threads (4).
TEST_F(SlowHeaderSendersTest, FiveDoNotStarveANormalClient) {
  Start(Options());
  Trickler slow(port(), 5, "127.0.0.1", milliseconds(200), milliseconds(8000));
  ASSERT_EQ(slow.connected(), 5u);
  // Each has trickled past its request line: they hold whatever they can by now.
  ASSERT_TRUE(WaitUntil([&] { return slow.rounds() >= 2; }, milliseconds(10000)));
  TimedReply normal = TimedGet(port(), "/api/mentions", milliseconds(6000));
  std::printf("normal client beside 5 slow ones: status %d in %.3f s\n", normal.status,
              normal.seconds);
  EXPECT_EQ(normal.status, 200);
  EXPECT_LT(normal.seconds, 2.0);
}

// Hundreds of slow connections from one address: a client elsewhere is still served at once.
TEST_F(SlowHeaderSendersTest, FromOneAddressDoNotStarveAnotherAddress) {
  Start(Options());
  Trickler slow(port(), 300, "127.0.0.1", milliseconds(200), milliseconds(8000));
  ASSERT_TRUE(WaitUntil([&] { return slow.rounds() >= 2; }, milliseconds(10000)));
  TimedReply normal = TimedGet(port(), "/api/mentions", milliseconds(6000), "127.0.0.2");
  std::printf(
      "client at 127.0.0.2 beside 300 slow ones from 127.0.0.1: status %d in %.3f s; "
      "%d of %zu slow connections refused or closed by then\n",
      normal.status, normal.seconds, slow.closed_by_server(), slow.connected());
  EXPECT_EQ(normal.status, 200);
  EXPECT_LT(normal.seconds, 2.0);
}

// A client that is never idle (a byte every 300 ms) but never finishes its request head is cut
// off at the whole-request deadline, not kept for ever by a per-read timeout.
TEST_F(SlowHeaderSendersTest, AreCutOffAtTheRequestDeadline) {
  app::HttpServerOptions options = Options();
  options.request_timeout = milliseconds(2000);
  Start(options);
  Trickler slow(port(), 1, "127.0.0.1", milliseconds(300), milliseconds(20000));
  ASSERT_EQ(slow.connected(), 1u);
  const Clock::time_point start = Clock::now();
  WaitUntil([&] { return slow.closed_by_server() != 0; }, milliseconds(16000));
  double held = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("a never-idle slow client was %s after %.1f s\n",
              slow.closed_by_server() ? "cut off" : "still connected", held);
  EXPECT_EQ(slow.closed_by_server(), 1);
  EXPECT_LT(held, 3.5);
  // Counted for the operator.
  int fd = ConnectLoopback(port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(SendAll(fd, "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  std::string metrics = ReadReply(fd, milliseconds(5000));
  close(fd);
  EXPECT_NE(metrics.find("\nkuzet_http_connections_cut_off_total 1\n"), std::string::npos)
      << metrics;
}

}  // namespace
}  // namespace kuzet::testing
