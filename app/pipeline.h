// The page pipeline: what happens to every page the crawler fetches.
//
//   fetched bytes → extractor (charset, article, language) → keyword matcher → one storage batch
//
// It is the crawler's CrawlHandler, so the crawler knows nothing about extraction or storage and
// storage knows nothing about HTTP. Analyze (extraction and matching, under the page's budget:
// extractor/page_budget.h; then the store's keys of the text: TextKeysOf, and the search keys
// that FindAll's pass over the words gives, equal to Searcher::KeysOf)
// runs on the crawler's workers, several pages at once; Commit (the storage writes, counters
// and logs) arrives on the crawler's writer thread, a group of finished pages at a time
// (CommitGroup), so deduplication and story assignment in the store see one page at a time, in
// order. Every store write of a crawl happens there. The crawl thread meanwhile makes the other
// calls: ShouldFetch (store reads: the store's roles are thread-safe), OnFetched (the metrics,
// which lock) and OnFetchError (the counters, which lock: counters_mutex_).
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "app/pipeline_metrics.h"
#include "app/watch_plan.h"
#include "config/config.h"
#include "crawler/crawl_state.h"
#include "crawler/crawler.h"
#include "extractor/keywords/matcher.h"
#include "storage/store.h"
#include "storage/warc/evidence_archive.h"

namespace kuzet::app {

// Per-site counters of one crawl, for the summary and the logs.
struct SiteCounters {
  int pages = 0;
  int errors = 0;
  int new_documents = 0;
  int unchanged = 0;
  int new_mentions = 0;
  int regex_timeouts = 0;  // (page, rule) pairs whose regex term hit the time limit
  int over_budget = 0;     // pages whose extraction or matching ran out of CPU or memory budget

  SiteCounters& operator+=(const SiteCounters& other) {
    pages += other.pages;
    errors += other.errors;
    new_documents += other.new_documents;
    unchanged += other.unchanged;
    new_mentions += other.new_mentions;
    regex_timeouts += other.regex_timeouts;
    over_budget += other.over_budget;
    return *this;
  }
};

// The budget of each page (config keys page_cpu_budget, page_memory_budget).
struct PageLimits {
  std::chrono::nanoseconds cpu = std::chrono::seconds(2);
  size_t memory_bytes = size_t{256} << 20;
};

class PagePipeline : public crawler::CrawlHandler {
 public:
  // `metrics`, when given, also counts into the process-level counters for /metrics; it must
  // outlive the pipeline.
  PagePipeline(const keywords::Matcher& matcher, storage::Store& store, PageLimits limits = {},
               PipelineMetrics* metrics = nullptr);

  // Keeps every stored page that produced mentions, as fetched, in `archive` (issue #20): its
  // WARC records are written before the page's store batch, which records where they are. A
  // page the archive refuses (max_disk, a write error) is not stored, and CanStore() is false
  // while the archive stays refused. `archive` must outlive the pipeline; nullptr: none.
  void ArchiveEvidence(storage::warc::EvidenceArchive* archive) { evidence_ = archive; }

  // The edit watch ([watch] table, issue #20): a page that stores its document's first mention
  // also queues the document's first re-fetch, at the time `plan` gives (storage/watch.h).
  // `plan` must outlive the pipeline; nullptr (the default): no document is watched.
  void WatchDocuments(const WatchPlan* plan) { watch_ = plan; }
  // The watched documents this crawl fetches again (crawler::RefetchRequest, the same URLs):
  // each re-fetch that comes back (kind kRefetch, any status) is stored as a page when it is a
  // 2xx, then classified against the document's versions (app/watch_step.h), and its version and
  // the next queue entry are stored (storage::PageWriter::PutVersion). Needs WatchDocuments.
  // Called before the crawl (not during one): the writer thread reads the list.
  void RefetchWatched(std::vector<storage::DueWatch> due);

