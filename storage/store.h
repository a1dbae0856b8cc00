// The Kuzet store: crawled pages, the mentions found in them and their alert outbox, in RocksDB.
//
// One page is one atomic RocksDB WriteBatch: after a crash a page is either wholly there
// (document, URL state, every new mention with its index entries and outbox entry) or not at all.
// A (document, rule) pair is a mention at most once, ever; re-crawling an unchanged page stores
// nothing; a page whose normalized text equals a stored document's is recorded as one more URL of
// that document; near-duplicates (SimHash) are documents of their own, joined into a story. The
// on-disk format is storage/FORMAT.md.
//
// Thread safety: all methods may be called from several threads; writes are serialized inside.
// One process holds the data dir read-write (RocksDB's LOCK file); any number of others may open
// it kReadOnly (a RocksDB secondary instance) and call CatchUp() to see newer writes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "storage/storage_fault.h"

namespace rocksdb {
class Env;
}

namespace kuzet::storage {

// One occurrence of a rule's term in a page's text (byte offsets into PageInput::text).
struct MatchHit {
  std::string term, surface;
  uint32_t begin = 0, end = 0;
};

// One rule matching one page. A mention is a (document, rule) pair.
struct MentionInput {
  std::string rule_id;         // non-empty, no NUL byte
  std::vector<MatchHit> hits;  // every match of the rule in the page, in text order
  std::string snippet;         // the first hit's sentence ...
  uint32_t snippet_mark_begin = 0, snippet_mark_end = 0;  // ... and the hit's bytes within it
};

struct PageInput {
  std::string site_id;
  std::string url;  // canonical URL: the key of the URL state
  std::string final_url, title, text, lang, charset, author, published, canonical_url;
  int64_t fetched_at_us = 0;  // unix microseconds; also the found_at of new mentions
  int http_status = 0;
  std::string etag, last_modified;
  std::vector<MentionInput> mentions;
};

struct PutPageResult {
  uint64_t doc_id = 0;
  bool unchanged = false;     // same normalized text as last time at this URL: nothing stored
  bool new_document = false;  // a document was created
  bool duplicate = false;     // the text equals another URL's document; recorded as its URL
  int new_mentions = 0;       // mentions (and outbox entries) created by this call
  uint64_t story_id = 0;      // the story (near-duplicate cluster) of doc_id; see Document
};

struct Mention {
  uint64_t id = 0, doc_id = 0;
  uint64_t story_id = 0;  // the story of doc_id when the mention was found (0: stored before
                          // mentions recorded it; read as doc_id's story)
  std::string rule_id, site_id, url, title, lang, snippet;
  uint32_t snippet_mark_begin = 0, snippet_mark_end = 0;
  int64_t found_at_us = 0;
  std::vector<MatchHit> hits;
};

// Newest first. since_us is inclusive, until_us exclusive; empty strings do not filter.
// story_id != 0: only the mentions of that story's documents (served from the story's member list).
struct MentionQuery {
  std::optional<int64_t> since_us, until_us;
  std::string rule_id, lang, site_id;
  uint64_t story_id = 0;
  size_t limit = 100;
};

// Mentions with ids above a read cursor, oldest (lowest id) first; see MentionsAfter.
struct MentionsAfterResult {
  std::vector<Mention> mentions;  // matching the query's filters, at most query.limit
  // The highest mention id examined: every mention up to it was either returned or did not match
  // the filters, so a read cursor may advance to it. Equals after_id when nothing was examined.
  uint64_t examined_through = 0;
};

// One document of a story, for showing where else a story appeared.
struct StoryMember {
  uint64_t doc_id = 0;
  std::string site_id, url, title, lang;
  std::vector<std::string> duplicate_urls;  // exact reprints of this document at other URLs
  // The site of each duplicate URL, same order and length ("" for reprints stored before sites
  // were recorded).
  std::vector<std::string> duplicate_site_ids;
  int64_t first_seen_us = 0;
};

// One page of a story's documents, newest (highest doc id) first, and the story's size: what a
// query reads is bounded by the page, whatever the size of the story.
struct StoryMembersPage {
  std::vector<StoryMember> members;  // newest first, at most the limit asked for
  uint64_t total_documents = 0;      // in the whole story
  uint64_t total_places = 0;         // URLs in the whole story: each document's and its reprints'
  uint64_t next_before = 0;          // the before_doc_id of the next page; 0 when none follows
};

// A story (near-duplicate cluster) as listed by Stories(): newest first by creation time.
struct StoryInfo {
  uint64_t id = 0;                   // the id of its first document
  int64_t created_us = 0;            // first_seen of its first document
  std::vector<StoryMember> members;  // its newest documents, newest first (a bounded page)
  uint64_t total_documents = 0, total_places = 0;  // see StoryMembersPage
  uint64_t next_before = 0;  // to page on through StoryMembers; 0 when `members` is all
};

struct RetentionResult {
  uint64_t documents_examined = 0;
  uint64_t texts_dropped = 0;  // documents whose text was blanked by this call
};

// What the crawler knows about a URL. doc_id is 0 while no content was ever stored for it.
struct UrlState {
  int64_t last_fetch_us = 0;
  int http_status = 0;
  std::string etag, last_modified;
  uint64_t doc_id = 0;
  std::string content_hash;  // hex SHA-256 of the normalized text last stored for this URL
};

// An alert of a mention (issue #8): written pending, due when found, in the mention's batch.
// kPending entries are due at due_us; kFailed ones were given up (MarkAlertFailed) and wait for
// RequeueFailedAlerts; a sent alert leaves the outbox and leaves a 'sent' marker (IsAlertSent).
// One delivery channel's share of an alert (issue #15 item 8): each channel is sent, retried and
// given up on its own, so a channel that keeps failing never makes another one repeat.
struct ChannelDelivery {
  std::string channel;  // the channel's stable key in its rule's route ("email", "webhook", ...)
  enum class State { kPending, kSent, kFailed } state = State::kPending;
  uint32_t attempts = 0;   // failed attempts on this channel
  std::string last_error;  // its last failure; empty before any
  int64_t at_us = 0;       // kPending: next attempt due; kSent: accepted; kFailed: given up
  bool operator==(const ChannelDelivery&) const = default;
};

struct OutboxEntry {
  int64_t due_us = 0;
  uint64_t mention_id = 0;
  enum class State { kPending, kFailed } state = State::kPending;
  uint32_t attempts = 0;   // passes that left the alert undelivered (rescheduled) so far
  std::string last_error;  // the last attempt's error; empty before any failure
  // The channels tried so far, in route order. Empty before the first attempt, and in records
  // written before per-channel state: every channel is then still pending.
  std::vector<ChannelDelivery> channels;
};

struct Document {
  uint64_t id = 0;
  std::string site_id, url, final_url, title, text, lang, charset, author, published, canonical_url;
  int64_t fetched_at_us = 0;  // the last fetch that changed the content
  int http_status = 0;
  std::string etag, last_modified;
  int64_t first_seen_us = 0;
  std::string content_hash;                 // hex SHA-256 of the normalized text
  std::vector<std::string> duplicate_urls;  // other URLs where exactly this text appeared
  // The site of each duplicate URL, same order and length ("" for reprints stored before sites
  // were recorded).
  std::vector<std::string> duplicate_site_ids;
  // The story: documents whose texts are near-duplicates (SimHash within Hamming distance 3) of
  // its first document (see storage/FORMAT.md, *Invariants*). Its id is the id of its first
  // document. Fixed when the document is made.
  uint64_t story_id = 0;
  std::vector<Mention> mentions;  // ordered by rule id
};

// The text key of exact-duplicate detection: NFKC case-folded, whitespace runs collapsed to one
// space, leading and trailing whitespace dropped. Exposed so tests and tools agree with the store.
std::string NormalizeForFingerprint(const std::string& utf8_text);

class Store {
 public:
  enum class Mode {
    kReadWrite,
    kReadOnly,  // a RocksDB secondary instance: queries while another process writes
  };

