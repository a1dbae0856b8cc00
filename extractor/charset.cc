#include "extractor/charset.h"

#include <uchardet/uchardet.h>
#include <unicode/ucnv.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "base/strings.h"
#include "extractor/content_sniff.h"
#include "extractor/cyrillic_codepages.h"
#include "extractor/latin_codepages.h"

namespace kuzet::extractor {
namespace {

constexpr std::string_view kUtf8 = "UTF-8";

// Length of the valid UTF-8 sequence at s[i] (RFC 3629 §4), 0 if invalid.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return 1;
  auto cont = [&](size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) {
    if (i + k >= s.size()) return false;
    const auto b = static_cast<unsigned char>(s[i + k]);
    return b >= lo && b <= hi;
  };
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? 2 : 0;
  if (b0 == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if (b0 == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (b0 >= 0xE1 && b0 <= 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (b0 == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b0 >= 0xF1 && b0 <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b0 == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

struct Utf8Census {
  size_t valid_multibyte = 0;  // sequences of 2-4 bytes
  size_t invalid = 0;          // bytes that start no valid sequence
};

Utf8Census CountUtf8(std::string_view s) {
  Utf8Census c;
  size_t i = 0;
  while (i < s.size()) {
    // Fast path over ASCII, eight bytes at a time.
    while (i + 8 <= s.size()) {
      uint64_t w;
      std::copy_n(s.data() + i, 8, reinterpret_cast<char*>(&w));
      if (w & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= s.size()) break;
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
      ++i;
      continue;
    }
    // Four two-byte sequences (Cyrillic, Latin-1 letters: most of a Russian page) at once:
    // leads 110xxxxx but not C0/C1 (bits 1-4 nonzero), continuations 10xxxxxx.
    while (i + 8 <= s.size()) {
      uint64_t w;
      std::copy_n(s.data() + i, 8, reinterpret_cast<char*>(&w));
      if constexpr (std::endian::native == std::endian::big) break;
      const uint64_t lead_bits = w & 0x001E001E001E001EULL;
      if ((w & 0xC0E0C0E0C0E0C0E0ULL) != 0x80C080C080C080C0ULL ||
          ((lead_bits + 0x7FFF7FFF7FFF7FFFULL) & 0x8000800080008000ULL) != 0x8000800080008000ULL)
        break;
      c.valid_multibyte += 4;
      i += 8;
    }
    if (i >= s.size()) break;
    const auto b1 = static_cast<unsigned char>(s[i]);
    if (b1 < 0x80) continue;
    // Two-byte sequences one at a time.
    if (b1 >= 0xC2 && b1 <= 0xDF && i + 1 < s.size() &&
        (static_cast<unsigned char>(s[i + 1]) & 0xC0) == 0x80) {
      ++c.valid_multibyte;
      i += 2;
      continue;
    }
    const size_t n = Utf8SequenceLength(s, i);
    if (n == 0) {
      ++c.invalid;
      ++i;
    } else {
      ++c.valid_multibyte;
      i += n;
    }
  }
  return c;
}

std::string DecodeUtf8Lossy(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const size_t n = Utf8SequenceLength(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.data() + i, n);
      i += n;
    }
  }
  return out;
}

void DecodeTable(std::string_view bytes, const std::array<char16_t, 128>& high, std::string& out) {
  out.clear();
  out.reserve(bytes.size() * 2);
  for (char ch : bytes) {
    const auto b = static_cast<unsigned char>(ch);
    if (b < 0x80) {
      out.push_back(ch);
    } else {
      AppendUtf8(high[b - 0x80], out);
    }
  }
}

void DecodeViscii(std::string_view bytes, std::string& out) {
  DecodeTable(bytes, kVisciiHigh, out);
  std::string with_capitals;
  for (const ControlLetter& letter : kVisciiControlLetters) {
    if (out.find(static_cast<char>(letter.byte)) == std::string::npos) continue;
    // Rare: rebuild with the six capitals of the C0 range in place of their control bytes.
    with_capitals.clear();
    for (const char ch : out) {
      const auto it = std::find_if(
          kVisciiControlLetters.begin(), kVisciiControlLetters.end(),
          [&](const ControlLetter& l) { return l.byte == static_cast<unsigned char>(ch); });
      if (it == kVisciiControlLetters.end()) {
        with_capitals.push_back(ch);
      } else {
        AppendUtf8(it->code_point, with_capitals);
      }
    }
    out.swap(with_capitals);
    return;
  }
}

void DecodeUtf16(std::string_view bytes, bool big_endian, std::string& out) {
  out.clear();
  out.reserve(bytes.size() * 3 / 2);
  const size_t units = bytes.size() / 2;
  auto unit = [&](size_t k) -> char16_t {
    const auto a = static_cast<unsigned char>(bytes[2 * k]);
    const auto b = static_cast<unsigned char>(bytes[2 * k + 1]);
    return static_cast<char16_t>(big_endian ? (a << 8 | b) : (b << 8 | a));
  };
  for (size_t k = 0; k < units; ++k) {
    const char16_t u = unit(k);
    if (U16_IS_LEAD(u) && k + 1 < units && U16_IS_TRAIL(unit(k + 1))) {
      AppendUtf8(U16_GET_SUPPLEMENTARY(u, unit(k + 1)), out);
      ++k;
    } else if (U16_IS_SURROGATE(u)) {
      AppendUtf8(0xFFFD, out);
    } else {
      AppendUtf8(u, out);
    }
  }
  if (bytes.size() % 2 != 0) AppendUtf8(0xFFFD, out);  // a dangling odd byte
}

void DecodeUtf32(std::string_view bytes, bool big_endian, std::string& out) {
  out.clear();
  out.reserve(bytes.size());
  for (size_t i = 0; i + 4 <= bytes.size(); i += 4) {
    uint32_t cp = 0;
    for (size_t j = 0; j < 4; ++j) {
      cp = cp << 8 | static_cast<unsigned char>(bytes[i + (big_endian ? j : 3 - j)]);
    }
    AppendUtf8(cp > 0x10FFFF || U_IS_SURROGATE(cp) ? 0xFFFD : cp, out);
  }
  if (bytes.size() % 4 != 0) AppendUtf8(0xFFFD, out);  // a truncated last unit
}

// Code points of all 256 bytes of a single-byte charset.
using ByteTable = std::array<char16_t, 256>;

// The single-byte charsets met most on the Cyrillic web, with windows-1252 (the Western default):
// their ICU converters are read once per process into tables, so decoding a page is one lookup per
// byte instead of opening a converter, filling a UTF-16 copy of the page and converting that.
constexpr std::string_view kTabledCharsets[] = {
    "windows-1251", "KOI8-R", "KOI8-U", "IBM866", "x-mac-cyrillic", "ISO-8859-5", "windows-1252"};

struct ByteTables {
  std::array<ByteTable, std::size(kTabledCharsets)> table{};
  std::array<bool, std::size(kTabledCharsets)> ok{};
};

// A single-byte converter is stateless and maps each byte to one code unit (U+FFFD or its
// substitute for unmapped bytes), so the table decodes exactly as ICU would. A converter that does
// not give 256 code units for the 256 bytes gets no table and is used through ICU.
ByteTable IcuByteTable(std::string_view name, bool& ok) {
  ByteTable table{};
  ok = false;
  UErrorCode err = U_ZERO_ERROR;
  UConverter* conv = ucnv_open(std::string(name).c_str(), &err);
  if (U_FAILURE(err) || conv == nullptr) return table;
  std::unique_ptr<UConverter, decltype(&ucnv_close)> guard(conv, ucnv_close);
  char bytes[256];
  for (int i = 0; i < 256; ++i) bytes[i] = static_cast<char>(i);
  UChar units[512];
  err = U_ZERO_ERROR;
  const int32_t n = ucnv_toUChars(conv, units, 512, bytes, 256, &err);
  if (U_FAILURE(err) || n != 256) return table;
  for (int i = 0; i < 256; ++i) {
    if (U16_IS_SURROGATE(units[i])) return table;
    table[static_cast<size_t>(i)] = units[i];
  }
  ok = true;
  return table;
}

// Immutable after its thread-safe initialisation, like the other lookup tables.
const ByteTables& IcuByteTables() {
  static const ByteTables tables = [] {
    ByteTables t;
    for (size_t k = 0; k < std::size(kTabledCharsets); ++k) {
      bool ok = false;
      t.table[k] = IcuByteTable(kTabledCharsets[k], ok);
      t.ok[k] = ok;
    }
    return t;
  }();
  return tables;
}

const ByteTable* ByteTableFor(std::string_view charset) {
  const ByteTables& tables = IcuByteTables();
  for (size_t k = 0; k < std::size(kTabledCharsets); ++k) {
    if (kTabledCharsets[k] == charset) return tables.ok[k] ? &tables.table[k] : nullptr;
  }
  return nullptr;
}

// Decodes through a byte table straight into UTF-8 (at most 3 bytes per input byte: the table
// holds BMP code points only).
void DecodeByteTable(std::string_view bytes, const ByteTable& table, std::string& out) {
  out.resize(bytes.size() * 3);
  char* w = out.data();
  for (const char ch : bytes) {
    const char16_t cp = table[static_cast<unsigned char>(ch)];
    if (cp < 0x80) {
      *w++ = static_cast<char>(cp);
    } else if (cp < 0x800) {
      *w++ = static_cast<char>(0xC0 | (cp >> 6));
      *w++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      *w++ = static_cast<char>(0xE0 | (cp >> 12));
      *w++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *w++ = static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  out.resize(static_cast<size_t>(w - out.data()));
}

bool DecodeWithIcu(std::string_view bytes, const char* name, std::string& out) {
  UErrorCode err = U_ZERO_ERROR;
  UConverter* conv = ucnv_open(name, &err);
  if (U_FAILURE(err) || conv == nullptr) return false;
  std::unique_ptr<UConverter, decltype(&ucnv_close)> guard(conv, ucnv_close);
  // ICU's default to-Unicode callback substitutes U+FFFD for illegal and unmapped bytes.
  std::vector<UChar> buf(bytes.size() * 2 + 16);
  err = U_ZERO_ERROR;
  const int32_t n = ucnv_toUChars(conv, buf.data(), static_cast<int32_t>(buf.size()), bytes.data(),
                                  static_cast<int32_t>(bytes.size()), &err);
  if (U_FAILURE(err)) return false;
  out.clear();
  out.reserve(static_cast<size_t>(n) * 2);
  for (int32_t k = 0; k < n;) {
    UChar32 cp;
    U16_NEXT(buf.data(), k, n, cp);
    if (U_IS_SURROGATE(cp)) cp = 0xFFFD;
    AppendUtf8(static_cast<uint32_t>(cp), out);
  }
  return true;
}

struct LabelAlias {
  std::string_view label;
  std::string_view canonical;
};

// Labels seen on the Cyrillic web, after the WHATWG Encoding standard's table plus common
// misspellings; anything else is tried with ICU's own alias table.
constexpr LabelAlias kAliases[] = {
    {"utf-8", "UTF-8"},
    {"utf8", "UTF-8"},
    {"unicode-1-1-utf-8", "UTF-8"},
    {"x-unicode20utf8", "UTF-8"},
    {"windows-1251", "windows-1251"},
    {"cp1251", "windows-1251"},
    {"x-cp1251", "windows-1251"},
    {"win-1251", "windows-1251"},
    {"win1251", "windows-1251"},
    {"windows1251", "windows-1251"},
    {"cp-1251", "windows-1251"},
    {"win-1521", "windows-1251"},
    {"1251", "windows-1251"},
    {"koi8-r", "KOI8-R"},
    {"koi8r", "KOI8-R"},
    {"koi8", "KOI8-R"},
    {"cskoi8r", "KOI8-R"},
    {"koi", "KOI8-R"},
    {"koi8-u", "KOI8-U"},
    {"koi8-ru", "KOI8-U"},
    {"ibm866", "IBM866"},
    {"cp866", "IBM866"},
    {"866", "IBM866"},
    {"csibm866", "IBM866"},
    {"x-mac-cyrillic", "x-mac-cyrillic"},
    {"x-mac-ukrainian", "x-mac-cyrillic"},
    {"maccyrillic", "x-mac-cyrillic"},
    {"mac-cyrillic", "x-mac-cyrillic"},
    {"iso-8859-5", "ISO-8859-5"},
    {"iso8859-5", "ISO-8859-5"},
    {"iso_8859-5", "ISO-8859-5"},
    {"cyrillic", "ISO-8859-5"},
    {"kz-1048", "KZ-1048"},
    {"kz1048", "KZ-1048"},
    {"strk1048-2002", "KZ-1048"},
    {"rk1048", "KZ-1048"},
    {"ptcp154", "PTCP154"},
    {"pt154", "PTCP154"},
    {"cp154", "PTCP154"},
    {"csptcp154", "PTCP154"},
    {"cyrillic-asian", "PTCP154"},
    {"utf-16", "UTF-16LE"},
    {"utf-16le", "UTF-16LE"},
    {"utf-16be", "UTF-16BE"},
    {"utf-32", "UTF-32LE"},
    {"utf-32le", "UTF-32LE"},
    {"utf-32be", "UTF-32BE"},
    {"uhc", "windows-949"},  // uchardet's name for Korean Unified Hangul Code
    {"iso-8859-16", "ISO-8859-16"},
    {"iso8859-16", "ISO-8859-16"},
    {"iso_8859-16", "ISO-8859-16"},
    {"latin10", "ISO-8859-16"},
    {"l10", "ISO-8859-16"},
    {"viscii", "VISCII"},
    {"csviscii", "VISCII"},
    {"iso-8859-1", "windows-1252"},
    {"latin1", "windows-1252"},
    {"us-ascii", "windows-1252"},
    {"ascii", "windows-1252"},
    {"windows-1252", "windows-1252"},
    {"cp1252", "windows-1252"},
    {"iso8859-1", "windows-1252"},
};

// --- Cyrillic letter scoring ----------------------------------------------------------------

bool IsCyrillicUpper(char16_t c) {
  if (c >= 0x0400 && c <= 0x042F) return true;
  // Historic and non-Russian letters (Kazakh Ә Ғ Қ Ң Ө Ұ Ү Һ, Ukrainian Ґ): capitals at even code
  // points, except the block U+04C0..U+04CF, which has them at odd ones.
  if (c >= 0x0460 && c <= 0x04FF) return (c >= 0x04C0 && c <= 0x04CF) ? (c % 2 == 1) : (c % 2 == 0);
  return false;
}

// ђ ѓ ѕ ј љ њ ћ ќ џ and their capitals: the letters windows-1251 has in the places where KZ-1048
// and PTCP154 have the Kazakh ones.
bool IsSerbianMacedonian(char16_t c) {
  const char16_t lower = (c >= 0x0400 && c <= 0x040F) ? static_cast<char16_t>(c + 0x50) : c;
  switch (lower) {
    case 0x0452:
    case 0x0453:
    case 0x0455:
    case 0x0458:
    case 0x0459:
    case 0x045A:
    case 0x045B:
    case 0x045C:
    case 0x045F:
      return true;
    default:
      return false;
  }
}

// Weight of a lowercase letter or symbol as part of running Cyrillic text. Frequent Russian
// letters weigh most; symbols that never occur in such text weigh negative. Serbian/Macedonian
// letters are letters only in text that reads as Serbian or Macedonian (see ScoreTable).
double LetterWeight(char16_t c, bool serbian_macedonian) {
  // Russian letter frequencies (per mille, rounded) for а..я.
  static constexpr std::array<uint8_t, 32> kRuFreq = {80, 16, 45, 17,  30, 85, 9,  16, 74, 12, 35,
                                                      44, 32, 67, 110, 28, 47, 55, 63, 26, 3,  10,
                                                      5,  14, 7,  4,   1,  19, 17, 3,  6,  20};
  if (c >= 0x0430 && c <= 0x044F) return kRuFreq[c - 0x0430] >= 10 ? 2.0 : 1.0;
  if (IsSerbianMacedonian(c)) return serbian_macedonian ? 1.0 : -1.0;
  switch (c) {
    case 0x0451:  // ё
    case 0x04D9:
    case 0x0493:
    case 0x049B:
    case 0x04A3:
    case 0x04E9:  // ә ғ қ ң ө
    case 0x04B1:
    case 0x04AF:
    case 0x04BB:
    case 0x0456:  // ұ ү һ і
    case 0x0457:
    case 0x0454:
    case 0x0491:
    case 0x045E:  // ї є ґ ў
      return 1.0;
    default:
      break;
  }
  if (c >= 0x0400 && c <= 0x04FF) return 0.0;  // other Cyrillic letters: neutral
  if (c == 0x00A0 || c == 0x00AB || c == 0x00BB || c == 0x2013 || c == 0x2014 || c == 0x2116 ||
      c == 0x2026 || (c >= 0x2018 && c <= 0x201E) || c == 0x00A9 || c == 0x00B0)
    return 0.0;  // punctuation common in Russian typography
  return -2.0;
}

bool IsCyrillicLetter(char16_t c) { return c >= 0x0400 && c <= 0x04FF; }

// Sum of letter weights over the high bytes of bytes decoded with a 128-entry table. A capital
// after a letter (KOI8-R read as windows-1251 swaps case) costs instead of earning. Serbian and
// Macedonian have no ы and э, which Russian and Kazakh use all the time: their letters count as
// letters only in a reading with (almost) no ы/э, so that neither a Kazakh text in KZ-1048 passes
// for Serbian in windows-1251 nor a Serbian text for Kazakh.
double ScoreTable(std::string_view bytes, std::span<const char16_t, 128> high) {
  size_t lower = 0, yery_e = 0;
  for (char ch : bytes) {
    const auto b = static_cast<unsigned char>(ch);
    if (b < 0x80) continue;
    const char16_t c = high[b - 0x80];
    lower += (c >= 0x0430 && c <= 0x045F) ? 1 : 0;
    yery_e += (c == 0x044B || c == 0x044D) ? 1 : 0;
  }
  const bool serbian_macedonian = yery_e * 200 < lower;
  double score = 0;
  bool prev_letter = false;
  for (char ch : bytes) {
    const auto b = static_cast<unsigned char>(ch);
    if (b < 0x80) {
      prev_letter = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
      continue;
    }
    const char16_t c = high[b - 0x80];
    if (IsCyrillicUpper(c)) {
      const bool foreign = IsSerbianMacedonian(c) && !serbian_macedonian;
      score += prev_letter || foreign ? -1.0 : 0.5;
    } else {
      score += LetterWeight(c, serbian_macedonian);
    }
    prev_letter = IsCyrillicLetter(c);
  }
  return score;
}

struct Candidate {
  std::string_view name;
  std::span<const char16_t, 128> high;  // its code points for bytes 0x80..0xFF
  double score;
};

// The scored sample: letters of the high bytes with the ASCII byte before each run, and how often
// each high byte occurs in it.
struct CyrillicSample {
  std::string bytes;
  std::array<size_t, 128> count{};
};

// Every Cyrillic single-byte code page the scoring knows, in order of prior likelihood on the
// Cyrillic web; ties go to the earlier one.
constexpr std::string_view kScoredCyrillic[] = {"windows-1251", "KOI8-R",         "KOI8-U",
                                                "IBM866",       "x-mac-cyrillic", "ISO-8859-5",
                                                "KZ-1048",      "PTCP154"};

bool IsScoredCyrillic(std::string_view cs) {
  return std::find(std::begin(kScoredCyrillic), std::end(kScoredCyrillic), cs) !=
         std::end(kScoredCyrillic);
}

CyrillicSample SampleHighBytes(std::string_view bytes) {
  CyrillicSample sample;
  // Scoring a sample keeps detection cheap on big pages; 64 KiB of high bytes is plenty.
  for (size_t i = 0; i < bytes.size() && sample.bytes.size() < (64u << 10); ++i) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    if (b >= 0x80) {
      // Keep one preceding ASCII byte so word-start capitals are recognised.
      if (i > 0 && static_cast<unsigned char>(bytes[i - 1]) < 0x80) {
        sample.bytes.push_back(bytes[i - 1]);
      }
      sample.bytes.push_back(bytes[i]);
      ++sample.count[b - 0x80];
    }
  }
  return sample;
}

std::vector<Candidate> ScoreCyrillic(const CyrillicSample& sample) {
  std::vector<Candidate> out;
  for (std::string_view name : kScoredCyrillic) {
    std::span<const char16_t, 128> high = kKz1048High;
    if (name == "PTCP154") {
      high = kPtcp154High;
    } else if (name != "KZ-1048") {
      const ByteTable* table = ByteTableFor(name);
      if (table == nullptr) continue;
      high = std::span(*table).subspan<128, 128>();
    }
    out.push_back({name, high, ScoreTable(sample.bytes, high)});
  }
  return out;
}

// The highest score, starting from `incumbent` (the detector's answer) if it is among them. Only
// the bytes in which two readings differ can set their scores apart, so another code page must
// beat the current best by 2 points and half a point per such byte: Ukrainian in windows-1251 vs
// KZ-1048, or Russian in KOI8-R vs KOI8-U, which read alike, stay with the incumbent or the more
// common code page, while a few і in KOI8-U (box drawing in KOI8-R) are enough.
const Candidate* BestCandidate(const std::vector<Candidate>& scores, const CyrillicSample& sample,
                               std::string_view incumbent = "") {
  const Candidate* best = nullptr;
  for (const auto& c : scores) {
    if (c.name == incumbent) best = &c;
  }
  for (const auto& c : scores) {
    if (best == nullptr) {
      best = &c;
      continue;
    }
    size_t differing = 0;
    for (size_t b = 0; b < 128; ++b) {
      if (c.high[b] != best->high[b]) differing += sample.count[b];
    }
    if (c.score > best->score + 1.0 + 0.5 * static_cast<double>(differing)) best = &c;
  }
  return best;
}

// Where the high bytes of a single-byte text sit. Latin-script text has its accented letters
// inside words of ASCII letters ("grève", "Straße", "çalışma"); Cyrillic, Greek or Hebrew text has
// whole words of high bytes; a lone high byte between non-letters ("£5", " — ") is a symbol and
// says neither. Over a 64 KiB prefix.
struct HighByteWords {
  size_t in_latin_words = 0;  // in a word that has ASCII letters
  size_t in_high_words = 0;   // in a word of two or more high bytes and no ASCII letter
  size_t lone = 0;

  bool LatinScript() const { return in_latin_words > 0 && in_latin_words >= in_high_words; }
  // Most high bytes spell words of their own: a script other than Latin.
  bool OwnScript() const {
    return !LatinScript() && in_high_words * 2 >= in_latin_words + in_high_words + lone;
  }
};

HighByteWords CountHighByteWords(std::string_view bytes) {
  bytes = bytes.substr(0, std::min<size_t>(bytes.size(), 64u << 10));
  HighByteWords w;
  size_t high = 0, ascii_letters = 0;
  auto end_word = [&] {
    if (ascii_letters > 0) {
      w.in_latin_words += high;
    } else if (high >= 2) {
      w.in_high_words += high;
    } else {
      w.lone += high;
    }
    high = ascii_letters = 0;
  };
  for (const char ch : bytes) {
    const auto b = static_cast<unsigned char>(ch);
    if (b >= 0x80) {
      ++high;
    } else if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z')) {
      ++ascii_letters;
    } else {
      end_word();
    }
  }
  end_word();
  return w;
}

// Single-byte code pages for Latin-script languages.
bool IsLatinSingleByte(std::string_view cs) {
  static constexpr std::string_view kLatin[] = {
      "windows-1250",  "windows-1252",   "windows-1254", "windows-1257", "windows-1258",
      "ISO-8859-1",    "ISO-8859-2",     "ISO-8859-3",   "ISO-8859-4",   "ISO-8859-9",
      "ISO-8859-10",   "ISO-8859-13",    "ISO-8859-14",  "ISO-8859-15",  "ISO-8859-16",
      "IBM850",        "IBM852",         "IBM437",       "macintosh",    "x-mac-centraleurroman",
      "x-mac-turkish", "x-mac-croatian", "US-ASCII",     "VISCII"};
  return std::find(std::begin(kLatin), std::end(kLatin), cs) != std::end(kLatin);
}

// ISO-8859-15 (Latin-9) replaced eight Latin-1 symbols with € Š š Ž ž Œ œ Ÿ; detectors often
// say Latin-1 for it. The five of those symbols that running text never uses (¤ ¦ ¨ ´ ¸), with no
// byte 0x80-0x9F (C1 controls in both, letters and punctuation in windows-1252), decide for
// Latin-9.
std::string_view WesternSibling(std::string_view bytes) {
  bool latin9_only = false;
  for (const char ch : bytes) {
    const auto b = static_cast<unsigned char>(ch);
    if (b >= 0x80 && b <= 0x9F) return "windows-1252";
    latin9_only = latin9_only || b == 0xA4 || b == 0xA6 || b == 0xA8 || b == 0xB4 || b == 0xB8;
  }
  return latin9_only ? "ISO-8859-15" : "windows-1252";
}

// Whether every high byte is typographic punctuation in windows-1252 (‚ „ … † ‡ ‰ ‹ ‘ ’ “ ” • – — ™
// › €), as in English text with curly quotes and dashes. The other windows-125x code pages agree
// on these bytes; ISO-8859 reads them as C1 controls, the Mac and DOS code pages as letters, which
// detectors guess on such text (MAC-CENTRALEUROPE for “quoted” English).
bool OnlyWindowsPunctuation(std::string_view bytes) {
  bool any = false;
  for (const char ch : bytes) {
    const auto b = static_cast<unsigned char>(ch);
    if (b < 0x80) continue;
    switch (b) {
      case 0x80:
      case 0x82:
      case 0x84:
      case 0x85:
      case 0x86:
      case 0x87:
      case 0x89:
      case 0x8B:
      case 0x91:
      case 0x92:
      case 0x93:
      case 0x94:
      case 0x95:
      case 0x96:
      case 0x97:
      case 0x99:
      case 0x9B:
        any = true;
        break;
      default:
        return false;
    }
  }
  return any;
}

size_t CountHighBytes(std::string_view s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }));
}

std::string Uchardet(std::string_view bytes) {
  uchardet_t ud = uchardet_new();
  if (ud == nullptr) return "";
  std::string result;
  if (uchardet_handle_data(ud, bytes.data(), bytes.size()) == 0) {
    uchardet_data_end(ud);
    const char* cs = uchardet_get_charset(ud);
    if (cs != nullptr) result = cs;
  }
  uchardet_delete(ud);
  return result;
}

// Value of attribute `name` inside one tag's lowercase text, "" if absent.
std::string AttributeValue(std::string_view tag, std::string_view name) {
  size_t pos = 0;
  while ((pos = tag.find(name, pos)) != std::string_view::npos) {
    const bool word_start = pos == 0 || tag[pos - 1] == ' ' || tag[pos - 1] == '\t' ||
                            tag[pos - 1] == '\n' || tag[pos - 1] == '\r' || tag[pos - 1] == '/' ||
                            tag[pos - 1] == '"' || tag[pos - 1] == '\'';
    size_t i = pos + name.size();
    pos = i;
    if (!word_start) continue;
    while (i < tag.size() && (tag[i] == ' ' || tag[i] == '\t' || tag[i] == '\n' || tag[i] == '\r'))
      ++i;
    if (i >= tag.size() || tag[i] != '=') continue;
    ++i;
    while (i < tag.size() && (tag[i] == ' ' || tag[i] == '\t' || tag[i] == '\n' || tag[i] == '\r'))
      ++i;
    if (i >= tag.size()) return "";
    if (tag[i] == '"' || tag[i] == '\'') {
      const char q = tag[i];
      const size_t end = tag.find(q, i + 1);
      return std::string(tag.substr(i + 1, end == std::string_view::npos ? tag.npos : end - i - 1));
    }
    size_t end = i;
    while (end < tag.size() && tag[end] != ' ' && tag[end] != '>' && tag[end] != '\t' &&
           tag[end] != '\n' && tag[end] != '/')
      ++end;
    return std::string(tag.substr(i, end - i));
  }
  return "";
}

std::string CharsetParam(std::string_view lower_value) {
  const size_t p = lower_value.find("charset");
  if (p == std::string_view::npos) return "";
  size_t i = p + 7;
  while (i < lower_value.size() && lower_value[i] == ' ') ++i;
  if (i >= lower_value.size() || lower_value[i] != '=') return "";
  ++i;
  while (i < lower_value.size() &&
         (lower_value[i] == ' ' || lower_value[i] == '"' || lower_value[i] == '\''))
    ++i;
  size_t end = i;
  while (end < lower_value.size() && lower_value[end] != ';' && lower_value[end] != ' ' &&
         lower_value[end] != '"' && lower_value[end] != '\'' && lower_value[end] != ',')
    ++end;
  return std::string(lower_value.substr(i, end - i));
}

}  // namespace

