// A document (or term) as ICU sees it: UTF-16 text, its words, and byte offsets back to UTF-8.
#pragma once

#include <unicode/brkiter.h>
#include <unicode/unistr.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kuzet::keywords {

struct Token {
  int32_t u16_begin = 0, u16_end = 0;   // in TextIndex::text()
  size_t byte_begin = 0, byte_end = 0;  // in the UTF-8 input
};

class TextIndex {
 public:
  // Decodes `utf8` (each invalid byte becomes U+FFFD) and finds its words — the segments ICU's
  // word BreakIterator marks as letters, numbers, kana or ideographs (UAX #29). Runs of plain
  // letters, digits and punctuation are broken without ICU, to the same words; `word_breaker`
  // gets the rest, and must therefore be a word instance of the root locale
  // (createWordInstance(Locale::getRoot())), whose rules word_break_classes.h transcribes. It is
  // used, not kept; its text may be reset.
  TextIndex(std::string_view utf8, icu::BreakIterator* word_breaker);
  TextIndex(const TextIndex&) = delete;
  TextIndex& operator=(const TextIndex&) = delete;

  const icu::UnicodeString& text() const { return text_; }
  const std::vector<Token>& tokens() const { return tokens_; }
  std::string_view utf8() const { return utf8_; }
  size_t ByteOffset(int32_t u16_offset) const { return byte_of_u16_[u16_offset]; }
  std::u16string_view TokenText(const Token& t) const {
    return std::u16string_view(buffer_.get() + t.u16_begin,
                               static_cast<size_t>(t.u16_end - t.u16_begin));
  }
  // Whether tokens t and t + 1 are joined by exactly one hyphen (-, U+2010 or U+2011): FindAll
  // and the search keys read such a pair as one word too (Жаңа-Өзен = Жаңаөзен).
  bool HyphenJoined(size_t t) const;
  // Index of the first token whose byte_end > byte_offset (tokens().size() if none).
  size_t TokenAtOrAfter(size_t byte_offset) const;
  // Index of the first token whose byte_begin >= byte_offset (tokens().size() if none).
  size_t TokenStartingAtOrAfter(size_t byte_offset) const;

 private:
  void FindWords(icu::BreakIterator* word_breaker);
  // Adds the words of the run from `i` if it holds no kComplex unit; returns where it stopped:
  // at a separator, the end, or a kComplex unit (the words it added from the run are then ICU's
  // to find).
  int32_t FastWords(int32_t i);
  void IcuWords(int32_t begin, int32_t end, icu::BreakIterator* word_breaker);

  std::string_view utf8_;
  // Sized for the worst case (one unit per byte) and a NUL after the text, written without being
  // zeroed first: the decoding runs over every byte of every page.
  std::unique_ptr<char16_t[]> buffer_;
  icu::UnicodeString text_;                  // read-only alias of the decoded part of buffer_
  std::unique_ptr<uint32_t[]> byte_of_u16_;  // one per unit of text_, and one for its end
  std::vector<Token> tokens_;
};

// The words of a short UTF-8 string (a term), in order.
std::vector<std::string> SplitWords(std::string_view utf8, icu::BreakIterator* word_breaker);

}  // namespace kuzet::keywords
