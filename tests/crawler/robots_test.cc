#include "crawler/robots.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kuzet::crawler {
namespace {

struct RobotsCase {
  const char* cite;  // where the behaviour is specified
  const char* robots;
  const char* agent;  // product token
  const char* path;
  bool allowed;
};

// RFC 9309 §5.1, the specification's own example.
constexpr const char* kRfcExample =
    "User-Agent: *\n"
    "Disallow: *.gif$\n"
    "Disallow: /example/\n"
    "Allow: /publications/\n"
    "\n"
    "User-Agent: foobot\n"
    "Disallow:/\n"
    "Allow:/example/page.html\n"
    "Allow:/example/allowed.gif\n"
    "\n"
    "User-Agent: barbot\n"
    "User-Agent: bazbot\n"
    "Disallow: /example/page.html\n"
    "\n"
    "User-Agent: quxbot\n"
    "\n"
    "EOF\n";

TEST(RobotsRulesTest, FollowsRfc9309) {
  const RobotsCase cases[] = {
      {"§5.1 foobot allowed page", kRfcExample, "foobot", "/example/page.html", true},
      {"§5.1 foobot allowed gif", kRfcExample, "foobot", "/example/allowed.gif", true},
      {"§5.1 foobot disallowed rest", kRfcExample, "foobot", "/example/other.html", false},
      {"§5.1 foobot disallowed root", kRfcExample, "foobot", "/", false},
      {"§5.1 barbot group", kRfcExample, "barbot", "/example/page.html", false},
      {"§5.1 bazbot shares barbot's group", kRfcExample, "bazbot", "/example/page.html", false},
      {"§5.1 barbot ignores the * group", kRfcExample, "barbot", "/x.gif", true},
      {"§5.1 quxbot empty group allows all", kRfcExample, "quxbot", "/example/", true},
      {"§5.1 other agents use *", kRfcExample, "Kuzet", "/example/a", false},
      {"§5.1 * allow", kRfcExample, "Kuzet", "/publications/a", true},
      {"§5.1 * gif$", kRfcExample, "Kuzet", "/images/a.gif", false},
      {"§2.2.3 $ anchors at the end", kRfcExample, "Kuzet", "/images/a.gif?size=2", true},
      {"§2.2.1 product token case-insensitive", kRfcExample, "FooBot", "/example/page.html", true},
      // §5.2: the most specific (longest) match wins.
      {"§5.2 longest match allow",
       "User-Agent: foobot\nAllow: /example/page/\nDisallow: /example/page/disallowed.gif\n",
       "foobot", "/example/page/", true},
      {"§5.2 longest match disallow",
       "User-Agent: foobot\nAllow: /example/page/\nDisallow: /example/page/disallowed.gif\n",
       "foobot", "/example/page/disallowed.gif", false},
      {"§2.2.2 equal length: allow wins", "User-agent: *\nDisallow: /page\nAllow: /page\n", "Kuzet",
       "/page", true},
      {"§2.2.2 prefix match", "User-agent: *\nDisallow: /fish\n", "Kuzet", "/fish.html", false},
      {"§2.2.2 prefix is case-sensitive", "User-agent: *\nDisallow: /fish\n", "Kuzet", "/Fish.asp",
       true},
      {"§2.2.2 query is part of the path", "User-agent: *\nDisallow: /*?print=\n", "Kuzet",
       "/news/1?print=1", false},
      {"§2.2.2 empty Disallow allows", "User-agent: *\nDisallow:\n", "Kuzet", "/anything", true},
      {"§2.2.2 /robots.txt always allowed", "User-agent: *\nDisallow: /\n", "Kuzet", "/robots.txt",
       true},
      {"§2.2.2 non-ASCII percent-encoded", "User-agent: *\nDisallow: /новости/\n", "Kuzet",
       "/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/1", false},
      {"§2.2.2 escapes compared case-insensitively", "User-agent: *\nDisallow: /a%2fb\n", "Kuzet",
       "/a%2Fb", false},
      {"§2.2.3 * matches any run", "User-agent: *\nDisallow: /*/print/\n", "Kuzet",
       "/2011/12/print/x", false},
      {"§2.2.3 *.php$", "User-agent: *\nDisallow: /*.php$\n", "Kuzet", "/a/b.php", false},
      {"§2.2.3 *.php$ not a prefix", "User-agent: *\nDisallow: /*.php$\n", "Kuzet", "/a/b.phps",
       true},
      {"§2.2.1 matching groups combined",
       "User-agent: kuzet\nDisallow: /a\n\nUser-agent: kuzet\nDisallow: /b\n", "Kuzet", "/b/1",
       false},
      {"§2.2.1 no group, no rules", "User-agent: otherbot\nDisallow: /\n", "Kuzet", "/", true},
      {"§2.2.1 token is the name before '/'", "User-agent: Kuzet/2.0\nDisallow: /\n", "Kuzet", "/",
       false},
      {"§2.1 rules before any user-agent ignored", "Disallow: /\nUser-agent: *\nAllow: /\n",
       "Kuzet", "/x", true},
      {"§2.2 comments", "User-agent: * # everyone\nDisallow: /private # keep out\n", "Kuzet",
       "/private/1", false},
      {"§2.2 CR line endings", "User-agent: *\rDisallow: /x\r", "Kuzet", "/x", false},
      {"§2.2 CRLF and BOM", "\xEF\xBB\xBFUser-agent: *\r\nDisallow: /x\r\n", "Kuzet", "/x", false},
      {"§2.2 keys case-insensitive", "USER-AGENT: *\nDISALLOW: /x\n", "Kuzet", "/x", false},
      {"google/robotstxt: common misspelling", "User-agent: *\nDissallow: /x\n", "Kuzet", "/x",
       false},
      {"empty file allows", "", "Kuzet", "/", true},
  };
  for (const RobotsCase& c : cases) {
    RobotsRules rules = RobotsRules::Parse(c.robots, c.agent);
    EXPECT_EQ(rules.Allowed(c.path), c.allowed) << c.cite << ": " << c.path;
  }
}

TEST(RobotsRulesTest, ParsesOnlyTheFirst500KiB) {
  // RFC 9309 §2.5: a limit of at least 500 KiB; rules after it are not read.
  std::string body = "User-agent: *\n" + std::string(600 * 1024, '#') + "\nDisallow: /\n";
  EXPECT_TRUE(RobotsRules::Parse(body, "Kuzet").Allowed("/x"));
}

TEST(RobotsRulesTest, CrawlDelayAndSitemaps) {
  RobotsRules rules = RobotsRules::Parse(
      "Sitemap: https://e.kz/sitemap.xml\nUser-agent: *\nCrawl-delay: 2.5\nUser-agent: other\n"
      "Crawl-delay: 9\nSitemap: https://e.kz/news.xml\n",
      "Kuzet");
  ASSERT_TRUE(rules.crawl_delay().has_value());
  EXPECT_DOUBLE_EQ(*rules.crawl_delay(), 2.5);
  EXPECT_EQ(rules.sitemaps(),
            (std::vector<std::string>{"https://e.kz/sitemap.xml", "https://e.kz/news.xml"}));
  EXPECT_FALSE(RobotsRules::Parse("User-agent: *\nDisallow: /\n", "Kuzet").crawl_delay());
}

TEST(RobotsRulesTest, AllowAllAndDisallowAll) {
  EXPECT_TRUE(RobotsRules::AllowAll().Allowed("/a"));
  EXPECT_FALSE(RobotsRules::DisallowAll().Allowed("/a"));
  EXPECT_FALSE(RobotsRules::DisallowAll().Allowed(""));
  EXPECT_TRUE(RobotsRules::DisallowAll().Allowed("/robots.txt"));
}

TEST(ProductTokenTest, TakesTheLeadingName) {
  EXPECT_EQ(ProductToken("Kuzet/0.1 (news monitor; +https://github.com/kuzet)"), "Kuzet");
  EXPECT_EQ(ProductToken("Googlebot-News"), "Googlebot-News");
  EXPECT_EQ(ProductToken("  my_bot 1.0"), "my_bot");
}

// The parser reports records with line numbers and knows nothing about matching.
class RecordingParseHandler : public RobotsParseHandler {
 public:
  std::vector<std::string> records;
  void HandleUserAgent(int line, std::string_view v) override { Add(line, "ua", v); }
  void HandleAllow(int line, std::string_view v) override { Add(line, "allow", v); }
  void HandleDisallow(int line, std::string_view v) override { Add(line, "disallow", v); }
  void HandleCrawlDelay(int line, std::string_view v) override { Add(line, "delay", v); }
  void HandleSitemap(int line, std::string_view v) override { Add(line, "sitemap", v); }
  void HandleUnknown(int line, std::string_view k, std::string_view v) override {
    Add(line, std::string("?").append(k), v);
  }

 private:
  void Add(int line, const std::string& kind, std::string_view value) {
    records.push_back(std::to_string(line) + " " + kind + " " + std::string(value));
  }
};

TEST(ParseRobotsTxtTest, ReportsRecordsInOrder) {
  RecordingParseHandler handler;
  ParseRobotsTxt(
      "User-agent: a\n\n# comment\nDisallow: /x # why\nno colon here\nHost: e.kz\n"
      "Crawl-delay: 3\r\nSitemap: https://e.kz/s.xml\nAllow:/y",
      handler);
  EXPECT_EQ(handler.records,
            (std::vector<std::string>{"1 ua a", "4 disallow /x", "6 ?Host e.kz", "7 delay 3",
                                      "8 sitemap https://e.kz/s.xml", "9 allow /y"}));
}

}  // namespace
}  // namespace kuzet::crawler
