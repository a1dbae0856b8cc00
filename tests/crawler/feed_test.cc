#include "crawler/feed.h"

#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>

#include "crawler/feed_date.h"

namespace kuzet::crawler {
namespace {

namespace fs = std::filesystem;

const fs::path kFeeds = fs::path(KUZET_SHARED_DIR) / "vectors/feeds";

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

TEST(FeedTest, ParsesRss2) {
  Result<Feed> feed = ParseFeed(R"(<?xml version="1.0"?>
<rss version="2.0"><channel><title>Kazakh news</title>
<item><title>Жаңаөзен</title><link>https://example.kz/news/1</link>
  <pubDate>Fri, 16 Dec 2011 10:00:00 +0600</pubDate><guid isPermaLink="false">n1</guid></item>
<item><title>relative</title><link>/news/2</link></item>
<item><title>guid only</title><guid>https://example.kz/news/3</guid></item>
<item><title>no link</title><guid isPermaLink="false">x</guid></item>
</channel></rss>)",
                                "https://example.kz/rss.xml");
  ASSERT_TRUE(feed.ok()) << feed.status().message();
  EXPECT_EQ(feed->title, "Kazakh news");
  ASSERT_EQ(feed->items.size(), 3u);
  EXPECT_EQ(feed->items[0].url, "https://example.kz/news/1");
  EXPECT_EQ(feed->items[0].title, "Жаңаөзен");
  EXPECT_EQ(feed->items[0].guid, "n1");
  EXPECT_EQ(feed->items[0].published, 1324008000);  // 2011-12-16T04:00:00Z
  EXPECT_EQ(feed->items[1].url, "https://example.kz/news/2");
  EXPECT_EQ(feed->items[2].url, "https://example.kz/news/3");
}

TEST(FeedTest, ParsesRdfAndAtom) {
  Result<Feed> rdf = ParseFeed(R"(<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
  xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="http://e.org/"><title>RDF</title></channel>
<item rdf:about="http://e.org/a"><title>A</title><link>http://e.org/a</link>
<dc:date>2011-12-16T10:00:00+06:00</dc:date></item></rdf:RDF>)",
                               "http://e.org/rdf");
  ASSERT_TRUE(rdf.ok()) << rdf.status().message();
  EXPECT_EQ(rdf->title, "RDF");
  ASSERT_EQ(rdf->items.size(), 1u);
  EXPECT_EQ(rdf->items[0].url, "http://e.org/a");
  EXPECT_EQ(rdf->items[0].published, 1324008000);

  Result<Feed> atom =
      ParseFeed(R"(<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://e.org/blog/">
<title>Atom</title>
<entry><title>One</title><id>tag:e.org,2011:1</id><link rel="enclosure" href="/a.mp3"/>
<link rel="alternate" href="posts/1"/><updated>2011-12-16T04:00:00Z</updated></entry>
</feed>)",
                "http://e.org/atom.xml");
  ASSERT_TRUE(atom.ok()) << atom.status().message();
  ASSERT_EQ(atom->items.size(), 1u);
  EXPECT_EQ(atom->items[0].url, "http://e.org/blog/posts/1");
  EXPECT_EQ(atom->items[0].guid, "tag:e.org,2011:1");
  EXPECT_EQ(atom->items[0].published, 1324008000);
}

TEST(FeedTest, RejectsNonFeedsAndKeepsItemsBeforeABreak) {
  EXPECT_FALSE(ParseFeed("<html><body>hi</body></html>", "http://e.org/").ok());
  EXPECT_FALSE(ParseFeed("", "http://e.org/").ok());
  EXPECT_FALSE(ParseFeed("not xml at all", "http://e.org/").ok());
  Result<Feed> truncated = ParseFeed(
      "<rss><channel><item><link>http://e.org/1</link></item><item><link>http://e.org/2</li",
      "http://e.org/");
  ASSERT_TRUE(truncated.ok()) << truncated.status().message();
  ASSERT_GE(truncated->items.size(), 1u);
  EXPECT_EQ(truncated->items[0].url, "http://e.org/1");
}

TEST(FeedDateTest, ParsesRfc822AndIso8601) {
  const std::pair<const char*, int64_t> cases[] = {
      {"Tue, 10 Jun 2003 04:00:00 GMT", 1055217600},
      {"10 Jun 2003 04:00:00 GMT", 1055217600},
      {"Tue, 10 Jun 2003 07:00:00 +0300", 1055217600},
      {"Tue, 10 Jun 2003 00:00:00 EDT", 1055217600},
      {"Tue, 10 Jun 03 04:00 GMT", 1055217600},
      {"2003-06-10T04:00:00Z", 1055217600},
      {"2003-06-10T09:00:00.123+05:00", 1055217600},
      {"2003-06-10", 1055203200},
      {"yesterday", 0},
      {"", 0},
      {"2003-13-10", 0},
  };
  for (const auto& [text, expected] : cases) EXPECT_EQ(ParseFeedDate(text), expected) << text;
}

