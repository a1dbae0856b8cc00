#include "app/alert_delivery.h"

#include <gtest/gtest.h>

#include "app/pipeline.h"

namespace kuzet::app {
namespace {

storage::Mention SampleMention() {
  storage::Mention m;
  m.id = 42;
  m.rule_id = "zhanaozen";
  m.site_id = "vlast";
  m.url = "https://vlast.kz/a/1";
  m.title = "Забастовка";
  m.snippet = "В Жанаозене бастуют.";
  m.snippet_mark_begin = 2;
  m.snippet_mark_end = 20;
  return m;
}

TEST(AlertFromMentionTest, CarriesTheMentionSiteNameAndOtherUrls) {
  config::Config config;
  config::Site site;
  site.id = "vlast";
  site.name = "Vlast.kz";
  config.sites.push_back(site);
  alert::Alert a =
      AlertFromMention(SampleMention(), config, {"https://vlast.kz/a/1", "https://copy.example/a"});
  EXPECT_EQ(a.id, "42");
  EXPECT_EQ(a.site_name, "Vlast.kz");
  EXPECT_EQ(a.other_urls, std::vector<std::string>{"https://copy.example/a"});
  EXPECT_EQ(a.web_url, "") << "no link without an enabled [server] with a public_url";
}

TEST(AlertFromMentionTest, LinksToTheRulesMentionsOnTheWebPageWhenTheServerIsPublic) {
  config::Config config;
  config.server.enabled = true;
  config.server.public_url = "https://kuzet.example.org/";
  alert::Alert a = AlertFromMention(SampleMention(), config, {});
  EXPECT_EQ(a.web_url, "https://kuzet.example.org/?rule=zhanaozen&site=vlast");
  config.server.enabled = false;
  EXPECT_EQ(AlertFromMention(SampleMention(), config, {}).web_url, "");
}

// The match in the headline (issue #18): the mail shows the body's sentence naming the term, not
// the title a second time; no such sentence, no snippet.
TEST(AlertFromMentionTest, AHeadlineMatchTakesItsSnippetFromTheBody) {
  const std::string title = "Жанаозен: суд вынес приговор";
  storage::Document doc;
  doc.title = title;
  doc.text =
      MatchableText(title, "Суд прошёл в Актау. Нефтяники Жанаозена вышли на площадь. Конец.");
  storage::Mention m = SampleMention();
  m.title = title;
  m.snippet = title;
  m.snippet_mark_begin = 0;
  m.snippet_mark_end = static_cast<uint32_t>(std::string("Жанаозен").size());
  const std::string body_term = "Жанаозена";
  const uint32_t body_at = static_cast<uint32_t>(doc.text.find(body_term));
  m.hits = {{"жанаозен", "Жанаозен", 0, m.snippet_mark_end},
            {"жанаозен", body_term, body_at, body_at + static_cast<uint32_t>(body_term.size())}};

  alert::Alert a = AlertFromMention(m, config::Config(), {}, &doc);
  EXPECT_EQ(a.snippet, "Нефтяники Жанаозена вышли на площадь.");
  EXPECT_EQ(a.snippet.substr(a.snippet_mark_begin, a.snippet_mark_end - a.snippet_mark_begin),
            body_term);

  m.hits.pop_back();  // only the title names it
  a = AlertFromMention(m, config::Config(), {}, &doc);
  EXPECT_EQ(a.snippet, "");

  doc.text.clear();  // text dropped by retention
  EXPECT_EQ(AlertFromMention(m, config::Config(), {}, &doc).snippet, "");

  // A body snippet is kept as stored.
  EXPECT_EQ(AlertFromMention(SampleMention(), config::Config(), {}, &doc).snippet,
            SampleMention().snippet);
}

}  // namespace
}  // namespace kuzet::app
