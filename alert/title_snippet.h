// The sentence an alert shows when the match was in the headline (issue #18).
//
// A mention's snippet is the sentence around its first match. When that match is in the title,
// the sentence is the title itself, and an alert printing it under the same title says one thing
// twice. The alert then shows the first sentence of the article body that names the term, or no
// snippet at all when only the title names it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kuzet::alert {

// True when `snippet`, compared with runs of white space (and controls) as one space and without
// a leading or trailing "…", is empty or occurs within `title`.
bool SnippetRepeatsTitle(std::string_view snippet, std::string_view title);

struct MarkedSentence {
  std::string text;
  uint32_t mark_begin = 0, mark_end = 0;  // the match's bytes within `text`
};

// The sentence of `text` holding the bytes [begin, end): from just after the previous sentence
// end (". ", "! ", "? ", "… " or a line break) to the next one, with at most `max_context` bytes
// on either side of the match (cut at a whole character, marked with "…"). nullopt when the range
// is empty or not inside `text`.
std::optional<MarkedSentence> SentenceAround(std::string_view text, size_t begin, size_t end,
                                             size_t max_context = 240);

}  // namespace kuzet::alert