// Every feedparser test document parses without crashing; where the document states the link of
// an entry, that link is what we read.
TEST(FeedVectorsTest, FeedparserDocumentsParseAndStatedLinksMatch) {
  if (!fs::exists(kFeeds / "wellformed")) GTEST_SKIP() << "absent: " << kFeeds;
  const std::string base = "http://127.0.0.1:8097/";  // the server feedparser's tests ran on
  const std::regex link_expectation(
      R"(entries\[(\d+)\]\['link'\] == (?:entries\[\d+\]\['link'\] == )?'([^']*)')");
  int files = 0, feeds_with_items = 0, link_checks = 0;
  for (const char* folder : {"wellformed", "illformed", "encoding", "entities"}) {
    for (const auto& entry : fs::recursive_directory_iterator(kFeeds / folder)) {
      if (!entry.is_regular_file()) continue;
      std::string text = ReadFile(entry.path());
      // A document may state the HTTP headers it was served with; Content-Location is its base.
      std::smatch location;
      static const std::regex content_location(R"(Header:\s*Content-Location:\s*(\S+))");
      std::string document_base =
          std::regex_search(text, location, content_location) ? location[1].str() : base;
      Result<Feed> feed = ParseFeed(text, document_base);
      ++files;
      if (feed.ok() && !feed->items.empty()) ++feeds_with_items;
      std::smatch match;
      if (std::string(folder) == "wellformed" && std::regex_search(text, match, link_expectation)) {
        ++link_checks;
        size_t index = std::stoul(match[1]);
        ASSERT_TRUE(feed.ok()) << entry.path() << ": " << feed.status().message();
        ASSERT_LT(index, feed->items.size()) << entry.path();
        EXPECT_EQ(feed->items[index].url, match[2].str()) << entry.path();
      }
    }
  }
  std::cout << files << " feedparser documents parsed, " << feeds_with_items << " with items, "
            << link_checks << " stated links checked\n";
  EXPECT_GT(files, 2000);
  EXPECT_GE(link_checks, 20);
}

// Where a document states the parsed date of an entry holding a single date element, ParseFeedDate
// reads that element's text to the same instant.
TEST(FeedVectorsTest, StatedEntryDatesMatch) {
  if (!fs::exists(kFeeds / "wellformed")) GTEST_SKIP() << "absent: " << kFeeds;
  const std::regex date_expectation(
      R"(entries\[0\]\['(\w+)_parsed'\] == \((\d+), (\d+), (\d+), (\d+), (\d+), (\d+))");
  const std::regex single_element(R"(<(entry|item)>\s*<([\w:]+)>([^<]+)</\2>\s*</\1>)");
  int checked = 0;
  for (const auto& entry : fs::recursive_directory_iterator(kFeeds / "wellformed")) {
    if (!entry.is_regular_file()) continue;
    std::string text = ReadFile(entry.path());
    std::smatch expected, element;
    if (!std::regex_search(text, expected, date_expectation) ||
        !std::regex_search(text, element, single_element)) {
      continue;
    }
    std::tm tm{};
    tm.tm_year = std::stoi(expected[2]) - 1900;
    tm.tm_mon = std::stoi(expected[3]) - 1;
    tm.tm_mday = std::stoi(expected[4]);
    tm.tm_hour = std::stoi(expected[5]);
    tm.tm_min = std::stoi(expected[6]);
    tm.tm_sec = std::stoi(expected[7]);
    ++checked;
    EXPECT_EQ(ParseFeedDate(element[3].str()), timegm(&tm))
        << entry.path() << ": " << element[3].str();
  }
  std::cout << checked << " stated entry dates checked\n";
  EXPECT_GE(checked, 8);
}

TEST(FeedVectorsTest, RealFeedsYieldTheirLinks) {
  const fs::path dir = kFeeds / "trafilatura-resources";
  if (!fs::exists(dir)) GTEST_SKIP() << "absent: " << dir;
  for (const char* name : {"feed1.atom", "feed2.rss"}) {
    std::string text = ReadFile(dir / name);
    Result<Feed> feed = ParseFeed(text, "https://example.org/feed");
    ASSERT_TRUE(feed.ok()) << name << ": " << feed.status().message();
    EXPECT_FALSE(feed->items.empty()) << name;
    for (const FeedItem& item : feed->items) {
      EXPECT_TRUE(item.url.rfind("http", 0) == 0) << name << ": " << item.url;
      // Every link we report appears in the document (possibly relative).
      std::string path = item.url.substr(item.url.find('/', 8));
      EXPECT_NE(text.find(path), std::string::npos) << name << ": " << item.url;
    }
    std::cout << name << ": " << feed->items.size() << " items\n";
  }
}

}  // namespace
}  // namespace kuzet::crawler
