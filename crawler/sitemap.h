// XML sitemaps (sitemaps.org 0.9), sitemap indexes, Google News sitemaps, gzipped sitemaps and
// plain-text sitemaps (one URL per line).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace kuzet::crawler {

struct SitemapEntry {
  std::string url;      // absolute
  int64_t lastmod = 0;  // unix seconds: <news:publication_date> if present, else <lastmod>; 0: none
};

struct Sitemap {
  std::vector<SitemapEntry> urls;      // <urlset><url>
  std::vector<SitemapEntry> sitemaps;  // <sitemapindex><sitemap>: child sitemaps to fetch
};

// `data` may be gzip-compressed (detected by its magic bytes, inflated up to
// max_inflated_bytes). Relative locations are resolved against base_url. Parsing is lenient like
// ParseFeed; a document that is neither a urlset, a sitemapindex nor a list of URLs is an error.
Result<Sitemap> ParseSitemap(std::string_view data, std::string_view base_url,
                             int64_t max_inflated_bytes = 64 << 20);

// Inflates gzip or zlib data, refusing output beyond max_bytes. Errors name `what`.
Result<std::string> Gunzip(std::string_view data, int64_t max_bytes, std::string_view what);

}  // namespace kuzet::crawler
