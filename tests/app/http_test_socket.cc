#include "tests/app/http_test_socket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

namespace kuzet::testing {

namespace {

using Clock = std::chrono::steady_clock;

int RemainingMs(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

}  // namespace

int ConnectLoopback(int port, const std::string& from) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  // Bounds connect (a full listen queue drops SYNs, and the kernel retries for minutes) and
  // every send.
  timeval two_seconds{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &two_seconds, sizeof two_seconds);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  sockaddr_in remote{};
  remote.sin_family = AF_INET;
  remote.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, from.c_str(), &local.sin_addr) != 1 ||
      bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0 ||
      inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr) != 1 ||
      connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof remote) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

bool SendAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::string ReadReply(int fd, std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  std::string reply;
  char buf[16384];
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, RemainingMs(deadline)) <= 0) return reply;
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return reply;
    reply.append(buf, static_cast<size_t>(n));
    size_t end = reply.find("\r\n\r\n");
    if (end == std::string::npos) continue;
    size_t length = 0;
    for (const char* name : {"Content-Length: ", "content-length: "}) {
      size_t at = reply.find(name);
      if (at != std::string::npos && at < end) length = std::stoul(reply.substr(at + 16));
    }
    if (reply.size() >= end + 4 + length) return reply;
  }
}

int StatusOf(const std::string& reply) {
  if (reply.rfind("HTTP/1.", 0) != 0 || reply.size() < 12) return 0;
  return std::atoi(reply.c_str() + 9);
}

bool ClosedByPeerWithin(int fd, std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  char buf[4096];
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    int ready = poll(&p, 1, RemainingMs(deadline));
    if (ready <= 0) return false;
    if (recv(fd, buf, sizeof buf, 0) <= 0) return true;  // a reply before the close is fine
  }
}

TimedReply TimedGet(int port, const std::string& path, std::chrono::milliseconds timeout,
                    const std::string& from) {
  const Clock::time_point start = Clock::now();
  TimedReply result;
  int fd = ConnectLoopback(port, from);
  if (fd >= 0) {
    if (SendAll(fd, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")) {
      result.status = StatusOf(ReadReply(fd, timeout));
    }
    close(fd);
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

long ProcStatusKib(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::atol(line.c_str() + field.size() + 1);
  }
  return -1;
}

}  // namespace kuzet::testing
