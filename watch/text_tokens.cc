#include "watch/text_tokens.h"

#include <unicode/uchar.h>

#include "base/utf8.h"
#include "extractor/keywords/text_index.h"

namespace kuzet::watch {

namespace {

bool IsSpace(int32_t c) { return c >= 0 && u_isUWhiteSpace(c); }

// Words between white space: the fallback when ICU has no word rules.
std::vector<Span> WordsBetweenSpaces(std::string_view text) {
  std::vector<Span> words;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t start = pos;
    const bool space = IsSpace(base::NextUtf8(text, &pos));
    if (space) continue;
    std::size_t end = pos;
    while (pos < text.size()) {
      std::size_t next = pos;
      if (IsSpace(base::NextUtf8(text, &next))) break;
      end = pos = next;
    }
    words.push_back(Span{start, end});
  }
  return words;
}

}  // namespace

WordSplitter::WordSplitter() {
  UErrorCode status = U_ZERO_ERROR;
  breaker_.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  if (U_FAILURE(status)) breaker_.reset();
}

std::vector<Span> WordSplitter::Words(std::string_view text) {
  if (!breaker_) return WordsBetweenSpaces(text);
  keywords::TextIndex index(text, breaker_.get());
  std::vector<Span> words;
  words.reserve(index.tokens().size());
  for (const keywords::Token& token : index.tokens()) {
    words.push_back(Span{token.byte_begin, token.byte_end});
  }
  return words;
}

Tokens WordSplitter::Split(std::string_view text, std::size_t max_tokens) {
  Tokens tokens;
  if (max_tokens == 0) max_tokens = 1;
  auto add = [&](std::size_t begin, std::size_t end) {
    if (begin == end) return true;
    if (tokens.spans.size() + 1 == max_tokens && end < text.size()) {
      tokens.spans.push_back(Span{begin, text.size()});
      tokens.truncated = true;
      return false;
    }
    tokens.spans.push_back(Span{begin, end});
    return true;
  };
  // The bytes between two words: runs of white space, and other characters one by one.
  auto add_gap = [&](std::size_t pos, std::size_t end) {
    while (pos < end) {
      std::size_t start = pos;
      if (IsSpace(base::NextUtf8(text.substr(0, end), &pos))) {
        std::size_t next = pos;
        while (next < end && IsSpace(base::NextUtf8(text.substr(0, end), &next))) pos = next;
      }
      if (!add(start, pos)) return false;
    }
    return true;
  };
  std::size_t at = 0;
  for (const Span& word : Words(text)) {
    if (!add_gap(at, word.begin) || !add(word.begin, word.end)) return tokens;
    at = word.end;
  }
  add_gap(at, text.size());
  return tokens;
}

std::uint64_t Fingerprint(std::string_view bytes, std::uint64_t seed) {
  std::uint64_t hash = seed;
  for (char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

}  // namespace kuzet::watch
