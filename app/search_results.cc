#include "app/search_results.h"

#include <algorithm>

#include "base/escape.h"

namespace kuzet::app {

std::variant<SearchRequest, ParamError> ParseSearchParams(
    const std::vector<std::pair<std::string, std::string>>& params, int64_t now_us,
    size_t max_limit) {
  SearchRequest request;
  std::vector<std::pair<std::string, std::string>> filters;
  int queries = 0;
  for (const auto& [name, value] : params) {
    if (name != "q") {
      filters.emplace_back(name, value);
      continue;
    }
    if (++queries > 1) return ParamError{"q", "q: given more than once"};
    if (value.empty()) return ParamError{"q", "q: the search query is empty"};
    if (value.size() > kMaxSearchQueryBytes) {
      return ParamError{"q", "q: " + std::to_string(value.size()) + " bytes, more than the " +
                                 std::to_string(kMaxSearchQueryBytes) + " a query may have"};
    }
    request.q = value;
  }
  if (queries == 0) return ParamError{"q", "q: the search query is missing (?q=...)"};
  auto parsed = ParseMentionParams(filters, {"since", "until", "lang", "site", "limit", "before"},
                                   now_us, max_limit);
  if (auto* error = std::get_if<ParamError>(&parsed)) {
    if (error->parameter == "before") error->message = "before: expected a doc id (next_before)";
    return *error;
  }
  const MentionRequest& filter = std::get<MentionRequest>(parsed);
  if (filter.query.since_us) request.query.since_us = *filter.query.since_us;
  if (filter.query.until_us) request.query.until_us = *filter.query.until_us;
  request.query.lang = filter.query.lang;
  request.query.site = filter.query.site_id;
  request.query.limit = filter.limit;
  request.query.before_doc = filter.before.value_or(0);
  return request;
}

Result<SearchPage> RunSearch(const storage::Store& store, const SearchRequest& request) {
  auto matcher = store.searcher().Compile(request.q);
  if (!matcher.ok()) return matcher.status();
  auto result = store.searcher().Search(*matcher, request.query);
  if (!result.ok()) return result.status();
  SearchPage page;
  for (const storage::SearchHit& hit : result->hits) page.hits.push_back(HitAsMention(hit));
  page.next_before = result->next_before;
  return page;
}

storage::Mention HitAsMention(const storage::SearchHit& hit) {
  storage::Mention m;
  m.doc_id = hit.doc_id;
  m.story_id = hit.story_id;
  m.rule_id = "search";
  m.site_id = hit.site_id;
  m.url = hit.url;
  m.title = hit.title;
  m.lang = hit.lang;
  m.found_at_us = hit.fetched_at_us;
  for (const keywords::Match& match : hit.matches) {
    m.hits.push_back(storage::MatchHit{match.term, match.surface,
                                       static_cast<uint32_t>(match.begin),
                                       static_cast<uint32_t>(match.end)});
  }
  if (!hit.matches.empty()) {
    const keywords::Match& first = hit.matches.front();
    m.snippet = first.snippet;
    m.snippet_mark_begin = static_cast<uint32_t>(first.snippet_begin);
    m.snippet_mark_end = static_cast<uint32_t>(first.snippet_end);
  }
  return m;
}

nlohmann::json SearchHitToJson(const storage::Mention& hit, const StoryPlacesById* stories) {
  nlohmann::json j = MentionToApiJson(hit, stories);
  j.erase("id");
  j.erase("rule");
  j["fetched_at"] = std::move(j["found_at"]);
  j.erase("found_at");
  return j;
}

}  // namespace kuzet::app
