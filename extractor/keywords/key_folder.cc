#include "extractor/keywords/key_folder.h"

#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <mutex>

#include "extractor/keywords/morphology.h"

namespace kuzet::keywords {

namespace {

// Our own letter map, applied to one case-folded code point at a time. Latin letters that the
// Kazakh Latin alphabets use for digraph sounds come first (ş = sh, ç = ch; ý is Kazakh 2018 у),
// then every remaining diacritic is stripped (this also turns й into и and ё into е, which the
// map below folds anyway), then Cyrillic letters become their simplified Latin skeleton. Kazakh
// letters fold to their nearest Russian counterparts (ң→n, ө→o, ә→a, қ→k, ғ→g, ұ/ү→u, і→i, һ→h).
// Central European and Baltic transliterations write ж ш ч with carons or dots (Žanaozen,
// Šymkent, Čeček; Polish Żanaozen, Śmigły, Ćwikła): they are the digraphs, not the bare letters.
constexpr char kCrossScriptRules[] = R"(
ş > sh ; ș > sh ; ç > ch ; ı > i ; ý > u ; æ > ae ; œ > oe ; ø > o ; đ > d ; ł > l ;
ž > zh ; ż > zh ; š > sh ; ś > sh ; č > ch ; ć > ch ;
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
  char buffer[U8_MAX_LENGTH];
  int32_t length = 0;
  U8_APPEND_UNSAFE(buffer, length, static_cast<UChar32>(cp));
  out->append(buffer, static_cast<size_t>(length));
}

Result<std::unique_ptr<icu::Transliterator>> MakeTransliterator(const char* id, const char* rules) {
  UParseError parse_error{};
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Transliterator> t(icu::Transliterator::createFromRules(
      icu::UnicodeString::fromUTF8(id), icu::UnicodeString::fromUTF8(rules), UTRANS_FORWARD,
      parse_error, status));
  if (U_FAILURE(status) || !t) {
    return Status::InvalidArgument(std::string("keywords: transliterator rules ") + id + " line " +
                                   std::to_string(parse_error.line) + ": " + u_errorName(status));
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
bool IsAsciiConsonant(char c) { return c >= 'a' && c <= 'z' && !IsAsciiVowel(c) && c != 'i'; }

// A word with both Cyrillic letters and ASCII letters is almost always Cyrillic typed with a few
// Latin look-alikes (a keyboard-layout slip, or old sites' "Забаcтовка" with a Latin c).
bool MixesLatinIntoCyrillic(std::u16string_view word) {
  bool cyrillic = false, latin = false;
  for (char16_t c : word) {
    cyrillic = cyrillic || (c >= 0x0400 && c < 0x0530);
    latin = latin || (c < 0x80 && ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'));
  }
  return cyrillic && latin;
}

std::u16string CyrillicLookalikes(std::u16string_view word) {
  static constexpr std::pair<char16_t, char16_t> kLookalikes[] = {
      {u'a', u'а'}, {u'A', u'А'}, {u'B', u'В'}, {u'c', u'с'}, {u'C', u'С'},
      {u'e', u'е'}, {u'E', u'Е'}, {u'H', u'Н'}, {u'k', u'к'}, {u'K', u'К'},
      {u'M', u'М'}, {u'o', u'о'}, {u'O', u'О'}, {u'p', u'р'}, {u'P', u'Р'},
      {u'T', u'Т'}, {u'x', u'х'}, {u'X', u'Х'}, {u'y', u'у'}, {u'Y', u'У'}};
  std::u16string out(word);
  for (char16_t& c : out) {
    for (const auto& [latin, cyrillic] : kLookalikes) {
      if (c == latin) {
        c = cyrillic;
        break;
      }
    }
  }
  return out;
}

}  // namespace

Result<KeyFolder> KeyFolder::Create() {
  auto cross = MakeTransliterator("kuzet-cross-script", kCrossScriptRules);
  if (!cross.ok()) return cross.status();
  auto plain = MakeTransliterator("kuzet-plain-latin", kPlainLatinRules);
  if (!plain.ok()) return plain.status();

  KeyFolder folder;
  folder.replacement_index_.assign(kKeyModeCount, std::vector<int16_t>(kTableLimit, -1));
  auto set = [&folder](int mode, char32_t cp, std::string mapped) {
    folder.replacement_index_[mode][cp] = static_cast<int16_t>(folder.replacements_.size());
    folder.replacements_.push_back(std::move(mapped));
  };
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
      if (mapped != original) set(m, cp, std::move(mapped));
    }
  });
  // ё/е are one letter for matching in every mode (Russian writes ё as е most of the time).
  set(static_cast<int>(KeyMode::kPlain), U'ё', "е");
  folder.BuildUnitKeys();
  folder.morphologies_ = std::make_shared<MorphologyCache>();
  return folder;
}