  // Opens (kReadWrite: creates) the store under `dir`. Fails with a message naming `dir` when the
  // directory is not a Kuzet store, was written by a newer format, or is corrupt.
  static Result<std::unique_ptr<Store>> Open(const std::string& dir, Mode mode = Mode::kReadWrite);

  struct OpenOptions {
    // false: no write is synced to disk (bulk loads and benchmarks only: a power cut may then
    // lose acknowledged mentions, and alerts already sent would be sent again).
    bool sync_mentions = true;
    // The environment RocksDB reads and writes files through; nullptr: the operating system's.
    // Tests pass one that fails chosen operations (fault injection), as LevelDB's tests do.
    rocksdb::Env* env = nullptr;
  };
  static Result<std::unique_ptr<Store>> Open(const std::string& dir, Mode mode,
                                             const OpenOptions& options);

  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Stores one crawled page and its new mentions in one atomic batch.
  Result<PutPageResult> PutPage(const PageInput& page);

  // Group commit (issue #17): stores the pages in order as one atomic batch with at most one sync
  // (when a page has new mentions), so a crawler that finished several pages pays one fsync for
  // all of them. Each page is decided as if the ones before it in the group were already stored
  // (two copies of one text in a group give one document and one duplicate URL, as two PutPage
  // calls would). All or nothing: on an error no page of the group is stored, so the caller
  // keeps every page of the group queued until this returns. Results are in page order. At most
  // kMaxPagesPerGroup pages.
  static constexpr size_t kMaxPagesPerGroup = 256;
  Result<std::vector<PutPageResult>> PutPages(std::span<const PageInput> pages);

