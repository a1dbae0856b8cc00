#include "extractor/keywords/snippet.h"

#include <algorithm>

#include "base/strings.h"

namespace kuzet::keywords {

Snippet MakeSnippet(const TextIndex& index, SentenceBreaks* sentences, int32_t u16_begin,
                    int32_t u16_end) {
  const int32_t length = index.text().length();
  int32_t s = u16_begin >= length ? length : sentences->AtOrBefore(u16_begin);
  if (s == icu::BreakIterator::DONE) s = 0;
  int32_t e = u16_end <= 0 ? 0 : sentences->AtOrAfter(u16_end);
  if (e == icu::BreakIterator::DONE || e > length) e = length;

  std::string_view text = index.utf8();
  const size_t begin = index.ByteOffset(u16_begin), end = index.ByteOffset(u16_end);
  size_t left = std::min(index.ByteOffset(s), begin), right = std::max(index.ByteOffset(e), end);
  while (left < begin && base::IsAsciiWhitespace(text[left])) ++left;
  while (right > end && base::IsAsciiWhitespace(text[right - 1])) --right;

  if (right - left > kMaxSnippetBytes) {
    // Centre the window on the match, give unused room on one side to the other, then snap
    // both edges inwards to whole words.
    const size_t budget = end - begin >= kMaxSnippetBytes ? 0 : kMaxSnippetBytes - (end - begin);
    size_t before = std::min(begin - left, budget / 2);
    size_t after = std::min(right - end, budget - before);
    before = std::min(begin - left, budget - after);
    left = begin - before;
    right = end + after;
    const auto& tokens = index.tokens();
    size_t first = index.TokenStartingAtOrAfter(left);
    if (first < tokens.size() && tokens[first].byte_begin < begin) {
      left = tokens[first].byte_begin;
    } else {
      left = begin;
    }
    size_t past = index.TokenAtOrAfter(right);  // first token ending after `right`
    if (past < tokens.size() && tokens[past].byte_begin < right) {
      // That token is cut by the window: end before it.
      right = past > 0 ? std::max(end, tokens[past - 1].byte_end) : end;
    }
    right = std::max(right, end);
  }
  Snippet snippet;
  snippet.text = std::string(text.substr(left, right - left));
  snippet.match_begin = begin - left;
  snippet.match_end = end - left;
  return snippet;
}

}  // namespace kuzet::keywords
