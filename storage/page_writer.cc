#include "storage/page_writer.h"

#include <rocksdb/db.h>
#include <rocksdb/utilities/write_batch_with_index.h>

#include <algorithm>
#include <array>
#include <map>
#include <mutex>
#include <set>
#include <tuple>
#include <utility>

#include "base/hex.h"
#include "base/time.h"
#include "storage/encoding.h"
#include "storage/posting_list.h"
#include "storage/records.h"
#include "storage/search_index.h"
#include "storage/simhash.h"
#include "storage/store_db.h"

namespace kuzet::storage {

namespace {

// Story drift (storage/FORMAT.md, *Invariants* 8): a new document joins a story only when it is
// also within this distance of the story's first document: at most two near-duplicate steps
// from it (a copy of a copy), so a chain of small edits cannot carry a story away. On
// shared/corpus (eval_dedup) 6 keeps every join that unbounded chaining made (recall 0.574,
// precision 1.000); 3 (one step) lost 15 heavily edited copies (recall 0.557).
constexpr int kMaxStoryDistance = 2 * kMaxNearDuplicateDistance;
// Near documents whose story is checked before a new document gives up and begins its own.
constexpr size_t kMaxStoryCandidates = 16;

// PutPages' steps over the store's database, each adding to the group's batch: AddPage decides
// between an unchanged page, an exact duplicate of another document, and a new or changed
// document (whose story PutStory and whose new mentions AddMentions add).
class WriterSteps {
 public:
  explicit WriterSteps(StoreDb& store) : store_(store) {}

  // What a page's write needs of its text, computed before the write mutex is taken.
  struct PageKeys {
    std::string fingerprint_key;  // SHA-256 of the normalized text (raw bytes)
    std::string content_hash;     // the same in hex
    std::optional<uint64_t> simhash;
    int64_t now_us = 0;  // the page's fetch time
    // The text's search keys when the caller did not compute them ahead (PageInput::search_keys):
    // computed under the write mutex by SearchKeysOf, and only for a text the group stores.
    std::optional<SearchIndexKeys> search_keys;
  };
  // The four permuted-prefix buckets a SimHash falls in (one MultiGet), keyed by bucket key.
  using SimHashBuckets = std::map<std::string, std::vector<SimHashEntry>, std::less<>>;

  Status ValidatePage(const PageInput& page) const;
  Result<PutPageResult> PutPage(const PageInput& page);
  Result<std::vector<PutPageResult>> PutPages(std::span<const PageInput> pages);
  PageKeys KeysOf(const PageInput& page);
  Result<PutPageResult> AddPage(GroupWrite& group, const PageInput& page, PageKeys& keys);
  // The page's search keys: the caller's, computed ahead, or else computed once into `keys`.
  Result<const SearchIndexKeys*> SearchKeysOf(const PageInput& page, PageKeys& keys);
  Result<PutPageResult> AddUnchanged(GroupWrite& group, const PageInput& page,
                                     const UrlState& state);
  Result<PutPageResult> AddDuplicate(GroupWrite& group, const PageInput& page, uint64_t original_id,
                                     UrlState state);
  Result<PutPageResult> AddDocument(GroupWrite& group, const PageInput& page, PageKeys& keys,
                                    std::optional<Document> owned, bool text_known, UrlState state);
  Result<int> AddMentions(GroupWrite& group, const PageInput& page, uint64_t doc_id,
                          uint64_t story_id, bool new_document, int64_t now_us);
  // A mention's record and entries (FORMAT.md, *Invariants* 3), and its outbox entry if `alert`.
  void PutMention(GroupWrite& group, const Mention& m, const std::string& doc_rule_key, bool alert);
  // PageWriter::AddMentions.
  Result<int> AddFoundMentions(std::span<const DocumentMentions> found,
                               const AddMentionsOptions& options);
  Status ValidRuleId(std::string_view rule_id, const std::string& where) const;
  // The four buckets `simhash` falls in, read through the group's writes.
  Status LoadSimHashBuckets(uint64_t simhash, SimHashBuckets& buckets, GroupWrite* group) const;
  // The story a new document with `simhash` joins (FORMAT.md, *Invariants* 8): that of the
  // nearest document in `buckets` within kMaxNearDuplicateDistance whose story's first document
  // is within kMaxStoryDistance of `simhash` too; nullopt: it begins a story.
  Result<std::optional<uint64_t>> StoryToJoin(uint64_t simhash, const SimHashBuckets& buckets,
                                              GroupWrite* group) const;
  // Adds the story entries of document `doc_id` (new, or with new text) and returns its story.
  Result<uint64_t> PutStory(GroupWrite& group, uint64_t doc_id, bool new_document,
                            std::optional<uint64_t> simhash, int64_t first_seen_us);
  // Adds documents and places to the story's count record (read-modify-write under the mutex).
  Status AddToStoryCount(GroupWrite& group, uint64_t story_id, uint64_t documents, uint64_t places);
  Status RecordFetch(const std::string& url, int http_status, int64_t fetched_at_us,
                     const std::string& etag, const std::string& last_modified);
  // Archives a page with mentions (PageInput::archive) and adds its capture to the batch: the
  // archive is durable before the batch is written, so a stored capture never points at a record
  // a crash lost (FORMAT.md, `evidence`).
  Status AddEvidence(GroupWrite& group, const PageInput& page, uint64_t doc_id,
                     int64_t& captured_at_us);
  // A page that stored its document's first mention starts the document's watch
  // (PageInput::watch): version 0 (this fetch) and the first queue entry.
  Status AddWatchStart(GroupWrite& group, const PageInput& page, const PageKeys& keys,
                       const PutPageResult& result, int64_t captured_at_us);
  Result<PutVersionResult> PutVersion(const VersionInput& input);
  // The ids of the document's mentions (its doc_rule entries).
  Result<std::vector<uint64_t>> MentionIdsOf(uint64_t doc_id) const;
  // The latest capture of `url` stored for the document, if any.
  Result<std::optional<EvidenceCapture>> LatestCapture(uint64_t doc_id,
                                                       const std::string& url) const;
  // The search family's entries of every document the group stores a text for (new or
  // changed; an unchanged page or a duplicate URL adds no text). Only the text's word keys are
  // computed here, for the pages that need them. Entries of a changed document's earlier text
  // stay: a search verifies every candidate on the stored text (FORMAT.md, *search*).
  // A new document's postings go to the store's buffer (StoreDb::SearchBuffer), which the
  // group's batch writes (`flush`) when it holds kSearchBufferDocuments documents or its block
  // ends; a changed document's go into the batch at once.
  struct SearchFlush {
    std::optional<StoreDb::SearchBuffer> before;  // the buffer before the group flushed it
    std::optional<uint64_t> indexed_through;      // the record the batch writes
  };
  Status AddSearchPostings(GroupWrite& group, std::span<const PageInput> pages,
                           std::span<PageKeys> keys, const std::vector<PutPageResult>& results,
                           SearchFlush& flush);
  // Adds the buffer's Merges and the advanced record to the group's batch.
  Status FlushSearchBuffer(GroupWrite& group, SearchFlush& flush);

