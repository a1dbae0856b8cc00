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

// FNV-1a 64, a byte at a time: the scan hashes each word's bytes as it reads them.
constexpr uint64_t kFnvOffsetBasis = 0xcbf29ce484222325ULL;
inline uint64_t Fnv1aStep(uint64_t h, uint8_t byte) { return (h ^ byte) * 0x100000001b3ULL; }

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
// or something else. The three sets are disjoint but for line breaks.
enum class CharClass : uint8_t { kWord, kSpace, kLineBreak, kOther };

CharClass ClassifyAscii(int c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
    return CharClass::kWord;
  }
  if (c == ' ' || c == '\t') return CharClass::kSpace;
  if (c >= 0x0a && c <= 0x0d) return CharClass::kLineBreak;  // \n, VT, FF, \r
  return CharClass::kOther;
}

CharClass ClassifyByIcu(UChar32 c) {
  if (u_isalnum(c)) return CharClass::kWord;
  if (IsLineBreak(c)) return CharClass::kLineBreak;
  return u_isUWhiteSpace(c) ? CharClass::kSpace : CharClass::kOther;
}

// The classes of the one- and two-byte code points (ASCII, Latin, Greek, Cyrillic, Armenian,
// Hebrew, Arabic: nearly every character of the pages watched), looked up instead of asked of ICU
// per character (issue #17). Built once, immutable after.
constexpr char32_t kClassTableLimit = 0x800;
const std::array<CharClass, kClassTableLimit>& ClassTable() {
  static const std::array<CharClass, kClassTableLimit> table = [] {
    std::array<CharClass, kClassTableLimit> classes{};
    for (char32_t c = 0; c < kClassTableLimit; ++c) {
      classes[c] =
          c < 0x80 ? ClassifyAscii(static_cast<int>(c)) : ClassifyByIcu(static_cast<UChar32>(c));
    }
    return classes;
  }();
  return table;
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

// The words seen some one number of times, which all weigh the same: their weight is added to
// each bit's sum eight bits per add (kByteBits), counted in 8-bit lanes that are emptied into
// the sums before they can overflow. A quarter of the instructions of adding each word's weight
// bit by bit, and the same integer sums.
class SameWeightWords {
 public:
  // True when the lanes are full: EmptyInto before the next Add.
  bool Add(uint64_t h) {
    for (int k = 0; k < 8; ++k) lanes_[k] += kByteBits[(h >> (8 * k)) & 0xff];
    ++words_;
    return ++in_lanes_ == 255;
  }
  // sums[bit] += twice_weight * (words added since the last call with the bit set).
  void EmptyInto(int64_t twice_weight, int64_t* sums) {
    for (int k = 0; k < 8; ++k) {
      for (int j = 0; j < 8; ++j) {
        sums[8 * k + j] += twice_weight * static_cast<int64_t>((lanes_[k] >> (8 * j)) & 0xff);
      }
      lanes_[k] = 0;
    }
    in_lanes_ = 0;
  }
  int64_t words() const { return words_; }

 private:
  std::array<uint64_t, 8> lanes_{};
  int in_lanes_ = 0;
  int64_t words_ = 0;
};

// Words seen up to this many times are weighed by their count (a SameWeightWords each), the
// rest bit by bit: nearly all words of a page are seen fewer times.
constexpr size_t kCountedByOccurrences = 16;

}  // namespace

std::optional<uint64_t> SimHashOfFoldedText(std::string_view text) {
  return SimHashOfFoldedText(text, nullptr);
}

