#include "storage/posting_merge.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <functional>
#include <string_view>
#include <vector>

#include "base/hex.h"
#include "storage/posting_list.h"

namespace kuzet::storage {

namespace {

// Damage is logged this many times per store, then only counted: a damaged entry is merged
// again by every read of it until a compaction rewrites it.
constexpr uint64_t kDamageLogsPerStore = 16;

}  // namespace

template <typename Slices>
void PostingListUnion::Union(const rocksdb::Slice& key, const rocksdb::Slice* existing,
                             const Slices& operands, std::string& out) const {
  std::string_view word;
  std::optional<uint8_t> word_class;
  uint64_t block = 0;
  bool damaged = !ParseSearchBlockKey(key.ToStringView(), word, word_class, block);
  std::vector<PostingList> lists;
  lists.reserve((existing != nullptr ? 1 : 0) + operands.size());
  bool whole_block = false;
  auto add = [&](const rocksdb::Slice& value) {
    if (damaged || whole_block) return;
    lists.emplace_back();
    if (!DecodePostingList(value.ToStringView(), block, lists.back())) {
      damaged = true;
      return;
    }
    whole_block = lists.back().whole_block;
  };
  if (existing != nullptr) add(*existing);
  for (const rocksdb::Slice& operand : operands) add(operand);
  // No list at all is never written (a list holds an id); were it to happen, the whole block
  // is the answer that loses nothing.
  if (damaged || whole_block || lists.empty()) {
    if (!damaged) {
      out = EncodeWholeBlock();
      return;
    }
    if (damaged_.fetch_add(1, std::memory_order_relaxed) < kDamageLogsPerStore) {
      spdlog::error(
          "data dir {}: search index entry {} holds a malformed posting list: searches "
          "verify every document of its block instead",
          data_dir_, base::HexEncode(key.ToStringView()));
    }
    out = EncodeWholeBlock();
    return;
  }
  PostingList merged;
  UnionPostings(lists, merged);
  if (merged.whole_block) {
    out = EncodeWholeBlock();
    return;
  }
  out.clear();
  AppendPostingList(block, merged, out);
}

bool PostingListUnion::FullMergeV2(const MergeOperationInput& in, MergeOperationOutput* out) const {
  Union(in.key, in.existing_value, in.operand_list, out->new_value);
  return true;
}

bool PostingListUnion::PartialMergeMulti(const rocksdb::Slice& key,
                                         const std::deque<rocksdb::Slice>& operands,
                                         std::string* new_value, rocksdb::Logger*) const {
  Union(key, nullptr, operands, *new_value);
  return true;
}

}  // namespace kuzet::storage
