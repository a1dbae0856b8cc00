#include "crawler/url.h"

#include <curl/curl.h>
#include <unicode/uidna.h>

#include <algorithm>
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

// IDNA (UTS #46, non-transitional) of a UTF-8 host name, via ICU. libcurl's CURLU_PUNYCODE
// (7.88) goes through idn2_lookup_ul(), which depends on the process locale and fails under the
// default "C" locale, so it cannot be relied on in a library.
std::string ToAsciiHost(const std::string& host) {
  UErrorCode error = U_ZERO_ERROR;
  static const UIDNA* const kIdna = uidna_openUTS46(UIDNA_NONTRANSITIONAL_TO_ASCII, &error);
  if (kIdna == nullptr) return "";
  error = U_ZERO_ERROR;
  UIDNAInfo info = UIDNA_INFO_INITIALIZER;
  char out[256];
  int32_t length = uidna_nameToASCII_UTF8(kIdna, host.data(), static_cast<int32_t>(host.size()),
                                          out, sizeof out, &info, &error);
  if (U_FAILURE(error) || length <= 0 || length >= static_cast<int32_t>(sizeof out) ||
      (info.errors & ~UIDNA_ERROR_EMPTY_LABEL) != 0) {
    return "";
  }
  return std::string(out, static_cast<size_t>(length));
}

bool IsValidAsciiHost(const std::string& host) {
  if (host.empty()) return false;
  if (host.front() == '[') return host.back() == ']';  // IPv6 literal, checked by libcurl
  for (char c : host) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
    if (!ok) return false;
  }
  return true;
}

// The host lowercased, IDN hosts as punycode; "" when the host is not a valid DNS name or IP.
std::string CanonicalHost(CURLU* handle) {
  std::string host = GetPart(handle, CURLUPART_HOST);
  bool ascii = std::all_of(host.begin(), host.end(),
                           [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (!ascii) host = ToAsciiHost(host);
  LowercaseAscii(host);
  return IsValidAsciiHost(host) ? host : "";
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
      "fbclid", "gclid", "yclid", "dclid",   "msclkid", "_openstat", "mc_cid", "mc_eid",
      "igshid", "_ga",   "_gl",   "ref_src", "spm",     "wt_mc_id",  "ocid",   "srsltid"};
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
  if (host.empty() || curl_url_set(handle, CURLUPART_HOST, host.c_str(), 0) != CURLUE_OK) {
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
  if (out.empty())
    return Status::InvalidArgument("cannot canonicalize URL \"" + std::string(url) + "\"");
  return out;
}

Result<std::string> Resolve(std::string_view base, std::string_view ref) {
  Result<CurlUrl> parsed = ParseHttpUrl(base);
  if (!parsed.ok()) return parsed.status();
  std::string ref_text(ref);
  if (!ref_text.empty() && ref_text[0] == '#') {
    // libcurl 7.88 drops the last path segment for fragment-only references; RFC 3986 §5.2.2
    // keeps the base's path and query.
    std::string base_text(base.substr(0, base.find('#')));
    return base_text + ref_text;
  }
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
  std::string host = CanonicalHost(parsed->get());
  if (host.empty()) {
    return Status::InvalidArgument("invalid host resolving \"" + ref_text + "\"");
  }
  std::string out = GetPart(parsed->get(), CURLUPART_URL);
  if (out.empty()) return Status::InvalidArgument("cannot resolve \"" + ref_text + "\"");
  return out;
}

std::string WithAsciiHost(std::string_view url) {
  Result<CurlUrl> parsed = ParseHttpUrl(url);
  if (!parsed.ok()) return std::string(url);
  std::string host = CanonicalHost(parsed->get());
  if (host.empty() || curl_url_set(parsed->get(), CURLUPART_HOST, host.c_str(), 0) != CURLUE_OK) {
    return std::string(url);
  }
  std::string out = GetPart(parsed->get(), CURLUPART_URL);
  return out.empty() ? std::string(url) : out;
}

std::string OriginOf(std::string_view url) {
  Result<CurlUrl> parsed = ParseHttpUrl(url);
  if (!parsed.ok()) return "";
  std::string scheme = LowerCopy(GetPart(parsed->get(), CURLUPART_SCHEME));
  std::string host = CanonicalHost(parsed->get());
  if (host.empty()) return "";
  std::string port = GetPart(parsed->get(), CURLUPART_PORT);
  std::string origin = scheme + "://" + host;
  if (!port.empty() && !(scheme == "http" && port == "80") &&
      !(scheme == "https" && port == "443")) {
    origin += ":" + port;
  }
  return origin;
}

std::string PathAndQueryOf(std::string_view url) {
  Result<CurlUrl> parsed = ParseHttpUrl(url);
  if (!parsed.ok()) return "/";
  std::string path = GetPart(parsed->get(), CURLUPART_PATH);
  std::string query = GetPart(parsed->get(), CURLUPART_QUERY);
  std::string out(path.empty() ? std::string_view("/") : std::string_view(path));
  if (!query.empty()) out.append(1, '?').append(query);
  return out;
}

std::string HostOf(std::string_view url) {
  Result<CurlUrl> parsed = ParseHttpUrl(url);
  if (!parsed.ok()) return "";
  return CanonicalHost(parsed->get());
}

}  // namespace kuzet::crawler
