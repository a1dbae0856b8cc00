// Reading UTF-8 one character at a time, for code that judges characters (controls, spaces,
// noncharacters) in text that may be ill-formed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace kuzet::base {

// The code point that starts at text[*pos] (*pos < text.size()), or -1 where the bytes there are
// ill-formed (RFC 3629: stray or invalid bytes, overlong forms, surrogates, past U+10FFFF, a cut
// sequence). Advances *pos past the character, or past the maximal ill-formed subsequence (at
// least one byte; Unicode §3.9), the unit one U+FFFD replaces.
int32_t NextUtf8(std::string_view text, size_t* pos);

}  // namespace kuzet::base
