// What a page says about itself: title, dates, author, canonical URL, site name, links, feeds.
#pragma once

#include <gumbo.h>

#include <string>
#include <string_view>
#include <vector>

#include "url/resolver.h"

namespace kuzet::extractor {

struct PageMetadata {
  std::string title;  // see title.h: metadata title, else <title>, else <h1>; site name stripped
  std::string date;   // "YYYY-MM-DD" from markup or URL, "" if none (text dates: see Extract)
  std::string author, canonical_url, site_name;
  std::vector<std::string> links;       // absolute http(s) <a href>, document order, unique
  std::vector<std::string> feed_links;  // <link rel=alternate type=rss/atom>, absolute
};

// Reads <head> metadata, JSON-LD, microdata and links. resolver gets the page's <base href>.
// Sources of the date, best first: a full date in the URL path, JSON-LD datePublished, <meta>
// article:published_time and kin, itemprop=datePublished, <time datetime> (local-time values
// before UTC ones), then a written date in an element whose class/id names a date or byline.
PageMetadata ExtractMetadata(const GumboNode* root, std::string_view page_url,
                             url::UrlResolver& resolver);

// An author name as printed on a page or in markup, without "By"/"Автор:"-style prefixes,
// trailing separators and extra whitespace; "" for a URL.
std::string CleanByline(std::string_view byline);

}  // namespace kuzet::extractor
