// The web page at / (issue #18): rendered on the server and read here without JavaScript by an
// XML parser (the page is polyglot HTML), then in headless Chromium at 1280 and 390 px over the
// DevTools protocol (tests/app/page_browser.mjs), with screenshots in the test's output folder.
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "app/http_server.h"
#include "app/web_page.h"
#include "base/escape.h"
#include "base/time.h"
#include "storage/evidence.h"
#include "storage/watch.h"
#include "tests/app/http_test_store.h"
#include "tests/app/run_command.h"

namespace kuzet::app {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr char kConfig[] = R"TOML(
[[sites]]
id = "steppe"
name = "Steppe News"
languages = ["en", "ru"]
start_urls = ["http://steppe.test/"]

[[sites]]
id = "ulys"
name = "Ulys Times"
languages = ["kk", "en"]
start_urls = ["http://ulys.test/"]

[[rules]]
id = "zhanaozen"
description = "The Zhanaozen strike"
terms = ["Zhanaozen"]

[[rules]]
id = "strike-ru"
terms = ["забастовка"]
languages = ["ru"]

[[rules]]
id = "kmg"
description = "KazMunayGas"
terms = ["KazMunaiGas"]
)TOML";

std::string Utc(int64_t unix_micros, const char* pattern = "%Y-%m-%dT%H:%M:%SZ") {
  std::time_t seconds = static_cast<std::time_t>(unix_micros / 1000000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, pattern, &tm);
  return buf;
}

// All text below a node, as a browser's textContent.
std::string TextOf(const pugi::xml_node& node) {
  std::string text;
  for (pugi::xml_node child : node.children()) {
    text += child.type() == pugi::node_pcdata ? std::string(child.value()) : TextOf(child);
  }
  return text;
}

// One <li class="article"> as an analyst reads it.
struct ShownArticle {
  std::string doc, title, href, site, time_text, time_utc;
  std::vector<std::string> rules, snippets;  // snippets as "before[match]after"
  std::vector<std::string> also_at;          // the links' texts
  std::string also_at_total;
  pugi::xml_node node;
};

std::string SnippetText(const pugi::xml_node& li) {
  std::string out;
  for (pugi::xml_node child : li.children()) {
    if (child.type() == pugi::node_pcdata) {
      out += child.value();
    } else if (std::string(child.name()) == "mark") {
      out.append("[").append(TextOf(child)).append("]");
    }
  }
  while (!out.empty() && out.front() == ' ') out.erase(0, 1);
  return out;
}

std::vector<ShownArticle> ArticlesOf(const pugi::xml_document& doc) {
  std::vector<ShownArticle> articles;
  for (const pugi::xpath_node& x : doc.select_nodes("//li[@class='article']")) {
    pugi::xml_node li = x.node();
    ShownArticle a;
    a.node = li;
    a.doc = li.attribute("data-doc").value();
    pugi::xml_node h2 = li.select_node(".//h2").node();
    a.title = TextOf(h2);
    a.href = h2.select_node(".//a").node().attribute("href").value();
    a.site = TextOf(li.select_node(".//span[@class='site']").node());
    pugi::xml_node time = li.select_node(".//time").node();
    a.time_text = TextOf(time);
    a.time_utc = time.attribute("datetime").value();
    for (const auto& chip : li.select_nodes(".//ul[@class='rules']//a")) {
      a.rules.push_back(TextOf(chip.node()));
    }
    for (const auto& s : li.select_nodes(".//ul[@class='snippets']/li")) {
      a.snippets.push_back(SnippetText(s.node()));
    }
    pugi::xml_node also = li.select_node(".//div[@class='also-at']").node();
    a.also_at_total = also.attribute("data-total").value();
    for (const auto& place : also.select_nodes(".//li")) a.also_at.push_back(TextOf(place.node()));
    articles.push_back(std::move(a));
  }
  return articles;
}

std::vector<std::string> TitlesOf(const pugi::xml_document& doc) {
  std::vector<std::string> titles;
  for (const ShownArticle& a : ArticlesOf(doc)) titles.push_back(a.title);
  return titles;
}

class WebPageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("kuzet-web-page-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto store = storage::Store::Open((dir_ / "data").string());
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(store).value();
    base_us_ = base::NowMicros() - 3600LL * 1000000;  // an hour ago
    for (const auto& page : testing::SamplePages(base_us_)) Put(page);
    auto config = config::ParseConfig(kConfig, "page.toml");
    ASSERT_TRUE(config.ok()) << config.status().message();
    choices_ = PageChoicesFromConfig(*config);
  }
  void TearDown() override {
    client_.reset();
    server_.reset();
    store_.reset();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  void Put(const storage::PageInput& page) {
    auto put = store_->writer().PutPage(page);
    ASSERT_TRUE(put.ok()) << put.status().message();
  }

  void StartServer(const std::string& token = "") {
    HttpServerOptions options;
    options.store = store_.get();
    options.data_dir = (dir_ / "data").string();
    options.listen = "127.0.0.1:0";
    options.token = token;
    options.page_choices = choices_;
    auto server = HttpServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status().message();
    server_ = std::move(server).value();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(10, 0);
  }

  // GET path; the body parsed as XML (the page is polyglot HTML), failing the test otherwise.
  int GetPage(const std::string& path, pugi::xml_document* doc,
              const httplib::Headers& headers = {}) {
    auto res = client_->Get(path.c_str(), headers);
    if (!res) {
      ADD_FAILURE() << path << ": no answer";
      return 0;
    }
    last_body_ = res->body;
    last_csp_ = res->get_header_value("Content-Security-Policy");
    pugi::xml_parse_result parsed = doc->load_string(res->body.c_str());
    EXPECT_TRUE(parsed) << path << ": not well-formed at byte " << parsed.offset << ": "
                        << parsed.description() << "\n"
                        << res->body;
    return res->status;
  }

  // 40 pages whose titles, snippets, URLs, languages, sites and rules are as hostile as a crawled
  // page can make them, newer than the samples; their titles, oldest first.
  std::vector<std::string> PutHostilePages() {
    std::mt19937 rng(18);
    const std::vector<std::string> pieces = {"<script>alert(1)</script>",
                                             "\"><img src=x onerror=alert(1)>",
                                             "]]>",
                                             "<!--",
                                             "&amp;",
                                             "'",
                                             "\r\n",
                                             "\t",
                                             std::string("\0", 1),
                                             "\x1b[31m",
                                             "\xff\xfe",
                                             "\xed\xa0\x80",
                                             "\xef\xbf\xbe",
                                             "\u202e",
                                             "Жанаөзен",
                                             "javascript:alert(1)",
                                             "</li></ol>",
                                             "&#0;"};
    // Ids (site, rule) may hold anything but the NUL and 0x01 bytes the store's keys refuse.
    auto hostile = [&](bool id = false) {
      std::string s;
      int n = std::uniform_int_distribution<int>(1, 8)(rng);
      for (int i = 0; i < n; ++i) {
        s += pieces[std::uniform_int_distribution<size_t>(0, pieces.size() - 1)(rng)];
      }
      if (id) std::erase_if(s, [](char c) { return c == '\0' || c == '\x01'; });
      return s.empty() ? std::string("<x>") : s;
    };
    std::vector<std::string> titles;
    for (int i = 0; i < 40; ++i) {
      std::string title = hostile();
      std::string text = hostile() + " Zhanaozen " + hostile();
      std::string url = i % 2 ? "javascript:alert(" + std::to_string(i) + ")"
                              : "http://evil.test/" + std::to_string(i) + "?" + hostile();
      Put(testing::MakePage(i % 3 ? "steppe" : hostile(true), url, title, hostile(), text,
                            {{i % 4 ? "zhanaozen" : hostile(true), "Zhanaozen"}},
                            base_us_ + 100000000 + i));
      titles.push_back(title);
    }
    return titles;
  }

  // A watched document with versions made through the storage API (PageWriter::PutVersion):
  // 0 the original, 1 a text edit (archived), 2 a text edit removing the name `name` of rule
  // zhanaozen, 3 gone (HTTP 410). Its id.
  uint64_t PutWatchedDocument(const std::string& title, const std::string& name,
                              const std::string& site = "steppe") {
    storage::PageInput page =
        testing::MakePage(site, "http://steppe.test/strike", title, "en",
                          "Oil workers in Zhanaozen went on strike. " + name + " spoke for them.",
                          {{"zhanaozen", "Zhanaozen"}}, base_us_ + 500000000);
    page.watch = storage::WatchStart{base_us_ + 600000000, 1};
    auto put = store_->writer().PutPage(page);
    EXPECT_TRUE(put.ok()) << put.status().message();
    if (!put.ok()) return 0;
    const uint64_t id = put->doc_id;
    struct NoSync : storage::EvidenceSync {
      Status Sync() override { return Status::Ok(); }
    } sync;
    auto refetch = [&](int step, storage::VersionRecord v, bool archived) {
      storage::VersionInput input;
      input.doc_id = id;
      input.due_us = base_us_ + 600000000 + step * 1000000LL;
      v.fetched_at_us = input.due_us + 7;
      input.version = v;
      if (step < 2) {
        input.next_due_us = input.due_us + 1000000;
        input.next = storage::WatchEntry{page.url, site, static_cast<uint32_t>(step + 1), 1,
                                         page.fetched_at_us};
      }
      if (archived) {
        input.archive = [at = v.fetched_at_us](
                            const storage::EvidenceContext&) -> Result<storage::EvidenceCapture> {
          storage::EvidenceCapture capture;
          capture.fetched_at_us = at;
          capture.url = "http://steppe.test/strike";
          capture.records = {{"kuzet-00042.warc.gz", 4096, 700},
                             {"kuzet-00042.warc.gz", 4796, 9000}};
          return capture;
        };
        input.archive_sync = &sync;
      }
      auto stored = store_->writer().PutVersion(input);
      EXPECT_TRUE(stored.ok() && stored->stored) << stored.status().message();
    };
    storage::VersionRecord edit;
    edit.http_status = 200;
    edit.digest = std::string(64, 'a');
    edit.kinds = {"text_edited"};
    edit.has_text = true;
    edit.text = "Oil workers in Zhanaozen stayed on strike. " + name + " spoke for them.";
    refetch(0, edit, true);
    storage::VersionRecord removed = edit;
    removed.digest = std::string(64, 'b');
    removed.kinds = {"text_edited", "name_removed"};
    removed.names_removed = {{"zhanaozen", name}};
    removed.text = "Oil workers stayed on strike.";
    refetch(1, removed, false);
    storage::VersionRecord gone;
    gone.http_status = 410;
    gone.kinds = {"gone"};
    refetch(2, gone, false);
    return id;
  }

  fs::path dir_;
  int64_t base_us_ = 0;
  PageChoices choices_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<httplib::Client> client_;
  std::string last_body_, last_csp_;
};

