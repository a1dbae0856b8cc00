// Where else a mention's story appeared (issue #17): the story's newest places, a bounded few,
// and how many there are in all. A listing loads them once per story, so a query costs what it
// shows, not what its stories hold.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "storage/mention_reader.h"

namespace kuzet::app {

// A mention lists at most this many other places of its story (also_at); the rest are counted
// (also_at_total), and `kuzet stories --story ID` and `kuzet doc ID` list them all, in pages.
inline constexpr size_t kAlsoAtLimit = 10;

struct OtherPlace {
  std::string site_id, url;
};

// A story's places newest first: its newest documents first, each one's exact reprints (newest
// first) before its own URL. At most kAlsoAtLimit + 1 (one of them may be the mention's own),
// and `total`, every place of the story.
struct StoryPlaces {
  std::vector<OtherPlace> newest;
  uint64_t total = 0;
};
using StoryPlacesById = std::map<uint64_t, StoryPlaces>;

// The places of `members` (newest document first) in the order above, at most `limit`.
std::vector<OtherPlace> PlacesOf(const std::vector<storage::StoryMember>& members, size_t limit);

// The places of every story among `mentions`: at most kAlsoAtLimit + 1 documents read per
// distinct story, whatever its size.
Result<StoryPlacesById> LoadStoryPlaces(const storage::MentionReader& store,
                                        const std::vector<storage::Mention>& mentions);

// Where else the mention's story appeared: at most kAlsoAtLimit places other than the mention's
// own URL, newest first, and how many other places the story has in all.
struct AlsoAt {
  std::vector<OtherPlace> places;
  uint64_t total = 0;
};
AlsoAt AlsoAtOf(const storage::Mention& mention, const StoryPlacesById* stories);

}  // namespace kuzet::app
