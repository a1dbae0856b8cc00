#include "extractor/date_parse.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace kuzet::extractor {
namespace {

TEST(DateParseTest, MachineReadableValues) {
  EXPECT_EQ(NormalizeDate("2013-11-05T10:00:00+03:00"), "2013-11-05");
  EXPECT_EQ(NormalizeDate("2013-11-05"), "2013-11-05");
  EXPECT_EQ(NormalizeDate("Tue, 05 Nov 2013 10:00:00 GMT"), "2013-11-05");
  EXPECT_EQ(NormalizeDate("2013/11/05"), "2013-11-05");
  EXPECT_EQ(NormalizeDate("05.11.2013 12:30"), "2013-11-05");
  EXPECT_EQ(NormalizeDate("20131105"), "2013-11-05");
  EXPECT_EQ(NormalizeDate("2013-13-05"), "");
  EXPECT_EQ(NormalizeDate("1850-01-01"), "");
  EXPECT_EQ(NormalizeDate("not a date"), "");
}

TEST(DateParseTest, WrittenDatesInSeveralLanguages) {
  EXPECT_EQ(FindDateInText("Опубликовано 5 ноября 2013 г. в 12:00"), "2013-11-05");
  EXPECT_EQ(FindDateInText("16 желтоқсан 2011 ж."), "2011-12-16");
  EXPECT_EQ(FindDateInText("2011 жылғы 16 желтоқсан"), "2011-12-16");
  EXPECT_EQ(FindDateInText("Posted on November 5, 2013 by admin"), "2013-11-05");
  EXPECT_EQ(FindDateInText("5 November 2013"), "2013-11-05");
  EXPECT_EQ(FindDateInText("16 грудня 2011"), "2011-12-16");
  EXPECT_EQ(FindDateInText("5 de noviembre de 2013"), "2013-11-05");
  EXPECT_EQ(FindDateInText("2020年07月03日 12:00"), "2020-07-03");
  EXPECT_EQ(FindDateInText("9 oktober 2020 11:12"), "2020-10-09");
  EXPECT_EQ(FindDateInText("ДЕКАБРЯ"), "");
  EXPECT_EQ(FindDateInText("no date here, only 12 apples"), "");
}

TEST(DateParseTest, UrlPaths) {
  EXPECT_EQ(FindDateInUrl("https://example.kz/2013/11/05/strike.html"), "2013-11-05");
  EXPECT_EQ(FindDateInUrl("https://example.kz/news/2013-11-05-strike"), "2013-11-05");
  EXPECT_EQ(FindDateInUrl("https://example.kz/news/20131105/strike"), "2013-11-05");
  EXPECT_EQ(FindDateInUrl("https://example.kz/news/123456789"), "");
  EXPECT_EQ(FindDateInUrl("https://20131105.example.kz/"), "");
}

TEST(DateParseTest, DateAfterManyWordsIsFoundWhereverItFalls) {
  // Text is tokenized in growing batches; a date straddling a batch boundary must still be read
  // in full (the separators after "05" and "11" included).
  for (const std::string_view date : {"5 ноября 2013", "05.11.2013", "November 5, 2013"}) {
    for (int words = 0; words < 300; ++words) {
      std::string text;
      for (int w = 0; w < words; ++w) text += w % 7 == 0 ? "12 " : "слово, ";
      text += date;
      text += " и ещё 2014 года";
      EXPECT_EQ(FindDateInText(text), "2013-11-05") << date << " after " << words << " words";
    }
  }
  std::string long_word(5000, 'x');
  long_word += " 05.11";  // (operator+ on a temporary draws GCC 12's false -Warray-bounds at -O1)
  EXPECT_EQ(FindDateInText(long_word), "");
}

}  // namespace
}  // namespace kuzet::extractor
