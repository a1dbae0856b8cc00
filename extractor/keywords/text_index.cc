#include "extractor/keywords/text_index.h"

#include <unicode/rbbi.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include <algorithm>

namespace kuzet::keywords {

TextIndex::TextIndex(std::string_view utf8, icu::BreakIterator* word_breaker) : utf8_(utf8) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(utf8.data());
  // ICU offsets are int32_t; longer inputs are cut (a page is never near 2 GB).
  const int32_t length = static_cast<int32_t>(std::min<size_t>(utf8.size(), INT32_MAX / 2));
  // A UTF-8 sequence never decodes to more UTF-16 units than it has bytes: size both for the
  // worst case and write through pointers (this runs over every byte of every page).
  buffer_ = std::make_unique_for_overwrite<char16_t[]>(static_cast<size_t>(length));
  byte_of_u16_ = std::make_unique_for_overwrite<uint32_t[]>(static_cast<size_t>(length) + 1);
  char16_t* unit = buffer_.get();
  uint32_t* byte_of = byte_of_u16_.get();
  for (int32_t i = 0; i < length;) {
    const auto start = static_cast<uint32_t>(i);
    if (bytes[i] < 0x80) {  // ASCII fast path
      *unit++ = bytes[i++];
      *byte_of++ = start;
      continue;
    }
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) c = 0xFFFD;
    if (c <= 0xFFFF) {
      *unit++ = static_cast<char16_t>(c);
      *byte_of++ = start;
    } else {  // 4 bytes → 2 units
      *unit++ = static_cast<char16_t>(U16_LEAD(c));
      *unit++ = static_cast<char16_t>(U16_TRAIL(c));
      *byte_of++ = start;
      *byte_of++ = start;
    }
  }
  *byte_of = static_cast<uint32_t>(length);
  text_.setTo(false, reinterpret_cast<const UChar*>(buffer_.get()),
              static_cast<int32_t>(unit - buffer_.get()));

  word_breaker->setText(text_);
  int32_t start = word_breaker->first();
  for (int32_t end = word_breaker->next(); end != icu::BreakIterator::DONE;
       start = end, end = word_breaker->next()) {
    if (word_breaker->getRuleStatus() == UBRK_WORD_NONE) continue;
    tokens_.push_back(Token{start, end, byte_of_u16_[start], byte_of_u16_[end]});
  }
}

bool TextIndex::HyphenJoined(size_t t) const {
  if (t + 1 >= tokens_.size() || tokens_[t + 1].u16_begin != tokens_[t].u16_end + 1) return false;
  const char16_t gap = buffer_[tokens_[t].u16_end];
  return gap == u'-' || gap == u'\u2010' || gap == u'\u2011';
}

size_t TextIndex::TokenAtOrAfter(size_t byte_offset) const {
  return std::upper_bound(tokens_.begin(), tokens_.end(), byte_offset,
                          [](size_t b, const Token& t) { return b < t.byte_end; }) -
         tokens_.begin();
}

size_t TextIndex::TokenStartingAtOrAfter(size_t byte_offset) const {
  return std::lower_bound(tokens_.begin(), tokens_.end(), byte_offset,
                          [](const Token& t, size_t b) { return t.byte_begin < b; }) -
         tokens_.begin();
}

std::vector<std::string> SplitWords(std::string_view utf8, icu::BreakIterator* word_breaker) {
  TextIndex index(utf8, word_breaker);
  std::vector<std::string> words;
  for (const Token& t : index.tokens()) {
    words.emplace_back(utf8.substr(t.byte_begin, t.byte_end - t.byte_begin));
  }
  return words;
}

}  // namespace kuzet::keywords
