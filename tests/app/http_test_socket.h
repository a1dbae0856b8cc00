// Raw-socket clients for the HTTP attack tests: connections from a chosen loopback address
// (Linux routes all of 127.0.0.0/8 to lo, so each is a distinct client), partial writes, replies
// read against a clock; and this process's memory, since the server under test runs in it.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace kuzet::testing {

// A TCP socket connected to 127.0.0.1:port from the local address `from`, or -1 (also when
// connect takes over 2 s). Each send on it gives up after 2 s.
int ConnectLoopback(int port, const std::string& from = "127.0.0.1");

// Sends every byte; false as soon as the peer has closed or reset the connection, or a send
// has waited 2 s for room.
bool SendAll(int fd, std::string_view bytes);

// Reads until a whole reply (head and Content-Length body) has arrived, the peer closes or
// resets, or `timeout` passes. Returns what arrived.
std::string ReadReply(int fd, std::chrono::milliseconds timeout);

// The status code of a reply ("HTTP/1.1 200 OK" → 200); 0 when there is none.
int StatusOf(const std::string& reply);

// True when the peer closed or reset `fd` within `timeout` (a read returns 0 or an error).
bool ClosedByPeerWithin(int fd, std::chrono::milliseconds timeout);

struct TimedReply {
  int status = 0;  // 0: no reply within the timeout
  double seconds = 0;
};

// GET `path` (Connection: close) from `from`, timed from connect to the whole reply.
TimedReply TimedGet(int port, const std::string& path, std::chrono::milliseconds timeout,
                    const std::string& from = "127.0.0.1");

// A field of /proc/self/status in KiB ("VmRSS", "VmHWM"); -1 when unreadable.
long ProcStatusKib(const std::string& field);

}  // namespace kuzet::testing
