// Which URLs belong to a monitored site.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace kuzet::crawler {

enum class ScopeVerdict {
  kInScope,
  kNotHttp,      // not an absolute http(s) URL
  kOtherHost,    // host not one of the site's hosts
  kNotPage,      // path ends in an extension of a non-page resource (.jpg, .pdf, .css, ...)
  kNotIncluded,  // include patterns given, none matches
  kExcluded,     // an exclude pattern matches
};

const char* ToString(ScopeVerdict verdict);

// Rules, applied in this order:
//   * http:// and https:// only.
//   * Host: site.hosts, or when empty the hosts of start_urls, feeds and sitemaps. A leading
//     "www." is ignored on both sides (www.example.kz and example.kz are one site); other
//     subdomains are distinct hosts and must be listed. Compared case-insensitively, IDN as
//     punycode.
//   * Obvious non-pages are skipped by the path's extension (images, audio, video, archives,
//     documents, styles, scripts, fonts).
//   * include: when non-empty, the path+query ("/news/1?p=2") must match one pattern;
//     exclude: must match none. Patterns are globs where '*' matches any run of characters and
//     everything else matches itself; a pattern matches the whole path+query.
class SiteScope {
 public:
  explicit SiteScope(const config::Site& site);

  // check_host=false skips only the host rule: items listed by the site's own feeds and sitemaps
  // are trusted to be the site's articles even on another host (feed proxies, CDNs).
  ScopeVerdict Check(std::string_view url, bool check_host = true) const;
  bool Contains(std::string_view url) const { return Check(url) == ScopeVerdict::kInScope; }

  const std::vector<std::string>& hosts() const { return hosts_; }

 private:
  std::vector<std::string> hosts_;  // normalized: lowercase, punycode, without "www."
  std::vector<std::string> include_;
  std::vector<std::string> exclude_;
};

// Whether `text` matches the glob `pattern` ('*' = any run, possibly empty) as a whole, or with
// match_prefix only a prefix of it (as if the pattern ended in '*'; robots.txt rules).
bool GlobMatch(std::string_view pattern, std::string_view text, bool match_prefix = false);

// Whether the URL path's last segment ends in an extension of a non-page resource.
bool HasNonPageExtension(std::string_view path);

}  // namespace kuzet::crawler
