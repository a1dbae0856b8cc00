#include "storage/simhash.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "storage/text_fold.h"

namespace kuzet::storage {

namespace {

uint64_t Fnv1a64(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : bytes) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

// FNV's low bits mix poorly; the splitmix64 finalizer spreads every input bit over all 64.
uint64_t Mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Mandatory line breaks (UAX #14 classes BK, CR, LF, NL).
bool IsLineBreak(UChar32 c) {
  return c == '\n' || c == '\r' || c == 0x0b || c == 0x0c || c == 0x85 || c == 0x2028 ||
         c == 0x2029;
}

// What the pass needs to know of a code point (c >= 0): a word character (a letter or decimal
// digit, ICU u_isalnum), White_Space (ICU u_isUWhiteSpace), a line break (which is White_Space),
// or something else. The three sets are disjoint but for line breaks, so one ICU call settles a
// letter (most code points) and at most two anything else; ASCII is decided inline.
enum class CharClass : uint8_t { kWord, kSpace, kLineBreak, kOther };

CharClass Classify(UChar32 c) {
  if (c < 0x80) {
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      return CharClass::kWord;
    }
    if (c == ' ' || c == '\t') return CharClass::kSpace;
    if (c >= 0x0a && c <= 0x0d) return CharClass::kLineBreak;  // \n, VT, FF, \r
    return CharClass::kOther;
  }
  if (u_isalnum(c)) return CharClass::kWord;
  if (IsLineBreak(c)) return CharClass::kLineBreak;
  return u_isUWhiteSpace(c) ? CharClass::kSpace : CharClass::kOther;
}

// kByteBits[b] holds bit j of b in its byte j: added up, eight 8-bit counters in one word.
constexpr std::array<uint64_t, 256> kByteBits = [] {
  std::array<uint64_t, 256> table{};
  for (int b = 0; b < 256; ++b) {
    for (int j = 0; j < 8; ++j) table[b] |= static_cast<uint64_t>((b >> j) & 1) << (8 * j);
  }
  return table;
}();

// 1 + ln(n), in thousandths: integer sums make the hash independent of summation order.
int64_t SublinearWeight(size_t occurrences) {
  if (occurrences == 1) return 1000;  // most words
  return std::lround(1000.0 * (1.0 + std::log(static_cast<double>(occurrences))));
}

}  // namespace

std::optional<uint64_t> SimHashOfFoldedText(std::string_view text) {
  return SimHashOfFoldedText(text, nullptr);
}

std::optional<uint64_t> SimHashOfFoldedText(std::string_view text, std::string* collapsed) {
  std::optional<WhitespaceCollapser> collapser;
  if (collapsed != nullptr) collapser.emplace(text, collapsed);
  // Word hashes of the long lines, and at its end those of the current line (from line_begin):
  // a line's words move only when it turns out short, and most words are in long lines.
  std::vector<uint64_t> kept;
  std::vector<uint64_t> all;  // of the short lines, for texts made of short lines only
  size_t line_begin = 0;
  int line_chars = 0;
  bool pending_space = false;
  int32_t word_begin = -1;
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t length = static_cast<int32_t>(text.size());
  auto end_line = [&] {
    if (line_chars < kShortLineChars) {
      all.insert(all.end(), kept.begin() + static_cast<ptrdiff_t>(line_begin), kept.end());
      kept.resize(line_begin);
    }
    line_begin = kept.size();
    line_chars = 0;
    pending_space = false;
  };
  for (int32_t i = 0; i <= length;) {
    const int32_t at = i;
    UChar32 c = -1;  // -1 at the end of the text
    bool line_break = true, space = true;
    CharClass char_class = CharClass::kLineBreak;
    if (i < length) {
      U8_NEXT(bytes, i, length, c);
      const bool ill_formed = c < 0;
      if (ill_formed) c = 0xfffd;
      char_class = Classify(c);
      line_break = char_class == CharClass::kLineBreak;
      space = line_break || char_class == CharClass::kSpace;  // White_Space, as the collapse has it
      if (collapser) collapser->Next(at, i, ill_formed ? -1 : c, space);
    } else {
      ++i;
    }
    const bool word_char = char_class == CharClass::kWord;
    if (word_char && word_begin < 0) word_begin = at;
    if (!word_char && word_begin >= 0) {
      kept.push_back(Mix(Fnv1a64(text.substr(word_begin, at - word_begin))));
      word_begin = -1;
    }
    if (line_break) {
      end_line();
    } else if (space) {
      pending_space = line_chars > 0;
    } else {
      line_chars += pending_space ? 2 : 1;
      pending_space = false;
    }
  }
  if (collapser) collapser->Finish();
  std::vector<uint64_t>& words = kept.size() >= static_cast<size_t>(kMinWords) ? kept : all;
  if (&words == &all) all.insert(all.end(), kept.begin(), kept.end());
  if (words.size() < static_cast<size_t>(kMinWords)) return std::nullopt;
  // Distinct words with their counts, in an open-addressing table (faster than sorting; the
  // sums below do not depend on the order the words come in).
  size_t capacity = 64;
  while (capacity < 2 * words.size()) capacity *= 2;
  std::vector<uint64_t> keys(capacity);
  std::vector<uint32_t> counts(capacity, 0);
  for (uint64_t h : words) {
    size_t at = static_cast<size_t>(h) & (capacity - 1);
    while (counts[at] != 0 && keys[at] != h) at = (at + 1) & (capacity - 1);
    keys[at] = h;
    ++counts[at];
  }
  // sums[bit] = 2 * (weight of the words with the bit set); the bit is set when that outweighs
  // the total, i.e. when sum(bit ? weight : -weight) > 0. Branch-free: the bits are random.
  int64_t sums[64] = {};
  int64_t total = 0;
  // Words seen once (most of them, all of weight 1000) are counted per bit, eight bits per add
  // (kByteBits), in 8-bit counters emptied into `once` before they can overflow; the sums are the
  // same integers as adding each word's weight bit by bit, a quarter of the instructions.
  int64_t once[64] = {};
  uint64_t lanes[8] = {};
  int in_lanes = 0;
  auto empty_lanes = [&] {
    for (int k = 0; k < 8; ++k) {
      for (int j = 0; j < 8; ++j)
        once[8 * k + j] += static_cast<int64_t>((lanes[k] >> (8 * j)) & 0xff);
      lanes[k] = 0;
    }
    in_lanes = 0;
  };
  for (size_t at = 0; at < capacity; ++at) {
    if (counts[at] == 0) continue;
    uint64_t h = keys[at];
    if (counts[at] == 1) {
      for (int k = 0; k < 8; ++k) lanes[k] += kByteBits[(h >> (8 * k)) & 0xff];
      if (++in_lanes == 255) empty_lanes();
      total += SublinearWeight(1);
      continue;
    }
    const int64_t weight = SublinearWeight(counts[at]);
    const int64_t twice = 2 * weight;
    total += weight;
    for (int bit = 0; bit < 64; ++bit, h >>= 1) sums[bit] += twice & -static_cast<int64_t>(h & 1);
  }
  empty_lanes();
  for (int bit = 0; bit < 64; ++bit) sums[bit] += 2 * SublinearWeight(1) * once[bit];
  uint64_t simhash = 0;
  for (int bit = 0; bit < 64; ++bit) {
    if (sums[bit] > total) simhash |= uint64_t{1} << bit;
  }
  return simhash;
}

std::optional<uint64_t> TextSimHash(std::string_view page_text) {
  return SimHashOfFoldedText(FoldText(std::string(page_text)));
}

int HammingDistance(uint64_t a, uint64_t b) { return std::popcount(a ^ b); }

uint16_t SimHashBlock(uint64_t simhash, int block) {
  return static_cast<uint16_t>(simhash >> (16 * (kSimHashBlocks - 1 - block)));
}

}  // namespace kuzet::storage
