// Resolves a page's href values against its URL and <base href> (RFC 3986 §5.2, via libcurl's
// URL API), keeping only absolute http(s) URLs and dropping fragments. Built for the thousands of
// links of one page: plain relative references skip libcurl (see ResolveSimpleRelative).
#pragma once

#include <curl/curl.h>

#include <optional>
#include <string>
#include <string_view>

namespace kuzet::url {

class UrlResolver {
 public:
  // page_url may be empty or invalid; then only absolute hrefs resolve.
  explicit UrlResolver(std::string_view page_url);
  ~UrlResolver();
  UrlResolver(const UrlResolver&) = delete;
  UrlResolver& operator=(const UrlResolver&) = delete;

  // Applies <base href> (itself resolved against the page URL, HTML §4.2.3); ignored if invalid.
  void SetBase(std::string_view base_href);

  // Absolute http(s) URL without fragment, or nullopt for javascript:, mailto:, junk...
  std::optional<std::string> Resolve(std::string_view href) const;

 private:
  // Plain relative references (the bulk of a page's links) are merged here directly (RFC 3986
  // §5.2.2-5.2.4) against the base libcurl parsed; anything unusual goes through libcurl.
  std::optional<std::string> ResolveSimpleRelative(std::string_view href) const;
  void CacheBaseParts();

  CURLU* base_ = nullptr;   // null when there is no usable base
  std::string origin_;      // "https://host[:port]" of the base, from libcurl
  std::string base_path_;   // base path, starts with '/'
  std::string base_query_;  // without '?', empty if none
  bool has_query_ = false;
};

}  // namespace kuzet::url