TEST_F(WebPageTest, FirstPageIsRenderedOnTheServerOneEntryPerArticle) {
  StartServer();
  pugi::xml_document doc;
  ASSERT_EQ(GetPage("/", &doc), 200);
  std::vector<ShownArticle> articles = ArticlesOf(doc);
  // 5 mentions in 4 documents: the Russian page matched two rules and is listed once.
  ASSERT_EQ(articles.size(), 4u) << last_body_;
  EXPECT_EQ(articles[0].title, "KazMunaiGas <b>output</b> & \"plans\"");  // newest first
  EXPECT_EQ(articles[0].site, "Ulys Times") << "the site's name, not its id";
  const ShownArticle& ru = articles[2];
  EXPECT_EQ(ru.title, "Годовщина в Жанаозене");
  EXPECT_EQ(ru.href, "http://steppe.test/ru/годовщина");
  EXPECT_EQ(ru.site, "Steppe News");
  EXPECT_STREQ(ru.node.attribute("lang").value(), "ru") << "for screen readers";
  EXPECT_EQ(ru.rules, (std::vector<std::string>{"zhanaozen", "strike-ru"}));
  EXPECT_EQ(ru.snippets,
            (std::vector<std::string>{"Нефтяники в [Жанаозене] вспомнили забастовку 2011 года.",
                                      "Нефтяники в Жанаозене вспомнили [забастовку] 2011 года."}));
  // Times: the UTC instant for the script, a UTC text that says so for a reader without it.
  EXPECT_EQ(ru.time_utc, Utc(base_us_ + 1000000));
  EXPECT_EQ(ru.time_text.substr(ru.time_text.size() - 4), " UTC") << ru.time_text;
  EXPECT_EQ(TextOf(doc.select_node("//p[@id='status']").node()), "4 articles");
  EXPECT_EQ(std::string(doc.select_node("//a[@id='feed']").node().attribute("href").value()),
            "feed.atom");
  // No inline script or style, and a CSP that allows none.
  for (const auto& script : doc.select_nodes("//script")) {
    EXPECT_STREQ(script.node().attribute("src").value(), "page.js");
    EXPECT_TRUE(TextOf(script.node()).empty());
  }
  EXPECT_TRUE(doc.select_nodes("//style").empty());
  EXPECT_TRUE(doc.select_nodes("//*[@style]").empty());
  EXPECT_EQ(last_csp_.find("unsafe-inline"), std::string::npos) << last_csp_;
  EXPECT_NE(last_csp_.find("script-src 'self'"), std::string::npos) << last_csp_;
  auto css = client_->Get("/page.css");
  auto js = client_->Get("/page.js");
  ASSERT_TRUE(css && js);
  EXPECT_EQ(css->get_header_value("Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(js->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(js->body, WebPageScript());
}

TEST_F(WebPageTest, FiltersAreChosenFromTheConfiguredRulesSitesAndLanguages) {
  StartServer();
  pugi::xml_document doc;
  ASSERT_EQ(GetPage("/?rule=kmg&site=ulys", &doc), 200);
  auto options = [&](const char* name) {
    std::vector<std::string> out;
    std::string xpath = std::string("//select[@name='") + name + "']/option";
    for (const auto& o : doc.select_nodes(xpath.c_str())) {
      out.push_back(std::string(o.node().attribute("value").value()) + "=" + TextOf(o.node()) +
                    (o.node().attribute("selected") ? "*" : ""));
    }
    return out;
  };
  EXPECT_EQ(options("rule"),
            (std::vector<std::string>{"=All rules", "zhanaozen=zhanaozen — The Zhanaozen strike",
                                      "strike-ru=strike-ru", "kmg=kmg — KazMunayGas*"}));
  EXPECT_EQ(options("site"),
            (std::vector<std::string>{"=All sites", "steppe=Steppe News", "ulys=Ulys Times*"}));
  EXPECT_EQ(options("lang"), (std::vector<std::string>{"=All languages", "en=English (en)",
                                                       "kk=Қазақша (kk)", "ru=Русский (ru)"}));
  EXPECT_EQ(doc.select_nodes("//input[@type='datetime-local']").size(), 2u);
  // The feed link carries the same filters.
  EXPECT_STREQ(doc.select_node("//a[@id='feed']").node().attribute("href").value(),
               "feed.atom?rule=kmg&site=ulys");
  EXPECT_STREQ(doc.select_node("//link[@rel='alternate']").node().attribute("href").value(),
               "feed.atom?rule=kmg&site=ulys");
  // A rule no longer configured stays selectable, marked as such.
  ASSERT_EQ(GetPage("/?rule=retired", &doc), 200);
  EXPECT_EQ(options("rule").back(), "retired=retired (not configured)*");
  // A reload's new rules are offered from the next request on.
  PageChoices reloaded = choices_;
  reloaded.rules.push_back({"new-rule", "new-rule"});
  server_->SetPageChoices(reloaded);
  ASSERT_EQ(GetPage("/", &doc), 200);
  EXPECT_EQ(options("rule").back(), "new-rule=new-rule");
}

TEST_F(WebPageTest, FiltersSelectTheirArticles) {
  StartServer();
  const std::string hour_ago = Utc(base_us_);  // the first sample page's time
  const std::string hour_ago_local_form =
      hour_ago.substr(0, 16);  // "2026-..T..:.." as a form sends
  struct Case {
    std::string query;
    std::vector<std::string> titles;
  };
  const std::vector<Case> cases = {
      {"rule=kmg", {"KazMunaiGas <b>output</b> & \"plans\""}},
      {"rule=strike-ru", {"Годовщина в Жанаозене"}},
      {"site=steppe", {"Годовщина в Жанаозене", "Zhanaozen remembers"}},
      {"lang=kk", {"Жаңаөзен мұнайшылары"}},
      {"rule=zhanaozen&lang=ru", {"Годовщина в Жанаозене"}},
      {"since=30m", {}},
      {"since=" + Utc(base_us_ + 2000000),
       {"KazMunaiGas <b>output</b> & \"plans\"", "Жаңаөзен мұнайшылары"}},
      {"until=" + Utc(base_us_ + 1000000), {"Zhanaozen remembers"}},
      // What a form without JavaScript sends: every field, empty ones too, datetime-local times.
      {"rule=&site=steppe&lang=&since=" + hour_ago_local_form + "&until=",
       {"Годовщина в Жанаозене", "Zhanaozen remembers"}},
  };
  for (const Case& c : cases) {
    pugi::xml_document doc;
    ASSERT_EQ(GetPage("/?" + c.query, &doc), 200) << c.query << "\n" << last_body_;
    EXPECT_EQ(TitlesOf(doc), c.titles) << c.query;
  }
  // The form shows the bounds it applied, in UTC.
  pugi::xml_document doc;
  ASSERT_EQ(GetPage("/?since=" + hour_ago, &doc), 200);
  pugi::xml_node since = doc.select_node("//input[@name='since']").node();
  EXPECT_EQ(std::string(since.attribute("value").value()), hour_ago.substr(0, 19));
  EXPECT_EQ(std::string(since.attribute("data-utc").value()), hour_ago);
}

TEST_F(WebPageTest, OlderLinksShowEveryMentionOnceGroupedByArticle) {
  // 30 more documents, every third matched by two rules.
  for (int i = 0; i < 30; ++i) {
    storage::PageInput page = testing::NumberedPage(i, base_us_ - (i + 1) * 1000000LL);
    if (i % 3 == 0) {
      storage::MentionInput second = page.mentions[0];
      second.rule_id = "kmg";
      page.mentions.push_back(second);
    }
    Put(page);
  }
  StartServer();
  std::set<std::pair<std::string, std::string>> seen;  // (doc, rule)
  std::string path = "/?limit=4";
  int pages = 0;
  size_t articles = 0;
  while (!path.empty() && pages++ < 20) {
    pugi::xml_document doc;
    ASSERT_EQ(GetPage(path, &doc), 200) << path;
    std::vector<ShownArticle> shown = ArticlesOf(doc);
    ASSERT_LE(shown.size(), 4u);
    articles += shown.size();
    for (const ShownArticle& a : shown) {
      for (const std::string& rule : a.rules) {
        EXPECT_TRUE(seen.insert({a.doc, rule}).second) << a.doc << " " << rule << " twice";
      }
    }
    pugi::xml_node older = doc.select_node("//a[@id='older']").node();
    path = older ? "/" + std::string(older.attribute("href").value()) : "";
  }
  EXPECT_EQ(seen.size(), 5u + 30u + 10u);  // every mention, once
  EXPECT_EQ(articles, 34u);
  EXPECT_EQ(pages, 9);
}

// The read bound: 6 documents of 5 rules each, pages of at most 4 articles and 7 mentions read.
// A page ends early at the bound, its last article going on on the next, and every mention is
// shown once (QueryArticlePage directly).
TEST_F(WebPageTest, ReadBoundEndsAPageEarlyAndLosesNoMention) {
  for (int i = 0; i < 6; ++i) {
    const std::string n = std::to_string(i);
    const std::string text = "Zhanaozen KazMunaiGas Ozenmunaigas Mangystau Aktau, report " + n;
    std::vector<std::pair<std::string, std::string>> rules;
    for (const char* rule : {"r1", "r2", "r3", "r4", "r5"}) rules.emplace_back(rule, "Zhanaozen");
    Put(testing::MakePage("steppe", "http://steppe.test/" + n, "Doc " + n, "en", text, rules,
                          base_us_ + 100000000 + i * 1000000LL));
  }
  MentionRequest request;
  request.query.site_id = "steppe";
  std::set<uint64_t> seen;
  std::vector<size_t> articles_per_page;
  for (int pages = 0; pages < 20; ++pages) {
    auto page = QueryArticlePage(store_->reader(), request, 4, 7);
    ASSERT_TRUE(page.ok()) << page.status().message();
    size_t mentions = 0;
    for (const Article& a : page->articles) {
      for (const storage::Mention& m : a.mentions) {
        EXPECT_TRUE(seen.insert(m.id).second) << "mention " << m.id << " twice";
        EXPECT_EQ(m.doc_id, a.doc_id);
        ++mentions;
      }
    }
    EXPECT_LE(mentions, 7u);
    EXPECT_EQ(mentions, page->all_mentions.size());
    articles_per_page.push_back(page->articles.size());
    if (!page->next_before) break;
    request.before = page->next_before;
  }
  EXPECT_EQ(seen.size(), 6u * 5u + 3u) << "every mention: the 6 documents and steppe's 3 samples";
  EXPECT_EQ(articles_per_page.front(), 2u) << "7 mentions: one article and 2 of the next";
}

TEST_F(WebPageTest, StoryViewAndAlsoAtNameWhereElseItAppeared) {
  const std::string text =
      "Oil workers in Zhanaozen went on strike in May 2011 demanding higher wages and safer work.";
  for (int i = 0; i < 15; ++i) {
    const std::string n = std::to_string(i);
    Put(testing::MakePage(i == 0 ? "steppe" : "reprint" + n, "https://r" + n + ".kz/strike",
                          "Strike " + n, "en", text, {{"zhanaozen", "Zhanaozen"}},
                          base_us_ + (10 + i) * 1000000LL));
  }
  StartServer();
  pugi::xml_document doc;
  ASSERT_EQ(GetPage("/?site=steppe&rule=zhanaozen", &doc), 200);
  std::vector<ShownArticle> articles = ArticlesOf(doc);
  ASSERT_EQ(articles.size(), 3u);
  const ShownArticle& strike = articles[0];
  ASSERT_EQ(strike.title, "Strike 0") << last_body_;
  EXPECT_EQ(strike.also_at_total, "14");
  ASSERT_EQ(strike.also_at.size(), 10u) << "bounded, newest first";
  EXPECT_EQ(strike.also_at[0], "reprint14");
  EXPECT_NE(TextOf(strike.node).find("and 4 more"), std::string::npos);
  std::string story_href =
      strike.node.select_node(".//p[@class='story-link']/a").node().attribute("href").value();
  ASSERT_EQ(story_href.rfind("?story=", 0), 0u) << story_href;

  ASSERT_EQ(GetPage("/" + story_href, &doc), 200);
  pugi::xml_node story = doc.select_node("//section[@id='story']").node();
  ASSERT_TRUE(story) << last_body_;
  // The same text at 15 URLs: one document and its 14 exact reprints.
  EXPECT_EQ(TextOf(story.child("h2")),
            "Story " + story_href.substr(7) + ": 15 places in 1 document");
  ASSERT_EQ(story.select_nodes(".//ol[@class='places']/li").size(), 1u);
  auto reprints = story.select_nodes(".//ul[@class='reprints']/li");
  ASSERT_EQ(reprints.size(), 11u) << "bounded: 10 and a count";
  EXPECT_EQ(TextOf(reprints[0].node()), "reprint14") << "newest first";
  EXPECT_EQ(TextOf(reprints[10].node()), "and 4 more reprints");
  EXPECT_EQ(TitlesOf(doc), std::vector<std::string>{"Strike 0"}) << "only the story's articles";
  EXPECT_EQ(doc.select_nodes("//input[@name='story']").size(), 1u) << "the form keeps the story";
}

TEST_F(WebPageTest, BadParametersGetAPageNamingThem) {
  StartServer();
  for (const auto& [query, words] : std::vector<std::pair<std::string, std::string>>{
           {"since=last-tuesday", "since"},
           {"story=abc", "story"},
           {"story=1&story=2", "story"},
           {"limit=1000", "limit"},
           {"colour=red", "colour"},
           {"before=999", "before"},
       }) {
    pugi::xml_document doc;
    EXPECT_EQ(GetPage("/?" + query, &doc), 400) << query;
    std::string status = TextOf(doc.select_node("//p[@id='status']").node());
    EXPECT_NE(status.find(words), std::string::npos) << query << ": " << status;
    EXPECT_TRUE(ArticlesOf(doc).empty());
  }
}

TEST_F(WebPageTest, WithoutTheTokenThePageHoldsNoData) {
  StartServer("correct-horse-battery");
  pugi::xml_document doc;
  ASSERT_EQ(GetPage("/?rule=zhanaozen", &doc), 200);
  EXPECT_TRUE(ArticlesOf(doc).empty());
  EXPECT_EQ(last_body_.find("Zhanaozen"), std::string::npos) << "no title, no rule leaks";
  EXPECT_EQ(last_body_.find("Steppe News"), std::string::npos) << "nor the configured sites";
  EXPECT_STREQ(doc.select_node("//body").node().attribute("data-needs-token").value(), "true");
  ASSERT_EQ(GetPage("/?rule=zhanaozen", &doc, {{"Authorization", "Bearer correct-horse-battery"}}),
            200);
  EXPECT_EQ(ArticlesOf(doc).size(), 3u);
}

// Titles, snippets, URLs, sites and rules as hostile as a crawled page can make them: the page
// stays well-formed, holds only the elements it writes, and links nowhere but the web.
TEST_F(WebPageTest, HostileStoredTextStaysText) {
  std::vector<std::string> titles = PutHostilePages();
  StartServer();
  pugi::xml_document doc;
  ASSERT_EQ(GetPage("/?limit=100", &doc), 200);
  std::vector<ShownArticle> articles = ArticlesOf(doc);
  ASSERT_EQ(articles.size(), 44u);
  const std::set<std::string> written = {
      "html",   "head", "meta", "title", "link",  "script", "body",   "header", "h1",
      "a",      "main", "form", "div",   "label", "select", "option", "input",  "span",
      "button", "p",    "ol",   "li",    "h2",    "time",   "ul",     "mark",   "nav"};
  for (const auto& x : doc.select_nodes("//*")) {
    EXPECT_TRUE(written.contains(x.node().name()))
        << "<" << x.node().name() << "> from stored text";
    for (pugi::xml_attribute attribute : x.node().attributes()) {
      EXPECT_NE(std::string(attribute.name()).rfind("on", 0), 0u) << attribute.name();
    }
  }
  for (const auto& x : doc.select_nodes("//a")) {
    std::string href = x.node().attribute("href").value();
    bool local = href == "./" || href.rfind("?", 0) == 0 || href.rfind("feed.atom", 0) == 0;
    EXPECT_TRUE(local || href.rfind("http://", 0) == 0) << href;
  }
  EXPECT_EQ(doc.select_nodes("//script").size(), 1u);
  // Each title reads back as the text stored (made valid UTF-8 and XML-safe), newest first.
  for (size_t i = 0; i < titles.size(); ++i) {
    const std::string& shown = articles[i].title;
    pugi::xml_document expected;
    std::string wrapped = "<t>" + base::XmlEscape(titles[titles.size() - 1 - i]) + "</t>";
    ASSERT_TRUE(expected.load_string(wrapped.c_str()));
    std::string want = TextOf(expected.child("t"));
    if (want.empty()) continue;  // an empty title shows the URL instead
    EXPECT_EQ(shown, want) << i;
  }
}

// ---- The document view (?doc=ID, issue #20 item 4) ----

struct ShownVersion {
  std::string number, http, digest, removed;
  std::vector<std::string> kinds, alerting, records, deleted, inserted;
  std::string evidence_command, more;
};

std::vector<ShownVersion> VersionsOf(const pugi::xml_document& doc) {
  std::vector<ShownVersion> out;
  for (const auto& x : doc.select_nodes("//ol[@class='versions']/li[@class='version']")) {
    pugi::xml_node li = x.node();
    ShownVersion v;
    v.number = li.attribute("data-version").value();
    v.http = TextOf(li.select_node(".//span[@class='http']").node());
    v.digest = TextOf(li.select_node(".//code[@class='digest']").node());
    v.removed = TextOf(li.select_node(".//p[@class='names-removed']").node());
    for (const auto& k : li.select_nodes(".//*[@data-kind]")) {
      v.kinds.push_back(k.node().attribute("data-kind").value());
      if (std::string(k.node().name()) == "strong") {
        v.alerting.push_back(k.node().attribute("data-kind").value());
      }
    }
    for (const auto& r : li.select_nodes(".//code[@class='record']")) {
      v.records.push_back(TextOf(r.node()));
    }
    v.evidence_command = TextOf(li.select_node(".//div[@class='evidence']//code").node());
    for (const auto& d : li.select_nodes(".//del")) v.deleted.push_back(TextOf(d.node()));
    for (const auto& i : li.select_nodes(".//ins")) v.inserted.push_back(TextOf(i.node()));
    v.more = TextOf(li.select_node(".//div[@class='diff']/p[@class='more']").node());
    out.push_back(std::move(v));
  }
  return out;
}

TEST_F(WebPageTest, DocumentViewShowsTheTimelineWithWordDiffsAndEvidence) {
  const uint64_t id = PutWatchedDocument("Zhanaozen strike", "Roza Tuletayeva");
  StartServer();
  pugi::xml_document doc;
  // Each article of the listing links to its document view.
  ASSERT_EQ(GetPage("/", &doc), 200);
  const std::string href = "?doc=" + std::to_string(id);
  EXPECT_TRUE(doc.select_node(
      ("//li[@data-doc='" + std::to_string(id) + "']//p[@class='doc-link']/a[@href='" + href + "']")
          .c_str()))
      << last_body_;

  ASSERT_EQ(GetPage("/" + href, &doc), 200) << last_body_;
  EXPECT_EQ(last_csp_, kWebPageCsp);
  EXPECT_EQ(TextOf(doc.select_node("//article[@id='document']/h2").node()), "Zhanaozen strike");
  EXPECT_EQ(TextOf(doc.select_node("//p[@class='doc-url']").node()), "http://steppe.test/strike");
  EXPECT_EQ(TextOf(doc.select_node("//article//ul[@class='rules']").node()), "zhanaozen");
  EXPECT_EQ(TextOf(doc.select_node("//article//ul[@class='snippets']//mark").node()), "Zhanaozen");

  std::vector<ShownVersion> versions = VersionsOf(doc);
  ASSERT_EQ(versions.size(), 4u) << last_body_;
  // Newest first.
  EXPECT_EQ(versions[0].number, "3");
  EXPECT_EQ(versions[0].http, "HTTP 410");
  EXPECT_EQ(versions[0].kinds, std::vector<std::string>{"gone"});
  EXPECT_EQ(versions[0].alerting, std::vector<std::string>{"gone"});
  EXPECT_TRUE(versions[0].deleted.empty()) << "a gone version has no text diff";

  EXPECT_EQ(versions[1].number, "2");
  EXPECT_EQ(versions[1].kinds, (std::vector<std::string>{"text_edited", "name_removed"}));
  EXPECT_EQ(versions[1].alerting, std::vector<std::string>{"name_removed"});
  EXPECT_EQ(versions[1].digest, "bbbbbbbbbbbb");
  EXPECT_EQ(versions[1].removed, "Removed: Roza Tuletayeva (zhanaozen)");
  EXPECT_EQ(versions[1].deleted,
            (std::vector<std::string>{"in Zhanaozen ", ". Roza Tuletayeva spoke for them"}));
  EXPECT_TRUE(versions[1].inserted.empty());

  EXPECT_EQ(versions[2].number, "1");
  EXPECT_EQ(versions[2].http, "HTTP 200");
  EXPECT_TRUE(versions[2].alerting.empty());
  EXPECT_EQ(versions[2].deleted, std::vector<std::string>{"went"});
  EXPECT_EQ(versions[2].inserted, std::vector<std::string>{"stayed"});
  EXPECT_EQ(versions[2].records,
            (std::vector<std::string>{"kuzet-00042.warc.gz @4096", "kuzet-00042.warc.gz @4796"}));
  EXPECT_EQ(versions[2].evidence_command, "kuzet evidence " + std::to_string(id));

  EXPECT_EQ(versions[3].number, "0");
  EXPECT_EQ(versions[3].kinds, std::vector<std::string>{"original"});
  EXPECT_TRUE(versions[3].deleted.empty() && versions[3].inserted.empty());
}

TEST_F(WebPageTest, DocumentViewCutsALongDiffAndNamesTheCommand) {
  std::string before, after;
  for (int i = 0; i < 300; ++i) {
    before += "Zhanaozen word" + std::to_string(i) + " ";
    after += "Zhanaozen term" + std::to_string(i) + " ";
  }
  storage::PageInput page =
      testing::MakePage("steppe", "http://steppe.test/long", "Long", "en", before,
                        {{"zhanaozen", "Zhanaozen"}}, base_us_ + 500000000);
  page.watch = storage::WatchStart{base_us_ + 600000000, 1};
  auto put = store_->writer().PutPage(page);
  ASSERT_TRUE(put.ok()) << put.status().message();
  storage::VersionInput input;
  input.doc_id = put->doc_id;
  input.due_us = base_us_ + 600000000;
  storage::VersionRecord v;
  v.fetched_at_us = input.due_us + 1;
  v.http_status = 200;
  v.kinds = {"text_edited"};
  v.has_text = true;
  v.text = after;
  input.version = v;
  ASSERT_TRUE(store_->writer().PutVersion(input).ok());
  StartServer();
  pugi::xml_document doc;
  ASSERT_EQ(GetPage("/?doc=" + std::to_string(put->doc_id), &doc), 200);
  std::vector<ShownVersion> versions = VersionsOf(doc);
  ASSERT_EQ(versions.size(), 2u);
  const ShownVersion& edited = versions[0];
  EXPECT_EQ(edited.deleted.size() + edited.inserted.size(), kDiffChangesShown);
  EXPECT_EQ(edited.more, "and " + std::to_string(600 - kDiffChangesShown) +
                             " more changes (kuzet history " + std::to_string(put->doc_id) +
                             " --diff 0 1 shows it all)");
  EXPECT_LT(last_body_.size(), 64u * 1024) << "the page grows with the diff";
  RecordProperty("page_bytes", std::to_string(last_body_.size()));
}

TEST_F(WebPageTest, DocumentViewKeepsAHostileTitleAndNameAsText) {
  const std::string title = "<script>alert(1)</script>\"><img src=x onerror=alert(1)>]]>&#0;\u202e";
  const std::string name = "</li></ol><b>Roza</b>\xff\xfe&amp;";
  const uint64_t id = PutWatchedDocument(title, name, "<i>site</i>");
  StartServer();
  pugi::xml_document doc;
  ASSERT_EQ(GetPage("/?doc=" + std::to_string(id), &doc), 200);
  const std::set<std::string> written = {
      "html", "head",    "meta",    "title",  "link", "script", "body", "header", "h1",
      "a",    "main",    "article", "h2",     "p",    "span",   "time", "ul",     "li",
      "mark", "section", "ol",      "strong", "code", "div",    "del",  "ins"};
  for (const auto& x : doc.select_nodes("//*")) {
    EXPECT_TRUE(written.contains(x.node().name()))
        << "<" << x.node().name() << "> from stored text";
    for (pugi::xml_attribute attribute : x.node().attributes()) {
      EXPECT_NE(std::string(attribute.name()).rfind("on", 0), 0u) << attribute.name();
    }
  }
  EXPECT_EQ(doc.select_nodes("//script").size(), 1u);
  auto readBack = [](const std::string& stored) {
    pugi::xml_document expected;
    std::string wrapped = "<t>" + base::XmlEscape(stored) + "</t>";
    EXPECT_TRUE(expected.load_string(wrapped.c_str()));
    return TextOf(expected.child("t"));
  };
  EXPECT_EQ(TextOf(doc.select_node("//article[@id='document']/h2").node()), readBack(title));
  std::vector<ShownVersion> versions = VersionsOf(doc);
  ASSERT_EQ(versions.size(), 4u);
  EXPECT_EQ(versions[1].removed, "Removed: " + readBack(name) + " (zhanaozen)");
}

TEST_F(WebPageTest, UnknownOrMalformedDocumentIdsGetAnErrorPage) {
  StartServer();
  pugi::xml_document doc;
  EXPECT_EQ(GetPage("/?doc=987654321", &doc), 404);
  EXPECT_NE(TextOf(doc.select_node("//p[@id='status']").node()).find("no document 987654321"),
            std::string::npos);
  for (const char* bad :
       {"/?doc=", "/?doc=abc", "/?doc=-1", "/?doc=1%00", "/?doc=12345678901234567890",
        "/?doc=1&doc=2", "/?doc=1&rule=zhanaozen", "/?doc=%3Cscript%3E"}) {
    EXPECT_EQ(GetPage(bad, &doc), 400) << bad;
    EXPECT_TRUE(doc.select_node("//p[@id='status']")) << bad;
    EXPECT_EQ(last_body_.find("<script>"), std::string::npos) << bad;
    EXPECT_TRUE(doc.select_nodes("//li[@class='version']").empty()) << bad;
  }
}

// ---- Headless Chromium over the DevTools protocol (tests/app/page_browser.mjs) ----

// What the browser shows, as JSON.
constexpr char kReport[] = R"JS(JSON.stringify({
  scrollWidth: document.scrollingElement.scrollWidth,
  search: location.search,
  status: (document.getElementById("status") || {}).textContent,
  tz: [...document.querySelectorAll(".tz")].map((e) => e.textContent),
  since: (document.getElementById("filter-since") || {}).value,
  articles: [...document.querySelectorAll(".article")].map((a) => ({
    title: a.querySelector("h2").textContent,
    site: a.querySelector(".site").textContent,
    rules: [...a.querySelectorAll(".rules .chip")].map((c) => c.textContent),
    marks: [...a.querySelectorAll("mark")].map((m) => m.textContent),
    time: a.querySelector("time").textContent,
    utc: a.querySelector("time").getAttribute("datetime"),
  })),
}))JS";

