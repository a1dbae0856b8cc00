#include "crawler/url.h"

#include <curl/curl.h>

#include <array>
#include <memory>

namespace kuzet::crawler {

namespace {

struct CurlUrlDeleter {
  void operator()(CURLU* handle) const { curl_url_cleanup(handle); }
};
using CurlUrl = std::unique_ptr<CURLU, CurlUrlDeleter>;

struct CurlStringDeleter {
  void operator()(char* text) const { curl_free(text); }
};

// Returns the part, or "" when it is absent.
std::string GetPart(CURLU* handle, CURLUPart part, unsigned int flags = 0) {
  char* text = nullptr;
  if (curl_url_get(handle, part, &text, flags) != CURLUE_OK || text == nullptr) return "";
  std::unique_ptr<char, CurlStringDeleter> owned(text);
  return std::string(text);
}

void LowercaseAscii(std::string& text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
}

std::string LowerCopy(std::string_view text) {
  std::string out(text);
  LowercaseAscii(out);
  return out;
}

// Parses an absolute http(s) URL. CURLU_NON_SUPPORT_SCHEME is not set, and no scheme is guessed:
// "example.com/a" is an error, not http://example.com/a.
Result<CurlUrl> ParseHttpUrl(std::string_view url) {
  CurlUrl handle(curl_url());
  if (!handle) return Status::IOError("out of memory parsing URL");
  std::string text(url);
  CURLUcode rc = curl_url_set(handle.get(), CURLUPART_URL, text.c_str(), CURLU_URLENCODE);
  if (rc != CURLUE_OK) {
    return Status::InvalidArgument("invalid URL \"" + text + "\": " + curl_url_strerror(rc));
  }
  std::string scheme = LowerCopy(GetPart(handle.get(), CURLUPART_SCHEME));
  if (scheme != "http" && scheme != "https") {
    return Status::InvalidArgument("not an http(s) URL: \"" + text + "\"");
  }
  if (GetPart(handle.get(), CURLUPART_HOST).empty()) {
    return Status::InvalidArgument("URL has no host: \"" + text + "\"");
  }
  return handle;
}

// The host as punycode when libcurl can convert it (CURLU_PUNYCODE, libcurl >= 7.88.0),
// lowercased either way.
std::string CanonicalHost(CURLU* handle) {
  std::string host;
#ifdef CURLU_PUNYCODE
  host = GetPart(handle, CURLUPART_HOST, CURLU_PUNYCODE);
#endif
  if (host.empty()) host = GetPart(handle, CURLUPART_HOST);
  LowercaseAscii(host);
  return host;
}

std::string RemoveTrackingParameters(std::string_view query) {
  std::string kept;
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    std::string_view param = query.substr(start, end - start);
    std::string_view name = param.substr(0, param.find('='));
    if (!param.empty() && !IsTrackingParameter(name)) {
      if (!kept.empty()) kept += '&';
      kept += param;
    }
    start = end + 1;
  }
  return kept;
}

}  // namespace

bool IsTrackingParameter(std::string_view name) {
  std::string lower = LowerCopy(name);
  if (lower.rfind("utm_", 0) == 0) return true;
  static constexpr std::array<std::string_view, 16> kNames = {
      "fbclid", "gclid",  "yclid",   "dclid",  "msclkid", "_openstat", "mc_cid",  "mc_eid",
      "igshid", "_ga",    "_gl",     "ref_src", "spm",    "wt_mc_id",  "ocid",    "srsltid"};
  for (std::string_view known : kNames) {
    if (lower == known) return true;
  }
  return false;
}

Result<std::string> Canonicalize(std::string_view url) {
  Result<CurlUrl> parsed = ParseHttpUrl(url);
  if (!parsed.ok()) return parsed.status();
  CURLU* handle = parsed->get();

  std::string scheme = LowerCopy(GetPart(handle, CURLUPART_SCHEME));
  std::string host = CanonicalHost(handle);
  curl_url_set(handle, CURLUPART_SCHEME, scheme.c_str(), 0);
  if (curl_url_set(handle, CURLUPART_HOST, host.c_str(), 0) != CURLUE_OK) {
    return Status::InvalidArgument("invalid host in URL \"" + std::string(url) + "\"");
  }
  std::string port = GetPart(handle, CURLUPART_PORT);
  if ((scheme == "http" && port == "80") || (scheme == "https" && port == "443")) {
    curl_url_set(handle, CURLUPART_PORT, nullptr, 0);
  }
  curl_url_set(handle, CURLUPART_FRAGMENT, nullptr, 0);
  std::string query = RemoveTrackingParameters(GetPart(handle, CURLUPART_QUERY));
  curl_url_set(handle, CURLUPART_QUERY, query.empty() ? nullptr : query.c_str(), 0);
  if (GetPart(handle, CURLUPART_PATH).empty()) curl_url_set(handle, CURLUPART_PATH, "/", 0);

  std::string out = GetPart(handle, CURLUPART_URL);
  if (out.empty()) return Status::InvalidArgument("cannot canonicalize URL \"" + std::string(url) + "\"");
  return out;
}

Result<std::string> Resolve(std::string_view base, std::string_view ref) {
  Result<CurlUrl> parsed = ParseHttpUrl(base);
  if (!parsed.ok()) return parsed.status();
  std::string ref_text(ref);
  // curl_url_set with a relative URL on a handle holding a URL resolves it (RFC 3986 §5.2).
  CURLUcode rc = curl_url_set(parsed->get(), CURLUPART_URL, ref_text.c_str(), CURLU_URLENCODE);
  if (rc != CURLUE_OK) {
    return Status::InvalidArgument("cannot resolve \"" + ref_text + "\" against \"" +
                                   std::string(base) + "\": " + curl_url_strerror(rc));
  }
  std::string scheme = LowerCopy(GetPart(parsed->get(), CURLUPART_SCHEME));
  if (scheme != "http" && scheme != "https") {
    return Status::InvalidArgument("\"" + ref_text + "\" is not an http(s) URL");
  }
  std::string out = GetPart(parsed->get(), CURLUPART_URL);
  if (out.empty()) return Status::InvalidArgument("cannot resolve \"" + ref_text + "\"");
  return out;
}

std::string HostOf(std::string_view url) {
  Result<CurlUrl> parsed = ParseHttpUrl(url);
  if (!parsed.ok()) return "";
  return CanonicalHost(parsed->get());
}

}  // namespace kuzet::crawler
