#include "extractor/natural_text.h"

#include <gtest/gtest.h>

#include <string>

namespace kuzet::extractor {
namespace {

std::string Joined(std::string_view text) {
  std::string out;
  for (auto w : NaturalWords(text, 1000)) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

struct NaturalCase {
  const char* name;
  const char* text;
  const char* want;  // the natural words joined by spaces
};

class NaturalWordsTest : public ::testing::TestWithParam<NaturalCase> {};

TEST_P(NaturalWordsTest, KeepsOnlyWords) { EXPECT_EQ(Joined(GetParam().text), GetParam().want); }

INSTANTIATE_TEST_SUITE_P(
    Cases, NaturalWordsTest,
    ::testing::Values(
        NaturalCase{"punctuation_trimmed", "«Забастовка» (в Жанаозене), — сказал он.",
                    "Забастовка в Жанаозене сказал он"},
        NaturalCase{"urls_and_email",
                    "Смотрите https://example.org/a?b=c и www.example.kz, "
                    "пишите на team@example.org.",
                    "Смотрите и пишите на"},
        NaturalCase{"code_tokens",
                    "Вызов foo.bar(x) не работает\nа a_b тоже не работает\nи x=1 тоже не "
                    "помогает\nи std::string тоже не компилируется",
                    "Вызов не работает а тоже не работает и тоже не помогает и тоже не "
                    "компилируется"},
        NaturalCase{"code_line_dropped_whole",
                    "Код:\nfor item in resp.json()['workers']:\n"
                    "    print(item['name'])\nНе работает",
                    "Код Не работает"},
        NaturalCase{"navigation_line_dropped", "Home | News | Sport | Contact\nЗабастовка",
                    "Забастовка"},
        NaturalCase{"names_and_codes", "iPhone, HTML, cp1251 и x86 в тексте", "и в тексте"},
        NaturalCase{"mixed_script_word_kept", "бiлiм және ғылым", "бiлiм және ғылым"},
        NaturalCase{"no_break_space", "Жаңаөзен\xC2\xA0ереуілі", "Жаңаөзен ереуілі"},
        NaturalCase{"invalid_utf8", "abc \xFF\xFE def", "abc def"}),
    [](const ::testing::TestParamInfo<NaturalCase>& info) { return std::string(info.param.name); });

TEST(NaturalWordsTest, StopsAtMaxWords) {
  EXPECT_EQ(NaturalWords("one two three four", 2).size(), 2u);
}

}  // namespace
}  // namespace kuzet::extractor
