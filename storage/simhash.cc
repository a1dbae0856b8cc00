#include "storage/simhash.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <bit>
#include <deque>
#include <string>

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

}  // namespace

std::optional<uint64_t> SimHash64(std::string_view text) {
  int counts[64] = {};
  int shingles = 0;
  std::deque<std::string_view> window;
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t length = static_cast<int32_t>(text.size());
  int32_t i = 0;
  while (i < length) {
    // Skip to the next word, then take it whole.
    int32_t word_begin = -1, word_end = i;
    while (i < length) {
      int32_t at = i;
      UChar32 c;
      U8_NEXT(bytes, i, length, c);
      bool word_char = c >= 0 && u_isalnum(c);
      if (word_char && word_begin < 0) word_begin = at;
      if (!word_char && word_begin >= 0) break;
      if (word_char) word_end = i;
    }
    if (word_begin < 0) break;
    window.push_back(text.substr(word_begin, word_end - word_begin));
    if (window.size() > kShingleWords) window.pop_front();
    if (window.size() < kShingleWords) continue;
    std::string shingle;
    for (std::string_view w : window) {
      shingle.append(w);
      shingle.push_back(' ');
    }
    uint64_t h = Mix(Fnv1a64(shingle));
    for (int bit = 0; bit < 64; ++bit) counts[bit] += (h >> bit) & 1 ? 1 : -1;
    ++shingles;
  }
  if (shingles < kMinShingles) return std::nullopt;
  uint64_t simhash = 0;
  for (int bit = 0; bit < 64; ++bit) {
    if (counts[bit] > 0) simhash |= uint64_t{1} << bit;
  }
  return simhash;
}

int HammingDistance(uint64_t a, uint64_t b) { return std::popcount(a ^ b); }

uint16_t SimHashBlock(uint64_t simhash, int block) {
  return static_cast<uint16_t>(simhash >> (16 * (kSimHashBlocks - 1 - block)));
}

}  // namespace kuzet::storage
