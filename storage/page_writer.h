// The store's writer: the pipeline stores crawled pages through it (one writer at a time inside
// the process; writes are serialized). Everything a page changes is one atomic RocksDB batch, and
// a batch that creates mentions is synced (storage/FORMAT.md, *Invariants*).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "storage/backfill.h"
#include "storage/page.h"
#include "storage/watch.h"

namespace kuzet::storage {

class StoreDb;

class PageWriter {
 public:
  explicit PageWriter(StoreDb& db) : db_(db) {}
  PageWriter(const PageWriter&) = delete;
  PageWriter& operator=(const PageWriter&) = delete;

  // Stores one crawled page and its new mentions in one atomic batch. A (document, rule) pair is
  // a mention at most once, ever; an unchanged page stores only its fetch state; a page whose
  // normalized text equals a stored document's is one more URL of that document; a near-duplicate
  // is a document of its own in the story of the text it is near.
  Result<PutPageResult> PutPage(const PageInput& page);

  // Group commit (issue #17): stores the pages in order as one atomic batch with at most one sync
  // (when a page has new mentions), so a crawler that finished several pages pays one fsync for
  // all of them. Each page is decided as if the ones before it in the group were already stored
  // (two copies of one text in a group give one document and one duplicate URL, as two PutPage
  // calls would). All or nothing: on an error no page of the group is stored, so the caller
  // keeps every page of the group queued until this returns. Results are in page order.
  static constexpr size_t kMaxPagesPerGroup = 256;
  Result<std::vector<PutPageResult>> PutPages(std::span<const PageInput> pages);

  // The search postings of new documents are kept in memory across groups (groups are small:
  // one Merge per word and block per group was close to one per word and page) and written
  // with the group that brings them to kSearchBufferDocuments documents (or
  // kSearchBufferPostings postings), that begins a new block of ids, or that comes after the
  // oldest has waited Store::OpenOptions::search_buffer_max_age, by FlushSearchIndex() (the
  // daemon calls it after each crawl round), and when the store closes. Searches meanwhile verify every document above the meta record
  // search_indexed_through, and a read-write open indexes the ones a crash left (FORMAT.md,
  // *search*).
  static constexpr size_t kSearchBufferDocuments = 512;
  static constexpr size_t kSearchBufferPostings = size_t{1} << 20;
  // Writes the buffered postings now (a writer with nothing more to store calls it, so that a
  // reader beside it scans no tail). Not synced: a crash loses only what the next open redoes.
  Status FlushSearchIndex();

  // Backfill (issue #18, storage/backfill.h): adds mentions to stored documents, in one atomic
  // batch (synced when it adds any) with options.progress. A (document, rule) pair already
  // mentioned gets nothing, so running a backfill twice adds nothing; a document whose
  // content_hash changed since it was matched, or that is gone, is skipped. Each mention gets the
  // next mention id (so read cursors and --follow see it as new), found_at = the document's
  // fetched_at, and an outbox entry only when options.alert. At most kMaxPagesPerGroup
  // documents. Returns the mentions added.
  Result<int> AddMentions(std::span<const DocumentMentions> found,
                          const AddMentionsOptions& options);
  // Records a rule's backfill (planned, or finished) on its own.
  Status PutRuleBackfill(const RuleBackfill& backfill);

  // A re-fetch of a watched document is done (watch.h): in one synced batch, stores
  // input.version as the document's next version (numbered after the last one stored), removes
  // the queue entry (input.due_us, input.doc_id) and queues input.next at input.next_due_us, if
  // set. When that entry is not queued (a fetch done twice: the first one was stored before a
  // crash), writes nothing and returns stored = false, so a repeated fetch is harmless.
  Result<PutVersionResult> PutVersion(const VersionInput& input);

  // A fetch that brought no content to store (304, an HTTP error, a listing page): updates the
  // URL's fetch state and keeps its doc_id and content hash.
  Status RecordFetch(const std::string& url, int http_status, int64_t fetched_at_us,
                     const std::string& etag, const std::string& last_modified);

 private:
  StoreDb& db_;
};

}  // namespace kuzet::storage
