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

#include "config/status.h"
#include "storage/store.h"

namespace kuzet::app {

// A position in the newest-first order: the last mention of a page. Text form
// "<found_at_us>.<mention id>", opaque to clients (they follow `next`).
struct MentionCursor {
  int64_t found_at_us = 0;
  uint64_t id = 0;
};
std::string FormatCursor(const MentionCursor& cursor);
std::optional<MentionCursor> ParseCursor(const std::string& text);

struct MentionRequest {
  storage::MentionQuery query;  // query.limit is ignored: see limit
  std::optional<MentionCursor> before;
  size_t limit = 50;
};

// A 400: the message and the offending parameter.
struct ParamError {
  std::string parameter, message;
};

// Query parameters (name, value) in request order → a request. `allowed` names the parameters
// accepted (others are errors, so a typo like `rules=` is not silently ignored); each at most once.
// since/until as in `kuzet mentions` ("24h", "2026-11-01", "2026-11-01T08:30:00Z"); limit
// 1..max_limit; before a cursor.
std::variant<MentionRequest, ParamError> ParseMentionParams(
    const std::vector<std::pair<std::string, std::string>>& params,
    const std::vector<std::string>& allowed, int64_t now_us, size_t max_limit);

struct MentionPage {
  std::vector<storage::Mention> mentions;
  std::optional<MentionCursor> next;  // set when older mentions match
};

// One page of mentions strictly older (in newest-first order) than request.before.
Result<MentionPage> QueryMentionPage(const storage::Store& store, const MentionRequest& request);

// The snippet split around its marked bytes, each part valid UTF-8 (offsets inside a character
// are widened to whole characters; bad bytes become U+FFFD), so a page needs no byte arithmetic.
struct SnippetParts {
  std::string before, match, after;
};
SnippetParts SplitSnippet(const std::string& snippet, uint32_t mark_begin, uint32_t mark_end);

// Valid UTF-8: each malformed sequence replaced by U+FFFD.
std::string ToValidUtf8(const std::string& bytes);

// MentionToJson plus "snippet_parts": {before, match, after}.
nlohmann::json MentionToApiJson(const storage::Mention& mention);

struct AtomFeedInfo {
  std::string base_url;   // "http://127.0.0.1:8765", no trailing slash
  std::string self_path;  // the request path and query, e.g. "/feed.atom?rule=zhanaozen"
  std::string title;      // "Kuzet: rule zhanaozen"
};

// An Atom 1.0 document (RFC 4287): feed id/title/updated/author/self link; one entry per
// mention with id urn:kuzet:mention:<id>, title, alternate link to the page, updated, category
// (the rule) and an HTML summary with the matched words in <mark>.
std::string RenderAtomFeed(const AtomFeedInfo& info, const std::vector<storage::Mention>& mentions);

// Counters of served requests, by route and status, for /metrics.
class RequestCounters {
 public:
  void Count(const std::string& route, int status);
  std::map<std::pair<std::string, int>, uint64_t> Snapshot() const;

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> counts_;
};

struct MetricsSnapshot {
  uint64_t mentions_total = 0;
  std::map<std::string, uint64_t> mentions_by_rule;
  std::map<std::pair<std::string, int>, uint64_t> requests;  // (route, status) → count
  double catch_up_age_seconds = 0;
  double process_start_time_seconds = 0;
};

// Prometheus text format 0.0.4, every family with HELP and TYPE.
std::string RenderMetrics(const MetricsSnapshot& metrics);

// Counts every stored mention, by rule, walking the time index a page at a time.
Status CountMentions(const storage::Store& store, uint64_t* total,
                     std::map<std::string, uint64_t>* by_rule);

// The web page (HTML, CSS and JS in one document; no build step).
const std::string& WebPageHtml();

}  // namespace kuzet::app
