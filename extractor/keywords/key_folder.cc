#include "extractor/keywords/key_folder.h"

#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#include <memory>

namespace kuzet::keywords {

namespace {

// Our own letter map, applied to one case-folded code point at a time. Latin letters that the
// Kazakh Latin alphabets use for digraph sounds come first (ş = sh, ç = ch; ý is Kazakh 2018 у),
// then every remaining diacritic is stripped (this also turns й into и and ё into е, which the
// map below folds anyway), then Cyrillic letters become their simplified Latin skeleton. Kazakh
// letters fold to their nearest Russian counterparts (ң→n, ө→o, ә→a, қ→k, ғ→g, ұ/ү→u, і→i, һ→h).
constexpr char kCrossScriptRules[] = R"(
ş > sh ; ș > sh ; ç > ch ; ı > i ; ý > u ; æ > ae ; œ > oe ; ø > o ; đ > d ; ł > l ;
þ > th ; ð > d ; ß > ss ;
::NFD ;
[:M:] > ;
а > a ; ә > a ; б > b ; в > v ; г > g ; ғ > g ; ґ > g ; д > d ; е > e ; є > ie ; ж > j ;
з > z ; и > i ; й > i ; і > i ; ї > i ; к > k ; қ > k ; л > l ; м > m ; н > n ; ң > n ;
о > o ; ө > o ; п > p ; р > r ; с > s ; т > t ; у > u ; ұ > u ; ү > u ; ў > u ; ф > f ;
х > h ; һ > h ; ц > ts ; ч > ch ; ш > sh ; щ > sh ; ъ > ; ы > i ; ь > ; э > e ; ю > iu ;
я > ia ; ђ > dj ; ј > j ; љ > l ; њ > n ; ћ > ch ; џ > j ; ѕ > z ;
)";

// Plain keys only make Latin diacritic-insensitive; other scripts keep their letters.
constexpr char kPlainLatinRules[] = R"(
ı > i ; ß > ss ; æ > ae ; œ > oe ; ø > o ; đ > d ; ł > l ;
::NFD ;
[:M:] > ;
)";

bool IsApostrophe(char32_t cp) {
  return cp == U'\'' || cp == U'`' || cp == 0x2019 || cp == 0x2018 || cp == 0x02BC ||
         cp == 0x02BB || cp == 0xFF07;
}

bool IsCombiningMark(char32_t cp) {
  return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
         (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
         (cp >= 0xFE20 && cp <= 0xFE2F);
}

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

Result<std::unique_ptr<icu::Transliterator>> MakeTransliterator(const char* id,
                                                                 const char* rules) {
  UParseError parse_error{};
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Transliterator> t(icu::Transliterator::createFromRules(
      icu::UnicodeString::fromUTF8(id), icu::UnicodeString::fromUTF8(rules), UTRANS_FORWARD,
      parse_error, status));
  if (U_FAILURE(status) || !t) {
    return Status::InvalidArgument(std::string("keywords: transliterator rules ") + id +
                                   " line " + std::to_string(parse_error.line) + ": " +
                                   u_errorName(status));
  }
  return t;
}

// Letters of the Latin and Cyrillic blocks (the only ones the rules touch).
template <typename F>
void ForEachFoldableCodePoint(F f) {
  for (char32_t cp = 0x00C0; cp < 0x0530; ++cp) f(cp);
  for (char32_t cp = 0x1E00; cp < 0x1F00; ++cp) f(cp);
}

bool IsAsciiVowel(char c) { return c == 'a' || c == 'e' || c == 'o' || c == 'u'; }
bool IsAsciiConsonant(char c) {
  return c >= 'a' && c <= 'z' && !IsAsciiVowel(c) && c != 'i';
}

}  // namespace

Result<KeyFolder> KeyFolder::Create() {
  auto cross = MakeTransliterator("kuzet-cross-script", kCrossScriptRules);
  if (!cross.ok()) return cross.status();
  auto plain = MakeTransliterator("kuzet-plain-latin", kPlainLatinRules);
  if (!plain.ok()) return plain.status();

  KeyFolder folder;
  ForEachFoldableCodePoint([&](char32_t cp) {
    UErrorCode status = U_ZERO_ERROR;
    UScriptCode script = uscript_getScript(static_cast<UChar32>(cp), &status);
    if (U_FAILURE(status)) return;
    bool latin = script == USCRIPT_LATIN;
    if (!latin && script != USCRIPT_CYRILLIC) return;
    for (int m = 0; m < kKeyModeCount; ++m) {
      const icu::Transliterator* t = m == static_cast<int>(KeyMode::kCrossScript)
                                         ? cross->get()
                                         : (latin ? plain->get() : nullptr);
      if (t == nullptr) continue;
      icu::UnicodeString s(static_cast<UChar32>(cp));
      t->transliterate(s);
      std::string mapped;
      s.toUTF8String(mapped);
      std::string original;
      AppendUtf8(cp, &original);
      if (mapped != original) folder.table_[m][cp] = mapped;
    }
  });
  // ё/е are one letter for matching in every mode (Russian writes ё as е most of the time).
  folder.table_[static_cast<int>(KeyMode::kPlain)][U'ё'] = "е";
  return folder;
}

