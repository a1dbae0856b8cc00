#include "storage/search_index.h"

#include <rocksdb/db.h>
#include <rocksdb/snapshot.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <bit>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <utility>

#include "extractor/keywords/search_keys.h"
#include "storage/encoding.h"
#include "storage/posting_cursor.h"
#include "storage/records.h"
#include "storage/store_db.h"

namespace kuzet::storage {

Result<keywords::Matcher> CompileSearchQuery(std::string_view text,
                                             const keywords::KeyFolder* folder) {
  keywords::RuleSpec spec;
  spec.id = "search";
  spec.query = std::string(text);
  auto matcher = folder != nullptr ? keywords::Matcher::Compile({spec}, *folder)
                                   : keywords::Matcher::Compile({spec});
  if (!matcher.ok()) {
    // The compiler names the rule ("rules.search: query: column 3: ..."); a searcher wrote no
    // rule, so only the part from "query:" on is theirs.
    const std::string& message = matcher.status().message();
    const size_t at = message.find("query: ");
    return Status::InvalidArgument(at == std::string::npos ? message : message.substr(at));
  }
  return matcher;
}

namespace {

// Distinct word keys a term prefix may expand to before its leaf gives up narrowing (every
// document becomes a candidate, still verified): each key is one more seek per step. A whole
// query (up to 1,000 bytes of terms) gets kMaxKeysPerSearch. Keys the term word cannot be
// (SearchPlan::KeyMayMatch: "strikebreaker" for strike) cost a seek each while planning but no
// list: a prefix visits at most kMaxKeysVisitedPerPrefix of them and the list's keys together,
// the whole query kMaxKeysPerSearch.
constexpr size_t kMaxKeysPerPrefix = 2048;
constexpr size_t kMaxKeysVisitedPerPrefix = 4 * kMaxKeysPerPrefix;
constexpr size_t kMaxKeysPerSearch = 16384;

// A posting block's documents as a bitmap: bit i is doc id PostingBlockFirst(block) + i.
using BlockBits = std::array<uint64_t, kPostingBlockDocs / 64>;

// Posting cursors of one search that walk on an iterator of their own (PostingCursor): each
// holds a RocksDB iterator (its pinned blocks and version), so a query of many keys (a prefix
// term, up to kMaxKeysPerSearch lists) must not make one per list; the others seek on their
// word's shared iterator, as before.
constexpr size_t kMaxOwnIteratorsPerSearch = 256;

// Documents in descending id order. Next(at_most): the largest id <= at_most that the stream
// holds, 0 when none. Calls come with at_most never growing.
class DocStream {
 public:
  virtual ~DocStream() = default;
  virtual uint64_t Next(uint64_t at_most) = 0;
  // Every document: an AND may drop it, an OR becomes it.
  virtual bool all() const { return false; }
  // The stream's documents in `block` (nullptr: it has none there, or cannot say: has_bits),
  // and into *below the highest lower block that may hold any (nullopt: none). Asked with
  // `block` never growing, as Next's at_most. An intersection of streams that all have bits is
  // taken a block at a time (Leapfrog).
  virtual bool has_bits() const { return false; }
  virtual const BlockBits* Bits(uint64_t /*block*/, std::optional<uint64_t>* below) {
    below->reset();
    return nullptr;
  }
};

// The largest id <= at_most in block `block` of `bits`, 0 when none.
uint64_t HighestAtOrBelow(const BlockBits& bits, uint64_t block, uint64_t at_most) {
  const uint64_t offset = at_most - PostingBlockFirst(block);
  size_t w = offset >> 6;
  const unsigned bit = offset & 63;
  uint64_t word = bits[w] & (bit == 63 ? ~uint64_t{0} : (uint64_t{2} << bit) - 1);
  for (;;) {
    if (word != 0) return PostingBlockFirst(block) + w * 64 + (63 - std::countl_zero(word));
    if (w == 0) return 0;
    word = bits[--w];
  }
}

// Reads go through one iterator per stream; a RocksDB error ends the stream and is kept in
// *status (the search then fails loudly rather than answer from part of the index).
struct ReadContext {
  const StoreDb& db;
  // Every read of one search, index and documents, sees one state of the store (a snapshot on a
  // read-write store; a read-only one checks its sequence number instead: Searcher::Search).
  rocksdb::ReadOptions read;
  Status status;
  size_t keys_left = kMaxKeysPerSearch;
  size_t own_iterators_left = kMaxOwnIteratorsPerSearch;
  bool gave_up_narrowing = false;  // logged once per search
  void Fail(const rocksdb::Status& s, std::string_view what) {
    if (status.ok()) status = db.Error(s, what);
  }
};

// Every stored document: what a plan node the index cannot narrow gives.
class AllDocuments : public DocStream {
 public:
  explicit AllDocuments(ReadContext& ctx)
      : ctx_(ctx), it_(ctx.db.db()->NewIterator(ctx.read, ctx.db.Family(kDocsFamily))) {}
  bool all() const override { return true; }
  uint64_t Next(uint64_t at_most) override {
    if (at_most == 0) return 0;
    it_->SeekForPrev(IdKey(at_most));
    if (!it_->Valid()) {
      if (!it_->status().ok()) ctx_.Fail(it_->status(), "cannot read documents to search");
      return 0;
    }
    const rocksdb::Slice key = it_->key();
    return key.size() == 8 ? DecodeFixed64BE(key.ToStringView()) : 0;
  }

