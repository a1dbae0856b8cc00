// The pieces of the HTTP server that need no socket: parameter parsing, cursor pagination, the
// JSON, Atom and Prometheus renderings and the web page. Used by http_server.cc; tested directly.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/build_info.h"
#include "app/pipeline_metrics.h"
#include "app/story_places.h"
#include "base/status.h"
#include "storage/mention_reader.h"

namespace kuzet::app {

struct MentionRequest {
  storage::MentionQuery query;     // query.limit is ignored: see limit
  std::optional<uint64_t> before;  // a mention id: only mentions after it in newest-first order
  size_t limit = 50;
  // /api/mentions?group=: "rule" (the default: one entry per mention, the API's first shape),
  // "article" or "story" (app/mention_groups.h; limit then counts groups).
  std::string group = "rule";
};

// A 400: the message and the offending parameter.
struct ParamError {
  std::string parameter, message;
};

// Query parameters (name, value) in request order → a request. `allowed` names the parameters
// accepted (others are errors, so a typo like `rules=` is not silently ignored); each at most once.
// since/until as in `kuzet mentions` ("24h", "2026-11-01", "2026-11-01T08:30:00Z"); limit
// 1..max_limit; before a mention id (the `next_before` of the previous page); group rule, article
// or story.
std::variant<MentionRequest, ParamError> ParseMentionParams(
    const std::vector<std::pair<std::string, std::string>>& params,
    const std::vector<std::string>& allowed, int64_t now_us, size_t max_limit);

struct MentionPage {
  std::vector<storage::Mention> mentions;
  std::optional<uint64_t> next_before;  // the last mention's id, when older mentions match
};

// One page of mentions after request.before in newest-first order (found_at, then id, both
// descending). NotFound when `before` names no stored mention.
Result<MentionPage> QueryMentionPage(const storage::MentionReader& store,
                                     const MentionRequest& request);

// The snippet split around its marked bytes, each part valid UTF-8 (offsets inside a character
// are widened to whole characters; bad bytes become U+FFFD), so a page needs no byte arithmetic.
struct SnippetParts {
  std::string before, match, after;
};
SnippetParts SplitSnippet(const std::string& snippet, uint32_t mark_begin, uint32_t mark_end);

// MentionToJson (with also_at from `stories` when given) plus "snippet_parts": {before, match,
// after}.
nlohmann::json MentionToApiJson(const storage::Mention& mention,
                                const StoryPlacesById* stories = nullptr);

// Counters of served requests, by route and status, for /metrics.
class RequestCounters {
 public:
  void Count(const std::string& route, int status);
  std::map<std::pair<std::string, int>, uint64_t> Snapshot() const;

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> counts_;
};

// The alert outbox's entries, each count capped at kMaxCounted (a scrape reads at most that many).
struct OutboxCounts {
  static constexpr size_t kMaxCounted = 10000;
  size_t pending = 0, failed = 0;
};

struct MetricsSnapshot {
  uint64_t mentions_total = 0;
  std::map<std::string, uint64_t> mentions_by_rule;
  std::map<std::pair<std::string, int>, uint64_t> requests;  // (route, status) → count
  uint64_t connections_cut_off = 0;  // closed for overstaying a deadline (http_deadlines.h)
  double catch_up_age_seconds = 0;
  double process_start_time_seconds = 0;
  // The crawl's families (kuzet_pages_*, kuzet_regex_timeouts_total, kuzet_fetch_errors_total):
  // only in a server inside `kuzet run`; absent, they are left out.
  std::optional<PipelineCounts> pipeline;
  BuildInfo build;
  std::optional<OutboxCounts> outbox;        // absent: the store could not be read
  std::optional<uint64_t> store_size_bytes;  // the data dir's files; absent: unreadable
  // Only in a server inside `kuzet run`: the crawl queue's URLs by site (every configured site),
  // and whether /healthz says ready.
  std::optional<std::map<std::string, int64_t>> queued_urls;
  std::optional<bool> healthy;
  // Each rule's last backfill (issue #18, app/backfill.h), from the store.
  std::vector<storage::RuleBackfill> backfills;
};

// Prometheus text format 0.0.4, every family with HELP and TYPE.
std::string RenderMetrics(const MetricsSnapshot& metrics);

// Counts the mentions stored after mention id *through (ids grow with every mention), by rule,
// into *total and *by_rule, and advances *through past them. Called repeatedly it keeps counters
// that only grow, as Prometheus counters must, at the cost of the new mentions only (read
// `batch` at a time).
Status CountNewMentions(const storage::MentionReader& store, uint64_t* through, uint64_t* total,
                        std::map<std::string, uint64_t>* by_rule, size_t batch = 5000);

}  // namespace kuzet::app
