#include "storage/posting_list.h"

#include <rocksdb/write_batch.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <iterator>
#include <numeric>
#include <tuple>
#include <utility>

#include "storage/encoding.h"

namespace kuzet::storage {

namespace {

// EncodePostingList's value of ids appended to `value`.
void AppendIds(uint64_t block, std::span<const uint64_t> doc_ids, std::string& value) {
  value.push_back(static_cast<char>(kPostingListV1));
  PutVarint64(value, doc_ids.size());
  uint64_t previous = 0;
  for (size_t i = 0; i < doc_ids.size(); ++i) {
    PutVarint64(value, i == 0 ? doc_ids[0] - PostingBlockFirst(block) : previous - doc_ids[i]);
    previous = doc_ids[i];
  }
}

}  // namespace

std::string EncodePostingList(uint64_t block, std::span<const uint64_t> doc_ids) {
  std::string value;
  AppendIds(block, doc_ids, value);
  return value;
}

namespace {

// One varint from [p, end), as Reader::GetVarint64 reads it (at most ten bytes; false when
// truncated or longer), inline: a search decodes thousands of ids per block, most of one byte.
inline bool ReadVarint(const char*& p, const char* end, uint64_t& v) {
  if (p != end && static_cast<uint8_t>(*p) < 0x80) {
    v = static_cast<uint8_t>(*p++);
    return true;
  }
  v = 0;
  for (int shift = 0; shift <= 63 && p != end; shift += 7) {
    const uint8_t byte = static_cast<uint8_t>(*p++);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

// Whether a document's positions can be stored (kMaxPostingPositions, kPostingPositionLimit).
bool Storable(std::span<const uint32_t> positions) {
  return !positions.empty() && positions.size() <= kMaxPostingPositions &&
         positions.back() < kPostingPositionLimit;
}

}  // namespace

void AppendPostingList(uint64_t block, const PostingList& list, std::string& value) {
  const size_t head = value.size();
  AppendIds(block, list.doc_ids, value);
  if (!list.has_positions()) return;
  value[head] = static_cast<char>(kPostingListV1 | kPostingFlagPositions);
  for (size_t i = 0; i < list.doc_ids.size(); ++i) {
    const std::span<const uint32_t> positions = list.PositionsOf(i);
    if (!Storable(positions)) {
      PutVarint64(value, 0);
      continue;
    }
    PutVarint64(value, positions.size());
    for (size_t j = 0; j < positions.size(); ++j) {
      PutVarint64(value, j == 0 ? positions[0] : positions[j] - positions[j - 1]);
    }
  }
}

std::string EncodePostingList(uint64_t block, const PostingList& list) {
  std::string value;
  AppendPostingList(block, list, value);
  return value;
}

std::string EncodeWholeBlock() {
  return std::string(1, static_cast<char>(kPostingListV1 | kPostingFlagWholeBlock));
}

bool DecodePostingList(std::string_view value, uint64_t block, PostingList& out,
                       bool want_positions, std::string_view* positions_bytes) {
  out.Clear();
  if (positions_bytes != nullptr) *positions_bytes = {};
  Reader in(value);
  uint8_t head = 0;
  if (!in.GetByte(head)) return false;
  if (head == (kPostingListV1 | kPostingFlagWholeBlock)) {
    out.whole_block = true;
    return in.empty();
  }
  // Another version, or a flag this reader lacks.
  if (head != kPostingListV1 && head != (kPostingListV1 | kPostingFlagPositions)) return false;
  uint64_t count = 0;
  // Each id takes at least a byte: a count over the bytes left is refused before any allocation.
  if (!in.GetVarint64(count) || count == 0 || count > kPostingBlockDocs ||
      count > in.rest().size()) {
    return false;
  }
  out.doc_ids.resize(count);
  const std::string_view ids = in.rest();
  const char* p = ids.data();
  const char* const end = p + ids.size();
  uint64_t offset = 0;
  if (!ReadVarint(p, end, offset) || offset >= kPostingBlockDocs) return false;
  uint64_t id = PostingBlockFirst(block) + offset;
  out.doc_ids[0] = id;
  for (uint64_t i = 1; i < count; ++i) {
    uint64_t delta = 0;
    // A delta of 0 repeats an id; one past the block's first id leaves the block.
    if (!ReadVarint(p, end, delta) || delta == 0 || delta > id - PostingBlockFirst(block)) {
      return false;
    }
    id -= delta;
    out.doc_ids[i] = id;
  }
  in = Reader(std::string_view(p, static_cast<size_t>(end - p)));
  if (head == kPostingListV1) return in.empty();
  if (!want_positions) {  // ids-only readers (one-word, AND, OR) stop here
    if (positions_bytes != nullptr) *positions_bytes = in.rest();
    return true;
  }
  // Each id's m takes a byte.
  if (count > in.rest().size()) return false;
  out.position_begin.reserve(count + 1);
  out.position_begin.push_back(0);
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t m = 0;
    if (!in.GetVarint64(m) || m > kMaxPostingPositions || m > in.rest().size()) return false;
    uint64_t position = 0;
    for (uint64_t j = 0; j < m; ++j) {
      uint64_t step = 0;
      if (!in.GetVarint64(step) || (j > 0 && step == 0)) return false;
      position += step;
      if (position >= kPostingPositionLimit) return false;
      out.positions.push_back(static_cast<uint32_t>(position));
    }
    out.position_begin.push_back(static_cast<uint32_t>(out.positions.size()));
  }
  return in.empty();
}

void PostingPositionReader::Reset(std::string_view bytes) {
  bytes_.assign(bytes);
  offset_ = 0;
  next_index_ = 0;
  damaged_ = false;
}

bool PostingPositionReader::Skip(std::vector<uint32_t>* out) {
  const char* p = bytes_.data() + offset_;
  const char* const end = bytes_.data() + bytes_.size();
  uint64_t m = 0;
  if (!ReadVarint(p, end, m) || m > kMaxPostingPositions) return false;
  uint64_t position = 0;
  for (uint64_t j = 0; j < m; ++j) {
    uint64_t step = 0;
    if (!ReadVarint(p, end, step) || (j > 0 && step == 0)) return false;
    position += step;
    if (position >= kPostingPositionLimit) return false;
    if (out != nullptr) out->push_back(static_cast<uint32_t>(position));
  }
  offset_ = static_cast<size_t>(p - bytes_.data());
  return true;
}

void PostingPositionReader::Read(size_t index, std::vector<uint32_t>* out) {
  out->clear();
  while (!damaged_ && next_index_ < index) {
    damaged_ = !Skip(nullptr);
    ++next_index_;
  }
  if (damaged_ || next_index_ != index) return;
  damaged_ = !Skip(out);
  ++next_index_;
  if (damaged_) out->clear();
}

namespace {

// One id's positions (ascending, distinct) appended to `out`: an empty range, "unknown", when
// there are none or they cannot be stored.
void AppendPositions(std::span<const uint32_t> positions, PostingList& out) {
  if (Storable(positions)) {
    out.positions.insert(out.positions.end(), positions.begin(), positions.end());
  }
  out.position_begin.push_back(static_cast<uint32_t>(out.positions.size()));
}

// The union when no two lists' id ranges overlap, as they do not when the operands are groups
// written one after another (a flush's merge, issue #17): the lists joined in id order, without
// UnionPostings' sort. False (out untouched) when two ranges overlap.
bool JoinDisjoint(std::span<const PostingList> lists, bool with_positions, PostingList& out) {
  std::vector<uint32_t> order;
  order.reserve(lists.size());
  for (uint32_t l = 0; l < lists.size(); ++l) {
    if (!lists[l].doc_ids.empty()) order.push_back(l);
  }
  // Ids descend within a list: front() is its largest, back() its smallest.
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return lists[a].doc_ids.front() > lists[b].doc_ids.front();
  });
  for (size_t k = 1; k < order.size(); ++k) {
    if (lists[order[k - 1]].doc_ids.back() <= lists[order[k]].doc_ids.front()) return false;
  }
  if (with_positions) out.position_begin.push_back(0);
  for (uint32_t l : order) {
    const PostingList& list = lists[l];
    out.doc_ids.insert(out.doc_ids.end(), list.doc_ids.begin(), list.doc_ids.end());
    if (!with_positions) continue;
    for (size_t i = 0; i < list.doc_ids.size(); ++i) AppendPositions(list.PositionsOf(i), out);
  }
  return true;
}

}  // namespace

