// Text from crawled pages made safe to put into a message.
//
// Titles, site names and snippets come from pages Kuzet does not control. Before any of it goes
// into a mail header it must not be able to end the header (CR/LF, RFC 5322 section 2.2) or carry
// invalid UTF-8 that a mail parser would flag as a defect.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kuzet::alert {

// Valid UTF-8 on one line: C0 and C1 controls, DEL, U+2028 and U+2029 become spaces. Nothing is
// collapsed or trimmed, so byte offsets computed on pieces stay meaningful for the reader.
std::string SingleLineText(std::string_view text);

// One line of header-safe text: valid UTF-8; C0 and C1 controls, DEL, U+2028 and U+2029 become
// spaces; runs of white space collapse to one space; trimmed; at most `max_chars` code points
// (longer text is cut at a character boundary and ends with "…").
std::string HeaderSafeText(std::string_view text, size_t max_chars);

// Length of the longest prefix of `text` (at most `max_bytes`) that ends on a UTF-8 character
// boundary. `text` must be valid UTF-8.
size_t Utf8PrefixLength(std::string_view text, size_t max_bytes);

}  // namespace kuzet::alert
