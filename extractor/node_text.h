// How an article's text is written from its text nodes (content.cc, Render).
#pragma once

#include <string>
#include <string_view>

namespace kuzet::extractor {

// The breaks passed since the last text was written: a block boundary or a <br>.
struct PendingBreaks {
  bool paragraph = false;
  bool line = false;
};

// Appends a text node's `text` to `out`. Each HTML white-space byte (space, \n, \t, \r, \f) and
// each U+00A0 becomes one space, unless `out` is empty or ends with a space or a newline. Before
// the first other byte, a pending break is written and cleared: trailing spaces are dropped, then
// "\n\n" for a paragraph or "\n" for a line, unless `out` is empty.
void AppendNodeText(std::string_view text, std::string* out, PendingBreaks* pending);

}  // namespace kuzet::extractor