std::string NormalizeCharsetLabel(std::string_view label) {
  while (!label.empty() && (label.front() == ' ' || label.front() == '"' || label.front() == '\''))
    label.remove_prefix(1);
  while (!label.empty() && (label.back() == ' ' || label.back() == '"' || label.back() == '\''))
    label.remove_suffix(1);
  if (label.empty() || label.size() > 40) return "";
  const std::string lower = base::AsciiLower(label);
  for (const auto& a : kAliases) {
    if (a.label == lower) return std::string(a.canonical);
  }
  UErrorCode err = U_ZERO_ERROR;
  const char* canonical = ucnv_getCanonicalName(lower.c_str(), "", &err);
  if (U_FAILURE(err) || canonical == nullptr) {
    err = U_ZERO_ERROR;
    canonical = ucnv_getAlias(lower.c_str(), 0, &err);
    if (U_FAILURE(err) || canonical == nullptr) return "";
  }
  // Prefer ICU's MIME/IANA name so that reports read naturally.
  for (const char* converter : {lower.c_str(), canonical}) {
    for (const char* standard : {"MIME", "IANA"}) {
      err = U_ZERO_ERROR;
      const char* name = ucnv_getStandardName(converter, standard, &err);
      if (U_SUCCESS(err) && name != nullptr) return name;
    }
  }
  return canonical;
}

