// A fast link scanner for HTML: the outgoing links of a page without building a DOM, the job
// wget2's HTML URL parser does. For a handler that only follows links (or wants them before a
// full parse); kuzet::extractor::Extract gives the same links plus the article, at ~20x the cost.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kuzet::crawler {

// The absolute http(s) URLs of `<a href>`, `<area href>` and feed links (`<link rel="alternate"
// type="application/rss+xml|atom+xml">`) in `html`, in document order, duplicates kept, fragments
// dropped, resolved against the first `<base href>` or else `base_url`. Comments, `<script>`,
// `<style>`, `<textarea>` and `<title>` contents are skipped (HTML tokenizer states, WHATWG
// §13.2.5); character references in attribute values are decoded (the common named ones and
// numeric). Tag and attribute names are case-insensitive. Non-http(s) links (javascript:,
// mailto:, data:) are dropped, as are refs that do not resolve.
std::vector<std::string> ScanLinks(std::string_view html, std::string_view base_url);

}  // namespace kuzet::crawler
