#include "extractor/natural_text.h"

#include <array>
#include <cstdint>

#include "extractor/code_point.h"

namespace kuzet::extractor {
namespace {

bool IsAsciiAlnum(char c) {
  return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

// Bytes of whitespace (or the no-break space U+00A0 common in pasted text) at s[i], or 0.
inline size_t SpaceWidth(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c > ' ' && c != 0xC2) return 0;
  if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') return 1;
  return c == 0xC2 && i + 1 < s.size() && s[i + 1] == '\xA0' ? 2 : 0;
}

// What a byte can tell about its token, from a table.
enum ByteClass : uint8_t {
  kAsciiAlnum = 1,  // a-z A-Z 0-9
  kCodeMark = 2,    // @ { } [ ] < > = _ \ | $ # ^ ~ `: code or an address
  kCodePunct = 4,   // ( ) [ ] { } ; = < >: counted per line
};

constexpr std::array<uint8_t, 256> MakeByteClasses() {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
      t[c] |= kAsciiAlnum;
  }
  for (char c : std::string_view("@{}[]<>=_\\|$#^~`"))
    t[static_cast<unsigned char>(c)] |= kCodeMark;
  for (char c : std::string_view("()[]{};=<>")) t[static_cast<unsigned char>(c)] |= kCodePunct;
  return t;
}

constexpr std::array<uint8_t, 256> kByteClasses = MakeByteClasses();

bool IsLetterOrDigit(uint32_t c) { return IsLetter(c) || (c >= '0' && c <= '9'); }

// The token with leading and trailing non-letters, non-digits removed; only the ends are decoded.
std::string_view Trim(std::string_view t) {
  size_t begin = 0;
  while (begin < t.size()) {
    size_t next = begin;
    if (IsLetterOrDigit(NextCodePoint(t, next))) break;
    begin = next;
  }
  size_t end = t.size();
  while (end > begin) {
    size_t start = end - 1;  // back to the lead byte of the last code point
    while (start > begin && end - start < 4 &&
           (static_cast<unsigned char>(t[start]) & 0xC0) == 0x80)
      --start;
    size_t next = start;
    const uint32_t c = NextCodePoint(t, next);
    if (next == end && IsLetterOrDigit(c)) break;
    end = next == end ? start : end - 1;
  }
  return t.substr(begin, end - begin);
}

enum class Token { kWord, kNoise, kCode };

// What a raw (untrimmed) token is, given the union of its byte classes; a word is left in
// `word`, trimmed.
Token Classify(std::string_view raw, unsigned classes, std::string_view& word) {
  word = Trim(raw);
  // Most tokens are plain words without an ASCII letter or digit (Cyrillic, Greek, CJK...) and
  // without code characters: settled by their byte classes.
  if (!(classes & (kAsciiAlnum | kCodeMark))) return word.empty() ? Token::kNoise : Token::kWord;
  if (raw.find("://") != std::string_view::npos || raw.find('@') != std::string_view::npos)
    return Token::kNoise;
  const std::string_view t = word;
  if (t.empty()) return Token::kNoise;
  if (t.size() >= 4 && (t.substr(0, 4) == "www." || t.substr(0, 4) == "WWW.")) return Token::kNoise;
  if (classes & kCodeMark) return Token::kCode;
  if (t.find("::") != std::string_view::npos || t.find("->") != std::string_view::npos)
    return Token::kCode;
  // Member access, scopes, calls and paths between ASCII letters or digits: a.b, std::x, f(x), a/b.
  for (size_t i = 1; i + 1 < t.size(); ++i) {
    const char c = t[i];
    if ((c == '.' || c == ':' || c == '(' || c == '/' || c == ';') && IsAsciiAlnum(t[i - 1]) &&
        IsAsciiAlnum(t[i + 1]))
      return Token::kCode;
  }
  if (t.back() == '(' || raw.ends_with("()") || raw.ends_with(");")) return Token::kCode;
  bool digit = false, ascii_letter = false, lower_then_upper = false, all_upper = true;
  size_t letters = 0;
  bool prev_lower = false;
  for (size_t i = 0; i < t.size();) {
    const uint32_t c = NextCodePoint(t, i);
    if (c >= '0' && c <= '9') {
      digit = true;
      continue;
    }
    if (!IsLetter(c)) continue;
    ++letters;
    const bool ascii = c < 0x80;
    const bool upper = ascii && c >= 'A' && c <= 'Z';
    ascii_letter |= ascii;
    if (!ascii || !upper) all_upper = false;
    if (upper && prev_lower) lower_then_upper = true;
    prev_lower = ascii && c >= 'a' && c <= 'z';
  }
  if (letters == 0) return Token::kNoise;
  if (digit) return Token::kNoise;             // x86, cp1251, 2011-го
  if (lower_then_upper) return Token::kNoise;  // camelCase: iPhone, PowerPoint, innerHTML
  if (ascii_letter && all_upper && letters >= 2) return Token::kNoise;  // HTML, USD
  return Token::kWord;
}

// Navigation lines join short items with separators: "Home | News | Sport". One pass over the
// line, looking at the byte after each space.
bool IsNavigation(std::string_view line) {
  size_t n = 0;
  for (size_t i = line.find(' '); i != std::string_view::npos && i + 2 < line.size();
       i = line.find(' ', i + 1)) {
    const std::string_view rest = line.substr(i + 1);
    size_t width = 0;
    switch (rest[0]) {
      case '|':
      case '>':
      case '/':
        width = 1;
        break;
      case '\xC2':  // » ·
        width = rest.size() > 1 && (rest[1] == '\xBB' || rest[1] == '\xB7') ? 2 : 0;
        break;
      case '\xE2':  // •
        width = rest.starts_with("\xE2\x80\xA2") ? 3 : 0;
        break;
      default:
        break;
    }
    if (width > 0 && rest.size() > width && rest[width] == ' ' && ++n == 2) return true;
  }
  return false;
}

}  // namespace

std::vector<std::string_view> NaturalWords(std::string_view text, size_t max_words) {
  std::vector<std::string_view> words;
  std::vector<std::string_view> line_words;
  size_t line_start = 0;
  while (line_start < text.size() && words.size() < max_words) {
    size_t line_end = text.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = text.size();
    const std::string_view line = text.substr(line_start, line_end - line_start);
    line_start = line_end + 1;
    if (IsNavigation(line)) continue;
    line_words.clear();
    size_t tokens = 0, code = 0, punctuation = 0;
    size_t i = 0;
    while (i < line.size()) {
      for (size_t width; i < line.size() && (width = SpaceWidth(line, i)) > 0;) i += width;
      const size_t start = i;
      unsigned classes = 0;
      for (; i < line.size() && SpaceWidth(line, i) == 0; ++i) {
        const uint8_t b = kByteClasses[static_cast<unsigned char>(line[i])];
        classes |= b;
        punctuation += (b & kCodePunct) != 0;
      }
      if (i == start) break;
      const std::string_view raw = line.substr(start, i - start);
      ++tokens;
      std::string_view word;
      switch (Classify(raw, classes, word)) {
        case Token::kWord:
          line_words.push_back(word);
          break;
        case Token::kCode:
          ++code;
          break;
        case Token::kNoise:
          break;
      }
    }
    // A line of code keeps some plain identifiers (return, int, SELECT): drop it whole.
    if ((code >= 2 && code * 3 >= tokens) ||
        (code >= 1 && punctuation >= 3 && punctuation * 40 >= line.size()))
      continue;
    for (auto w : line_words) {
      if (words.size() == max_words) break;
      words.push_back(w);
    }
  }
  return words;
}

}  // namespace kuzet::extractor
