#include "url/url.h"

#include <curl/curl.h>

#include <array>

#include "base/strings.h"
#include "url/curl_url.h"

namespace kuzet::url {

using internal::CanonicalHost;
using internal::CurlUrl;
using internal::GetPart;

namespace {

bool IsHttpScheme(std::string_view scheme) { return scheme == "http" || scheme == "https"; }

bool IsDefaultPort(std::string_view scheme, std::string_view port) {
  return (scheme == "http" && port == "80") || (scheme == "https" && port == "443");
}

// Parses an absolute http(s) URL. CURLU_NON_SUPPORT_SCHEME is not set, and no scheme is guessed:
// "example.com/a" is an error, not http://example.com/a.
Result<CurlUrl> ParseHttpUrl(std::string_view url) {
  std::string text(url);
  // libcurl takes C strings: a NUL would silently cut the URL short ("/a\0b" fetched as "/a").
  if (text.find('\0') != std::string::npos) {
    return Status::InvalidArgument("URL contains a NUL byte: \"" + text.substr(0, text.find('\0')) +
                                   "\\0...\"");
  }
  CurlUrl handle(curl_url());
  if (!handle) return Status::IOError("out of memory parsing URL");
  CURLUcode rc = curl_url_set(handle.get(), CURLUPART_URL, text.c_str(), CURLU_URLENCODE);
  if (rc != CURLUE_OK) {
    return Status::InvalidArgument("invalid URL \"" + text + "\": " + curl_url_strerror(rc));
  }
  if (!IsHttpScheme(base::AsciiLower(GetPart(handle.get(), CURLUPART_SCHEME)))) {
    return Status::InvalidArgument("not an http(s) URL: \"" + text + "\"");
  }
  if (GetPart(handle.get(), CURLUPART_HOST).empty()) {
    return Status::InvalidArgument("URL has no host: \"" + text + "\"");
  }
  return handle;
}

// WHATWG URL §4.4 basic URL parser, steps 1-3: strip leading and trailing C0 control or space,
// remove every ASCII tab or newline. A NUL inside becomes "%00" (what WHATWG writes in a path, and
// an invalid host), since libcurl would end the URL at it.
std::string CleanInput(std::string_view input) {
  while (!input.empty() && static_cast<unsigned char>(input.front()) <= 0x20)
    input.remove_prefix(1);
  while (!input.empty() && static_cast<unsigned char>(input.back()) <= 0x20) input.remove_suffix(1);
  std::string out;
  out.reserve(input.size());
  for (char c : input) {
    if (c == '\0') {
      out += "%00";
    } else if (c != '\t' && c != '\n' && c != '\r') {
      out += c;
    }
  }
  return out;
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

Result<Url> Parse(std::string_view input, std::string_view base) {
  // Any scheme; spaces and non-ASCII bytes percent-encoded as the fetcher would send them.
  constexpr unsigned kFlags = CURLU_NON_SUPPORT_SCHEME | CURLU_URLENCODE;
  const std::string text = CleanInput(input);
  CurlUrl handle(curl_url());
  if (!handle) return Status::IOError("out of memory parsing URL");
  if (!base.empty()) {
    const std::string base_text = CleanInput(base);
    CURLUcode rc = curl_url_set(handle.get(), CURLUPART_URL, base_text.c_str(), kFlags);
    if (rc != CURLUE_OK) {
      return Status::InvalidArgument("invalid base URL \"" + base_text +
                                     "\": " + curl_url_strerror(rc));
    }
  }
  CURLUcode rc = CURLUE_OK;
  if (!base.empty() && (text.empty() || text.front() == '#')) {
    // RFC 3986 §5.2.2: an empty path keeps the base's path and query. libcurl 7.88 drops the last
    // path segment for these, so only the fragment is set.
    const std::string fragment = text.empty() ? "" : text.substr(1);
    rc = curl_url_set(handle.get(), CURLUPART_FRAGMENT, text.empty() ? nullptr : fragment.c_str(),
                      0);
  } else {
    // On a handle holding a URL, curl_url_set resolves a relative reference (RFC 3986 §5.2).
    rc = curl_url_set(handle.get(), CURLUPART_URL, text.c_str(), kFlags);
  }
  if (rc != CURLUE_OK) {
    return Status::InvalidArgument("invalid URL \"" + text + "\"" +
                                   (base.empty() ? "" : " against \"" + std::string(base) + "\"") +
                                   ": " + curl_url_strerror(rc));
  }
  Url url;
  url.scheme = base::AsciiLower(GetPart(handle.get(), CURLUPART_SCHEME));
  if (!GetPart(handle.get(), CURLUPART_HOST).empty()) {
    url.host = CanonicalHost(handle.get());
    if (url.host.empty() ||
        curl_url_set(handle.get(), CURLUPART_HOST, url.host.c_str(), 0) != CURLUE_OK) {
      return Status::InvalidArgument("invalid host in URL \"" + text + "\"");
    }
  }
  url.port = GetPart(handle.get(), CURLUPART_PORT);
  if (IsDefaultPort(url.scheme, url.port)) {
    url.port.clear();
    curl_url_set(handle.get(), CURLUPART_PORT, nullptr, 0);
  }
  url.user = GetPart(handle.get(), CURLUPART_USER);
  url.password = GetPart(handle.get(), CURLUPART_PASSWORD);
  url.path = GetPart(handle.get(), CURLUPART_PATH);
  url.query = GetPart(handle.get(), CURLUPART_QUERY);
  url.fragment = GetPart(handle.get(), CURLUPART_FRAGMENT);
  url.href = GetPart(handle.get(), CURLUPART_URL);
  if (url.href.empty()) return Status::InvalidArgument("cannot serialize URL \"" + text + "\"");
  return url;
}

bool IsTrackingParameter(std::string_view name) {
  std::string lower = base::AsciiLower(name);
  if (lower.starts_with("utm_")) return true;
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

  std::string scheme = base::AsciiLower(GetPart(handle, CURLUPART_SCHEME));
  std::string host = CanonicalHost(handle);
  if (host.empty() || curl_url_set(handle, CURLUPART_SCHEME, scheme.c_str(), 0) != CURLUE_OK ||
      curl_url_set(handle, CURLUPART_HOST, host.c_str(), 0) != CURLUE_OK) {
    return Status::InvalidArgument("invalid host in URL \"" + std::string(url) + "\"");
  }
  // Clearing a part (nullptr) cannot fail on a handle that holds a URL.
  if (IsDefaultPort(scheme, GetPart(handle, CURLUPART_PORT))) {
    curl_url_set(handle, CURLUPART_PORT, nullptr, 0);
  }
  curl_url_set(handle, CURLUPART_FRAGMENT, nullptr, 0);
  std::string query = RemoveTrackingParameters(GetPart(handle, CURLUPART_QUERY));
  curl_url_set(handle, CURLUPART_QUERY, query.empty() ? nullptr : query.c_str(), 0);
  if (GetPart(handle, CURLUPART_PATH).empty()) curl_url_set(handle, CURLUPART_PATH, "/", 0);

  std::string out = GetPart(handle, CURLUPART_URL);
  if (out.empty()) {
    return Status::InvalidArgument("cannot canonicalize URL \"" + std::string(url) + "\"");
  }
  return out;
}

Result<std::string> Resolve(std::string_view base, std::string_view ref) {
  Result<CurlUrl> parsed = ParseHttpUrl(base);
  if (!parsed.ok()) return parsed.status();
  std::string ref_text(ref);
  if (ref_text.find('\0') != std::string::npos) {
    return Status::InvalidArgument("cannot resolve a reference with a NUL byte against \"" +
                                   std::string(base) + "\"");
  }
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
  if (!IsHttpScheme(base::AsciiLower(GetPart(parsed->get(), CURLUPART_SCHEME)))) {
    return Status::InvalidArgument("\"" + ref_text + "\" is not an http(s) URL");
  }
  if (CanonicalHost(parsed->get()).empty()) {
    return Status::InvalidArgument("invalid host resolving \"" + ref_text + "\"");
  }
  std::string out = GetPart(parsed->get(), CURLUPART_URL);
  if (out.empty()) return Status::InvalidArgument("cannot resolve \"" + ref_text + "\"");
  return out;
}

bool IsHttpUrl(std::string_view url) { return !HostOf(url).empty(); }

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
  std::string scheme = base::AsciiLower(GetPart(parsed->get(), CURLUPART_SCHEME));
  std::string host = CanonicalHost(parsed->get());
  if (host.empty()) return "";
  std::string port = GetPart(parsed->get(), CURLUPART_PORT);
  std::string origin = scheme + "://" + host;
  if (!port.empty() && !IsDefaultPort(scheme, port)) origin += ":" + port;
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

bool SameResource(std::string_view a, std::string_view b) {
  Result<std::string> canonical_a = Canonicalize(a);
  Result<std::string> canonical_b = Canonicalize(b);
  return canonical_a.ok() && canonical_b.ok() && *canonical_a == *canonical_b;
}

void AppendWithoutDotSegments(std::string_view in, std::string& out) {
  // Most paths have no dot segment at all; only "." or ".." at a segment start can be one.
  if (in.find("/.") == std::string_view::npos && !in.starts_with('.')) {
    out += in;
    return;
  }
  const size_t start = out.size();  // ".." never climbs above the part appended here
  while (!in.empty()) {
    if (in.starts_with("../")) {
      in.remove_prefix(3);
    } else if (in.starts_with("./")) {
      in.remove_prefix(2);
    } else if (in.starts_with("/./")) {
      in.remove_prefix(2);
    } else if (in == "/.") {
      in = "/";
    } else if (in.starts_with("/../") || in == "/..") {
      in = in.size() == 3 ? std::string_view("/") : in.substr(3);
      const size_t slash = out.rfind('/');
      out.resize(slash == std::string::npos || slash < start ? start : slash);
    } else if (in == "." || in == "..") {
      in = {};
    } else {
      const size_t next = in.find('/', 1);
      const size_t n = next == std::string_view::npos ? in.size() : next;
      out.append(in.substr(0, n));
      in.remove_prefix(n);
    }
  }
}

}  // namespace kuzet::url