struct KeyFolder::MorphologyCache {
  std::once_flag built[kKeyModeCount];
  std::unique_ptr<const Morphology> morphology[kKeyModeCount];
};

const Morphology& KeyFolder::SharedMorphology(KeyMode mode) const {
  const int m = static_cast<int>(mode);
  std::call_once(morphologies_->built[m], [&] {
    morphologies_->morphology[m] = std::make_unique<const Morphology>(*this, mode);
  });
  return *morphologies_->morphology[m];
}

void KeyFolder::BuildUnitKeys() {
  unit_keys_.assign(kKeyModeCount, std::vector<uint32_t>(kTableLimit, kNotInTable));
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(status);
  if (U_FAILURE(status)) return;  // every word then takes the normalizer path
  for (char32_t unit = 0; unit < kTableLimit; ++unit) {
    if (IsApostrophe(unit) || !nfkc_cf->hasBoundaryBefore(static_cast<UChar32>(unit))) continue;
    const icu::UnicodeString folded =
        nfkc_cf->normalize(icu::UnicodeString(static_cast<UChar32>(unit)), status);
    if (U_FAILURE(status)) return;
    bool apostrophe = false;
    for (int32_t i = 0; i < folded.length(); i += U16_LENGTH(folded.char32At(i))) {
      apostrophe = apostrophe || IsApostrophe(static_cast<char32_t>(folded.char32At(i)));
    }
    if (apostrophe) continue;
    for (int m = 0; m < kKeyModeCount; ++m) {
      std::string mapped;
      for (int32_t i = 0; i < folded.length();) {
        const UChar32 cp = folded.char32At(i);
        i += U16_LENGTH(cp);
        MapCodePoint(static_cast<char32_t>(cp), static_cast<KeyMode>(m), &mapped);
      }
      if (mapped.size() > 0xFF) continue;
      unit_keys_[m][unit] =
          static_cast<uint32_t>(unit_key_bytes_.size()) << 8 | static_cast<uint32_t>(mapped.size());
      unit_key_bytes_ += mapped;
      longest_unit_key_ = std::max(longest_unit_key_, mapped.size());
    }
  }
}

bool KeyFolder::MapFromUnitTable(std::u16string_view word, KeyMode mode, std::string* out) const {
  // Written through a pointer into room made ahead, shrunk once at the end: an append per unit
  // was most of this (issue #17). Room for 64 units of the longest entry at first; a longer word
  // (hostile input has no limit) grows it twice over as it goes.
  const uint32_t* table = unit_keys_[static_cast<int>(mode)].data();
  const char* key_bytes = unit_key_bytes_.data();
  size_t o = out->size();
  out->resize(o + std::min<size_t>(word.size(), 64) * longest_unit_key_);
  for (char16_t unit : word) {
    if (unit >= kTableLimit || table[unit] == kNotInTable) return false;
    const char* from = key_bytes + (table[unit] >> 8);
    const uint32_t length = table[unit] & 0xFF;
    if (o + length > out->size()) out->resize(2 * out->size() + length);
    char* w = out->data() + o;
    for (uint32_t k = 0; k < length; ++k) w[k] = from[k];
    o += length;
  }
  out->resize(o);
  return true;
}

namespace {

// The October 2017 Kazakh Latin alphabet writes eight letters as a base letter and an
// apostrophe: a' o' u' g' n' i' keep their base letter in the key anyway (ә→a, ө→o, ...), but
// s' (ш), c' (ч) and y' (ұ) are other sounds than s, c, y. `prev` is the key so far, `next` the
// code point after the apostrophe, `after_next` the one after that (0 at the end of the word).
// An English possessive "Jones's" (apostrophe + a final s) is not a letter.
void ApplyApostropheLetter(std::string* key, char32_t next, char32_t after_next) {
  if (key->empty() || next >= 0x80 || !std::isalpha(static_cast<int>(next))) return;
  if ((next == 's' || next == 'S') && after_next == 0) return;
  switch (key->back()) {
    case 's':
    case 'c':
      key->push_back('h');
      break;
    case 'y':
      key->back() = 'u';
      break;
    default:
      break;
  }
}

}  // namespace

