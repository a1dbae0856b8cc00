// URL canonicalization and resolution for the crawler, built on libcurl's URL API (curl_url()),
// the same parser the fetcher uses, so a URL that canonicalizes is a URL that can be fetched.
#pragma once

#include <string>
#include <string_view>

#include "config/status.h"

namespace kuzet::crawler {

// The canonical form used to de-duplicate URLs within a crawl and as a storage key. Only absolute
// http:// and https:// URLs are accepted. Rules (see crawler/README.md):
//   scheme and host lowercased; IDN host -> punycode (xn--); default port (80/443) dropped;
//   fragment dropped; path dot-segments resolved (RFC 3986 §5.2.4); empty path -> "/";
//   tracking parameters removed from the query (utm_*, fbclid, gclid, yclid, _openstat, mc_cid,
//   mc_eid, ...); an empty query is dropped; the order of the remaining parameters is kept.
Result<std::string> Canonicalize(std::string_view url);

// `ref` (absolute, or relative such as "../a?b") resolved against the absolute URL `base`
// (RFC 3986 §5.2). The result is not canonicalized. Errors name both inputs.
Result<std::string> Resolve(std::string_view base, std::string_view ref);

// The lowercased host of an absolute URL (IDN hosts as punycode, IPv6 in brackets), or "" when
// the URL cannot be parsed.
std::string HostOf(std::string_view url);

// The URL with its host lowercased and IDN as punycode, otherwise unchanged (what the fetcher
// requests: libcurl's own IDN conversion depends on the process locale). Unparseable: unchanged.
std::string WithAsciiHost(std::string_view url);

// "scheme://host[:port]" of an absolute http(s) URL (lowercased, punycode, default port omitted):
// the unit of politeness and of robots.txt (RFC 9309 §2.3). "" when unparseable.
std::string OriginOf(std::string_view url);

// The path and query of an absolute URL ("/a/b?c"; "/" when empty), fragment excluded.
std::string PathAndQueryOf(std::string_view url);

// Whether a query parameter name is a known tracking parameter that Canonicalize removes.
bool IsTrackingParameter(std::string_view name);

}  // namespace kuzet::crawler
