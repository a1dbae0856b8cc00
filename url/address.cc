#include "url/address.h"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>

namespace kuzet::url {

namespace {

// IANA IPv4 Special-Purpose Address Registry (RFC 6890) entries a public site cannot have.
bool IsNonPublicV4(const uint8_t* a) {
  if (a[0] == 0 || a[0] == 10 || a[0] == 127) return true;  // "this network", RFC 1918, loopback
  if (a[0] == 100 && (a[1] & 0xC0) == 64) return true;      // 100.64/10 carrier-grade NAT
  if (a[0] == 169 && a[1] == 254) return true;              // link-local (RFC 3927)
  if (a[0] == 172 && (a[1] & 0xF0) == 16) return true;      // RFC 1918
  if (a[0] == 192 && a[1] == 168) return true;              // RFC 1918
  if (a[0] == 192 && a[1] == 0 && a[2] == 0) return true;   // IETF protocol assignments
  if (a[0] == 198 && (a[1] & 0xFE) == 18) return true;      // benchmarking 198.18/15
  if (a[0] >= 224) return true;                             // multicast, reserved, broadcast
  return false;
}

bool IsNonPublicV6(const uint8_t* a) {
  static constexpr std::array<uint8_t, 10> kZero10{};
  bool first10_zero = std::memcmp(a, kZero10.data(), 10) == 0;
  if (first10_zero && a[10] == 0xFF && a[11] == 0xFF) return IsNonPublicV4(a + 12);  // ::ffff:v4
  if (first10_zero && a[10] == 0 && a[11] == 0) return true;  // ::, ::1, deprecated ::v4
  if ((a[0] & 0xFE) == 0xFC) return true;                     // fc00::/7 unique-local
  if (a[0] == 0xFE && (a[1] & 0xC0) == 0x80) return true;     // fe80::/10 link-local
  if (a[0] == 0xFE && (a[1] & 0xC0) == 0xC0) return true;     // fec0::/10 site-local (deprecated)
  if (a[0] == 0xFF) return true;                              // multicast
  if (a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xFF && a[3] == 0x9B) {
    return IsNonPublicV4(a + 12);  // 64:ff9b::/96 NAT64 embeds an IPv4 address
  }
  if (a[0] == 0x20 && a[1] == 0x02) return IsNonPublicV4(a + 2);  // 2002::/16 6to4
  return false;
}

std::string_view WithoutBrackets(std::string_view host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    return host.substr(1, host.size() - 2);
  }
  return host;
}

// A DNS name (letters, digits, '-', '.', '_') or an IPv4 literal: what a listen host may be
// besides a bracketed IPv6 literal.
bool IsPlainHost(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  for (char c : host) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

bool IsNonPublicAddress(std::string_view ip) {
  std::string text(WithoutBrackets(ip));
  uint8_t bytes[16];
  if (inet_pton(AF_INET, text.c_str(), bytes) == 1) return IsNonPublicV4(bytes);
  if (inet_pton(AF_INET6, text.c_str(), bytes) == 1) return IsNonPublicV6(bytes);
  return false;
}

bool IsLoopbackHost(std::string_view host) {
  if (host == "localhost") return true;
  std::string text(WithoutBrackets(host));
  uint8_t bytes[16];
  if (inet_pton(AF_INET, text.c_str(), bytes) == 1) return bytes[0] == 127;
  static constexpr uint8_t kLoopbackV6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return inet_pton(AF_INET6, text.c_str(), bytes) == 1 &&
         std::memcmp(bytes, kLoopbackV6, sizeof bytes) == 0;
}

Result<ListenAddress> ParseListenAddress(std::string_view listen) {
  auto bad = [&] {
    return Status::InvalidArgument("listen: expected host:port like \"127.0.0.1:8765\", got \"" +
                                   std::string(listen) + "\"");
  };
  const size_t colon = listen.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return bad();
  std::string_view host = listen.substr(0, colon);
  ListenAddress address;
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return bad();
    address.host = std::string(host.substr(1, host.size() - 2));
    in6_addr v6{};
    if (inet_pton(AF_INET6, address.host.c_str(), &v6) != 1) return bad();
  } else if (IsPlainHost(host)) {
    address.host = std::string(host);
  } else {
    return bad();
  }
  const std::string_view port = listen.substr(colon + 1);
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), address.port);
  if (port.empty() || port.size() > 5 || ec != std::errc() || end != port.data() + port.size() ||
      address.port < 0 || address.port > 65535) {
    return bad();
  }
  return address;
}

}  // namespace kuzet::url
