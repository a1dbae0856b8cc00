// RSS 2.0 (and 0.9x), RSS 1.0 / RDF and Atom (1.0 and 0.3) feeds -> the items the crawler follows.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace kuzet::crawler {

struct FeedItem {
  std::string url;        // absolute: resolved against xml:base and the feed's URL
  std::string title;      // text as written (entities decoded, markup not stripped)
  int64_t published = 0;  // unix seconds; 0 when absent or unparseable
  std::string guid;       // RSS guid, RDF rdf:about or Atom id; "" when absent
};

struct Feed {
  std::string title;
  std::vector<FeedItem> items;  // in document order; items without a usable link are left out
};

// Parses leniently: a document that breaks off or is not well formed still yields the items read
// before the break. Namespace prefixes are ignored (elements are matched by local name). Only an
// input that is not a feed at all (no rss/RDF/feed root) is an error.
Result<Feed> ParseFeed(std::string_view xml, std::string_view base_url);

// Whether the bytes look like an RSS/RDF/Atom document (cheap sniff of the first KB), used to
// treat a discovered link that turns out to be a feed as one.
bool LooksLikeFeed(std::string_view body);

}  // namespace kuzet::crawler
