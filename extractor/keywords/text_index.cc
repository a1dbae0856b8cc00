#include "extractor/keywords/text_index.h"

#include <unicode/rbbi.h>
#include <unicode/utext.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include <algorithm>

#include "extractor/keywords/word_break_classes.h"

namespace kuzet::keywords {

TextIndex::TextIndex(std::string_view utf8, icu::BreakIterator* word_breaker) : utf8_(utf8) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(utf8.data());
  // ICU offsets are int32_t; longer inputs are cut (a page is never near 2 GB).
  const int32_t length = static_cast<int32_t>(std::min<size_t>(utf8.size(), INT32_MAX / 2));
  // A UTF-8 sequence never decodes to more UTF-16 units than it has bytes: size both for the
  // worst case and write through pointers (this runs over every byte of every page). The units
  // end with a NUL, which the word breaking reads as a separator.
  buffer_ = std::make_unique_for_overwrite<char16_t[]>(static_cast<size_t>(length) + 1);
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
    // Two-byte fast path (Cyrillic, Kazakh, Latin with diacritics): a lead byte C2..DF and a
    // trail byte, as U8_NEXT would take them (C0 and C1 would be overlong, RFC 3629 section 3).
    if (bytes[i] >= 0xC2 && bytes[i] < 0xE0 && i + 1 < length && (bytes[i + 1] & 0xC0) == 0x80) {
      *unit++ = static_cast<char16_t>(((bytes[i] & 0x1F) << 6) | (bytes[i + 1] & 0x3F));
      *byte_of++ = start;
      i += 2;
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
  *unit = 0;
  text_.setTo(false, reinterpret_cast<const UChar*>(buffer_.get()),
              static_cast<int32_t>(unit - buffer_.get()));

  // Words of news text average 6-7 bytes with the space after them in English and 12-14 in
  // Russian: one allocation for most texts instead of the vector's doublings and copies.
  tokens_.reserve(static_cast<size_t>(length) / 6 + 8);
  FindWords(word_breaker);
}

// Word breaking, in two parts (issue #17): runs of letters, digits and the punctuation that can
// join them are broken here; a run holding anything else goes to ICU with the separators around
// it. Both parts give exactly ICU's words (text_index_test compares them with ICU alone).
//
// A kSeparator unit (word_break_classes.h) always has a boundary before it when a run unit
// precedes it: no rule of UAX #29 or of ICU's root rules joins anything to Other, CR, LF,
// Newline or WSegSpace, except CR × LF (WB3) and WSegSpace × WSegSpace (WB3d), both between two
// separators; WB3c joins ZWJ to Extended_Pictographic, which is kComplex. ICU's forward iteration
// from a boundary does not look behind it (its rules chain only from the segment's own start),
// so the words after such a boundary are those of the text cut there. Hence a run's words depend
// only on the run, the separators before it (back to the boundary before them: one of them may
// take Extend or Format units after it, WB4) and the first separator after it.
void TextIndex::FindWords(icu::BreakIterator* word_breaker) {
  const WordBreakClass* classes = WordBreakClassTable();
  const char16_t* units = buffer_.get();  // units[length] is a NUL, a separator
  const int32_t length = text_.length();
  auto class_at = [&](int32_t i) { return classes[units[i]]; };
  // The end of the run at `i` and whether it holds a kComplex unit.
  auto run_end = [&](int32_t i, bool* complex) {
    for (; class_at(i) != WordBreakClass::kSeparator; ++i) {
      *complex |= class_at(i) == WordBreakClass::kComplex;
    }
    return i;
  };
  for (int32_t i = 0; i < length;) {
    const int32_t separators_begin = i;
    while (class_at(i) == WordBreakClass::kSeparator && i < length) ++i;
    const size_t run_tokens = tokens_.size();
    i = FastWords(i);
    if (class_at(i) != WordBreakClass::kComplex) continue;
    // The run needs ICU: its fast words are dropped. Complex runs separated only by separators
    // (a Korean or Hebrew text) go to ICU together.
    tokens_.resize(run_tokens);
    bool complex = true;
    int32_t end = run_end(i, &complex);
    for (;;) {
      int32_t next = end;
      while (class_at(next) == WordBreakClass::kSeparator && next < length) ++next;
      bool next_complex = false;
      const int32_t next_end = run_end(next, &next_complex);
      if (!next_complex) break;
      end = next_end;
    }
    IcuWords(separators_begin, std::min(end + 1, length), word_breaker);
    i = end;
  }
}

// The rules of UAX #29 among letters, digits and Mid* units alone: WB5 (letter × letter), WB8,
// WB9, WB10 (digits and letters), WB6/7 (letter × MidLetter|MidNumLet|Single_Quote × letter),
// WB11/12 (digit × MidNum|MidNumLet|Single_Quote × digit); anything else breaks (WB999). A
// Double_Quote joins only Hebrew letters (WB7b/c), which are kComplex.
int32_t TextIndex::FastWords(int32_t i) {
  const WordBreakClass* classes = WordBreakClassTable();
  const char16_t* units = buffer_.get();
  auto class_at = [&](int32_t at) { return classes[units[at]]; };
  auto is_word = [](WordBreakClass c) {
    return c == WordBreakClass::kLetter || c == WordBreakClass::kDigit;
  };
  for (;;) {
    WordBreakClass last = class_at(i);
    if (last == WordBreakClass::kSeparator || last == WordBreakClass::kComplex) return i;
    if (!is_word(last)) {  // a Mid* or Double_Quote unit that joins nothing
      ++i;
      continue;
    }
    const int32_t start = i;
    for (++i;;) {
      WordBreakClass c;
      while (is_word(c = class_at(i))) ++i;
      last = class_at(i - 1);
      const bool joins = last == WordBreakClass::kLetter
                             ? c == WordBreakClass::kMidLetter || c == WordBreakClass::kMidNumLet
                             : c == WordBreakClass::kMidNum || c == WordBreakClass::kMidNumLet;
      // A Mid* unit is never the final NUL, so units[i + 1] is still in the buffer.
      if (!joins || class_at(i + 1) != last) break;
      i += 2;
    }
    tokens_.push_back(Token{start, i, byte_of_u16_[start], byte_of_u16_[i]});
  }
}

void TextIndex::IcuWords(int32_t begin, int32_t end, icu::BreakIterator* word_breaker) {
  // A UText over the decoded units: setText(UnicodeString) would copy them.
  UErrorCode status = U_ZERO_ERROR;
  UText chunk = UTEXT_INITIALIZER;
  utext_openUChars(&chunk, reinterpret_cast<const UChar*>(buffer_.get()) + begin, end - begin,
                   &status);
  word_breaker->setText(&chunk, status);
  if (U_SUCCESS(status)) {
    int32_t start = word_breaker->first();
    for (int32_t stop = word_breaker->next(); stop != icu::BreakIterator::DONE;
         start = stop, stop = word_breaker->next()) {
      if (word_breaker->getRuleStatus() == UBRK_WORD_NONE) continue;
      tokens_.push_back(Token{begin + start, begin + stop, byte_of_u16_[begin + start],
                              byte_of_u16_[begin + stop]});
    }
  }
  utext_close(&chunk);
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
