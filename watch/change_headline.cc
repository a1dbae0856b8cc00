#include "watch/change_headline.h"

#include <set>

namespace kuzet::watch {

namespace {

// "removed: A, B, C and 2 more" over the distinct names (a name may come from several rules).
std::string NameList(std::string_view what, const std::vector<WatchedName>& names) {
  std::set<std::string_view> distinct;
  for (const WatchedName& name : names) distinct.insert(name.name);
  std::string list(what);
  std::size_t shown = 0;
  for (std::string_view name : distinct) {
    if (shown == kMaxHeadlineNames) break;
    list += shown == 0 ? ": " : ", ";
    list += name;
    ++shown;
  }
  if (distinct.size() > shown) list += " and " + std::to_string(distinct.size() - shown) + " more";
  return list;
}

}  // namespace

std::string ChangeHeadline(const Change& change) {
  if (change.Has(ChangeKind::kGone)) {
    return "deleted (HTTP " + std::to_string(change.http_status) + ")";
  }
  if (change.Has(ChangeKind::kRedirectedAway)) return "redirected away to " + change.redirected_to;
  if (change.Has(ChangeKind::kReplaced)) return "replaced: the article is no longer on the page";
  const bool removed = change.Has(ChangeKind::kNameRemoved);
  const bool added = change.Has(ChangeKind::kNameAdded);
  if (removed && added) {
    return NameList("name removed", change.names_removed) + "; " +
           NameList("added", change.names_added);
  }
  if (removed) return NameList("name removed", change.names_removed);
  if (added) return NameList("name added", change.names_added);
  if (change.Has(ChangeKind::kTitleChanged)) return "title changed";
  if (change.Has(ChangeKind::kTextEdited)) {
    const std::size_t paragraphs = change.paragraphs.removed.size() +
                                   change.paragraphs.added.size() +
                                   change.paragraphs.modified.size();
    return "text edited (" + std::to_string(paragraphs) +
           (paragraphs == 1 ? " paragraph)" : " paragraphs)");
  }
  if (change.Has(ChangeKind::kMoved)) return "moved to " + change.redirected_to;
  if (change.Has(ChangeKind::kCosmetic)) return "cosmetic edit";
  if (change.Has(ChangeKind::kUnchanged)) return "unchanged";
  return "fetch failed";
}

}  // namespace kuzet::watch
