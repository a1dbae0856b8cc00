// Titles without site names, and bylines, from a page's own signals.
#include "extractor/title.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "extractor/extractor.h"
#include "extractor/metadata.h"

namespace kuzet::extractor {
namespace {

struct TitleCase {
  const char* name;
  const char* title;
  const char* site_name;
  const char* url;
  std::vector<std::string> headings;
  const char* want;
};

class StripSiteNameTest : public ::testing::TestWithParam<TitleCase> {};

TEST_P(StripSiteNameTest, KeepsTheHeadline) {
  const TitleCase& c = GetParam();
  EXPECT_EQ(StripSiteName(c.title, c.site_name, HostOf(c.url), c.headings), c.want);
}

INSTANTIATE_TEST_SUITE_P(
    Titles, StripSiteNameTest,
    ::testing::Values(
        TitleCase{"DeclaredSiteLast",
                  "Strike anniversary — Steppe Times",
                  "Steppe Times",
                  "",
                  {},
                  "Strike anniversary"},
        TitleCase{"DeclaredSiteFirstAfterColon",
                  "Tengrinews: Суд вынес приговор нефтяникам",
                  "Tengrinews",
                  "",
                  {},
                  "Суд вынес приговор нефтяникам"},
        TitleCase{"DeclaredSiteAnyCase",
                  "Суд вынес приговор | STEPPE TIMES",
                  "Steppe Times",
                  "",
                  {},
                  "Суд вынес приговор"},
        TitleCase{"HostNameLastThenHeading",
                  "В Краснодаре ребенок умер - МедНовости - MedPortal.ru",
                  "",
                  "https://www.medportal.ru/news/1",
                  {"В Краснодаре ребенок умер"},
                  "В Краснодаре ребенок умер"},
        TitleCase{"HostNameFirst",
                  "Tengrinews.kz - Футбол признали лучшим средством",
                  "",
                  "https://tengrinews.kz/sport/1",
                  {},
                  "Футбол признали лучшим средством"},
        TitleCase{"HeadingIsTheFirstPart",
                  "Strike anniversary | Worker Blog",
                  "",
                  "",
                  {"Strike anniversary"},
                  "Strike anniversary"},
        TitleCase{"HeadingIsTheLastPart",
                  "Новости Мангистау / Жанаозен: пять лет спустя",
                  "",
                  "",
                  {"Жанаозен: пять лет спустя"},
                  "Жанаозен: пять лет спустя"},
        TitleCase{"HeadingExtendsAPart",
                  "Жанаозен — Новости",
                  "",
                  "",
                  {"Жанаозен: пять лет спустя"},
                  "Жанаозен: пять лет спустя"},
        // A logo <h1> naming the site matches the short side: not taken for the headline.
        TitleCase{"LogoHeadingIsNotTheHeadline",
                  "Суд над нефтяниками Жанаозена продолжается третью неделю | Заря",
                  "",
                  "",
                  {"Заря"},
                  "Суд над нефтяниками Жанаозена продолжается третью неделю"},
        // Headings on both sides of the separator: no side can be told for the site.
        TitleCase{"HeadingsOnBothSidesKeepTheTitle",
                  "Evolve: Shared Mutable History — evolve extension for Mercurial",
                  "",
                  "",
                  {"evolve extension for Mercurial", "Evolve: Shared Mutable History\xC2\xB6"},
                  "Evolve: Shared Mutable History — evolve extension for Mercurial"},
        TitleCase{"TitleContainsTheHeading",
                  "Новости Харькова, новости Украины, На Днепропетровщине восстали против "
                  "медицинской реформы",
                  "",
                  "",
                  {"На Днепропетровщине восстали против медицинской реформы"},
                  "На Днепропетровщине восстали против медицинской реформы"},
        TitleCase{"SharedStartBeforeDecoration",
                  "В Липецке стартовал месячник по борьбе со СПИДом. Здоровье в Липецке",
                  "",
                  "",
                  {"В Липецке стартовал месячник по борьбе со СПИДом (фото)"},
                  "В Липецке стартовал месячник по борьбе со СПИДом"},
        // Sharing only the first words is no evidence: both go on with different words.
        TitleCase{"DifferentHeadlinesAreNotCut",
                  "This is a long title with a colon: Hello there",
                  "",
                  "",
                  {"This is a long title with a colon: But the final text here is different"},
                  "This is a long title with a colon: Hello there"},
        TitleCase{"ShortLastPartWithoutSignals",
                  "Lorem ipsum dolor sit amet – My website",
                  "",
                  "",
                  {},
                  "Lorem ipsum dolor sit amet"},
        TitleCase{"LongLastPartStays",
                  "Google - Site Reliability Engineering",
                  "",
                  "",
                  {},
                  "Google - Site Reliability Engineering"},
        TitleCase{"NoSeparatorNoChange", "Base URL test", "", "", {"Lorem"}, "Base URL test"},
        TitleCase{"WhitespaceCollapsed",
                  "\n  Жанаозен:\n пять лет спустя  ",
                  "",
                  "",
                  {},
                  "Жанаозен: пять лет спустя"}),
    [](const ::testing::TestParamInfo<TitleCase>& info) { return std::string(info.param.name); });

TEST(StripSiteNameTest, HostileTitleIsCutBeforeItsPartsAreWeighed) {
  std::string title;
  while (title.size() < (4u << 20)) title += "Жанаозен | ";
  const std::vector<std::string> headings = {"Жанаозен | Жанаозен | Жанаозен", "Жанаозен"};
  const std::string stripped = StripSiteName(title, "", "", headings);
  EXPECT_LE(stripped.size(), 2048u);
  EXPECT_TRUE(stripped.starts_with("Жанаозен"));
}

TEST(ChooseTitleTest, MetadataTitleThenTitleTagThenHeading) {
  const std::vector<std::string> headings = {"Lorem"};
  EXPECT_EQ(ChooseTitle({.meta_title = "Strike | Steppe Times",
                         .title_tag = "Other",
                         .headings = headings,
                         .site_name = "Steppe Times"}),
            "Strike");
  EXPECT_EQ(ChooseTitle({.title_tag = "Base URL test", .headings = headings}), "Base URL test");
  EXPECT_EQ(ChooseTitle({.title_tag = "  ", .headings = headings}), "Lorem");
  EXPECT_EQ(ChooseTitle({}), "");
}

TEST(HostOfTest, LowercasedWithoutWwwUserinfoOrPort) {
  EXPECT_EQ(HostOf("https://WWW.Tengrinews.KZ/news/1"), "tengrinews.kz");
  EXPECT_EQ(HostOf("http://user@news.example.kz:8080/a"), "news.example.kz");
  EXPECT_EQ(HostOf("not a url"), "");
}

struct BylineCase {
  const char* raw;
  const char* want;
};

class CleanBylineTest : public ::testing::TestWithParam<BylineCase> {};

TEST_P(CleanBylineTest, LeavesTheName) { EXPECT_EQ(CleanByline(GetParam().raw), GetParam().want); }

INSTANTIATE_TEST_SUITE_P(
    Bylines, CleanBylineTest,
    ::testing::Values(BylineCase{"By\n\t\tScott Cunningham", "Scott Cunningham"},
                      BylineCase{"by: Laurie Oakes", "Laurie Oakes"},
                      BylineCase{"Par Sébastien Farcis", "Sébastien Farcis"},
                      BylineCase{"Автор: Айгуль Султанова", "Айгуль Султанова"},
                      BylineCase{"Nicolas Perriault —", "Nicolas Perriault"},
                      BylineCase{"Joshua Sokol May 20, 2019", "Joshua Sokol"},
                      BylineCase{"James Akinaka • 8h", "James Akinaka"},
                      // A digit after a word is kept: only a date after the name is cut.
                      BylineCase{"Олег Лурье Сегодня, в 12:00", "Олег Лурье Сегодня, в 12:00"},
                      BylineCase{"https://www.example.kz/author/aigul", ""},
                      BylineCase{"Jean-Pierre Dupont", "Jean-Pierre Dupont"}));

Article MustExtract(const std::string& page) {
  auto r = Extract(page, "text/html; charset=utf-8", "https://news.example.kz/2011/12/16/strike");
  EXPECT_TRUE(r.ok());
  return r.ok() ? *r : Article{};
}

const char kBody[] =
    "<p>Workers of Ozenmunaigas gathered on the square of Zhanaozen for the seventh month, and the "
    "strike went on, the company said, while the court heard the case of the union lawyer.</p>";

TEST(BylineTest, JsonLdAuthorsInsideCdataAreJoined) {
  const std::string page =
      "<html><head><title>Strike</title><script type=\"application/ld+json\">\n<![CDATA[\n"
      "{\"@type\":\"NewsArticle\",\"headline\":\"Strike anniversary\",\"author\":["
      "{\"@type\":\"Person\",\"name\":\"Stella Kim\"},{\"@type\":\"Person\",\"name\":\"Jennifer "
      "Jett\"}]}\n]]>\n</script></head><body><article>" +
      std::string(kBody) + "</article></body></html>";
  const Article a = MustExtract(page);
  EXPECT_EQ(a.author, "Stella Kim, Jennifer Jett");
  EXPECT_EQ(a.title, "Strike anniversary");
}

TEST(BylineTest, SpaceSeparatedMetaPropertiesAreEachRead) {
  const std::string page =
      "<html><head><meta property=\"x:creator dc:creator\" content=\"Creator Name\">"
      "<meta property=\"og:title twitter:title\" content=\"A title\"></head><body><article>" +
      std::string(kBody) + "</article></body></html>";
  const Article a = MustExtract(page);
  EXPECT_EQ(a.author, "Creator Name");
  EXPECT_EQ(a.title, "A title");
}

TEST(BylineTest, BylineBlockOfThePage) {
  const std::string page =
      "<html><head><title>Strike anniversary</title></head><body>"
      "<div class=\"authorization\"><a href=\"/login\">Войти</a></div>"
      "<div id=\"authors\"><div class=\"author\"><a href=\"/a\">Columnist</a> "
      "<a href=\"/c\">Their latest column</a></div></div>"
      "<article><h1>Strike anniversary</h1><div class=\"article__byline\">By "
      "<a href=\"/team/aigul\">Aigul Sultanova</a></div>" +
      std::string(kBody) + "</article></body></html>";
  EXPECT_EQ(MustExtract(page).author, "Aigul Sultanova");
}

TEST(BylineTest, AuthorElementPrefersItsItempropName) {
  const std::string page =
      "<html><head><title>Strike anniversary</title></head><body><article>"
      "<span itemprop=\"author\" itemscope><img src=\"a.jpg\"><span itemprop=\"name\">Aigul "
      "Sultanova</span><span itemprop=\"jobTitle\">Correspondent in Aktau</span></span>" +
      std::string(kBody) + "</article></body></html>";
  EXPECT_EQ(MustExtract(page).author, "Aigul Sultanova");
}

TEST(TitleTest, WikipediaStyleJsonLdNameBeatsDescriptiveHeadline) {
  const std::string page =
      "<html><head><title>New Zealand - Wikipedia</title><script type=\"application/ld+json\">"
      "{\"@type\":\"Article\",\"name\":\"New Zealand\",\"headline\":\"constitutional monarchy "
      "in Oceania\"}</script></head><body><article>" +
      std::string(kBody) + "</article></body></html>";
  EXPECT_EQ(MustExtract(page).title, "New Zealand");
}

TEST(TitleTest, HtmlEscapedJsonLdIsDecoded) {
  const std::string page =
      "<html><head><script type=\"application/ld+json\">{\"@type\":\"NewsArticle\","
      "\"headline\":\"Chelsea pay &#163;71.6m &amp; more\"}</script></head><body><article>" +
      std::string(kBody) + "</article></body></html>";
  EXPECT_EQ(MustExtract(page).title,
            "Chelsea pay \xC2\xA3"
            "71.6m & more");
}

}  // namespace
}  // namespace kuzet::extractor