 private:
  StoreDb& store_;
};

Status WriterSteps::ValidatePage(const PageInput& page) const {
  if (page.url.empty()) return store_.Error(Status::Code::kInvalidArgument, "page has no URL");
  if (page.site_id.find('\0') != std::string::npos) {
    return store_.Error(Status::Code::kInvalidArgument,
                        page.url + ": site id must hold no NUL byte");
  }
  if (page.archive && page.archive_sync == nullptr) {
    return store_.Error(Status::Code::kInvalidArgument,
                        page.url + ": an evidence archive without its archive_sync");
  }
  for (const MentionInput& m : page.mentions) {
    if (m.rule_id.empty() ||
        m.rule_id.find_first_of(std::string_view("\0\x01", 2)) != std::string::npos) {
      return store_.Error(Status::Code::kInvalidArgument,
                          page.url + ": rule id must be non-empty and hold no 0x00 or 0x01 byte");
    }
  }
  return Status::Ok();
}

Result<PutPageResult> WriterSteps::PutPage(const PageInput& page) {
  auto results = PutPages(std::span<const PageInput>(&page, 1));
  if (!results.ok()) return results.status();
  return results->front();
}

Result<std::vector<PutPageResult>> WriterSteps::PutPages(std::span<const PageInput> pages) {
  if (Status s = store_.RequireWritable("cannot store pages"); !s.ok()) return s;
  if (pages.size() > PageWriter::kMaxPagesPerGroup) {
    return store_.Error(Status::Code::kInvalidArgument,
                        "a group of " + std::to_string(pages.size()) +
                            " pages is over the limit of " +
                            std::to_string(PageWriter::kMaxPagesPerGroup));
  }
  // Every page is checked before anything is written: a refused page leaves no trace, and
  // neither do the others of its group.
  for (const PageInput& page : pages) {
    if (Status s = ValidatePage(page); !s.ok()) return s;
  }
  // Folded and hashed outside the write mutex: the costly part of a page that needs no reads.
  std::vector<PageKeys> keys;
  keys.reserve(pages.size());
  for (const PageInput& page : pages) keys.push_back(KeysOf(page));

  std::lock_guard<std::mutex> lock(store_.write_mutex());
  GroupWrite group(store_);
  std::vector<PutPageResult> results;
  results.reserve(pages.size());
  std::vector<EvidenceSync*> evidence_syncs;  // each archive the group wrote to, once
  for (size_t i = 0; i < pages.size(); ++i) {
    auto result = AddPage(group, pages[i], keys[i]);
    if (!result.ok()) return result.status();
    int64_t captured_at_us = 0;
    if (pages[i].archive && !pages[i].mentions.empty()) {
      if (Status s = AddEvidence(group, pages[i], result->doc_id, captured_at_us); !s.ok()) {
        return s;
      }
      if (std::find(evidence_syncs.begin(), evidence_syncs.end(), pages[i].archive_sync) ==
          evidence_syncs.end()) {
        evidence_syncs.push_back(pages[i].archive_sync);
      }
    }
    if (Status s = AddWatchStart(group, pages[i], keys[i], *result, captured_at_us); !s.ok()) {
      return s;
    }
    results.push_back(*result);
  }
  // One sync per group, not per page (issue #20): the captures in the batch point at records
  // that are durable before the batch is; a crash before the batch leaves only unnamed records.
  for (EvidenceSync* sync : evidence_syncs) {
    if (Status s = sync->Sync(); !s.ok()) {
      return Status::FromCode(s.code(), "cannot make the evidence of " +
                                            std::to_string(pages.size()) + " page(s) from " +
                                            pages.front().url + " durable: " + s.message());
    }
  }
  // The id counters advance in the batch of the records they number.
  if (group.next_doc_id != store_.next_doc_id()) {
    group.batch.Put(store_.Family(kMetaFamily), kNextDocIdKey, IdKey(group.next_doc_id));
  }
  if (group.next_mention_id != store_.next_mention_id()) {
    group.batch.Put(store_.Family(kMetaFamily), kNextMentionIdKey, IdKey(group.next_mention_id));
  }
  const std::string what = pages.size() == 1
                               ? "cannot store " + pages.front().url
                               : "cannot store a group of " + std::to_string(pages.size()) +
                                     " pages from " + pages.front().url;
  // Last: they go to the batch unindexed, and nothing reads through the index after them.
  SearchFlush flush;
  Status written = AddSearchPostings(group, pages, keys, results, flush);
  if (written.ok()) {
    written = store_.WriteBatch(*group.batch.GetWriteBatch(), what, group.has_mentions);
  }
  if (!written.ok()) {
    // The buffer's documents are stored and still need their postings. (The group's own are
    // left in it: ids not adopted are given again, and an extra candidate is verified.)
    if (flush.before) store_.search_buffer() = std::move(*flush.before);
    return written;
  }
  if (flush.indexed_through) store_.search_indexed_through() = *flush.indexed_through;
  if (flush.before) {
    // Its memory (tables of ~10^5 keys, up to kSearchBufferPostings postings) serves the next
    // buffer, with the group's documents after the flush (of a new block) moved into it: a
    // builder grown anew from nothing copies itself at each doubling, into pages the writer's
    // malloc_trim returned (issue #17).
    PostingBuilder& kept = flush.before->postings;
    kept.Clear();
    StoreDb::SearchBuffer& buffer = store_.search_buffer();
    if (buffer.documents > 0) kept.AppendFrom(buffer.postings);
    buffer.postings = std::move(kept);
  }
  store_.next_doc_id() = group.next_doc_id;  // only once the batch holding them is written
  store_.next_mention_id() = group.next_mention_id;
  return results;
}

Status WriterSteps::AddEvidence(GroupWrite& group, const PageInput& page, uint64_t doc_id,
                                int64_t& captured_at_us) {
  EvidenceContext context;
  context.doc_id = doc_id;
  std::set<std::string, std::less<>> rules_done;
  for (const MentionInput& input : page.mentions) {
    if (!rules_done.insert(input.rule_id).second) continue;
    auto mention = store_.Get(kDocRuleFamily, DocRuleKey(doc_id, input.rule_id), &group);
    if (!mention.ok()) return mention.status();
    if (mention->has_value() && (*mention)->size() == 8) {
      context.mention_ids.push_back(DecodeFixed64BE(**mention));
    }
  }
  auto previous = LatestCapture(doc_id, page.url);
  if (!previous.ok()) return previous.status();
  if (previous->has_value()) context.previous = &**previous;
  auto capture = page.archive(context);
  if (!capture.ok()) {
    return Status::FromCode(capture.status().code(), "cannot archive the evidence of " + page.url +
                                                         ": " + capture.status().message());
  }
  capture->url = page.url;  // the URL the capture is looked up by (LatestCapture)
  captured_at_us = capture->fetched_at_us;
  group.batch.Put(store_.Family(kEvidenceFamily),
                  EvidenceKey(doc_id, capture->fetched_at_us, page.url),
                  EncodeEvidenceCapture(*capture));
  return Status::Ok();
}

Status WriterSteps::AddWatchStart(GroupWrite& group, const PageInput& page, const PageKeys& keys,
                                  const PutPageResult& result, int64_t captured_at_us) {
  if (!page.watch || result.new_mentions == 0) return Status::Ok();
  const std::string version_key = VersionKey(result.doc_id, 0);
  auto started = store_.Get(kVersionsFamily, version_key, &group);
  if (!started.ok()) return started.status();
  if (started->has_value()) return Status::Ok();  // watched since an earlier mention
  VersionRecord version;
  version.fetched_at_us = keys.now_us;
  version.http_status = page.http_status;
  if (page.final_url != page.url) version.final_url = page.final_url;  // "": not redirected
  version.digest = keys.content_hash;
  version.kinds = {"original"};
  for (const MentionInput& m : page.mentions) {
    for (const MatchHit& hit : m.hits) version.names.push_back({m.rule_id, hit.term});
  }
  auto by_rule_and_name = [](const VersionName& a, const VersionName& b) {
    return std::tie(a.rule_id, a.name) < std::tie(b.rule_id, b.name);
  };
  std::sort(version.names.begin(), version.names.end(), by_rule_and_name);
  version.names.erase(std::unique(version.names.begin(), version.names.end()), version.names.end());
  version.has_text = true;
  version.title = page.title;
  version.text = page.text;
  version.evidence_fetched_at_us = captured_at_us;
  WatchEntry entry;
  entry.url = page.url;
  entry.site_id = page.site_id;
  entry.step = 0;
  entry.schedule_fingerprint = page.watch->schedule_fingerprint;
  entry.watched_since_us = keys.now_us;
  group.batch.Put(store_.Family(kVersionsFamily), version_key, EncodeVersionRecord(version));
  group.batch.Put(store_.Family(kWatchFamily), WatchQueueKey(page.watch->due_us, result.doc_id),
                  EncodeWatchEntry(entry));
  return Status::Ok();
}

Result<PutVersionResult> WriterSteps::PutVersion(const VersionInput& input) {
  const std::string what = "cannot store a version of document " + std::to_string(input.doc_id);
  if (Status s = store_.RequireWritable(what); !s.ok()) return s;
  std::lock_guard<std::mutex> lock(store_.write_mutex());
  const std::string due_key = WatchQueueKey(input.due_us, input.doc_id);
  auto due = store_.Get(kWatchFamily, due_key);
  if (!due.ok()) return due.status();
  PutVersionResult result;
  if (!due->has_value()) return result;  // done before: this fetch was a repeat
  rocksdb::WriteBatch batch;
  std::optional<VersionRecord> version = input.version;
  // A version's fetch, or an unchanged 304 (which stores no version), archived (issue #20).
  if (input.archive) {
    if (input.archive_sync == nullptr) {
      return store_.Error(Status::Code::kInvalidArgument,
                          what + ": an evidence archive without its archive_sync");
    }
    EvidenceContext context;
    context.doc_id = input.doc_id;
    auto mention_ids = MentionIdsOf(input.doc_id);
    if (!mention_ids.ok()) return mention_ids.status();
    context.mention_ids = std::move(*mention_ids);
    auto previous = LatestCapture(input.doc_id, input.next.url);
    if (!previous.ok()) return previous.status();
    if (previous->has_value()) context.previous = &**previous;
    auto capture = input.archive(context);
    if (!capture.ok()) {
      return Status::FromCode(capture.status().code(), what + ": cannot archive its evidence: " +
                                                           capture.status().message());
    }
    // Durable before the batch that names it (FORMAT.md, *Invariants* 9).
    if (Status s = input.archive_sync->Sync(); !s.ok()) {
      return Status::FromCode(s.code(),
                              what + ": cannot make its evidence durable: " + s.message());
    }
    capture->url = input.next.url;
    if (version) version->evidence_fetched_at_us = capture->fetched_at_us;
    batch.Put(store_.Family(kEvidenceFamily),
              EvidenceKey(input.doc_id, capture->fetched_at_us, capture->url),
              EncodeEvidenceCapture(*capture));
  }
  if (version) {
    // The next number: one after the document's last version (version 0 is written with the
    // first mention, so a watched document has one).
    const std::string prefix = VersionsPrefix(input.doc_id);
    std::unique_ptr<rocksdb::Iterator> it(
        store_.db()->NewIterator(rocksdb::ReadOptions(), store_.Family(kVersionsFamily)));
    it->SeekForPrev(VersionKey(input.doc_id, UINT32_MAX));
    if (!it->status().ok()) return store_.Error(it->status(), what);
    if (it->Valid() && it->key().starts_with(prefix)) {
      Reader key(it->key().ToStringView().substr(prefix.size()));
      uint32_t last = 0;
      if (!key.GetFixed32BE(last) || !key.empty()) {
        return store_.Error(Status::Code::kCorruption, what + ": a version key is malformed");
      }
      // A schedule has at most 64 steps: a number this high is a damaged store.
      if (last == UINT32_MAX) {
        return store_.Error(Status::Code::kCorruption, what + ": no version number left");
      }
      result.number = last + 1;
    }
    batch.Put(store_.Family(kVersionsFamily), VersionKey(input.doc_id, result.number),
              EncodeVersionRecord(*version));
    if (input.alert) {
      if (input.doc_id > kMaxChangeAlertDocId || result.number > kMaxChangeAlertVersion) {
        return store_.Error(Status::Code::kInvalidArgument,
                            what + ": doc id or version number beyond the change alert id space");
      }
      // In the version's batch, so a crash neither loses the alert nor writes it twice (a
      // repeated fetch finds its due entry gone above). The `p` entry is always written: a
      // change alert has no mention whose found_at would say where it is (FORMAT.md, *alerts*).
      const uint64_t alert_id = ChangeAlertId(input.doc_id, result.number);
      const std::string outbox_key = OutboxKey(version->fetched_at_us, alert_id);
      OutboxEntry entry;
      batch.Put(store_.Family(kOutboxFamily), outbox_key, EncodeOutboxValue(entry));
      batch.Put(store_.Family(kAlertsFamily), AlertKey('p', alert_id), outbox_key.substr(0, 8));
    }
  }
  batch.Delete(store_.Family(kWatchFamily), due_key);
  if (input.next_due_us) {
    batch.Put(store_.Family(kWatchFamily), WatchQueueKey(*input.next_due_us, input.doc_id),
              EncodeWatchEntry(input.next));
  }
  // Synced like a mention: a version may be alerted, and an alert must not outlive its cause.
  if (Status s = store_.WriteBatch(batch, what, /*sync=*/true); !s.ok()) return s;
  result.stored = true;
  return result;
}

Result<std::vector<uint64_t>> WriterSteps::MentionIdsOf(uint64_t doc_id) const {
  std::vector<uint64_t> ids;
  const std::string prefix = DocRulePrefix(doc_id);
  std::unique_ptr<rocksdb::Iterator> it(
      store_.db()->NewIterator(rocksdb::ReadOptions(), store_.Family(kDocRuleFamily)));
  // A document has a mention per rule that matched it: a short range.
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (it->value().size() == 8) ids.push_back(DecodeFixed64BE(it->value().ToStringView()));
  }
  if (!it->status().ok()) return store_.Error(it->status(), "cannot read the document's mentions");
  return ids;
}

Result<std::optional<EvidenceCapture>> WriterSteps::LatestCapture(uint64_t doc_id,
                                                                  const std::string& url) const {
  // A document has a capture per archived fetch of each of its URLs: a short range.
  const std::string prefix = EvidencePrefix(doc_id);
  const std::string upper = IdKey(doc_id + 1);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions options;
  if (doc_id != UINT64_MAX) options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(
      store_.db()->NewIterator(options, store_.Family(kEvidenceFamily)));
  std::optional<EvidenceCapture> latest;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    EvidenceCapture capture;
    if (!DecodeEvidenceCapture(it->value().ToStringView(), capture)) {
      return store_.Error(Status::Code::kCorruption, "evidence capture of document " +
                                                         std::to_string(doc_id) + " is malformed");
    }
    if (capture.url == url) latest = std::move(capture);  // keys sort by fetch time
  }
  if (!it->status().ok()) return store_.Error(it->status(), "cannot read the evidence captures");
  return latest;
}

