// Mentions grouped for reading (issue #18): one row per article (a stored document, with every
// rule it matched) or per story (near-duplicate documents), instead of one row per rule match.
//
// Paging stays exact with groups: a group sits where its newest matching mention sits in the
// newest-first order of QueryMentionPage (found_at, then id), and a page holds whole groups.
// `next_before` is the last group's newest mention: the next page lists the groups whose newest
// mention comes after it, and an older mention of a group already listed is skipped (its group
// is read whole, so it knows its newest). No group is cut between pages or listed twice.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/http_api.h"
#include "base/status.h"
#include "storage/mention_reader.h"

namespace kuzet::app {

enum class MentionGrouping { kRule, kArticle, kStory };

// "rule" | "article" | "story"; nullopt for anything else.
std::optional<MentionGrouping> ParseMentionGrouping(std::string_view name);

struct MentionGroup {
  uint64_t key = 0;  // the document's id (article) or the story's (story)
  // One mention per rule, the rule's newest matching mention of the group, newest first: rules[0]
  // is the group's newest mention, whose time, site, URL and title name the group. In an article
  // a snippet that only repeats the title is replaced by the first body sentence holding the
  // match (as alerts do, app/alert_delivery.h).
  std::vector<storage::Mention> rules;
  // Story: its documents with a matching mention, newest first (at most kMaxGroupMentions read).
  // Article: its own id.
  std::vector<uint64_t> doc_ids;
  size_t mentions = 0;  // matching mentions in the group (one rule may match several times)
};

// A story group reads at most this many of the story's matching mentions.
inline constexpr size_t kMaxGroupMentions = 1000;

// What a page reads beyond the groups it lists: the mentions walked, and those of groups met on
// the walk that an earlier page listed (their older mentions lie after its cursor), at most this
// many. Without it a page after a run of many stories' heads would walk every mention after its
// cursor, and load every story of them, to find the next group (issue #18).
inline constexpr size_t kMaxGroupWalk = 2000;

struct MentionGroupPage {
  std::vector<MentionGroup> groups;
  std::optional<uint64_t> next_before;  // set when more groups may follow: pass it as `before`
  // The page ended at max_walk with fewer than request.limit groups (maybe none): next_before is
  // then the last mention walked, and the next page goes on from there.
  bool walk_bound = false;
};

// At most request.limit groups after request.before (a mention id), newest first. grouping must
// be kArticle or kStory. NotFound when `before` names no stored mention. Reads the listed groups
// (each at most kMaxGroupMentions) and at most `max_walk` mentions more.
Result<MentionGroupPage> QueryMentionGroups(const storage::MentionReader& store,
                                            const MentionRequest& request, MentionGrouping grouping,
                                            size_t max_walk = kMaxGroupWalk);

// Mentions already read (e.g. `kuzet mentions --new`) grouped without reading the store: each
// group in order of its first mention in `mentions`, which should be newest first.
std::vector<MentionGroup> GroupMentions(const std::vector<storage::Mention>& mentions,
                                        MentionGrouping grouping);

// Each group's newest mention (rules[0]): what LoadStoryPlaces and AlsoAtOf take.
std::vector<storage::Mention> GroupHeads(const std::vector<MentionGroup>& groups);

}  // namespace kuzet::app
