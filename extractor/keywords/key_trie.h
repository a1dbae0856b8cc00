// One trie over the match keys of every term word of every rule (per key mode), as Compile builds
// it; FindAll walks its read-only double-array form (double_array_trie.h).
//
// Walking a text word's key through it visits, in one pass, every term word whose key is a
// prefix of the text word's key; the rest of the key (the tail) is then checked against that
// entry's TailRule. The cost per text word depends on its length, not on the number of terms.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace kuzet::keywords {

class KeyTrie {
 public:
  KeyTrie() : nodes_(1) {}

  // The node for `key` (created when missing); attach payload indexes to it with Attach.
  uint32_t Insert(std::string_view key);
  void Attach(uint32_t node, uint32_t payload) { nodes_[node].payloads.push_back(payload); }

  // Calls visit(consumed_bytes, payloads) for every non-empty key prefix of `key` that is a
  // node with payloads, shortest first.
  template <typename Visit>
  void Walk(std::string_view key, Visit&& visit) const {
    uint32_t node = 0;
    for (size_t i = 0; i < key.size(); ++i) {
      node = Child(node, key[i]);
      if (node == 0) return;
      if (!nodes_[node].payloads.empty()) visit(i + 1, nodes_[node].payloads);
    }
  }

  size_t node_count() const { return nodes_.size(); }
  // Node 0 is the root; children sorted by byte (as char).
  const std::vector<std::pair<char, uint32_t>>& children(uint32_t node) const {
    return nodes_[node].children;
  }
  const std::vector<uint32_t>& payloads(uint32_t node) const { return nodes_[node].payloads; }

 private:
  struct Node {
    std::vector<std::pair<char, uint32_t>> children;  // sorted by byte
    std::vector<uint32_t> payloads;
  };
  uint32_t Child(uint32_t node, char c) const;  // 0 = none (the root is never a child)

  std::vector<Node> nodes_;
};

}  // namespace kuzet::keywords