namespace {
const std::vector<std::string> kChangedDocumentsKeys = {""};
const std::vector<uint8_t> kChangedDocumentsClasses = {kChangedDocumentsClass};
}  // namespace

Status WriterSteps::AddSearchPostings(GroupWrite& group, std::span<const PageInput> pages,
                                      std::span<PageKeys> page_keys,
                                      const std::vector<PutPageResult>& results,
                                      SearchFlush& flush) {
  StoreDb::SearchBuffer& buffer = store_.search_buffer();
  PostingBuilder indexed;  // documents below the record: their new words cannot wait
  for (size_t i = 0; i < pages.size(); ++i) {
    const PutPageResult& r = results[i];
    if (r.unchanged || r.duplicate || r.doc_id == 0) continue;
    auto of = SearchKeysOf(pages[i], page_keys[i]);
    if (!of.ok()) return of.status();
    const SearchIndexKeys& keys = **of;
    // A changed text adds its keys to those of the old one (FORMAT.md, *search*): its id goes in
    // the changed documents' list, in this group's batch, so that no search takes a word of its
    // lists as surely in its text.
    if (!r.new_document) {
      indexed.Add(kChangedDocumentsKeys, kChangedDocumentsClasses, {}, r.doc_id);
    }
    // A changed document keeps its id, which may be below the record: the reader does not see
    // it as unindexed, so its postings go into this batch.
    if (r.doc_id <= flush.indexed_through.value_or(store_.search_indexed_through())) {
      indexed.Add(keys.keys, keys.classes, keys.positions, r.doc_id);
      continue;
    }
    // One block per buffer: a flush writes one Merge per key, and the unindexed tail a reader
    // scans stays inside one block.
    if (buffer.documents > 0 && PostingBlockOf(r.doc_id) != buffer.block) {
      if (Status s = FlushSearchBuffer(group, flush); !s.ok()) return s;
    }
    buffer.postings.Add(keys.keys, keys.classes, keys.positions, r.doc_id);
    if (buffer.documents == 0) buffer.first_added = std::chrono::steady_clock::now();
    ++buffer.documents;
    buffer.block = PostingBlockOf(r.doc_id);
    buffer.last_id = std::max(buffer.last_id, r.doc_id);
  }
  if (buffer.documents >= PageWriter::kSearchBufferDocuments ||
      buffer.postings.postings() >= PageWriter::kSearchBufferPostings ||
      (buffer.documents > 0 &&
       std::chrono::steady_clock::now() - buffer.first_added >= store_.search_buffer_max_age())) {
    if (Status s = FlushSearchBuffer(group, flush); !s.ok()) return s;
  }
  // Written to the batch unindexed (no page of the group reads the search family back).
  const rocksdb::Status s =
      indexed.AddTo(*group.batch.GetWriteBatch(), store_.Family(kSearchFamily));
  if (!s.ok()) {
    return store_.Error(s, "cannot add the search entries of a group of " +
                               std::to_string(pages.size()) + " page(s) from " + pages.front().url);
  }
  return Status::Ok();
}

