// alert/title_snippet.h: when a snippet only repeats the title, and the body sentence around a hit.
#include "alert/title_snippet.h"

#include <gtest/gtest.h>

#include <string>

namespace kuzet::alert {
namespace {

struct RepeatCase {
  std::string snippet, title;
  bool repeats;
};

TEST(SnippetRepeatsTitleTest, Table) {
  const std::string title = "Забастовка в Жанаозене: суд вынес приговор";
  const RepeatCase cases[] = {
      {title, title, true},
      {"  Забастовка в\nЖанаозене: суд   вынес приговор ", title, true},
      {"\xE2\x80\xA6в Жанаозене: суд\xE2\x80\xA6", title, true},  // a cut part of it
      {"", title, true},
      {"В декабре 2011 года в Жанаозене полиция открыла огонь.", title, false},
      {title + " Полиция открыла огонь.", title, false},  // the title and more
      {"Zhanaozen", "", false},
  };
  for (const RepeatCase& c : cases) {
    EXPECT_EQ(SnippetRepeatsTitle(c.snippet, c.title), c.repeats) << c.snippet;
  }
}

struct SentenceCase {
  std::string name, text, match, expected;  // expected with the match in [ ]
};

std::string Marked(const MarkedSentence& s) {
  return s.text.substr(0, s.mark_begin) + "[" +
         s.text.substr(s.mark_begin, s.mark_end - s.mark_begin) + "]" + s.text.substr(s.mark_end);
}

TEST(SentenceAroundTest, Table) {
  const std::string long_words = std::string(400, 'a');
  const SentenceCase cases[] = {
      {"middle sentence", "Первое. В Жанаозене бастуют! Третье?", "Жанаозене",
       "В [Жанаозене] бастуют!"},
      {"first sentence", "Zhanaozen strike. Next one.", "Zhanaozen", "[Zhanaozen] strike."},
      {"line breaks end sentences", "Title line\n\nBody about Zhanaozen\nnext line", "Zhanaozen",
       "Body about [Zhanaozen]"},
      {"decimal point is no end", "Oil at 3.5 dollars in Zhanaozen today. Else.", "Zhanaozen",
       "Oil at 3.5 dollars in [Zhanaozen] today."},
      {"ellipsis ends a sentence", "Молчание\xE2\x80\xA6 Жанаозен помнит.", "Жанаозен",
       "[Жанаозен] помнит."},
      {"long context is cut with an ellipsis", long_words + " Zhanaozen " + long_words, "Zhanaozen",
       "\xE2\x80\xA6" + std::string(239, 'a') + " [Zhanaozen] " + std::string(239, 'a') +
           "\xE2\x80\xA6"},
  };
  for (const SentenceCase& c : cases) {
    const size_t at = c.text.find(c.match);
    ASSERT_NE(at, std::string::npos) << c.name;
    const auto sentence = SentenceAround(c.text, at, at + c.match.size());
    ASSERT_TRUE(sentence) << c.name;
    EXPECT_EQ(Marked(*sentence), c.expected) << c.name;
  }
}

TEST(SentenceAroundTest, CutsAtWholeCharactersAndRefusesBadRanges) {
  std::string text;
  for (int i = 0; i < 200; ++i) text += "ж";  // 2 bytes each
  text += " Жанаозен ";
  for (int i = 0; i < 200; ++i) text += "ж";
  const size_t at = text.find("Жанаозен");
  const auto sentence = SentenceAround(text, at, at + std::string("Жанаозен").size(), 101);
  ASSERT_TRUE(sentence);
  // Whole characters only: every byte sequence decodes (no lead or continuation byte left over).
  for (size_t i = 0; i < sentence->text.size();) {
    const unsigned char c = static_cast<unsigned char>(sentence->text[i]);
    const size_t length = c < 0x80 ? 1 : c < 0xE0 ? 2 : 3;
    ASSERT_NE(c & 0xC0, 0x80) << "continuation byte at " << i;
    i += length;
    ASSERT_LE(i, sentence->text.size());
  }
  EXPECT_FALSE(SentenceAround("abc", 2, 2));
  EXPECT_FALSE(SentenceAround("abc", 2, 4));
}

}  // namespace
}  // namespace kuzet::alert
