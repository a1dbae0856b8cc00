// Words of untrusted text, as ICU's word BreakIterator finds them (UAX #29), for comparing two
// versions of a document.
#pragma once

#include <unicode/brkiter.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace kuzet::watch {

// A byte range of the text.
struct Span {
  std::size_t begin = 0, end = 0;
};

struct Tokens {
  // Cover the text exactly, in order: a word, a run of white space, or one other character
  // (punctuation, a symbol, an ill-formed UTF-8 sequence). Past max_tokens the rest of the
  // text is one last token and `truncated` is set.
  std::vector<Span> spans;
  bool truncated = false;
};

class WordSplitter {
 public:
  // Uses ICU's root-locale word rules; should ICU fail to create them (missing data), words are
  // the runs of characters between white space instead.
  WordSplitter();
  WordSplitter(const WordSplitter&) = delete;
  WordSplitter& operator=(const WordSplitter&) = delete;

  // The words of `text` (letters, numbers, kana, ideographs; ill-formed bytes count as U+FFFD).
  std::vector<Span> Words(std::string_view text);

  // Every byte of `text` in tokens (see Tokens), at most max_tokens of them.
  Tokens Split(std::string_view text, std::size_t max_tokens);

 private:
  std::unique_ptr<icu::BreakIterator> breaker_;
};

// FNV-1a 64 of the bytes: stable across builds and platforms, so it may be stored.
std::uint64_t Fingerprint(std::string_view bytes, std::uint64_t seed = 14695981039346656037ull);

}  // namespace kuzet::watch
