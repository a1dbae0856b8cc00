// Latin single-byte code pages that ICU 72 does not ship and uchardet detects: ISO-8859-16
// (Latin-10: Romanian, Croatian, Polish, Slovenian...) and VISCII (Vietnamese).
#pragma once

#include <array>

namespace kuzet::extractor {

// Code points of bytes 0x80..0xFF (index = byte - 0x80); bytes below 0x80 are ASCII.
extern const std::array<char16_t, 128> kIso885916High;
extern const std::array<char16_t, 128> kVisciiHigh;

// VISCII also puts six capitals in the C0 range: Ẳ 02, Ẵ 05, Ẫ 06, Ỷ 14, Ỹ 19, Ỵ 1E.
struct ControlLetter {
  unsigned char byte;
  char16_t code_point;
};
extern const std::array<ControlLetter, 6> kVisciiControlLetters;

}  // namespace kuzet::extractor