class ChromiumWebPageTest : public WebPageTest {
 protected:
  void SetUp() override {
    if (testing::RunShell("command -v chromium >/dev/null 2>&1").exit_code != 0) {
      GTEST_SKIP() << "chromium (Debian package chromium) is missing";
    }
    if (testing::RunShell("node --experimental-websocket -e 'if (typeof WebSocket !== "
                          "\"function\") process.exit(1)' 2>/dev/null")
            .exit_code != 0) {
      GTEST_SKIP() << "node with WebSocket (Debian package nodejs, 20 or later) is missing";
    }
    WebPageTest::SetUp();
    fs::create_directories(KUZET_TEST_OUTPUT_DIR);
  }

  // Opens url at this width and runs the steps; the reports, one per step.
  std::vector<json> Browse(const std::string& url, int width, json steps, bool javascript = true) {
    json spec = {{"url", url},
                 {"width", width},
                 {"height", width < 600 ? 844 : 900},
                 {"profile", (dir_ / ("profile-" + std::to_string(profiles_++))).string()},
                 {"timezone", "Asia/Tokyo"},  // UTC+9 all year: local times are known
                 {"javascript", javascript},
                 {"steps", steps}};
    std::string spec_file = (dir_ / "spec.json").string();
    std::ofstream(spec_file) << spec.dump();
    testing::CommandResult run = testing::RunShell(
        "timeout 180 node --experimental-websocket --no-warnings " KUZET_SOURCE_DIR
        "/tests/app/page_browser.mjs \"$(cat " +
        spec_file + ")\" 2>&1");
    EXPECT_EQ(run.exit_code, 0) << run.out;
    json out = json::parse(run.out, nullptr, false);
    if (!out.is_object()) {
      ADD_FAILURE() << run.out;
      return {};
    }
    EXPECT_EQ(out["errors"], json::array()) << "script errors or CSP violations in " << url;
    return out["reports"].get<std::vector<json>>();
  }
  std::string Url(const std::string& rest) {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + "/" + rest;
  }
  static std::string Screenshot(const std::string& name) {
    std::string path = std::string(KUZET_TEST_OUTPUT_DIR) + "/" + name + ".png";
    std::printf("screenshot: %s\n", path.c_str());
    return path;
  }
  int profiles_ = 0;
};