Status WriterSteps::FlushSearchBuffer(GroupWrite& group, SearchFlush& flush) {
  // Taken out (not copied: it holds up to a million postings), the store's buffer begins anew.
  StoreDb::SearchBuffer taken = std::exchange(store_.search_buffer(), StoreDb::SearchBuffer{});
  rocksdb::WriteBatch& batch = *group.batch.GetWriteBatch();
  rocksdb::Status s = taken.postings.AddTo(batch, store_.Family(kSearchFamily));
  if (s.ok()) {
    s = batch.Put(store_.Family(kMetaFamily), kSearchIndexedThroughKey, IdKey(taken.last_id));
  }
  if (s.ok()) flush.indexed_through = taken.last_id;
  // Once per group: the state before it, put back if the group's write fails.
  if (!flush.before) flush.before = std::move(taken);
  if (!s.ok()) return store_.Error(s, "cannot add the buffered search postings to a batch");
  return Status::Ok();
}

WriterSteps::PageKeys WriterSteps::KeysOf(const PageInput& page) {
  PageKeys keys;
  // Usually computed by the caller's own threads (page.h, PageInput::text_keys).
  const bool ahead = page.text_keys && page.text_keys->text_bytes == page.text.size();
  TextKeys text_keys = ahead ? *page.text_keys : TextKeysOf(page.text);
  keys.fingerprint_key = std::move(text_keys.fingerprint_key);
  keys.content_hash = base::HexEncode(keys.fingerprint_key);
  keys.simhash = text_keys.simhash;
  keys.now_us = page.fetched_at_us != 0 ? page.fetched_at_us : base::NowMicros();
  return keys;
}

