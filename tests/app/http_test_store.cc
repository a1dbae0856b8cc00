#include "tests/app/http_test_store.h"

namespace kuzet::testing {

storage::PageInput MakePage(const std::string& site, const std::string& url,
                            const std::string& title, const std::string& lang,
                            const std::string& text,
                            const std::vector<std::pair<std::string, std::string>>& rule_surfaces,
                            int64_t fetched_at_us) {
  storage::PageInput page;
  page.site_id = site;
  page.url = page.final_url = url;
  page.title = title;
  page.text = text;
  page.lang = lang;
  page.charset = "utf-8";
  page.fetched_at_us = fetched_at_us;
  page.http_status = 200;
  for (const auto& [rule, surface] : rule_surfaces) {
    storage::MentionInput mention;
    mention.rule_id = rule;
    uint32_t begin = static_cast<uint32_t>(text.find(surface));
    uint32_t end = begin + static_cast<uint32_t>(surface.size());
    mention.hits.push_back({surface, surface, begin, end});
    mention.snippet = text;
    mention.snippet_mark_begin = begin;
    mention.snippet_mark_end = end;
    page.mentions.push_back(std::move(mention));
  }
  return page;
}

std::vector<storage::PageInput> SamplePages(int64_t base_us) {
  const int64_t s = 1000000;
  return {
      MakePage("steppe", "http://steppe.test/en/anniversary", "Zhanaozen remembers", "en",
               "Oil workers in Zhanaozen marked the anniversary of the 2011 strike.",
               {{"zhanaozen", "Zhanaozen"}}, base_us),
      MakePage("steppe", "http://steppe.test/ru/годовщина", "Годовщина в Жанаозене", "ru",
               "Нефтяники в Жанаозене вспомнили забастовку 2011 года.",
               {{"strike-ru", "забастовку"}, {"zhanaozen", "Жанаозене"}}, base_us + 1 * s),
      MakePage("ulys", "http://ulys.test/kk/ereuil", "Жаңаөзен мұнайшылары", "kk",
               "Жаңаөзендегі мұнайшылар ереуілді еске алды.", {{"zhanaozen", "Жаңаөзендегі"}},
               base_us + 2 * s),
      MakePage("ulys", "http://ulys.test/en/output", "KazMunaiGas <b>output</b> & \"plans\"", "en",
               "KazMunaiGas said <b>output</b> rose & \"plans\" held.", {{"kmg", "KazMunaiGas"}},
               base_us + 3 * s),
  };
}

storage::PageInput NumberedPage(int n, int64_t fetched_at_us) {
  std::string id = std::to_string(n);
  return MakePage("steppe", "http://steppe.test/archive/" + id, "Archive item " + id, "en",
                  "Archive item " + id + " recalls the Zhanaozen strike of 2011.",
                  {{"zhanaozen", "Zhanaozen"}}, fetched_at_us);
}

}  // namespace kuzet::testing
