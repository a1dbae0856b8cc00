#include "base/escape.h"

#include <unicode/umachine.h>

#include <cstdint>

#include "base/utf8.h"

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

// Calls emit(code point, its UTF-8 bytes) for each character of `text`, and emit(U+FFFD, its
// bytes) for each maximal ill-formed subsequence.
template <typename Emit>
void ForEachCharacter(std::string_view text, Emit emit) {
  for (size_t i = 0; i < text.size();) {
    const size_t start = i;
    const int32_t c = NextUtf8(text, &i);
    if (c < 0) {
      emit(UChar32{0xFFFD}, kReplacementCharacter);
    } else {
      emit(c, text.substr(start, i - start));
    }
  }
}

// C0 controls, DEL and C1 controls (ECMA-48 §5).
bool IsControl(UChar32 c) { return c < 0x20 || (c >= 0x7F && c <= 0x9F); }

// Unicode §23.7: U+FDD0..U+FDEF and the last two code points of every plane.
bool IsNoncharacter(UChar32 c) { return (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE; }

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

std::string ToValidUtf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  ForEachCharacter(bytes, [&](UChar32, std::string_view utf8) { out += utf8; });
  return out;
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  ForEachCharacter(text, [&](UChar32 c, std::string_view utf8) {
    if (c == '\t') {
      out += "&#x9;";
    } else if (c == '\n') {
      out += "&#xA;";
    } else if (c == '\r') {
      out += "&#xD;";
    } else if (IsControl(c) || IsNoncharacter(c)) {
      out += kReplacementCharacter;
    } else if (std::string_view reference = c < 0x80 ? SpecialReference(static_cast<char>(c)) : "";
               !reference.empty()) {
      out += reference;
    } else {
      out += utf8;
    }
  });
  return out;
}

std::string CsvField(std::string_view field) {
  std::string text = ToValidUtf8(field);
  if (!text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos) {
    text.insert(text.begin(), '\'');
  }
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string CsvRecord(std::span<const std::string> fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += CsvField(fields[i]);
  }
  out += "\r\n";
  return out;
}

std::string TerminalText(std::string_view text, bool keep_line_breaks) {
  std::string out;
  out.reserve(text.size());
  ForEachCharacter(text, [&](UChar32 c, std::string_view utf8) {
    if (c == '\t' || c == '\n' || c == '\r') {
      if (keep_line_breaks && c != '\r') {
        out += utf8;
      } else {
        out += ' ';
      }
    } else if (IsControl(c) || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)) {
      out += kReplacementCharacter;
    } else {
      out += utf8;
    }
  });
  return out;
}

bool IsSafeHeaderValue(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

}  // namespace kuzet::base