Result<PutPageResult> WriterSteps::AddPage(GroupWrite& group, const PageInput& page,
                                           PageKeys& keys) {
  auto url_value = store_.Get(kUrlsFamily, page.url, &group);
  if (!url_value.ok()) return url_value.status();
  std::optional<UrlState> old;
  if (url_value->has_value()) {
    old.emplace();
    if (!DecodeUrlState(**url_value, *old)) {
      return store_.Error(Status::Code::kCorruption, "URL state of " + page.url + " is malformed");
    }
  }
  UrlState state = old.value_or(UrlState{});
  state.last_fetch_us = keys.now_us;
  state.http_status = page.http_status;
  state.etag = page.etag;
  state.last_modified = page.last_modified;

  if (old && old->doc_id != 0 && old->content_hash == keys.content_hash) {
    return AddUnchanged(group, page, state);
  }
  auto fingerprint_value = store_.Get(kFingerprintsFamily, keys.fingerprint_key, &group);
  if (!fingerprint_value.ok()) return fingerprint_value.status();
  std::optional<uint64_t> same_text_doc;
  if (fingerprint_value->has_value()) same_text_doc = DecodeFixed64BE(**fingerprint_value);

  // The document this URL owns: the one first stored from it (a URL recorded as a duplicate of
  // another URL's document does not own that document and must never overwrite it).
  std::optional<Document> owned;
  if (old && old->doc_id != 0) {
    auto doc = store_.LoadDocumentRecord(old->doc_id, &group);
    if (!doc.ok()) return doc.status();
    if (doc->has_value() && (*doc)->url == page.url) owned = std::move(*doc);
  }
  state.content_hash = keys.content_hash;
  if (same_text_doc && (!owned || owned->id != *same_text_doc)) {
    return AddDuplicate(group, page, *same_text_doc, state);
  }
  return AddDocument(group, page, keys, std::move(owned), same_text_doc.has_value(), state);
}

Result<const SearchIndexKeys*> WriterSteps::SearchKeysOf(const PageInput& page, PageKeys& keys) {
  // Usually computed by the caller's own threads (page.h, PageInput::search_keys).
  if (page.search_keys && page.search_keys->text_bytes == page.text.size()) {
    return &*page.search_keys;
  }
  if (!keys.search_keys) {
    auto computed = Searcher(store_).KeysOf(page.text, page.lang);
    if (!computed.ok()) return computed.status();
    keys.search_keys = std::move(*computed);
  }
  return &*keys.search_keys;
}

Result<PutPageResult> WriterSteps::AddUnchanged(GroupWrite& group, const PageInput& page,
                                                const UrlState& state) {
  // Only the fetch state changes: same text as last time at this URL.
  PutPageResult result;
  result.doc_id = state.doc_id;
  result.unchanged = true;
  auto story = store_.LoadDocStory(state.doc_id, &group);
  if (!story.ok()) return story.status();
  result.story_id = story->has_value() ? (*story)->story_id : state.doc_id;
  group.batch.Put(store_.Family(kUrlsFamily), page.url, EncodeUrlState(state));
  return result;
}

Result<PutPageResult> WriterSteps::AddDuplicate(GroupWrite& group, const PageInput& page,
                                                uint64_t original_id, UrlState state) {
  // An exact duplicate of another document: one more place it appeared, no new mentions.
  auto doc = store_.LoadDocumentRecord(original_id, &group);
  if (!doc.ok()) return doc.status();
  if (!doc->has_value()) {
    return store_.Error(Status::Code::kCorruption,
                        "fingerprint points at missing document " + std::to_string(original_id));
  }
  Document& original = **doc;
  auto story = store_.LoadDocStory(original.id, &group);
  if (!story.ok()) return story.status();
  if (original.url != page.url &&
      std::find(original.duplicate_urls.begin(), original.duplicate_urls.end(), page.url) ==
          original.duplicate_urls.end()) {
    original.duplicate_urls.push_back(page.url);
    original.duplicate_site_ids.resize(original.duplicate_urls.size() - 1);
    original.duplicate_site_ids.push_back(page.site_id);
    group.batch.Put(store_.Family(kDocsFamily), IdKey(original.id), EncodeDocument(original));
    // One more place the story appeared (a document without a story record has none).
    if (story->has_value()) {
      if (Status s = AddToStoryCount(group, (*story)->story_id, 0, 1); !s.ok()) return s;
    }
  }
  state.doc_id = original.id;
  group.batch.Put(store_.Family(kUrlsFamily), page.url, EncodeUrlState(state));
  PutPageResult result;
  result.doc_id = original.id;
  result.duplicate = true;
  result.story_id = story->has_value() ? (*story)->story_id : original.id;
  return result;
}

