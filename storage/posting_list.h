// The search family's posting blocks (FORMAT.md, *search*): one entry per (word key, block of
// kPostingBlockDocs doc ids), whose value lists the documents of the block that hold the word.
// A group of pages adds one RocksDB Merge per (key, block) it touches (PostingBuilder), which
// the family's merge operator (posting_merge.h) unions with what is stored.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace rocksdb {
class ColumnFamilyHandle;
class WriteBatch;
class Status;
}  // namespace rocksdb

namespace kuzet::storage {

// Doc ids per block: 2^12. A group of pages takes consecutive ids, so it touches one block (two at
// a boundary) per word; a bigger block gives fewer entries across groups but longer values that
// every merge and every read of a word decodes whole.
inline constexpr int kPostingBlockBits = 12;
inline constexpr uint64_t kPostingBlockDocs = uint64_t{1} << kPostingBlockBits;

inline uint64_t PostingBlockOf(uint64_t doc_id) { return doc_id >> kPostingBlockBits; }
inline uint64_t PostingBlockFirst(uint64_t block) { return block << kPostingBlockBits; }
inline uint64_t PostingBlockLast(uint64_t block) {
  return PostingBlockFirst(block) + (kPostingBlockDocs - 1);
}

// The value's first byte: bits 0-3 the list version (1), then flags.
inline constexpr uint8_t kPostingListV1 = 0x01;
// Reserved for word positions after each id (phrase / NEAR queries); no writer sets it yet and
// this reader refuses it, like any unknown bit.
inline constexpr uint8_t kPostingFlagPositions = 0x80;
// Every doc id of the block is a candidate: what a damaged list is replaced by, so that a
// damaged entry widens the candidates (every one is verified) instead of losing documents.
inline constexpr uint8_t kPostingFlagWholeBlock = 0x40;

struct PostingList {
  bool whole_block = false;
  std::vector<uint64_t> doc_ids;  // descending, distinct, in the block; empty when whole_block
};

// The value of `doc_ids` (descending, distinct, all in `block`, at least one):
// byte kPostingListV1, varint count, varint (first id - PostingBlockFirst(block)), then for each
// further id a varint of (previous id - id), >= 1.
std::string EncodePostingList(uint64_t block, std::span<const uint64_t> doc_ids);
// byte kPostingListV1 | kPostingFlagWholeBlock, nothing else.
std::string EncodeWholeBlock();

// false for a value that is not exactly one list of ids of `block`: an unknown version or flag,
// a truncated or over-long varint, a count of 0 or over kPostingBlockDocs, a delta of 0 (an id
// twice or out of order), an id outside the block, bytes after the last id.
[[nodiscard]] bool DecodePostingList(std::string_view value, uint64_t block, PostingList& out);

// The union of lists of one block, as `out` (ids descending, distinct).
void UnionPostings(const PostingList& list, PostingList& out);

// search keys: the word key (no 0x00 byte, at most 48 bytes), 0x00, BE64 of NOT block: a word's
// blocks sort newest first.
std::string SearchBlockKey(std::string_view word_key, uint64_t block);
// The word key and block of a search key; false for any other shape.
[[nodiscard]] bool ParseSearchBlockKey(std::string_view key, std::string_view& word_key,
                                       uint64_t& block);

// The postings of the documents of one write, gathered per (word key, block) so that the write
// adds one Merge per entry however many of its documents hold the word.
class PostingBuilder {
 public:
  // Documents in any order (a changed document keeps its older id); a repeated one is kept once.
  void Add(const std::vector<std::string>& word_keys, uint64_t doc_id);
  // One Merge per entry into `batch`, then empty again.
  [[nodiscard]] rocksdb::Status AddTo(rocksdb::WriteBatch& batch,
                                      rocksdb::ColumnFamilyHandle* family);
  size_t postings() const { return postings_; }

 private:
  // Looked up by the caller's string: a word key is copied once per write, not per document.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::vector<uint64_t>, Hash, std::equal_to<>>
      lists_;  // word key -> doc ids, as added (any block)
  size_t postings_ = 0;
};

}  // namespace kuzet::storage
