// Article texts written for these tests (about the 2011 Zhanaozen strike, the story Kuzet follows).
#pragma once

#include <string_view>

namespace kuzet::extractor::testing {

inline constexpr std::string_view kRussianParagraphs[] = {
    "Забастовка нефтяников в Жанаозене началась в мае 2011 года, когда рабочие компании "
    "«Озенмунайгаз» потребовали повышения зарплаты и улучшения условий труда.",
    "Протест продолжался несколько месяцев, и в нём участвовали тысячи людей. Многие из них были "
    "уволены, а профсоюзные активисты оказались под следствием.",
    "Шестнадцатого декабря на центральной площади города произошли столкновения, в результате "
    "которых погибли люди. Это событие потрясло всю страну и вызвало отклик за рубежом.",
    "Правозахисники, юристы и журналисты до сих пор требуют независимого расследования, "
    "а семьи погибших ждут, что виновные будут наказаны."};

inline constexpr std::string_view kKazakhParagraphs[] = {
    "Жаңаөзен қаласында мұнайшылардың ереуілі 2011 жылы мамыр айында басталды. Жұмысшылар "
    "жалақыны көтеруді және еңбек жағдайын жақсартуды талап етті.",
    "Ереуіл бірнеше ай бойы жалғасты, оған мыңдаған адам қатысты. Көптеген жұмысшылар жұмыстан "
    "шығарылды, кәсіподақ белсенділері қудалауға ұшырады.",
    "Желтоқсанның он алтысында алаңда болған оқиғалар бүкіл елді дүр сілкіндірді. Құқық "
    "қорғаушылар бұл оқиғаны тәуелсіз тергеуді әлі де талап етіп келеді."};

inline constexpr std::string_view kUkrainianText =
    "Страйк нафтовиків у Жанаозені розпочався у травні, коли робітники вимагали підвищення "
    "заробітної плати та покращення умов праці. Протест тривав кілька місяців, у ньому взяли "
    "участь тисячі людей. Події шістнадцятого грудня на площі сколихнули всю країну, а "
    "правозахисники досі вимагають незалежного розслідування. Її родина каже, що це є правда.";

inline constexpr std::string_view kEnglishParagraphs[] = {
    "The strike by oil workers in Zhanaozen began in May 2011, when employees of the state oil "
    "company demanded higher wages, safer working conditions and the right to organise.",
    "The protest lasted for months. Thousands of people took part, hundreds were dismissed, and "
    "union activists were prosecuted for organising what the courts called an illegal strike.",
    "On 16 December the police opened fire on the town square, killing at least sixteen people. "
    "The events shocked the country and drew condemnation from abroad.",
    "Human-rights groups, lawyers and journalists still call for an independent investigation, "
    "and the families of the dead are waiting for those responsible to be held to account."};

}  // namespace kuzet::extractor::testing