void UnionPostings(std::span<const PostingList> lists, PostingList& out) {
  out.Clear();
  bool with_positions = false;
  for (const PostingList& list : lists) {
    if (list.whole_block) {
      out.whole_block = true;
      return;
    }
    with_positions = with_positions || list.has_positions();
  }
  if (JoinDisjoint(lists, with_positions, out)) return;
  struct Ref {
    uint64_t doc_id;
    uint32_t list, index;
  };
  std::vector<Ref> refs;
  for (uint32_t l = 0; l < lists.size(); ++l) {
    const PostingList& list = lists[l];
    for (uint32_t i = 0; i < list.doc_ids.size(); ++i) refs.push_back({list.doc_ids[i], l, i});
  }
  // Every id gathered, then sorted once: linear in the ids, whatever the number of lists.
  std::sort(refs.begin(), refs.end(), [](const Ref& a, const Ref& b) {
    return std::tie(b.doc_id, a.list, a.index) < std::tie(a.doc_id, b.list, b.index);
  });
  if (with_positions) out.position_begin.push_back(0);
  std::vector<uint32_t> merged;
  for (size_t r = 0; r < refs.size();) {
    size_t end = r + 1;
    while (end < refs.size() && refs[end].doc_id == refs[r].doc_id) ++end;
    out.doc_ids.push_back(refs[r].doc_id);
    if (with_positions) {
      merged.clear();
      bool known = true;
      for (size_t k = r; k < end && known; ++k) {
        const std::span<const uint32_t> p = lists[refs[k].list].PositionsOf(refs[k].index);
        known = !p.empty();
        merged.insert(merged.end(), p.begin(), p.end());
      }
      if (end - r > 1) {
        std::sort(merged.begin(), merged.end());
        merged.erase(std::unique(merged.begin(), merged.end()), merged.end());
      }
      if (!known) merged.clear();
      AppendPositions(merged, out);
    }
    r = end;
  }
}

