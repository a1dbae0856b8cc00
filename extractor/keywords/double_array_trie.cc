#include "extractor/keywords/double_array_trie.h"

#include <algorithm>
#include <deque>
#include <utility>

namespace kuzet::keywords {

namespace {

constexpr uint32_t kNone = UINT32_MAX;
constexpr uint32_t kAlphabet = 256;

// The cells not yet used by a state, as a doubly linked list in index order, so that placing a
// state's children visits free cells only (a dense array has few).
class FreeCells {
 public:
  FreeCells() {
    Grow(1);
    Take(0);
  }  // cell 0 is the root

  size_t size() const { return next_.size(); }
  uint32_t first() const { return head_; }
  uint32_t next(uint32_t cell) const { return next_[cell]; }
  bool free(uint32_t cell) const { return cell >= next_.size() || free_[cell]; }

  // Makes cells [size(), n) exist, free, at the end of the list.
  void Grow(size_t n) {
    for (auto i = static_cast<uint32_t>(next_.size()); i < n; ++i) {
      next_.push_back(kNone);
      prev_.push_back(tail_);
      free_.push_back(true);
      if (tail_ == kNone) {
        head_ = i;
      } else {
        next_[tail_] = i;
      }
      tail_ = i;
    }
  }

  void Take(uint32_t cell) {
    free_[cell] = false;
    const uint32_t p = prev_[cell], n = next_[cell];
    if (p == kNone) {
      head_ = n;
    } else {
      next_[p] = n;
    }
    if (n == kNone) {
      tail_ = p;
    } else {
      prev_[n] = p;
    }
  }

 private:
  std::vector<uint32_t> next_, prev_;
  std::vector<bool> free_;
  uint32_t head_ = kNone, tail_ = kNone;
};

// Free cells this far behind the end are given up (left as holes) rather than visited again
// by every later search: low cells below the common letter codes would otherwise stay at the
// head of the list forever. Bounds the work per state; costs a few unused cells.
constexpr uint32_t kSearchWindow = 4096;

// The smallest base, among the free cells still searched, at which every code of `codes`
// (sorted, 1..256) lands on a free cell; grows `free_cells` as needed.
uint32_t FindBase(const std::vector<uint32_t>& codes, FreeCells* free_cells) {
  uint32_t cell = free_cells->first();
  while (true) {
    if (cell == kNone) {  // every cell is taken: append fresh ones and look there
      const auto end = static_cast<uint32_t>(free_cells->size());
      free_cells->Grow(end + kAlphabet + 1);
      cell = end;
    }
    const uint32_t next = free_cells->next(cell);
    if (cell + kSearchWindow < free_cells->size()) {
      free_cells->Take(cell);
    } else if (cell >= codes.front()) {
      const uint32_t base = cell - codes.front();
      if (std::all_of(codes.begin() + 1, codes.end(),
                      [&](uint32_t code) { return free_cells->free(base + code); })) {
        free_cells->Grow(base + codes.back() + 1);
        return base;
      }
    }
    cell = next;
  }
}

}  // namespace

DoubleArrayTrie::DoubleArrayTrie(const KeyTrie& trie) {
  FreeCells free_cells;
  cells_.resize(1);
  // Breadth first: parents are placed before their children (state = cell index).
  std::deque<std::pair<uint32_t, uint32_t>> queue = {{0, 0}};  // (trie node, state)
  std::vector<uint32_t> codes;
  while (!queue.empty()) {
    const auto [node, state] = queue.front();
    queue.pop_front();
    const std::vector<uint32_t>& payloads = trie.payloads(node);
    cells_[state].payload_begin = static_cast<uint32_t>(payloads_.size());
    cells_[state].payload_count = static_cast<uint32_t>(payloads.size());
    payloads_.insert(payloads_.end(), payloads.begin(), payloads.end());

    const auto& children = trie.children(node);
    if (children.empty()) continue;
    codes.clear();
    for (const auto& [byte, child] : children) codes.push_back(static_cast<uint8_t>(byte) + 1u);
    std::sort(codes.begin(), codes.end());
    const uint32_t base = FindBase(codes, &free_cells);
    cells_[state].base = base;
    if (cells_.size() < free_cells.size()) cells_.resize(free_cells.size());
    for (const auto& [byte, child] : children) {
      const uint32_t cell = base + static_cast<uint8_t>(byte) + 1u;
      free_cells.Take(cell);
      cells_[cell].check = state;
      queue.emplace_back(child, cell);
    }
  }
  // Trailing free cells are never a valid transition (Walk bounds-checks): drop them.
  while (cells_.size() > 1 && cells_.back().check == kFree) cells_.pop_back();
  cells_.shrink_to_fit();
  payloads_.shrink_to_fit();
}

void DoubleArrayTrie::ForEachKey(
    const std::function<void(std::string_view, std::span<const uint32_t>)>& visit) const {
  if (cells_.empty()) return;
  // Depth first, without recursion: (state, next byte to try) per level of the key.
  std::string key;
  std::vector<std::pair<uint32_t, int>> stack = {{0, 0}};
  while (!stack.empty()) {
    auto& [state, byte] = stack.back();
    if (byte > 255) {
      stack.pop_back();
      if (!key.empty()) key.pop_back();
      continue;
    }
    const uint32_t next = cells_[state].base + static_cast<uint32_t>(byte) + 1;
    const char c = static_cast<char>(byte);
    ++byte;
    if (next >= cells_.size() || cells_[next].check != state || next == 0) continue;
    key.push_back(c);
    const Cell& cell = cells_[next];
    if (cell.payload_count != 0) {
      visit(key,
            std::span<const uint32_t>(payloads_.data() + cell.payload_begin, cell.payload_count));
    }
    stack.emplace_back(next, 0);
  }
}

}  // namespace kuzet::keywords
