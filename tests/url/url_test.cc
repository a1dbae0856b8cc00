#include "url/url.h"

#include <gtest/gtest.h>

#include <string>

#include "url/resolver.h"

namespace kuzet::url {
namespace {

TEST(ParseTest, SplitsAbsoluteUrlsIntoParts) {
  Result<Url> url = Parse("  HTTPS://User:Pw@Жаңаөзен.KZ:443/a/./b/../c?q=1#top\n");
  ASSERT_TRUE(url.ok()) << url.status().message();
  EXPECT_EQ(url->href, "https://User:Pw@xn--80aapbh1b01drr.kz/a/c?q=1#top");
  EXPECT_EQ(url->scheme, "https");
  EXPECT_EQ(url->user, "User");
  EXPECT_EQ(url->password, "Pw");
  EXPECT_EQ(url->host, "xn--80aapbh1b01drr.kz");
  EXPECT_EQ(url->port, "");  // the scheme's default
  EXPECT_EQ(url->path, "/a/c");
  EXPECT_EQ(url->query, "q=1");
  EXPECT_EQ(url->fragment, "top");

  Result<Url> port = Parse("http://[::1]:8080");
  ASSERT_TRUE(port.ok());
  EXPECT_EQ(port->host, "[::1]");
  EXPECT_EQ(port->port, "8080");
  EXPECT_EQ(port->path, "/");
}

TEST(ParseTest, ResolvesAgainstABase) {
  struct Case {
    const char* ref;
    const char* href;  // nullptr: an error
  };
  // RFC 3986 §5.4.1 examples, base "http://a/b/c/d;p?q", and the empty and fragment-only
  // references libcurl 7.88 gets wrong on its own (it drops the last path segment).
  const Case cases[] = {
      {"g", "http://a/b/c/g"},
      {"../../g", "http://a/g"},
      {"//g", "http://g/"},
      {"?y", "http://a/b/c/d;p?y"},
      {"", "http://a/b/c/d;p?q"},
      {"#s", "http://a/b/c/d;p?q#s"},
      {"#/x", "http://a/b/c/d;p?q#/x"},
      {"\t g \n", "http://a/b/c/g"},  // WHATWG strips and removes TAB/LF/CR first
      {"https://Other.Example/x", "https://other.example/x"},
      {"http://bad host/", nullptr},
  };
  for (const Case& c : cases) {
    Result<Url> got = Parse(c.ref, "http://a/b/c/d;p?q");
    if (c.href == nullptr) {
      EXPECT_FALSE(got.ok()) << c.ref;
    } else {
      ASSERT_TRUE(got.ok()) << c.ref << ": " << got.status().message();
      EXPECT_EQ(got->href, c.href) << c.ref;
    }
  }
  EXPECT_FALSE(Parse("g", "not a base").ok());
}

// libcurl reads C strings: before the URL module checked for NUL, "http://a.kz/x\0y" was
// canonicalized, resolved and fetched as "http://a.kz/x".
TEST(NulByteTest, NeverCutsAUrlShort) {
  const std::string with_nul("http://a.kz/x\0y", 15);
  EXPECT_FALSE(Canonicalize(with_nul).ok());
  EXPECT_FALSE(Resolve(with_nul, "z").ok());
  EXPECT_FALSE(Resolve("http://a.kz/", std::string("x\0y", 3)).ok());
  EXPECT_EQ(HostOf(with_nul), "");
  EXPECT_FALSE(IsHttpUrl(with_nul));
  UrlResolver resolver("http://a.kz/");
  EXPECT_EQ(resolver.Resolve(std::string("x\0y", 3)), std::nullopt);

  Result<Url> path = Parse(with_nul);  // WHATWG: the NUL is percent-encoded in a path
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(path->href, "http://a.kz/x%00y");
  EXPECT_FALSE(Parse(std::string("http://a\0b/", 11)).ok());  // and invalid in a host
}

TEST(IsHttpUrlTest, AcceptsOnlyAbsoluteHttpUrlsWithAHost) {
  struct Case {
    const char* url;
    bool http;
  };
  const Case cases[] = {
      {"https://vlast.kz/rss", true},  {"HTTP://Vlast.KZ", true},
      {"http://Жаңаөзен.kz/", true},   {"http://[::1]:8080/", true},
      {"vlast.kz/rss", false},         {"ftp://vlast.kz/", false},
      {"mailto:a@vlast.kz", false},    {"http://", false},
      {"https://exa mple.kz/", false}, {"", false},
  };
  for (const Case& c : cases) EXPECT_EQ(IsHttpUrl(c.url), c.http) << c.url;
}

TEST(SameResourceTest, ComparesCanonicalForms) {
  struct Case {
    const char* a;
    const char* b;
    bool same;
  };
  const Case cases[] = {
      {"http://Vlast.kz:80/a#x", "http://vlast.kz/a", true},
      {"https://vlast.kz/a?utm_source=tg&id=1", "https://vlast.kz/a?id=1", true},
      {"https://vlast.kz/a/../b", "https://vlast.kz/b", true},
      {"http://vlast.kz/a", "https://vlast.kz/a", false},
      {"https://vlast.kz/a?id=1&p=2", "https://vlast.kz/a?p=2&id=1", false},  // order is kept
      {"not a url", "not a url", false},
  };
  for (const Case& c : cases) EXPECT_EQ(SameResource(c.a, c.b), c.same) << c.a << " / " << c.b;
}

TEST(DotSegmentsTest, RemovesThemAsRfc3986Section524Says) {
  struct Case {
    const char* prefix;
    const char* path;
    const char* out;
  };
  const Case cases[] = {
      {"", "/a/b/c/./../../g", "/a/g"},  // RFC 3986 §5.2.4 example
      {"", "mid/content=5/../6", "mid/6"},
      {"", "/a/b", "/a/b"},
      {"", "/..", "/"},
      {"", "/a/.", "/a/"},
      {"http://h", "/../../x", "http://h/x"},  // never climbs above what out held
  };
  for (const Case& c : cases) {
    std::string out = c.prefix;
    AppendWithoutDotSegments(c.path, out);
    EXPECT_EQ(out, c.out) << c.path;
  }
}

}  // namespace
}  // namespace kuzet::url