std::string CharsetFromContentType(std::string_view content_type) {
  return NormalizeCharsetLabel(CharsetParam(base::AsciiLower(content_type)));
}

std::string CharsetFromMarkup(std::string_view bytes) {
  // The head ends at </head> or <body; give up after 512 KiB of head (runaway inline scripts).
  // Only that prefix is lowercased.
  size_t limit = std::min<size_t>(bytes.size(), 512u << 10);
  for (size_t i = 0; i + 5 <= limit; ++i) {
    if (bytes[i] != '<') continue;
    const char a = base::AsciiLower(bytes[i + 1]), b = base::AsciiLower(bytes[i + 2]),
               c = base::AsciiLower(bytes[i + 3]);
    if ((a == 'b' && b == 'o' && c == 'd' && base::AsciiLower(bytes[i + 4]) == 'y') ||
        (a == '/' && b == 'h' && c == 'e' && base::AsciiLower(bytes[i + 4]) == 'a')) {
      limit = i;
      break;
    }
  }
  const std::string head = base::AsciiLower(bytes.substr(0, limit));
  if (head.starts_with("<?xml")) {
    const size_t end = head.find("?>");
    const std::string enc = AttributeValue(head.substr(0, end), "encoding");
    if (!enc.empty()) {
      const std::string cs = NormalizeCharsetLabel(enc);
      if (!cs.empty()) return cs;
    }
  }
  size_t pos = 0;
  while ((pos = head.find("<meta", pos)) != std::string::npos && pos < limit) {
    const size_t end = head.find('>', pos);
    const std::string_view tag = std::string_view(head).substr(
        pos + 5, end == std::string::npos ? head.npos : end - pos - 5);
    pos += 5;
    std::string label = AttributeValue(tag, "charset");
    if (label.empty() && AttributeValue(tag, "http-equiv") == "content-type") {
      label = CharsetParam(AttributeValue(tag, "content"));
    }
    if (label.empty()) continue;
    std::string cs = NormalizeCharsetLabel(label);
    // HTML §13.2.3.2: a declared UTF-16 in markup means UTF-8 (the bytes are ASCII-compatible).
    if (cs == "UTF-16LE" || cs == "UTF-16BE") cs = kUtf8;
    if (!cs.empty()) return cs;
  }
  return "";
}

