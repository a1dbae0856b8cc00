#include "crawler/robots.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

#include "base/hex.h"
#include "base/strings.h"
#include "crawler/scope.h"

namespace kuzet::crawler {

namespace {

constexpr size_t kMaxRobotsBytes = 500 * 1024;  // RFC 9309 §2.5: parse at least 500 KiB

bool IsUnreserved(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
         c == '~';
}

// One spelling for paths and patterns (RFC 9309 §2.2.2): non-ASCII octets percent-encoded,
// percent-escapes in upper case, escapes of unreserved characters decoded.
std::string NormalizePath(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (size_t i = 0; i < path.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(path[i]);
    if (c == '%' && i + 2 < path.size() && base::HexDigitValue(path[i + 1]) >= 0 &&
        base::HexDigitValue(path[i + 2]) >= 0) {
      const auto decoded = static_cast<uint8_t>(base::HexDigitValue(path[i + 1]) * 16 +
                                                base::HexDigitValue(path[i + 2]));
      if (IsUnreserved(static_cast<char>(decoded))) {
        out += static_cast<char>(decoded);
      } else {
        base::AppendPercentEncoded(decoded, out);
      }
      i += 2;
    } else if (c >= 0x80) {
      base::AppendPercentEncoded(c, out);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

enum class Key { kUserAgent, kAllow, kDisallow, kCrawlDelay, kSitemap, kUnknown };

Key ClassifyKey(std::string_view raw) {
  std::string key = base::AsciiLower(base::TrimAsciiWhitespace(raw));
  if (key == "user-agent" || key == "useragent" || key == "user agent") return Key::kUserAgent;
  if (key == "allow") return Key::kAllow;
  if (key == "disallow" || key == "dissallow" || key == "dissalow" || key == "disalow" ||
      key == "diasllow" || key == "disallaw") {
    return Key::kDisallow;
  }
  if (key == "crawl-delay" || key == "crawldelay" || key == "crawl delay") return Key::kCrawlDelay;
  if (key == "sitemap" || key == "site-map") return Key::kSitemap;
  return Key::kUnknown;
}

}  // namespace

void ParseRobotsTxt(std::string_view body, RobotsParseHandler& handler) {
  body = body.substr(0, kMaxRobotsBytes);
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  int line_number = 0;
  size_t start = 0;
  while (start < body.size()) {
    size_t end = body.find_first_of("\r\n", start);
    if (end == std::string_view::npos) end = body.size();
    std::string_view line = body.substr(start, end - start);
    start = end + 1;
    if (end < body.size() && body[end] == '\r' && start < body.size() && body[start] == '\n') {
      ++start;  // CR LF
    }
    ++line_number;
    line = line.substr(0, line.find('#'));
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view key = base::TrimAsciiWhitespace(line.substr(0, colon));
    std::string_view value = base::TrimAsciiWhitespace(line.substr(colon + 1));
    switch (ClassifyKey(key)) {
      case Key::kUserAgent:
        handler.HandleUserAgent(line_number, value);
        break;
      case Key::kAllow:
        handler.HandleAllow(line_number, value);
        break;
      case Key::kDisallow:
        handler.HandleDisallow(line_number, value);
        break;
      case Key::kCrawlDelay:
        handler.HandleCrawlDelay(line_number, value);
        break;
      case Key::kSitemap:
        handler.HandleSitemap(line_number, value);
        break;
      case Key::kUnknown:
        handler.HandleUnknown(line_number, key, value);
        break;
    }
  }
}

std::string ProductToken(std::string_view user_agent) {
  user_agent = base::TrimAsciiWhitespace(user_agent);
  size_t end = 0;
  while (end < user_agent.size() && (std::isalpha(static_cast<unsigned char>(user_agent[end])) ||
                                     user_agent[end] == '_' || user_agent[end] == '-')) {
    ++end;
  }
  return std::string(user_agent.substr(0, end));
}

bool RobotsPatternMatches(std::string_view pattern, std::string_view path) {
  // Without a final '$' a rule only has to match a prefix of the path (RFC 9309 §2.2.3).
  bool anchored = !pattern.empty() && pattern.back() == '$';
  if (anchored) pattern.remove_suffix(1);
  return GlobMatch(pattern, path, /*match_prefix=*/!anchored);
}

// Collects the groups that apply to one product token (RFC 9309 §2.1, §2.2.1).
class RobotsRulesBuilder : public RobotsParseHandler {
 public:
  explicit RobotsRulesBuilder(std::string_view product_token)
      : token_(base::AsciiLower(product_token)) {}

  void HandleUserAgent(int, std::string_view value) override {
    if (in_rules_) {  // a user-agent line after rules starts a new group
      in_rules_ = false;
      group_is_ours_ = group_is_star_ = false;
    }
    std::string name = base::AsciiLower(ProductToken(value));
    if (base::TrimAsciiWhitespace(value) == "*" ||
        (value.size() > 0 && value[0] == '*' && name.empty())) {
      group_is_star_ = true;
      seen_star_group_ = true;
    } else if (!name.empty() && name == token_) {
      group_is_ours_ = true;
      seen_our_group_ = true;
    }
  }
  void HandleAllow(int, std::string_view value) override { AddRule(true, value); }
  void HandleDisallow(int, std::string_view value) override { AddRule(false, value); }
  void HandleCrawlDelay(int, std::string_view value) override {
    in_rules_ = true;
    double seconds = std::strtod(std::string(value).c_str(), nullptr);
    if (seconds < 0) return;
    if (group_is_ours_) ours_.crawl_delay_ = seconds;
    if (group_is_star_) star_.crawl_delay_ = seconds;
  }
  void HandleSitemap(int, std::string_view value) override {
    if (!value.empty()) sitemaps_.emplace_back(value);  // not part of any group (§2.2.4)
  }
  void HandleUnknown(int, std::string_view, std::string_view) override {}

  RobotsRules Build() {
    RobotsRules rules =
        seen_our_group_ ? std::move(ours_) : (seen_star_group_ ? std::move(star_) : RobotsRules());
    rules.sitemaps_ = std::move(sitemaps_);
    return rules;
  }

 private:
  void AddRule(bool allow, std::string_view value) {
    in_rules_ = true;
    if (value.empty()) return;  // "Disallow:" with no path allows everything: no rule
    RobotsRules::Rule rule{allow, NormalizePath(value)};
    if (group_is_ours_) ours_.rules_.push_back(rule);
    if (group_is_star_) star_.rules_.push_back(rule);
  }

  std::string token_;
  bool in_rules_ = false;
  bool group_is_ours_ = false, group_is_star_ = false;
  bool seen_our_group_ = false, seen_star_group_ = false;
  RobotsRules ours_, star_;
  std::vector<std::string> sitemaps_;
};

RobotsRules RobotsRules::AllowAll() { return RobotsRules(); }

RobotsRules RobotsRules::DisallowAll() {
  RobotsRules rules;
  rules.rules_.push_back(Rule{false, "/"});
  return rules;
}

RobotsRules RobotsRules::Parse(std::string_view body, std::string_view product_token) {
  RobotsRulesBuilder builder(product_token);
  ParseRobotsTxt(body, builder);
  return builder.Build();
}

bool RobotsRules::Allowed(std::string_view path) const {
  std::string normalized = NormalizePath(path.empty() ? std::string_view("/") : path);
  if (normalized == "/robots.txt") return true;
  // Longest match wins; on equal length Allow wins (RFC 9309 §2.2.2, "least restrictive").
  int best_length = -1;
  bool best_allow = true;
  for (const Rule& rule : rules_) {
    if (!RobotsPatternMatches(rule.pattern, normalized)) continue;
    int length = static_cast<int>(rule.pattern.size());
    if (length > best_length || (length == best_length && rule.allow)) {
      best_length = length;
      best_allow = rule.allow;
    }
  }
  return best_allow;
}

}  // namespace kuzet::crawler
