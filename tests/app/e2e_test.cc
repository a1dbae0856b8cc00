// End to end: a real HTTP server on 127.0.0.1, the real `kuzet` binary, a temp data dir.
// crawl --once stores exactly the mentions a monitor expects; a second crawl adds none and
// fetches no article again.
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/app/run_command.h"
#include "tests/app/steppe_crawl.h"
#include "tests/app/test_site.h"
#include "tests/scratch_dir.h"

namespace kuzet {
namespace {

namespace fs = std::filesystem;

using testing::CommandResult;
using testing::RunKuzet;

class EndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(config_) << testing::LoopbackSettings("warn") + R"(
[[sites]]
id = "steppe"
name = "Steppe Labour News"
languages = ["en", "ru", "kk"]
start_urls = [")" + site_.Url("/") +
                                  R"("]
feeds = [")" + site_.Url("/feed.xml") +
                                  R"("]
interval = "15m"
max_depth = 1

[[rules]]
id = "zhanaozen"
terms = ["Zhanaozen", "Жанаозен", "Жаңаөзен"]

[[rules]]
id = "kmg"
terms = ["KazMunaiGas", "КазМунайГаз"]

[[rules]]
id = "strike-ru"
terms = ["забастовка"]
languages = ["ru"]

[[rules]]
id = "strike-in-russian-only"
terms = ["ереуіл"]
languages = ["ru"]
)";
  }

  nlohmann::json Mentions(const std::string& filters = "") {
    CommandResult r =
        RunKuzet("mentions --by rule --config " + config_ + " --format json " + filters);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    return nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  }

  testing::TestSite site_;
  testing::ScratchDir dir_{"kuzet-e2e"};
  std::string config_ = (dir_.path() / "kuzet.toml").string();
};

// One expected mention: where, which rule, and the distinct words that matched.
struct Expected {
  std::string path, rule, lang, title_prefix;
  std::set<std::string> surfaces;
  bool operator<(const Expected& o) const {
    return std::tie(path, rule) < std::tie(o.path, o.rule);
  }
};

TEST_F(EndToEndTest, CrawlOnceStoresExactlyTheExpectedMentionsAndASecondCrawlAddsNone) {
  CommandResult crawl = RunKuzet("crawl --once --config " + config_);
  ASSERT_EQ(crawl.exit_code, 0) << crawl.out;

  nlohmann::json mentions = Mentions();
  ASSERT_TRUE(mentions.is_array()) << mentions;

  std::set<Expected> expected = {
      {"/en/strike.html", "zhanaozen", "en", "Oil workers strike again", {"Zhanaozen"}},
      {"/en/strike.html", "kmg", "en", "Oil workers strike again", {"KazMunaiGas"}},
      {"/ru/zabastovka.html", "zhanaozen", "ru", "Забастовка нефтяников", {"Жанаозен"}},
      {"/ru/zabastovka.html", "strike-ru", "ru", "Забастовка нефтяников", {"Забастовка"}},
      {"/kk/ereuil.html", "zhanaozen", "kk", "Мұнайшылар ереуілі", {"Жаңаөзен"}},
  };
  std::set<Expected> actual;
  std::string prefix = site_.Url("");
  for (const auto& m : mentions) {
    std::string url = m["url"];
    ASSERT_TRUE(url.starts_with(prefix)) << url;
    Expected e{url.substr(prefix.size()), m["rule"], m["lang"], "", {}};
    std::string title = m["title"];
    for (const Expected& x : expected) {
      if (x.path == e.path && x.rule == e.rule) {
        EXPECT_TRUE(title.starts_with(x.title_prefix)) << title;
        e.title_prefix = x.title_prefix;
      }
    }
    for (const auto& hit : m["hits"]) e.surfaces.insert(hit["surface"].get<std::string>());
    EXPECT_EQ(m["site"], "steppe");
    // The snippet marks the first hit's words.
    std::string snippet = m["snippet"];
    size_t begin = m["snippet_mark"][0], end = m["snippet_mark"][1];
    ASSERT_LE(end, snippet.size());
    EXPECT_EQ(snippet.substr(begin, end - begin), m["hits"][0]["surface"]) << snippet;
    actual.insert(e);
  }
  ASSERT_EQ(actual.size(), mentions.size()) << "a (page, rule) pair was stored twice";
  for (const Expected& x : expected) {
    auto it = actual.find(x);
    ASSERT_NE(it, actual.end()) << "missing mention: " << x.path << " " << x.rule;
    EXPECT_EQ(it->lang, x.lang) << x.path;
    EXPECT_EQ(it->surfaces, x.surfaces) << x.path << " " << x.rule;
  }
  EXPECT_EQ(actual.size(), expected.size()) << mentions.dump(2);

  // Newest first.
  for (size_t i = 1; i < mentions.size(); ++i) {
    EXPECT_GE(mentions[i - 1]["found_at"].get<std::string>(),
              mentions[i]["found_at"].get<std::string>());
  }

  // Every article was fetched exactly once.
  std::vector<std::string> requests = site_.Requests();
  for (const char* path :
       {"/en/strike.html", "/ru/zabastovka.html", "/kk/ereuil.html", "/en/weather.html"}) {
    EXPECT_EQ(std::count(requests.begin(), requests.end(), path), 1) << path;
  }

  // The second crawl re-reads the front page and the feed, fetches no article, stores nothing.
  site_.ClearRequests();
  crawl = RunKuzet("crawl --once --config " + config_);
  ASSERT_EQ(crawl.exit_code, 0) << crawl.out;
  requests = site_.Requests();
  EXPECT_EQ(std::count(requests.begin(), requests.end(), "/"), 1);
  EXPECT_EQ(std::count(requests.begin(), requests.end(), "/feed.xml"), 1);
  for (const char* path : {"/en/strike.html", "/ru/zabastovka.html", "/kk/ereuil.html"}) {
    EXPECT_EQ(std::count(requests.begin(), requests.end(), path), 0) << path;
  }
  EXPECT_EQ(Mentions(), mentions);
}

TEST_F(EndToEndTest, MentionFiltersSelectByRuleLanguageAndSite) {
  ASSERT_EQ(RunKuzet("crawl --once --config " + config_).exit_code, 0);
  EXPECT_EQ(Mentions("--rule zhanaozen").size(), 3u);
  EXPECT_EQ(Mentions("--lang ru").size(), 2u);
  EXPECT_EQ(Mentions("--site steppe").size(), 5u);
  // A site the config does not name (and the store never saw) is a typo, not an empty answer.
  CommandResult nowhere = RunKuzet("mentions --config " + config_ + " --site nowhere 2>&1");
  EXPECT_EQ(nowhere.exit_code, 2) << nowhere.out;
  EXPECT_NE(nowhere.out.find("--site nowhere: no such site in " + config_ + " (sites: "),
            std::string::npos)
      << nowhere.out;
  EXPECT_EQ(Mentions("--since 1h").size(), 5u);
  EXPECT_EQ(Mentions("--until 1h").size(), 0u);
  EXPECT_EQ(Mentions("--limit 2").size(), 2u);
}

TEST_F(EndToEndTest, CheckConfigNamesFileLineAndField) {
  EXPECT_EQ(RunKuzet("check-config " + config_).exit_code, 0);
  std::string bad = (dir_.path() / "bad.toml").string();
  std::ofstream(bad) << "[[sites]]\nid = \"a\"\nstart_urls = [\"http://x.test/\"]\n"
                        "interval = \"fast\"\n";
  CommandResult r = RunKuzet("check-config " + bad + " 2>&1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("bad.toml:4: sites[0].interval"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace kuzet
