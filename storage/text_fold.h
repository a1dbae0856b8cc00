// The text folding shared by exact-duplicate keys (NormalizeForFingerprint) and the SimHash:
// Unicode NFKC with case folding, computed once per page. Internal to storage/.
#pragma once

#include <string>
#include <string_view>

namespace kuzet::storage {

// NFKC case-folded text (ICU nfkc_cf), line breaks and other whitespace left as they are.
// Ill-formed UTF-8 sequences become U+FFFD.
std::string FoldText(const std::string& utf8_text);

// Whitespace runs (Unicode White_Space) collapsed to one space, leading and trailing whitespace
// dropped: NormalizeForFingerprint(t) == CollapseWhitespace(FoldText(t)).
std::string CollapseWhitespace(std::string_view folded_text);

}  // namespace kuzet::storage
