#include "extractor/keywords/morphology.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>

namespace kuzet::keywords {

namespace {

// Letters only Kazakh uses (Cyrillic, and the 2021 and 2018 Latin alphabets): a word with one
// is inflected as Kazakh whatever the page language (a Russian page quoting "Жаңаөзенде").
constexpr std::u16string_view kKazakhLetters = u"әғқңөұүһіӘҒҚҢӨҰҮҺІäğñöūüışÄĞÑÖŪÜŞáǵńóúýÁǴŃÓÚÝ";
constexpr char16_t kKazakhLetterLimit = 0x0500;  // all of them are below

// One bit per code unit below kKazakhLetterLimit: a lookup per letter of every distinct word.
constexpr std::array<uint64_t, kKazakhLetterLimit / 64> KazakhLetterBits() {
  std::array<uint64_t, kKazakhLetterLimit / 64> bits{};
  for (char16_t c : kKazakhLetters) bits[c / 64] |= uint64_t{1} << (c % 64);
  return bits;
}

bool HasKazakhLetter(std::u16string_view word) {
  static constexpr std::array<uint64_t, kKazakhLetterLimit / 64> kBits = KazakhLetterBits();
  static_assert(std::all_of(kKazakhLetters.begin(), kKazakhLetters.end(),
                            [](char16_t c) { return c >= 0x80 && c < kKazakhLetterLimit; }));
  return std::any_of(word.begin(), word.end(), [](char16_t c) {
    return c < kKazakhLetterLimit && (kBits[c / 64] >> (c % 64) & 1) != 0;
  });
}

const std::vector<std::string> kRussianEndings = {
    "а",    "я",   "о",  "е",  "у",   "ю",   "ы",   "и",   "ом",  "ем",   "ём",  "ой",
    "ей",   "ою",  "ею", "ам", "ям",  "ами", "ями", "ах",  "ях",  "ов",   "ев",  "ёв",
    "ий",   "ый",  "ая", "яя", "ое",  "ее",  "ую",  "юю",  "ого", "его",  "ому", "ему",
    "ым",   "им",  "ых", "их", "ыми", "ими", "ие",  "ия",  "ию",  "ии",   "ием", "иям",
    "иями", "иях", "ью", "ье", "ья",  "ьи",  "ьей", "ьев", "ьям", "ьями", "ьях"};

// Kazakh suffix slots in Cyrillic, in the order they chain; Latin forms are derived below.
// `after` lists the slots that must directly precede (empty: any, or none).
struct RawSlot {
  std::vector<std::string> suffixes;
  std::vector<int> after;
};
const std::vector<RawSlot> kKazakhSlots = {
    /*0 derivation*/ {{"лық", "лік", "дық", "дік", "тық", "тік", "шы", "ші"}, {}},
    /*1 plural*/ {{"лар", "лер", "дар", "дер", "тар", "тер"}, {}},
    /*2 possessive*/
    {{"ы", "і", "сы", "сі", "ым", "ім", "м", "ың", "ің", "ң", "ыңыз", "іңіз", "ңыз", "ңіз", "ымыз",
      "іміз", "мыз", "міз"},
     {}},
    /*3 case*/
    {{"да",  "де",  "та",  "те",  "ға",  "ге",  "қа",  "ке",   "ның", "нің", "дың",
      "дің", "тың", "тің", "ны",  "ні",  "ды",  "ді",  "ты",   "ті",  "нан", "нен",
      "дан", "ден", "тан", "тен", "мен", "бен", "пен", "ымен", "імен"},
     {}},
    /*4 case after a possessive (dative -на/-а, accusative -н, locative -нда)*/
    {{"на", "не", "а", "е", "н", "ын", "ін", "нда", "нде"}, {2}},
    /*5 relative, after the locative (-дағы)*/ {{"ғы", "гі", "қы", "кі"}, {3, 4}},
    /*6 plural after the relative*/ {{"лар", "лер"}, {5}},
    /*7 case after the relative*/
    {{"да", "де", "ға", "ге", "на", "не", "ның", "нің", "ны", "ні", "н", "нан", "нен", "мен"},
     {5, 6}},
};

// Russian derivation from a name, as ordered slots like the Kazakh chain. The adjective: an
// optional linking element, -ск- and an adjective ending (Мангистау+ск+ая, Алмат+ин+ск+ий,
// КазМунайГаз+ов+ск+ий, Австри+й+ск+ий, Жанаозен+ск+ого; -о for the first part of a compound,
// казахстанско-китайский). A suffix alone never ends the word: "Уральск" (a town) is not Урал+ск.
struct RawDerivationSlot {
  std::vector<std::string> suffixes;
  std::vector<int> after;  // -1: at the start of the tail
  bool terminal;
};
const std::vector<RawDerivationSlot> kAdjectiveSlots = {
    /*0 linking*/ {{"ин", "ен", "ов", "ев", "ан", "ян", "й"}, {}, false},
    /*1 -ск-*/ {{"ск"}, {-1, 0}, false},
    /*2 endings*/
    {{"ий", "ый", "ая", "ое", "ие", "ые", "ого", "ому", "ой", "ую", "им", "ым", "их", "ых", "ими",
      "ыми", "ом", "ою", "о"},
     {1},
     true},
};
// The resident nouns, written in Cyrillic only (in Latin text -ets/-ki are English plurals:
// markets, Medi+ki): -ец / -ц- / -к- / -чан- with a noun ending, after an optional linking
// element (казахстан+ец, жанаозен+ц+ы, актау+с+ц+ев, алмат+ин+ц+ы, казахстан+к+а, астан+чан+е).
const std::vector<RawDerivationSlot> kResidentSlots = {
    /*0 linking*/ {{"ин", "ан", "с"}, {}, false},
    /*1 singular*/ {{"ец"}, {-1, 0}, true},
    /*2 stem*/ {{"ц"}, {-1, 0}, false},
    /*3 endings*/ {{"ы", "а", "у", "ем", "ом", "ев", "ам", "ами", "ах", "е"}, {2}, true},
    /*4 female*/ {{"к"}, {-1, 0}, false},
    /*5 endings*/ {{"а", "и", "у", "ой", "ою", "е", "ам", "ами", "ах"}, {4}, true},
    /*6 -чан-*/ {{"чан"}, {-1}, false},
    /*7 endings*/
    {{"е", "ам", "ами", "ах", "ин", "ина", "ину", "ином", "ка", "ки", "ку", "кой", "ок"},
     {6},
     true},
};

// Russian surnames in -ов/-ев/-ин: the masculine term does not derive (Козловский is another
// family) and does not take the feminine-only endings; -а is both his genitive and her name.
// (-ow/-ew: German and Polish spellings, Koslow, Nasarbajew.)
const std::vector<std::string> kMasculineSurnameFinals = {"ов", "ев", "ёв", "ин", "ын", "ov",
                                                          "ev", "in", "yn", "ow", "ew"};
const std::vector<std::string> kFeminineSurnameFinals = {
    "ова", "ева", "ёва", "ина", "ына", "ova", "eva", "ina", "yna", "owa", "ewa", "ová", "evá"};
const std::vector<std::string> kFeminineOnlySurnameEndings = {"ой", "ою"};
constexpr char kAmbiguousSurnameEnding[] = "а";

const std::vector<std::string> kEnglishEndings = {"s", "es"};

// Nominative endings cut from a term to get the stem its other forms share.
const std::vector<std::string> kNominativeEndings = {
    "а", "я",  "о",  "е", "ь", "й", "ий", "ый", "ой", "ия", "ие", "ье",
    "a", "ya", "ia", "o", "e", "y", "iy", "yy", "ii", "i",  "oy", "yi"};

const std::vector<std::pair<std::string, std::string>> kFinalAlternations = {
    {"қ", "ғ"}, {"к", "г"}, {"п", "б"}, {"q", "ğ"}, {"k", "g"}, {"p", "b"}};

const std::vector<std::pair<std::string, std::string>> kFleetingVowels = {
    {"ка", "ок"}, {"ка", "ек"}, {"ka", "ok"}, {"ka", "ek"}};

// Kazakh Cyrillic → Latin, 2021 alphabet and the 2018 acute alphabet.
const std::map<std::u32string, std::pair<std::string, std::string>>& KazakhLatin() {
  static const auto* table = new std::map<std::u32string, std::pair<std::string, std::string>>{
      {U"а", {"a", "a"}}, {U"ә", {"ä", "á"}}, {U"б", {"b", "b"}},  {U"г", {"g", "g"}},
      {U"ғ", {"ğ", "ǵ"}}, {U"д", {"d", "d"}}, {U"е", {"e", "e"}},  {U"і", {"i", "i"}},
      {U"ы", {"y", "y"}}, {U"к", {"k", "k"}}, {U"қ", {"q", "q"}},  {U"л", {"l", "l"}},
      {U"м", {"m", "m"}}, {U"н", {"n", "n"}}, {U"ң", {"ñ", "ń"}},  {U"п", {"p", "p"}},
      {U"с", {"s", "s"}}, {U"т", {"t", "t"}}, {U"ш", {"ş", "sh"}}, {U"з", {"z", "z"}},
      {U"о", {"o", "o"}}, {U"ө", {"ö", "ó"}}};
  return *table;
}

std::u32string ToUtf32(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (s[i + k] & 0x3F);
    out += cp;
    i += len;
  }
  return out;
}

// The 2021 and 2018 Latin spellings of a Kazakh Cyrillic suffix.
std::vector<std::string> KazakhLatinForms(std::string_view cyrillic) {
  std::string v2021, v2018;
  for (char32_t cp : ToUtf32(cyrillic)) {
    auto it = KazakhLatin().find(std::u32string(1, cp));
    if (it == KazakhLatin().end()) return {};
    v2021 += it->second.first;
    v2018 += it->second.second;
  }
  return {v2021, v2018};
}

void AddUnique(std::vector<std::string>* list, std::string s) {
  if (s.empty()) return;
  if (std::find(list->begin(), list->end(), s) == list->end()) list->push_back(std::move(s));
}

bool IsKeyVowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

Morphology::Morphology(const KeyFolder& folder, KeyMode mode) : mode_(mode) {
  auto fold = [&](std::string_view s) { return folder.FoldUtf8(s, mode); };

  // Order matches the Grammar bits: Russian, Kazakh, English.
  Slots russian(1);
  for (const auto& e : kRussianEndings) AddUnique(&russian[0].suffixes, fold(e));
  grammars_.push_back(std::move(russian));

  Slots kazakh(kKazakhSlots.size());
  for (size_t s = 0; s < kKazakhSlots.size(); ++s) {
    kazakh[s].after = kKazakhSlots[s].after;
    kazakh[s].no_hiatus = true;
    for (const auto& suffix : kKazakhSlots[s].suffixes) {
      AddUnique(&kazakh[s].suffixes, fold(suffix));
      for (const auto& latin : KazakhLatinForms(suffix)) {
        AddUnique(&kazakh[s].suffixes, fold(latin));
      }
    }
  }
  grammars_.push_back(std::move(kazakh));

  Slots english(1);
  for (const auto& e : kEnglishEndings) AddUnique(&english[0].suffixes, fold(e));
  grammars_.push_back(std::move(english));

  auto derivation = [&](const std::vector<RawDerivationSlot>& raw) {
    Slots slots(raw.size());
    for (size_t d = 0; d < raw.size(); ++d) {
      slots[d].after = raw[d].after;
      slots[d].terminal = raw[d].terminal;
      for (const auto& suffix : raw[d].suffixes) AddUnique(&slots[d].suffixes, fold(suffix));
    }
    return slots;
  };
  adjective_derivation_ = derivation(kAdjectiveSlots);
  resident_derivation_ = derivation(kResidentSlots);
  for (const auto& e : kMasculineSurnameFinals) AddUnique(&masculine_surname_finals_, fold(e));
  for (const auto& e : kFeminineSurnameFinals) AddUnique(&feminine_surname_finals_, fold(e));
  for (const auto& e : kFeminineOnlySurnameEndings) AddUnique(&feminine_only_endings_, fold(e));
  ambiguous_surname_ending_ = fold(kAmbiguousSurnameEnding);
  for (const char* t : {"ска", "ску"}) AddUnique(&bare_adjective_tails_, fold(t));

  // Longest first, so the shortest stem is not preferred over a closer one.
  for (const auto& e : kNominativeEndings) AddUnique(&nominative_endings_, fold(e));
  std::sort(nominative_endings_.begin(), nominative_endings_.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });

  auto add_pairs = [&](const auto& raw, auto* out) {
    for (const auto& [from, to] : raw) {
      std::pair<std::string, std::string> folded{fold(from), fold(to)};
      if (folded.first.empty() || folded.first == folded.second) continue;
      if (std::find(out->begin(), out->end(), folded) == out->end()) out->push_back(folded);
    }
  };
  add_pairs(kFinalAlternations, &final_alternations_);
  add_pairs(kFleetingVowels, &fleeting_vowels_);
}

bool Morphology::ParseSlots(const Slots& grammar, int last_slot, std::string_view tail,
                            char prev) const {
  if (tail.empty()) return last_slot < 0 || grammar[static_cast<size_t>(last_slot)].terminal;
  // Cross-script keys collapse doubled letters, so a suffix that starts with the letter the stem
  // ends with loses it (Жаңаөзен+нің → janaozenin).
  const bool collapsed = mode_ == KeyMode::kCrossScript;
  for (size_t s = static_cast<size_t>(last_slot + 1); s < grammar.size(); ++s) {
    const Slot& slot = grammar[s];
    if (!slot.after.empty() &&
        std::find(slot.after.begin(), slot.after.end(), last_slot) == slot.after.end()) {
      continue;
    }
    for (const std::string& suffix : slot.suffixes) {
      if (slot.no_hiatus && IsKeyVowel(prev) && IsKeyVowel(suffix[0])) continue;
      if (tail.starts_with(suffix) &&
          ParseSlots(grammar, static_cast<int>(s), tail.substr(suffix.size()), suffix.back())) {
        return true;
      }
      if (collapsed && suffix.size() > 1 && suffix[0] == prev &&
          tail.starts_with(std::string_view(suffix).substr(1)) &&
          ParseSlots(grammar, static_cast<int>(s), tail.substr(suffix.size() - 1), suffix.back())) {
        return true;
      }
    }
  }
  return false;
}