TEST_F(ChromiumWebPageTest, DesktopAndPhoneWidthsShowEveryArticleWithoutSidewaysScrolling) {
  StartServer();
  for (int width : {1280, 390}) {
    std::string shot = Screenshot("web_page_" + std::to_string(width));
    std::vector<json> reports =
        Browse(Url(""), width, json::array({{{"report", kReport}, {"screenshot", shot}}}));
    ASSERT_EQ(reports.size(), 1u);
    const json& r = reports[0];
    EXPECT_LE(r["scrollWidth"].get<int>(), width) << "sideways scrolling at " << width << " px";
    ASSERT_EQ(r["articles"].size(), 4u) << r.dump(2);
    const json& ru = r["articles"][2];
    EXPECT_EQ(ru["title"], "Годовщина в Жанаозене");
    EXPECT_EQ(ru["site"], "Steppe News");
    EXPECT_EQ(ru["rules"], json({"zhanaozen", "strike-ru"}));
    EXPECT_EQ(ru["marks"], json({"Жанаозене", "забастовку"}));
    // The script shows local time (Tokyo, UTC+9) in place of the UTC text.
    EXPECT_EQ(ru["time"].get<std::string>().find("UTC"), std::string::npos) << ru["time"];
    std::string tokyo_hour = Utc(base_us_ + 1000000 + 9 * 3600LL * 1000000, "%H");
    std::string hour12 = std::to_string((std::stoi(tokyo_hour) + 11) % 12 + 1);
    EXPECT_NE(ru["time"].get<std::string>().find(hour12 + ":"), std::string::npos)
        << ru["time"] << " is not Tokyo time (" << tokyo_hour << "h)";
    EXPECT_EQ(r["tz"], json({"(Asia/Tokyo)", "(Asia/Tokyo)"}));
    EXPECT_TRUE(fs::file_size(shot) > 1000) << shot;
  }
}

