// Internal to kuzet_url: owning handles over libcurl's URL API and ICU's IDNA.
#pragma once

#include <curl/curl.h>

#include <memory>
#include <string>

namespace kuzet::url::internal {

struct CurlUrlDeleter {
  void operator()(CURLU* handle) const { curl_url_cleanup(handle); }
};
using CurlUrl = std::unique_ptr<CURLU, CurlUrlDeleter>;

// The part, or "" when it is absent.
std::string GetPart(CURLU* handle, CURLUPart part, unsigned int flags = 0);

// The host of `handle` lowercased, IDN as punycode (UTS #46 non-transitional, via ICU); "" when
// the host is not a valid DNS name or IP literal.
std::string CanonicalHost(CURLU* handle);

}  // namespace kuzet::url::internal
