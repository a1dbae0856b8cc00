// URLs: the one parser Kuzet uses, over libcurl's URL API (curl_url()), the parser the fetcher
// requests with, so a URL that parses here is a URL that can be fetched. Hosts go through ICU's
// UTS #46 (IDNA) rather than libcurl's, which depends on the process locale.
//
// Parse follows RFC 3986 (what libcurl implements) with the WHATWG URL Standard's input
// clean-up; tests/url/whatwg_vectors_test.cc lists, by kind, where the two standards differ.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace kuzet::url {

// The parts of a parsed absolute URL, as they appear in `href` (percent-encoding kept).
struct Url {
  std::string href;      // the whole URL, serialized
  std::string scheme;    // lowercase, without ':'
  std::string user;      // userinfo before ':', "" if none
  std::string password;  // userinfo after ':', "" if none
  std::string host;      // lowercase; IDN as punycode; IPv6 in brackets; "" if none
  std::string port;      // digits, "" when absent or the scheme's default
  std::string path;      // "/" at least for http(s)
  std::string query;     // without '?'
  std::string fragment;  // without '#'
};

// `input` parsed as an absolute URL, or as a reference resolved against the absolute URL `base`
// (RFC 3986 §5.2) when `base` is not empty. Any scheme. Leading and trailing C0 controls and
// spaces are stripped and TAB/LF/CR removed first (WHATWG URL §4.4 steps 1-3), as browsers do
// with href values. Errors name the inputs.
Result<Url> Parse(std::string_view input, std::string_view base = {});

// The canonical form used to de-duplicate URLs within a crawl and as a storage key. Only absolute
// http:// and https:// URLs are accepted. Rules (see url/README.md):
//   scheme and host lowercased; IDN host -> punycode (xn--); default port (80/443) dropped;
//   fragment dropped; path dot-segments resolved (RFC 3986 §5.2.4); empty path -> "/";
//   tracking parameters removed from the query (utm_*, fbclid, gclid, yclid, _openstat, mc_cid,
//   mc_eid, ...); an empty query is dropped; the order of the remaining parameters is kept.
Result<std::string> Canonicalize(std::string_view url);

// `ref` (absolute, or relative such as "../a?b") resolved against the absolute http(s) URL
// `base` (RFC 3986 §5.2); the result must be http(s). Not canonicalized. Errors name both inputs.
Result<std::string> Resolve(std::string_view base, std::string_view ref);

// Whether `url` is an absolute http:// or https:// URL with a valid host: what a config may name.
bool IsHttpUrl(std::string_view url);

// The lowercased host of an absolute http(s) URL (IDN hosts as punycode, IPv6 in brackets), or ""
// when the URL cannot be parsed.
std::string HostOf(std::string_view url);

// The URL with its host lowercased and IDN as punycode, otherwise unchanged (what the fetcher
// requests: libcurl's own IDN conversion depends on the process locale). Unparseable: unchanged.
std::string WithAsciiHost(std::string_view url);

// "scheme://host[:port]" of an absolute http(s) URL (lowercased, punycode, default port omitted):
// the unit of politeness and of robots.txt (RFC 9309 §2.3). "" when unparseable.
std::string OriginOf(std::string_view url);

// The path and query of an absolute URL ("/a/b?c"; "/" when empty), fragment excluded.
std::string PathAndQueryOf(std::string_view url);

// Whether two URLs name the same resource: equal canonical forms (so fragments, tracking
// parameters, host case and default ports do not count). Unparseable URLs are never the same.
bool SameResource(std::string_view a, std::string_view b);

// Whether a query parameter name is a known tracking parameter that Canonicalize removes.
bool IsTrackingParameter(std::string_view name);

// RFC 3986 §5.2.4 remove_dot_segments of `path`, appended to `out`; ".." never climbs above what
// `out` held before the call.
void AppendWithoutDotSegments(std::string_view path, std::string& out);

}  // namespace kuzet::url