  // A fetch that brought no content to store (304, an HTTP error, a listing page): updates the
  // URL's fetch state and keeps its doc_id and content hash.
  Status RecordFetch(const std::string& url, int http_status, int64_t fetched_at_us,
                     const std::string& etag, const std::string& last_modified);

  Result<std::optional<UrlState>> GetUrl(const std::string& url) const;

  // Served from the time or rule index, never by scanning every mention.
  Result<std::vector<Mention>> Mentions(const MentionQuery& query) const;

  Result<std::optional<Document>> GetDocument(uint64_t id) const;

  // The outbox in due order, oldest first, at most `limit` entries.
  Result<std::vector<OutboxEntry>> Outbox(size_t limit) const;

  // The stored document nearest to this text within SimHash distance 3 (lowest id among
  // equals); nullopt when none, or the text is too short. PutPage joins that document's story
  // only if the story's first document is within distance 6 too (storage/FORMAT.md, *Invariants*
  // 8).
  Result<std::optional<uint64_t>> FindNearDuplicate(const std::string& text) const;

  // The ids of every document in a story, oldest first; empty for an unknown story. O(story):
  // for tools and tests; queries page with StoryMembers.
  Result<std::vector<uint64_t>> StoryDocuments(uint64_t story_id) const;

  // At most `limit` documents of a story with their sites and URLs, newest first, starting below
  // doc id `before_doc_id` (0: from the newest), and the story's size. Reads O(limit) records:
  // page through a large story with next_before. Empty for an unknown story.
  Result<StoryMembersPage> StoryMembers(uint64_t story_id, size_t limit,
                                        uint64_t before_doc_id = 0) const;

  // Stories newest first (by their first document's first_seen), from the stories' time index.
  // since_us (inclusive) bounds the creation time; at most `limit` stories, each with its
  // `members_per_story` newest documents and its size.
  Result<std::vector<StoryInfo>> Stories(std::optional<int64_t> since_us, size_t limit,
                                         size_t members_per_story = 10) const;

  // The mentions with id > after_id matching query's filters (time, rule, site, lang, story),
  // lowest id first, at most query.limit: what is new since a read cursor at after_id. Walks the
  // mentions family by id from after_id (ids grow with every mention stored).
  Result<MentionsAfterResult> MentionsAfter(uint64_t after_id, const MentionQuery& query) const;

  // The highest mention id stored so far (0: none).
  Result<uint64_t> LastMentionId() const;

  Result<std::optional<Mention>> GetMention(uint64_t id) const;

