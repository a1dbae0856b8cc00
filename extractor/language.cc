#include "extractor/language.h"

#include <cld2/public/compact_lang_det.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "extractor/code_point.h"
#include "extractor/natural_text.h"

namespace kuzet::extractor {
namespace {

// 1000 natural words (within the first 64 KiB of text) decide as well as the whole and bound the
// cost on huge pages; CLD2 reads a 4 KiB sample of the words.
constexpr size_t kMaxTextBytes = 64u << 10;
constexpr size_t kMaxWords = 1000;
constexpr size_t kSampleBytes = 4u << 10;

// Counts over the natural-language words (natural_text.h). Cyrillic is counted by words, so that
// a single quoted word or name never decides and a few letters in a URL never count at all.
struct Tally {
  size_t latin_letters = 0;
  size_t cyrillic_letters = 0;
  size_t other_letters = 0;  // Greek, Arabic, CJK, ...
  size_t cyrillic_words = 0;
  size_t kazakh_words = 0;         // with ғ қ ұ, which neither Kyrgyz, Tatar nor Mongolian have
  size_t kazakh_common_words = 0;  // with ғ қ ұ і ә ң ө ү һ and not names
  size_t kazakh_i_words = 0;       // with і (or a Latin i among Cyrillic letters)
  size_t cyrillic_dotted_i_words = 0;  // with і itself
  size_t turkic_words = 0;  // with ә ң ө ү һ (also Kyrgyz, Tatar, Bashkir, Mongolian)
  size_t schwa_words = 0;   // with ә (also Tatar, Bashkir; not Kyrgyz, Mongolian)
  size_t foreign_words = 0;  // with ї є ґ ў ҳ ҷ ӣ ӯ җ ҡ ҙ ҫ ђ ј љ њ ћ џ ѓ ќ ѕ: not Russian/Kazakh
  size_t long_vowel_words = 0;  // with аа оо уу ыы ээ өө үү: Kyrgyz and Mongolian, not Kazakh
  size_t cyrillic_i_words = 0;  // with и щ (Belarusian has neither)
  size_t bulgarian_words = 0;  // with ъ before a consonant (Russian has it only before е ё ю я)
  size_t russian_words = 0;    // with ы э ё (neither Ukrainian nor Bulgarian has them)
  size_t russian_function_words = 0;
  size_t kazakh_function_words = 0;
  size_t kazakh_suffix_words = 0;  // ending in a Kazakh case or plural suffix (HasKazakhSuffix)
  size_t latin_words = 0;
  size_t english_stop_words = 0;
  // Latin words with letters of the Kazakh Latin alphabets (2021: ä ğ ñ ö ū ü ş ı q; 2018: á ǵ ń
  // ó ú ý ı q), and with the letters that tell them from Turkish, Azerbaijani, Uzbek, Turkmen,
  // Crimean Tatar and Tatar, which share most of them.
  size_t latin_kazakh_letter_words = 0;
  size_t latin_q_words = 0;
  size_t latin_a_umlaut_words = 0;  // ä: Kazakh, Tatar, Turkmen
  size_t latin_u_macron_words = 0;  // ū: Kazakh 2021 only
  size_t latin_g_acute_words = 0;   // ǵ: Kazakh 2018 only
  size_t latin_dotless_i_words = 0;
  size_t latin_acute_words = 0;      // á ó ú ń
  size_t latin_c_cedilla_words = 0;  // ç: Tatar, Crimean Tatar ч; rare in Kazakh
};

constexpr uint32_t Lower(uint32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 0x20 : c;
  if (c >= 0x0410 && c <= 0x042F) return c + 0x20;
  if (c >= 0x0400 && c <= 0x040F) return c + 0x50;
  if (c >= 0x0460 && c <= 0x04FF && c % 2 == 0 && c != 0x04C0) return c + 1;
  if (c == 0x018F) return 0x0259;  // Ə
  if (c == 0x019F) return 0x0275;  // Ɵ
  return c;
}

// A Latin letter inside a Cyrillic word stands for the Cyrillic letter it looks like: Kazakh
// typed on keyboards without its letters uses i for і, ə for ә, ɵ for ө, h for һ.
constexpr uint32_t CyrillicLookalike(uint32_t lower) {
  switch (lower) {
    case 'a':
      return 0x0430;
    case 'b':
      return 0x0432;
    case 'c':
      return 0x0441;
    case 'e':
      return 0x0435;
    case 'h':
      return 0x04BB;
    case 'i':
      return 0x0456;
    case 'k':
      return 0x043A;
    case 'm':
      return 0x043C;
    case 'n':
      return 0x043F;
    case 'o':
      return 0x043E;
    case 'p':
      return 0x0440;
    case 't':
      return 0x0442;
    case 'x':
      return 0x0445;
    case 'y':
      return 0x0443;
    case 0x0259:
      return 0x04D9;
    case 0x0275:
      return 0x04E9;
    default:
      return lower;
  }
}

// Kazakh letters written with the Russian letters they resemble, for matching function words
// whatever the keyboard.
constexpr uint32_t RussianLookalike(uint32_t c) {
  switch (c) {
    case 0x04D9:
      return 0x0430;  // ә а
    case 0x0493:
      return 0x0433;  // ғ г
    case 0x049B:
      return 0x043A;  // қ к
    case 0x04A3:
      return 0x043D;  // ң н
    case 0x04E9:
      return 0x043E;  // ө о
    case 0x04B1:
      return 0x0443;  // ұ у
    case 0x04AF:
      return 0x0443;  // ү у
    case 0x04BB:
      return 0x0445;  // һ х
    case 0x0456:
      return 0x0438;  // і и
    default:
      return c;
  }
}

void AppendUtf8(std::string& s, uint32_t c) {
  if (c < 0x80) {
    s += static_cast<char>(c);
  } else if (c < 0x800) {
    s += static_cast<char>(0xC0 | (c >> 6));
    s += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    s += static_cast<char>(0xE0 | (c >> 12));
    s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (c >> 18));
    s += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// What a lower-case Cyrillic letter tells about the language of its word.
enum CyrillicFlag : unsigned {
  kKazakh = 1 << 0,   // ғ қ ұ: Kazakh, not Kyrgyz, Tatar or Mongolian
  kI = 1 << 1,        // і (or a Latin i among Cyrillic letters): Kazakh, Ukrainian, Belarusian
  kDottedI = 1 << 2,  // і itself (set by the caller)
  kTurkic = 1 << 3,   // ә ң ө ү һ: also Kyrgyz, Tatar, Bashkir, Mongolian
  kSchwa = 1 << 4,    // ә: not Kyrgyz or Mongolian
  kForeign = 1 << 5,  // ї є ґ ў ҳ ҷ ӣ ӯ җ ҡ ҙ ҫ ђ ј љ њ ћ џ ѓ ќ ѕ: neither Russian nor Kazakh
  kRussian = 1 << 6,               // ы э ё: neither Ukrainian nor Bulgarian
  kCyrillicI = 1 << 7,             // и щ: not Belarusian
  kVowel = 1 << 8,                 // а о у ы э ө ү, written double in Kyrgyz and Mongolian
  kSoftensAfterHardSign = 1 << 9,  // е ё ю я, the only letters after a Russian ъ
};

constexpr unsigned CyrillicFlags(uint32_t c) {
  switch (c) {
    case 0x0493:
    case 0x049B:
    case 0x04B1:
      return kKazakh;
    case 0x0456:
      return kI;
    case 0x04D9:
      return kTurkic | kSchwa;
    case 0x04A3:
    case 0x04BB:
      return kTurkic;
    case 0x04E9:
    case 0x04AF:
      return kTurkic | kVowel;
    case 0x0457:
    case 0x0454:
    case 0x0491:
    case 0x045E:
    case 0x04B3:
    case 0x04B7:
    case 0x04E3:
    case 0x04EF:
    case 0x0497:
    case 0x04A1:
    case 0x0499:
    case 0x04AB:
    case 0x0452:
    case 0x0458:
    case 0x0459:
    case 0x045A:
    case 0x045B:
    case 0x045F:
    case 0x0453:
    case 0x045C:
    case 0x0455:
      return kForeign;
    case 0x044B:
    case 0x044D:
      return kRussian | kVowel;
    case 0x0451:
      return kRussian | kSoftensAfterHardSign;
    case 0x0438:
    case 0x0449:
      return kCyrillicI;
    case 0x0430:
    case 0x043E:
    case 0x0443:
      return kVowel;
    case 0x0435:
    case 0x044E:
    case 0x044F:
      return kSoftensAfterHardSign;
    default:
      return 0;
  }
}

// A Cyrillic letter (U+0400-U+052F) in lower case, its Russian look-alike and its flags, looked
// up once per letter.
struct CyrillicLetter {
  uint16_t lower = 0;
  uint16_t folded = 0;
  uint16_t flags = 0;
};

constexpr std::array<CyrillicLetter, 0x130> MakeCyrillicTable() {
  std::array<CyrillicLetter, 0x130> table{};
  for (uint32_t c = 0x0400; c < 0x0530; ++c) {
    const uint32_t lower = Lower(c);
    table[c - 0x0400] = {static_cast<uint16_t>(lower),
                         static_cast<uint16_t>(RussianLookalike(lower)),
                         static_cast<uint16_t>(CyrillicFlags(lower))};
  }
  return table;
}

constexpr std::array<CyrillicLetter, 0x130> kCyrillicTable = MakeCyrillicTable();

// UTF-8 of up to 8 Cyrillic letters without allocating; longer text sets overflow.
struct ShortUtf8 {
  char data[16];
  size_t size = 0;
  bool overflow = false;
  void Append(uint32_t c) {
    const size_t n = c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    if (overflow || size + n > sizeof data) {
      overflow = true;
      return;
    }
    if (n == 1) {
      data[size++] = static_cast<char>(c);
    } else if (n == 2) {
      data[size++] = static_cast<char>(0xC0 | (c >> 6));
      data[size++] = static_cast<char>(0x80 | (c & 0x3F));
    } else {
      data[size++] = static_cast<char>(0xE0 | (c >> 12));
      data[size++] = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      data[size++] = static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  std::string_view view() const { return {data, size}; }
};

// Frequent short words, Kazakh ones in their Russian-look-alike spelling (RussianLookalike).
// Words both languages write alike (да, а) are in neither list. Sorted for binary search.
constexpr std::string_view kRussianFunctionWords[] = {
    "в",   "во",     "вы",  "до",  "его",   "ее",    "если", "её",    "же",      "за",
    "и",   "из",     "или", "их",  "к",     "как",   "ко",   "когда", "которые", "который",
    "ли",  "мы",     "на",  "над", "не",    "но",    "о",    "об",    "он",      "она",
    "они", "от",     "по",  "под", "после", "при",   "с",    "со",    "так",     "также",
    "то",  "только", "у",   "уже", "что",   "чтобы", "это",  "этот"};
constexpr std::string_view kKazakhFunctionWords[] = {
    "аркылы", "бен",  "бирак", "бойынша", "болды",  "болып", "бул",    "дейин", "деп",    "еди",
    "емес",   "жане", "жок",   "жылы",    "казир",  "кейин", "керек",  "мен",   "немесе", "оган",
    "ол",     "онын", "осы",   "пен",     "сиякты", "сол",   "туралы", "ушин"};

static_assert(std::is_sorted(std::begin(kRussianFunctionWords), std::end(kRussianFunctionWords)));
static_assert(std::is_sorted(std::begin(kKazakhFunctionWords), std::end(kKazakhFunctionWords)));

// Byte order without a memcmp call: these words are a few bytes long and looked up per word.
int Compare(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i])
      return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]) ? -1 : 1;
  }
  return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
}