// The browser's HTML parser, not only an XML parser, sees no element or handler from stored text,
// and the script runs on it without error.
TEST_F(ChromiumWebPageTest, HostileStoredTextStaysTextInTheBrowser) {
  PutHostilePages();
  StartServer();
  std::vector<json> reports = Browse(
      Url("?limit=100"), 390,
      json::array({{{"report",
                     "JSON.stringify({articles: document.querySelectorAll('.article').length,"
                     "scripts: document.scripts.length, images: document.images.length,"
                     "handlers: [...document.querySelectorAll('*')].filter((e) => "
                     "[...e.attributes].some((a) => a.name.startsWith('on'))).length,"
                     "links: [...document.links].filter((a) => !/^http:/.test(a.href)).length,"
                     "scrollWidth: document.scrollingElement.scrollWidth})"},
                    {"screenshot", Screenshot("web_page_390_hostile")}}}));
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0]["articles"], 44);
  EXPECT_EQ(reports[0]["scripts"], 1);
  EXPECT_EQ(reports[0]["images"], 0);
  EXPECT_EQ(reports[0]["handlers"], 0);
  EXPECT_EQ(reports[0]["links"], 0) << "a link that is not http(s)";
  EXPECT_LE(reports[0]["scrollWidth"].get<int>(), 390);
}

