// The search family's posting blocks (FORMAT.md, *search*): one entry per (word key, block of
// kPostingBlockDocs doc ids), whose value lists the documents of the block that hold the word.
// A group of pages adds one RocksDB Merge per (key, block) it touches (PostingBuilder), which
// the family's merge operator (posting_merge.h) unions with what is stored.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/keyed_hash.h"
#include "extractor/keywords/position_lists.h"

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
// Word positions follow the ids (format 6, issue #18): phrase and NEAR searches test them before
// reading a document. A value without the flag (formats 4 and 5) lists ids with positions unknown.
inline constexpr uint8_t kPostingFlagPositions = 0x80;
// Every doc id of the block is a candidate: what a damaged list is replaced by, so that a
// damaged entry widens the candidates (every one is verified) instead of losing documents.
inline constexpr uint8_t kPostingFlagWholeBlock = 0x40;
// A document's positions of a word are stored when there are at most this many, each below
// kPostingPositionLimit; otherwise they are "unknown" and the document stays a candidate for any
// position test (a word that common is no phrase filter anyway, and the bound keeps a hostile
// page from growing an entry).
inline constexpr size_t kMaxPostingPositions = 64;
inline constexpr uint32_t kPostingPositionLimit = uint32_t{1} << 24;

struct PostingList {
  bool whole_block = false;
  std::vector<uint64_t> doc_ids;  // descending, distinct, in the block; empty when whole_block
  // When has_positions(): doc_ids[i]'s word positions are positions[position_begin[i] ..
  // position_begin[i + 1]), ascending and distinct; an empty range is "unknown". Without them
  // (a value of format 4 or 5, or decoded for ids only) every id's positions are unknown.
  std::vector<uint32_t> positions;
  std::vector<uint32_t> position_begin;  // doc_ids.size() + 1 offsets, or none

  bool has_positions() const { return !position_begin.empty(); }
  // The positions of doc_ids[i]; empty when unknown.
  std::span<const uint32_t> PositionsOf(size_t i) const {
    if (!has_positions()) return {};
    return std::span<const uint32_t>(positions).subspan(position_begin[i],
                                                        position_begin[i + 1] - position_begin[i]);
  }
  void Clear() {
    whole_block = false;
    doc_ids.clear();
    positions.clear();
    position_begin.clear();
  }
};

// The value of `doc_ids` (descending, distinct, all in `block`, at least one), positions unknown:
// byte kPostingListV1, varint count, varint (first id - PostingBlockFirst(block)), then for each
// further id a varint of (previous id - id), >= 1.
std::string EncodePostingList(uint64_t block, std::span<const uint64_t> doc_ids);
// The value of `list` (not whole_block, at least one id): the same, and when it has positions
// the first byte also has kPostingFlagPositions and after the last id come, per id in the same
// order, varint m then m varints: the first position, then each next one minus the previous
// (>= 1). m = 0 is "unknown", written for a range that is empty, longer than
// kMaxPostingPositions or reaching kPostingPositionLimit.
std::string EncodePostingList(uint64_t block, const PostingList& list);
// The same value appended to `value` (a buffer kept across lists).
void AppendPostingList(uint64_t block, const PostingList& list, std::string& value);
// byte kPostingListV1 | kPostingFlagWholeBlock, nothing else.
std::string EncodeWholeBlock();

// false for a value that is not exactly one list of ids of `block`: an unknown version or flag,
// a truncated or over-long varint, a count of 0 or over kPostingBlockDocs, a delta of 0 (an id
// twice or out of order), an id outside the block, bytes after the last id; and with positions
// (read when `want_positions`; else the reader stops after the ids) an m over
// kMaxPostingPositions, a position delta of 0, a position at or over kPostingPositionLimit,
// truncated positions, bytes after them.
// With `positions_bytes` and !want_positions, a value with positions gives the bytes after its ids
// there (unchecked: PostingPositionReader reads them), else an empty view.
[[nodiscard]] bool DecodePostingList(std::string_view value, uint64_t block, PostingList& out,
                                     bool want_positions = true,
                                     std::string_view* positions_bytes = nullptr);

// The positions part of a value (the bytes after its ids), read one id at a time in list order:
// a search that needs the positions of a long list's first few ids (the newest documents)
// decodes no more (issue #18). Malformed bytes (as DecodePostingList refuses them) make the
// positions of that id and every later one unknown: a position test then keeps the documents.
class PostingPositionReader {
 public:
  // Owns a copy: the bytes of an iterator's value last only until it moves.
  void Reset(std::string_view bytes);
  // The positions of the list's id `index` into *out, ascending; empty when unknown. `index`
  // never decreases between calls (after Reset).
  void Read(size_t index, std::vector<uint32_t>* out);
  // Malformed bytes were met (the caller logs it).
  bool damaged() const { return damaged_; }

 private:
  // Past one id's positions; false when malformed.
  bool Skip(std::vector<uint32_t>* out);
  std::string bytes_;
  size_t offset_ = 0, next_index_ = 0;
  bool damaged_ = false;
};

