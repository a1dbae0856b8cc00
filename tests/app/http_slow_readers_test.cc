// Slow readers: clients that ask for a large response and then read it slowly or not at all.
// Each costs the server a socket and its response's buffer, never a worker; none keeps its
// connection past the response deadline.
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
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

class SlowResponseReadersTest : public ServedStoreTest {
 protected:
  // 400 more mentions with 6 KB snippets: /api/mentions?limit=1000 is a response of megabytes,
  // far more than the kernel buffers between a server and a client that does not read.
  void AddLargeMentions() {
    auto store = storage::Store::Open((dir_ / "data").string());
    ASSERT_TRUE(store.ok()) << store.status().message();
    std::string filler;
    while (filler.size() < 6000) filler += "Oil workers of Zhanaozen went on strike in 2011. ";
    for (int i = 0; i < 400; ++i) {
      std::string text = "Item " + std::to_string(i) + ": " + filler;
      ASSERT_TRUE((*store)
                      ->writer()
                      .PutPage(MakePage("steppe", "http://steppe.test/big/" + std::to_string(i),
                                        "Big " + std::to_string(i), "en", text,
                                        {{"zhanaozen", "Zhanaozen"}}, base::NowMicros() - i))
                      .ok());
    }
  }
  // Connects with a small receive window and asks for the large page, reading nothing yet.
  int AskForALargeResponse() {
    int fd = ConnectLoopback(port());
    if (fd < 0) return -1;
    int small = 4096;  // fixed, so the kernel does not grow it (no receive autotuning)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    if (!SendAll(fd, "GET /api/mentions?limit=1000 HTTP/1.1\r\nHost: x\r\n\r\n")) {
      close(fd);
      return -1;
    }
    return fd;
  }
};

// One more than the old server's worker threads (4), each stuck writing to a client that does
// not read.
TEST_F(SlowResponseReadersTest, FiveDoNotStarveANormalClient) {
  AddLargeMentions();
  Start(Options());
  std::vector<int> readers;
  for (int i = 0; i < 5; ++i) readers.push_back(AskForALargeResponse());
  // The server is done with their requests: each reader's socket has the response's first bytes
  // (or, when building the response outlasted the request deadline, as it can under a sanitizer,
  // the server's close).
  ASSERT_TRUE(WaitUntil(
      [&] {
        char byte;
        for (int fd : readers) {
          if (fd < 0) return false;
          ssize_t n = recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
          if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return false;
        }
        return true;
      },
      milliseconds(60000)));  // megabytes of JSON each: seconds under a sanitizer
  TimedReply normal = TimedGet(port(), "/api/mentions?limit=1", milliseconds(8000));
  std::printf("normal client beside 5 clients not reading large responses: status %d in %.3f s\n",
              normal.status, normal.seconds);
  for (int fd : readers) {
    EXPECT_GE(fd, 0);
    close(fd);
  }
  EXPECT_EQ(normal.status, 200);
  EXPECT_LT(normal.seconds, 2.0);
}

// A reader that is never idle (1 KiB every 100 ms) but would take minutes for the response is
// cut off at the response deadline, not kept for as long as it keeps reading.
TEST_F(SlowResponseReadersTest, AreCutOffAtTheResponseDeadline) {
  AddLargeMentions();
  app::HttpServerOptions options = Options();
  options.response_timeout = milliseconds(2000);
  Start(options);
  int fd = AskForALargeResponse();
  ASSERT_GE(fd, 0);
  const Clock::time_point start = Clock::now();
  size_t received = 0;
  bool closed = false;
  char buf[1024];
  while (!closed && Clock::now() - start < milliseconds(15000)) {
    ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
      closed = true;
    } else if (n > 0) {
      received += static_cast<size_t>(n);
    }
    std::this_thread::sleep_for(milliseconds(100));  // slow on purpose: the reader under test
  }
  close(fd);
  double held = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("a slow reader was %s after %.1f s, having read %zu bytes\n",
              closed ? "cut off" : "still connected", held, received);
  EXPECT_TRUE(closed);
  EXPECT_LT(held, 5.5);  // the deadline, a tick, and the client draining its own buffer
}

}  // namespace
}  // namespace kuzet::testing
