#include "extractor/url_resolver.h"

#include "extractor/dom.h"

namespace kuzet::extractor {
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

// Trims HTML whitespace and removes tabs/newlines inside, as the URL standard's parser does.
std::string CleanHref(std::string_view href) {
  href = Trim(href);
  std::string out;
  out.reserve(href.size());
  for (char c : href) {
    if (c != '\n' && c != '\r' && c != '\t') out.push_back(c);
  }
  return out;
}

}  // namespace

UrlResolver::UrlResolver(std::string_view page_url) {
  const std::string url = CleanHref(page_url);
  if (url.empty()) return;
  base_ = curl_url();
  if (base_ == nullptr) return;
  if (curl_url_set(base_, CURLUPART_URL, url.c_str(), kSetFlags) != CURLUE_OK || !IsHttp(base_)) {
    curl_url_cleanup(base_);
    base_ = nullptr;
  }
}

UrlResolver::~UrlResolver() {
  if (base_ != nullptr) curl_url_cleanup(base_);
}

void UrlResolver::SetBase(std::string_view base_href) {
  const std::string href = CleanHref(base_href);
  if (href.empty()) return;
  CURLU* u = base_ != nullptr ? curl_url_dup(base_) : curl_url();
  if (u == nullptr) return;
  if (curl_url_set(u, CURLUPART_URL, href.c_str(), kSetFlags) != CURLUE_OK || !IsHttp(u)) {
    curl_url_cleanup(u);
    return;
  }
  if (base_ != nullptr) curl_url_cleanup(base_);
  base_ = u;
}

std::optional<std::string> UrlResolver::Resolve(std::string_view href) const {
  const std::string h = CleanHref(href);
  if (h.empty() || h.front() == '#') return std::nullopt;
  // Cheap rejections before libcurl: schemes that are never pages.
  const std::string lower = AsciiLower(std::string_view(h).substr(0, 11));
  if (lower.starts_with("javascript:") || lower.starts_with("mailto:") ||
      lower.starts_with("tel:") || lower.starts_with("data:"))
    return std::nullopt;
  CURLU* u = base_ != nullptr ? curl_url_dup(base_) : curl_url();
  if (u == nullptr) return std::nullopt;
  std::optional<std::string> result;
  if (curl_url_set(u, CURLUPART_URL, h.c_str(), kSetFlags) == CURLUE_OK && IsHttp(u)) {
    curl_url_set(u, CURLUPART_FRAGMENT, nullptr, 0);
    char* out = nullptr;
    if (curl_url_get(u, CURLUPART_URL, &out, 0) == CURLUE_OK) {
      result = std::string(out);
      curl_free(out);
    }
  }
  curl_url_cleanup(u);
  return result;
}

}  // namespace kuzet::extractor