std::optional<uint64_t> SimHashOfFoldedText(std::string_view text, std::string* collapsed) {
  const std::array<CharClass, kClassTableLimit>& classes = ClassTable();
  std::optional<WhitespaceCollapser> collapser;
  if (collapsed != nullptr) collapser.emplace(text, collapsed);
  // Word hashes of the long lines, and at its end those of the current line (from line_begin):
  // a line's words move only when it turns out short, and most words are in long lines.
  std::vector<uint64_t> kept;
  std::vector<uint64_t> all;  // of the short lines, for texts made of short lines only
  // Room for most texts' words at once (a word and its space average more than six bytes).
  kept.reserve(text.size() / 6 + 16);
  size_t line_begin = 0;
  int line_chars = 0;
  bool pending_space = false;
  bool in_word = false;
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
  uint64_t word_hash = kFnvOffsetBasis;  // FNV-1a of the current word's bytes so far
  auto end_word = [&] {
    if (in_word) {
      kept.push_back(Mix(word_hash));
      in_word = false;
      word_hash = kFnvOffsetBasis;
    }
  };
  for (int32_t i = 0; i < length;) {
    const int32_t at = i;
    UChar32 c = bytes[i];
    bool ill_formed = false;
    CharClass char_class;
    if (c < 0x80) {
      ++i;
      char_class = classes[c];
    } else {
      U8_NEXT(bytes, i, length, c);
      ill_formed = c < 0;
      if (ill_formed) c = 0xfffd;
      char_class = c < static_cast<UChar32>(kClassTableLimit) ? classes[c] : ClassifyByIcu(c);
    }
    if (char_class == CharClass::kWord) {  // most characters; the collapse copies them as they are
      in_word = true;
      for (int32_t k = at; k < i; ++k) word_hash = Fnv1aStep(word_hash, bytes[k]);
      line_chars += pending_space ? 2 : 1;
      pending_space = false;
      // The rest of the word's one- and two-byte characters (Latin, Cyrillic: nearly all) in
      // one inner loop, each hashed as it is read (issue #17).
      while (i < length) {
        const uint8_t lead = bytes[i];
        if (lead < 0x80) {
          if (classes[lead] != CharClass::kWord) break;
          word_hash = Fnv1aStep(word_hash, lead);
          ++i;
        } else if (lead >= 0xc2 && lead < 0xe0 && i + 1 < length && (bytes[i + 1] & 0xc0) == 0x80) {
          // A well-formed two-byte sequence, decoded as U8_NEXT decodes it.
          const uint8_t trail = bytes[i + 1];
          if (classes[(lead & 0x1fu) << 6 | (trail & 0x3fu)] != CharClass::kWord) break;
          word_hash = Fnv1aStep(Fnv1aStep(word_hash, lead), trail);
          i += 2;
        } else {
          break;  // three or four bytes, or ill-formed: the outer loop decodes it
        }
        ++line_chars;
      }
      continue;
    }
    const bool line_break = char_class == CharClass::kLineBreak;
    const bool space = line_break || char_class == CharClass::kSpace;  // White_Space
    if (collapser) collapser->Next(at, i, ill_formed ? -1 : c, space);
    end_word();
    if (line_break) {
      end_line();
    } else if (space) {
      pending_space = line_chars > 0;
    } else {
      line_chars += pending_space ? 2 : 1;
      pending_space = false;
    }
  }
  end_word();  // the end of the text ends a word and a line
  end_line();
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
  // The slots in use, listed as they are first filled (branch-free): the sums below visit them
  // instead of every slot, a quarter of them in use at random (the test mispredicted).
  std::vector<uint32_t> used(words.size());
  size_t used_count = 0;
  for (uint64_t h : words) {
    size_t at = static_cast<size_t>(h) & (capacity - 1);
    // One test, not two short-circuited ones: whether a word is new or seen before is a coin
    // toss that mispredicted; "probe on" is nearly always false (-2 % of TextKeysOf's time).
    while ((counts[at] != 0) & (keys[at] != h)) at = (at + 1) & (capacity - 1);
    keys[at] = h;
    used[used_count] = static_cast<uint32_t>(at);
    used_count += counts[at] == 0;
    ++counts[at];
  }
  // sums[bit] = 2 * (weight of the words with the bit set); the bit is set when that outweighs
  // the total, i.e. when sum(bit ? weight : -weight) > 0. Words of one count share a weight, so
  // those seen up to kCountedByOccurrences times are counted per bit by count and weighed once
  // per count: the same integer sums as adding each word's weight bit by bit.
  int64_t sums[64] = {};
  int64_t total = 0;
  std::array<SameWeightWords, kCountedByOccurrences + 1> by_occurrences;  // [n]: seen n times
  for (size_t u = 0; u < used_count; ++u) {
    const uint32_t at = used[u];
    uint64_t h = keys[at];
    if (counts[at] <= kCountedByOccurrences) {
      if (by_occurrences[counts[at]].Add(h)) {
        by_occurrences[counts[at]].EmptyInto(2 * SublinearWeight(counts[at]), sums);
      }
      continue;
    }
    // Branch-free: the bits are random.
    const int64_t weight = SublinearWeight(counts[at]);
    const int64_t twice = 2 * weight;
    total += weight;
    for (int bit = 0; bit < 64; ++bit, h >>= 1) sums[bit] += twice & -static_cast<int64_t>(h & 1);
  }
  for (size_t n = 1; n <= kCountedByOccurrences; ++n) {
    SameWeightWords& same = by_occurrences[n];
    if (same.words() == 0) continue;
    const int64_t weight = SublinearWeight(n);
    total += weight * same.words();
    same.EmptyInto(2 * weight, sums);
  }
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