bool DecodeWithCharset(std::string_view bytes, std::string_view charset, std::string& out) {
  out.clear();
  if (charset == kUtf8) {
    out = DecodeUtf8Lossy(bytes);
    return true;
  }
  if (charset == "KZ-1048") {
    DecodeTable(bytes, kKz1048High, out);
    return true;
  }
  if (charset == "PTCP154") {
    DecodeTable(bytes, kPtcp154High, out);
    return true;
  }
  if (charset == "ISO-8859-16") {
    DecodeTable(bytes, kIso885916High, out);
    return true;
  }
  if (charset == "VISCII") {
    DecodeViscii(bytes, out);
    return true;
  }
  if (charset == "UTF-16LE" || charset == "UTF-16BE") {
    DecodeUtf16(bytes, charset == "UTF-16BE", out);
    return true;
  }
  if (charset == "UTF-32LE" || charset == "UTF-32BE") {
    DecodeUtf32(bytes, charset == "UTF-32BE", out);
    return true;
  }
  if (const ByteTable* table = ByteTableFor(charset)) {
    DecodeByteTable(bytes, *table, out);
    return true;
  }
  if (bytes.size() > (1u << 30)) return false;  // int32_t sizes inside ICU
  return DecodeWithIcu(bytes, std::string(charset).c_str(), out);
}

