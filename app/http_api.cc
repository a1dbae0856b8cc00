// Parameters, cursor pagination and the JSON of /api/mentions.
#include <algorithm>
#include <charconv>
#include <limits>

#include "app/http_api.h"
#include "app/mention_format.h"
#include "app/time_bound.h"
#include "base/escape.h"
#include "base/strings.h"

namespace kuzet::app {

namespace {

template <typename Int>
bool ParseInt(std::string_view text, Int* out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

// Filter values are ids: short, printable, no control bytes.
bool IsValidFilterValue(const std::string& value) {
  if (value.empty() || value.size() > 200) return false;
  return std::none_of(value.begin(), value.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

bool IsContinuationByte(const std::string& s, size_t i) {
  return i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80;
}

}  // namespace

std::variant<MentionRequest, ParamError> ParseMentionParams(
    const std::vector<std::pair<std::string, std::string>>& params,
    const std::vector<std::string>& allowed, int64_t now_us, size_t max_limit) {
  MentionRequest request;
  std::vector<std::string> seen;
  for (const auto& [name, value] : params) {
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      const std::string list = base::Join(allowed, ", ");
      return ParamError{
          name, "unknown parameter \"" + base::ToValidUtf8(name) + "\" (known: " + list + ")"};
    }
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      return ParamError{name, name + ": given more than once"};
    }
    seen.push_back(name);
    if (name == "since" || name == "until") {
      auto bound = ParseTimeBound(name, value, now_us);
      if (!bound.ok()) return ParamError{name, base::ToValidUtf8(bound.status().message())};
      (name == "since" ? request.query.since_us : request.query.until_us) = *bound;
    } else if (name == "rule" || name == "lang" || name == "site") {
      if (!IsValidFilterValue(value)) {
        return ParamError{name, name + ": expected an id of 1 to 200 printable characters"};
      }
      (name == "rule"   ? request.query.rule_id
       : name == "lang" ? request.query.lang
                        : request.query.site_id) = value;
    } else if (name == "group") {
      if (value != "rule" && value != "article" && value != "story") {
        return ParamError{name, "group: expected rule, article or story"};
      }
      request.group = value;
    } else if (name == "limit") {
      size_t limit = 0;
      if (!ParseInt(value, &limit) || limit < 1 || limit > max_limit) {
        return ParamError{name, "limit: expected an integer from 1 to " +
                                    std::to_string(max_limit) + ", got \"" +
                                    base::ToValidUtf8(value.substr(0, 40)) + "\""};
      }
      request.limit = limit;
    } else if (name == "before") {
      uint64_t id = 0;
      if (!ParseInt(value, &id) || id == 0) {
        return ParamError{name, "before: expected a mention id (a previous page's next_before)"};
      }
      request.before = id;
    }
  }
  return request;
}

Result<MentionPage> QueryMentionPage(const storage::MentionReader& store,
                                     const MentionRequest& request) {
  storage::MentionQuery query = request.query;
  // Where `before` sits in the time order: its found_at, then its id.
  std::optional<std::pair<int64_t, uint64_t>> cursor;
  if (request.before) {
    auto before = store.GetMention(*request.before);
    if (!before.ok()) return before.status();
    if (!*before) {
      return Status::NotFound("before: no mention " + std::to_string(*request.before));
    }
    cursor.emplace((*before)->found_at_us, (*before)->id);
    // Everything newer than the cursor's instant is cut off by until_us; at that instant, the
    // cursor and the mentions listed before it (larger ids come first) are skipped below.
    if (cursor->first < std::numeric_limits<int64_t>::max()) {
      int64_t until = cursor->first + 1;
      query.until_us = query.until_us ? std::min(*query.until_us, until) : until;
    }
  }
  const size_t wanted = request.limit + 1;  // one more tells whether there is a next page
  size_t skip_budget = 0;
  for (;;) {
    query.limit = wanted + skip_budget;
    auto got = store.Mentions(query);
    if (!got.ok()) return got.status();
    size_t fetched = got->size();
    MentionPage page;
    for (storage::Mention& m : *got) {
      if (cursor && m.found_at_us == cursor->first && m.id >= cursor->second) continue;
      page.mentions.push_back(std::move(m));
    }
    // Enough, or nothing more to fetch? Many mentions share one found_at (a page's mentions),
    // so the skipped prefix can be longer than guessed: then fetch again with more room.
    if (page.mentions.size() >= wanted || fetched < query.limit) {
      if (page.mentions.size() > request.limit) {
        page.mentions.resize(request.limit);
        page.next_before = page.mentions.back().id;
      }
      return page;
    }
    skip_budget = skip_budget * 2 + wanted;
  }
}

SnippetParts SplitSnippet(const std::string& snippet, uint32_t mark_begin, uint32_t mark_end) {
  size_t begin = std::min<size_t>(mark_begin, snippet.size());
  size_t end = std::min<size_t>(std::max(mark_end, mark_begin), snippet.size());
  while (begin > 0 && IsContinuationByte(snippet, begin)) --begin;
  while (end < snippet.size() && IsContinuationByte(snippet, end)) ++end;
  return {base::ToValidUtf8(snippet.substr(0, begin)),
          base::ToValidUtf8(snippet.substr(begin, end - begin)),
          base::ToValidUtf8(snippet.substr(end))};
}

nlohmann::json MentionToApiJson(const storage::Mention& mention, const StoryPlacesById* stories) {
  nlohmann::json j = MentionToJson(mention, stories);
  SnippetParts parts =
      SplitSnippet(mention.snippet, mention.snippet_mark_begin, mention.snippet_mark_end);
  j["snippet_parts"] = {{"before", parts.before}, {"match", parts.match}, {"after", parts.after}};
  return j;
}

Status CountNewMentions(const storage::MentionReader& store, uint64_t* through, uint64_t* total,
                        std::map<std::string, uint64_t>* by_rule, size_t batch) {
  storage::MentionQuery query;
  query.limit = batch;
  for (;;) {
    auto batch = store.MentionsAfter(*through, query);
    if (!batch.ok()) return batch.status();
    for (const storage::Mention& m : batch->mentions) {
      ++*total;
      ++(*by_rule)[m.rule_id];
    }
    if (batch->examined_through <= *through) return Status::Ok();
    *through = batch->examined_through;
  }
}

}  // namespace kuzet::app