void KeyFolder::MapCodePoint(char32_t cp, KeyMode mode, std::string* out) const {
  if (IsApostrophe(cp) || IsCombiningMark(cp)) return;
  const auto& table = table_[static_cast<int>(mode)];
  auto it = table.find(cp);
  if (it != table.end()) {
    out->append(it->second);
  } else {
    AppendUtf8(cp, out);
  }
}

std::string KeyFolder::Fold(std::u16string_view word, KeyMode mode) const {
  std::string mapped;
  mapped.reserve(word.size() + 4);
  bool ascii = true;
  for (char16_t c : word) {
    if (c >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {  // NFKC + case folding of ASCII is lower-casing.
    for (char16_t c : word) {
      char b = static_cast<char>(c);
      if (b == '\'' || b == '`') continue;
      mapped.push_back(b >= 'A' && b <= 'Z' ? static_cast<char>(b - 'A' + 'a') : b);
    }
  } else {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(status);
    icu::UnicodeString source(false, reinterpret_cast<const UChar*>(word.data()),
                              static_cast<int32_t>(word.size()));
    icu::UnicodeString folded;
    if (U_SUCCESS(status)) folded = nfkc_cf->normalize(source, status);
    if (U_FAILURE(status)) folded = source;
    for (int32_t i = 0; i < folded.length();) {
      UChar32 cp = folded.char32At(i);
      i += U16_LENGTH(cp);
      MapCodePoint(static_cast<char32_t>(cp), mode, &mapped);
    }
  }
  if (mode == KeyMode::kCrossScript) return CollapseRomanization(mapped);
  return mapped;
}

std::string KeyFolder::FoldUtf8(std::string_view word, KeyMode mode) const {
  icu::UnicodeString u16 =
      icu::UnicodeString::fromUTF8(icu::StringPiece(word.data(), static_cast<int32_t>(word.size())));
  return Fold(std::u16string_view(reinterpret_cast<const char16_t*>(u16.getBuffer()),
                                  static_cast<size_t>(u16.length())),
              mode);
}

std::string CollapseRomanization(std::string_view s) {
  auto starts = [&](size_t i, std::string_view p) { return s.substr(i, p.size()) == p; };
  // Digraphs of the common English/Russian romanizations.
  std::string digraphs;
  digraphs.reserve(s.size() + 2);
  for (size_t i = 0; i < s.size();) {
    if (starts(i, "shch")) {
      digraphs += "sh";
      i += 4;
    } else if (starts(i, "dzh")) {
      digraphs += 'j';
      i += 3;
    } else if (starts(i, "zh") || starts(i, "dj")) {
      digraphs += 'j';
      i += 2;
    } else if (starts(i, "kh")) {
      digraphs += 'h';
      i += 2;
    } else if (starts(i, "ck")) {
      digraphs += 'k';
      i += 2;
    } else if (starts(i, "ph")) {
      digraphs += 'f';
      i += 2;
    } else if (s[i] == 'y') {
      digraphs += 'i';
      ++i;
    } else if (s[i] == 'q') {
      digraphs += 'k';
      ++i;
    } else if (s[i] == 'x') {
      digraphs += "ks";
      ++i;
    } else {
      digraphs += s[i++];
    }
  }
  // Iotation: ya/ia/a, yu/iu, ye/e between vowels and at the start, yo/io/e after consonants.
  std::string iotated;
  iotated.reserve(digraphs.size());
  for (size_t i = 0; i < digraphs.size(); ++i) {
    char c = digraphs[i];
    char next = i + 1 < digraphs.size() ? digraphs[i + 1] : '\0';
    if (c == 'i') {
      char prev = iotated.empty() ? '\0' : iotated.back();
      if (IsAsciiVowel(prev) && IsAsciiVowel(next)) continue;
      if (i == 0 && next == 'e' && digraphs.size() > 2) continue;
      if (next == 'o' && IsAsciiConsonant(prev)) {
        iotated += 'e';
        ++i;
        continue;
      }
    }
    iotated += c;
  }
  // Doubled letters: Tuletaeva/Tuletayeva aside, Kazakh and Russian double consonants are
  // romanized single as often as double (Ассамблея/Assambleya, Жаңаөзеннің).
  std::string out;
  out.reserve(iotated.size());
  for (char c : iotated) {
    if (c >= 'a' && c <= 'z' && !out.empty() && out.back() == c) continue;
    out += c;
  }
  return out;
}

size_t CodePointCount(std::string_view utf8) {
  size_t n = 0;
  for (char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

}  // namespace kuzet::keywords
