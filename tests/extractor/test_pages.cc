#include "tests/extractor/test_pages.h"

#include <unicode/ucnv.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <map>
#include <stdexcept>

namespace kuzet::extractor::testing {

std::string EncodeWithIcu(std::string_view utf8, const char* charset) {
  const icu::UnicodeString s = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  UErrorCode err = U_ZERO_ERROR;
  UConverter* conv = ucnv_open(charset, &err);
  if (U_FAILURE(err)) throw std::runtime_error("no converter");
  std::string out(static_cast<size_t>(s.length()) * 4 + 16, '\0');
  err = U_ZERO_ERROR;
  const int32_t n = ucnv_fromUChars(conv, out.data(), static_cast<int32_t>(out.size()),
                                    s.getBuffer(), s.length(), &err);
  ucnv_close(conv);
  if (U_FAILURE(err)) throw std::runtime_error("encode failed");
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string EncodeKz1048(std::string_view utf8) {
  static const std::map<UChar32, unsigned char> kKazakh = {
      {0x049A, 0x8D}, {0x049B, 0x9D}, {0x04BA, 0x8E}, {0x04BB, 0x9E}, {0x04B0, 0xA1},
      {0x04B1, 0xA2}, {0x04D8, 0xA3}, {0x04D9, 0xBC}, {0x04E8, 0xA5}, {0x04E9, 0xB4},
      {0x0492, 0xAA}, {0x0493, 0xBA}, {0x04AE, 0xAF}, {0x04AF, 0xBF}, {0x04A2, 0xBD},
      {0x04A3, 0xBE}, {0x0406, 0xB2}, {0x0456, 0xB3}, {0x0401, 0xA8}, {0x0451, 0xB8},
      {0x00AB, 0xAB}, {0x00BB, 0xBB}, {0x2014, 0x97}, {0x2013, 0x96}};
  std::string out;
  const auto* p = reinterpret_cast<const uint8_t*>(utf8.data());
  const auto n = static_cast<int32_t>(utf8.size());
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c >= 0 && c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c >= 0x0410 && c <= 0x044F) {
      out.push_back(static_cast<char>(0xC0 + (c - 0x0410)));  // А..я as in windows-1251
    } else if (auto it = kKazakh.find(c); it != kKazakh.end()) {
      out.push_back(static_cast<char>(it->second));
    } else {
      throw std::runtime_error("character not in KZ-1048 test map");
    }
  }
  return out;
}

}  // namespace kuzet::extractor::testing