std::string GuessCyrillicCharset(std::string_view bytes) {
  const size_t high = CountHighBytes(bytes.substr(0, std::min<size_t>(bytes.size(), 1u << 20)));
  if (high == 0 || !CountHighByteWords(bytes).OwnScript()) return "";
  const CyrillicSample sample = SampleHighBytes(bytes);
  const auto scores = ScoreCyrillic(sample);
  const Candidate* best = BestCandidate(scores, sample);
  // Real Cyrillic text averages well above one point per high byte; Western text is negative.
  const size_t sampled = std::min<size_t>(high, 64u << 10);
  if (best == nullptr || best->score < 0.8 * static_cast<double>(sampled)) return "";
  return std::string(best->name);
}

namespace {

DecodedText Decode(std::string_view bytes, std::string_view content_type, bool copy_valid) {
  DecodedText result;
  // 1. Byte-order mark (UTF-32 first: its little-endian mark begins like UTF-16's).
  if (bytes.starts_with("\xEF\xBB\xBF")) {
    result.charset = kUtf8;
    result.utf8 = DecodeUtf8Lossy(bytes.substr(3));
    return result;
  }
  if (bytes.starts_with(std::string_view("\xFF\xFE\0\0", 4)) ||
      bytes.starts_with(std::string_view("\0\0\xFE\xFF", 4))) {
    const bool be = bytes[0] == '\0';
    result.charset = be ? "UTF-32BE" : "UTF-32LE";
    DecodeUtf32(bytes.substr(4), be, result.utf8);
    return result;
  }
  if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
    const bool be = bytes[0] == '\xFE';
    result.charset = be ? "UTF-16BE" : "UTF-16LE";
    DecodeUtf16(bytes.substr(2), be, result.utf8);
    return result;
  }
  const std::string header_cs = CharsetFromContentType(content_type);
  if (header_cs == "UTF-16LE" || header_cs == "UTF-16BE") {
    // Only believe a BOM-less UTF-16 header if the bytes have the NULs of ASCII in UTF-16.
    const size_t probe = std::min<size_t>(bytes.size(), 4096);
    const size_t nuls = static_cast<size_t>(std::count(bytes.begin(), bytes.begin() + probe, '\0'));
    if (nuls * 4 >= probe) {
      result.charset = header_cs;
      DecodeUtf16(bytes, header_cs == "UTF-16BE", result.utf8);
      return result;
    }
  }
  // 2. UTF-16 or UTF-32 without a mark, told by the lane of the zero bytes (before the UTF-8 check:
  // ASCII in UTF-16 is valid UTF-8 with NULs).
  if (const std::string_view wide = SniffWideUnicode(bytes); !wide.empty()) {
    result.charset = std::string(wide);
    DecodeWithCharset(bytes, wide, result.utf8);
    return result;
  }
  const bool header_usable =
      !header_cs.empty() && !header_cs.starts_with("UTF-16") && !header_cs.starts_with("UTF-32");
  // The markup is searched only when needed: most pages are valid UTF-8 and never ask.
  auto declared_charset = [&] { return header_usable ? header_cs : CharsetFromMarkup(bytes); };

