// IP addresses and listen addresses: which addresses a crawler must not reach, and the
// "host:port" a server listens on.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace kuzet::url {

// Whether an IP address (textual IPv4 or IPv6, IPv6 optionally in brackets) is loopback, private
// (RFC 1918), carrier-grade NAT, link-local, unique-local (fc00::/7), unspecified, multicast or
// reserved: addresses a public news site never has (a crawler reaching them is a server-side
// request forgery). IPv6 forms that embed IPv4 (mapped, NAT64, 6to4) are judged by their IPv4
// part. Anything that is not an IP address: false.
bool IsNonPublicAddress(std::string_view ip);

// 127.0.0.0/8, ::1 and "localhost".
bool IsLoopbackHost(std::string_view host);

struct ListenAddress {
  std::string host;  // IPv6 without brackets
  int port = 0;      // 0: any free port
};

// "127.0.0.1:8765", "localhost:0", "[::1]:8765", "0.0.0.0:80": a host name or IP literal (IPv6 in
// brackets), ':' and a port from 0 to 65535. The error names `listen`.
Result<ListenAddress> ParseListenAddress(std::string_view listen);

}  // namespace kuzet::url
