// The search family's merge operator (FORMAT.md, *search*): a Merge of a posting list into an
// entry makes the entry the union of the lists, and of each document's word positions
// (UnionPostings, posting_list.h). A list without positions (formats 4 and 5) merges in as ids
// with positions unknown, so an older store's entries lose nothing. Union is associative,
// commutative and idempotent, so RocksDB may combine operands in any grouping (memtable reads,
// flushes, compactions) and a group written twice (a replayed log) changes nothing.
#pragma once

#include <rocksdb/merge_operator.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>

namespace kuzet::storage {

class PostingListUnion : public rocksdb::MergeOperator {
 public:
  // Stable: FORMAT.md names it and a store must always be opened with this operator on `search`.
  // v2 (format 6) unions positions too. RocksDB's open does not compare it with the name it
  // persisted (facebook/rocksdb#11393): the format version is the guard against an older binary.
  static constexpr const char* kName = "kuzet.PostingListUnion.v2";
  explicit PostingListUnion(std::string data_dir) : data_dir_(std::move(data_dir)) {}

  const char* Name() const override { return kName; }
  // All operands at once, not pairwise as AssociativeMergeOperator does: a word's list in a
  // block gathers one operand per group, and pairwise merging would re-encode the growing
  // list for each of them.
  bool FullMergeV2(const MergeOperationInput& in, MergeOperationOutput* out) const override;
  bool PartialMergeMulti(const rocksdb::Slice& key, const std::deque<rocksdb::Slice>& operands,
                         std::string* new_value, rocksdb::Logger* logger) const override;

  // Operands (or stored values) found malformed: each was replaced by its whole block, so the
  // searches over it verify every document of the block instead of losing any.
  uint64_t damaged_lists() const { return damaged_.load(std::memory_order_relaxed); }

 private:
  template <typename Slices>
  void Union(const rocksdb::Slice& key, const rocksdb::Slice* existing, const Slices& operands,
             std::string& out) const;

  const std::string data_dir_;
  mutable std::atomic<uint64_t> damaged_{0};
};

}  // namespace kuzet::storage
