#include "extractor/language.h"

#include <gtest/gtest.h>

#include <span>
#include <string>

#include "tests/extractor/texts.h"

namespace kuzet::extractor {
namespace {

std::string Join(std::span<const std::string_view> parts) {
  std::string s;
  for (auto p : parts) s += std::string(p) + "\n\n";
  return s;
}

struct LanguageCase {
  const char* name;
  std::string text;
  const char* want;
};

class LanguageTableTest : public ::testing::TestWithParam<LanguageCase> {};

TEST_P(LanguageTableTest, Detects) { EXPECT_EQ(DetectLanguage(GetParam().text), GetParam().want); }

INSTANTIATE_TEST_SUITE_P(
    Cases, LanguageTableTest,
    ::testing::Values(
        LanguageCase{"english", Join(testing::kEnglishParagraphs), "en"},
        LanguageCase{"russian", Join(testing::kRussianParagraphs), "ru"},
        LanguageCase{"kazakh", Join(testing::kKazakhParagraphs), "kk"},
        LanguageCase{"kazakh_short", "Жаңаөзендегі ереуіл туралы жаңалықтар", "kk"},
        LanguageCase{"russian_short", "Забастовка в Жанаозене", "ru"},
        LanguageCase{"ukrainian", std::string(testing::kUkrainianText), "other"},
        LanguageCase{"belarusian",
                     "Страйк нафтавікаў у Жанаозене пачаўся ў траўні. Рабочыя патрабавалі "
                     "павышэння заробку і паляпшэння ўмоў працы, і пратэст доўжыўся месяцамі.",
                     "other"},
        LanguageCase{"tajik",
                     "Корпартоҳо дар шаҳри Жанаозен ба эътироз баромаданд. Онҳо музди меҳнати "
                     "баландтар талаб карданд ва ҳукумат ба онҳо ҷавоб надод.",
                     "other"},
        LanguageCase{"bulgarian",
                     "Стачката на нефтените работници в Жанаозен започна през май. Работниците "
                     "поискаха по-високи заплати и по-добри условия на труд. Протестът продължи "
                     "няколко месеца и в него участваха хиляди хора от целия град.",
                     "other"},
        LanguageCase{"german",
                     "Der Streik der Ölarbeiter in Schangaösen begann im Mai 2011. Die Arbeiter "
                     "forderten höhere Löhne und bessere Arbeitsbedingungen, und der Protest "
                     "dauerte mehrere Monate.",
                     "other"},
        LanguageCase{"empty", "", "other"}, LanguageCase{"digits_only", "2011 16 12", "other"}),
    [](const ::testing::TestParamInfo<LanguageCase>& info) {
      return std::string(info.param.name);
    });

}  // namespace
}  // namespace kuzet::extractor