 private:
  ReadContext& ctx_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

// The documents above the meta record search_indexed_through: stored, their postings perhaps
// still in the writer's buffer (PageWriter::kSearchBufferDocuments), so every one is a candidate.
class DocsAbove : public DocStream {
 public:
  DocsAbove(ReadContext& ctx, uint64_t indexed_through)
      : documents_(ctx), indexed_through_(indexed_through) {}
  uint64_t Next(uint64_t at_most) override {
    if (at_most <= indexed_through_) return 0;
    const uint64_t id = documents_.Next(at_most);
    return id > indexed_through_ ? id : 0;
  }

 private:
  AllDocuments documents_;
  const uint64_t indexed_through_;
};

// The record search_indexed_through: every document up to it has its postings written.
Result<uint64_t> IndexedThrough(const StoreDb& db, const rocksdb::ReadOptions& read) {
  std::string value;
  const rocksdb::Status s =
      db.db()->Get(read, db.Family(kMetaFamily), kSearchIndexedThroughKey, &value);
  if (s.IsNotFound()) {
    // A format 4 store (read-only, not raised yet) indexed every document in its own batch; in
    // any later one the record is missing only if damaged: then no posting is trusted to be
    // complete.
    return db.opened_format_version() == kFormatVersionIndexedThroughAll ? UINT64_MAX : 0;
  }
  if (!s.ok()) return db.Error(s, "cannot read meta");
  if (value.size() != 8) return uint64_t{0};
  return DecodeFixed64BE(value);
}

// A document as `read` sees it; nullopt when absent.
Result<std::optional<Document>> ReadDocument(const StoreDb& db, const rocksdb::ReadOptions& read,
                                             uint64_t id) {
  std::string value;
  const rocksdb::Status s = db.db()->Get(read, db.Family(kDocsFamily), IdKey(id), &value);
  if (s.IsNotFound()) return std::optional<Document>();
  if (!s.ok()) return db.Error(s, "cannot read docs");
  Document doc;
  if (!DecodeDocument(value, doc)) {
    return db.Error(Status::Code::kCorruption, "document " + std::to_string(id) + " is malformed");
  }
  return std::optional<Document>(std::move(doc));
}

// The documents holding a word key that starts with one of the prefixes and that `may_match`
// accepts: one posting list per such distinct key (a PostingCursor), merged. Each list keeps its
// last answer, so a list is asked again only when the merge has gone below it.
class KeyPrefixes : public DocStream {
 public:
  // With `want_positions`, PositionsOf gives the current document's word positions.
  KeyPrefixes(ReadContext& ctx, const std::vector<std::string>& prefixes,
              const std::function<bool(std::string_view word_key,
                                       std::optional<uint8_t> word_class)>& may_match,
              bool want_positions = false)
      : ctx_(ctx), it_(ctx.db.db()->NewIterator(ctx.read, ctx.db.Family(kSearchFamily))) {
    size_t visited = 0;
    for (const std::string& prefix : prefixes) {
      it_->Seek(prefix);
      while (it_->Valid() && it_->key().starts_with(prefix)) {
        const std::string_view key = it_->key().ToStringView();
        std::string_view word;
        std::optional<uint8_t> word_class;
        uint64_t block = 0;
        // Not a posting, or the changed documents' list (no word's): skip it.
        if (!ParseSearchBlockKey(key, word, word_class, block) || word.empty()) {
          it_->Next();
          continue;
        }
        if (lists_.size() == kMaxKeysPerPrefix || visited == kMaxKeysVisitedPerPrefix ||
            ctx_.keys_left == 0) {
          too_many_ = true;
          break;
        }
        ++visited;
        --ctx_.keys_left;
        // The list: the word key, its 0x00 and its class byte (none in a format 6 store).
        std::string list(key.substr(0, word.size() + (word_class ? 2 : 1)));
        if (may_match(word, word_class)) {
          lists_.push_back(List{std::make_unique<PostingCursor>(
              *it_, list, want_positions, [&ctx]() -> std::unique_ptr<rocksdb::Iterator> {
                if (ctx.own_iterators_left == 0) return nullptr;
                --ctx.own_iterators_left;
                return std::unique_ptr<rocksdb::Iterator>(
                    ctx.db.db()->NewIterator(ctx.read, ctx.db.Family(kSearchFamily)));
              })});
        }
        // Past every block of this list: the word's next class, or past the word.
        if (word_class && *word_class != 0xFF) {
          list.back() = static_cast<char>(*word_class + 1);
        } else {
          list.resize(word.size());
          list.push_back('\x01');
        }
        it_->Seek(list);
      }
      if (!it_->status().ok()) ctx_.Fail(it_->status(), "cannot read the search index");
      if (too_many_) break;
    }
    if (too_many_) {
      // Slower, not wrong: every document becomes a candidate (verified, bounded per call).
      ctx.gave_up_narrowing = true;
      all_ = std::make_unique<AllDocuments>(ctx);
    }
  }

