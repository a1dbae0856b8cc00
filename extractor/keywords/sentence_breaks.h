// The sentence boundaries of one text (ICU sentence BreakIterator, UAX #29), found once.
//
// FindAll reports a page's matches in text order, often many per sentence; asking the
// iterator for preceding() and following() around each match re-runs its rules near every
// match. This walks the text forward once, from the sentence of the first match to as far as the
// matches reach, and answers from the boundaries seen.
#pragma once

#include <unicode/brkiter.h>

#include <cstdint>
#include <vector>

namespace kuzet::keywords {

class SentenceBreaks {
 public:
  // `breaker` must have the text set; it is used (moved through), not owned. Only offsets at or
  // after `from` are asked: the walk starts at the boundary before it (ICU's preceding(), which
  // finds the text's own boundary without reading the text before it from the start), so a match
  // deep in a long text does not pay for the sentences before it.
  explicit SentenceBreaks(icu::BreakIterator* breaker, int32_t from = 0);

  // The last boundary at or before `offset` (>= from): BreakIterator::preceding(offset + 1).
  int32_t AtOrBefore(int32_t offset);
  // The first boundary at or after `offset` (> from: BreakIterator::following(offset - 1)), or
  // BreakIterator::DONE past the last one.
  int32_t AtOrAfter(int32_t offset);

 private:
  // Walks on until a boundary at or after `offset` is known, or the text ends.
  void ReachAtLeast(int32_t offset);

  icu::BreakIterator* breaker_;
  std::vector<int32_t> breaks_;  // ascending; starts with the boundary at or before `from`
  bool done_ = false;
};

}  // namespace kuzet::keywords
