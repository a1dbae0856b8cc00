#include "extractor/language.h"

#include <cld2/public/compact_lang_det.h>

#include <algorithm>
#include <cstdint>

namespace kuzet::extractor {
namespace {

struct LetterCounts {
  size_t latin = 0;
  size_t cyrillic = 0;
  size_t other_script = 0;   // letters of Greek, Arabic, CJK, ...
  size_t kazakh = 0;         // ә ғ қ ң ұ (not shared with Mongolian/Kyrgyz)
  size_t kazakh_shared = 0;  // ө ү һ
  size_t i_dotted = 0;       // і
  size_t ukrainian = 0;      // ї є ґ
  size_t belarusian = 0;     // ў
  size_t tajik = 0;          // ҳ ҷ ӣ ӯ
  size_t turkic_other = 0;   // җ ҡ ҙ ҫ
  size_t south_slavic = 0;   // ђ ј љ њ ћ џ ѓ ќ ѕ
  size_t russian = 0;        // ы э
};

// Next code point of valid-or-not UTF-8; invalid bytes yield U+FFFD.
uint32_t NextCodePoint(std::string_view s, size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  size_t n = b0 < 0x80 ? 1 : (b0 >> 5) == 6 ? 2 : (b0 >> 4) == 14 ? 3 : (b0 >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size()) {
    ++i;
    return 0xFFFD;
  }
  uint32_t cp = n == 1 ? b0 : n == 2 ? (b0 & 0x1F) : n == 3 ? (b0 & 0x0F) : (b0 & 0x07);
  for (size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  i += n;
  return cp;
}

uint32_t LowerCyrillic(uint32_t c) {
  if (c >= 0x0410 && c <= 0x042F) return c + 0x20;
  if (c >= 0x0400 && c <= 0x040F) return c + 0x50;
  if (c >= 0x0460 && c <= 0x04FF && c % 2 == 0 && c != 0x04C0) return c + 1;
  return c;
}

LetterCounts Count(std::string_view s) {
  LetterCounts n;
  size_t i = 0;
  while (i < s.size()) {
    const uint32_t c = NextCodePoint(s, i);
    if (c < 0x80) {
      if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ++n.latin;
      continue;
    }
    if (c >= 0x0400 && c <= 0x052F) {
      ++n.cyrillic;
      switch (LowerCyrillic(c)) {
        case 0x04D9:
        case 0x0493:
        case 0x049B:
        case 0x04A3:
        case 0x04B1:
          ++n.kazakh;
          break;
        case 0x04E9:
        case 0x04AF:
        case 0x04BB:
          ++n.kazakh_shared;
          break;
        case 0x0456:
          ++n.i_dotted;
          break;
        case 0x0457:
        case 0x0454:
        case 0x0491:
          ++n.ukrainian;
          break;
        case 0x045E:
          ++n.belarusian;
          break;
        case 0x04B3:
        case 0x04B7:
        case 0x04E3:
        case 0x04EF:
          ++n.tajik;
          break;
        case 0x0497:
        case 0x04A1:
        case 0x0499:
        case 0x04AB:
          ++n.turkic_other;
          break;
        case 0x0452:
        case 0x0458:
        case 0x0459:
        case 0x045A:
        case 0x045B:
        case 0x045F:
        case 0x0453:
        case 0x045C:
        case 0x0455:
          ++n.south_slavic;
          break;
        case 0x044B:
        case 0x044D:
          ++n.russian;
          break;
        default:
          break;
      }
      continue;
    }
    if ((c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) || (c >= 0x1E00 && c <= 0x1EFF)) {
      ++n.latin;
    } else if ((c >= 0x0370 && c <= 0x03FF) || (c >= 0x0530 && c <= 0x1DFF) ||
               (c >= 0x3040 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF)) {
      ++n.other_script;
    }
  }
  return n;
}

size_t CountEnglishStopWords(std::string_view s, size_t& words) {
  static constexpr std::string_view kStop[] = {"the",  "and", "of",   "to",  "in",  "is",
                                               "that", "for", "with", "was", "are", "on"};
  size_t hits = 0;
  words = 0;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && !((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z')) ++i;
    const size_t start = i;
    while (i < s.size() && ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z')) ++i;
    if (i == start) break;
    ++words;
    std::string w(s.substr(start, i - start));
    for (char& ch : w) ch = static_cast<char>(ch | 0x20);
    for (auto stop : kStop) hits += (w == stop);
  }
  return hits;
}

// Share test: count is at least permille/1000 of total.
bool AtLeast(size_t count, size_t total, size_t permille) {
  return count * 1000 >= total * permille;
}

}  // namespace

std::string DetectLanguage(std::string_view utf8) {
  // 64 KiB of text decides as well as the whole and bounds the cost on huge pages.
  const std::string_view text = utf8.substr(0, std::min<size_t>(utf8.size(), 64u << 10));
  const LetterCounts n = Count(text);
  const size_t letters = n.latin + n.cyrillic + n.other_script;
  if (letters < 3) return "other";

  if (n.cyrillic >= n.latin && n.cyrillic >= n.other_script) {
    const size_t c = n.cyrillic;
    if (n.tajik > 0 && AtLeast(n.tajik, c, 2)) return "other";
    if (n.turkic_other > 0 && AtLeast(n.turkic_other, c, 2)) return "other";
    if (n.belarusian > 0 && AtLeast(n.belarusian, c, 2)) return "other";
    if (n.ukrainian > 0 && AtLeast(n.ukrainian, c, 2)) return "other";
    if (n.south_slavic > 0 && AtLeast(n.south_slavic, c, 2)) return "other";
    // Kazakh: about one letter in ten is one of its own; ә ғ қ ң ұ alone exceed 4 %.
    if (n.kazakh > 0 && AtLeast(n.kazakh, c, 8)) return "kk";
    if (n.i_dotted > 0 && AtLeast(n.i_dotted, c, 3)) return "other";  // Ukrainian/Belarusian
    if (n.kazakh_shared > 0 && AtLeast(n.kazakh_shared, c, 10))
      return "other";  // Mongolian, Kyrgyz
    // Russian: ы and э make about 2 % of letters; Bulgarian and Macedonian have neither.
    if (c >= 100 && !AtLeast(n.russian, c, 5)) return "other";
    return "ru";
  }
  if (n.latin >= n.other_script) {
    // Plain English is recognised by its function words without asking CLD2.
    size_t words = 0;
    const size_t stops = CountEnglishStopWords(text.substr(0, 4096), words);
    if (words >= 30 && AtLeast(stops, words, 150)) return "en";
    bool reliable = false;
    const CLD2::Language lang = CLD2::DetectLanguage(
        text.data(), static_cast<int>(std::min<size_t>(text.size(), 4u << 10)), true, &reliable);
    if (lang == CLD2::ENGLISH && (reliable || n.latin < 200)) return "en";
    if (lang == CLD2::UNKNOWN_LANGUAGE && words >= 3 && AtLeast(stops, words, 100)) return "en";
    return "other";
  }
  return "other";
}

}  // namespace kuzet::extractor
