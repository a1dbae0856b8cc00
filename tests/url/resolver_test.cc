#include "url/resolver.h"

#include <gtest/gtest.h>

#include <string>

namespace kuzet::url {
namespace {

struct ResolveCase {
  const char* base;
  const char* href;
  const char* want;  // "" = rejected
};

class UrlResolverTableTest : public ::testing::TestWithParam<ResolveCase> {};

TEST_P(UrlResolverTableTest, Resolves) {
  const ResolveCase& c = GetParam();
  UrlResolver r(c.base);
  const auto got = r.Resolve(c.href);
  EXPECT_EQ(got.value_or(""), c.want) << c.base << " + " << c.href;
}

// RFC 3986 §5.4 reference-resolution examples (base http://a/b/c/d;p?q), plus page cases.
INSTANTIATE_TEST_SUITE_P(
    Cases, UrlResolverTableTest,
    ::testing::Values(
        ResolveCase{"http://a/b/c/d;p?q", "g", "http://a/b/c/g"},
        ResolveCase{"http://a/b/c/d;p?q", "./g", "http://a/b/c/g"},
        ResolveCase{"http://a/b/c/d;p?q", "g/", "http://a/b/c/g/"},
        ResolveCase{"http://a/b/c/d;p?q", "/g", "http://a/g"},
        ResolveCase{"http://a/b/c/d;p?q", "//g", "http://g/"},
        ResolveCase{"http://a/b/c/d;p?q", "?y", "http://a/b/c/d;p?y"},
        ResolveCase{"http://a/b/c/d;p?q", "g?y", "http://a/b/c/g?y"},
        ResolveCase{"http://a/b/c/d;p?q", "#s", ""},
        ResolveCase{"http://a/b/c/d;p?q", "g#s", "http://a/b/c/g"},
        ResolveCase{"http://a/b/c/d;p?q", "..", "http://a/b/"},
        ResolveCase{"http://a/b/c/d;p?q", "../g", "http://a/b/g"},
        ResolveCase{"http://a/b/c/d;p?q", "../..", "http://a/"},
        ResolveCase{"http://a/b/c/d;p?q", "../../../g", "http://a/g"},
        ResolveCase{"http://a/b/c/d;p?q", "/./g", "http://a/g"},
        ResolveCase{"http://a/b/c/d;p?q", "g.", "http://a/b/c/g."},
        ResolveCase{"http://a/b/c/d;p?q", "./g/.", "http://a/b/c/g/"},
        ResolveCase{"http://a/b/c/d;p?q", "g/../h", "http://a/b/c/h"},
        ResolveCase{"https://news.example.kz/a/", "https://other.example.org/x/../y#f",
                    "https://other.example.org/y"},
        ResolveCase{"https://news.example.kz/a/", "HTTPS://Other.Example.org",
                    "https://other.example.org/"},
        ResolveCase{"https://news.example.kz/a/", "/новости/1",
                    "https://news.example.kz/%d0%bd%d0%be%d0%b2%d0%be%d1%81%d1%82%d0%b8/1"},
        ResolveCase{"https://news.example.kz/a/", "mailto:x@example.kz", ""},
        ResolveCase{"https://news.example.kz/a/", "javascript:void(0)", ""},
        ResolveCase{"https://news.example.kz/a/", "ftp://example.kz/f", ""},
        ResolveCase{"", "/relative", ""},
        ResolveCase{"", "http://example.kz/abs", "http://example.kz/abs"}));

TEST(UrlResolverTest, BaseHrefIsResolvedAgainstThePage) {
  UrlResolver r("https://news.example.kz/2011/12/strike.html");
  r.SetBase("../archive/");
  EXPECT_EQ(r.Resolve("a.html").value_or(""), "https://news.example.kz/2011/archive/a.html");
  r.SetBase("javascript:alert(1)");  // ignored
  EXPECT_EQ(r.Resolve("b.html").value_or(""), "https://news.example.kz/2011/archive/b.html");
}

}  // namespace
}  // namespace kuzet::url
