// Search over the stored documents with the rule language (issue #18): `kuzet search`,
// `/api/search` and the web page ask the store "which documents does this query match", and get
// exactly what the same query, as a rule, finds at crawl time on those texts.
//
// The `search` family (FORMAT.md) holds, per word key and block of 4,096 doc ids, the list of
// the block's documents whose text has the word (posting_list.h): the keys of every distinct
// word of the text (extractor/keywords/search_keys.h), merged into the lists in the batch of
// the document's group (one Merge per key and block for the whole group). A query is compiled
// by the rule compiler; its plan (which term keys a matching text must start with, combined by
// AND/OR) gives candidate documents, newest first, from prefix scans of the index; each
// candidate is then verified by running the compiled query (Matcher::FindAll) over its stored
// text with its language and site. So
// cross-script and inflected spellings are found as rules find them, and a result is never
// something FindAll would not report.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "extractor/keywords/matcher.h"
#include "storage/page.h"

namespace kuzet::storage {

class StoreDb;

// Compiles a search query: the rule query language (extractor/keywords/README.md), as the
// `query` of a rule "search" with default settings (cross-script, inflecting). Errors read
// "query: column N: ...". With `folder`, compiles with a copy of it instead of building one
// (Searcher::Compile passes the store's).
Result<keywords::Matcher> CompileSearchQuery(std::string_view text,
                                             const keywords::KeyFolder* folder = nullptr);

struct SearchQuery {
  std::string site, lang;  // only documents of this site / with this language ("" = any)
  // Only documents whose current text was fetched in [since_us, until_us).
  int64_t since_us = std::numeric_limits<int64_t>::min();
  int64_t until_us = std::numeric_limits<int64_t>::max();
  uint64_t before_doc = 0;  // a cursor: only documents with a smaller id (0: from the newest)
  size_t limit = 20;        // hits returned at most
  // Candidates read and verified (or rejected unread: SearchResult::rejected_unread) at most
  // before a call returns (with a cursor to go on): a query the index cannot narrow (a regex, a
  // lone NOT) costs a bounded time per call.
  size_t max_examined = 20000;
};

struct SearchHit {
  uint64_t doc_id = 0;
  std::string site_id, url, title, lang;
  int64_t fetched_at_us = 0, first_seen_us = 0;
  uint64_t story_id = 0;                 // the document's story (near-duplicate cluster)
  std::vector<keywords::Match> matches;  // FindAll's, in text order (rule_id "search")
};

struct SearchResult {
  std::vector<SearchHit> hits;  // newest document (highest id) first
  // Where to go on (SearchQuery::before_doc) when the limit or max_examined stopped the call;
  // 0 when every document was examined.
  uint64_t next_before = 0;
  size_t examined = 0;  // candidate documents read
  // Of them, verified reading only the words the index places term words at
  // (Matcher::FindAllAt); the others (not indexed yet, positions unknown, a regex term) were
  // read whole.
  size_t verified_at_positions = 0;
  // Of those, rejected by a one-word NOT term found at its first indexed token, without the rest
  // of the text being broken into words (keywords::SearchPlan::excluding).
  size_t rejected_by_not_term = 0;
  // Candidates rejected without being read: the index shows a one-word NOT term in them (a list
  // whose every word is the term, of a document whose text did not change since it was indexed:
  // keywords::SearchPlan::KeyAlwaysMatches). max_examined bounds these and `examined` together.
  size_t rejected_unread = 0;
};

class Searcher {
 public:
  explicit Searcher(StoreDb& db) : db_(db) {}
  Searcher(const Searcher&) = delete;
  Searcher& operator=(const Searcher&) = delete;

  // CompileSearchQuery with the store's key folder (built once per store: a query then compiles
  // in well under a millisecond).
  Result<keywords::Matcher> Compile(std::string_view text) const;

  // The documents `matcher` matches, newest first. A read-only store of format 2 or 3 (not yet
  // indexed: the next read-write open builds the index) gives FailedPrecondition-like
  // Unavailable naming the fix.
  Result<SearchResult> Search(const keywords::Matcher& matcher, const SearchQuery& query) const;

  // The word keys and classes the index holds for a document of text `utf8_text` and language
  // `lang`: the one definition, which PutPages calls for a page without PageInput::search_keys
  // and the crawl pipeline's workers call to give them ahead. Safe to call from several threads
  // at once.
  Result<SearchIndexKeys> KeysOf(const std::string& utf8_text, std::string_view lang) const;

 private:
  // A finished search's break iterators for the next (keywords::TextBreakers: a new set rebuilds
  // ICU's per-iterator state for scripts it has no dictionary for, ~5 % of a phrase search on
  // the bench's articles). At most kMaxIdleBreakers are kept; concurrent searches take one each.
  static constexpr size_t kMaxIdleBreakers = 8;
  keywords::TextBreakers TakeBreakers(const keywords::Matcher& matcher) const;
  void ReturnBreakers(keywords::TextBreakers breakers) const;

  StoreDb& db_;
  mutable std::mutex idle_breakers_mutex_;
  mutable std::vector<keywords::TextBreakers> idle_breakers_;  // guarded by the mutex
};

}  // namespace kuzet::storage