  bool all() const override { return all_ != nullptr; }
  // The union of the lists is read a block at a time into a bitmap of the block's 4,096 ids:
  // each id of each list is touched once, and a step of a walk (a leapfrog of a common word and
  // a word of many keys, issue #18: `would AND стран` at 1M documents) is a scan of a few words
  // instead of a visit to every list.
  uint64_t Next(uint64_t at_most) override {
    if (all_) return all_->Next(at_most);
    while (at_most != 0 && !done_) {
      const uint64_t block = PostingBlockOf(at_most);
      if (!union_loaded_ || union_block_ != block) LoadUnion(block);
      if (done_) break;
      if (const uint64_t id = HighestAtOrBelow(bits_, block, at_most); id != 0) return id;
      if (!has_below_) break;
      at_most = PostingBlockLast(below_);
    }
    done_ = true;
    return 0;
  }

  bool has_bits() const override { return all_ == nullptr; }
  const BlockBits* Bits(uint64_t block, std::optional<uint64_t>* below) override {
    below->reset();
    if (all_ || done_) return nullptr;
    if (!union_loaded_ || union_block_ != block) LoadUnion(block);
    if (done_) return nullptr;
    if (has_below_) *below = below_;
    return &bits_;
  }

  // The union of the word positions of `doc`, the document Next returned last, over the keys
  // holding it, into *out (ascending); false when unknown (any key's, or every document a
  // candidate).
  bool PositionsOf(uint64_t doc, std::vector<uint32_t>* out) const {
    out->clear();
    if (all_) return false;
    size_t lists = 0;
    for (const List& list : lists_) {
      if (list.cursor->Next(doc) != doc) continue;
      if (!list.cursor->status().ok())
        ctx_.Fail(list.cursor->status(), "cannot read the search index");
      const std::span<const uint32_t> positions = list.cursor->Positions();
      if (positions.empty()) return false;
      out->insert(out->end(), positions.begin(), positions.end());
      ++lists;
    }
    if (lists > 1) {  // two forms of the word (strike, strikes): one list
      std::sort(out->begin(), out->end());
      out->erase(std::unique(out->begin(), out->end()), out->end());
    }
    return !out->empty();
  }

 private:
  struct List {
    // Its first block on the shared iterator, then on its own (kMaxOwnIteratorsPerSearch).
    std::unique_ptr<PostingCursor> cursor;
  };

  // The ids of every list in `block` into bits_, and below_: the next block down that may hold
  // any (done_ when no list has an id at or below the block's last).
  void LoadUnion(uint64_t block) {
    bits_.fill(0);
    union_block_ = block;
    union_loaded_ = true;
    has_below_ = false;
    below_ = 0;
    bool any = false;
    for (List& list : lists_) {
      uint64_t found = 0;
      const PostingList* ids = list.cursor->Block(block, &found);
      if (!list.cursor->status().ok())
        ctx_.Fail(list.cursor->status(), "cannot read the search index");
      if (ids == nullptr) continue;
      any = true;
      if (found < block) {
        below_ = has_below_ ? std::max(below_, found) : found;
        has_below_ = true;
        continue;
      }
      if (block > 0) {  // the list may go on below: the next block is the highest that can
        below_ = has_below_ ? std::max(below_, block - 1) : block - 1;
        has_below_ = true;
      }
      if (ids->whole_block) {
        bits_.fill(~uint64_t{0});
        continue;
      }
      const uint64_t first = PostingBlockFirst(block);
      for (const uint64_t id : ids->doc_ids) {
        const uint64_t offset = id - first;  // DecodePostingList keeps ids inside the block
        bits_[offset >> 6] |= uint64_t{1} << (offset & 63);
      }
    }
    if (!any) done_ = true;
  }