  // 3. Valid UTF-8 wins over any declaration; a few stray bytes in otherwise-UTF-8 text too.
  const Utf8Census census = CountUtf8(bytes);
  if (census.invalid == 0) {
    if (copy_valid) {
      result.utf8 = std::string(bytes);
    } else {
      result.unchanged = true;
    }
    result.charset = kUtf8;
    if (census.valid_multibyte == 0) {
      // 7-bit text with escape sequences is ISO-2022-JP/KR/CN (RFC 1468, 1557, 1922), which
      // uchardet recognises; other ASCII decodes the same under any ASCII superset: report the
      // declared one.
      if (bytes.find('\x1B') != std::string_view::npos) {
        const std::string iso2022 = NormalizeCharsetLabel(Uchardet(bytes.substr(0, 256u << 10)));
        std::string decoded;
        if (iso2022.starts_with("ISO-2022") && DecodeWithCharset(bytes, iso2022, decoded)) {
          result.unchanged = false;
          result.utf8 = std::move(decoded);
          result.charset = iso2022;
          return result;
        }
      }
      const std::string declared = declared_charset();
      if (!declared.empty()) result.charset = declared;
    }
    return result;
  }
  if (census.valid_multibyte >= 8 && census.invalid * 50 <= census.valid_multibyte) {
    result.charset = kUtf8;
    result.utf8 = DecodeUtf8Lossy(bytes);
    return result;
  }