void KeyFolder::MapCodePoint(char32_t cp, KeyMode mode, std::string* out) const {
  if (IsApostrophe(cp) || IsCombiningMark(cp)) return;
  if (cp < kTableLimit) {
    const int16_t index = replacement_index_[static_cast<int>(mode)][cp];
    if (index >= 0) {
      out->append(replacements_[index]);
      return;
    }
  }
  AppendUtf8(cp, out);
}

std::string KeyFolder::Fold(std::u16string_view word, KeyMode mode) const {
  std::string key, scratch;
  Fold(word, mode, &key, &scratch);
  return key;
}

void KeyFolder::MapThroughNormalizer(std::u16string_view word, KeyMode mode,
                                     std::string* mapped) const {
  mapped->clear();
  const bool cross = mode == KeyMode::kCrossScript;
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
    if (cross && IsApostrophe(static_cast<char32_t>(cp))) {
      const UChar32 next = i < folded.length() ? folded.char32At(i) : 0;
      const int32_t j = i + (next ? U16_LENGTH(next) : 0);
      const UChar32 after_next = next && j < folded.length() ? folded.char32At(j) : 0;
      ApplyApostropheLetter(mapped, static_cast<char32_t>(next), static_cast<char32_t>(after_next));
    }
    MapCodePoint(static_cast<char32_t>(cp), mode, mapped);
  }
}

void KeyFolder::Fold(std::u16string_view word, KeyMode mode, std::string* key,
                     std::string* scratch) const {
  // Cross-script keys are mapped into *scratch and collapsed into *key; plain keys mapped
  // straight into *key.
  const bool cross = mode == KeyMode::kCrossScript;
  std::string& mapped = cross ? *scratch : *key;
  mapped.clear();
  bool ascii = true, apostrophe = false;
  for (char16_t c : word) {
    if (c >= 0x80) {
      ascii = false;
      break;
    }
    apostrophe = apostrophe || c == u'\'' || c == u'`';
  }
  // NFKC + case folding of ASCII is lower-casing.
  if (ascii && !apostrophe) {  // most words of English text: lower-cased through a pointer
    mapped.resize(word.size());
    char* w = mapped.data();
    for (char16_t c : word) *w++ = static_cast<char>(c >= u'A' && c <= u'Z' ? c - u'A' + u'a' : c);
  } else if (ascii) {
    for (size_t i = 0; i < word.size(); ++i) {
      char b = static_cast<char>(word[i]);
      if (b == '\'' || b == '`') {
        if (cross) {
          ApplyApostropheLetter(&mapped, i + 1 < word.size() ? word[i + 1] : 0,
                                i + 2 < word.size() ? word[i + 2] : 0);
        }
        continue;
      }
      mapped.push_back(b >= 'A' && b <= 'Z' ? static_cast<char>(b - 'A' + 'a') : b);
    }
  } else {
    std::u16string unmixed;
    if (MixesLatinIntoCyrillic(word)) {
      unmixed = CyrillicLookalikes(word);
      word = unmixed;
    }
    if (!MapFromUnitTable(word, mode, &mapped)) MapThroughNormalizer(word, mode, &mapped);
  }
  if (cross) {
    // mapped (*scratch) → digraphs (*key) → collapsed (*scratch), then swap: no allocation
    // once the caller's buffers have grown.
    CollapseRomanization(mapped, key, scratch);
    key->swap(*scratch);
  }
}

std::string KeyFolder::FoldUtf8(std::string_view word, KeyMode mode) const {
  icu::UnicodeString u16 = icu::UnicodeString::fromUTF8(
      icu::StringPiece(word.data(), static_cast<int32_t>(word.size())));
  return Fold(std::u16string_view(reinterpret_cast<const char16_t*>(u16.getBuffer()),
                                  static_cast<size_t>(u16.length())),
              mode);
}

std::string CollapseRomanization(std::string_view mapped) {
  std::string scratch, out;
  CollapseRomanization(mapped, &scratch, &out);
  return out;
}