  // ---- alert delivery (issue #8); kReadWrite only for the writes -----------------------------
  // Pending entries with due_us <= now_us, oldest due first, at most `limit`.
  Result<std::vector<OutboxEntry>> DueAlerts(int64_t now_us, size_t limit) const;
  // Removes the mention's pending (or failed) entry and records that it was sent at sent_us, in
  // one batch. Sending an alert twice is harmless: the marker keeps the first time.
  Status MarkAlertSent(uint64_t mention_id, int64_t sent_us);
  Result<bool> IsAlertSent(uint64_t mention_id) const;
  // attempts + 1, last_error = error, and the pending entry moves to next_due_us (one batch).
  // NotFound when the mention has no pending entry.
  Status RescheduleAlert(uint64_t mention_id, int64_t next_due_us, const std::string& error);
  // The pending entry becomes failed (no longer due), keeping attempts, with last_error = error.
  // NotFound when the mention has no pending entry.
  Status MarkAlertFailed(uint64_t mention_id, const std::string& error);
  // Records one channel's outcome in the pending entry (replacing that channel's earlier state),
  // synced, where it is: the worker calls it right after each send, so a crash afterwards repeats
  // no channel that was recorded sent. NotFound when the mention has no pending entry.
  Status RecordAlertChannel(uint64_t mention_id, const ChannelDelivery& channel);
  // Failed entries, lowest mention id first, at most `limit`.
  Result<std::vector<OutboxEntry>> FailedAlerts(size_t limit) const;
  // Every failed entry becomes pending, due at now_us, attempts 0, and so do its failed channels;
  // channels already sent stay sent. Returns how many (one batch).
  Result<int> RequeueFailedAlerts(int64_t now_us);

  // ---- maintenance; kReadWrite only ------------------------------------------------------------
  // Retention: blanks the text of every document whose content was last fetched before
  // cutoff_us, keeping its title, URLs, content hash (so an unchanged re-crawl stays unchanged),
  // story and mentions with their snippets. Then compacts (see Compact).
  Result<RetentionResult> DropTextOlderThan(int64_t cutoff_us);
  // RocksDB CompactRange over every family: reclaims the space of deleted and overwritten data.
  Status Compact();

  // Waits (up to timeout_ms) until RocksDB has no flush or compaction running or pending, so a
  // benchmark measures queries in a steady state rather than beside a background compaction.
  Status WaitForBackgroundWork(int64_t timeout_ms);

  // kReadOnly: catches up with the writer's latest writes. kReadWrite: nothing to do.
  Status CatchUp();

  // ---- storage faults (storage_fault.h) -------------------------------------------------------
  // The fault that stops this store: a full disk (kDiskFull: RocksDB refuses every write until
  // ResumeWrites succeeds) or corruption or an I/O error met by a write, a read, a flush or a
  // compaction (kFatal: it stays until the store is closed).
  StorageFault Fault() const;
  // After kDiskFull: resumes writing if space has returned (RocksDB's DB::Resume, which first
  // flushes what the memtables hold). Returns the fault that remains; ok() when writes go on.
  StorageFault ResumeWrites();

  // What Repair found and dropped.
  struct RepairReport {
    bool damaged = false;  // false: every write-ahead log was intact, nothing was dropped
    std::string file;      // the first damaged log, and where in it
    uint64_t offset = 0;
    std::string reason;
    uint64_t batches_dropped = 0;   // intact write batches after the damage
    uint64_t unreadable_bytes = 0;  // of records that could not be read at all
    // Mentions lost: every id past the last one kept, up to the highest id in the batches after
    // the damage (ids are given in log order). 0: none known (a damaged record holding the last
    // mentions written cannot be read, so they are not counted).
    uint64_t mentions_dropped = 0;
    uint64_t first_mention_id = 0, last_mention_id = 0;
    uint64_t documents_dropped = 0;  // the same for document ids ...
    uint64_t last_document_id = 0;   // ... up to this one (0: none)
    std::string saved_logs_dir;      // where the damaged logs were copied before the repair
  };
  // Opens a store whose write-ahead log is damaged (Open refuses it), keeping every write before
  // the damage and dropping the rest: copies the damaged logs to <dir>/store-damaged-wal-<time>,
  // replays the logs up to the damage (RocksDB's point-in-time recovery), moves the id counters
  // past every dropped id (read cursors may already be past them), and flushes. Needs the write
  // lock. A store with intact logs is opened and closed unchanged (damaged = false).
  static Result<RepairReport> Repair(const std::string& dir);

  const std::string& dir() const;

  class Impl;

 private:
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kuzet::storage