  // 4. What the bytes are, whatever anyone says: Latin-script (accented letters inside ASCII
  // words), or words of high bytes that read as Cyrillic text under some code page (≥ 0.8 point per
  // high byte; Western text scores negative).
  const HighByteWords words = CountHighByteWords(bytes);
  const CyrillicSample sample = SampleHighBytes(bytes);
  const auto scores = ScoreCyrillic(sample);
  const Candidate* best = BestCandidate(scores, sample);
  const size_t sampled = std::min<size_t>(CountHighBytes(bytes), 64u << 10);
  const bool reads_cyrillic =
      words.OwnScript() && best != nullptr && best->score >= 0.8 * static_cast<double>(sampled);

  // 5. The declared charset, if it decodes to plausible text: a Cyrillic code page is wrong for
  // Latin-script bytes; for bytes that read as Cyrillic, a Latin or Cyrillic declaration must
  // read within 5 % of the best Cyrillic code page.
  std::string declared = declared_charset();
  if (declared == kUtf8) declared.clear();  // invalid UTF-8: the declaration is wrong
  bool plausible = !declared.empty();
  if (IsScoredCyrillic(declared) && words.LatinScript()) plausible = false;
  if (reads_cyrillic && (IsScoredCyrillic(declared) || IsLatinSingleByte(declared))) {
    const auto it = std::find_if(scores.begin(), scores.end(),
                                 [&](const Candidate& c) { return c.name == declared; });
    plausible = it != scores.end() && it->score >= best->score - 0.05 * std::abs(best->score);
  }
  std::string chosen = plausible ? declared : std::string();