namespace {

// CollapseRomanization's first pass at a byte: for the first letter of a digraph, the letters
// that complete one (a bit per letter a..z: sh(ch), dz(h), dj, zh, kh, ck, ph); for y, q and x,
// what replaces them whatever follows. Every other byte is copied. Tables instead of a switch on
// every letter, whose indirect jump mispredicted (issue #17).
constexpr uint32_t Letters(std::string_view letters) {
  uint32_t mask = 0;
  for (char c : letters) mask |= uint32_t{1} << (c - 'a');
  return mask;
}
constexpr std::array<uint32_t, 256> kDigraphSeconds = [] {
  std::array<uint32_t, 256> seconds{};
  seconds['s'] = Letters("h");
  seconds['d'] = Letters("zj");
  seconds['z'] = Letters("h");
  seconds['k'] = Letters("h");
  seconds['c'] = Letters("k");
  seconds['p'] = Letters("h");
  return seconds;
}();
// What a byte becomes when it begins no digraph: itself, but y → i, q → k, x → k followed by s.
constexpr std::array<char, 256> kOutsideDigraphs = [] {
  std::array<char, 256> replaced{};
  for (int b = 0; b < 256; ++b) replaced[b] = static_cast<char>(b);
  replaced['y'] = 'i';
  replaced['q'] = 'k';
  replaced['x'] = 'k';
  return replaced;
}();

}  // namespace

void CollapseRomanization(std::string_view s, std::string* scratch, std::string* result) {
  // This runs for every distinct word of every page (issue #17). Both passes work in one buffer
  // sized for the worst case (x → ks doubles a letter): on the stack for a word of up to 64
  // bytes, else in *scratch. The second pass writes behind where it reads, so in place.
  const size_t n = s.size();
  char on_stack[128];
  char* d = on_stack;
  if (2 * n > sizeof on_stack) {
    scratch->resize(2 * n);
    d = scratch->data();
  }
  // Pass 1: digraphs of the common English/Russian romanizations.
  char* w = d;
  for (size_t i = 0; i < n;) {
    const char c = s[i];
    const char next = i + 1 < n ? s[i + 1] : '\0';
    const unsigned second = static_cast<unsigned char>(next) - 'a';  // wraps for non-letters
    const uint32_t seconds = kDigraphSeconds[static_cast<unsigned char>(c)];
    if ((second < 26) & ((seconds >> (second & 31)) & 1)) {
      switch (c) {
        case 's':  // sh: shch → sh, other sh as they are
          if (i + 3 < n && s[i + 2] == 'c' && s[i + 3] == 'h') {
            *w++ = 's';
            *w++ = 'h';
            i += 4;
            continue;
          }
          break;
        case 'd':  // dzh → j (a dz without h is kept); dj → j
          if (next == 'j') {
            *w++ = 'j';
            i += 2;
            continue;
          }
          if (i + 2 < n && s[i + 2] == 'h') {
            *w++ = 'j';
            i += 3;
            continue;
          }
          break;
        case 'z':  // zh → j
          *w++ = 'j';
          i += 2;
          continue;
        case 'k':  // kh → h
          *w++ = 'h';
          i += 2;
          continue;
        case 'c':  // ck → k
          *w++ = 'k';
          i += 2;
          continue;
        case 'p':  // ph → f
          *w++ = 'f';
          i += 2;
          continue;
        default:
          break;
      }
    }
    // Branch-free: y is common in English words. Writing the s after every byte stays inside the
    // buffer (w is at most 2i bytes in) and is overwritten unless the byte was an x.
    w[0] = kOutsideDigraphs[static_cast<unsigned char>(c)];
    w[1] = 's';
    w += 1 + (c == 'x');
    ++i;
  }
  // Pass 2: iotation — ya/ia/a, yu/iu, ye/e between vowels and at the start, yo/io/e after
  // consonants — and doubled letters: Kazakh and Russian double consonants are romanized single
  // as often as double (Ассамблея/Assambleya, Жаңаөзеннің).
  const size_t m = static_cast<size_t>(w - d);
  char* o = d;
  char prev = '\0';  // the last byte written
  for (size_t i = 0; i < m; ++i) {
    char c = d[i];
    if (c == 'i') {
      const char next = i + 1 < m ? d[i + 1] : '\0';
      if (IsAsciiVowel(prev) && IsAsciiVowel(next)) continue;
      // Ye- before a consonant (Yerlan/Ерлан/Erlan), not before a vowel (year is no ear).
      if (i == 0 && next == 'e' && m > 2 && IsAsciiConsonant(d[2])) continue;
      if (next == 'o' && IsAsciiConsonant(prev)) {
        c = 'e';
        ++i;
      }
    }
    if (c == prev && c >= 'a' && c <= 'z') continue;
    *o++ = c;
    prev = c;
  }
  result->assign(d, static_cast<size_t>(o - d));
}

size_t CodePointCount(std::string_view utf8) {
  size_t n = 0;
  for (char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

}  // namespace kuzet::keywords