  bool ShouldFetch(const config::Site& site, const std::string& canonical_url) override;
  // Thread-safe: reads only the matcher (whose FindAll is const and thread-safe) and the limits.
  std::unique_ptr<crawler::PageResult> Analyze(const crawler::CrawledPage& page,
                                               const std::atomic<bool>& cancel) override;
  std::vector<std::string> Commit(const crawler::CrawledPage& page,
                                  std::unique_ptr<crawler::PageResult> result) override;
  // The group's pages are stored in order, each seeing the ones before it: the same documents and
  // stories as committing them one by one.
  // Commit reads a page's body only to archive it: a re-fetch (CommitRefetch) and an article with
  // mentions when the evidence archive is on (the archive sizes the capture against max_disk,
  // checks a revisit's payload digest and, should the records compressed ahead be missing, builds
  // them from it).
  bool CommitReadsBody(const crawler::CrawledPage& page,
                       const crawler::PageResult& result) const override;
  void CommitGroup(std::vector<crawler::PageCommit>& group) override;
  // Analyze and Commit at once.
  std::vector<std::string> OnPage(const crawler::CrawledPage& page) override;
  // The fetch's duration and, when it succeeded, the site's last success, into the metrics.
  void OnFetched(const config::Site& site, crawler::PageKind kind,
                 const Result<crawler::FetchResponse>& response, double seconds) override;
  void OnFetchError(const config::Site& site, const std::string& url, const Status& error) override;

  // False once the store is failing (storage::Store::Fault: a full disk, a damaged store): the
  // crawler then keeps the pages it commits queued, for the crawl after the fault.
  bool CanStore() const override;

  // Read between crawls (CrawlOnce joins the writer thread before it returns).
  const std::map<std::string, SiteCounters>& counters() const { return counters_; }

 private:
  // The page's fetch, without a document (a listing, a page over its budget).
  void RecordFetchOnly(const crawler::CrawledPage& page);
  // CommitGroup's steps. Prepare: counters, logs and the writes of a page that is no article (an
  // error, a listing); true when the page's document is to be stored. StorePages: the group's
  // documents, in order. Finish: the canonical alias, counters and logs of a stored page.
  // `counters`: the page's site's, counted for the group.
  bool Prepare(crawler::PageCommit& commit, SiteCounters& counters);
  std::vector<Result<storage::PutPageResult>> StorePages(std::span<const storage::PageInput> pages);
  void Finish(crawler::PageCommit& commit, const Result<storage::PutPageResult>& put,
              SiteCounters& counters);
  // Adds a group's counts to counters_.
  void AddCounters(const std::map<std::string, SiteCounters>& counted);
  // A re-fetch of a watched document (RefetchWatched), on the writer thread.
  void CommitRefetch(crawler::PageCommit& commit);
  // Sets the page's evidence archive callback (PageInput::archive), when archiving; `ready`: the
  // page's request and response records compressed ahead, to outlive the write.
  void SetArchive(const crawler::CrawledPage& page, storage::PageInput& input,
                  const storage::warc::PrecompressedExchange* ready = nullptr);

  const keywords::Matcher& matcher_;
  storage::Store& store_;
  const PageLimits limits_;
  PipelineMetrics* const metrics_;  // may be null
  // By site id; written from the writer thread (CommitGroup) and the crawl thread (OnFetchError).
  std::mutex counters_mutex_;
  std::map<std::string, SiteCounters> counters_;  // guarded by counters_mutex_
  storage::warc::EvidenceArchive* evidence_ = nullptr;
  const WatchPlan* watch_ = nullptr;
  std::map<std::string, storage::DueWatch> refetches_;  // by URL
};

// The text that keyword rules run on and that is stored: the title as the first paragraph (unless
// the article text already starts with it), then the article text. Match offsets refer to it.
std::string MatchableText(const std::string& title, const std::string& text);

// The URL a page's rel=canonical names, canonicalized, when the pipeline records it as another
// URL of the page's document: it differs from the fetched URL, is on the same host (a leading
// "www." aside), and is not the front page named by a page that is not. nullopt otherwise.
std::optional<std::string> CanonicalAlias(const std::string& fetched_url,
                                          const std::string& declared_canonical);

// The longest a healthy site goes between reads (kuzet_site_interval_seconds): `interval` when it
// has start pages, else max(max_interval, interval), its feeds' adaptive interval's upper bound.
std::chrono::seconds LongestReadInterval(const config::Site& site);

// Groups the matcher's hits by rule into one mention per (document, rule).
std::vector<storage::MentionInput> GroupMatchesByRule(const std::vector<keywords::Match>& matches);

}  // namespace kuzet::app
