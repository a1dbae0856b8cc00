#include "base/escape.h"

#include <unicode/utf8.h>

#include <cstdint>

namespace kuzet::base {

namespace {

constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

// The reference for one of the five characters XML and HTML treat specially, or "".
std::string_view SpecialReference(char c) {
  switch (c) {
    case '&':
      return "&amp;";
    case '<':
      return "&lt;";
    case '>':
      return "&gt;";
    case '"':
      return "&quot;";
    case '\'':
      return "&#39;";
    default:
      return {};
  }
}

// XML 1.0 §2.2: Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
// Surrogates never reach here: U8_NEXT reports them as ill-formed.
bool IsXmlChar(UChar32 c) {
  if (c < 0x20) return c == 0x9 || c == 0xA || c == 0xD;
  return c != 0xFFFE && c != 0xFFFF;
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    std::string_view reference = SpecialReference(c);
    if (reference.empty()) {
      out += c;
    } else {
      out += reference;
    }
  }
  return out;
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t length = static_cast<int32_t>(text.size());
  // Inputs larger than 2 GiB are not Kuzet's (pages are capped far below); they are cut, not
  // misread, by the int32_t ICU's macros index with.
  int32_t i = 0;
  while (i < length) {
    const int32_t start = i;
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);  // advances i past one character or one ill-formed subsequence
    if (c < 0 || !IsXmlChar(c)) {
      out += kReplacementCharacter;
    } else if (c < 0x80) {
      std::string_view reference = SpecialReference(static_cast<char>(c));
      if (reference.empty()) {
        out += static_cast<char>(c);
      } else {
        out += reference;
      }
    } else {
      out.append(text.data() + start, static_cast<size_t>(i - start));
    }
  }
  return out;
}

std::string CsvField(std::string_view field) {
  std::string text;
  if (!field.empty() &&
      std::string_view("=+-@\t\r").find(field.front()) != std::string_view::npos) {
    text += '\'';
  }
  text += field;
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

bool IsSafeHeaderValue(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

}  // namespace kuzet::base
