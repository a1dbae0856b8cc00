// The extractor: raw HTTP body → decoded, parsed article with its metadata and links.
//
// Pipeline: charset.h (bytes → UTF-8) → Gumbo (HTML5 tree) → metadata.h (title, date, author,
// canonical URL, site name, links, feeds) and content.h (main text) → language.h (en/ru/kk/other).
// Stateless and thread-compatible: concurrent calls on different inputs are safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "extractor/page_budget.h"

namespace kuzet::extractor {

struct Article {
  std::string title;    // og:title / h1 / <title>, site name stripped
  std::string text;     // main article text, paragraphs separated by "\n\n"
  std::string lang;     // "en", "ru", "kk" or "other" — from the text itself
  std::string charset;  // charset actually used to decode, e.g. "windows-1251", "UTF-8"
  std::string date;     // published date ISO 8601 "YYYY-MM-DD", "" if unknown
  std::string author, canonical_url, site_name;
  std::vector<std::string> links;       // absolute http(s) URLs of <a href>, document order,
                                        // unique, fragments dropped
  std::vector<std::string> feed_links;  // <link rel="alternate" type="application/rss+xml|
                                        // atom+xml">, absolute
  std::string not_text;  // what the body is when it is not text at all ("PDF", "PNG", "gzip",
                         // "binary data"...; content_sniff.h): then every other field is empty
};

// Largest body Extract accepts; bigger inputs are an InvalidArgument error, not a slow parse.
inline constexpr size_t kMaxDocumentBytes = 32u << 20;

// bytes: raw HTTP body; content_type: the HTTP Content-Type header ("" if none); url: the page
// URL for resolving links ("" if unknown: only absolute links are kept). Any byte string yields
// an Article (possibly empty) or an error Status; never throws.
// budget (page_budget.h), when given: the parse is refused when its estimated memory exceeds the
// memory budget, and the CPU budget is checked after the parse and between the later stages
// (metadata, main text, dates, language); either ends the call with an Unavailable error naming
// the URL and the budget, and budget->exceeded() tells which.
Result<Article> Extract(std::string_view bytes, std::string_view content_type, std::string_view url,
                        PageBudget* budget = nullptr);

}  // namespace kuzet::extractor
