// Reads one list's documents (a word key and class) from the search family, newest first
// (FORMAT.md, *search*): the key's posting blocks, highest block first, each decoded once when the
// walk reaches it.
#pragma once

#include <rocksdb/db.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "storage/posting_list.h"

namespace kuzet::storage {

class PostingCursor {
 public:
  // `it` iterates the search family and may be shared by other cursors: a cursor seeks it each
  // time it needs another block, and keeps no position in it between calls.
  // With `want_positions`, each block's word positions are decoded too (Positions); without,
  // the read stops after the ids (FORMAT.md: most searches need ids only).
  // `list_key`: SearchListKey's (or a format 6 word key and its 0x00). With `make_iterator`, a
  // cursor that goes on to a second block walks on an iterator of its own, made by it once
  // (reading the same state of the store as `it`; nullptr: it goes on seeking `it`).
  PostingCursor(rocksdb::Iterator& it, std::string list_key, bool want_positions = false,
                std::function<std::unique_ptr<rocksdb::Iterator>()> make_iterator = {});

  // The largest doc id <= at_most that holds the word (for a damaged block: every id of the
  // block, FORMAT.md), 0 when none. Calls come with at_most never growing.
  uint64_t Next(uint64_t at_most);

  // The list's highest block at or below `block`, loaded (ids only; whole_block for a damaged
  // one), its number into *found; nullptr when the list has none there (or a read failed:
  // status()). `block` never grows between calls (with Next's at_most's blocks). A caller that
  // unites several lists reads their ids a block at a time through it (search_index.cc).
  const PostingList* Block(uint64_t block, uint64_t* found);

  // The word positions in the document Next returned last (ascending); empty when unknown: not
  // wanted, not stored (FORMAT.md, m = 0, or a list of format 5), or a whole block.
  // Decoded on demand, up to that document only (PostingPositionReader).
  std::span<const uint32_t> Positions();

  // Not ok when a read failed: the cursor then ends (Next returns 0).
  const rocksdb::Status& status() const { return status_; }

 private:
  // Loads the key's highest block at or below `block`; false when there is none.
  bool Load(uint64_t block);

  rocksdb::Iterator& it_;
  const std::string prefix_;  // the list key
  std::function<std::unique_ptr<rocksdb::Iterator>()> make_iterator_;
  std::unique_ptr<rocksdb::Iterator> own_;  // on this list's current block, once made
  const bool want_positions_;
  rocksdb::Status status_;
  bool loaded_ = false, done_ = false;
  uint64_t block_ = 0;
  PostingList list_;  // ids only
  size_t pos_ = 0;    // in list_.doc_ids: the first id not yet known to be above at_most
  PostingPositionReader positions_;  // of list_, with want_positions
  std::vector<uint32_t> positions_of_;
  size_t positions_for_ = SIZE_MAX;  // the index in list_.doc_ids positions_of_ is for
  bool has_positions_ = false;       // the block's value has them (FORMAT.md 0x81)
  bool damage_logged_ = false;
};

}  // namespace kuzet::storage