bool Contains(std::span<const std::string_view> sorted, std::string_view w) {
  size_t lo = 0, hi = sorted.size();
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    const int c = Compare(sorted[mid], w);
    if (c == 0) return true;
    if (c < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return false;
}

// Kazakh endings Russian words seldom have, in look-alike spelling: genitive -ның/-нің/-дың/
// -дің/-тың, "your" -ңыз/-ңіз, plural -лар/-лер/-дар/-тар, locative-adjectival -дағы/-дегі/
// -тағы/-тегі, participle -ған/-ген, adjectival -лық/-дық.
// last4: the word's last four letters, folded, oldest first.
bool HasKazakhSuffix(const uint32_t (&last4)[4]) {
  static constexpr std::u16string_view kEndings[] = {
      u"нын", u"нин",  u"дын",  u"дин",  u"тын",  u"ныз", u"низ", u"лар", u"лер", u"дар",
      u"тар", u"дагы", u"деги", u"тагы", u"теги", u"ган", u"ген", u"лык", u"дык"};
  for (auto e : kEndings) {
    const size_t skip = 4 - e.size();
    size_t k = 0;
    while (k < e.size() && last4[skip + k] == e[k]) ++k;
    if (k == e.size()) return true;
  }
  return false;
}

bool IsEnglishStopWord(std::string_view w) {
  static constexpr std::string_view kStop[] = {"the",  "and", "of",   "to",  "in",  "is",
                                               "that", "for", "with", "was", "are", "on"};
  return std::find(std::begin(kStop), std::end(kStop), w) != std::end(kStop);
}

// Whether word (a view into text) opens the text, a line or a sentence: only spaces, quotes,
// brackets and dashes stand between it and the start or a . ! ? : or …
bool OpensSentence(std::string_view text, std::string_view word) {
  size_t i = static_cast<size_t>(word.data() - text.data());
  for (size_t steps = 0; steps < 8; ++steps) {
    if (i == 0) return true;
    size_t start = i - 1;  // the lead byte of the code point before i
    while (start > 0 && i - start < 4 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80)
      --start;
    size_t next = start;
    const uint32_t c = NextCodePoint(text, next);
    if (c == '\n' || c == '.' || c == '!' || c == '?' || c == ':' || c == 0x2026) return true;
    if (IsLetter(c) || (c >= '0' && c <= '9') || c == ',' || c == ';') return false;
    i = start;
  }
  return false;
}

// sentence_start: the word opens the text, a line or a sentence, so a capital says nothing.
void AddWord(std::string_view word, bool sentence_start, Tally& t) {
  // The letters, decoded once; letters past the 48th of a word count but are not examined.
  uint32_t letter[48];
  size_t n = 0, latin = 0, cyrillic = 0, other = 0;
  for (size_t i = 0; i < word.size();) {
    const uint32_t c = NextCodePoint(word, i);
    if (!IsLetter(c)) continue;
    if (c < 0x2B0) {
      ++latin;
    } else if (c >= 0x0400 && c <= 0x052F) {
      ++cyrillic;
    } else {
      ++other;
    }
    if (n < std::size(letter)) letter[n++] = c;
  }
  if (cyrillic > 0 && cyrillic >= latin) {
    t.cyrillic_letters += cyrillic + latin;
    t.other_letters += other;
    ++t.cyrillic_words;
    unsigned word_flags = 0;
    bool bulgarian = false, long_vowel = false;
    uint32_t previous = 0;
    ShortUtf8 folded;  // lower case, Kazakh letters as Russian look-alikes (short words only)
    uint32_t tail[4] = {};
    size_t letters = 0;
    for (size_t k = 0; k < n; ++k) {
      uint32_t c = letter[k];
      if (c < 0x0400 || c >= 0x0530) {  // a Latin letter among Cyrillic ones, or another script
        c = c < 0x2B0 ? CyrillicLookalike(Lower(c)) : c;
      } else if (kCyrillicTable[c - 0x0400].lower == 0x0456) {
        word_flags |= kDottedI;
      }
      const CyrillicLetter info =
          c >= 0x0400 && c < 0x0530
              ? kCyrillicTable[c - 0x0400]
              : CyrillicLetter{static_cast<uint16_t>(c), static_cast<uint16_t>(c), 0};
      c = info.lower;
      const unsigned flags = info.flags;
      word_flags |= flags;
      long_vowel |= c == previous && (flags & kVowel);
      if (previous == 0x044A && !(flags & kSoftensAfterHardSign)) bulgarian = true;
      previous = c;
      const uint32_t f = info.folded;
      if (k < 8) folded.Append(f);
      tail[letters++ % 4] = f;
    }
    if (letters >= 5) {
      uint32_t last4[4];
      for (size_t k = 0; k < 4; ++k) last4[k] = tail[(letters - 4 + k) % 4];
      t.kazakh_suffix_words += HasKazakhSuffix(last4);
    }
    // A capitalised word inside a sentence is a name (Қазақ, Жаңаөзен in a Russian text).
    const bool name = !sentence_start && letter[0] >= 0x0400 && letter[0] < 0x0530 &&
                      letter[0] != kCyrillicTable[letter[0] - 0x0400].lower;
    if ((word_flags & (kKazakh | kI | kTurkic)) && !name) ++t.kazakh_common_words;
    t.kazakh_words += (word_flags & kKazakh) != 0;
    t.kazakh_i_words += (word_flags & kI) != 0;
    t.cyrillic_dotted_i_words += (word_flags & kDottedI) != 0;
    t.turkic_words += (word_flags & kTurkic) != 0;
    t.schwa_words += (word_flags & kSchwa) != 0;
    t.bulgarian_words += bulgarian;
    t.cyrillic_i_words += (word_flags & kCyrillicI) != 0;
    t.long_vowel_words += long_vowel;
    t.foreign_words += (word_flags & kForeign) != 0;
    t.russian_words += (word_flags & kRussian) != 0;
    if (!folded.overflow && letters <= 7) {  // the longest function words have 7 letters
      t.russian_function_words += Contains(kRussianFunctionWords, folded.view());
      t.kazakh_function_words += Contains(kKazakhFunctionWords, folded.view());
    }
    return;
  }
  t.latin_letters += latin;
  t.other_letters += other + cyrillic;
  if (latin == 0) return;
  ++t.latin_words;
  unsigned marks = 0;
  enum : unsigned {
    kQ = 1,
    kAUmlaut = 2,
    kUMacron = 4,
    kGAcute = 8,
    kDotlessI = 16,
    kAcute = 32,
    kCCedilla = 64,
    kKazakhLatin = 128
  };
  for (size_t k = 0; k < n; ++k) {
    switch (letter[k]) {
      case 'q':
      case 'Q':
        marks |= kQ | kKazakhLatin;
        break;
      case 0x00E4:
      case 0x00C4:
        marks |= kAUmlaut | kKazakhLatin;
        break;
      case 0x016B:
      case 0x016A:
        marks |= kUMacron | kKazakhLatin;
        break;
      case 0x01F5:
      case 0x01F4:
        marks |= kGAcute | kKazakhLatin;
        break;
      case 0x0131:
        marks |= kDotlessI | kKazakhLatin;
        break;
      case 0x00E1:
      case 0x00F3:
      case 0x00FA:
      case 0x0144:
        marks |= kAcute | kKazakhLatin;
        break;
      case 0x00E7:
      case 0x00C7:
        marks |= kCCedilla;
        break;
      case 0x00F1:
      case 0x00D1:
      case 0x011F:
      case 0x011E:
      case 0x015F:
      case 0x015E:
      case 0x00F6:
      case 0x00D6:
      case 0x00FC:
      case 0x00DC:
      case 0x00FD:
        marks |= kKazakhLatin;
        break;
      default:
        break;
    }
  }
  t.latin_kazakh_letter_words += (marks & kKazakhLatin) != 0;
  t.latin_q_words += (marks & kQ) != 0;
  t.latin_a_umlaut_words += (marks & kAUmlaut) != 0;
  t.latin_u_macron_words += (marks & kUMacron) != 0;
  t.latin_g_acute_words += (marks & kGAcute) != 0;
  t.latin_dotless_i_words += (marks & kDotlessI) != 0;
  t.latin_acute_words += (marks & kAcute) != 0;
  t.latin_c_cedilla_words += (marks & kCCedilla) != 0;
  if (word.size() <= 4) {
    std::string lower(word);
    for (char& ch : lower) ch = static_cast<char>(Lower(static_cast<unsigned char>(ch)));
    t.english_stop_words += IsEnglishStopWord(lower);
  }
}

// Share test: count is at least permille/1000 of total.
bool AtLeast(size_t count, size_t total, size_t permille) {
  return count * 1000 >= total * permille;
}

struct Cld2Guess {
  CLD2::Language language = CLD2::UNKNOWN_LANGUAGE;
  bool reliable = false;
};

// Up to kSampleBytes of the words of one script for CLD2, space-separated, letters only (valid
// UTF-8 whatever the input); Cyrillic words in lower case with Latin look-alikes replaced (as
// AddWord reads them).
std::string Sample(std::span<const std::string_view> words, bool cyrillic) {
  std::string sample;
  sample.reserve(kSampleBytes);
  for (std::string_view word : words) {
    if (sample.size() + word.size() + 1 > kSampleBytes) break;
    size_t latin = 0, cyr = 0;
    for (size_t i = 0; i < word.size();) {
      const uint32_t c = NextCodePoint(word, i);
      latin += IsLetter(c) && c < 0x2B0;
      cyr += c >= 0x0400 && c <= 0x052F;
    }
    if (cyrillic != (cyr > 0 && cyr >= latin)) continue;
    if (!sample.empty()) sample += ' ';
    // Letters re-encoded: CLD2 must get valid UTF-8, and a word may hold invalid bytes.
    for (size_t i = 0; i < word.size();) {
      const uint32_t c = NextCodePoint(word, i);
      if (!IsLetter(c)) continue;
      AppendUtf8(sample, !cyrillic ? c : c < 0x2B0 ? CyrillicLookalike(Lower(c)) : Lower(c));
    }
  }
  return sample;
}

Cld2Guess AskCld2(const std::string& sample) {
  Cld2Guess g;
  g.language =
      CLD2::DetectLanguage(sample.data(), static_cast<int>(sample.size()), true, &g.reliable);
  return g;
}

// CLD2's guess is one of the Cyrillic-script languages that are neither Russian nor Kazakh.
bool IsOtherCyrillicLanguage(CLD2::Language l) {
  switch (l) {
    case CLD2::UKRAINIAN:
    case CLD2::BELARUSIAN:
    case CLD2::BULGARIAN:
    case CLD2::MACEDONIAN:
    case CLD2::SERBIAN:
    case CLD2::KYRGYZ:
    case CLD2::TATAR:
    case CLD2::BASHKIR:
    case CLD2::TAJIK:
    case CLD2::MONGOLIAN:
    case CLD2::UZBEK:
    case CLD2::TURKMEN:
    case CLD2::AZERBAIJANI:

    case CLD2::OSSETIAN:
    case CLD2::ABKHAZIAN:
      return true;
    default:
      return false;
  }
}

std::string DecideCyrillic(const Tally& t, std::span<const std::string_view> words) {
  const size_t w = t.cyrillic_words;
  // Letters Russian and Kazakh lack, in more than a stray quoted word; a text with the ы э ё of
  // Russian (or Kazakh) in its words may quote a few such words, more than one in twenty not.
  const bool russian_letters = AtLeast(t.russian_words, w, 30);
  if (t.foreign_words >= 2 && AtLeast(t.foreign_words, w, russian_letters ? 50 : 15))
    return "other";
  // Russian that names Kazakh places and people: its function words far outnumber Kazakh ones.
  const bool reads_russian = t.russian_function_words >= 2 &&
                             AtLeast(t.russian_function_words, w, 120) &&
                             t.russian_function_words > 3 * t.kazakh_function_words;
  // A quarter of the words, not names, with Kazakh letters: Kazakh, even quoting Russian.
  const bool mostly_kazakh_letters =
      t.kazakh_common_words >= 2 &&
      AtLeast(t.kazakh_words + t.kazakh_i_words + t.turkic_words, w, 250);
  // Kazakh letters: ғ қ ұ, or і (a Latin i twice: not a stray one) together with ә ң ө ү һ
  // (Ukrainian has і alone; Kyrgyz, Tatar and Mongolian the others alone), in a good share of the
  // words. Many such words, some of them common words rather than names, decide alone; fewer
  // (headlines, UI strings, a Russian headline quoting a Kazakh name) go to CLD2, whose Tajik,
  // Kyrgyz, Tatar or Russian wins.
  const bool kazakh_letters =
      t.kazakh_words > 0 ||
      ((t.cyrillic_dotted_i_words > 0 || t.kazakh_i_words >= 2) && t.turkic_words > 0);
  // Kyrgyz and Mongolian write long vowels double; Kazakh does not.
  const bool long_vowels = t.long_vowel_words >= 2 && AtLeast(t.long_vowel_words, w, 20);
  const size_t lettered = t.kazakh_words + t.kazakh_i_words + t.turkic_words;
  // Kazakh letters only in capitalised words inside sentences: names in another language.
  const bool names_only = lettered > 0 && t.kazakh_common_words == 0;
  std::optional<Cld2Guess> cld2;
  auto ask = [&]() -> const Cld2Guess& {
    if (!cld2) cld2 = AskCld2(Sample(words, true));
    return *cld2;
  };
  if ((kazakh_letters || t.turkic_words > 0) && AtLeast(lettered, w, 80) &&
      (!reads_russian || (kazakh_letters && mostly_kazakh_letters)) && !long_vowels &&
      !names_only) {
    const Cld2Guess& g = ask();
    // Without ғ қ ұ і, only ә (which Kyrgyz and Mongolian lack) or a sure CLD2 says Kazakh.
    if (g.language == CLD2::KAZAKH && (kazakh_letters || t.schwa_words > 0 || g.reliable))
      return "kk";
    if (IsOtherCyrillicLanguage(g.language) && (g.reliable || !kazakh_letters)) return "other";
    // Unsure: Kazakh, unless ї є ґ ў... without ғ қ ұ suggest a neighbour naming a Kazakh place.
    if (kazakh_letters && (g.language != CLD2::RUSSIAN || mostly_kazakh_letters) &&
        (t.kazakh_words > 0 || t.foreign_words == 0))
      return "kk";
  }
  // Ukrainian and Belarusian: і in more words than the ы э ё Ukrainian lacks, or than the и щ
  // Belarusian lacks.
  if (t.kazakh_i_words >= 2 && AtLeast(t.kazakh_i_words, w, 20) &&
      (t.kazakh_i_words > t.russian_words || t.kazakh_i_words > t.cyrillic_i_words))
    return "other";
  // Kyrgyz, Mongolian, Tatar: ә ң ө ү һ without the Kazakh letters.
  if (t.turkic_words >= 2 && AtLeast(t.turkic_words, w, 30) && !kazakh_letters) return "other";
  // Plainly Russian: its own letters and function words, no Kazakh function words.
  if (russian_letters && reads_russian) return "ru";
  // Kazakh typed without its letters ("Казакстан"): its function words in many words, and few
  // Russian ones; or its suffixes, when CLD2 does not take the text for Kyrgyz, Belarusian...
  const bool lookalike_kazakh =
      t.turkic_words == 0 && !long_vowels && !AtLeast(t.russian_function_words, w, 50);
  if (lookalike_kazakh && t.kazakh_function_words >= 2 && AtLeast(t.kazakh_function_words, w, 40) &&
      t.kazakh_function_words > 2 * t.russian_function_words)
    return "kk";
  // Everything else — Bulgarian, Macedonian, short texts — is CLD2's call on the natural words;
  // a guess other than Russian counts when sure or when the text lacks ы э ё; under
  // eight words only when sure and without ы э ё, and under four (CLD2 is often sure of
  // Bulgarian on three Russian words) only with a Bulgarian ъ.
  const Cld2Guess& g = ask();
  if (g.language == CLD2::RUSSIAN) return "ru";
  if (lookalike_kazakh && !IsOtherCyrillicLanguage(g.language) && t.kazakh_suffix_words >= 2 &&
      AtLeast(t.kazakh_suffix_words, w, 150))
    return "kk";
  if (g.language == CLD2::KAZAKH && !names_only)
    return long_vowels || t.russian_function_words > t.kazakh_function_words ? "other" : "kk";
  if (IsOtherCyrillicLanguage(g.language) &&
      (w >= 8 ? g.reliable || !AtLeast(t.russian_words, w, 20)
              : g.reliable && t.russian_words == 0 && (w >= 4 || t.bulgarian_words > 0)))
    return "other";
  // Unsure: Bulgarian and Macedonian have neither ы nor э, Russian has them in one word in ten.
  if (w >= 20 && !AtLeast(t.russian_words, w, 20)) return "other";
  return "ru";
}

std::string DecideLatin(const Tally& t, std::span<const std::string_view> words) {
  // Kazakh in its Latin alphabets (CLD2 knows only Cyrillic Kazakh): many words with their
  // letters, and what no neighbour has — ū (2021) or ǵ (2018) — or a combination none has: ä
  // with q and without the ç of Tatar (2021; Turkish, Azerbaijani and Uzbek have no ä, Turkmen
  // no q, Crimean Tatar neither), dotless ı with q and á ó ú ń (2018). Dotless ı with q alone is
  // also Crimean Tatar and Azerbaijani: not enough.
  const bool kazakh_2021 =
      t.latin_u_macron_words > 0 ||
      (t.latin_a_umlaut_words > 0 && t.latin_q_words > 0 && t.latin_c_cedilla_words == 0);
  const bool kazakh_2018 =
      t.latin_g_acute_words > 0 ||
      (t.latin_dotless_i_words > 0 && t.latin_q_words > 0 && t.latin_acute_words > 0);
  if ((kazakh_2021 || kazakh_2018) && t.latin_kazakh_letter_words >= 2 &&
      AtLeast(t.latin_kazakh_letter_words, t.latin_words, 150))
    return "kk";
  // Plain English is recognised by its function words without asking CLD2.
  if (t.latin_words >= 30 && AtLeast(t.english_stop_words, t.latin_words, 150)) return "en";
  bool reliable = false;
  const std::string sample = Sample(words, false);
  const CLD2::Language lang =
      CLD2::DetectLanguage(sample.data(), static_cast<int>(sample.size()), true, &reliable);
  if (lang == CLD2::ENGLISH && (reliable || t.latin_letters < 200)) return "en";
  if (lang == CLD2::UNKNOWN_LANGUAGE && t.latin_words >= 3 &&
      AtLeast(t.english_stop_words, t.latin_words, 100))
    return "en";
  return "other";
}

}  // namespace

std::string DetectLanguage(std::string_view utf8) {
  const std::string_view text = utf8.substr(0, std::min(utf8.size(), kMaxTextBytes));
  Tally t;
  const std::vector<std::string_view> words = NaturalWords(text, kMaxWords);
  for (std::string_view word : words) AddWord(word, OpensSentence(text, word), t);
  const size_t letters = t.latin_letters + t.cyrillic_letters + t.other_letters;
  if (letters < 3) return "other";
  // A text whose natural words are at least a third Cyrillic is decided on its Cyrillic words:
  // English quotations, product names and leftover code in a Russian post do not make it English.
  if (2 * t.cyrillic_letters >= t.latin_letters && t.cyrillic_letters >= t.other_letters)
    return DecideCyrillic(t, words);
  if (t.latin_letters >= t.other_letters) return DecideLatin(t, words);
  return "other";
}

}  // namespace kuzet::extractor
