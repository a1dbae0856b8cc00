#include "app/pipeline.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace kuzet::app {
namespace {

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
  auto doc1 = (*store)->GetUrl("https://vlast.kz/news/1");
  auto doc2 = (*store)->GetUrl("https://vlast.kz/news/2");
  ASSERT_TRUE(doc1.ok() && doc1->has_value() && doc2.ok() && doc2->has_value());
  EXPECT_NE((*doc1)->doc_id, (*doc2)->doc_id);
  EXPECT_EQ(pipeline.counters().at("vlast").new_mentions, 2);
  store->reset();
  std::filesystem::remove_all(dir);
}

// Fault: a server sends a PDF as text/html. It must be skipped, not stored as a garbled
// document, even though its bytes spell the rule's keyword.
TEST(PagePipelineTest, BinaryBodyServedAsHtmlIsSkippedNotStored) {
  std::string dir = (std::filesystem::temp_directory_path() /
                     ("kuzet-pipeline-binary-" + std::to_string(getpid())))
                        .string();
  std::filesystem::remove_all(dir);
  auto store = storage::Store::Open(dir);
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto matcher = keywords::Matcher::Compile({keywords::RuleSpec{"zh", {"Zhanaozen"}}});
  ASSERT_TRUE(matcher.ok());
  PagePipeline pipeline(*matcher, **store);
  config::Site site;
  site.id = "vlast";
  crawler::CrawledPage page;
  page.site = &site;
  page.url = "https://vlast.kz/report.pdf";
  page.kind = crawler::PageKind::kLink;
  page.response.final_url = page.url;
  page.response.status = 200;
  page.response.content_type = "text/html; charset=utf-8";
  using namespace std::string_literals;
  page.response.body =
      "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Title (Zhanaozen strike report) >>\nendobj\n"
      "2 0 obj\n<< /Length 12 >>\nstream\n\x78\x9C\x01\x00\x00\xFF\xFF\x00\x00\x00\x01\n"
      "endstream\nendobj\n%%EOF\n"s;
  EXPECT_TRUE(pipeline.OnPage(page).empty());
  EXPECT_EQ(pipeline.counters().at("vlast").new_documents, 0);
  EXPECT_EQ(pipeline.counters().at("vlast").new_mentions, 0);
  auto state = (*store)->GetUrl(page.url);
  ASSERT_TRUE(state.ok());
  EXPECT_FALSE(state->has_value() && (*state)->doc_id != 0);
  store->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kuzet::app
