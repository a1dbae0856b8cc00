#include "storage/posting_list.h"

#include <rocksdb/write_batch.h>

#include <algorithm>
#include <functional>
#include <iterator>
#include <utility>

#include "storage/encoding.h"

namespace kuzet::storage {

std::string EncodePostingList(uint64_t block, std::span<const uint64_t> doc_ids) {
  std::string value(1, static_cast<char>(kPostingListV1));
  PutVarint64(value, doc_ids.size());
  uint64_t previous = 0;
  for (size_t i = 0; i < doc_ids.size(); ++i) {
    PutVarint64(value, i == 0 ? doc_ids[0] - PostingBlockFirst(block) : previous - doc_ids[i]);
    previous = doc_ids[i];
  }
  return value;
}

std::string EncodeWholeBlock() {
  return std::string(1, static_cast<char>(kPostingListV1 | kPostingFlagWholeBlock));
}

bool DecodePostingList(std::string_view value, uint64_t block, PostingList& out) {
  out.whole_block = false;
  out.doc_ids.clear();
  Reader in(value);
  uint8_t head = 0;
  if (!in.GetByte(head)) return false;
  if (head == (kPostingListV1 | kPostingFlagWholeBlock)) {
    out.whole_block = true;
    return in.empty();
  }
  if (head != kPostingListV1) return false;  // another version, or a flag this reader lacks
  uint64_t count = 0;
  // Each id takes at least a byte: a count over the bytes left is refused before any allocation.
  if (!in.GetVarint64(count) || count == 0 || count > kPostingBlockDocs ||
      count > in.rest().size()) {
    return false;
  }
  out.doc_ids.reserve(count);
  uint64_t offset = 0;
  if (!in.GetVarint64(offset) || offset >= kPostingBlockDocs) return false;
  uint64_t id = PostingBlockFirst(block) + offset;
  out.doc_ids.push_back(id);
  for (uint64_t i = 1; i < count; ++i) {
    uint64_t delta = 0;
    // A delta of 0 repeats an id; one past the block's first id leaves the block.
    if (!in.GetVarint64(delta) || delta == 0 || delta > id - PostingBlockFirst(block)) {
      return false;
    }
    id -= delta;
    out.doc_ids.push_back(id);
  }
  return in.empty();
}

void UnionPostings(const PostingList& list, PostingList& out) {
  if (out.whole_block || list.whole_block) {
    out.whole_block = true;
    out.doc_ids.clear();
    return;
  }
  std::vector<uint64_t> merged;
  merged.reserve(out.doc_ids.size() + list.doc_ids.size());
  std::set_union(out.doc_ids.begin(), out.doc_ids.end(), list.doc_ids.begin(), list.doc_ids.end(),
                 std::back_inserter(merged), std::greater<>());
  out.doc_ids = std::move(merged);
}

std::string SearchBlockKey(std::string_view word_key, uint64_t block) {
  std::string key;
  key.reserve(word_key.size() + 9);
  key.append(word_key);
  key.push_back('\0');
  PutFixed64BE(key, ~block);
  return key;
}

bool ParseSearchBlockKey(std::string_view key, std::string_view& word_key, uint64_t& block) {
  if (key.size() < 9 || key[key.size() - 9] != '\0') return false;
  word_key = key.substr(0, key.size() - 9);
  if (word_key.find('\0') != std::string_view::npos) return false;
  block = ~DecodeFixed64BE(key.substr(key.size() - 8));
  return true;
}

void PostingBuilder::Add(const std::vector<std::string>& word_keys, uint64_t doc_id) {
  for (const std::string& word : word_keys) {
    auto it = lists_.find(std::string_view(word));
    if (it == lists_.end()) it = lists_.emplace(word, std::vector<uint64_t>()).first;
    it->second.push_back(doc_id);
    ++postings_;
  }
}

rocksdb::Status PostingBuilder::AddTo(rocksdb::WriteBatch& batch,
                                      rocksdb::ColumnFamilyHandle* family) {
  // In key order: the memtable inserts the batch's entries one after the other, and each starts
  // its skip-list search from where the previous one went (the family's insert hint, store_db.cc).
  // Words in order give keys in order (a word key holds no 0x00, which ends it in its keys).
  std::vector<std::pair<const std::string*, std::vector<uint64_t>*>> sorted;
  sorted.reserve(lists_.size());
  for (auto& [word, ids] : lists_) sorted.emplace_back(&word, &ids);
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return *a.first < *b.first; });
  rocksdb::Status status;
  for (auto& [word, ids] : sorted) {
    // Usually ascending already (a group's new documents); newest first, one list per block,
    // the newest block first (its key sorts first).
    std::sort(ids->begin(), ids->end(), std::greater<>());
    ids->erase(std::unique(ids->begin(), ids->end()), ids->end());
    for (auto begin = ids->begin(); begin != ids->end() && status.ok();) {
      const uint64_t block = PostingBlockOf(*begin);
      auto end = begin;
      while (end != ids->end() && PostingBlockOf(*end) == block) ++end;
      status = batch.Merge(family, SearchBlockKey(*word, block),
                           EncodePostingList(block, std::span<const uint64_t>(begin, end)));
      begin = end;
    }
    if (!status.ok()) break;
  }
  lists_.clear();
  postings_ = 0;
  return status;
}

}  // namespace kuzet::storage
