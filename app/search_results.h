// `kuzet search`, `/api/search` and the web page's search box share this: the request's
// parameters, running the search, and its hits in the shapes of mention listings (so the
// table, JSON and CSV renderings of app/mention_format.h serve both).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/http_api.h"
#include "base/status.h"
#include "storage/search_index.h"
#include "storage/store.h"

namespace kuzet::app {

// A query longer than this is refused (the rule compiler takes up to 10,000 bytes; a search box
// needs far less, and every byte of it is compiled per request).
inline constexpr size_t kMaxSearchQueryBytes = 1000;

struct SearchRequest {
  std::string q;
  storage::SearchQuery query;
};

// /api/search parameters: q (required, 1..kMaxSearchQueryBytes bytes), and since, until, lang,
// site, limit (1..max_limit), before (a doc id: the previous page's next_before), as
// /api/mentions reads them; unknown or repeated parameters are errors.
std::variant<SearchRequest, ParamError> ParseSearchParams(
    const std::vector<std::pair<std::string, std::string>>& params, int64_t now_us,
    size_t max_limit);

struct SearchPage {
  std::vector<storage::Mention> hits;  // one per document, newest first (see HitsAsMentions)
  uint64_t next_before = 0;            // 0: no more
};

// Compiles request.q (InvalidArgument "query: column N: ..." on an error) and searches.
Result<SearchPage> RunSearch(const storage::Store& store, const SearchRequest& request);

// A hit as a mention listing shows it: rule "search", found_at = when the document's current
// text was fetched, the first match's sentence as the snippet, every match as a hit; id 0.
storage::Mention HitAsMention(const storage::SearchHit& hit);

// One JSON object per hit: MentionToApiJson's fields without id and rule, with found_at named
// fetched_at.
nlohmann::json SearchHitToJson(const storage::Mention& hit, const StoryPlacesById* stories);

}  // namespace kuzet::app
