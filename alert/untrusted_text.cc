#include "alert/untrusted_text.h"

#include <cstdint>

namespace kuzet::alert {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::string_view kEllipsis = "\xE2\x80\xA6";     // U+2026

// Decodes one well-formed UTF-8 sequence at text[i] (RFC 3629 section 4, no overlongs, no
// surrogates). Returns its length, or 0 when the bytes there are ill-formed.
size_t DecodeOne(std::string_view text, size_t i, char32_t* cp) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  const uint8_t b0 = byte(i);
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  size_t len = 0;
  char32_t min = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2, min = 0x80, *cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3, min = 0x800, *cp = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4, min = 0x10000, *cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    *cp = (*cp << 6) | (byte(i + k) & 0x3F);
  }
  if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF)) return 0;
  return len;
}

bool IsBreakingOrControl(char32_t cp) {
  return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029;
}

bool IsSpace(char32_t cp) { return cp == ' ' || cp == 0xA0 || cp == 0x3000; }

}  // namespace

std::string SingleLineText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    char32_t cp;
    const size_t len = DecodeOne(text, i, &cp);
    if (len == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    if (IsBreakingOrControl(cp)) {
      out += ' ';
    } else {
      out.append(text.substr(i, len));
    }
    i += len;
  }
  return out;
}

std::string HeaderSafeText(std::string_view text, size_t max_chars) {
  std::string out;
  size_t chars = 0;
  size_t last_fit = 0;  // bytes of `out` holding its first max_chars - 1 characters
  bool pending_space = false;
  for (size_t i = 0; i < text.size();) {
    char32_t cp;
    size_t len = DecodeOne(text, i, &cp);
    std::string_view piece = len == 0 ? kReplacement : text.substr(i, len);
    if (len == 0) cp = 0xFFFD, len = 1;
    i += len;
    if (IsBreakingOrControl(cp) || IsSpace(cp)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) {
      out += ' ';
      if (++chars < max_chars) last_fit = out.size();
      pending_space = false;
    }
    out.append(piece);
    if (++chars < max_chars) last_fit = out.size();
  }
  if (chars <= max_chars) return out;
  out.resize(last_fit);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (max_chars > 0) out += kEllipsis;
  return out;
}

size_t Utf8PrefixLength(std::string_view text, size_t max_bytes) {
  if (max_bytes >= text.size()) return text.size();
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<uint8_t>(text[cut]) & 0xC0) == 0x80) --cut;
  return cut;
}

}  // namespace kuzet::alert
