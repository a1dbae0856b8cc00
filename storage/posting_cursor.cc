#include "storage/posting_cursor.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <string_view>
#include <utility>

#include "base/hex.h"
#include "storage/encoding.h"

namespace kuzet::storage {

PostingCursor::PostingCursor(rocksdb::Iterator& it, std::string list_key, bool want_positions,
                             std::function<std::unique_ptr<rocksdb::Iterator>()> make_iterator)
    : it_(it),
      prefix_(std::move(list_key)),
      make_iterator_(std::move(make_iterator)),
      want_positions_(want_positions) {}

uint64_t PostingCursor::Next(uint64_t at_most) {
  while (!done_ && at_most != 0) {
    if (!loaded_ || block_ > PostingBlockOf(at_most)) {
      if (!Load(PostingBlockOf(at_most))) break;
      continue;
    }
    // block_ <= the block of at_most: the answer is in this block or a lower one.
    if (list_.whole_block) return std::min(at_most, PostingBlockLast(block_));
    while (pos_ < list_.doc_ids.size() && list_.doc_ids[pos_] > at_most) ++pos_;
    if (pos_ < list_.doc_ids.size()) return list_.doc_ids[pos_];
    if (block_ == 0) break;
    at_most = PostingBlockFirst(block_) - 1;  // on to the blocks below
  }
  done_ = true;
  return 0;
}

const PostingList* PostingCursor::Block(uint64_t block, uint64_t* found) {
  if (done_) return nullptr;
  // A block loaded at or below `block` is the highest there: the blocks asked never grow.
  if (!loaded_ || block_ > block) {
    if (!Load(block)) {
      done_ = true;
      return nullptr;
    }
  }
  *found = block_;
  return &list_;
}

bool PostingCursor::Load(uint64_t block) {
  // The list's blocks are adjacent keys, newest first: a walk to the next lower block is one
  // Next of an iterator that stayed on this list, where a Seek costs a search of the index and
  // of a data block each time (a leapfrog of two words loads every block of each: at 1M
  // documents, ~4,000 seeks were most of `would AND стран`). The shared iterator serves a
  // cursor's first block; the second brings an iterator of its own (make_iterator_).
  rocksdb::Iterator* it = &it_;
  bool moved = false;
  if (own_ != nullptr && own_->Valid()) {
    own_->Next();
    it = own_.get();
    moved = true;
  } else if (own_ != nullptr) {
    it = own_.get();
  } else if (loaded_ && make_iterator_) {
    own_ = make_iterator_();  // nullptr: the search's budget is spent, seek on the shared one
    make_iterator_ = nullptr;
    if (own_ != nullptr) it = own_.get();
  }
  uint64_t found = 0;
  std::string_view key;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!moved) {
      std::string target = prefix_;
      PutFixed64BE(target, ~block);
      it->Seek(target);
    }
    if (!it->Valid()) {
      status_ = it->status();
      return false;
    }
    key = it->key().ToStringView();
    std::string_view word;
    std::optional<uint8_t> word_class;
    if (!key.starts_with(prefix_) || key.size() != prefix_.size() + 8 ||
        !ParseSearchBlockKey(key, word, word_class, found)) {
      return false;  // past the list's blocks
    }
    if (found <= block) break;
    moved = false;  // the next block is above the one asked: seek it
  }
  std::string_view positions;
  if (!DecodePostingList(it->value().ToStringView(), found, list_, /*want_positions=*/false,
                         want_positions_ ? &positions : nullptr)) {
    // The merge operator replaces damaged lists when it merges; a stored value that was never
    // merged (one operand, read as is) can still be damaged: widen it, lose nothing.
    spdlog::error(
        "search index entry {} holds a malformed posting list: every document of "
        "its block is a candidate",
        base::HexEncode(key));
    list_.whole_block = true;
    list_.doc_ids.clear();
  }
  loaded_ = true;
  block_ = found;
  pos_ = 0;
  positions_.Reset(positions);
  has_positions_ = !positions.empty();
  positions_for_ = SIZE_MAX;
  damage_logged_ = false;
  return true;
}

std::span<const uint32_t> PostingCursor::Positions() {
  if (!loaded_ || list_.whole_block || !has_positions_ || pos_ >= list_.doc_ids.size()) return {};
  if (positions_for_ != pos_) {
    positions_.Read(pos_, &positions_of_);
    positions_for_ = pos_;
    if (positions_.damaged() && !damage_logged_) {
      damage_logged_ = true;
      spdlog::error(
          "search index entry {} holds malformed word positions: its documents from the {}th on "
          "are candidates for any position test",
          base::HexEncode(SearchBlockKey(prefix_, block_)), pos_ + 1);
    }
  }
  return positions_of_;
}

}  // namespace kuzet::storage