TEST_F(ChromiumWebPageTest, WorksWithoutJavaScript) {
  StartServer();
  std::vector<json> reports =
      Browse(Url("?rule=zhanaozen"), 390,
             json::array({{{"report", kReport}, {"screenshot", Screenshot("web_page_390_no_js")}}}),
             /*javascript=*/false);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0]["articles"].size(), 3u) << reports[0].dump(2);
  EXPECT_EQ(reports[0]["tz"], json({"(UTC)", "(UTC)"})) << "without the script times say UTC";
  EXPECT_LE(reports[0]["scrollWidth"].get<int>(), 390);
}

TEST_F(ChromiumWebPageTest, ChoosingARuleShowsOnlyItsArticlesAndSinceIsLocalTime) {
  StartServer();
  // Since a minute before the first sample page, typed in local time (Tokyo, UTC+9).
  const int64_t since_us = (base_us_ / 60000000 - 1) * 60000000;
  const std::string since_tokyo = Utc(since_us + 9 * 3600LL * 1000000, "%Y-%m-%dT%H:%M");
  std::string action =
      "document.getElementById('filter-rule').value = 'zhanaozen';"
      "document.getElementById('filter-since').value = '" +
      since_tokyo +
      "';"
      "document.getElementById('filters').requestSubmit();";
  std::vector<json> reports =
      Browse(Url(""), 1280,
             json::array({{{"action", action},
                           {"navigates", true},
                           {"report", kReport},
                           {"screenshot", Screenshot("web_page_1280_rule_zhanaozen")}}}));
  ASSERT_EQ(reports.size(), 1u);
  const json& r = reports[0];
  std::string search = r["search"];
  EXPECT_NE(search.find("rule=zhanaozen"), std::string::npos) << search;
  std::string since_utc = Utc(since_us);  // "…T…:…:00Z", percent-encoded in the query
  std::string encoded;
  for (char c : since_utc) encoded += c == ':' ? std::string("%3A") : std::string(1, c);
  EXPECT_NE(search.find("since=" + encoded), std::string::npos) << search << ": not sent in UTC";
  EXPECT_EQ(r["since"], since_tokyo) << "shown again in local time";
  ASSERT_EQ(r["articles"].size(), 3u) << r.dump(2);
  for (const json& a : r["articles"]) EXPECT_EQ(a["rules"], json({"zhanaozen"})) << r.dump(2);
}

