#include "crawler/scope.h"

#include <gtest/gtest.h>

namespace kuzet::crawler {
namespace {

config::Site NewsSite() {
  config::Site site;
  site.id = "example";
  site.start_urls = {"https://www.example.kz/news/"};
  site.feeds = {"https://feeds.example.kz/rss"};
  site.include = {"/news/*", "/kk/*"};
  site.exclude = {"*/print/*", "*?share=*"};
  return site;
}

TEST(ScopeTest, HostsDefaultToConfiguredUrlsWithWwwIgnored) {
  SiteScope scope(NewsSite());
  EXPECT_EQ(scope.hosts(), (std::vector<std::string>{"example.kz", "feeds.example.kz"}));
  EXPECT_EQ(scope.Check("https://example.kz/news/1"), ScopeVerdict::kInScope);
  EXPECT_EQ(scope.Check("https://www.example.kz/news/1"), ScopeVerdict::kInScope);
  EXPECT_EQ(scope.Check("http://WWW.EXAMPLE.KZ/news/1"), ScopeVerdict::kInScope);
  EXPECT_EQ(scope.Check("https://sport.example.kz/news/1"), ScopeVerdict::kOtherHost);
  EXPECT_EQ(scope.Check("https://example.com/news/1"), ScopeVerdict::kOtherHost);
  EXPECT_EQ(scope.Check("https://other.org/news/1", /*check_host=*/false), ScopeVerdict::kInScope);
}

TEST(ScopeTest, ExplicitHostsReplaceTheDefault) {
  config::Site site = NewsSite();
  site.hosts = {"Жаңаөзен.kz"};
  SiteScope scope(site);
  EXPECT_EQ(scope.Check("https://xn--80aapbh1b01drr.kz/news/1"), ScopeVerdict::kInScope);
  EXPECT_EQ(scope.Check("https://www.example.kz/news/1"), ScopeVerdict::kOtherHost);
}

TEST(ScopeTest, PatternsAndExtensions) {
  SiteScope scope(NewsSite());
  const std::pair<const char*, ScopeVerdict> cases[] = {
      {"https://example.kz/news/2011/12/16/zhanaozen", ScopeVerdict::kInScope},
      {"https://example.kz/kk/zhanalyqtar?id=5", ScopeVerdict::kInScope},
      {"https://example.kz/about", ScopeVerdict::kNotIncluded},
      {"https://example.kz/", ScopeVerdict::kNotIncluded},
      {"https://example.kz/news/1/print/", ScopeVerdict::kExcluded},
      {"https://example.kz/news/1?share=fb", ScopeVerdict::kExcluded},
      {"https://example.kz/news/photo.JPG", ScopeVerdict::kNotPage},
      {"https://example.kz/news/report.pdf?download=1", ScopeVerdict::kNotPage},
      {"https://example.kz/news/app.js", ScopeVerdict::kNotPage},
      {"https://example.kz/news/page.html", ScopeVerdict::kInScope},
      {"https://example.kz/news/v1.2/", ScopeVerdict::kInScope},
      {"ftp://example.kz/news/1", ScopeVerdict::kNotHttp},
      {"javascript:void(0)", ScopeVerdict::kNotHttp},
      {"/news/1", ScopeVerdict::kNotHttp},
  };
  for (const auto& [url, verdict] : cases) {
    EXPECT_EQ(scope.Check(url), verdict) << url << ": " << ToString(scope.Check(url));
  }
}

TEST(GlobMatchTest, StarMatchesAnyRun) {
  EXPECT_TRUE(GlobMatch("/news/*", "/news/"));
  EXPECT_TRUE(GlobMatch("/news/*", "/news/a/b?c=d"));
  EXPECT_FALSE(GlobMatch("/news/*", "/newsletter"));
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_TRUE(GlobMatch("*/print/*", "/a/print/b"));
  EXPECT_TRUE(GlobMatch("/a*b*c", "/aXXbYYbZc"));
  EXPECT_FALSE(GlobMatch("/a*b*c", "/aXXbYYbZ"));
  EXPECT_FALSE(GlobMatch("/exact", "/exact/"));
  EXPECT_TRUE(GlobMatch("/exact", "/exact"));
}

}  // namespace
}  // namespace kuzet::crawler