  ReadContext& ctx_;
  std::unique_ptr<rocksdb::Iterator> it_;
  std::vector<List> lists_;
  bool too_many_ = false;
  std::unique_ptr<AllDocuments> all_;
  BlockBits bits_{};  // the union's ids in union_block_
  uint64_t union_block_ = 0, below_ = 0;
  bool union_loaded_ = false, has_below_ = false, done_ = false;
};

// The stream of each term word (phrase, word index) read with positions, shared by the tree's
// streams and the verification (TermWordTokens): one walk of a word's posting lists per search.
// Every user asks it with at_most never growing (the candidates come newest first).
using WordStreams = std::map<std::pair<uint32_t, uint32_t>, std::shared_ptr<KeyPrefixes>>;

std::shared_ptr<KeyPrefixes> WordStream(ReadContext& ctx, const keywords::SearchPlan& plan,
                                        int node, WordStreams& shared) {
  const keywords::SearchPlan::Node& n = plan.nodes[node];
  std::shared_ptr<KeyPrefixes>& word = shared[{n.phrase, n.word}];
  if (!word) {
    word = std::make_shared<KeyPrefixes>(
        ctx, n.prefixes,
        [&plan, node](std::string_view key, std::optional<uint8_t> word_class) {
          return plan.KeyMayMatch(node, key, word_class);
        },
        /*want_positions=*/true);
  }
  return word;
}

// Leapfrog intersection: the largest id <= at_most that every stream holds, 0 when none. When
// every stream has bits (a word's lists), a block at a time: the AND of their bitmaps, then the
// highest lower block all may share — a common word and a word of other pages (`would AND
// стран`, 0 hits at 1M documents) cost a pass over their blocks instead of a step per document
// of the rarer one.
template <typename Streams>
uint64_t Leapfrog(Streams& streams, uint64_t at_most) {
  if (std::all_of(streams.begin(), streams.end(), [](const auto& s) { return s->has_bits(); })) {
    BlockBits both;
    while (at_most != 0) {
      const uint64_t block = PostingBlockOf(at_most);
      // The next block down all may share: the lowest of their next blocks; none when a stream
      // has nothing lower.
      bool has_next = block > 0;
      uint64_t next = has_next ? block - 1 : 0;
      bool empty = false;
      both.fill(~uint64_t{0});
      for (auto& stream : streams) {
        std::optional<uint64_t> below;
        const BlockBits* bits = stream->Bits(block, &below);
        if (below.has_value()) {
          next = std::min(next, below.value());
        } else {
          has_next = false;
        }
        if (bits == nullptr) {
          empty = true;
          continue;  // still asked: each stream's next block counts
        }
        for (size_t w = 0; w < both.size(); ++w) both[w] &= (*bits)[w];
      }
      if (!empty) {
        if (const uint64_t id = HighestAtOrBelow(both, block, at_most); id != 0) return id;
      }
      if (!has_next) return 0;
      at_most = PostingBlockLast(next);
    }
    return 0;
  }
  uint64_t x = at_most;
  size_t agreeing = 0;
  for (size_t i = 0; agreeing < streams.size(); i = (i + 1) % streams.size()) {
    const uint64_t y = streams[i]->Next(x);
    if (y == 0) return 0;
    if (y == x) {
      ++agreeing;
    } else {
      x = y;
      agreeing = 1;
    }
  }
  return x;
}

// Every child holds the document.
class AllOf : public DocStream {
 public:
  explicit AllOf(std::vector<std::unique_ptr<DocStream>> children)
      : children_(std::move(children)) {}
  uint64_t Next(uint64_t at_most) override { return Leapfrog(children_, at_most); }

 private:
  std::vector<std::unique_ptr<DocStream>> children_;
};

// The documents holding every word of a phrase where some of their positions are consecutive
// (keywords::PhraseMayBeAt; issue #18): a document holding the words apart is never read.
class Phrase : public DocStream {
 public:
  explicit Phrase(std::vector<std::shared_ptr<KeyPrefixes>> words)
      : words_(std::move(words)), positions_(words_.size()) {}
  uint64_t Next(uint64_t at_most) override {
    while (at_most != 0) {
      const uint64_t doc = Leapfrog(words_, at_most);
      if (doc == 0) return 0;
      bool known = true;
      for (size_t j = 0; j < words_.size() && known; ++j) {
        known = words_[j]->PositionsOf(doc, &positions_[j]);
      }
      if (!known || keywords::PhraseMayBeAt(positions_)) return doc;
      at_most = doc - 1;
    }
    return 0;
  }

