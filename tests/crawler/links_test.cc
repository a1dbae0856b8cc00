#include "crawler/links.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "url/url.h"

namespace kuzet::crawler {
namespace {

using Links = std::vector<std::string>;

struct Case {
  const char* name;
  const char* html;
  Links expected;
};

TEST(ScanLinksTest, FindsTheLinksABrowserWouldFollow) {
  const std::string base = "http://news.example/section/page.html";
  const std::vector<Case> cases = {
      {"absolute, path-absolute, relative",
       R"(<a href="http://other.example/x">x</a><a href="/a">a</a><a href="b?c=1">b</a>)",
       {"http://other.example/x", "http://news.example/a", "http://news.example/section/b?c=1"}},
      {"dot segments and parent", R"(<a href="../up/./p">p</a>)", {"http://news.example/up/p"}},
      {"case-insensitive names, unquoted and single-quoted values",
       R"(<A HREF=/u1>1</A><a class=x href='/u2'>2</a><AREA Href="/u3">)",
       {"http://news.example/u1", "http://news.example/u2", "http://news.example/u3"}},
      {"fragments dropped, fragment-only skipped",
       R"(<a href="/f#top">f</a><a href="#only">o</a>)",
       {"http://news.example/f"}},
      {"character references in values",
       R"(<a href="/q?a=1&amp;b=2&#38;c=&#x33;">q</a>)",
       {"http://news.example/q?a=1&b=2&c=3"}},
      {"spaces trimmed, newlines inside removed",
       "<a href=\"  /sp\nace \">s</a>",
       {"http://news.example/space"}},
      {"non-http schemes dropped",
       R"h(<a href="javascript:void(0)">j</a><a href="mailto:a@b.c">m</a><a href="data:text/html,x">d</a>)h",
       {}},
      {"comments, scripts, styles and titles skipped",
       R"(<title><a href="/t"></title><!-- <a href="/c"> --><script>var s = '<a href="/s">';</script>)"
       R"(<STYLE>a[href="/st"]{}</STYLE><a href="/real">r</a>)",
       {"http://news.example/real"}},
      {"feed links only among <link>s",
       R"(<link rel="stylesheet" href="/s.css"><link rel="alternate" type="application/rss+xml" href="/rss">)"
       R"(<link rel="Alternate" type="application/atom+xml" href="/atom"><link rel=canonical href=/canon>)",
       {"http://news.example/rss", "http://news.example/atom"}},
      {"first <base href> wins",
       R"(<base href="http://cdn.example/dir/"><base href="/ignored/"><a href="p">p</a><a href="/r">r</a>)",
       {"http://cdn.example/dir/p", "http://cdn.example/r"}},
      {"first href attribute wins, attributes without href ignored",
       R"(<a href="/one" href="/two">x</a><a name="anchor">y</a><a href>z</a>)",
       {"http://news.example/one"}},
      {"duplicates kept in document order",
       R"(<a href="/d">1</a><a href="/e">2</a><a href="/d">3</a>)",
       {"http://news.example/d", "http://news.example/e", "http://news.example/d"}},
      {"truncated document", R"(<a href="/ok">ok</a><a href="/cut)", {"http://news.example/ok"}},
      {"protocol-relative", R"(<a href="//img.example/p">p</a>)", {"http://img.example/p"}},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ScanLinks(c.html, base), c.expected) << c.name;
  }
}

// The fast path for "/path" references must give what RFC 3986 resolution gives.
TEST(ScanLinksTest, FastPathAgreesWithResolve) {
  const std::vector<std::string> bases = {"http://news.example/a/b", "https://Example.KZ:443/x",
                                          "http://127.0.0.1:8080/dir/"};
  const std::vector<std::string> refs = {"/",
                                         "/a.html",
                                         "/news/2011/12/16/zhanaozen?id=7&p=2",
                                         "/path/with%20space",
                                         "/~user/p;v=1",
                                         "/a/../b",
                                         "/.hidden"};
  for (const std::string& base : bases) {
    for (const std::string& ref : refs) {
      Links links = ScanLinks("<a href=\"" + ref + "\">x</a>", base);
      ASSERT_EQ(links.size(), 1u) << base << " " << ref;
      EXPECT_EQ(*url::Canonicalize(links[0]), *url::Canonicalize(*url::Resolve(base, ref)))
          << base << " " << ref;
    }
  }
}

TEST(ScanLinksTest, EmptyAndGarbageInputsGiveNoLinks) {
  EXPECT_TRUE(ScanLinks("", "http://a.example/").empty());
  EXPECT_TRUE(ScanLinks("<", "http://a.example/").empty());
  EXPECT_TRUE(ScanLinks("<<<a<a href", "http://a.example/").empty());
  EXPECT_TRUE(ScanLinks(std::string("\0<a href=\"/x\0\">", 15), "http://a.example/").size() <= 1);
}

}  // namespace
}  // namespace kuzet::crawler
