// The read-only form of a KeyTrie: a double-array trie (Aoe 1989), the literal multi-pattern
// automaton FindAll walks every text word's key through.
//
// A text word matches a term word when the term's key (a variant) is a prefix of the word's key
// and the rest is an accepted tail, so every search starts at the first byte of a key: the
// automaton needs the goto function of Aho–Corasick only, no failure links, and one lookup per
// key byte finds every term key that is a prefix — whatever the number of terms.
//
// Transition from state s on byte b: t = base[s] + b + 1, valid when check[t] == s. Built once
// per rule set (Matcher::Compile) and immutable afterwards, so any number of threads walk it at
// once with no per-thread state.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "extractor/keywords/key_trie.h"

namespace kuzet::keywords {

class DoubleArrayTrie {
 public:
  DoubleArrayTrie() = default;  // empty: Walk visits nothing
  explicit DoubleArrayTrie(const KeyTrie& trie);

  // Calls visit(consumed_bytes, payloads) for every non-empty prefix of `key` that is a key of
  // the trie with payloads, shortest first (the same calls as KeyTrie::Walk, same order).
  template <typename Visit>
  void Walk(std::string_view key, Visit&& visit) const {
    if (cells_.empty()) return;
    uint32_t state = 0;
    for (size_t i = 0; i < key.size(); ++i) {
      const uint32_t next = cells_[state].base + static_cast<uint8_t>(key[i]) + 1;
      if (next >= cells_.size() || cells_[next].check != state) return;
      state = next;
      const Cell& cell = cells_[state];
      if (cell.payload_count != 0) {
        visit(i + 1,
              std::span<const uint32_t>(payloads_.data() + cell.payload_begin, cell.payload_count));
      }
    }
  }

  // Calls visit(key, payloads) for every key of the trie with payloads (a search plan needs
  // the term keys themselves: search_keys.h).
  void ForEachKey(
      const std::function<void(std::string_view, std::span<const uint32_t>)>& visit) const;

  size_t cell_count() const { return cells_.size(); }

 private:
  static constexpr uint32_t kFree = UINT32_MAX;  // check of a cell no state uses
  struct Cell {
    uint32_t base = 0;
    uint32_t check = kFree;  // the parent state; kFree for an unused cell (and the root)
    uint32_t payload_begin = 0, payload_count = 0;
  };
  std::vector<Cell> cells_;
  std::vector<uint32_t> payloads_;
};

}  // namespace kuzet::keywords