// The union of lists of one block into `out` (ids descending, distinct): a document's positions
// are the union of its lists' (unknown when any is, or past kMaxPostingPositions), and a whole
// block absorbs everything. Associative, commutative and idempotent, as the merge operator must be.
void UnionPostings(std::span<const PostingList> lists, PostingList& out);

// search keys (FORMAT.md, *search*): a list key, then BE64 of NOT block (a list's blocks sort
// newest first). A list key is the word key (no 0x00 byte, at most 48 bytes), 0x00 and the word
// class byte (format 7, keywords::WordClassOf); a store of format 6 or before has no class byte.
std::string SearchListKey(std::string_view word_key, uint8_t word_class);
std::string SearchBlockKey(std::string_view list_key, uint64_t block);
void AppendSearchBlockKey(std::string_view list_key, uint64_t block, std::string& key);
// The list of the documents whose text changed after they were first indexed (FORMAT.md,
// *search*): their postings may also hold the keys of an older text, so a word found in their
// lists is not surely in their text. Under the empty word key, which no word has, class 0xFF.
inline constexpr uint8_t kChangedDocumentsClass = 0xFF;
std::string ChangedDocumentsListKey();
// The word key, word class (nullopt: a key of format 6 or before) and block of a search key;
// false for any other shape.
[[nodiscard]] bool ParseSearchBlockKey(std::string_view key, std::string_view& word_key,
                                       std::optional<uint8_t>& word_class, uint64_t& block);

// The postings of the documents of one write, gathered per (list key, block) so that the write
// adds one Merge per entry however many of its documents hold the word.
//
// Flat, because the writer thread adds every word of every page here (issue #17: a map of
// per-key vectors was 9 % of the whole crawl's CPU): each distinct list key is interned once in
// an open-addressing table, each (key, document) is a fixed-size record appended to one vector,
// and AddTo groups the records per key with a counting sort. Clear keeps the memory for the next
// write.
class PostingBuilder {
 public:
  // Documents in any order (a changed document keeps its older id); a repeated one is kept once,
  // with the union of its positions. `word_classes` and `positions` are parallel to `word_keys`
  // (positions each ascending); `positions` may be empty: then every position is unknown.
  void Add(const std::vector<std::string>& word_keys, const std::vector<uint8_t>& word_classes,
           const keywords::PositionLists& positions, uint64_t doc_id);
  // One Merge per entry into `batch`, in key order; the builder's postings are unchanged (its
  // scratch memory is not: not for two threads at once, as no method is).
  [[nodiscard]] rocksdb::Status AddTo(rocksdb::WriteBatch& batch,
                                      rocksdb::ColumnFamilyHandle* family) const;
  // Adds every posting of `other` after this builder's own, as if each document had been added
  // here in the order it was added there (its memory serves another's postings: the writer's
  // buffer after a flush, issue #17).
  void AppendFrom(const PostingBuilder& other);
  // Empty again, keeping the memory.
  void Clear();
  size_t postings() const { return postings_.size(); }

 private:
  struct Slot {
    uint32_t tag = 0;     // the key's hash, high 32 bits
    uint32_t offset = 0;  // of the list key in list_keys_
    uint32_t list = 0;
    uint32_t length = 0;  // of the list key; 0: an empty slot
  };
  struct Posting {
    uint64_t doc_id = 0;
    uint32_t list = 0;
    uint32_t begin = 0;  // in positions_
    uint32_t count = 0;  // 0: unknown
  };
  // The index of the list of `word_key` + 0x00 + `word_class` (whose ListKeyHash is `hash`),
  // interned when new.
  uint32_t ListOf(std::string_view word_key, uint8_t word_class, uint64_t hash);
  // The slot hash of a list key: the word key's bytes and its class. The bytes' hash is the
  // standard library's (fast) until one key needs more than kMaxProbes probes, which keys all but
  // never do by chance at half load but words picked offline to share a slot of a fixed hash do;
  // from then on it is key_hash_, whose slots cannot be predicted (base/keyed_hash.h).
  uint64_t ListKeyHash(std::string_view word_key, uint8_t word_class) const;
  void Grow();
  // The table anew with `slots` slots and every list key's hash computed again.
  void Rebuild(size_t slots);
  std::string_view ListKey(uint32_t list) const;

  std::vector<Slot> slots_;          // a power of two of them, at most half used
  std::string list_keys_;            // every distinct list key, one after the other
  std::vector<uint32_t> list_slot_;  // per list, its slot
  std::vector<Posting> postings_;    // as added
  std::vector<uint32_t> positions_;  // of every posting, flat
  std::vector<uint64_t> hashes_;     // Add's scratch
  static constexpr size_t kMaxProbes = 32;
  // The table's own keyed hash, made (a random key) when keys first pile up; kept through Clear.
  std::optional<base::KeyedHash> key_hash_;
  // AddTo's working memory, kept across calls (it changes no posting: AddTo stays logically
  // const). The builder is one writer's (under the store's write mutex), never shared.
  struct Scratch {
    std::vector<std::pair<std::string_view, uint32_t>> order;
    std::vector<uint32_t> first, next;
    std::vector<const Posting*> by_list;
  };
  mutable Scratch scratch_;
};

}  // namespace kuzet::storage