bool Morphology::EndsWithAny(std::string_view key, const std::vector<std::string>& endings) const {
  return std::any_of(endings.begin(), endings.end(),
                     [&](const std::string& e) { return EndsWith(key, e); });
}

bool Morphology::TailNeedsMasculineContext(std::string_view tail) const {
  return tail == ambiguous_surname_ending_;
}

bool Morphology::AcceptsTail(const WordTail& variant, std::string_view tail, char prev,
                             const TextWord& word) const {
  if (variant.masculine_surname &&
      std::find(feminine_only_endings_.begin(), feminine_only_endings_.end(), tail) !=
          feminine_only_endings_.end()) {
    return false;
  }
  // A stem cut from a nominative ending declines only in Cyrillic (see kCyrillicStem); its
  // derived adjectives are romanized too (Almatinskaya).
  const bool inflects = variant.rule != TailRule::kCyrillicStem || word.declines;
  if (inflects && AcceptsTail(variant.rule, tail, prev, word.grammars)) return true;
  if (tail.empty() || tail.size() > 24) return false;
  if (variant.derives_resident && word.cyrillic &&
      ParseSlots(resident_derivation_, -1, tail, prev)) {
    return true;
  }
  if (!variant.derives) return false;
  if (word.cyrillic_bare_a_or_u &&
      std::any_of(bare_adjective_tails_.begin(), bare_adjective_tails_.end(),
                  [&](const std::string& t) { return EndsWith(tail, t); })) {
    return false;
  }
  return ParseSlots(adjective_derivation_, -1, tail, prev);
}

