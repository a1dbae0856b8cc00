// Encoders for test pages: turn UTF-8 test text into the legacy bytes a real server would send.
#pragma once

#include <string>
#include <string_view>

namespace kuzet::extractor::testing {

// UTF-8 → bytes in an ICU-supported charset ("windows-1251", "KOI8-R", ...).
std::string EncodeWithIcu(std::string_view utf8, const char* charset);

// UTF-8 Kazakh/Russian text → KZ-1048 bytes, from the STRK1048-2002 positions written out here
// independently of the decoder's table.
std::string EncodeKz1048(std::string_view utf8);

}  // namespace kuzet::extractor::testing
