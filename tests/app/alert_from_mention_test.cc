#include "app/alert_delivery.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace kuzet::app
