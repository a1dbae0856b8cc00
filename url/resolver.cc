#include "url/resolver.h"

#include <algorithm>
#include <array>

#include "base/strings.h"
#include "url/url.h"

namespace kuzet::url {
namespace {

constexpr unsigned kSetFlags = CURLU_NON_SUPPORT_SCHEME | CURLU_ALLOW_SPACE | CURLU_URLENCODE;

bool IsHttp(CURLU* u) {
  char* scheme = nullptr;
  if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK) return false;
  const std::string_view s(scheme);
  const bool ok = s == "http" || s == "https";
  curl_free(scheme);
  return ok;
}

// Strips leading and trailing C0 controls and spaces and removes tabs/newlines inside (WHATWG URL
// §4.4 steps 1-3); a no-break space at either end goes too (pasted around hrefs, it is never part
// of the link). Returns a view of href itself when nothing inside needs removing (nearly always),
// else of `storage`.
std::string_view CleanHref(std::string_view href, std::string& storage) {
  for (;;) {
    if (!href.empty() && static_cast<unsigned char>(href.front()) <= 0x20) {
      href.remove_prefix(1);
    } else if (href.starts_with("\xC2\xA0")) {
      href.remove_prefix(2);
    } else if (!href.empty() && static_cast<unsigned char>(href.back()) <= 0x20) {
      href.remove_suffix(1);
    } else if (href.ends_with("\xC2\xA0")) {
      href.remove_suffix(2);
    } else {
      break;
    }
  }
  // '\t' (9) < '\n' (10) < '\r' (13): one comparison per byte rejects nearly all.
  const bool clean = std::none_of(href.begin(), href.end(), [](char c) {
    return static_cast<unsigned char>(c) <= '\r' && (c == '\n' || c == '\r' || c == '\t');
  });
  if (clean) return href;
  storage.clear();
  for (char c : href) {
    if (c != '\n' && c != '\r' && c != '\t') storage.push_back(c);
  }
  return storage;
}

// Characters that libcurl would pass through unchanged in a path or query, as a table: every
// byte of every link is tested.
constexpr std::array<bool, 256> kPlainUrlChars = [] {
  std::array<bool, 256> t{};
  for (unsigned char c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (unsigned char c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (unsigned char c = '0'; c <= '9'; ++c) t[c] = true;
  for (unsigned char c : std::string_view("-._~/?#!$&'()*+,;=:@%")) t[c] = true;
  return t;
}();

bool IsPlainUrlChar(char c) { return kPlainUrlChars[static_cast<unsigned char>(c)]; }

}  // namespace

void UrlResolver::CacheBaseParts() {
  origin_.clear();
  base_path_.clear();
  base_query_.clear();
  has_query_ = false;
  if (base_ == nullptr) return;
  char* part = nullptr;
  if (curl_url_get(base_, CURLUPART_SCHEME, &part, 0) != CURLUE_OK) return;
  std::string origin = std::string(part) + "://";
  curl_free(part);
  if (curl_url_get(base_, CURLUPART_USER, &part, 0) == CURLUE_OK) {
    curl_free(part);
    return;  // userinfo: leave such bases to libcurl
  }
  if (curl_url_get(base_, CURLUPART_HOST, &part, 0) != CURLUE_OK) return;
  origin += part;
  curl_free(part);
  if (curl_url_get(base_, CURLUPART_PORT, &part, 0) == CURLUE_OK) {
    origin += ':';
    origin += part;
    curl_free(part);
  }
  if (curl_url_get(base_, CURLUPART_PATH, &part, 0) != CURLUE_OK) return;
  base_path_ = part;
  curl_free(part);
  if (curl_url_get(base_, CURLUPART_QUERY, &part, 0) == CURLUE_OK) {
    base_query_ = part;
    has_query_ = true;
    curl_free(part);
  }
  if (base_path_.empty() || base_path_.front() != '/') {
    base_path_.clear();
    return;
  }
  origin_ = std::move(origin);
}

std::optional<std::string> UrlResolver::ResolveSimpleRelative(std::string_view href) const {
  // Only references without a scheme or authority and with plain characters qualify.
  for (char c : href) {
    if (!IsPlainUrlChar(c)) return std::nullopt;
  }
  if (href.starts_with("https://") || href.starts_with("http://")) {
    // Absolute with a plain lowercase host and no port or userinfo.
    const size_t host_start = href.find("//") + 2;
    size_t host_end = host_start;
    while (host_end < href.size() && ((href[host_end] >= 'a' && href[host_end] <= 'z') ||
                                      (href[host_end] >= '0' && href[host_end] <= '9') ||
                                      href[host_end] == '-' || href[host_end] == '.'))
      ++host_end;
    if (host_end == host_start || href[host_end - 1] == '.') return std::nullopt;
    if (host_end < href.size() && href[host_end] != '/' && href[host_end] != '?' &&
        href[host_end] != '#')
      return std::nullopt;
    std::string out(href.substr(0, host_end));
    std::string_view rest = href.substr(host_end);
    if (const size_t hash = rest.find('#'); hash != std::string_view::npos)
      rest = rest.substr(0, hash);
    const size_t q = rest.find('?');
    const std::string_view path = rest.substr(0, q);
    if (path.empty()) {
      out += '/';
    } else {
      AppendWithoutDotSegments(path, out);
    }
    if (q != std::string_view::npos && q + 1 < rest.size())
      out += rest.substr(q);  // libcurl drops a bare '?'
    return out;
  }
  if (href.starts_with("//")) return std::nullopt;
  const size_t colon = href.find(':');
  if (colon != std::string_view::npos && colon < href.find_first_of("/?#")) return std::nullopt;
  if (const size_t hash = href.find('#'); hash != std::string_view::npos)
    href = href.substr(0, hash);
  if (origin_.empty()) return std::nullopt;
  const size_t q = href.find('?');
  const std::string_view path = href.substr(0, q);
  std::string out = origin_;
  if (path.empty()) {
    out += base_path_;
    if (q != std::string_view::npos) {
      if (q + 1 < href.size()) out += href.substr(q);
    } else if (has_query_) {
      out += '?';
      out += base_query_;
    }
    return out;
  }
  if (path.front() == '/') {
    AppendWithoutDotSegments(path, out);
  } else {
    const size_t slash = base_path_.rfind('/');
    std::string merged = base_path_.substr(0, slash + 1);
    merged += path;
    AppendWithoutDotSegments(merged, out);
  }
  if (q != std::string_view::npos && q + 1 < href.size()) out += href.substr(q);
  return out;
}

UrlResolver::UrlResolver(std::string_view page_url) {
  std::string storage;
  const std::string url(CleanHref(page_url, storage));
  if (url.empty()) return;
  base_ = curl_url();
  if (base_ == nullptr) return;
  if (curl_url_set(base_, CURLUPART_URL, url.c_str(), kSetFlags) != CURLUE_OK || !IsHttp(base_)) {
    curl_url_cleanup(base_);
    base_ = nullptr;
  }
  CacheBaseParts();
}

UrlResolver::~UrlResolver() {
  if (base_ != nullptr) curl_url_cleanup(base_);
}

void UrlResolver::SetBase(std::string_view base_href) {
  std::string storage;
  const std::string href(CleanHref(base_href, storage));
  if (href.empty()) return;
  CURLU* u = base_ != nullptr ? curl_url_dup(base_) : curl_url();
  if (u == nullptr) return;
  if (curl_url_set(u, CURLUPART_URL, href.c_str(), kSetFlags) != CURLUE_OK || !IsHttp(u)) {
    curl_url_cleanup(u);
    return;
  }
  if (base_ != nullptr) curl_url_cleanup(base_);
  base_ = u;
  CacheBaseParts();
}

std::optional<std::string> UrlResolver::Resolve(std::string_view href) const {
  std::string storage;
  const std::string_view h = CleanHref(href, storage);
  // A NUL would cut the C string libcurl reads; HTML parsers never leave one in an attribute.
  if (h.empty() || h.front() == '#' || h.find('\0') != std::string_view::npos) return std::nullopt;
  // Cheap rejections before libcurl: schemes that are never pages.
  if (base::StartsWithIgnoreAsciiCase(h, "javascript:") ||
      base::StartsWithIgnoreAsciiCase(h, "mailto:") || base::StartsWithIgnoreAsciiCase(h, "tel:") ||
      base::StartsWithIgnoreAsciiCase(h, "data:"))
    return std::nullopt;
  if (auto fast = ResolveSimpleRelative(h)) return fast;
  CURLU* u = base_ != nullptr ? curl_url_dup(base_) : curl_url();
  if (u == nullptr) return std::nullopt;
  std::optional<std::string> result;
  if (curl_url_set(u, CURLUPART_URL, std::string(h).c_str(), kSetFlags) == CURLUE_OK && IsHttp(u)) {
    curl_url_set(u, CURLUPART_FRAGMENT, nullptr, 0);
    char* out = nullptr;
    if (curl_url_get(u, CURLUPART_URL, &out, 0) == CURLUE_OK) {
      result = std::string(out);
      curl_free(out);
      // Hosts are case-insensitive (RFC 3986 §3.2.2); lowercase them so duplicates collapse.
      const size_t host = result->find("://") + 3;
      const size_t end = std::min(result->find_first_of("/?#", host), result->size());
      for (size_t k = host; k < end; ++k) (*result)[k] = base::AsciiLower((*result)[k]);
    }
  }
  curl_url_cleanup(u);
  return result;
}

}  // namespace kuzet::url