Result<PutPageResult> WriterSteps::AddDocument(GroupWrite& group, const PageInput& page,
                                               PageKeys& keys, std::optional<Document> owned,
                                               bool text_known, UrlState state) {
  PutPageResult result;
  Document doc;
  if (owned) {
    doc = std::move(*owned);
  } else {
    doc.id = group.next_doc_id++;
    doc.first_seen_us = keys.now_us;
    result.new_document = true;
  }
  doc.site_id = page.site_id;
  doc.url = page.url;
  doc.final_url = page.final_url;
  doc.title = page.title;
  doc.text = page.text;
  doc.lang = page.lang;
  doc.charset = page.charset;
  doc.author = page.author;
  doc.published = page.published;
  doc.canonical_url = page.canonical_url;
  doc.fetched_at_us = keys.now_us;
  doc.http_status = page.http_status;
  doc.etag = page.etag;
  doc.last_modified = page.last_modified;
  doc.content_hash = keys.content_hash;
  // Of this text, never an earlier one's: an edited document gets its text's (or none).
  auto search_keys = SearchKeysOf(page, keys);
  if (!search_keys.ok()) return search_keys.status();
  doc.token_checkpoints = (*search_keys)->checkpoints;
  group.batch.Put(store_.Family(kDocsFamily), IdKey(doc.id), EncodeDocument(doc));
  auto story = PutStory(group, doc.id, result.new_document, keys.simhash, doc.first_seen_us);
  if (!story.ok()) return story.status();
  result.story_id = *story;
  // Earlier texts of an edited document keep pointing at it: a reprint of an earlier version is
  // still recognised as this document.
  if (!text_known) {
    group.batch.Put(store_.Family(kFingerprintsFamily), keys.fingerprint_key, IdKey(doc.id));
  }
  state.doc_id = doc.id;
  group.batch.Put(store_.Family(kUrlsFamily), page.url, EncodeUrlState(state));
  auto mentions =
      AddMentions(group, page, doc.id, result.story_id, result.new_document, keys.now_us);
  if (!mentions.ok()) return mentions.status();
  result.new_mentions = *mentions;
  result.doc_id = doc.id;
  return result;
}

Result<int> WriterSteps::AddMentions(GroupWrite& group, const PageInput& page, uint64_t doc_id,
                                     uint64_t story_id, bool new_document, int64_t now_us) {
  int added = 0;
  std::set<std::string, std::less<>> rules_done;
  for (const MentionInput& input : page.mentions) {
    if (!rules_done.insert(input.rule_id).second) continue;  // a rule listed twice
    const std::string doc_rule_key = DocRuleKey(doc_id, input.rule_id);
    if (!new_document) {
      auto existing = store_.Get(kDocRuleFamily, doc_rule_key, &group);
      if (!existing.ok()) return existing.status();
      if (existing->has_value()) continue;  // this (document, rule) was mentioned before
    }
    Mention m;
    m.id = group.next_mention_id++;
    m.doc_id = doc_id;
    m.story_id = story_id;
    m.rule_id = input.rule_id;
    m.site_id = page.site_id;
    m.url = page.url;
    m.title = page.title;
    m.lang = page.lang;
    m.snippet = input.snippet;
    m.snippet_mark_begin = input.snippet_mark_begin;
    m.snippet_mark_end = input.snippet_mark_end;
    m.found_at_us = now_us;
    m.hits = input.hits;
    PutMention(group, m, doc_rule_key, /*alert=*/true);
    ++added;
  }
  if (added > 0) group.has_mentions = true;
  return added;
}

void WriterSteps::PutMention(GroupWrite& group, const Mention& m, const std::string& doc_rule_key,
                             bool alert) {
  const int64_t at = m.found_at_us;
  const std::string index_value = EncodeIndexValue(m.site_id, m.lang);
  const std::string record = EncodeMention(m);
  // The (document, rule) entry goes through the group's index: a later page of the group reads it
  // (a mention is stored once). No write of a group reads back the other seven, so they go
  // straight into its batch, unindexed (ingest at 1M mentions 10 % faster: bench/storage/NOTES.md,
  // Session 18). The batch commits them all the same.
  group.batch.Put(store_.Family(kDocRuleFamily), doc_rule_key, IdKey(m.id));
  rocksdb::WriteBatch& batch = *group.batch.GetWriteBatch();
  batch.Put(store_.Family(kMentionsFamily), IdKey(m.id), record);
  batch.Put(store_.Family(kMentionsByTimeFamily), TimeIndexKey(at, m.id), index_value);
  batch.Put(store_.Family(kMentionsByRuleFamily), RuleIndexKey(m.rule_id, at, m.id), index_value);
  batch.Put(store_.Family(kMentionsByRuleFamily), RuleIdIndexKey(m.rule_id, m.id),
            index_value + record);
  batch.Put(store_.Family(kMentionsBySiteFamily), SiteIndexKey(m.site_id, at, m.id), index_value);
  batch.Put(store_.Family(kStoriesFamily), StoryMentionKey(m.story_id, at, m.id), index_value);
  if (alert) {
    batch.Put(store_.Family(kOutboxFamily), OutboxKey(at, m.id), EncodeOutboxValue(OutboxEntry{}));
  }
}

