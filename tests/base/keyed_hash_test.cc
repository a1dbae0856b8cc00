// KeyedHash: SipHash-2-4 under a key of each instance's own, so that a page cannot choose words
// or links that share a table slot.
#include "base/keyed_hash.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_set>

namespace kuzet::base {
namespace {

// The reference vectors of SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input
// PRF", appendix A, and the reference implementation's vectors.h): key 00 01 .. 0f, message
// 00 01 .. (n - 1), the 64-bit result read little-endian.
TEST(KeyedHashTest, KnownAnswersOfSipHash24) {
  std::array<unsigned char, 16> key{};
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<unsigned char>(i);
  const KeyedHash hash(key);
  std::string message;
  for (int i = 0; i < 15; ++i) message.push_back(static_cast<char>(i));
  const struct {
    size_t length;
    uint64_t expected;
  } cases[] = {
      {0, 0x726fdb47dd0e0e31ull},
      {1, 0x74f839c593dc67fdull},
      {8, 0x93f5f5799a932462ull},
      {15, 0xa129ca6149be45e5ull},  // the paper's own example
  };
  for (const auto& c : cases) {
    EXPECT_EQ(hash(std::string_view(message).substr(0, c.length)), c.expected) << c.length;
  }
  // A u16 string hashes as its bytes.
  const std::u16string units = u"Жаңаөзен";
  EXPECT_EQ(hash(units),
            hash(std::string_view(reinterpret_cast<const char*>(units.data()), units.size() * 2)));
}

TEST(KeyedHashTest, EachInstanceHasItsOwnKey) {
  const KeyedHash a, b;
  size_t same = 0;
  for (int i = 0; i < 64; ++i) {
    const std::string word = "word" + std::to_string(i);
    EXPECT_EQ(a(word), a(word)) << "deterministic under one key";
    same += a(word) == b(word) ? 1 : 0;
  }
  EXPECT_EQ(same, 0u) << "two random keys, 64 words: no equal hash but by a 2^-58 chance";
}

// The attack it is there for: words chosen offline so that a fixed hash (the standard library's,
// which the tables used) puts them all in one slot of a table of 4,096. Under a key they spread
// as any words do.
TEST(KeyedHashTest, WordsCraftedForOneSlotOfAFixedHashSpreadUnderAKey) {
  constexpr size_t kSlots = 4096, kWords = 1000;
  std::vector<std::string> crafted;
  for (uint64_t n = 0; crafted.size() < kWords; ++n) {
    std::string word;
    for (uint64_t v = n; v > 0 || word.empty(); v /= 26)
      word.push_back(static_cast<char>('a' + v % 26));
    if ((std::hash<std::string_view>{}(word) & (kSlots - 1)) == 0) crafted.push_back(word);
  }
  const KeyedHash keyed;
  std::map<size_t, size_t> per_slot;
  for (const std::string& w : crafted) ++per_slot[keyed(w) & (kSlots - 1)];
  size_t fullest = 0;
  for (const auto& [slot, n] : per_slot) fullest = std::max(fullest, n);
  EXPECT_LE(fullest, 8u) << "1,000 words in 4,096 slots";
  EXPECT_GE(per_slot.size(), 800u);

  // As a container's hasher: every one found, the buckets as short.
  std::unordered_set<std::string, KeyedStringHash> set(crafted.begin(), crafted.end());
  size_t longest = 0;
  for (size_t b = 0; b < set.bucket_count(); ++b) longest = std::max(longest, set.bucket_size(b));
  EXPECT_LE(longest, 8u);
  for (const std::string& w : crafted) EXPECT_EQ(set.count(w), 1u);
}

}  // namespace
}  // namespace kuzet::base
