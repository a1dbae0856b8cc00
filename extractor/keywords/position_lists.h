// Lists of token positions, one per search key of a text, in one array.
//
// A page has hundreds to thousands of distinct search keys; a vector per key cost an allocation
// each on the worker, moves in the sort, and a free each wherever the page was dropped (issue
// #17: ~4 % of a crawl's CPU). Here a page's lists are two allocations.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <vector>

namespace kuzet::keywords {

class PositionLists {
 public:
  PositionLists() = default;
  // The lists given, in order (tests and small callers).
  PositionLists(std::initializer_list<std::initializer_list<uint32_t>> lists) {
    for (const auto& list : lists) {
      values_.insert(values_.end(), list.begin(), list.end());
      EndList();
    }
  }

  size_t size() const { return ends_.size(); }
  bool empty() const { return ends_.empty(); }
  // List i (i < size()).
  std::span<const uint32_t> operator[](size_t i) const {
    const uint32_t begin = i == 0 ? 0 : ends_[i - 1];
    return {values_.data() + begin, ends_[i] - begin};
  }
  // Every list's values, one list after the other.
  std::span<const uint32_t> values() const { return values_; }

  // Building: the values of the next list one by one, then EndList. The ends are 32-bit: a
  // token is in at most three lists (its word's and two hyphen-joined pairs'), and a text of
  // 2^30 tokens is far past any page (max_body_bytes, and TextIndex's 31-bit offsets).
  void Push(uint32_t position) { values_.push_back(position); }
  void EndList() { ends_.push_back(static_cast<uint32_t>(values_.size())); }
  void Reserve(size_t lists, size_t values) {
    ends_.reserve(lists);
    values_.reserve(values);
  }
  void Clear() {
    values_.clear();
    ends_.clear();
  }

  bool operator==(const PositionLists&) const = default;

 private:
  std::vector<uint32_t> values_;
  std::vector<uint32_t> ends_;  // per list, the end of its values in values_
};

}  // namespace kuzet::keywords
