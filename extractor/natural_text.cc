#include "extractor/natural_text.h"

#include <cstdint>

#include "extractor/code_point.h"

namespace kuzet::extractor {
namespace {

bool IsAsciiAlnum(char c) {
  return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

bool IsSpace(std::string_view s, size_t i, size_t& width) {
  const char c = s[i];
  width = 1;
  if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') return true;
  // U+00A0 no-break space, common between words of pasted text.
  if (c == '\xC2' && i + 1 < s.size() && s[i + 1] == '\xA0') {
    width = 2;
    return true;
  }
  return false;
}

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

// What a raw (untrimmed) token is.
Token Classify(std::string_view raw) {
  // Most tokens are plain words without an ASCII letter or digit (Cyrillic, Greek, CJK...) and
  // without code characters: one pass over the bytes settles them.
  bool ascii_alnum = false, marked = false;
  for (char c : raw) {
    ascii_alnum |= IsAsciiAlnum(c);
    switch (c) {
      case '@':
      case '{':
      case '}':
      case '[':
      case ']':
      case '<':
      case '>':
      case '=':
      case '_':
      case '\\':
      case '|':
      case '$':
      case '#':
      case '^':
      case '~':
      case '`':
        marked = true;
        break;
      default:
        break;
    }
  }
  if (!ascii_alnum && !marked) return Trim(raw).empty() ? Token::kNoise : Token::kWord;
  if (raw.find("://") != std::string_view::npos || raw.find('@') != std::string_view::npos)
    return Token::kNoise;
  const std::string_view t = Trim(raw);
  if (t.empty()) return Token::kNoise;
  if (t.size() >= 4 && (t.substr(0, 4) == "www." || t.substr(0, 4) == "WWW.")) return Token::kNoise;
  for (char c : raw) {
    switch (c) {
      case '{':
      case '}':
      case '[':
      case ']':
      case '<':
      case '>':
      case '=':
      case '_':
      case '\\':
      case '|':
      case '$':
      case '#':
      case '^':
      case '~':
      case '`':
        return Token::kCode;
      default:
        break;
    }
  }
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

size_t CodePunctuation(std::string_view line) {
  size_t n = 0;
  for (char c : line)
    n += c == '(' || c == ')' || c == '[' || c == ']' || c == '{' || c == '}' || c == ';' ||
         c == '=' || c == '<' || c == '>';
  return n;
}

// Navigation lines join short items with separators: "Home | News | Sport".
bool IsNavigation(std::string_view line) {
  static constexpr std::string_view kSeparators[] = {" | ", " > ",        " \xC2\xBB ",
                                                     " / ", " \xC2\xB7 ", " \xE2\x80\xA2 "};
  size_t n = 0;
  for (auto sep : kSeparators) {
    for (size_t pos = line.find(sep); pos != std::string_view::npos && n < 2;
         pos = line.find(sep, pos + sep.size()))
      ++n;
  }
  return n >= 2;
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
    size_t tokens = 0, code = 0;
    size_t i = 0;
    while (i < line.size()) {
      size_t width = 0;
      while (i < line.size() && IsSpace(line, i, width)) i += width;
      const size_t start = i;
      while (i < line.size() && !IsSpace(line, i, width)) ++i;
      if (i == start) break;
      const std::string_view raw = line.substr(start, i - start);
      ++tokens;
      switch (Classify(raw)) {
        case Token::kWord:
          line_words.push_back(Trim(raw));
          break;
        case Token::kCode:
          ++code;
          break;
        case Token::kNoise:
          break;
      }
    }
    // A line of code keeps some plain identifiers (return, int, SELECT): drop it whole.
    const size_t punctuation = CodePunctuation(line);
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
