// Latin single-byte code pages that ICU 72 does not ship: ISO-8859-16 (Latin-10: Romanian,
// Croatian, Polish, Slovenian...), which uchardet detects.
#pragma once

#include <array>

namespace kuzet::extractor {

// Code points of bytes 0x80..0xFF (index = byte - 0x80); bytes below 0x80 are ASCII.
extern const std::array<char16_t, 128> kIso885916High;

}  // namespace kuzet::extractor
