#include "crawler/scope.h"

#include <algorithm>
#include <array>

#include "base/strings.h"
#include "url/url.h"

namespace kuzet::crawler {

namespace {

std::string WithoutWww(std::string host) {
  if (host.rfind("www.", 0) == 0) host.erase(0, 4);
  return host;
}

// "/path?query" of an absolute URL (fragment excluded); "" when there is none.
std::string PathAndQuery(std::string_view url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return "";
  size_t path_start = url.find_first_of("/?#", scheme_end + 3);
  if (path_start == std::string_view::npos) return "/";
  std::string_view rest = url.substr(path_start);
  rest = rest.substr(0, rest.find('#'));
  std::string out;
  out.reserve(rest.size() + 1);
  if (rest.empty() || rest[0] == '?') out.push_back('/');
  out.append(rest.data(), rest.size());
  return out;
}

}  // namespace

const char* ToString(ScopeVerdict verdict) {
  switch (verdict) {
    case ScopeVerdict::kInScope:
      return "in scope";
    case ScopeVerdict::kNotHttp:
      return "not an http(s) URL";
    case ScopeVerdict::kOtherHost:
      return "host not in the site's hosts";
    case ScopeVerdict::kNotPage:
      return "not a page (file extension)";
    case ScopeVerdict::kNotIncluded:
      return "matches no include pattern";
    case ScopeVerdict::kExcluded:
      return "matches an exclude pattern";
  }
  return "?";
}

bool GlobMatch(std::string_view pattern, std::string_view text, bool match_prefix) {
  // Iterative wildcard matching with backtracking to the last '*': O(|pattern| * |text|).
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (match_prefix && p == pattern.size()) return true;
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool HasNonPageExtension(std::string_view path) {
  path = path.substr(0, path.find_first_of("?#"));
  size_t slash = path.rfind('/');
  std::string_view last = slash == std::string_view::npos ? path : path.substr(slash + 1);
  size_t dot = last.rfind('.');
  if (dot == std::string_view::npos) return false;
  std::string extension(last.substr(dot + 1));
  base::AsciiLowerInPlace(extension);
  static constexpr std::array<std::string_view, 52> kNonPage = {
      "jpg",  "jpeg", "png", "gif", "webp", "svg",   "bmp",  "ico",  "tif", "tiff", "avif",
      "heic", "mp3",  "wav", "ogg", "oga",  "m4a",   "flac", "aac",  "mp4", "m4v",  "webm",
      "avi",  "mov",  "mkv", "wmv", "flv",  "mpg",   "mpeg", "3gp",  "zip", "rar",  "7z",
      "gz",   "tgz",  "bz2", "xz",  "tar",  "pdf",   "doc",  "docx", "xls", "xlsx", "ppt",
      "pptx", "odt",  "css", "js",  "woff", "woff2", "ttf",  "exe"};
  return std::find(kNonPage.begin(), kNonPage.end(), extension) != kNonPage.end();
}

SiteScope::SiteScope(const config::Site& site) : include_(site.include), exclude_(site.exclude) {
  std::vector<std::string> sources = site.hosts;
  bool from_urls = sources.empty();
  if (from_urls) {
    for (const auto* list : {&site.start_urls, &site.feeds, &site.sitemaps}) {
      sources.insert(sources.end(), list->begin(), list->end());
    }
  }
  for (const std::string& source : sources) {
    std::string host = from_urls ? url::HostOf(source) : url::HostOf("http://" + source + "/");
    if (host.empty()) continue;
    host = WithoutWww(host);
    if (std::find(hosts_.begin(), hosts_.end(), host) == hosts_.end()) hosts_.push_back(host);
  }
}

ScopeVerdict SiteScope::Check(std::string_view url, bool check_host) const {
  std::string host = url::HostOf(url);
  if (host.empty()) return ScopeVerdict::kNotHttp;
  if (check_host && std::find(hosts_.begin(), hosts_.end(), WithoutWww(host)) == hosts_.end()) {
    return ScopeVerdict::kOtherHost;
  }
  std::string path_query = PathAndQuery(url);
  if (HasNonPageExtension(path_query)) return ScopeVerdict::kNotPage;
  if (!include_.empty() &&
      std::none_of(include_.begin(), include_.end(),
                   [&](const std::string& pattern) { return GlobMatch(pattern, path_query); })) {
    return ScopeVerdict::kNotIncluded;
  }
  for (const std::string& pattern : exclude_) {
    if (GlobMatch(pattern, path_query)) return ScopeVerdict::kExcluded;
  }
  return ScopeVerdict::kInScope;
}

}  // namespace kuzet::crawler
