#include "extractor/language.h"

#include <gtest/gtest.h>

#include <cstdint>
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
        LanguageCase{"empty", "", "other"}, LanguageCase{"digits_only", "2011 16 12", "other"},
        // Russian posts carrying code, URLs, English or a quoted foreign word stay Russian.
        LanguageCase{"russian_with_code_block",
                     "Выгрузка списка уволенных нефтяников ломается на кодировке. Вот мой код:\n"
                     "import requests\n"
                     "resp = requests.get(url, params={'page': page_number})\n"
                     "for item in resp.json()['workers']:\n"
                     "    print(item['name'], item['dismissed_at'], item['union_member'])\n"
                     "Подскажите, что не так?",
                     "ru"},
        LanguageCase{"russian_with_urls",
                     "Материалы о забастовке в Жанаозене собраны здесь: "
                     "https://www.example.org/news/zhanaozen-strike-2011/workers-demands, "
                     "http://archive.example.com/kazakhstan/oil/ozenmunaigas/december-events "
                     "и https://forum.example.net/viewtopic.php?topic=zhanaozen&start=40. "
                     "Пишите на monitoring.team@example.org.",
                     "ru"},
        LanguageCase{"russian_with_english_quotation",
                     "Правозащитники напомнили о событиях в Жанаозене. В заявлении сказано: "
                     "«The authorities must ensure a thorough, impartial and independent "
                     "investigation into the killings and hold those responsible to account»."
                     " Ответа пока нет.",
                     "ru"},
        LanguageCase{"russian_with_quoted_ukrainian_word",
                     "На митинге в поддержку бастующих нефтяников выступили гости из Киева, "
                     "их плакат гласил «Україна з вами». Рабочие поблагодарили их за поддержку.",
                     "ru"},
        LanguageCase{"russian_naming_kazakh_newspaper",
                     "Газета «Қазақ әдебиеті» и журнал «Ақиқат» опубликовали материалы о "
                     "забастовке, но в русскоязычной прессе о них почти не писали.",
                     "ru"},
        LanguageCase{"russian_headline_quoting_kazakh_name", "Газете «Қазақ» 105 лет", "ru"},
        LanguageCase{"kazakh_headline_opening_with_name", "Қазақстан президенті Жаңаөзенге барды",
                     "kk"},
        LanguageCase{"russian_headline_naming_kazakh_company",
                     "В Жаңаөзен прибыли представители «Қазмұнайгаз»", "ru"},
        // Kazakh headlines and Kazakh with noise or typed without its letters.
        LanguageCase{"kazakh_headline_without_kazakh_only_letters", "Үкімет өкілі келді", "kk"},
        LanguageCase{"kazakh_headline_with_url",
                     "Жаңаөзен ереуілі https://kaz.example.kz/news/2011/12/16/zhanaozen-ereuili",
                     "kk"},
        LanguageCase{"kazakh_quoting_russian",
                     "Жаңаөзен әкімі: «Ситуация под контролем, на площади работает полиция». "
                     "Тұрғындар бұл сөзге сенбейді.",
                     "kk"},
        LanguageCase{"kazakh_with_russian_lookalikes",
                     "Жанаозен каласында мунайшылардын ереуили туралы жана деректер жарияланды. "
                     "Жумысшылар жалакыны котеруди талап етти деп хабарлады тилшимиз. Бул "
                     "окига ушин жауаптылар али жазаланган жок.",
                     "kk"},
        LanguageCase{
            "kazakh_with_code_and_urls",
            "Жаңаөзен туралы мақалалардың тізімін жүктеу үшін мына кодты қолданамын:\n"
            "curl -s https://api.example.kz/v1/articles?tag=zhanaozen | jq '.items[].url'\n"
            "const res = await fetch(`${base}/articles?tag=${tag}`);\n"
            "Неге бос тізім қайтарады?",
            "kk"},
        // Kazakh in the Latin alphabets of 2021 and 2018; Latin-script Turkic neighbours are not.
        LanguageCase{"kazakh_latin_2021",
                     "Jañaözen qalasynda mūnaişylardyñ ereuılı 2011 jyly mamyr aiynda bastaldy. "
                     "Jūmysşylar jalaqyny köterudı jäne eñbek jağdaiyn jaqsartudy talap ettı.",
                     "kk"},
        LanguageCase{"kazakh_latin_2018",
                     "Jańaózen qalasynda munaıshylardyń ereýili 2011 jyly mamyr aıynda bastaldy. "
                     "Jumysshylar jalaqyny kóterýdi jáne eńbek jaǵdaıyn jaqsartýdy talap etti.",
                     "kk"},
        LanguageCase{"turkish",
                     "Janaözen'deki petrol işçilerinin grevi Mayıs 2011'de başladı. İşçiler daha "
                     "yüksek ücret ve daha iyi çalışma koşulları talep ettiler.",
                     "other"},
        LanguageCase{"azerbaijani",
                     "Janaözendə neft işçilərinin tətili 2011-ci ilin mayında başladı. İşçilər "
                     "daha yüksək maaş və yaxşı iş şəraiti tələb etdilər.",
                     "other"},
        // Cyrillic Turkic and Slavic languages with letters of their own are never Kazakh.
        LanguageCase{"kyrgyz",
                     "Жаңаөзөндөгү иш таштоо 2011-жылы май айында башталган. Жумушчулар айлык "
                     "акыны көтөрүүнү жана эмгек шарттарын жакшыртууну талап кылышкан. Нааразылык "
                     "бир нече айга созулуп, ага миңдеген адамдар катышкан.",
                     "other"},
        LanguageCase{"tatar",
                     "Җаңаөзәндә нефтьчеләр забастовкасы 2011 елның май аенда башланды. Эшчеләр "
                     "хезмәт хакын арттыруны һәм эш шартларын яхшыртуны таләп иттеләр.",
                     "other"},
        LanguageCase{"bashkir",
                     "Жаңаөзәндә нефтселәр забастовкаһы 2011 йылдың май айында башланды. "
                     "Эшселәр эш хаҡын арттырыуҙы һәм хеҙмәт шарттарын яҡшыртыуҙы талап итте.",
                     "other"},
        LanguageCase{"ukrainian_naming_kazakh_town", "Страйк у Жаңаөзені: її учасники досі чекають",
                     "other"},
        LanguageCase{"ukrainian_short", "Страйк у Жанаозені: що відомо про події", "other"},
        LanguageCase{"belarusian_short", "Страйк у Жанаозене: што вядома пра падзеі", "other"}),
    [](const ::testing::TestParamInfo<LanguageCase>& info) {
      return std::string(info.param.name);
    });

// Hostile texts: no word boundary, separators only, arbitrary bytes, a word of Cyrillic letters
// longer than the per-word buffer. Every one gives an answer, in bounded time.
TEST(LanguageTest, HostileTextsGiveAnAnswer) {
  std::string bytes(1 << 20, '\0');
  uint32_t x = 12345;
  for (char& c : bytes) {
    x = x * 1664525u + 1013904223u;
    c = static_cast<char>(x >> 24);
  }
  std::string long_word;
  for (int i = 0; i < 100000; ++i) long_word += "ж";
  std::string separators;
  for (int i = 0; i < 200000; ++i) separators += " | ";
  for (const std::string& text :
       {std::string(2 << 20, 'a'), separators, bytes, long_word, std::string(1 << 20, '(')}) {
    const std::string lang = DetectLanguage(text);
    EXPECT_TRUE(lang == "en" || lang == "ru" || lang == "kk" || lang == "other") << lang;
  }
}

}  // namespace
}  // namespace kuzet::extractor
