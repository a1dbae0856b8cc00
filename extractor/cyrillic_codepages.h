// Single-byte Kazakh code pages that ICU 72 does not know: KZ-1048 and PTCP154.
#pragma once

#include <array>

namespace kuzet::extractor {

// Code points of bytes 0x80..0xFF (index = byte - 0x80); bytes below 0x80 are ASCII.
extern const std::array<char16_t, 128> kKz1048High;
extern const std::array<char16_t, 128> kPtcp154High;

}  // namespace kuzet::extractor