TEST_F(ChromiumWebPageTest, TokenFromTheFragmentLoadsTheData) {
  StartServer("correct-horse-battery");
  std::vector<json> reports = Browse(
      Url("?site=ulys#token=correct-horse-battery"), 390,
      json::array(
          {{{"wait_for", "document.querySelectorAll('.article').length > 0"}, {"report", kReport}},
           {{"action", "document.querySelector('.chip[data-rule=kmg]').click()"},
            {"wait_for", "document.querySelectorAll('.article').length === 1"},
            {"report", kReport}}}));
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0]["articles"].size(), 2u) << reports[0].dump(2);
  EXPECT_EQ(reports[0]["search"], "?site=ulys") << "the token left the address bar";
  EXPECT_EQ(reports[1]["articles"][0]["rules"], json({"kmg"}));
  EXPECT_NE(reports[1]["search"].get<std::string>().find("rule=kmg"), std::string::npos);
}

TEST_F(ChromiumWebPageTest, DocumentTimelineAtPhoneWidth) {
  const uint64_t id = PutWatchedDocument("Zhanaozen strike", "Roza Tuletayeva");
  StartServer();
  std::vector<json> reports =
      Browse(Url("?doc=" + std::to_string(id)), 390,
             json::array(
                 {{{"report",
                    "JSON.stringify({scrollWidth: document.scrollingElement.scrollWidth,"
                    "versions: [...document.querySelectorAll('.version')].map((v) => v.localName + "
                    "v.dataset.version),"
                    "marks: [...document.querySelectorAll('del, ins')].map((m) => m.localName "
                    "+ ':' + m.textContent),"
                    "times: [...document.querySelectorAll('.version-head time')].map((t) => "
                    "t.textContent)})"},
                   {"screenshot", Screenshot("web_page_390_timeline")}}}));
  ASSERT_EQ(reports.size(), 1u);
  const json& r = reports[0];
  EXPECT_EQ(r["versions"], json({"li3", "li2", "li1", "li0"}));
  EXPECT_EQ(r["marks"], json({"del:in Zhanaozen ", "del:. Roza Tuletayeva spoke for them",
                              "del:went", "ins:stayed"}));
  ASSERT_EQ(r["times"].size(), 4u);
  for (const json& t : r["times"]) {
    EXPECT_EQ(t.get<std::string>().find("UTC"), std::string::npos) << t << ": not local time";
  }
  EXPECT_LE(r["scrollWidth"].get<int>(), 390) << "sideways scrolling at 390 px";
}

// On a server with a token, the listing's "Timeline" link loads the document view with it.
TEST_F(ChromiumWebPageTest, TimelineLinkWorksInTokenMode) {
  const uint64_t id = PutWatchedDocument("Zhanaozen strike", "Roza Tuletayeva");
  StartServer("correct-horse-battery");
  const std::string link = "a[href=\"?doc=" + std::to_string(id) + "\"]";
  std::vector<json> reports =
      Browse(Url("#token=correct-horse-battery"), 1280,
             json::array({{{"wait_for", "document.querySelectorAll('.article').length > 0"}},
                          {{"action", "document.querySelector('" + link + "').click()"},
                           {"wait_for", "document.querySelectorAll('.version').length > 0"},
                           {"report",
                            "JSON.stringify({search: location.search, versions: "
                            "document.querySelectorAll('.version').length, title: "
                            "document.querySelector('#document h2').textContent})"},
                           {"screenshot", Screenshot("web_page_1280_timeline_token")}}}));
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[1]["search"], "?doc=" + std::to_string(id)) << "the token stays out of it";
  EXPECT_EQ(reports[1]["versions"], 4);
  EXPECT_EQ(reports[1]["title"], "Zhanaozen strike");
}

}  // namespace
}  // namespace kuzet::app
