#include "extractor/keywords/key_trie.h"

#include <algorithm>

namespace kuzet::keywords {

uint32_t KeyTrie::Child(uint32_t node, char c) const {
  const auto& children = nodes_[node].children;
  auto it =
      std::lower_bound(children.begin(), children.end(), c,
                       [](const std::pair<char, uint32_t>& p, char b) { return p.first < b; });
  return it != children.end() && it->first == c ? it->second : 0;
}

uint32_t KeyTrie::Insert(std::string_view key) {
  uint32_t node = 0;
  for (char c : key) {
    uint32_t next = Child(node, c);
    if (next == 0) {
      next = static_cast<uint32_t>(nodes_.size());
      auto& children = nodes_[node].children;
      auto it =
          std::lower_bound(children.begin(), children.end(), c,
                           [](const std::pair<char, uint32_t>& p, char b) { return p.first < b; });
      children.insert(it, {c, next});
      nodes_.emplace_back();
    }
    node = next;
  }
  return node;
}

}  // namespace kuzet::keywords