std::string SearchListKey(std::string_view word_key, uint8_t word_class) {
  std::string key;
  key.reserve(word_key.size() + 2);
  key.append(word_key);
  key.push_back('\0');
  key.push_back(static_cast<char>(word_class));
  return key;
}

std::string ChangedDocumentsListKey() { return SearchListKey("", kChangedDocumentsClass); }

void AppendSearchBlockKey(std::string_view list_key, uint64_t block, std::string& key) {
  key.append(list_key);
  PutFixed64BE(key, ~block);
}

std::string SearchBlockKey(std::string_view list_key, uint64_t block) {
  std::string key;
  key.reserve(list_key.size() + 8);
  AppendSearchBlockKey(list_key, block, key);
  return key;
}

bool ParseSearchBlockKey(std::string_view key, std::string_view& word_key,
                         std::optional<uint8_t>& word_class, uint64_t& block) {
  // A word key holds no 0x00: the first one ends it, whatever the class and block bytes hold.
  const size_t end = key.find('\0');
  if (end == std::string_view::npos) return false;
  const size_t rest = key.size() - end - 1;
  if (rest == 9) {
    word_class = static_cast<uint8_t>(key[end + 1]);
  } else if (rest == 8) {
    word_class.reset();  // format 6 or before
  } else {
    return false;
  }
  word_key = key.substr(0, end);
  block = ~DecodeFixed64BE(key.substr(key.size() - 8));
  return true;
}

uint64_t PostingBuilder::ListKeyHash(std::string_view word_key, uint8_t word_class) const {
  const uint64_t h = key_hash_ ? (*key_hash_)(word_key) : std::hash<std::string_view>{}(word_key);
  return (h ^ (uint64_t{word_class} + 1) * 0x9E3779B97F4A7C15ull) * 0xFF51AFD7ED558CCDull;
}

std::string_view PostingBuilder::ListKey(uint32_t list) const {
  const Slot& slot = slots_[list_slot_[list]];
  return std::string_view(list_keys_).substr(slot.offset, slot.length);
}

void PostingBuilder::Grow() { Rebuild(slots_.empty() ? 1024 : slots_.size() * 2); }

