// The snippet shown with a match: its sentence (ICU sentence BreakIterator, UAX #29), cut to
// about kMaxSnippetBytes around the match at word boundaries when the sentence is longer.
#pragma once

#include <cstddef>
#include <string>

#include "extractor/keywords/sentence_breaks.h"
#include "extractor/keywords/text_index.h"

namespace kuzet::keywords {

inline constexpr size_t kMaxSnippetBytes = 300;

struct Snippet {
  std::string text;
  size_t match_begin = 0, match_end = 0;  // byte offsets of the match inside text
};

// `sentences` are those of index.text(). The match is [u16_begin, u16_end).
Snippet MakeSnippet(const TextIndex& index, SentenceBreaks* sentences, int32_t u16_begin,
                    int32_t u16_end);

}  // namespace kuzet::keywords