  // 6. Otherwise uchardet, whose answer stands unless the bytes read as Cyrillic text and it
  // named no charset, a Latin one, or a Cyrillic code page that another one reads clearly better
  // (the bytes the two readings differ in decide: KOI8-U's і ї є ґ against KOI8-R's box drawing,
  // mac-cyrillic's capitals against windows-1251's punctuation, the Kazakh letters of KZ-1048).
  if (chosen.empty()) {
    const std::string guess = Uchardet(bytes.substr(0, std::min<size_t>(bytes.size(), 256u << 10)));
    std::string detected = NormalizeCharsetLabel(guess);
    if (guess == "ASCII" || detected == kUtf8) detected.clear();
    if (reads_cyrillic &&
        (detected.empty() || IsLatinSingleByte(detected) || IsScoredCyrillic(detected))) {
      chosen = std::string(BestCandidate(scores, sample, detected)->name);
    } else if (OnlyWindowsPunctuation(bytes) && !detected.starts_with("windows-125")) {
      chosen = "windows-1252";
    } else if (detected.empty() || detected == "windows-1252") {
      chosen = WesternSibling(bytes);
    } else {
      chosen = detected;
    }
  }
  if (!DecodeWithCharset(bytes, chosen, result.utf8)) {
    chosen = "windows-1252";
    DecodeWithCharset(bytes, chosen, result.utf8);
  }
  result.charset = chosen;
  return result;
}

}  // namespace

DecodedText DecodeToUtf8(std::string_view bytes, std::string_view content_type) {
  return Decode(bytes, content_type, /*copy_valid=*/true);
}

DecodedText DecodeToUtf8UnlessValid(std::string_view bytes, std::string_view content_type) {
  return Decode(bytes, content_type, /*copy_valid=*/false);
}

void AppendUtf8(uint32_t cp, std::string& out) {
  char buffer[U8_MAX_LENGTH];
  int32_t length = 0;
  U8_APPEND_UNSAFE(buffer, length, cp);
  out.append(buffer, static_cast<size_t>(length));
}

}  // namespace kuzet::extractor