void PostingBuilder::Rebuild(size_t slots) {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(slots, Slot{});
  const size_t mask = slots_.size() - 1;
  for (Slot slot : old) {
    if (slot.length == 0) continue;
    const std::string_view key = std::string_view(list_keys_).substr(slot.offset, slot.length);
    const uint64_t hash =
        ListKeyHash(key.substr(0, key.size() - 2), static_cast<uint8_t>(key.back()));
    size_t i = hash & mask;
    while (slots_[i].length != 0) i = (i + 1) & mask;
    slot.tag = static_cast<uint32_t>(hash >> 32);  // anew: the hash may have changed
    slots_[i] = slot;
    list_slot_[slot.list] = static_cast<uint32_t>(i);
  }
}

uint32_t PostingBuilder::ListOf(std::string_view word_key, uint8_t word_class, uint64_t hash) {
  const size_t mask = slots_.size() - 1;
  const size_t length = word_key.size() + 2;  // the word, 0x00, the class
  size_t probes = 0;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    // All but never by chance at half load; words picked to share a slot of the fixed hash:
    // from now on the keyed one (posting_list.h). A switch by chance costs one rebuild.
    if (++probes > kMaxProbes && !key_hash_) {
      key_hash_.emplace();
      Rebuild(slots_.size());
      return ListOf(word_key, word_class, ListKeyHash(word_key, word_class));
    }
    Slot& slot = slots_[i];
    if (slot.length == 0) {
      // New: interned, and the table grown past half full.
      const uint32_t list = static_cast<uint32_t>(list_slot_.size());
      slot = Slot{static_cast<uint32_t>(hash >> 32), static_cast<uint32_t>(list_keys_.size()), list,
                  static_cast<uint32_t>(length)};
      list_keys_.append(word_key);
      list_keys_.push_back('\0');
      list_keys_.push_back(static_cast<char>(word_class));
      list_slot_.push_back(static_cast<uint32_t>(i));
      if (list_slot_.size() * 2 > slots_.size()) Grow();
      return list;
    }
    if (slot.tag == static_cast<uint32_t>(hash >> 32) && slot.length == length) {
      const char* stored = list_keys_.data() + slot.offset;
      if (std::memcmp(stored, word_key.data(), word_key.size()) == 0 &&
          stored[length - 1] == static_cast<char>(word_class)) {
        return slot.list;
      }
    }
  }
}

void PostingBuilder::Add(const std::vector<std::string>& word_keys,
                         const std::vector<uint8_t>& word_classes,
                         const keywords::PositionLists& positions, uint64_t doc_id) {
  const bool with_positions = positions.size() == word_keys.size();
  const size_t keys = std::min(word_keys.size(), word_classes.size());
  if (slots_.empty()) Grow();
  // The hashes first, each slot fetched ahead: the table outgrows the caches, and a page's words
  // are mostly unrelated slots.
  hashes_.resize(keys);
  const size_t mask = slots_.size() - 1;
  for (size_t k = 0; k < keys; ++k) {
    hashes_[k] = ListKeyHash(word_keys[k], word_classes[k]);
    __builtin_prefetch(&slots_[hashes_[k] & mask]);
  }
  const bool keyed = key_hash_.has_value();
  for (size_t k = 0; k < keys; ++k) {
    // A switch to the keyed hash (ListOf) makes the hashes computed before it stale.
    const uint64_t hash =
        key_hash_.has_value() == keyed ? hashes_[k] : ListKeyHash(word_keys[k], word_classes[k]);
    Posting posting{doc_id, ListOf(word_keys[k], word_classes[k], hash),
                    static_cast<uint32_t>(positions_.size()), 0};
    if (with_positions && Storable(positions[k])) {
      positions_.insert(positions_.end(), positions[k].begin(), positions[k].end());
      posting.count = static_cast<uint32_t>(positions[k].size());
    }
    postings_.push_back(posting);
  }
}

void PostingBuilder::AppendFrom(const PostingBuilder& other) {
  if (slots_.empty()) Grow();
  positions_.reserve(positions_.size() + other.positions_.size());
  postings_.reserve(postings_.size() + other.postings_.size());
  for (const Posting& posting : other.postings_) {
    const std::string_view key = other.ListKey(posting.list);  // word key, 0x00, class
    const std::string_view word_key = key.substr(0, key.size() - 2);
    const uint8_t word_class = static_cast<uint8_t>(key.back());
    Posting copy = posting;
    copy.list = ListOf(word_key, word_class, ListKeyHash(word_key, word_class));
    copy.begin = static_cast<uint32_t>(positions_.size());
    positions_.insert(positions_.end(), other.positions_.begin() + posting.begin,
                      other.positions_.begin() + posting.begin + posting.count);
    postings_.push_back(copy);
  }
}

