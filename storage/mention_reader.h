// The store's reader: what analysts ask (CLI, HTTP API, Atom feed, the alert worker's message
// building). Every query is served from an index and reads what it returns, never a whole story
// or every mention. Any number of threads; a read-only process sees the writer's state as of its
// open or last CatchUp().
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "storage/backfill.h"
#include "storage/evidence.h"
#include "storage/mention.h"
#include "storage/page.h"
#include "storage/watch.h"

namespace kuzet::storage {

class StoreDb;

class MentionReader {
 public:
  explicit MentionReader(StoreDb& db) : db_(db) {}
  MentionReader(const MentionReader&) = delete;
  MentionReader& operator=(const MentionReader&) = delete;

  Result<std::optional<UrlState>> GetUrl(const std::string& url) const;

  // Newest first, served from the time, rule, site or story index.
  Result<std::vector<Mention>> Mentions(const MentionQuery& query) const;

  // The mentions with id > after_id matching query's filters (time, rule, site, lang, story),
  // lowest id first, at most query.limit: what is new since a read cursor at after_id. Walks the
  // mentions family by id from after_id (ids grow with every mention stored).
  Result<MentionsAfterResult> MentionsAfter(uint64_t after_id, const MentionQuery& query) const;

  // The highest mention id stored so far (0: none).
  Result<uint64_t> LastMentionId() const;

  Result<std::optional<Mention>> GetMention(uint64_t id) const;

  Result<std::optional<Document>> GetDocument(uint64_t id) const;

  // Every capture of the document in the evidence archive, oldest first; empty when none (or the
  // store predates the archive).
  Result<std::vector<EvidenceCapture>> Evidence(uint64_t doc_id) const;

  // ---- the edit watch (watch.h) ----------------------------------------------------------------
  // The re-fetches due at or before now_us, earliest first, at most `limit` (at most
  // kMaxDueWatches): what a round of the daemon queues.
  static constexpr size_t kMaxDueWatches = 10000;
  Result<std::vector<DueWatch>> DueWatches(int64_t now_us, size_t limit) const;
  // The document's versions numbered from `from_number` on, oldest first, at most `limit`;
  // empty for a document that is not watched. Page on from the last number + 1.
  Result<std::vector<StoredVersion>> Versions(uint64_t doc_id, size_t limit,
                                              uint32_t from_number = 0) const;
  // The document's entry in the re-fetch queue; nullopt when it has none (never watched, or its
  // schedule is done). O(queue): for tools and tests.
  Result<std::optional<DueWatch>> QueuedWatch(uint64_t doc_id) const;

  // The stored document nearest to this text within SimHash distance 3 (lowest id among
  // equals); nullopt when none, or the text is too short. PutPage joins that document's story
  // only if the story's first document is within distance 6 too (FORMAT.md, *Invariants* 8).
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

  // ---- backfill (storage/backfill.h) -----------------------------------------------------------
  // The ids of the documents first seen at or after since_us: [first, end), end being the highest
  // stored id + 1. Found by bisection over doc ids (O(log n) reads), which are given in first-seen
  // order; documents stored out of time order near the boundary may fall on either side.
  struct DocumentRange {
    uint64_t first = 1, end = 1;
  };
  Result<DocumentRange> DocumentsSince(int64_t since_us) const;
  // At most `limit` documents with first_doc_id <= id < before_doc_id, highest id first: records
  // only (no mentions, story_id 0). Memory is O(limit); page on with next_before.
  Result<DocumentBatch> ScanDocuments(uint64_t first_doc_id, uint64_t before_doc_id,
                                      size_t limit) const;
  // A rule's backfill as last written; nullopt when it never had one.
  Result<std::optional<RuleBackfill>> GetRuleBackfill(const std::string& rule_id) const;
  // Every rule's backfill, by rule id.
  Result<std::vector<RuleBackfill>> RuleBackfills() const;

  // A read-only (secondary) store: catches up with the writer's latest writes. Read-write:
  // nothing to do.
  Status CatchUp() const;

 private:
  StoreDb& db_;
};

}  // namespace kuzet::storage
