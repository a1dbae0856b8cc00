#include "url/curl_url.h"

#include <unicode/uidna.h>

#include <algorithm>

#include "base/strings.h"

namespace kuzet::url::internal {

namespace {

struct CurlStringDeleter {
  void operator()(char* text) const { curl_free(text); }
};

// IDNA (UTS #46, non-transitional) of a UTF-8 host name, via ICU. libcurl's CURLU_PUNYCODE
// (7.88) goes through idn2_lookup_ul(), which depends on the process locale and fails under the
// default "C" locale, so it cannot be relied on in a library.
std::string ToAsciiHost(const std::string& host) {
  UErrorCode error = U_ZERO_ERROR;
  static const UIDNA* const kIdna = uidna_openUTS46(UIDNA_NONTRANSITIONAL_TO_ASCII, &error);
  if (kIdna == nullptr) return "";
  error = U_ZERO_ERROR;
  UIDNAInfo info = UIDNA_INFO_INITIALIZER;
  char out[256];  // RFC 1035 §2.3.4: a name is at most 255 octets
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

}  // namespace

std::string GetPart(CURLU* handle, CURLUPart part, unsigned int flags) {
  char* text = nullptr;
  if (curl_url_get(handle, part, &text, flags) != CURLUE_OK || text == nullptr) return "";
  std::unique_ptr<char, CurlStringDeleter> owned(text);
  return std::string(text);
}

std::string CanonicalHost(CURLU* handle) {
  std::string host = GetPart(handle, CURLUPART_HOST);
  bool ascii = std::all_of(host.begin(), host.end(),
                           [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (!ascii) host = ToAsciiHost(host);
  base::AsciiLowerInPlace(host);
  return IsValidAsciiHost(host) ? host : "";
}

}  // namespace kuzet::url::internal
