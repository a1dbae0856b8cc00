// One code point at a time from UTF-8 that may be invalid (page text is hostile).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace kuzet::extractor {

// The code point at s[i] (i < s.size()), advancing i past it; an invalid or truncated sequence
// yields U+FFFD and advances one byte.
inline uint32_t NextCodePoint(std::string_view s, size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  const size_t n = b0 < 0x80         ? 1
                   : (b0 >> 5) == 6  ? 2
                   : (b0 >> 4) == 14 ? 3
                   : (b0 >> 3) == 30 ? 4
                                     : 0;
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

// Letters of the scripts a news text is written in: Latin (with Latin-1, Extended-A/B, IPA such
// as ə ɵ, Extended Additional), Greek, Cyrillic, and everything from Armenian on outside the
// punctuation, symbol and private-use blocks. Digits are not letters.
inline bool IsLetter(uint32_t c) {
  if (c < 0x80) return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
  if (c < 0xC0 || c == 0xD7 || c == 0xF7) return false;
  if (c <= 0x2AF) return true;
  if (c >= 0x0370 && c <= 0x052F)
    return c != 0x037E && c != 0x0387 && !(c >= 0x0482 && c <= 0x0489);
  if (c >= 0x2000 && c <= 0x2BFF) return false;  // punctuation, symbols, arrows, boxes
  if (c >= 0x3000 && c <= 0x303F) return false;  // CJK punctuation
  if (c >= 0xE000 && c <= 0xF8FF) return false;  // private use
  if (c >= 0xFE30 && c <= 0xFE6F) return false;  // compatibility forms
  if (c >= 0xFF00 && c <= 0xFF20) return false;  // full-width punctuation and digits
  if (c == 0xFFFD || c == 0xFEFF) return false;
  return c >= 0x0530;
}

}  // namespace kuzet::extractor
