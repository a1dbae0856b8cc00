#include "extractor/keywords/sentence_breaks.h"

#include <algorithm>

namespace kuzet::keywords {

SentenceBreaks::SentenceBreaks(icu::BreakIterator* breaker, int32_t from) : breaker_(breaker) {
  const int32_t start = from > 0 ? breaker_->preceding(from + 1) : icu::BreakIterator::DONE;
  breaks_.push_back(start == icu::BreakIterator::DONE ? breaker_->first() : start);
}

void SentenceBreaks::ReachAtLeast(int32_t offset) {
  while (!done_ && breaks_.back() < offset) {
    const int32_t next = breaker_->next();
    if (next == icu::BreakIterator::DONE) {
      done_ = true;
    } else {
      breaks_.push_back(next);
    }
  }
}

int32_t SentenceBreaks::AtOrBefore(int32_t offset) {
  ReachAtLeast(offset);
  auto it = std::upper_bound(breaks_.begin(), breaks_.end(), offset);
  return it == breaks_.begin() ? icu::BreakIterator::DONE : *(it - 1);
}

int32_t SentenceBreaks::AtOrAfter(int32_t offset) {
  ReachAtLeast(offset);
  auto it = std::lower_bound(breaks_.begin(), breaks_.end(), offset);
  return it == breaks_.end() ? icu::BreakIterator::DONE : *it;
}

}  // namespace kuzet::keywords
