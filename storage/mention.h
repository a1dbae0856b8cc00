// What analysts read (MentionReader, mention_reader.h): mentions, documents and stories, and the
// queries that select them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/page.h"

namespace kuzet::storage {

struct Mention {
  uint64_t id = 0, doc_id = 0;
  uint64_t story_id = 0;  // the story of doc_id when the mention was found (0: stored before
                          // mentions recorded it; read as doc_id's story)
  std::string rule_id, site_id, url, title, lang, snippet;
  uint32_t snippet_mark_begin = 0, snippet_mark_end = 0;
  int64_t found_at_us = 0;
  std::vector<MatchHit> hits;
  // Found by running a new or changed rule over stored documents (a backfill, issue #18), not
  // when the crawl stored the page; found_at_us is then the document's fetch time.
  bool backfilled = false;
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
  // Where a search may start breaking `text` into words (keywords::TokenCheckpointsOf of this
  // text; none for a document stored without its search keys computed ahead or before the field
  // existed: searches then break it from its start).
  std::vector<keywords::TokenCheckpoint> token_checkpoints;
  // The story: documents whose texts are near-duplicates (SimHash within Hamming distance 3) of
  // its first document (see storage/FORMAT.md, *Invariants*). Its id is the id of its first
  // document. Fixed when the document is made.
  uint64_t story_id = 0;
  std::vector<Mention> mentions;  // ordered by rule id
};

}  // namespace kuzet::storage
