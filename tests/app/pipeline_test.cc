#include "app/pipeline.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "crawler/crawler.h"
#include "storage/search_index.h"
#include "tests/app/pipeline_test_pages.h"
#include "tests/crawler/crawl_test_util.h"

namespace kuzet::app {
namespace {

using testing::PageAt;

TEST(MatchableTextTest, TitleBecomesTheFirstParagraphUnlessTheTextStartsWithIt) {
  EXPECT_EQ(MatchableText("Strike", "Workers struck."), "Strike\n\nWorkers struck.");
  EXPECT_EQ(MatchableText("Strike", "Strike\n\nWorkers struck."), "Strike\n\nWorkers struck.");
  EXPECT_EQ(MatchableText("", "Workers struck."), "Workers struck.");
  EXPECT_EQ(MatchableText("Strike", ""), "Strike");
}

TEST(GroupMatchesByRuleTest, OneMentionPerRuleWithAllHitsInTextOrderAndTheFirstSnippet) {
  std::vector<keywords::Match> matches = {
      {"zh", "Zhanaozen", "Zhanaozen", 0, 9, "Zhanaozen strike.", 0, 9},
      {"kmg", "KazMunaiGas", "KazMunaiGas", 20, 31, "Against KazMunaiGas.", 8, 19},
      {"zh", "Zhanaozen", "Жанаозене", 40, 58, "В Жанаозене.", 3, 21},
  };
  std::vector<storage::MentionInput> mentions = GroupMatchesByRule(matches);
  ASSERT_EQ(mentions.size(), 2u);
  EXPECT_EQ(mentions[0].rule_id, "zh");
  ASSERT_EQ(mentions[0].hits.size(), 2u);
  EXPECT_EQ(mentions[0].hits[1].surface, "Жанаозене");
  EXPECT_EQ(mentions[0].hits[1].begin, 40u);
  EXPECT_EQ(mentions[0].snippet, "Zhanaozen strike.");
  EXPECT_EQ(mentions[1].rule_id, "kmg");
  EXPECT_EQ(mentions[1].snippet_mark_begin, 8u);
  EXPECT_EQ(mentions[1].snippet_mark_end, 19u);
}

TEST(CanonicalAliasTest, SameHostCanonicalsOnlyAndNeverTheFrontPage) {
  struct Case {
    const char* fetched;
    const char* declared;
    const char* alias;  // "" : none
  } cases[] = {
      {"https://vlast.kz/news/1?from=main", "https://vlast.kz/news/1", "https://vlast.kz/news/1"},
      {"https://vlast.kz/news/1?from=main", "https://www.vlast.kz/news/1#top",
       "https://www.vlast.kz/news/1"},                             // www. aside
      {"https://vlast.kz/news/1", "https://vlast.kz/news/1", ""},  // itself
      {"https://vlast.kz/news/1", "", ""},                         // none declared
      {"https://vlast.kz/news/1", "/news/1", ""},                  // not absolute
      {"https://reprints.kz/a/9", "https://vlast.kz/news/1", ""},  // another site's
      {"https://vlast.kz/news/1", "https://vlast.kz/", ""},        // template bug
      {"https://vlast.kz/", "https://vlast.kz/?lang=ru", "https://vlast.kz/?lang=ru"},
  };
  for (const Case& c : cases) {
    auto alias = CanonicalAlias(c.fetched, c.declared);
    EXPECT_EQ(alias.value_or(""), c.alias) << c.fetched << " " << c.declared;
  }
}

TEST(PagePipelineTest, RelCanonicalBecomesAnotherUrlOfTheDocumentAndIsNotFetchedAgain) {
  std::string dir =
      (std::filesystem::temp_directory_path() / ("kuzet-pipeline-" + std::to_string(getpid())))
          .string();
  std::filesystem::remove_all(dir);
  auto store = storage::Store::Open(dir);
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto matcher = keywords::Matcher::Compile({keywords::RuleSpec{"zh", {"Zhanaozen"}}});
  ASSERT_TRUE(matcher.ok());
  PagePipeline pipeline(*matcher, **store);
  config::Site site;
  site.id = "vlast";
  auto page_at = [&](const std::string& url, const std::string& canonical,
                     const std::string& words) {
    crawler::CrawledPage page;
    page.site = &site;
    page.url = url;
    page.kind = crawler::PageKind::kLink;
    page.response.final_url = url;
    page.response.status = 200;
    page.response.content_type = "text/html; charset=utf-8";
    page.response.body = "<html><head><title>Strike</title><link rel=canonical href=\"" +
                         canonical + "\"></head><body><article><p>" + words +
                         " The oil workers of Zhanaozen went on strike again this week, "
                         "demanding the wages they were promised.</p></article></body></html>";
    return page;
  };
  pipeline.OnPage(page_at("https://vlast.kz/news/1?from=main", "https://vlast.kz/news/1", "A"));
  EXPECT_FALSE(pipeline.ShouldFetch(site, "https://vlast.kz/news/1"));
  EXPECT_EQ(pipeline.counters().at("vlast").new_mentions, 1);
  // A wrong canonical naming another stored article never overwrites it.
  pipeline.OnPage(page_at("https://vlast.kz/news/2", "https://vlast.kz/news/1", "B"));
  auto doc1 = (*store)->reader().GetUrl("https://vlast.kz/news/1");
  auto doc2 = (*store)->reader().GetUrl("https://vlast.kz/news/2");
  ASSERT_TRUE(doc1.ok() && doc1->has_value() && doc2.ok() && doc2->has_value());
  EXPECT_NE((*doc1)->doc_id, (*doc2)->doc_id);
  EXPECT_EQ(pipeline.counters().at("vlast").new_mentions, 2);
  store->reset();
  std::filesystem::remove_all(dir);
}

// A store in a temporary directory for one test.
class StoreDir {
 public:
  StoreDir()
      : dir_((std::filesystem::temp_directory_path() /
              ("kuzet-pipeline-" + std::to_string(getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                 .string()) {
    std::filesystem::remove_all(dir_);
    auto opened = storage::Store::Open(dir_);
    EXPECT_TRUE(opened.ok()) << opened.status().message();
    if (opened.ok()) store_ = std::move(opened).value();
  }
  ~StoreDir() {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  storage::Store& store() { return *store_; }

 private:
  std::string dir_;
  std::unique_ptr<storage::Store> store_;
};

std::string ArticleHtml(const std::string& title, int paragraphs) {
  std::string html = "<html><head><title>" + title + "</title></head><body><article>";
  for (int i = 0; i < paragraphs; ++i) {
    html +=
        "<p>The oil workers of Zhanaozen went on strike in May 2011, demanding the wages they "
        "were promised; paragraph " +
        std::to_string(i) + ".</p>";
  }
  return html + "</article></body></html>";
}

// Fault: a server sends a PDF as text/html. It must be skipped, not stored as a garbled
// document, even though its bytes spell the rule's keyword.
TEST(PagePipelineTest, BinaryBodyServedAsHtmlIsSkippedNotStored) {
  StoreDir dir;
  auto matcher = keywords::Matcher::Compile({keywords::RuleSpec{"zh", {"Zhanaozen"}}});
  ASSERT_TRUE(matcher.ok());
  PagePipeline pipeline(*matcher, dir.store());
  config::Site site;
  site.id = "vlast";
  crawler::CrawledPage page = PageAt(site, "https://vlast.kz/report.pdf", testing::PdfBytes());
  EXPECT_TRUE(pipeline.OnPage(page).empty());
  EXPECT_EQ(pipeline.counters().at("vlast").new_documents, 0);
  EXPECT_EQ(pipeline.counters().at("vlast").new_mentions, 0);
  auto state = dir.store().reader().GetUrl(page.url);
  ASSERT_TRUE(state.ok());
  EXPECT_FALSE(state->has_value() && (*state)->doc_id != 0);
}

TEST(PagePipelineTest, PageOverItsBudgetIsRecordedLoggedAndSkipped) {
  StoreDir dir;
  auto matcher = keywords::Matcher::Compile({keywords::RuleSpec{"zh", {"Zhanaozen"}}});
  ASSERT_TRUE(matcher.ok());
  config::Site site;
  site.id = "crafted";
  auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(100);
  spdlog::default_logger()->sinks().push_back(sink);

  // Memory: 1 MB of "x<p>" would take Gumbo ~90 MB; the budget is 16 MiB.
  PagePipeline small_memory(*matcher, dir.store(), PageLimits{std::chrono::seconds(2), 16u << 20});
  small_memory.OnPage(PageAt(site, "https://crafted.kz/bomb", testing::MemoryBombHtml()));
  EXPECT_EQ(small_memory.counters().at("crafted").over_budget, 1);
  EXPECT_EQ(small_memory.counters().at("crafted").new_documents, 0);

  // CPU: a long article and a budget of 1 µs.
  PagePipeline small_cpu(*matcher, dir.store(),
                         PageLimits{std::chrono::microseconds(1), size_t{256} << 20});
  small_cpu.OnPage(PageAt(site, "https://crafted.kz/long", ArticleHtml("Strike", 3000)));
  EXPECT_EQ(small_cpu.counters().at("crafted").over_budget, 1);

  auto& sinks = spdlog::default_logger()->sinks();
  sinks.erase(std::remove(sinks.begin(), sinks.end(), sink), sinks.end());
  int logged = 0;
  for (const std::string& line : sink->last_formatted()) {
    if (line.find("[warning]") == std::string::npos) continue;
    if (line.find("https://crafted.kz/bomb") != std::string::npos &&
        line.find("memory budget") != std::string::npos) {
      ++logged;
    }
    if (line.find("https://crafted.kz/long") != std::string::npos &&
        line.find("CPU budget") != std::string::npos) {
      ++logged;
    }
  }
  EXPECT_EQ(logged, 2) << "a warning names each URL and its budget";
  // Recorded as fetched without a document: the queue lets it go; a later discovery may retry.
  for (const char* url : {"https://crafted.kz/bomb", "https://crafted.kz/long"}) {
    auto state = dir.store().reader().GetUrl(url);
    ASSERT_TRUE(state.ok() && state->has_value()) << url;
    EXPECT_EQ((*state)->doc_id, 0u) << url;
  }
}

// Two copies of each article are fetched together and analyzed on different workers at once;
// commits stay serialized, so each article is one document with two URLs.
TEST(PagePipelineTest, CopiesArrivingTogetherAreOneDocumentUnderConcurrency) {
  StoreDir dir;
  auto matcher = keywords::Matcher::Compile({keywords::RuleSpec{"zh", {"Zhanaozen"}}});
  ASSERT_TRUE(matcher.ok());
  constexpr int kArticles = 12;
  std::map<std::string, std::string> pages;
  std::string start;
  for (int i = 0; i < kArticles; ++i) {
    const std::string html = ArticleHtml("Strike day " + std::to_string(i), 40 + i);
    pages["/news/" + std::to_string(i)] = html;
    pages["/print/" + std::to_string(i)] = html;
    start += "<a href=\"/news/" + std::to_string(i) + "\">n</a><a href=\"/print/" +
             std::to_string(i) + "\">p</a>";
  }
  pages["/start"] = start;
  crawler::testing::SiteServer server(pages);
  config::Site site;
  site.id = "copies";
  site.start_urls = {server.Url("/start")};
  site.max_pages = 100;
  config::Settings settings = crawler::testing::FastLocalSettings();
  settings.concurrency = 8;
  settings.per_host_connections = 8;
  settings.workers = 4;
  PagePipeline pipeline(*matcher, dir.store());
  crawler::Crawler(settings).CrawlOnce({site}, pipeline);
  const SiteCounters& counters = pipeline.counters().at("copies");
  EXPECT_EQ(counters.pages, 1 + 2 * kArticles);
  EXPECT_EQ(counters.new_documents, kArticles);
  EXPECT_EQ(counters.errors, 0);
  EXPECT_EQ(counters.new_mentions, kArticles);  // one per document, not per URL
  for (int i = 0; i < kArticles; ++i) {
    auto news = dir.store().reader().GetUrl(server.Url("/news/" + std::to_string(i)));
    auto print = dir.store().reader().GetUrl(server.Url("/print/" + std::to_string(i)));
    ASSERT_TRUE(news.ok() && news->has_value() && print.ok() && print->has_value()) << i;
    EXPECT_NE((*news)->doc_id, 0u);
    EXPECT_EQ((*news)->doc_id, (*print)->doc_id) << "article " << i;
  }
}

// The crawler commits on its writer thread while the crawl thread reports fetch errors: both
// count into the pipeline's per-site counters (the group's counts are added once, under the
// counters' mutex), and no count is lost or counted twice.
TEST(PagePipelineTest, FetchErrorsAndCommitsCountedTogetherWhileTheWriterCommits) {
  StoreDir dir;
  auto matcher = keywords::Matcher::Compile({keywords::RuleSpec{"zh", {"Zhanaozen"}}});
  ASSERT_TRUE(matcher.ok());
  constexpr int kArticles = 16, kMissing = 16;
  std::map<std::string, std::string> pages;
  std::string start;
  for (int i = 0; i < kArticles; ++i) {
    pages["/news/" + std::to_string(i)] = ArticleHtml("Strike day " + std::to_string(i), 40 + i);
    // Each article beside a link that answers 404 (OnFetchError, on the crawl thread).
    start += "<a href=\"/news/" + std::to_string(i) + "\">n</a><a href=\"/gone/" +
             std::to_string(i) + "\">g</a>";
  }
  pages["/start"] = start;
  crawler::testing::SiteServer server(pages);
  config::Site site;
  site.id = "errors";
  site.start_urls = {server.Url("/start")};
  site.max_pages = 100;
  config::Settings settings = crawler::testing::FastLocalSettings();
  settings.concurrency = 8;
  settings.per_host_connections = 8;
  settings.workers = 2;
  PagePipeline pipeline(*matcher, dir.store());
  crawler::CrawlStats stats = crawler::Crawler(settings).CrawlOnce({site}, pipeline);
  EXPECT_EQ(stats.errors, kMissing);
  const SiteCounters& counters = pipeline.counters().at("errors");
  EXPECT_EQ(counters.pages, 1 + kArticles);
  EXPECT_EQ(counters.errors, kMissing);
  EXPECT_EQ(counters.new_documents, kArticles);
  EXPECT_EQ(counters.new_mentions, kArticles);
}

// Exact copies and near-copies finishing their analyses together are committed as one group; the
// group gives each URL the same document and story as committing the pages one by one.
TEST(PagePipelineTest, CopiesInOneCommitGroupGetTheDocumentsAndStoriesOfOneByOne) {
  auto matcher = keywords::Matcher::Compile({keywords::RuleSpec{"zh", {"Zhanaozen"}}});
  ASSERT_TRUE(matcher.ok());
  config::Site site;
  site.id = "group";
  const std::string a = ArticleHtml("Strike day", 40);
  const std::string near_a = ArticleHtml("Strike day", 41);  // one paragraph more
  std::string other = "<html><head><title>Court</title></head><body><article>";
  for (int i = 0; i < 30; ++i) {
    other += "<p>The court in Aktau heard the appeal of the union lawyer again on day " +
             std::to_string(i) + ", and the families waited outside in the cold.</p>";
  }
  other += "</article></body></html>";
  const std::vector<std::pair<std::string, std::string>> arrivals = {
      {"https://group.kz/a", a},
      {"https://group.kz/a-print", a},
      {"https://group.kz/near", near_a},
      {"https://group.kz/other", other},
      {"https://group.kz/near-amp", near_a},
  };
  std::vector<crawler::CrawledPage> pages;
  for (const auto& [url, html] : arrivals) pages.push_back(PageAt(site, url, html));
  const std::atomic<bool> never{false};

  StoreDir one_by_one_dir;
  PagePipeline one_by_one(*matcher, one_by_one_dir.store());
  for (const crawler::CrawledPage& page : pages) {
    one_by_one.Commit(page, one_by_one.Analyze(page, never));
  }
  // The group store lives beside the first one (StoreDir names it after the test).
  const std::string group_path = (std::filesystem::temp_directory_path() /
                                  ("kuzet-pipeline-group-" + std::to_string(getpid())))
                                     .string();
  std::filesystem::remove_all(group_path);
  auto group_store = storage::Store::Open(group_path);
  ASSERT_TRUE(group_store.ok()) << group_store.status().message();
  PagePipeline grouped(*matcher, **group_store);
  std::vector<crawler::PageCommit> group(pages.size());
  for (size_t i = 0; i < pages.size(); ++i) {
    group[i].page = &pages[i];
    group[i].result = grouped.Analyze(pages[i], never);
  }
  grouped.CommitGroup(group);
  for (const crawler::PageCommit& commit : group) EXPECT_TRUE(commit.recorded) << commit.page->url;

  auto placement = [](const storage::Store& store, const std::string& url) {
    auto state = store.reader().GetUrl(url);
    EXPECT_TRUE(state.ok() && state->has_value()) << url;
    if (!state.ok() || !state->has_value()) return std::pair<uint64_t, uint64_t>{0, 0};
    auto doc = store.reader().GetDocument((*state)->doc_id);
    EXPECT_TRUE(doc.ok() && doc->has_value()) << url;
    uint64_t story = doc.ok() && doc->has_value() ? (*doc)->story_id : 0;
    return std::pair<uint64_t, uint64_t>{(*state)->doc_id, story};
  };
  std::map<std::string, std::pair<uint64_t, uint64_t>> expected;
  for (const auto& [url, html] : arrivals) {
    expected[url] = placement(one_by_one_dir.store(), url);
    EXPECT_EQ(placement(**group_store, url), expected[url]) << url;
  }
  // What one by one gives, so that the comparison means something: copies share a document,
  // near-copies a story.
  EXPECT_EQ(expected["https://group.kz/a"], expected["https://group.kz/a-print"]);
  EXPECT_EQ(expected["https://group.kz/near"], expected["https://group.kz/near-amp"]);
  EXPECT_NE(expected["https://group.kz/near"].first, expected["https://group.kz/a"].first);
  EXPECT_EQ(expected["https://group.kz/near"].second, expected["https://group.kz/a"].second);
  EXPECT_NE(expected["https://group.kz/other"].second, expected["https://group.kz/a"].second);
  const SiteCounters& one = one_by_one.counters().at("group");
  const SiteCounters& all = grouped.counters().at("group");
  EXPECT_EQ(all.new_documents, one.new_documents);
  EXPECT_EQ(all.new_mentions, one.new_mentions);
  EXPECT_EQ(all.unchanged, one.unchanged);
  group_store->reset();
  std::filesystem::remove_all(group_path);
}

// The search index's word keys come from the matcher's pass over the words (issue #17): with
// rules or none, a stored page is found by a search for its words, a hyphen-joined pair in
// another script among them, and not for a word it lacks.
TEST(PagePipelineTest, StoredPagesAreFoundBySearchWithRulesOrNone) {
  for (const bool with_rules : {true, false}) {
    SCOPED_TRACE(with_rules ? "with rules" : "without rules");
    StoreDir dir;
    std::vector<keywords::RuleSpec> rules;
    if (with_rules) rules.push_back(keywords::RuleSpec{"zh", {"Zhanaozen"}});
    auto matcher = keywords::Matcher::Compile(rules);
    ASSERT_TRUE(matcher.ok());
    PagePipeline pipeline(*matcher, dir.store());
    config::Site site;
    site.id = "vlast";
    std::string html = "<html><head><title>Забастовка</title></head><body><article>";
    for (int i = 0; i < 4; ++i) {
      html += "<p>Нефтяники Жаңа-Өзен снова вышли на площадь и требуют обещанной зарплаты; абзац " +
              std::to_string(i) + ".</p>";
    }
    html += "</article></body></html>";
    pipeline.OnPage(PageAt(site, "https://vlast.kz/news/7", html));
    ASSERT_EQ(pipeline.counters().at("vlast").new_documents, 1);
    for (const auto& [query, hits] : std::vector<std::pair<std::string, size_t>>{
             {"Zhanaozen", 1}, {"Жанаозен", 1}, {"зарплаты", 1}, {"Gazprom", 0}}) {
      auto compiled = dir.store().searcher().Compile(query);
      ASSERT_TRUE(compiled.ok()) << query << ": " << compiled.status().message();
      auto result = dir.store().searcher().Search(*compiled, storage::SearchQuery{});
      ASSERT_TRUE(result.ok()) << query << ": " << result.status().message();
      EXPECT_EQ(result->hits.size(), hits) << query;
    }
  }
}

}  // namespace
}  // namespace kuzet::app