void PostingBuilder::Clear() {
  std::fill(slots_.begin(), slots_.end(), Slot{});
  list_keys_.clear();
  list_slot_.clear();
  postings_.clear();
  positions_.clear();
}

rocksdb::Status PostingBuilder::AddTo(rocksdb::WriteBatch& batch,
                                      rocksdb::ColumnFamilyHandle* family) const {
  // In key order: the memtable inserts the batch's entries one after the other, and each starts
  // its skip-list search from where the previous one went (the family's insert hint, store_db.cc).
  // List keys in order give keys in order (a word key holds no 0x00, which ends it in its keys).
  const size_t lists = list_slot_.size();
  // In the builder's scratch (kept, as the builder's own memory is, from one flush to the next:
  // vectors of megabytes made anew each flush were fresh pages to fault in, issue #17).
  std::vector<std::pair<std::string_view, uint32_t>>& order = scratch_.order;  // (list key, list)
  order.clear();
  order.reserve(lists);
  for (uint32_t l = 0; l < lists; ++l) order.emplace_back(ListKey(l), l);
  std::sort(order.begin(), order.end());
  // Each list's postings together, in the order they came (a counting sort by list).
  std::vector<uint32_t>& first = scratch_.first;
  first.assign(lists + 1, 0);
  for (const Posting& posting : postings_) ++first[posting.list + 1];
  std::partial_sum(first.begin(), first.end(), first.begin());
  std::vector<const Posting*>& by_list = scratch_.by_list;
  by_list.resize(postings_.size());
  {
    std::vector<uint32_t>& next = scratch_.next;
    next.assign(first.begin(), first.end() - 1);
    for (const Posting& posting : postings_) by_list[next[posting.list]++] = &posting;
  }
  rocksdb::Status status;
  PostingList list;
  std::vector<uint32_t> merged;
  std::string key, value;  // each entry's, built in place: no allocation per entry
  for (const auto& [list_key, l] : order) {
    const auto postings_begin = by_list.begin() + first[l],
               postings_end = by_list.begin() + first[l + 1];
    // Newest first, one list per block, the newest block first (its key sorts first). Usually
    // they came ascending (a group's new documents).
    const auto newer = [](const Posting* a, const Posting* b) { return a->doc_id > b->doc_id; };
    if (std::is_sorted(postings_begin, postings_end,
                       [&](const Posting* a, const Posting* b) { return newer(b, a); })) {
      std::reverse(postings_begin, postings_end);
    } else {
      std::stable_sort(postings_begin, postings_end, newer);
    }
    for (auto begin = postings_begin; begin != postings_end && status.ok();) {
      const uint64_t block = PostingBlockOf((*begin)->doc_id);
      list.Clear();
      list.position_begin.push_back(0);
      auto it = begin;
      for (; it != postings_end && PostingBlockOf((*it)->doc_id) == block;) {
        auto same = it;
        bool known = true;
        merged.clear();
        for (; same != postings_end && (*same)->doc_id == (*it)->doc_id; ++same) {
          known = known && (*same)->count != 0;
          merged.insert(merged.end(), positions_.begin() + (*same)->begin,
                        positions_.begin() + (*same)->begin + (*same)->count);
        }
        if (same - it > 1) {  // a document added twice: the union of its positions
          std::sort(merged.begin(), merged.end());
          merged.erase(std::unique(merged.begin(), merged.end()), merged.end());
        }
        list.doc_ids.push_back((*it)->doc_id);
        if (known && Storable(merged)) {
          list.positions.insert(list.positions.end(), merged.begin(), merged.end());
        }
        list.position_begin.push_back(static_cast<uint32_t>(list.positions.size()));
        it = same;
      }
      key.clear();
      AppendSearchBlockKey(list_key, block, key);
      value.clear();
      AppendPostingList(block, list, value);
      status = batch.Merge(family, key, value);
      begin = it;
    }
    if (!status.ok()) break;
  }
  return status;
}

}  // namespace kuzet::storage