 private:
  std::vector<std::shared_ptr<KeyPrefixes>> words_;
  std::vector<std::vector<uint32_t>> positions_;  // per word, of the current document
};

// a NEAR/n b of two one-word terms: the documents holding both where some of their positions
// are at most n words apart (keywords::NearMayBeAt).
class Near : public DocStream {
 public:
  Near(std::shared_ptr<KeyPrefixes> a, std::shared_ptr<KeyPrefixes> b, int distance)
      : distance_(distance) {
    sides_.push_back(std::move(a));
    sides_.push_back(std::move(b));
  }
  uint64_t Next(uint64_t at_most) override {
    while (at_most != 0) {
      const uint64_t doc = Leapfrog(sides_, at_most);
      if (doc == 0) return 0;
      if (!sides_[0]->PositionsOf(doc, &a_) || !sides_[1]->PositionsOf(doc, &b_) ||
          keywords::NearMayBeAt(a_, b_, distance_)) {
        return doc;
      }
      at_most = doc - 1;
    }
    return 0;
  }

 private:
  std::vector<std::shared_ptr<KeyPrefixes>> sides_;
  const int distance_;
  std::vector<uint32_t> a_, b_;  // of the current document
};

// A term word's stream where a stream of the tree also reads it (WordStreams).
class SharedWord : public DocStream {
 public:
  explicit SharedWord(std::shared_ptr<KeyPrefixes> word) : word_(std::move(word)) {}
  bool all() const override { return word_->all(); }
  uint64_t Next(uint64_t at_most) override { return word_->Next(at_most); }
  bool has_bits() const override { return word_->has_bits(); }
  const BlockBits* Bits(uint64_t block, std::optional<uint64_t>* below) override {
    return word_->Bits(block, below);
  }

 private:
  std::shared_ptr<KeyPrefixes> word_;
};

class AnyOf : public DocStream {
 public:
  explicit AnyOf(std::vector<std::unique_ptr<DocStream>> children)
      : children_(std::move(children)) {}
  uint64_t Next(uint64_t at_most) override {
    uint64_t best = 0;
    for (auto& child : children_) best = std::max(best, child->Next(at_most));
    return best;
  }

 private:
  std::vector<std::unique_ptr<DocStream>> children_;
};

// The tokens of a candidate document that can be term words of the query: the positions of every
// term word's accepted keys (SearchPlan::word_nodes), for Matcher::FindAllAt; of a phrase of
// several words only those where the positions of all its words line up (keywords::
// PhraseMayBeAt's test at each start), since a phrase's word counts only inside an occurrence of
// the whole phrase. For a document whose postings hold its current text (at or below
// search_indexed_through, read in the same state of the store) these are a superset of the
// tokens FindAll reads as term words in its matches, so FindAllAt gives exactly FindAll's
// matches while folding a few words instead of every distinct one, and breaking the text into
// words only up to the last of them.
class TermWordTokens {
 public:
  TermWordTokens(ReadContext& ctx, const keywords::SearchPlan& plan, WordStreams& shared)
      : known_(plan.words_known), plan_(&plan) {
    for (int node : plan.word_nodes) {
      if (!known_) break;
      words_.push_back(WordStream(ctx, plan, node, shared));
      known_ = !words_.back()->all();
    }
    positions_.resize(words_.size());
  }

  // Whether every term word's keys are within the limits (else Of is always false).
  bool known() const { return known_; }

  // Into *out (ascending, distinct); false when the index does not know them all (a word with
  // too many keys, positions unknown for a key: more than 64, a format 5 list, a whole block).
  // Calls come with `doc` never growing.
  bool Of(uint64_t doc, std::vector<uint32_t>* out) {
    out->clear();
    if (!known_) return false;
    for (size_t i = 0; i < words_.size(); ++i) {
      positions_[i].clear();  // none of its keys: none of its tokens
      if (words_[i]->Next(doc) == doc && !words_[i]->PositionsOf(doc, &positions_[i])) {
        return false;
      }
    }
    keywords::TermWordTokens(*plan_, positions_, out);
    return true;
  }

