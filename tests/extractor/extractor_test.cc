#include "extractor/extractor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <span>
#include <string>

#include "tests/extractor/test_pages.h"
#include "tests/extractor/texts.h"

namespace kuzet::extractor {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Paragraphs(std::span<const std::string_view> parts) {
  std::string s;
  for (auto p : parts) s += "<p>" + std::string(p) + "</p>\n";
  return s;
}

const std::string kNav =
    "<nav class=\"menu\"><ul><li><a href=\"/\">Home</a></li><li><a href=\"/news\">News</a></li>"
    "<li><a href=\"/about\">About us</a></li><li><a href=\"/contact\">Contact</a></li></ul></nav>";

Article MustExtract(std::string_view bytes, std::string_view content_type = "",
                    std::string_view url = "https://news.example.kz/2011/12/16/strike.html") {
  auto r = Extract(bytes, content_type, url);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : Article{};
}

TEST(ExtractorTest, WordPressPostWithCommentsAndReplyForm) {
  std::string comments;
  for (int i = 0; i < 12; ++i) {
    comments +=
        "<li class=\"comment\"><div class=\"comment-body\"><p>Commenter " + std::to_string(i) +
        " says: I have been following this story for years, and I think that the "
        "coverage, while long overdue, misses the point about wages, housing and "
        "the responsibility of the company, which nobody wants to talk about.</p></div></li>";
  }
  const std::string page =
      "<html><head><title>Strike anniversary | Worker Blog</title>"
      "<meta property=\"og:site_name\" content=\"Worker Blog\"></head><body>" +
      kNav +
      "<div id=\"page\"><div id=\"content\"><article class=\"post hentry\">"
      "<h1 class=\"entry-title\">Strike anniversary</h1><div class=\"entry-content\">" +
      Paragraphs(testing::kEnglishParagraphs) +
      "</div></article><div id=\"comments\"><h3>12 Responses</h3><ol class=\"commentlist\">" +
      comments +
      "</ol><div id=\"respond\"><h3 id=\"reply-title\">Leave a Reply</h3>"
      "<form id=\"commentform\"><p>Your email address will not be published.</p>"
      "<textarea name=\"comment\"></textarea><input type=\"submit\" value=\"Post Comment\"></form>"
      "</div></div></div><aside id=\"sidebar\"><h3>Archives</h3></aside></div>"
      "<footer>© Worker Blog. All rights reserved.</footer></body></html>";
  const Article a = MustExtract(page);
  EXPECT_EQ(a.title, "Strike anniversary");
  EXPECT_EQ(a.site_name, "Worker Blog");
  EXPECT_EQ(a.lang, "en");
  for (auto p : testing::kEnglishParagraphs) EXPECT_THAT(a.text, HasSubstr(std::string(p)));
  EXPECT_THAT(a.text, Not(HasSubstr("Leave a Reply")));
  EXPECT_THAT(a.text, Not(HasSubstr("Commenter")));
  EXPECT_THAT(a.text, Not(HasSubstr("All rights reserved")));
  EXPECT_THAT(a.text, Not(HasSubstr("About us")));
  // Paragraphs come out separated by blank lines.
  EXPECT_THAT(a.text, HasSubstr(std::string(testing::kEnglishParagraphs[0]) + "\n\n" +
                                std::string(testing::kEnglishParagraphs[1])));
}

TEST(ExtractorTest, CommentThreadLongerThanArticleWithoutHints) {
  // No class names at all: the article must still win on text shape.
  std::string comments;
  for (int i = 0; i < 30; ++i) {
    comments += "<div><b><a href=\"/user/" + std::to_string(i) + "\">user" + std::to_string(i) +
                "</a></b> <a href=\"#c" + std::to_string(i) +
                "\">16.12.2011 12:00</a><br>"
                "Согласен, это ужасно.</div>";
  }
  const std::string page = "<html><body>" + kNav + "<div><h1>Забастовка в Жанаозене</h1>" +
                           Paragraphs(testing::kRussianParagraphs) +
                           "</div><div><h2>Комментарии</h2>" + comments + "</div></body></html>";
  const Article a = MustExtract(page, "text/html; charset=utf-8");
  EXPECT_EQ(a.lang, "ru");
  for (auto p : testing::kRussianParagraphs) EXPECT_THAT(a.text, HasSubstr(std::string(p)));
  EXPECT_THAT(a.text, Not(HasSubstr("Согласен")));
}

TEST(ExtractorTest, RussianWindows1251WithWrongHeaderCharset) {
  const std::string utf8 =
      "<html><head><title>Жанаозен — Новости</title></head><body>" + kNav +
      "<div class=\"news-text\"><h1>Жанаозен: пять лет спустя</h1>" +
      Paragraphs(testing::kRussianParagraphs) +
      "<p class=\"read-also\">Читайте также: <a href=\"/a\">Суд над нефтяниками</a></p></div>"
      "<div class=\"related\"><h3>Похожие новости</h3><ul><li><a href=\"/b\">Новость раз</a></li>"
      "<li><a href=\"/c\">Новость два</a></li></ul></div></body></html>";
  const Article a =
      MustExtract(testing::EncodeWithIcu(utf8, "windows-1251"), "text/html; charset=iso-8859-1");
  EXPECT_EQ(a.charset, "windows-1251");
  EXPECT_EQ(a.lang, "ru");
  EXPECT_EQ(a.title, "Жанаозен: пять лет спустя");
  for (auto p : testing::kRussianParagraphs) EXPECT_THAT(a.text, HasSubstr(std::string(p)));
  EXPECT_THAT(a.text, Not(HasSubstr("Похожие новости")));
  EXPECT_THAT(a.text, Not(HasSubstr("Новость раз")));
}

TEST(ExtractorTest, Koi8rPage) {
  const std::string utf8 =
      "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=koi8-r\">"
      "</head><body><table><tr><td>" +
      kNav + "</td><td>" + Paragraphs(testing::kRussianParagraphs) +
      "</td></tr></table></body></html>";
  const Article a = MustExtract(testing::EncodeWithIcu(utf8, "KOI8-R"));
  EXPECT_EQ(a.charset, "KOI8-R");
  EXPECT_EQ(a.lang, "ru");
  EXPECT_THAT(a.text, HasSubstr(std::string(testing::kRussianParagraphs[1])));
}

TEST(ExtractorTest, Utf8PageWhoseMetaSaysWindows1251) {
  const std::string page = "<html><head><meta charset=\"windows-1251\"></head><body>" +
                           Paragraphs(testing::kRussianParagraphs) + "</body></html>";
  const Article a = MustExtract(page);
  EXPECT_EQ(a.charset, "UTF-8");
  EXPECT_THAT(a.text, HasSubstr(std::string(testing::kRussianParagraphs[0])));
}

TEST(ExtractorTest, KazakhPageInKz1048WithoutDeclaration) {
  const std::string utf8 = "<html><head><title>Жаңаөзен</title></head><body><div id=\"text\">" +
                           Paragraphs(testing::kKazakhParagraphs) + "</div></body></html>";
  const Article a = MustExtract(testing::EncodeKz1048(utf8));
  EXPECT_EQ(a.charset, "KZ-1048");
  EXPECT_EQ(a.lang, "kk");
  for (auto p : testing::kKazakhParagraphs) EXPECT_THAT(a.text, HasSubstr(std::string(p)));
}

TEST(ExtractorTest, UkrainianPageIsNotKazakh) {
  const std::string page = "<html><body><article><p>" + std::string(testing::kUkrainianText) +
                           "</p></article></body></html>";
  const Article a = MustExtract(testing::EncodeWithIcu(page, "windows-1251"));
  EXPECT_EQ(a.charset, "windows-1251");
  EXPECT_EQ(a.lang, "other");
}

TEST(ExtractorTest, ArticleSplitByAds) {
  const std::string ad =
      "<div class=\"advert banner\"><a href=\"https://ads.example.com/x\">Buy oil stocks now! "
      "Best rates, fast approval.</a></div>";
  std::string body;
  for (auto p : testing::kEnglishParagraphs) body += "<p>" + std::string(p) + "</p>" + ad;
  const std::string page =
      "<html><body>" + kNav + "<div class=\"story-body\">" + body + "</div></body></html>";
  const Article a = MustExtract(page);
  for (auto p : testing::kEnglishParagraphs) EXPECT_THAT(a.text, HasSubstr(std::string(p)));
  EXPECT_THAT(a.text, Not(HasSubstr("Buy oil stocks")));
}

TEST(ExtractorTest, TeasersWithReadMoreAndRepeatedCaptionsAreDropped) {
  std::string teasers;
  for (int i = 0; i < 5; ++i) {
    teasers += "<div class=\"teaser\"><p>Another story number " + std::to_string(i) +
               " begins with a long first sentence, which the site repeats here to lure readers "
               "into clicking, and then it stops.</p><a href=\"/s/" +
               std::to_string(i) + "\">Read More</a></div>";
  }
  std::string gallery;
  for (int i = 0; i < 4; ++i) gallery += "<p>Photo: the square in Zhanaozen, December 2011</p>";
  const std::string page = "<html><body><div class=\"article-body\">" + gallery +
                           Paragraphs(testing::kEnglishParagraphs) + teasers +
                           "</div></body></html>";
  const Article a = MustExtract(page);
  for (auto p : testing::kEnglishParagraphs) EXPECT_THAT(a.text, HasSubstr(std::string(p)));
  EXPECT_THAT(a.text, Not(HasSubstr("Another story")));
  const std::string caption = "Photo: the square in Zhanaozen, December 2011";
  EXPECT_EQ(a.text.find(caption), a.text.rfind(caption)) << "caption kept once";
}

TEST(ExtractorTest, ShortItemBesideLongLegalNotice) {
  std::string legal;
  for (int i = 0; i < 10; ++i) {
    legal +=
        "<p>By using this site, you agree that all materials, including texts, photographs, "
        "graphics and video, are protected by copyright law, and that any reproduction, "
        "distribution or transmission, in whole or in part, requires prior written consent "
        "of the publisher, except as permitted by law.</p>";
  }
  const std::string page =
      "<html><body>" + kNav + "<div class=\"item\"><h1>Court date set</h1><p>" +
      std::string(testing::kEnglishParagraphs[0]) + "</p></div><div class=\"legal-notice\">" +
      legal + "</div></body></html>";
  const Article a = MustExtract(page);
  EXPECT_THAT(a.text, HasSubstr(std::string(testing::kEnglishParagraphs[0])));
  EXPECT_THAT(a.text, Not(HasSubstr("protected by copyright")));
}

TEST(ExtractorTest, ListingPageGivesLittleTextButLinks) {
  std::string items;
  for (int i = 0; i < 40; ++i) {
    items += "<li><a href=\"/news/" + std::to_string(i) + ".html\">Headline number " +
             std::to_string(i) + " about the strike</a></li>";
  }
  const std::string page =
      "<html><body>" + kNav + "<ul class=\"news-list\">" + items + "</ul></body></html>";
  const Article a = MustExtract(page, "", "https://news.example.kz/news/");
  EXPECT_LT(a.text.size(), 200u) << a.text;
  EXPECT_EQ(a.links.size(), 44u);
  EXPECT_THAT(a.links, Contains("https://news.example.kz/news/39.html"));
}

TEST(ExtractorTest, LinksAreAbsoluteUniqueWithoutFragmentsAndHonourBase) {
  const std::string page =
      "<html><head><base href=\"/archive/\">"
      "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"/rss.xml\">"
      "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"https://news.example.kz/atom\">"
      "<link rel=\"canonical\" href=\"https://news.example.kz/2011/12/16/strike\">"
      "</head><body>"
      "<a href=\"a.html#top\">a</a><a href=\"a.html\">again</a>"
      "<a href=\"../b.html?x=1&amp;y=2\">b</a>"
      "<a href=\"https://other.example.org/c\">c</a>"
      "<a href=\"javascript:void(0)\">js</a><a href=\"mailto:x@example.kz\">mail</a>"
      "<a href=\"#comments\">frag</a><a href=\"ftp://example.kz/f\">ftp</a>"
      "<a href=\"//cdn.example.kz/d\">d</a><a href=\" /e \">e</a></body></html>";
  const Article a = MustExtract(page, "", "https://news.example.kz/news/2011/strike.html");
  EXPECT_THAT(a.links,
              ElementsAre("https://news.example.kz/archive/a.html",
                          "https://news.example.kz/b.html?x=1&y=2", "https://other.example.org/c",
                          "https://cdn.example.kz/d", "https://news.example.kz/e"));
  EXPECT_THAT(a.feed_links,
              ElementsAre("https://news.example.kz/rss.xml", "https://news.example.kz/atom"));
  EXPECT_EQ(a.canonical_url, "https://news.example.kz/2011/12/16/strike");
}

TEST(ExtractorTest, MetadataFromJsonLdAndMeta) {
  const std::string page =
      "<html><head><title>Strike | Steppe Times</title>"
      "<meta property=\"og:title\" content=\"Strike anniversary — Steppe Times\">"
      "<meta property=\"og:site_name\" content=\"Steppe Times\">"
      "<meta name=\"author\" content=\"Meta Author\">"
      "<meta property=\"article:published_time\" content=\"2013-11-04T23:00:00Z\">"
      "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\",\"@graph\":["
      "{\"@type\":\"NewsArticle\",\"datePublished\":\"2013-11-05T10:00:00+06:00\","
      "\"author\":{\"@type\":\"Person\",\"name\":\"Aigul Sultanova\"}}]}</script>"
      "</head><body><article>" +
      Paragraphs(testing::kEnglishParagraphs) + "</article></body></html>";
  const Article a = MustExtract(page, "", "https://steppe.example.kz/news/strike");
  EXPECT_EQ(a.title, "Strike anniversary");
  EXPECT_EQ(a.site_name, "Steppe Times");
  EXPECT_EQ(a.author, "Aigul Sultanova");
  EXPECT_EQ(a.date, "2013-11-05");  // JSON-LD's local time beats the meta's UTC timestamp
}

TEST(ExtractorTest, UrlDateBeatsUtcMarkup) {
  const std::string page =
      "<html><head><meta property=\"article:published_time\" content=\"2013-11-05T01:00:00Z\">"
      "</head><body>" +
      Paragraphs(testing::kEnglishParagraphs) + "</body></html>";
  EXPECT_EQ(MustExtract(page, "", "https://example.kz/2013/11/04/strike").date, "2013-11-04");
  EXPECT_EQ(MustExtract(page, "", "https://example.kz/news/strike").date, "2013-11-05");
}

TEST(ExtractorTest, DateFromBylineElement) {
  const std::string page =
      "<html><body><div class=\"published-date\">martes 17 de marzo de 2020</div>"
      "<article>" +
      Paragraphs(testing::kEnglishParagraphs) + "</article></body></html>";
  EXPECT_EQ(MustExtract(page, "", "https://example.kz/news/strike").date, "2020-03-17");
}

TEST(ExtractorTest, DateFromVisibleTextAndUrl) {
  const std::string page =
      "<html><body><div class=\"news\"><h1>Ереуіл</h1><p>16 желтоқсан 2011</p>" +
      Paragraphs(testing::kKazakhParagraphs) + "</div></body></html>";
  EXPECT_EQ(MustExtract(page, "", "https://example.kz/news/1").date, "2011-12-16");
  const std::string plain =
      "<html><body>" + Paragraphs(testing::kEnglishParagraphs) + "</body></html>";
  EXPECT_EQ(MustExtract(plain, "", "https://example.kz/2013/11/05/x").date, "2013-11-05");
}

TEST(ExtractorTest, HostileInputsGiveResults) {
  // Deep nesting, unclosed tags, NULs, garbage: a result, never a crash.
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<div>";
  deep += "text";
  EXPECT_TRUE(Extract(deep, "", "").ok());
  std::string garbage;
  for (int i = 0; i < 65536; ++i) garbage.push_back(static_cast<char>((i * 2654435761u) >> 24));
  EXPECT_TRUE(Extract(garbage, "text/html; charset=utf-8", "not a url").ok());
  EXPECT_TRUE(Extract(std::string("<p>a\0b</p>", 10), "", "").ok());
  EXPECT_TRUE(Extract("", "", "").ok());
}

TEST(ExtractorTest, OversizedInputIsAnError) {
  const std::string huge(kMaxDocumentBytes + 1, 'a');
  const auto r = Extract(huge, "", "https://example.kz/");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace kuzet::extractor
