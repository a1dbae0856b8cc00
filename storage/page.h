// What the crawler hands the store: a crawled page with the rules it matched (PageInput), what
// storing it did (PutPageResult), and what the store knows of a URL (UrlState). Written by
// PageWriter (page_writer.h); the records are storage/FORMAT.md's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "extractor/keywords/position_lists.h"
#include "extractor/keywords/token_checkpoints.h"
#include "storage/evidence.h"
#include "storage/watch.h"

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

// What the store derives from a page's text to find its duplicates (storage/FORMAT.md): a Unicode
// NFKC case fold of the whole text, a SHA-256 and a SimHash. It needs no read of the store, so a
// caller with threads of its own (the crawl pipeline's workers) computes it there with TextKeysOf,
// and the writer, whose writes are serialized, only encodes and writes (issue #17).
struct TextKeys {
  std::string fingerprint_key;      // SHA-256 (raw bytes) of NormalizeForFingerprint(text)
  std::optional<uint64_t> simhash;  // TextSimHash(text) (storage/simhash.h)
  size_t text_bytes = 0;            // the size of the text they were computed from
};

// The one definition of a text's keys: PutPage and PutPages call it for a page without them.
TextKeys TextKeysOf(const std::string& utf8_text);

// The search index's word keys of a text (storage/FORMAT.md, *search*): one entry of the index
// per key for the text's document. They come from the store's word breaker and key folder, so
// their one definition is Searcher::KeysOf (search_index.h), which the pipeline's workers call
// ahead, as for TextKeys, and the writer for a page without them (issue #17).
struct SearchIndexKeys {
  std::vector<std::string> keys;  // sorted; (key, class) pairs distinct
  // Parallel to keys: the word class of the words (keywords::WordClassOf; format 7).
  std::vector<uint8_t> classes;
  // Parallel to keys: the token positions of each in the text, ascending (issue #18: phrase and
  // NEAR searches test them before reading a document).
  keywords::PositionLists positions;
  size_t text_bytes = 0;  // the size of the text they were computed from
  // Where a search's FindAllAt may start breaking the text into words (issue #18), from the same
  // pass: the writer stores them in the document's record, beside the text.
  std::vector<keywords::TokenCheckpoint> checkpoints;
};

struct PageInput {
  std::string site_id;
  std::string url;  // canonical URL: the key of the URL state
  std::string final_url, title, text, lang, charset, author, published, canonical_url;
  int64_t fetched_at_us = 0;  // unix microseconds; also the found_at of new mentions
  int http_status = 0;
  std::string etag, last_modified;
  std::vector<MentionInput> mentions;
  // TextKeysOf(text), when the caller computed it ahead; the writer computes it otherwise, and
  // also when text_bytes is not the text's size (keys of another text are never used).
  std::optional<TextKeys> text_keys;
  // Searcher::KeysOf(text, lang), the same way: used only when text_bytes is the text's size.
  std::optional<SearchIndexKeys> search_keys;
  // The evidence archive (evidence.h), for a page with mentions: called by PutPage(s) once the
  // document and mention ids are known, it writes the page's records and returns the capture,
  // which goes into the same batch once `archive_sync` made the records durable (one Sync per
  // group and syncer, before the batch is written). An error of either fails the write of the
  // page (and of its group). Unset: nothing is archived. Set, `archive_sync` must be too.
  std::function<Result<EvidenceCapture>(const EvidenceContext&)> archive;
  EvidenceSync* archive_sync = nullptr;
  // The edit watch (watch.h), when enabled: a page that stores its document's first mention also
  // stores the fetch as the document's version 0 and queues its first re-fetch at watch->due_us,
  // in the same batch. Unset: the document is not watched.
  std::optional<WatchStart> watch;
};

struct PutPageResult {
  uint64_t doc_id = 0;
  bool unchanged = false;     // same normalized text as last time at this URL: nothing stored
  bool new_document = false;  // a document was created
  bool duplicate = false;     // the text equals another URL's document; recorded as its URL
  int new_mentions = 0;       // mentions (and outbox entries) created by this call
  uint64_t story_id = 0;      // the story (near-duplicate cluster) of doc_id; see Document
};

// What the crawler knows about a URL. doc_id is 0 while no content was ever stored for it.
struct UrlState {
  int64_t last_fetch_us = 0;
  int http_status = 0;
  std::string etag, last_modified;
  uint64_t doc_id = 0;
  std::string content_hash;  // hex SHA-256 of the normalized text last stored for this URL
};

// The text key of exact-duplicate detection: NFKC case-folded, whitespace runs collapsed to one
// space, leading and trailing whitespace dropped. Exposed so tests and tools agree with the store.
std::string NormalizeForFingerprint(const std::string& utf8_text);

}  // namespace kuzet::storage