unsigned Morphology::GrammarsForLanguage(std::string_view language) {
  if (language == "ru" || language == "uk" || language == "be") return kRussian | kEnglish;
  if (language == "en") return kEnglish | kRussian;  // romanized Russian names: Kozlova
  return kAllGrammars;                               // Kazakh pages mix all three; unknown too
}

Morphology::TextWord Morphology::WordOf(std::u16string_view form, unsigned page_grammars,
                                        bool latin_declension) {
  TextWord word;
  word.cyrillic =
      std::any_of(form.begin(), form.end(), [](char16_t u) { return u >= 0x0400 && u < 0x0530; });
  word.grammars = HasKazakhLetter(form) ? (page_grammars | kKazakh) : page_grammars;
  word.declines = word.cyrillic || latin_declension;
  const char16_t last = form.empty() ? 0 : form.back();
  word.cyrillic_bare_a_or_u =
      word.cyrillic && (last == u'а' || last == u'у' || last == u'А' || last == u'У');
  return word;
}

bool Morphology::DeclinesLatinNames(std::string_view language) {
  for (std::string_view slavic : {"cs", "sk", "pl", "hr", "sl", "sr", "bs", "lv", "lt"}) {
    if (language == slavic) return true;
  }
  return false;
}

bool Morphology::AcceptsTail(TailRule rule, std::string_view tail, char prev,
                             unsigned grammars) const {
  switch (rule) {
    case TailRule::kExact:
      return tail.empty();
    case TailRule::kAnything:
      return true;
    case TailRule::kInflection:
      if (tail.empty()) return true;
      break;
    case TailRule::kKazakhVoiced:
    case TailRule::kCyrillicStem:
      if (tail.empty()) return false;
      break;
  }
  if (tail.size() > 24) return false;
  // A stem cut from a Russian nominative ending takes Russian endings only; Kazakh suffixes
  // attach to the whole word (Тулетаева+ның), and would make Россия (stem рос-) match роста.
  if (rule == TailRule::kCyrillicStem) grammars &= kRussian;
  if (rule == TailRule::kKazakhVoiced) {
    grammars &= kKazakh;
    if (mode_ == KeyMode::kCrossScript && !IsKeyVowel(tail[0])) return false;
  }
  // Russian endings replace a final vowel (Астан-е, through the stem variant) rather than
  // follow it; a name ending in a vowel other than й (Актау, Астана) takes no vowel ending on
  // its whole key (Астанай is no Астана+й).
  if (rule == TailRule::kInflection && prev != 'i' && IsKeyVowel(prev) && IsKeyVowel(tail[0])) {
    grammars &= ~kRussian;
  }
  for (size_t g = 0; g < grammars_.size(); ++g) {
    if ((grammars & (1u << g)) && ParseSlots(grammars_[g], -1, tail, prev)) return true;
  }
  return false;
}