Result<int> WriterSteps::AddFoundMentions(std::span<const DocumentMentions> found,
                                          const AddMentionsOptions& options) {
  if (Status s = store_.RequireWritable("cannot add mentions"); !s.ok()) return s;
  if (found.size() > PageWriter::kMaxPagesPerGroup) {
    return store_.Error(Status::Code::kInvalidArgument,
                        "a group of " + std::to_string(found.size()) +
                            " documents is over the limit of " +
                            std::to_string(PageWriter::kMaxPagesPerGroup));
  }
  for (const DocumentMentions& doc : found) {
    for (const MentionInput& m : doc.mentions) {
      if (Status s = ValidRuleId(m.rule_id, "document " + std::to_string(doc.doc_id)); !s.ok()) {
        return s;
      }
    }
  }
  if (options.progress != nullptr) {
    if (Status s = ValidRuleId(options.progress->rule_id, "backfill"); !s.ok()) return s;
  }
  std::lock_guard<std::mutex> lock(store_.write_mutex());
  GroupWrite group(store_);
  int added = 0;
  for (const DocumentMentions& found_in : found) {
    auto doc = store_.LoadDocumentRecord(found_in.doc_id, &group);
    if (!doc.ok()) return doc.status();
    // Gone, or its text changed since it was matched: the crawl matched the new text itself.
    if (!doc->has_value() || (*doc)->content_hash != found_in.content_hash) continue;
    const Document& d = **doc;
    auto story = store_.LoadDocStory(d.id, &group);
    if (!story.ok()) return story.status();
    std::set<std::string, std::less<>> rules_done;
    for (const MentionInput& input : found_in.mentions) {
      if (!rules_done.insert(input.rule_id).second) continue;  // a rule listed twice
      const std::string doc_rule_key = DocRuleKey(d.id, input.rule_id);
      auto existing = store_.Get(kDocRuleFamily, doc_rule_key, &group);
      if (!existing.ok()) return existing.status();
      if (existing->has_value()) continue;  // mentioned before: a (document, rule) is once, ever
      Mention m;
      m.id = group.next_mention_id++;
      m.doc_id = d.id;
      m.story_id = story->has_value() ? (*story)->story_id : d.id;
      m.rule_id = input.rule_id;
      m.site_id = d.site_id;
      m.url = d.url;
      m.title = d.title;
      m.lang = d.lang;
      m.snippet = input.snippet;
      m.snippet_mark_begin = input.snippet_mark_begin;
      m.snippet_mark_end = input.snippet_mark_end;
      // When the text it is found in was fetched: listings by time put it with its article.
      m.found_at_us = d.fetched_at_us;
      m.hits = input.hits;
      m.backfilled = options.backfilled;
      PutMention(group, m, doc_rule_key, options.alert);
      ++added;
    }
  }
  if (options.progress != nullptr) {
    RuleBackfill progress = *options.progress;
    progress.found += static_cast<uint64_t>(added);
    group.batch.Put(store_.Family(kMetaFamily), RuleBackfillKey(progress.rule_id),
                    EncodeRuleBackfill(progress));
  }
  if (group.next_mention_id != store_.next_mention_id()) {
    group.batch.Put(store_.Family(kMetaFamily), kNextMentionIdKey, IdKey(group.next_mention_id));
  }
  const std::string what =
      found.empty() ? "cannot record a backfill"
                    : "cannot add mentions to document " + std::to_string(found.front().doc_id);
  if (Status s = store_.WriteBatch(*group.batch.GetWriteBatch(), what, added > 0); !s.ok()) {
    return s;
  }
  store_.next_mention_id() = group.next_mention_id;  // only once the batch holding them is written
  if (options.progress != nullptr) options.progress->found += static_cast<uint64_t>(added);
  return added;
}

Status WriterSteps::ValidRuleId(std::string_view rule_id, const std::string& where) const {
  if (rule_id.empty() ||
      rule_id.find_first_of(std::string_view("\0\x01", 2)) != std::string_view::npos) {
    return store_.Error(Status::Code::kInvalidArgument,
                        where + ": rule id must be non-empty and hold no 0x00 or 0x01 byte");
  }
  return Status::Ok();
}

Status WriterSteps::LoadSimHashBuckets(uint64_t simhash, SimHashBuckets& buckets,
                                       GroupWrite* group) const {
  // Permuted-prefix tables: a fingerprint within distance 3 agrees with `simhash` on at least one
  // of the 4 blocks, so it is in that block's bucket. Four point reads in one MultiGet: no
  // iterator to build, and whole-key Bloom filters skip the files without the bucket.
  std::array<std::string, kSimHashBlocks> keys;
  std::array<rocksdb::Slice, kSimHashBlocks> slices;
  for (int block = 0; block < kSimHashBlocks; ++block) {
    keys[block] = SimHashBucketKey(block, SimHashBlock(simhash, block));
    slices[block] = keys[block];
  }
  std::array<rocksdb::PinnableSlice, kSimHashBlocks> values;
  std::array<rocksdb::Status, kSimHashBlocks> statuses;
  rocksdb::ColumnFamilyHandle* family = store_.Family(kSimHashFamily);
  if (group != nullptr) {
    group->batch.MultiGetFromBatchAndDB(store_.db(), rocksdb::ReadOptions(), family, kSimHashBlocks,
                                        slices.data(), values.data(), statuses.data(),
                                        /*sorted_input=*/true);
  } else {
    store_.db()->MultiGet(rocksdb::ReadOptions(), family, kSimHashBlocks, slices.data(),
                          values.data(), statuses.data(), /*sorted_input=*/true);
  }
  for (int block = 0; block < kSimHashBlocks; ++block) {
    std::vector<SimHashEntry>& entries = buckets[keys[block]];
    if (statuses[block].IsNotFound()) continue;
    if (!statuses[block].ok())
      return store_.Error(statuses[block], "cannot read the SimHash tables");
    if (!DecodeSimHashBucket(values[block].ToStringView(), entries)) {
      return store_.Error(Status::Code::kCorruption, "SimHash bucket is malformed");
    }
  }
  return Status::Ok();
}

Result<std::optional<uint64_t>> WriterSteps::StoryToJoin(uint64_t simhash,
                                                         const SimHashBuckets& buckets,
                                                         GroupWrite* group) const {
  // The documents within kMaxNearDuplicateDistance, nearest first (lowest id among equals); a
  // document sits in up to four of the buckets.
  std::vector<std::pair<int, uint64_t>> near;
  for (const auto& [key, entries] : buckets) {
    for (const SimHashEntry& e : entries) {
      const int distance = HammingDistance(simhash, e.simhash);
      if (distance <= kMaxNearDuplicateDistance) near.emplace_back(distance, e.doc_id);
    }
  }
  std::sort(near.begin(), near.end());
  near.erase(std::unique(near.begin(), near.end()), near.end());
  // Each candidate costs two point reads: past kMaxStoryCandidates (a crowd of near documents
  // whose stories all drifted away) the document begins a story of its own.
  std::set<uint64_t> refused;
  size_t tried = 0;
  for (const auto& [distance, doc_id] : near) {
    if (tried++ == kMaxStoryCandidates) break;
    auto near_story = store_.LoadDocStory(doc_id, group);
    if (!near_story.ok()) return near_story.status();
    const uint64_t story_id = near_story->has_value() ? (*near_story)->story_id : doc_id;
    if (refused.contains(story_id)) continue;
    std::optional<uint64_t> founder_simhash;
    if (story_id == doc_id) {
      founder_simhash = near_story->has_value() ? (*near_story)->simhash : std::nullopt;
    } else {
      auto founder = store_.LoadDocStory(story_id, group);
      if (!founder.ok()) return founder.status();
      if (founder->has_value()) founder_simhash = (*founder)->simhash;
    }
    // A founder whose text retention dropped (no SimHash) takes no new members.
    if (founder_simhash && HammingDistance(simhash, *founder_simhash) <= kMaxStoryDistance) {
      return std::optional<uint64_t>(story_id);
    }
    refused.insert(story_id);
  }
  return std::optional<uint64_t>();
}

