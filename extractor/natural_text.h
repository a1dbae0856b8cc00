// The natural-language words of a text: what a reader would read aloud, without the URLs, e-mail
// addresses, code and navigation lines that pages and forum posts carry along.
//
// Words are whitespace-separated tokens with their surrounding punctuation trimmed. Set aside:
// tokens with "://", a leading "www." or an "@"; tokens that look like code (brackets, "=", "_",
// "\", "|", "$", "#", "{", "::", "->", "." or ":" or "(" between ASCII letters or digits);
// camelCase names (iPhone, PowerPoint), all-capital Latin tokens (HTML, SQL, USD) and tokens mixing
// letters with digits (cp1251, x86), which are names rather than words of a language; every word of
// a line that is mostly code (at least two code tokens making a third of its tokens, or a code
// token and three of ( ) [ ] { } ; = < >, one per 40 bytes or more) or a navigation line (two or
// more " | ", " > ", " » ", " / ", " · ", " • ").
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace kuzet::extractor {

// At most max_words words, as views into text, in order.
std::vector<std::string_view> NaturalWords(std::string_view text, size_t max_words);

}  // namespace kuzet::extractor