std::vector<Morphology::Variant> Morphology::SpellingVariants(const std::string& key,
                                                              TailRule rule) const {
  std::vector<Variant> out = {{key, {rule}}};
  if (mode_ == KeyMode::kCrossScript && key.size() > 1) {
    // Final -z/-s: газ is gas in English (КазМунайГаз, KazMunaiGas), and the Russian final
    // consonant is devoiced anyway.
    if (key.back() == 'z') out.push_back({key.substr(0, key.size() - 1) + "s", {rule}});
    if (key.back() == 's') out.push_back({key.substr(0, key.size() - 1) + "z", {rule}});
  }
  return out;
}

std::vector<Morphology::Variant> Morphology::InflectingVariants(const std::string& key,
                                                                bool name) const {
  const size_t length = CodePointCount(key);
  if (length < kMinInflectingLength) return SpellingVariants(key, TailRule::kExact);
  // Surnames are names of at least five letters (Козлов, Путин); shorter -ин/-ов words are
  // ordinary ones.
  const bool masculine_surname = name && length >= 5 && EndsWithAny(key, masculine_surname_finals_);
  const bool surname =
      masculine_surname || (name && length >= 5 && EndsWithAny(key, feminine_surname_finals_));
  const bool derives = name && !surname;
  std::vector<Variant> out = SpellingVariants(key, TailRule::kInflection);
  auto set_derivation = [&](Variant* v) {
    const size_t stem = CodePointCount(v->key);
    v->tail.derives = derives && stem >= kMinDerivingStemLength;
    v->tail.derives_resident = derives && stem >= kMinResidentStemLength;
  };
  for (Variant& v : out) {
    set_derivation(&v);
    v.tail.masculine_surname = masculine_surname;
  }
  auto stem_long_enough = [](std::string_view stem) {
    return CodePointCount(stem) >= kMinInflectingLength;
  };
  for (const std::string& ending : nominative_endings_) {
    if (!EndsWith(key, ending)) continue;
    std::string stem = key.substr(0, key.size() - ending.size());
    if (!stem_long_enough(stem)) continue;
    Variant v{stem, {TailRule::kCyrillicStem}};
    set_derivation(&v);
    out.push_back(std::move(v));
  }
  for (const auto& [from, to] : final_alternations_) {
    if (!EndsWith(key, from)) continue;
    std::string stem = key.substr(0, key.size() - from.size()) + to;
    if (stem_long_enough(stem)) out.push_back({stem, {TailRule::kKazakhVoiced}});
  }
  for (const auto& [from, to] : fleeting_vowels_) {
    if (!EndsWith(key, from)) continue;
    std::string form = key.substr(0, key.size() - from.size()) + to;
    if (stem_long_enough(form)) out.push_back({form, {TailRule::kExact}});
  }
  return out;
}

}  // namespace kuzet::keywords