Result<uint64_t> WriterSteps::PutStory(GroupWrite& group, uint64_t doc_id, bool new_document,
                                       std::optional<uint64_t> simhash, int64_t first_seen_us) {
  rocksdb::ColumnFamilyHandle* stories = store_.Family(kStoriesFamily);
  rocksdb::WriteBatchWithIndex& batch = group.batch;
  DocStory story{doc_id, simhash};
  // The buckets this call rewrites (read-modify-write is safe: writes hold store_.write_mutex()).
  SimHashBuckets buckets;
  if (!new_document) {
    auto old = store_.LoadDocStory(doc_id, &group);
    if (!old.ok()) return old.status();
    if (old->has_value()) {
      story.story_id = (*old)->story_id;  // a story is fixed when its document is made
      if ((*old)->simhash == simhash) return story.story_id;
      if ((*old)->simhash) {
        if (Status s = LoadSimHashBuckets(*(*old)->simhash, buckets, &group); !s.ok()) return s;
        for (auto& [key, entries] : buckets) {
          std::erase_if(entries, [&](const SimHashEntry& e) { return e.doc_id == doc_id; });
        }
      }
    }
  }
  if (simhash) {
    SimHashBuckets current;
    if (Status s = LoadSimHashBuckets(*simhash, current, &group); !s.ok()) return s;
    if (new_document) {
      auto join = StoryToJoin(*simhash, current, &group);
      if (!join.ok()) return join.status();
      if (*join) story.story_id = **join;
    }
    // A document that joined a story while its very SimHash is already indexed is left out of
    // the buckets: a lookup finds the earlier entry first (ties go to the lowest id) and so
    // joins the same story, and a crowd of identical copies (a wire story on 3,000 sites) would
    // otherwise grow four buckets, each rewritten by every page, without end.
    const bool already_indexed =
        story.story_id != doc_id &&
        std::any_of(current.begin(), current.end(), [&](const auto& bucket) {
          return std::any_of(bucket.second.begin(), bucket.second.end(),
                             [&](const SimHashEntry& e) { return e.simhash == *simhash; });
        });
    for (auto& [key, entries] : current) {
      if (already_indexed) break;  // nothing to add: the buckets are not rewritten
      // A bucket the old SimHash shared holds the edits made above already.
      auto [it, fresh] = buckets.try_emplace(key, std::move(entries));
      it->second.push_back(SimHashEntry{*simhash, doc_id});
    }
  }
  for (const auto& [key, entries] : buckets) {
    if (entries.empty()) {
      batch.Delete(store_.Family(kSimHashFamily), key);
    } else {
      batch.Put(store_.Family(kSimHashFamily), key, EncodeSimHashBucket(entries));
    }
  }
  batch.Put(stories, DocStoryKey(doc_id), EncodeDocStory(story));
  batch.Put(stories, StoryMemberKey(story.story_id, doc_id), "");
  if (new_document && story.story_id == doc_id) {
    batch.Put(stories, StoryTimeKey(first_seen_us, doc_id), "");  // a new story begins
  }
  if (new_document) {
    if (Status s = AddToStoryCount(group, story.story_id, 1, 1); !s.ok()) return s;
  }
  return story.story_id;
}

Status WriterSteps::AddToStoryCount(GroupWrite& group, uint64_t story_id, uint64_t documents,
                                    uint64_t places) {
  auto count = store_.LoadStoryCount(story_id, &group);
  if (!count.ok()) return count.status();
  count->documents += documents;
  count->places += places;
  group.batch.Put(store_.Family(kStoriesFamily), StoryCountKey(story_id), EncodeStoryCount(*count));
  return Status::Ok();
}

Status WriterSteps::RecordFetch(const std::string& url, int http_status, int64_t fetched_at_us,
                                const std::string& etag, const std::string& last_modified) {
  if (Status s = store_.RequireWritable("cannot record a fetch of " + url); !s.ok()) return s;
  if (url.empty()) return store_.Error(Status::Code::kInvalidArgument, "fetch has no URL");
  std::lock_guard<std::mutex> lock(store_.write_mutex());
  auto value = store_.Get(kUrlsFamily, url);
  if (!value.ok()) return value.status();
  UrlState state;
  if (value->has_value() && !DecodeUrlState(**value, state)) {
    return store_.Error(Status::Code::kCorruption, "URL state of " + url + " is malformed");
  }
  state.last_fetch_us = fetched_at_us;
  state.http_status = http_status;
  state.etag = etag;
  state.last_modified = last_modified;
  rocksdb::WriteBatch batch;
  batch.Put(store_.Family(kUrlsFamily), url, EncodeUrlState(state));
  return store_.WriteBatch(batch, "cannot record a fetch of " + url, false);
}

}  // namespace

Result<PutPageResult> PageWriter::PutPage(const PageInput& page) {
  return Guard(db_.dir(), [&] { return WriterSteps(db_).PutPage(page); });
}

Result<std::vector<PutPageResult>> PageWriter::PutPages(std::span<const PageInput> pages) {
  return Guard(db_.dir(), [&] { return WriterSteps(db_).PutPages(pages); });
}

Status PageWriter::FlushSearchIndex() {
  return Guard(db_.dir(), [&]() -> Status {
    if (Status s = db_.RequireWritable("cannot write search postings"); !s.ok()) return s;
    std::lock_guard<std::mutex> lock(db_.write_mutex());
    return db_.FlushSearchBuffer();
  });
}

Result<int> PageWriter::AddMentions(std::span<const DocumentMentions> found,
                                    const AddMentionsOptions& options) {
  return Guard(db_.dir(), [&] { return WriterSteps(db_).AddFoundMentions(found, options); });
}

Status PageWriter::PutRuleBackfill(const RuleBackfill& backfill) {
  RuleBackfill record = backfill;
  AddMentionsOptions options;
  options.progress = &record;
  auto written = AddMentions({}, options);
  return written.ok() ? Status::Ok() : written.status();
}

Result<PutVersionResult> PageWriter::PutVersion(const VersionInput& input) {
  return Guard(db_.dir(), [&] { return WriterSteps(db_).PutVersion(input); });
}

Status PageWriter::RecordFetch(const std::string& url, int http_status, int64_t fetched_at_us,
                               const std::string& etag, const std::string& last_modified) {
  return Guard(db_.dir(), [&] {
    return WriterSteps(db_).RecordFetch(url, http_status, fetched_at_us, etag, last_modified);
  });
}

}  // namespace kuzet::storage
