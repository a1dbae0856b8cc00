// Header flood: one request streaming a million header lines. The server must refuse it early
// (431/400, or a reset) and its memory must stay bounded during and after, since it runs in this
// process: VmHWM and VmRSS are read from /proc/self/status.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/app/http_test_server.h"
#include "tests/app/http_test_socket.h"

namespace kuzet::testing {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

using HeaderFloodTest = ServedStoreTest;

TEST_F(HeaderFloodTest, MillionHeaderLinesAreRefusedInBoundedMemory) {
  Start(Options());
  // Warm up the server's and the store's allocations, so the figures below are the flood's.
  ASSERT_EQ(TimedGet(port(), "/api/mentions", milliseconds(5000)).status, 200);
  const long hwm_before = ProcStatusKib("VmHWM"), rss_before = ProcStatusKib("VmRSS");

  const long kLines = 1000000;
  const long kLinesPerChunk = 4096;
  int fd = ConnectLoopback(port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(SendAll(fd, "GET /api/mentions HTTP/1.1\r\nHost: x\r\n"));
  std::string chunk;
  for (long i = 0; i < kLinesPerChunk; ++i) chunk += "X-Flood-" + std::to_string(i) + ": v\r\n";
  const Clock::time_point start = Clock::now();
  long sent_lines = 0;
  while (sent_lines < kLines && Clock::now() - start < milliseconds(60000) && SendAll(fd, chunk)) {
    sent_lines += kLinesPerChunk;
  }
  bool finished = sent_lines >= kLines && SendAll(fd, "\r\n");
  std::string reply = ReadReply(fd, milliseconds(5000));
  close(fd);
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const long hwm_after = ProcStatusKib("VmHWM"), rss_after = ProcStatusKib("VmRSS");

  std::printf(
      "header flood: %ld of %ld lines sent in %.2f s; reply %d; VmHWM %+ld KiB, VmRSS "
      "%+ld KiB after the connection closed\n",
      sent_lines, kLines, seconds, StatusOf(reply), hwm_after - hwm_before, rss_after - rss_before);
  EXPECT_FALSE(finished) << "the server read a million header lines";
  EXPECT_TRUE(StatusOf(reply) == 431 || StatusOf(reply) == 400 || StatusOf(reply) == 0) << reply;
  EXPECT_LT(hwm_after - hwm_before, 32 * 1024) << "KiB of peak memory for one request's headers";
  EXPECT_LT(rss_after - rss_before, 16 * 1024) << "KiB kept after the connection closed";
  EXPECT_LT(seconds, 10.0);
  // And the server still serves.
  EXPECT_EQ(TimedGet(port(), "/api/mentions", milliseconds(5000)).status, 200);
}

// Oversized requests that fit in a connection's memory are refused by count and kind, and the
// connection is closed after the refusal.
TEST_F(HeaderFloodTest, OversizedRequestsAreRefused) {
  Start(Options());
  std::string many_headers;
  for (int i = 0; i < 150; ++i) many_headers += "X-" + std::to_string(i) + ": v\r\n";
  struct Case {
    std::string name, request;
    int status;
  };
  const std::vector<Case> cases = {
      {"150 short header lines",
       "GET /api/mentions HTTP/1.1\r\nHost: x\r\n" + many_headers + "\r\n", 431},
      {"a 40 KiB header",
       "GET /api/mentions HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(40 * 1024, 'b') +
           "\r\n\r\n",
       431},
      {"a 40 KiB URI",
       "GET /api/mentions?rule=" + std::string(40 * 1024, 'u') + " HTTP/1.1\r\nHost: x\r\n\r\n",
       414},
      {"a body on GET",
       "GET /api/mentions HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\nabc", 413},
      {"a chunked body",
       "GET /api/mentions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", 413},
      {"POST", "POST /api/mentions HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nx", 405},
  };
  for (const Case& c : cases) {
    int fd = ConnectLoopback(port());
    ASSERT_GE(fd, 0);
    SendAll(fd, c.request);  // the server may refuse before it has read everything
    std::string reply = ReadReply(fd, milliseconds(5000));
    EXPECT_EQ(StatusOf(reply), c.status) << c.name << ":\n" << reply.substr(0, 300);
    EXPECT_TRUE(ClosedByPeerWithin(fd, milliseconds(3000))) << c.name << ": left open";
    close(fd);
  }
}

}  // namespace
}  // namespace kuzet::testing
