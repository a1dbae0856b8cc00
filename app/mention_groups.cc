#include "app/mention_groups.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "alert/title_snippet.h"
#include "app/alert_delivery.h"

namespace kuzet::app {
namespace {

// Newest first: found_at, then id, both descending (QueryMentionPage's order).
bool Newer(const storage::Mention& a, const storage::Mention& b) {
  return a.found_at_us != b.found_at_us ? a.found_at_us > b.found_at_us : a.id > b.id;
}

// Whether a mention of a group passes the query's filters. The story filter is not checked: a
// document's mentions share its story, and a story group is read with the filter.
bool Matches(const storage::Mention& m, const storage::MentionQuery& q) {
  if (!q.rule_id.empty() && m.rule_id != q.rule_id) return false;
  if (!q.lang.empty() && m.lang != q.lang) return false;
  if (!q.site_id.empty() && m.site_id != q.site_id) return false;
  if (q.since_us && m.found_at_us < *q.since_us) return false;
  if (q.until_us && m.found_at_us >= *q.until_us) return false;
  return true;
}

// A group's identity: its story, or its document (an article, or a mention stored before mentions
// recorded their story). Story and document ids share one number space, hence the kind.
using GroupKey = std::pair<bool, uint64_t>;  // (is a story, id)

GroupKey KeyOf(const storage::Mention& m, MentionGrouping grouping) {
  if (grouping == MentionGrouping::kStory && m.story_id != 0) return {true, m.story_id};
  return {false, m.doc_id};
}

// The group of `members` (any order): newest mention per rule, documents, count.
MentionGroup MakeGroup(uint64_t key, std::vector<storage::Mention> members) {
  std::sort(members.begin(), members.end(), Newer);
  MentionGroup group;
  group.key = key;
  group.mentions = members.size();
  std::set<std::string> rules;
  std::set<uint64_t> docs;
  for (storage::Mention& m : members) {
    if (docs.insert(m.doc_id).second) group.doc_ids.push_back(m.doc_id);
    if (rules.insert(m.rule_id).second) group.rules.push_back(std::move(m));
  }
  return group;
}

// A snippet that only repeats the title (the match was in the headline) becomes the body's first
// sentence holding the match, or stays when the body does not hold one.
void PreferBodySnippets(MentionGroup& group, const storage::Document& document) {
  for (storage::Mention& m : group.rules) {
    if (!alert::SnippetRepeatsTitle(m.snippet, m.title)) continue;
    if (auto body = BodySentence(m, document)) {
      m.snippet = std::move(body->text);
      m.snippet_mark_begin = body->mark_begin;
      m.snippet_mark_end = body->mark_end;
    }
  }
}

// The whole group of mention `m`: its document's (or story's) mentions that pass the filters.
Result<MentionGroup> LoadGroup(const storage::MentionReader& store,
                               const storage::MentionQuery& query, const storage::Mention& m,
                               MentionGrouping grouping) {
  const uint64_t key = KeyOf(m, grouping).second;
  std::vector<storage::Mention> members;
  if (grouping == MentionGrouping::kStory && m.story_id != 0) {
    storage::MentionQuery story = query;
    story.story_id = key;
    story.limit = kMaxGroupMentions;
    auto got = store.Mentions(story);
    if (!got.ok()) return got.status();
    members = std::move(got).value();
    if (std::none_of(members.begin(), members.end(),
                     [&](const storage::Mention& x) { return x.id == m.id; })) {
      members.push_back(m);  // beyond the bound: the group still holds the mention that found it
    }
    return MakeGroup(key, std::move(members));
  }
  auto document = store.GetDocument(m.doc_id);
  if (!document.ok()) return document.status();
  if (!document->has_value()) return MakeGroup(key, {m});
  for (const storage::Mention& x : (*document)->mentions) {
    if (Matches(x, query)) members.push_back(x);
  }
  if (std::none_of(members.begin(), members.end(),
                   [&](const storage::Mention& x) { return x.id == m.id; })) {
    members.push_back(m);
  }
  MentionGroup group = MakeGroup(key, std::move(members));
  PreferBodySnippets(group, **document);
  return group;
}

}  // namespace

std::optional<MentionGrouping> ParseMentionGrouping(std::string_view name) {
  if (name == "rule") return MentionGrouping::kRule;
  if (name == "article") return MentionGrouping::kArticle;
  if (name == "story") return MentionGrouping::kStory;
  return std::nullopt;
}

Result<MentionGroupPage> QueryMentionGroups(const storage::MentionReader& store,
                                            const MentionRequest& request, MentionGrouping grouping,
                                            size_t max_walk) {
  MentionGroupPage page;
  if (request.limit == 0) return page;
  MentionRequest walk = request;
  walk.limit = std::min<size_t>(std::max<size_t>(4 * (request.limit + 1), 64), max_walk + 1);
  std::set<GroupKey> decided;  // groups met on this walk: listed, or listed on an earlier page
  size_t walked = 0;           // mentions walked and mentions of groups not listed
  std::optional<uint64_t> last_walked;
  for (;;) {
    auto batch = QueryMentionPage(store, walk);
    if (!batch.ok()) return batch.status();
    for (const storage::Mention& m : batch->mentions) {
      // The bound: the page ends here and the next goes on after the last mention walked. Every
      // group met so far is decided (listed here or before), and none with its newest mention
      // after the cursor has been met, so paging stays exact.
      if (walked >= max_walk && last_walked) {
        page.next_before = last_walked;
        page.walk_bound = true;
        return page;
      }
      ++walked;
      last_walked = m.id;
      if (!decided.insert(KeyOf(m, grouping)).second) continue;
      auto group = LoadGroup(store, request.query, m, grouping);
      if (!group.ok()) return group.status();
      // The walk meets a group first at its newest mention, unless that mention comes before
      // the page's start: then an earlier page listed the group.
      if (group->rules.empty() || group->rules.front().id != m.id) {
        walked += group->mentions;
        continue;
      }
      if (page.groups.size() == request.limit) {
        page.next_before = page.groups.back().rules.front().id;
        return page;
      }
      page.groups.push_back(std::move(group).value());
    }
    if (!batch->next_before) return page;
    walk.before = batch->next_before;
  }
}

std::vector<MentionGroup> GroupMentions(const std::vector<storage::Mention>& mentions,
                                        MentionGrouping grouping) {
  std::vector<GroupKey> order;
  std::map<GroupKey, std::vector<storage::Mention>> members;
  for (const storage::Mention& m : mentions) {
    auto& group = members[KeyOf(m, grouping)];
    if (group.empty()) order.push_back(KeyOf(m, grouping));
    group.push_back(m);
  }
  std::vector<MentionGroup> groups;
  for (const GroupKey& key : order) {
    groups.push_back(MakeGroup(key.second, std::move(members[key])));
  }
  return groups;
}

std::vector<storage::Mention> GroupHeads(const std::vector<MentionGroup>& groups) {
  std::vector<storage::Mention> heads;
  for (const MentionGroup& g : groups) heads.push_back(g.rules.front());
  return heads;
}

}  // namespace kuzet::app
