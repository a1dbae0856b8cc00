#include "url/address.h"

#include <gtest/gtest.h>

namespace kuzet::url {
namespace {

TEST(IsNonPublicAddressTest, ClassifiesV4AndV6) {
  struct Case {
    const char* ip;
    bool non_public;
  };
  const Case cases[] = {
      {"127.0.0.1", true},
      {"127.255.0.9", true},
      {"10.1.2.3", true},
      {"172.16.0.1", true},
      {"172.31.255.255", true},
      {"172.32.0.1", false},
      {"192.168.1.1", true},
      {"169.254.169.254", true},
      {"100.64.0.1", true},
      {"100.128.0.1", false},
      {"0.0.0.0", true},
      {"192.0.0.8", true},
      {"198.18.0.1", true},
      {"198.20.0.1", false},
      {"224.0.0.1", true},
      {"255.255.255.255", true},
      {"8.8.8.8", false},
      {"93.184.216.34", false},
      {"::1", true},
      {"::", true},
      {"fe80::1", true},
      {"fec0::1", true},
      {"fc00::1", true},
      {"fd12:3456::1", true},
      {"ff02::1", true},
      {"::ffff:127.0.0.1", true},
      {"::ffff:8.8.8.8", false},
      {"2001:4860:4860::8888", false},
      {"[::1]", true},
      {"64:ff9b::10.0.0.1", true},
      {"64:ff9b::8.8.8.8", false},
      {"2002:0a00:0001::", true},
      {"2002:0808:0808::", false},
      {"not-an-ip", false},
      {"", false},
      {"[]", false},
  };
  for (const Case& c : cases) EXPECT_EQ(IsNonPublicAddress(c.ip), c.non_public) << c.ip;
}

TEST(IsLoopbackHostTest, KnowsLoopbackNamesAndAddresses) {
  struct Case {
    const char* host;
    bool loopback;
  };
  const Case cases[] = {
      {"127.0.0.1", true},
      {"127.8.9.10", true},
      {"::1", true},
      {"[::1]", true},
      {"0:0:0:0:0:0:0:1", true},
      {"localhost", true},
      {"0.0.0.0", false},
      {"192.168.1.5", false},
      {"::", false},
      {"::ffff:10.0.0.1", false},
      {"example.org", false},
      {"", false},
  };
  for (const Case& c : cases) EXPECT_EQ(IsLoopbackHost(c.host), c.loopback) << c.host;
}

TEST(ParseListenAddressTest, AcceptsHostPortAndNamesTheInputInErrors) {
  struct Case {
    const char* listen;
    const char* host;  // nullptr: rejected
    int port;
  };
  const Case cases[] = {
      {"127.0.0.1:8765", "127.0.0.1", 8765},
      {"localhost:0", "localhost", 0},
      {"[::1]:8765", "::1", 8765},
      {"[::]:80", "::", 80},
      {"0.0.0.0:65535", "0.0.0.0", 65535},
      {"monitor.example.org:443", "monitor.example.org", 443},
      {"8765", nullptr, 0},
      {":8765", nullptr, 0},
      {"127.0.0.1:", nullptr, 0},
      {"127.0.0.1:99999", nullptr, 0},
      {"127.0.0.1:65536", nullptr, 0},
      {"127.0.0.1:-1", nullptr, 0},
      {"127.0.0.1:+80", nullptr, 0},
      {"host:80x", nullptr, 0},
      {"[::1:80", nullptr, 0},
      {"[::g]:80", nullptr, 0},
      {"[]:80", nullptr, 0},
      {"::1:80", nullptr, 0},  // IPv6 needs its brackets
      {"a b:80", nullptr, 0},
      {"host/path:80", nullptr, 0},
  };
  for (const Case& c : cases) {
    Result<ListenAddress> address = ParseListenAddress(c.listen);
    if (c.host == nullptr) {
      ASSERT_FALSE(address.ok()) << c.listen;
      EXPECT_NE(address.status().message().find(c.listen), std::string::npos)
          << address.status().message();
    } else {
      ASSERT_TRUE(address.ok()) << c.listen << ": " << address.status().message();
      EXPECT_EQ(address->host, c.host) << c.listen;
      EXPECT_EQ(address->port, c.port) << c.listen;
    }
  }
}

}  // namespace
}  // namespace kuzet::url
