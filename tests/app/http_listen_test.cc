// The listening socket: a second server on a port in use fails with a clear error instead of
// sharing the port (SO_REUSEPORT would let the kernel split requests between the two), and the
// listen queue is long enough for a burst of connections.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

#include "tests/app/http_test_server.h"
#include "tests/app/run_command.h"

namespace kuzet::testing {
namespace {

using PortInUseTest = ServedStoreTest;

TEST_F(PortInUseTest, SecondServerOnTheSamePortFailsClearly) {
  Start(Options());
  app::HttpServerOptions second = Options();
  second.listen = "127.0.0.1:" + std::to_string(port());
  auto started = app::HttpServer::Start(second);
  ASSERT_FALSE(started.ok()) << "two servers listen on one port";
  EXPECT_NE(started.status().message().find("address already in use: " + second.listen),
            std::string::npos)
      << started.status().message();
}

TEST_F(PortInUseTest, PortHeldByAnotherProgramFailsClearly) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 16), 0);
  socklen_t length = sizeof addr;
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length), 0);
  app::HttpServerOptions options = Options();
  options.listen = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  auto started = app::HttpServer::Start(options);
  close(fd);
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.status().message().find("address already in use: " + options.listen),
            std::string::npos)
      << started.status().message();
}

using ShortListenBacklogTest = ServedStoreTest;

// `ss` shows a listening socket's backlog in its Send-Q column.
TEST_F(ShortListenBacklogTest, ListenQueueHoldsABurst) {
  if (RunShell("command -v ss >/dev/null 2>&1").exit_code != 0) {
    GTEST_SKIP() << "ss (Debian package iproute2) is missing";
  }
  Start(Options());
  CommandResult ss =
      RunShell("ss -Hltn 'sport = :" + std::to_string(port()) + "' | awk '{print $3}'");
  ASSERT_EQ(ss.exit_code, 0);
  int backlog = std::atoi(ss.out.c_str());
  std::printf("listen backlog: %d\n", backlog);
  EXPECT_GE(backlog, 128);
}

}  // namespace
}  // namespace kuzet::testing
