#include "app/story_places.h"

#include <algorithm>

namespace kuzet::app {

std::vector<OtherPlace> PlacesOf(const std::vector<storage::StoryMember>& members, size_t limit) {
  std::vector<OtherPlace> places;
  for (const storage::StoryMember& member : members) {
    // Reprints were found after the document itself, the later ones further down the list.
    for (size_t i = member.duplicate_urls.size(); i-- > 0 && places.size() < limit;) {
      // Reprints stored before sites were recorded with them have "" (their host says where).
      std::string site =
          i < member.duplicate_site_ids.size() ? member.duplicate_site_ids[i] : std::string();
      places.push_back({std::move(site), member.duplicate_urls[i]});
    }
    if (places.size() == limit) break;
    places.push_back({member.site_id, member.url});
  }
  return places;
}

Result<StoryPlacesById> LoadStoryPlaces(const storage::MentionReader& store,
                                        const std::vector<storage::Mention>& mentions) {
  StoryPlacesById stories;
  for (const storage::Mention& m : mentions) {
    if (m.story_id == 0 || stories.contains(m.story_id)) continue;
    // Every document is at least one place: kAlsoAtLimit + 1 documents are enough.
    auto page = store.StoryMembers(m.story_id, kAlsoAtLimit + 1);
    if (!page.ok()) return page.status();
    stories[m.story_id] =
        StoryPlaces{PlacesOf(page->members, kAlsoAtLimit + 1), page->total_places};
  }
  return stories;
}

AlsoAt AlsoAtOf(const storage::Mention& mention, const StoryPlacesById* stories) {
  AlsoAt also;
  if (stories == nullptr) return also;
  auto it = stories->find(mention.story_id);
  if (it == stories->end()) return also;
  // The mention's own URL is one of its story's places (its document's).
  also.total = it->second.total > 0 ? it->second.total - 1 : 0;
  for (const OtherPlace& place : it->second.newest) {
    if (place.url == mention.url) continue;
    if (also.places.size() == kAlsoAtLimit) break;
    also.places.push_back(place);
  }
  also.total = std::max<uint64_t>(also.total, also.places.size());
  return also;
}

}  // namespace kuzet::app
