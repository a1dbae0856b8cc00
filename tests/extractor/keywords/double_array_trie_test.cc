// The double-array trie FindAll walks must visit exactly what the builder trie (KeyTrie) visits:
// the same prefixes, in the same order, with the same payloads. Differential over random key
// sets — Latin, Cyrillic and Kazakh UTF-8 (plain keys keep their script), bytes 0x01 and 0xFF,
// shared prefixes, keys that are prefixes of each other — and random texts built from pieces of
// the keys, so that walks go deep and stop at every kind of mismatch.
#include "extractor/keywords/double_array_trie.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "extractor/keywords/key_trie.h"

namespace kuzet::keywords {
namespace {

using Visits = std::vector<std::pair<size_t, std::vector<uint32_t>>>;

template <typename Trie>
Visits WalkOf(const Trie& trie, std::string_view key) {
  Visits visits;
  trie.Walk(key, [&](size_t consumed, std::span<const uint32_t> payloads) {
    visits.emplace_back(consumed, std::vector<uint32_t>(payloads.begin(), payloads.end()));
  });
  return visits;
}

// Pieces keys are made of: ASCII letters of the cross-script keys, whole UTF-8 letters of plain
// Cyrillic and Kazakh keys, and the extreme byte values.
const std::vector<std::string>& Pieces() {
  static const std::vector<std::string> pieces = {
      "a", "j", "n", "o", "z", "e", "sh", "k", "u", "i", "ia", "ts", "0",    "7",
      "ж", "а", "н", "о", "з", "е", "ң",  "ө", "қ", "ұ", "і",  "ә",  "\x01", "\xFF"};
  return pieces;
}

std::string RandomKey(std::mt19937* rng, size_t max_pieces) {
  std::string key;
  const size_t n = 1 + (*rng)() % max_pieces;
  for (size_t i = 0; i < n; ++i) key += Pieces()[(*rng)() % Pieces().size()];
  return key;
}

TEST(DoubleArrayTrie, WalksLikeTheBuilderTrieOnRandomKeySets) {
  std::mt19937 rng(20111216);
  for (int round = 0; round < 60; ++round) {
    KeyTrie builder;
    std::vector<std::string> keys;
    const size_t key_count = 1 + rng() % (round < 40 ? 50 : 3000);
    uint32_t payload = 0;
    for (size_t k = 0; k < key_count; ++k) {
      std::string key = RandomKey(&rng, 8);
      // A key and its prefixes: term words that are prefixes of others ("ozen", "ozenmunai").
      if (rng() % 4 == 0 && key.size() > 2) key.resize(1 + rng() % (key.size() - 1));
      const uint32_t node = builder.Insert(key);
      const size_t attach = 1 + rng() % 3;  // several entries on one key (variants, rules)
      for (size_t a = 0; a < attach; ++a) builder.Attach(node, payload++);
      keys.push_back(std::move(key));
    }
    const DoubleArrayTrie automaton(builder);
    size_t walks_with_visits = 0;
    for (int t = 0; t < 400; ++t) {
      // Half the texts start with a key (so they match and go on), half are random.
      std::string text = t % 2 == 0 ? keys[rng() % keys.size()] : "";
      text += RandomKey(&rng, 6);
      const Visits expected = WalkOf(builder, text);
      walks_with_visits += !expected.empty();
      ASSERT_EQ(WalkOf(automaton, text), expected) << "round " << round << " text " << text;
    }
    for (const std::string& key : keys) {
      ASSERT_EQ(WalkOf(automaton, key), WalkOf(builder, key)) << "round " << round;
      ASSERT_FALSE(WalkOf(automaton, key).empty()) << key;
    }
    EXPECT_GT(walks_with_visits, 100u) << "round " << round << ": the texts hardly matched";
  }
}

TEST(DoubleArrayTrie, EmptyTriesAndEmptyTextsVisitNothing) {
  EXPECT_TRUE(WalkOf(DoubleArrayTrie(), "janaozen").empty());
  EXPECT_TRUE(WalkOf(DoubleArrayTrie(KeyTrie()), "janaozen").empty());
  KeyTrie builder;
  builder.Attach(builder.Insert("janaozen"), 7);
  const DoubleArrayTrie automaton(builder);
  EXPECT_TRUE(WalkOf(automaton, "").empty());
  EXPECT_TRUE(WalkOf(automaton, "janaoze").empty());
  EXPECT_EQ(WalkOf(automaton, "janaozendegi"), (Visits{{8, {7}}}));
}

// A node with children on every byte value: the base search must find room for 256 codes.
TEST(DoubleArrayTrie, NodeWithEveryByteValue) {
  KeyTrie builder;
  for (int b = 0; b < 256; ++b) {
    const std::string key = {'k', static_cast<char>(b)};
    builder.Attach(builder.Insert(key), static_cast<uint32_t>(b));
    builder.Attach(builder.Insert(key + "z"), static_cast<uint32_t>(1000 + b));
  }
  const DoubleArrayTrie automaton(builder);
  for (int b = 0; b < 256; ++b) {
    const std::string text = {'k', static_cast<char>(b), 'z', 'z'};
    EXPECT_EQ(WalkOf(automaton, text), WalkOf(builder, text)) << b;
    EXPECT_EQ(WalkOf(automaton, text).size(), 2u) << b;
  }
}

}  // namespace
}  // namespace kuzet::keywords
