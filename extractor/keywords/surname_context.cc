#include "extractor/keywords/surname_context.h"

#include <unicode/uchar.h>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>

namespace kuzet::keywords {

namespace {

// Lower-cased text of a token (BMP letters are all these rules look at).
std::u16string Lower(const TextIndex& index, const Token& token) {
  std::u16string out(index.TokenText(token));
  for (char16_t& c : out) c = static_cast<char16_t>(u_tolower(c));
  return out;
}

bool EndsWithAny(std::u16string_view word, std::initializer_list<std::u16string_view> endings) {
  return std::any_of(endings.begin(), endings.end(), [&](std::u16string_view e) {
    return word.size() > e.size() && word.substr(word.size() - e.size()) == e;
  });
}

// Nothing but white space between tokens a and a + 1.
bool Adjacent(const TextIndex& index, size_t a) {
  const auto& tokens = index.tokens();
  for (int32_t i = tokens[a].u16_end; i < tokens[a + 1].u16_begin; ++i) {
    if (!u_isspace(index.text().charAt(i))) return false;
  }
  return true;
}

bool IsFemalePatronymic(std::u16string_view w) {
  return EndsWithAny(
      w, {u"овна", u"евна", u"ична", u"овны", u"евны", u"ичны", u"овне", u"евне", u"ичне", u"овну",
          u"евну", u"ичну", u"овной", u"евной", u"ичной", u"ovna", u"evna", u"ichna"});
}

bool IsTitle(std::u16string_view w) {
  for (std::u16string_view t :
       {u"ms", u"mrs", u"miss", u"madame", u"mme", u"госпожа", u"госпожи", u"frau", u"pani"}) {
    if (w == t) return true;
  }
  return false;
}

// Common given names of women in Kazakhstan and Russia, nominative (Kazakh ones in both
// spellings where Russian spelling differs). Not names that double as a man's genitive.
constexpr const char* kWomensNames[] = {
    "Анна",     "Мария",    "Наталья",   "Наталия",  "Елена",     "Ольга",     "Татьяна",
    "Ирина",    "Светлана", "Екатерина", "Юлия",     "Марина",    "Галина",    "Людмила",
    "Надежда",  "Любовь",   "Вера",      "Нина",     "Анастасия", "Дарья",     "Ксения",
    "Оксана",   "Алла",     "Лариса",    "Лидия",    "Зоя",       "Валентина", "Тамара",
    "Раиса",    "Софья",    "Полина",    "Алина",    "Виктория",  "Кристина",  "Елизавета",
    "Жанна",    "Роза",     "Зинаида",   "Антонина", "Маргарита", "Вероника",  "Олеся",
    "Инна",     "Эльвира",  "Диана",     "Карина",   "Ангелина",  "Яна",       "Айгуль",
    "Айгүл",    "Гульнар",  "Гульнара",  "Гүлнар",   "Айжан",     "Жанар",     "Асель",
    "Әсел",     "Асем",     "Әсем",      "Динара",   "Дана",      "Айман",     "Салтанат",
    "Сауле",    "Сәуле",    "Майра",     "Мадина",   "Назерке",   "Жансая",    "Алия",
    "Әлия",     "Гульмира", "Гүлмира",   "Айнур",    "Камила",    "Арайлым",   "Меруерт",
    "Айша",     "Зарина",   "Жибек",     "Ботагоз",  "Ботагөз",   "Акмарал",   "Ақмарал",
    "Шынар",    "Жулдыз",   "Жұлдыз",    "Лаура",    "Анель",     "Томирис",   "Гульжан",
    "Гүлжан",   "Раушан",   "Айгерим",   "Айгерім",  "Гаухар",    "Ainur",     "Natalia",
    "Natalya",  "Maria",    "Elena",     "Olga",     "Tatiana",   "Tatyana",   "Irina",
    "Svetlana", "Yulia",    "Julia",     "Anna",     "Roza",      "Rosa",      "Zhanna",
    "Aigul",    "Gulnara",  "Gulnar",    "Aizhan",   "Zhanar",    "Assel",     "Dinara",
    "Saule",    "Madina",   "Aliya",     "Aigerim",  "Gaukhar",   "Ekaterina", "Yekaterina",
    "Сара",     "Дарига",   "Дариға",    "Алма",     "Бибигуль",  "Гульнур",   "Жазира",
    "Индира",   "Кымбат",   "Қымбат",    "Куралай",  "Құралай",   "Молдир",    "Мөлдір",
    "Назгуль",  "Перизат",  "Сымбат",    "Улжан",    "Ұлжан",     "Шолпан",    "Эльмира",
    "Ляззат",   "Карлыгаш", "Қарлығаш",  "Бота",     "Зауре",     "Зәуре",     "Гульшат",
    "Sara",     "Dariga",   "Alma",      "Indira",   "Sholpan",   "Elmira",    "Lyazzat"};

bool IsFeminineAdjective(std::u16string_view lower_word) {
  return lower_word.size() >= 5 && EndsWithAny(lower_word, {u"ая", u"яя"});
}

bool IsFemininePastVerb(const TextIndex& index, const Token& token) {
  const std::u16string_view w = index.TokenText(token);
  if (w.size() < 4 || !u_islower(w[0])) return false;
  return EndsWithAny(w, {u"ла", u"лась"});
}

}  // namespace

SurnameContext::SurnameContext(const KeyFolder& folder) : folder_(&folder) {
  for (const char* name : kWomensNames) {
    womens_names_.insert(folder.FoldUtf8(name, KeyMode::kCrossScript));
  }
}

bool SurnameContext::NamesAWoman(const TextIndex& index, size_t t) const {
  const auto& tokens = index.tokens();
  if (t > 0 && Adjacent(index, t - 1)) {
    const std::u16string prev = Lower(index, tokens[t - 1]);
    if (IsFemalePatronymic(prev) || IsTitle(prev) || IsFeminineAdjective(prev)) return true;
    if (womens_names_.count(folder_->Fold(index.TokenText(tokens[t - 1]), KeyMode::kCrossScript))) {
      return true;
    }
  }
  if (t + 1 < tokens.size() && Adjacent(index, t)) {
    const std::u16string next = Lower(index, tokens[t + 1]);
    if (IsFemalePatronymic(next)) return true;
    // The verb agrees with the surname only when the surname starts the clause ("Козлова
    // заявила"), not in "Защита Владимира Козлова обжаловала".
    const bool starts_clause = t == 0 || !Adjacent(index, t - 1);
    if (starts_clause && IsFemininePastVerb(index, tokens[t + 1])) return true;
    // Surname first: Козлова Наталья Ивановна.
    if (t + 2 < tokens.size() && Adjacent(index, t + 1) &&
        IsFemalePatronymic(Lower(index, tokens[t + 2]))) {
      return true;
    }
  }
  return false;
}

}  // namespace kuzet::keywords
