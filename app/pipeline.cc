#include "app/pipeline.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "app/watch_step.h"
#include "base/hex.h"
#include "base/time.h"
#include "extractor/extractor.h"
#include "extractor/keywords/search_keys.h"
#include "extractor/page_budget.h"
#include "url/url.h"

namespace kuzet::app {

std::string MatchableText(const std::string& title, const std::string& text) {
  if (title.empty() || text.starts_with(title)) return text;
  if (text.empty()) return title;
  return title + "\n\n" + text;
}

std::vector<storage::MentionInput> GroupMatchesByRule(const std::vector<keywords::Match>& matches) {
  std::vector<storage::MentionInput> mentions;
  std::map<std::string, size_t> index_of_rule;
  for (const keywords::Match& m : matches) {
    auto [it, inserted] = index_of_rule.try_emplace(m.rule_id, mentions.size());
    if (inserted) {
      storage::MentionInput mention;
      mention.rule_id = m.rule_id;
      mention.snippet = m.snippet;
      mention.snippet_mark_begin = static_cast<uint32_t>(m.snippet_begin);
      mention.snippet_mark_end = static_cast<uint32_t>(m.snippet_end);
      mentions.push_back(std::move(mention));
    }
    mentions[it->second].hits.push_back(storage::MatchHit{
        m.term, m.surface, static_cast<uint32_t>(m.begin), static_cast<uint32_t>(m.end)});
  }
  return mentions;
}

namespace {

std::string HostWithoutWww(const std::string& url) {
  std::string host = url::HostOf(url);
  return host.rfind("www.", 0) == 0 ? host.substr(4) : host;
}

}  // namespace

std::optional<std::string> CanonicalAlias(const std::string& fetched_url,
                                          const std::string& declared_canonical) {
  if (declared_canonical.empty()) return std::nullopt;
  auto canonical = url::Canonicalize(declared_canonical);
  if (!canonical.ok() || *canonical == fetched_url) return std::nullopt;
  // Another site's canonical (a syndicated reprint) is that site's article, not this URL's.
  if (HostWithoutWww(*canonical) != HostWithoutWww(fetched_url)) return std::nullopt;
  // Templates that point every page at the front page.
  if (url::PathAndQueryOf(*canonical) == "/" && url::PathAndQueryOf(fetched_url) != "/") {
    return std::nullopt;
  }
  return *canonical;
}

PagePipeline::PagePipeline(const keywords::Matcher& matcher, storage::Store& store,
                           PageLimits limits, PipelineMetrics* metrics)
    : matcher_(matcher), store_(store), limits_(limits), metrics_(metrics) {}

bool PagePipeline::CanStore() const {
  return store_.Fault().ok() && (evidence_ == nullptr || evidence_->Health().ok());
}

bool PagePipeline::ShouldFetch(const config::Site& site, const std::string& canonical_url) {
  if (!store_.Fault().ok()) return true;  // a failing store: the crawl is being stopped
  auto state = store_.reader().GetUrl(canonical_url);
  if (!state.ok()) {
    spdlog::warn("site {}: {}: cannot read URL state: {}", site.id, canonical_url,
                 state.status().message());
    return true;  // fetching twice is better than missing an article
  }
  // Articles are fetched once; a URL that only ever failed is tried again.
  return !state.value().has_value() || state.value()->doc_id == 0;
}

namespace {

// Cancelled (the crawl is stopping) is not the page's fault: it is never committed, and the next
// crawl takes it again.
std::optional<Budget> BudgetExceeded(const extractor::PageBudget& budget) {
  switch (budget.exceeded()) {
    case extractor::PageBudget::Exceeded::kCpu:
      return Budget::kCpu;
    case extractor::PageBudget::Exceeded::kMemory:
      return Budget::kMemory;
    default:
      return std::nullopt;
  }
}

// What Analyze found for a page, for Commit.
struct AnalyzedPage : crawler::PageResult {
  Status error;                       // extraction failed (or went over budget): nothing to store
  std::optional<Budget> over_budget;  // the budget the page ran out of
  std::string not_text;  // the body is not text (extractor::Article::not_text): nothing to store
  std::vector<std::string> regex_timeouts;  // rules whose regex hit its time limit
  std::vector<std::string> links;
  storage::PageInput input;   // for an article (not a start page)
  std::string canonical_url;  // as the page declares it
  bool no_content = false;    // a re-fetch that brought no page (not a 2xx): nothing analyzed
  // The evidence archive's request and response records of a page it will archive, compressed
  // here on the worker (issue #17); their WARC-Date is the page's fetched_at_us.
  std::optional<storage::warc::PrecompressedExchange> evidence;
};

// The fetch as the evidence archive records it, dated `at`.
storage::warc::FetchedExchange ExchangeOf(const crawler::FetchResponse& response, int64_t at) {
  return {response.final_url,    response.remote_ip,     at,
          response.request_head, response.response_head, response.TransferredBody()};
}

// The redirects to other origins a re-fetch followed (crawler::RedirectHop), as the archive
// keeps them before the capture they led to.
std::vector<storage::warc::FetchedExchange> RedirectExchangesOf(const crawler::CrawledPage& page) {
  std::vector<storage::warc::FetchedExchange> hops;
  for (const auto& hop : page.redirected_from) {
    hops.push_back(ExchangeOf(hop->response, hop->received_at_us));
  }
  return hops;
}

bool Is2xx(long status) { return status >= 200 && status < 300; }

}  // namespace

std::unique_ptr<crawler::PageResult> PagePipeline::Analyze(const crawler::CrawledPage& page,
                                                           const std::atomic<bool>& cancel) {
  auto result = std::make_unique<AnalyzedPage>();
  const config::Site& site = *page.site;
  const crawler::FetchResponse& response = page.response;
  if (page.kind == crawler::PageKind::kRefetch && !Is2xx(response.status)) {
    result->no_content = true;  // a 304, a 404, a failure: the watch step reads the status
    return result;
  }
  extractor::PageBudget budget(limits_.cpu, limits_.memory_bytes, &cancel);
  auto article =
      extractor::Extract(response.body, response.content_type, response.final_url, &budget);
  if (!article.ok()) {
    result->error = article.status();
    result->over_budget = BudgetExceeded(budget);
    return result;
  }
  if (!article->not_text.empty()) {
    result->not_text = article->not_text;
    return result;
  }
  result->links = std::move(article->links);
  result->links.insert(result->links.end(), article->feed_links.begin(), article->feed_links.end());
  if (page.kind == crawler::PageKind::kStart) return result;

  storage::PageInput& input = result->input;
  input.site_id = site.id;
  input.url = page.url;
  input.final_url = response.final_url;
  input.title = article->title;
  input.text = MatchableText(article->title, article->text);
  input.lang = article->lang;
  input.charset = article->charset;
  input.author = article->author;
  input.published = article->date;
  result->canonical_url = article->canonical_url;
  input.http_status = static_cast<int>(response.status);
  input.etag = response.Header("etag");
  input.last_modified = response.Header("last-modified");
  // The matcher's pass over the words also gives the search index's word keys (the same words
  // and folds: one word break and fold per page, issue #17).
  std::optional<keywords::SearchKeyPositions> search_keys;
  input.mentions = GroupMatchesByRule(
      matcher_.FindAll(input.text, input.lang, site.id, &result->regex_timeouts, &search_keys));
  // Matching runs in one call; a page that used up its budget there is over it all the same.
  if (!budget.Check()) {
    result->error = Status::Unavailable("matcher: " + page.url + ": " + budget.Describe());
    result->over_budget = BudgetExceeded(budget);
    return result;
  }
  // The store's duplicate keys (a fold of the whole text, SHA-256, SimHash) here, on a worker:
  // the writer's work (once on the crawl thread, now on the writer thread) is serial, and this
  // was a sixth of the CPU there.
  input.text_keys = storage::TextKeysOf(input.text);
  // The search keys are the writer's to encode only. Should FindAll not have finished them, they
  // are computed here on their own; should that fail too, the writer reports the error.
  if (search_keys) {
    input.search_keys = storage::SearchIndexKeys{
        std::move(search_keys->keys), std::move(search_keys->classes),
        std::move(search_keys->positions), input.text.size(), std::move(search_keys->checkpoints)};
  } else if (auto own = store_.searcher().KeysOf(input.text, input.lang); own.ok()) {
    input.search_keys = std::move(own).value();
  }
  // The evidence archive's records of an article with mentions, built and compressed here: on the
  // crawl thread they were a twentieth of all the CPU (issue #17). The capture's time is fixed
  // now; Prepare makes it the page's fetched_at_us. Should this fail, the writer thread builds
  // the records again and reports why it cannot.
  if (evidence_ != nullptr && !input.mentions.empty() && page.kind != crawler::PageKind::kStart &&
      page.kind != crawler::PageKind::kRefetch) {
    const storage::warc::DeflateCompressor compressor;
    auto ready =
        storage::warc::PrecompressExchange(ExchangeOf(response, base::NowMicros()), compressor);
    if (ready.ok()) result->evidence = std::move(*ready);
  }
  return result;
}

bool PagePipeline::CommitReadsBody(const crawler::CrawledPage& page,
                                   const crawler::PageResult& result) const {
  if (page.kind == crawler::PageKind::kRefetch) return true;
  const auto* analyzed = dynamic_cast<const AnalyzedPage*>(&result);
  if (analyzed == nullptr) return true;
  // Pages with an error, not text, start pages and articles without mentions: Prepare reads the
  // status and headers only (RecordFetchOnly, the document's fields).
  return evidence_ != nullptr && !analyzed->input.mentions.empty();
}

void PagePipeline::RecordFetchOnly(const crawler::CrawledPage& page) {
  const crawler::FetchResponse& response = page.response;
  Status s =
      store_.writer().RecordFetch(page.url, static_cast<int>(response.status), base::NowMicros(),
                                  response.Header("etag"), response.Header("last-modified"));
  if (!s.ok()) {
    if (metrics_ != nullptr) metrics_->CountStoreWriteError();
    spdlog::error("site {}: {}: {}", page.site->id, page.url, s.message());
  }
}

std::vector<std::string> PagePipeline::OnPage(const crawler::CrawledPage& page) {
  const std::atomic<bool> never{false};
  return Commit(page, Analyze(page, never));
}

std::vector<std::string> PagePipeline::Commit(const crawler::CrawledPage& page,
                                              std::unique_ptr<crawler::PageResult> result) {
  std::vector<crawler::PageCommit> group(1);
  group[0].page = &page;
  group[0].result = std::move(result);
  CommitGroup(group);
  return std::move(group[0].links);
}

bool PagePipeline::Prepare(crawler::PageCommit& commit, SiteCounters& counters) {
  const crawler::CrawledPage& page = *commit.page;
  const config::Site& site = *page.site;
  ++counters.pages;
  if (metrics_ != nullptr) metrics_->CountPageProcessed(site.id);
  auto* analyzed = dynamic_cast<AnalyzedPage*>(commit.result.get());
  if (!store_.Fault().ok()) {  // reported once, by the write that met the fault
    return false;
  }
  if (analyzed == nullptr) {  // Analyze threw
    ++counters.errors;
    spdlog::warn("site {}: {}: not analyzed", site.id, page.url);
    return false;
  }
  // Before the error check: a regex that hit its time limit may be what put the page over budget,
  // and its miss is counted either way.
  for (const std::string& rule : analyzed->regex_timeouts) {
    ++counters.regex_timeouts;
    if (metrics_ != nullptr) metrics_->CountRegexTimeout(site.id, rule);
    spdlog::warn("site {}: {}: rule {}: regex hit the time limit; later mentions may be missed",
                 site.id, page.url, rule);
  }
  if (!analyzed->error.ok()) {
    ++counters.errors;
    if (analyzed->over_budget) {
      // Recorded as fetched (no document): the crawl queue lets it go, and the next crawl that
      // finds it tries again rather than taking it first after a restart.
      ++counters.over_budget;
      if (metrics_ != nullptr) metrics_->CountOverBudget(site.id, *analyzed->over_budget);
      RecordFetchOnly(page);
      spdlog::warn("site {}: {}: page over budget, skipped: {}", site.id, page.url,
                   analyzed->error.message());
    } else {
      spdlog::warn("site {}: {}: {}", site.id, page.url, analyzed->error.message());
    }
    return false;
  }
  if (!analyzed->not_text.empty()) {
    if (metrics_ != nullptr) metrics_->CountNotText(site.id);
    spdlog::warn("site {}: {}: skipped: the body is {}, not text", site.id, page.url,
                 analyzed->not_text);
    return false;
  }
  commit.links = std::move(analyzed->links);

  // Start (front and section) pages are listings: their links are followed, but what they say is
  // stored with the article it belongs to, not as a mention of the listing.
  if (page.kind == crawler::PageKind::kStart) {
    RecordFetchOnly(page);
    return false;
  }
  // The time of the evidence records compressed ahead, so the document, its mentions and their
  // capture agree on when the page was fetched.
  analyzed->input.fetched_at_us =
      analyzed->evidence ? analyzed->evidence->fetched_micros : base::NowMicros();
  // Stored only with the document's first mention (the writer checks): a watch begins once.
  if (watch_ != nullptr) analyzed->input.watch = watch_->Start(analyzed->input);
  SetArchive(page, analyzed->input, analyzed->evidence ? &*analyzed->evidence : nullptr);
  return true;
}

void PagePipeline::SetArchive(const crawler::CrawledPage& page, storage::PageInput& input,
                              const storage::warc::PrecompressedExchange* ready) {
  if (evidence_ == nullptr) return;
  // Called by PutPage(s), on this thread, while `page` and `ready` are alive (storage/evidence.h).
  input.archive = [this, &page, ready,
                   at = input.fetched_at_us](const storage::EvidenceContext& context) {
    return evidence_->Archive(ExchangeOf(page.response, at), context, ready,
                              RedirectExchangesOf(page));
  };
  input.archive_sync = evidence_;  // once per group, before its batch
}

void PagePipeline::RefetchWatched(std::vector<storage::DueWatch> due) {
  refetches_.clear();
  for (storage::DueWatch& d : due) refetches_[d.entry.url] = std::move(d);
}

void PagePipeline::CommitRefetch(crawler::PageCommit& commit) {
  const crawler::CrawledPage& page = *commit.page;
  const config::Site& site = *page.site;
  commit.recorded = true;  // never in the crawl's durable queue: the store's entry is its copy
  auto found = refetches_.find(page.url);
  if (found == refetches_.end() || watch_ == nullptr) {
    spdlog::warn("site {}: {}: a re-fetch nobody asked for, ignored", site.id, page.url);
    return;
  }
  const storage::DueWatch due = found->second;
  if (!store_.Fault().ok()) return;  // the entry stays due: the next round fetches it again
  const crawler::FetchResponse& response = page.response;
  auto* analyzed = dynamic_cast<AnalyzedPage*>(commit.result.get());
  RefetchOutcome fetch;
  fetch.fetched_at_us = base::NowMicros();
  fetch.http_status = static_cast<int>(response.status);
  if (response.status != 0 && !response.final_url.empty()) {
    auto landed = url::Canonicalize(response.final_url);
    fetch.final_url = landed.ok() ? *landed : response.final_url;
  }
  const bool analyzed_ok = analyzed != nullptr && !analyzed->no_content && analyzed->error.ok() &&
                           analyzed->not_text.empty();
  if (Is2xx(response.status) && !analyzed_ok) {
    // Not read (over budget, not text): it says nothing of the document, like a failed fetch.
    spdlog::warn("site {}: {}: re-fetch of watched document {} not analyzed", site.id, page.url,
                 due.doc_id);
    fetch.http_status = 0;
  }
  if (Is2xx(fetch.http_status)) {
    storage::PageInput& input = analyzed->input;
    input.fetched_at_us = fetch.fetched_at_us;
    SetArchive(page, input);
    auto put = store_.writer().PutPage(input);
    if (!put.ok()) {  // the entry stays due: the next round fetches it again
      if (metrics_ != nullptr) metrics_->CountStoreWriteError();
      spdlog::error("site {}: {}: {}", site.id, page.url, put.status().message());
      return;
    }
    fetch.title = input.title;
    fetch.text = input.text;
    fetch.digest = base::HexEncode(
        (input.text_keys ? *input.text_keys : storage::TextKeysOf(input.text)).fingerprint_key);
    for (const storage::MentionInput& m : input.mentions) {
      for (const storage::MatchHit& hit : m.hits) fetch.names.push_back({m.rule_id, hit.term});
    }
    std::sort(fetch.names.begin(), fetch.names.end(), [](const auto& a, const auto& b) {
      return std::tie(a.rule_id, a.name) < std::tie(b.rule_id, b.name);
    });
    fetch.names.erase(std::unique(fetch.names.begin(), fetch.names.end()), fetch.names.end());
    if (evidence_ != nullptr && !input.mentions.empty()) {
      fetch.evidence_fetched_at_us = fetch.fetched_at_us;
    }
  } else if (response.status != 0) {
    // The URL state keeps the validators a 304 does not repeat (RFC 9110 §15.4.5).
    std::string etag = response.Header("etag"), last_modified = response.Header("last-modified");
    if (response.status == 304) {
      auto known = store_.reader().GetUrl(page.url);
      if (known.ok() && known->has_value()) {
        if (etag.empty()) etag = (*known)->etag;
        if (last_modified.empty()) last_modified = (*known)->last_modified;
      }
    }
    if (Status s = store_.writer().RecordFetch(page.url, fetch.http_status, fetch.fetched_at_us,
                                               etag, last_modified);
        !s.ok()) {
      spdlog::error("site {}: {}: {}", site.id, page.url, s.message());
      return;
    }
  }
  auto versions = store_.reader().Versions(due.doc_id, storage::MentionReader::kMaxDueWatches);
  if (!versions.ok() || versions->empty()) {
    spdlog::error("site {}: {}: watched document {}: {}", site.id, page.url, due.doc_id,
                  versions.ok() ? "no version 0" : versions.status().message());
    return;
  }
  std::vector<std::string> rules;
  for (const storage::StoredVersion& v : *versions) {
    for (const storage::VersionName& n : v.version.names) rules.push_back(n.rule_id);
  }
  std::sort(rules.begin(), rules.end());
  rules.erase(std::unique(rules.begin(), rules.end()), rules.end());
  WatchStepResult step = ClassifyRefetch(due, *versions, fetch, rules, *watch_, watch_->table());
  // Each version goes to the archive too (issue #20): one stored as a page with mentions was
  // archived with it; any other answer (a 404, a page without mentions) is archived here, and so
  // is a 304 that stores no version (a server-not-modified revisit, storage/warc/README.md).
  if (evidence_ != nullptr && (step.input.version || response.status == 304) &&
      fetch.evidence_fetched_at_us == 0 && response.status != 0) {
    step.input.archive = [this, &page,
                          at = fetch.fetched_at_us](const storage::EvidenceContext& context) {
      const crawler::FetchResponse& r = page.response;
      storage::warc::FetchedExchange exchange{r.final_url,    r.remote_ip,     at,
                                              r.request_head, r.response_head, r.TransferredBody()};
      return evidence_->Archive(exchange, context, nullptr, RedirectExchangesOf(page));
    };
    step.input.archive_sync = evidence_;
  }
  auto stored = store_.writer().PutVersion(step.input);
  if (!stored.ok()) {
    if (metrics_ != nullptr) metrics_->CountStoreWriteError();
    spdlog::error("site {}: {}: {}", site.id, page.url, stored.status().message());
    return;
  }
  std::string kinds;
  for (watch::ChangeKind kind : step.change.kinds) {
    kinds += (kinds.empty() ? "" : ", ") + std::string(watch::ChangeKindName(kind));
  }
  spdlog::info("site {}: {}: watched document {} re-fetched (HTTP {}): {}{}{}", site.id, page.url,
               due.doc_id, fetch.http_status, kinds,
               step.input.version ? ", version " + std::to_string(stored->number) : "",
               step.alerts ? " (alerts)" : "");
}

std::vector<Result<storage::PutPageResult>> PagePipeline::StorePages(
    std::span<const storage::PageInput> pages) {
  // One atomic batch, and at most one sync, per group (storage/page_writer.h PutPages): each page
  // sees the ones before it (dedup, story assignment). A group refused while the store is sound
  // failed for a reason of one page's own: it is written again page by page, so that page alone
  // fails. After a store fault the rest are not tried (the fault is reported once).
  constexpr size_t kGroup = storage::PageWriter::kMaxPagesPerGroup;
  std::vector<Result<storage::PutPageResult>> results;
  results.reserve(pages.size());
  for (size_t begin = 0; begin < pages.size(); begin += kGroup) {
    const size_t end = std::min(pages.size(), begin + kGroup);
    auto put = store_.writer().PutPages(pages.subspan(begin, end - begin));
    if (put.ok()) {
      for (storage::PutPageResult& result : *put) results.emplace_back(std::move(result));
      continue;
    }
    if (!store_.Fault().ok()) {
      results.emplace_back(put.status());
      return results;
    }
    for (size_t i = begin; i < end; ++i) {
      results.push_back(store_.writer().PutPage(pages[i]));
      if (!results.back().ok() && !store_.Fault().ok()) return results;
    }
  }
  return results;
}

void PagePipeline::Finish(crawler::PageCommit& commit, const Result<storage::PutPageResult>& put,
                          SiteCounters& counters) {
  const crawler::CrawledPage& page = *commit.page;
  const config::Site& site = *page.site;
  auto& analyzed = static_cast<AnalyzedPage&>(*commit.result);
  const storage::PageInput& input = analyzed.input;
  if (!put.ok()) {
    ++counters.errors;
    if (metrics_ != nullptr) metrics_->CountStoreWriteError();
    spdlog::error("site {}: {}: {}", site.id, page.url, put.status().message());
    return;
  }
  // rel=canonical: the canonical URL becomes another URL of this document (an exact duplicate
  // of it), so discovering it later fetches nothing. Only a URL the store does not know yet:
  // a wrong canonical must never overwrite another article.
  if (put->new_document) {
    if (auto alias = CanonicalAlias(page.url, analyzed.canonical_url)) {
      auto known = store_.reader().GetUrl(*alias);
      if (known.ok() && !known->has_value()) {
        storage::PageInput alias_input = input;
        alias_input.url = *alias;
        alias_input.mentions.clear();
        auto aliased = store_.writer().PutPage(alias_input);
        if (!aliased.ok()) {
          spdlog::warn("site {}: {}: canonical {}: {}", site.id, page.url, *alias,
                       aliased.status().message());
        }
      }
    }
  }
  if (metrics_ != nullptr && !put->unchanged) metrics_->CountPageStored(site.id, put->new_mentions);
  if (put->new_document) ++counters.new_documents;
  if (put->unchanged) ++counters.unchanged;
  counters.new_mentions += put->new_mentions;
  if (put->new_mentions > 0) {
    spdlog::info("site {}: {}: {} new mention(s) in \"{}\"", site.id, page.url, put->new_mentions,
                 input.title);
  }
}

void PagePipeline::CommitGroup(std::vector<crawler::PageCommit>& group) {
  // Counted here and added once for the group: OnFetchError counts on the crawl thread meanwhile.
  std::map<std::string, SiteCounters> counted;
  std::vector<crawler::PageCommit*> to_store;
  // Moved into one array for PutPages (a copy would copy every text on the writer thread), and
  // back for Finish.
  std::vector<storage::PageInput> inputs;
  for (crawler::PageCommit& commit : group) {
    if (commit.page->kind == crawler::PageKind::kRefetch) {
      CommitRefetch(commit);
      continue;
    }
    if (Prepare(commit, counted[commit.page->site->id])) {
      to_store.push_back(&commit);
      inputs.push_back(std::move(static_cast<AnalyzedPage&>(*commit.result).input));
    }
  }
  // Fewer results than pages: the store failed, and the pages without one were not written.
  std::vector<Result<storage::PutPageResult>> puts = StorePages(inputs);
  for (size_t i = 0; i < to_store.size(); ++i) {
    static_cast<AnalyzedPage&>(*to_store[i]->result).input = std::move(inputs[i]);
  }
  for (size_t i = 0; i < puts.size(); ++i) {
    Finish(*to_store[i], puts[i], counted[to_store[i]->page->site->id]);
  }
  AddCounters(counted);
  // A page is recorded when its write succeeded, or when it needed none (or failed for a reason
  // of its own) while the store is sound; a failing store keeps the rest queued for a later crawl.
  const bool store_sound = CanStore();
  for (crawler::PageCommit& commit : group) commit.recorded = store_sound;
  for (size_t i = 0; i < puts.size(); ++i) {
    if (puts[i].ok()) to_store[i]->recorded = true;
  }
}

// The longest a healthy site goes between reads, for kuzet_site_interval_seconds: start pages are
// read every `interval`; a site of feeds and sitemaps only may be read as rarely as their
// adaptive interval's upper bound while nothing changes (crawler.cc IntervalBounds).
std::chrono::seconds LongestReadInterval(const config::Site& site) {
  if (!site.start_urls.empty()) return site.interval;
  return std::max(site.max_interval, site.interval);
}

void PagePipeline::AddCounters(const std::map<std::string, SiteCounters>& counted) {
  std::lock_guard<std::mutex> lock(counters_mutex_);
  for (const auto& [site_id, c] : counted) counters_[site_id] += c;
}

void PagePipeline::OnFetched(const config::Site& site, crawler::PageKind /*kind*/,
                             const Result<crawler::FetchResponse>& response, double seconds) {
  if (metrics_ == nullptr) return;
  bool succeeded = response.ok() && (response->status == 200 || response->status == 304);
  metrics_->SetInterval(site.id, LongestReadInterval(site));
  metrics_->ObserveFetch(site.id, succeeded, seconds, static_cast<double>(base::NowMicros()) / 1e6);
}

void PagePipeline::OnFetchError(const config::Site& site, const std::string& url,
                                const Status& error) {
  {
    std::lock_guard<std::mutex> lock(counters_mutex_);
    ++counters_[site.id].errors;
  }
  if (metrics_ != nullptr) {
    // A site whose host never answers has no fetch to note its interval with (a robots.txt it
    // cannot fetch stops the crawl of the host first): its errors note it.
    metrics_->SetInterval(site.id, LongestReadInterval(site));
    metrics_->CountFetchError(site.id, ClassifyFetchError(error));
  }
  spdlog::warn("site {}: {}: {}", site.id, url, error.message());
}

}  // namespace kuzet::app