 private:
  bool known_;
  std::vector<std::shared_ptr<KeyPrefixes>> words_;
  const keywords::SearchPlan* plan_;
  std::vector<std::vector<uint32_t>> positions_;  // per word node, of the current document
};

// A one-word NOT term of the query (SearchPlan::excluding): a candidate whose first token holding
// one of its accepted keys is that term (its own matcher, run on that token alone and the text up
// to it: Matcher::FindAllAt) cannot match, and is rejected without the rest of its text being
// broken into words. That token is a real occurrence in the text read; where it is not one (a key
// the page's language does not inflect so, a stale position, a woman's surname), the candidate is
// verified as any other.
//
// Before that, from the index alone: a candidate in a list whose every word is the term
// (SearchPlan::KeyAlwaysMatches: a known word class, a tail the term always takes) holds the term,
// unless its text changed since it was indexed (the changed documents' list, FORMAT.md: its lists
// may hold an older text's words). Such a candidate is rejected without being read.
class ExcludingTerm {
 public:
  // The term's words are read through `shared`, the streams TermWordTokens also reads them
  // from (SearchPlan::word_nodes holds the NOT words too): one walk of their lists per search.
  ExcludingTerm(ReadContext& ctx, const keywords::SearchPlan& plan,
                const keywords::SearchPlan::Excluding& excluding, keywords::Matcher term,
                WordStreams& shared)
      : term_(std::move(term)),
        changed_it_(ctx.db.db()->NewIterator(ctx.read, ctx.db.Family(kSearchFamily))),
        changed_(*changed_it_, ChangedDocumentsListKey()) {
    for (int node : excluding.word_nodes) {
      words_.push_back(WordStream(ctx, plan, node, shared));
      if (words_.back()->all()) words_.clear();  // no positions: never rejects
      if (words_.empty()) break;
    }
    for (int node : excluding.word_nodes) {
      if (words_.empty()) break;
      surely_.push_back(std::make_unique<KeyPrefixes>(
          ctx, plan.nodes[node].prefixes,
          [&plan, node](std::string_view key, std::optional<uint8_t> word_class) {
            return plan.KeyAlwaysMatches(node, key, word_class);
          }));
      if (surely_.back()->all()) surely_.pop_back();  // too many keys: not from the index
    }
  }

  // Whether the index alone shows the term in document `id` (indexed, read in one state of the
  // store; calls with id never growing).
  bool SurelyIn(uint64_t id) {
    bool in = false;
    for (auto& word : surely_) in = in || word->Next(id) == id;
    if (!in) return false;
    const bool changed = changed_.Next(id) == id;
    if (!changed_.status().ok()) return false;  // read as changed: the document is verified
    return !changed;
  }

  // Whether the term occurs in `d` at its first indexed token (calls with d.id never growing).
  bool OccursIn(const Document& d, keywords::TextBreakers* breakers) {
    uint32_t first = UINT32_MAX;
    for (auto& word : words_) {
      if (word->Next(d.id) != d.id || !word->PositionsOf(d.id, &positions_)) continue;
      first = std::min(first, positions_.front());
    }
    if (first == UINT32_MAX) return false;
    return !term_
                .FindAllAt(d.text, d.lang, d.site_id, std::span<const uint32_t>(&first, 1),
                           breakers, d.token_checkpoints)
                .empty();
  }

  // A read of the changed documents' list failed (the search then fails).
  const rocksdb::Status& status() const { return changed_.status(); }

