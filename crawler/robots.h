// robots.txt (RFC 9309, the Robots Exclusion Protocol). Parsing is kept apart from matching, as in
// google/robotstxt: ParseRobotsTxt reports each line to a RobotsParseHandler; RobotsRules is the
// handler that keeps the rules for one crawler and answers "may this path be fetched?".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kuzet::crawler {

// Receives the records of a robots.txt in order. Keys are matched case-insensitively, common
// misspellings included ("useragent", "user agent", "dissallow"); values are trimmed and
// comments (from '#') removed (RFC 9309 §2.2).
class RobotsParseHandler {
 public:
  virtual ~RobotsParseHandler() = default;
  virtual void HandleUserAgent(int line, std::string_view value) = 0;
  virtual void HandleAllow(int line, std::string_view value) = 0;
  virtual void HandleDisallow(int line, std::string_view value) = 0;
  virtual void HandleCrawlDelay(int line, std::string_view value) = 0;  // not in RFC 9309
  virtual void HandleSitemap(int line, std::string_view value) = 0;     // RFC 9309 §2.2.4
  virtual void HandleUnknown(int line, std::string_view key, std::string_view value) = 0;
};

// Parses at most the first 500 KiB (RFC 9309 §2.5). Lines may end in LF, CR LF or CR; a UTF-8
// BOM is skipped; lines without ':' are ignored.
void ParseRobotsTxt(std::string_view body, RobotsParseHandler& handler);

// The rules of one robots.txt that apply to one crawler.
class RobotsRules {
 public:
  // Everything allowed: no robots.txt (4xx, RFC 9309 §2.3.1.3) or no group for us.
  static RobotsRules AllowAll();
  // Nothing allowed: robots.txt unreachable (5xx or network error, RFC 9309 §2.3.1.4).
  static RobotsRules DisallowAll();
  // `product_token` is the crawler's name as matched against User-agent lines, e.g. "Kuzet"
  // (case-insensitive, §2.2.1). The groups naming it are combined; without one, the "*" groups.
  static RobotsRules Parse(std::string_view body, std::string_view product_token);

  // Whether `path` (path, params and query, e.g. "/news/1?id=2"; "" means "/") may be fetched:
  // the longest matching rule wins, Allow wins a tie, no matching rule allows (§2.2.2).
  // "/robots.txt" is always allowed.
  bool Allowed(std::string_view path) const;

  std::optional<double> crawl_delay() const { return crawl_delay_; }  // seconds, from our group
  const std::vector<std::string>& sitemaps() const { return sitemaps_; }

  struct Rule {
    bool allow = false;
    std::string pattern;  // normalized percent-encoding; may contain '*' and a final '$'
  };
  const std::vector<Rule>& rules() const { return rules_; }

 private:
  friend class RobotsRulesBuilder;
  std::vector<Rule> rules_;
  std::optional<double> crawl_delay_;
  std::vector<std::string> sitemaps_;
};

// The product token of a User-Agent header value: its leading run of [A-Za-z_-]
// ("Kuzet/0.1 (news monitor)" -> "Kuzet").
std::string ProductToken(std::string_view user_agent);

// Whether `path` matches the robots.txt pattern (prefix match; '*' any run; '$' at the end anchors
// at the end of the path), RFC 9309 §2.2.3. Both must already be normalized.
bool RobotsPatternMatches(std::string_view pattern, std::string_view path);

}  // namespace kuzet::crawler
