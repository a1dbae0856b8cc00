// The NFKC + case-folded form of a whole text, with a precise map back to the original.
//
// Regular-expression terms run on this form. The text is normalized one normalization segment
// at a time (a segment starts at each code point with a normalization boundary before it), and
// every output unit remembers the segment it came from; a match [b, e) in the normalized text
// therefore maps to the smallest whole span of original segments that produced it — exact for
// all text whose normalization changes nothing, and never splitting a character.
#pragma once

#include <unicode/unistr.h>

#include <cstdint>
#include <utility>
#include <vector>

namespace kuzet::keywords {

class NormalizedText {
 public:
  explicit NormalizedText(const icu::UnicodeString& source);

  const icu::UnicodeString& text() const { return text_; }
  // The original UTF-16 range [begin, end) that normalized range [begin, end) came from.
  std::pair<int32_t, int32_t> SourceRange(int32_t begin, int32_t end) const;

 private:
  icu::UnicodeString text_;
  std::vector<int32_t> source_begin_, source_end_;  // per unit of text_
  int32_t source_length_ = 0;
};

}  // namespace kuzet::keywords