 private:
  keywords::Matcher term_;
  std::vector<std::shared_ptr<KeyPrefixes>> words_;
  std::vector<uint32_t> positions_;
  std::vector<std::unique_ptr<KeyPrefixes>> surely_;  // lists whose every word is the term
  std::unique_ptr<rocksdb::Iterator> changed_it_;
  PostingCursor changed_;  // FORMAT.md: documents whose lists may hold an older text's words
};

std::unique_ptr<DocStream> MakeStream(ReadContext& ctx, const keywords::SearchPlan& plan, int node,
                                      WordStreams& shared) {
  const keywords::SearchPlan::Node& n = plan.nodes[node];
  std::vector<std::unique_ptr<DocStream>> children;
  switch (n.kind) {
    case keywords::SearchPlan::Kind::kAll:
      return std::make_unique<AllDocuments>(ctx);
    case keywords::SearchPlan::Kind::kKeys:
      return std::make_unique<SharedWord>(WordStream(ctx, plan, node, shared));
    case keywords::SearchPlan::Kind::kPhrase:
    case keywords::SearchPlan::Kind::kNear: {
      // Position tests need each child's keys: kKeys children only (a phrase's words always are;
      // a NEAR side that is a phrase, an OR or a sub-NEAR is tested as AND).
      const bool keys_only = std::all_of(n.children.begin(), n.children.end(), [&](int c) {
        return plan.nodes[c].kind == keywords::SearchPlan::Kind::kKeys;
      });
      if (keys_only) {
        std::vector<std::shared_ptr<KeyPrefixes>> words;
        bool any_all = false;
        for (int child : n.children) {
          words.push_back(WordStream(ctx, plan, child, shared));
          any_all = any_all || words.back()->all();
        }
        // A word with too many keys knows no positions: the others' AND, as below.
        if (!any_all && n.kind == keywords::SearchPlan::Kind::kPhrase) {
          return std::make_unique<Phrase>(std::move(words));
        }
        if (!any_all && words.size() == 2) {
          return std::make_unique<Near>(std::move(words[0]), std::move(words[1]), n.distance);
        }
        for (auto& word : words) {
          if (!word->all()) children.push_back(std::make_unique<SharedWord>(std::move(word)));
        }
        if (children.empty()) return std::make_unique<AllDocuments>(ctx);
        return std::make_unique<AllOf>(std::move(children));
      }
      [[fallthrough]];
    }
    case keywords::SearchPlan::Kind::kAnd:
      for (int child : n.children) {
        auto stream = MakeStream(ctx, plan, child, shared);
        if (!stream->all()) children.push_back(std::move(stream));
      }
      if (children.empty()) return std::make_unique<AllDocuments>(ctx);
      return std::make_unique<AllOf>(std::move(children));
    case keywords::SearchPlan::Kind::kOr:
      for (int child : n.children) {
        auto stream = MakeStream(ctx, plan, child, shared);
        if (stream->all()) return std::make_unique<AllDocuments>(ctx);
        children.push_back(std::move(stream));
      }
      return std::make_unique<AnyOf>(std::move(children));
  }
  return std::make_unique<AllDocuments>(ctx);
}

}  // namespace

Result<keywords::Matcher> Searcher::Compile(std::string_view text) const {
  auto keys = db_.search_keys();
  if (!keys.ok()) return keys.status();
  return CompileSearchQuery(text, &(*keys)->folder());
}

Result<SearchIndexKeys> Searcher::KeysOf(const std::string& utf8_text,
                                         std::string_view lang) const {
  auto keys = db_.search_keys();
  if (!keys.ok()) return keys.status();
  keywords::SearchKeyPositions of = (*keys)->KeysOf(utf8_text, lang);
  return SearchIndexKeys{std::move(of.keys), std::move(of.classes), std::move(of.positions),
                         utf8_text.size(), std::move(of.checkpoints)};
}

keywords::TextBreakers Searcher::TakeBreakers(const keywords::Matcher& matcher) const {
  {
    std::lock_guard lock(idle_breakers_mutex_);
    if (!idle_breakers_.empty()) {
      keywords::TextBreakers breakers = std::move(idle_breakers_.back());
      idle_breakers_.pop_back();
      return breakers;
    }
  }
  return matcher.NewTextBreakers();
}

void Searcher::ReturnBreakers(keywords::TextBreakers breakers) const {
  if (breakers.empty()) return;
  std::lock_guard lock(idle_breakers_mutex_);
  if (idle_breakers_.size() < kMaxIdleBreakers) idle_breakers_.push_back(std::move(breakers));
}

Result<SearchResult> Searcher::Search(const keywords::Matcher& matcher,
                                      const SearchQuery& query) const {
  return Guard(db_.dir(), [&]() -> Result<SearchResult> {
    if (!db_.has_search_index()) {
      return db_.Error(Status::Code::kUnavailable,
                       "the store has no search index yet (format version " +
                           std::to_string(db_.search_index_version()) +
                           "): the next `kuzet run` (or any command that opens it read-write) "
                           "builds it");
    }
    SearchResult result;
    const keywords::SearchPlan plan = keywords::PlanSearch(matcher);
    if (plan.root < 0 || query.limit == 0) return result;
    ReadContext ctx{db_, {}, Status::Ok(), kMaxKeysPerSearch, false};
    // One state of the store for every read: a document is verified on the postings of the text
    // it is read with (TermWordTokens). A read-only store (a RocksDB secondary) has no snapshots;
    // its state moves only when it catches up, which the latest sequence number shows: when it
    // moved during the search, documents are verified on their whole text.
    std::optional<rocksdb::ManagedSnapshot> snapshot;
    const bool read_write = db_.mode() == Store::Mode::kReadWrite;
    if (read_write) {
      snapshot.emplace(db_.db());
      ctx.read.snapshot = snapshot->snapshot();
    }
    const rocksdb::SequenceNumber sequence_at_start = db_.db()->GetLatestSequenceNumber();
    // Read before any posting (on a read-only store): a writer's flush between the two reads
    // then gives more candidates, never fewer.
    auto indexed_through = IndexedThrough(db_, ctx.read);
    if (!indexed_through.ok()) return indexed_through.status();
    WordStreams word_streams;
    std::unique_ptr<DocStream> candidates = MakeStream(ctx, plan, plan.root, word_streams);
    // Its own key budget, and no "does not narrow" message: it only decides how to verify.
    const size_t keys_left = std::exchange(ctx.keys_left, kMaxKeysPerSearch);
    const bool gave_up_narrowing = ctx.gave_up_narrowing;
    TermWordTokens term_word_tokens(ctx, plan, word_streams);
    std::vector<ExcludingTerm> excluding;
    if (term_word_tokens.known()) {
      auto keys = db_.search_keys();
      if (!keys.ok()) return keys.status();
      for (const keywords::SearchPlan::Excluding& e : plan.excluding) {
        keywords::RuleSpec spec;  // the term alone, as the query's rule reads it
        spec.id = "search";
        spec.terms = {e.term};
        auto term = keywords::Matcher::Compile({spec}, (*keys)->folder());
        // It compiled as part of the query; were it refused alone, it just rejects nothing.
        if (term.ok()) excluding.emplace_back(ctx, plan, e, std::move(term).value(), word_streams);
      }
    }
    ctx.keys_left = keys_left;
    ctx.gave_up_narrowing = gave_up_narrowing;
    std::vector<uint32_t> tokens;
    keywords::TextBreakers breakers = TakeBreakers(matcher);
    struct Return {  // on every way out of the search
      const Searcher& searcher;
      keywords::TextBreakers& breakers;
      ~Return() { searcher.ReturnBreakers(std::move(breakers)); }
    } returned{*this, breakers};
    if (!candidates->all() && *indexed_through != UINT64_MAX) {
      std::vector<std::unique_ptr<DocStream>> streams;
      streams.push_back(std::move(candidates));
      streams.push_back(std::make_unique<DocsAbove>(ctx, *indexed_through));
      candidates = std::make_unique<AnyOf>(std::move(streams));
    }
    if (ctx.gave_up_narrowing) {
      spdlog::info(
          "data dir {}: search: a term word expands to more than {} index keys (or its "
          "prefixes start more than {}, or the query's more than {}): it does not narrow the "
          "candidates",
          db_.dir(), kMaxKeysPerPrefix, kMaxKeysVisitedPerPrefix, kMaxKeysPerSearch);
    }
    uint64_t at_most = query.before_doc != 0 ? query.before_doc - 1 : UINT64_MAX;
    while (at_most != 0) {
      const uint64_t doc_id = candidates->Next(at_most);
      if (!ctx.status.ok()) return ctx.status;
      if (doc_id == 0) break;
      if (result.hits.size() == query.limit ||
          result.examined + result.rejected_unread == query.max_examined) {
        result.next_before = doc_id + 1;
        break;
      }
      at_most = doc_id - 1;
      // An indexed candidate the index shows holding a NOT term, read in one state of the store.
      if (doc_id <= *indexed_through && !excluding.empty() &&
          (read_write || db_.db()->GetLatestSequenceNumber() == sequence_at_start)) {
        const bool excluded = std::any_of(excluding.begin(), excluding.end(),
                                          [&](ExcludingTerm& e) { return e.SurelyIn(doc_id); });
        for (const ExcludingTerm& e : excluding) {
          if (!e.status().ok()) return db_.Error(e.status(), "cannot read the search index");
        }
        if (!ctx.status.ok()) return ctx.status;
        if (excluded) {
          ++result.rejected_unread;
          continue;
        }
      }
      ++result.examined;
      auto doc = ReadDocument(db_, ctx.read, doc_id);
      if (!doc.ok()) return doc.status();
      if (!doc->has_value()) continue;  // a posting of no document: nothing to show
      const Document& d = **doc;
      if (!query.site.empty() && d.site_id != query.site) continue;
      if (!query.lang.empty() && d.lang != query.lang) continue;
      if (d.fetched_at_us < query.since_us || d.fetched_at_us >= query.until_us) continue;
      const bool one_state = read_write || db_.db()->GetLatestSequenceNumber() == sequence_at_start;
      std::vector<keywords::Match> matches;
      if (doc_id <= *indexed_through && one_state && term_word_tokens.Of(doc_id, &tokens)) {
        if (!ctx.status.ok()) return ctx.status;
        ++result.verified_at_positions;
        const bool excluded =
            std::any_of(excluding.begin(), excluding.end(),
                        [&](ExcludingTerm& e) { return e.OccursIn(d, &breakers); });
        if (!ctx.status.ok()) return ctx.status;
        if (excluded) {
          ++result.rejected_by_not_term;
          continue;
        }
        if (!tokens.empty()) {
          matches =
              matcher.FindAllAt(d.text, d.lang, d.site_id, tokens, &breakers, d.token_checkpoints);
        }
      } else {
        if (!ctx.status.ok()) return ctx.status;
        matches = matcher.FindAll(d.text, d.lang, d.site_id, nullptr, nullptr, &breakers);
      }
      if (matches.empty()) continue;
      result.hits.push_back(SearchHit{d.id, d.site_id, d.url, d.title, d.lang, d.fetched_at_us,
                                      d.first_seen_us, /*story_id: below*/ 0, std::move(matches)});
    }
    std::vector<uint64_t> hit_ids;
    hit_ids.reserve(result.hits.size());
    for (const SearchHit& hit : result.hits) hit_ids.push_back(hit.doc_id);
    auto stories = db_.StoryIdsOf(hit_ids);
    if (!stories.ok()) return stories.status();
    for (size_t i = 0; i < result.hits.size(); ++i) result.hits[i].story_id = (*stories)[i];
    return result;
  });
}

}  // namespace kuzet::storage
