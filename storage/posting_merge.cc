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
  uint64_t block = 0;
  bool damaged = !ParseSearchBlockKey(key.ToStringView(), word, block);
  // Every id gathered, then sorted once: linear in the ids, whatever the number of operands.
  bool whole_block = false;
  std::vector<uint64_t> ids;
  PostingList list;
  auto add = [&](const rocksdb::Slice& value) {
    if (damaged || whole_block) return;
    if (!DecodePostingList(value.ToStringView(), block, list)) {
      damaged = true;
      return;
    }
    whole_block = list.whole_block;
    ids.insert(ids.end(), list.doc_ids.begin(), list.doc_ids.end());
  };
  if (existing != nullptr) add(*existing);
  for (const rocksdb::Slice& operand : operands) add(operand);
  // No list at all is never written (a list holds an id); were it to happen, the whole block
  // is the answer that loses nothing.
  if (damaged || whole_block || ids.empty()) {
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
  std::sort(ids.begin(), ids.end(), std::greater<>());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  out = EncodePostingList(block, ids);
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
