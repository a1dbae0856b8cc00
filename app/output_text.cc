#include "app/output_text.h"

#include <cstdint>

namespace kuzet::app {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Decodes the UTF-8 sequence at s[i] into *cp; returns its length, or 0 when it is malformed
// (RFC 3629 §4: no overlong forms, no surrogates, nothing past U+10FFFF).
size_t DecodeUtf8(std::string_view s, size_t i, char32_t* cp) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    *cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    *cp = c & 0x0F;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;  // no UTF-16 surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    *cp = c & 0x07;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    unsigned char b = byte(i + k);
    if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return 0;
    *cp = (*cp << 6) | (b & 0x3F);
  }
  return n;
}

// Calls emit(code point, its bytes) for each character of valid UTF-8, and emit(U+FFFD, "")
// for each malformed byte.
template <typename Emit>
void ForEachCharacter(std::string_view s, Emit emit) {
  for (size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    size_t n = DecodeUtf8(s, i, &cp);
    if (n == 0) {
      emit(char32_t{0xFFFD}, kReplacement);
      ++i;
    } else {
      emit(cp, s.substr(i, n));
      i += n;
    }
  }
}

bool IsControl(char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

bool IsNoncharacter(char32_t cp) {
  return (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
}

}  // namespace

std::string ToValidUtf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  ForEachCharacter(bytes, [&](char32_t, std::string_view utf8) { out += utf8; });
  return out;
}

std::string XmlText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  ForEachCharacter(text, [&](char32_t cp, std::string_view utf8) {
    switch (cp) {
      case '&':
        out += "&amp;";
        return;
      case '<':
        out += "&lt;";
        return;
      case '>':
        out += "&gt;";
        return;
      case '"':
        out += "&quot;";
        return;
      case '\'':
        out += "&apos;";
        return;
      case '\t':
        out += "&#x9;";
        return;
      case '\n':
        out += "&#xA;";
        return;
      case '\r':
        out += "&#xD;";
        return;
    }
    if (IsControl(cp) || IsNoncharacter(cp)) {
      out += kReplacement;
    } else {
      out += utf8;
    }
  });
  return out;
}

std::string CsvField(std::string_view text) {
  std::string field = ToValidUtf8(text);
  if (!field.empty() && std::string_view("=+-@\t\r").find(field.front()) != std::string::npos) {
    field.insert(field.begin(), '\'');
  }
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string TerminalText(std::string_view text, bool keep_line_breaks) {
  std::string out;
  out.reserve(text.size());
  ForEachCharacter(text, [&](char32_t cp, std::string_view utf8) {
    if (cp == '\t' || cp == '\n' || cp == '\r') {
      if (keep_line_breaks && cp != '\r') {
        out += utf8;
      } else {
        out += ' ';
      }
    } else if (IsControl(cp) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) {
      out += kReplacement;
    } else {
      out += utf8;
    }
  });
  return out;
}

}  // namespace kuzet::app
