#include "config/http_url.h"

#include <curl/curl.h>

#include <memory>

namespace kuzet::config {

namespace {

struct CurlUrlDeleter {
  void operator()(CURLU* handle) const { curl_url_cleanup(handle); }
};
struct CurlStringDeleter {
  void operator()(char* text) const { curl_free(text); }
};
using CurlString = std::unique_ptr<char, CurlStringDeleter>;

CurlString GetPart(CURLU* handle, CURLUPart part) {
  char* text = nullptr;
  if (curl_url_get(handle, part, &text, 0) != CURLUE_OK) return nullptr;
  return CurlString(text);
}

}  // namespace

std::optional<std::string> HttpUrlHost(const std::string& url) {
  std::unique_ptr<CURLU, CurlUrlDeleter> handle(curl_url());
  if (!handle) return std::nullopt;
  // No CURLU_DEFAULT_SCHEME / CURLU_GUESS_SCHEME: "example.com/feed" must be rejected, not guessed.
  if (curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return std::nullopt;
  CurlString scheme = GetPart(handle.get(), CURLUPART_SCHEME);
  if (!scheme) return std::nullopt;
  std::string scheme_text = scheme.get();  // curl returns the scheme lowercased
  if (scheme_text != "http" && scheme_text != "https") return std::nullopt;
  CurlString host = GetPart(handle.get(), CURLUPART_HOST);
  if (!host || host.get()[0] == '\0') return std::nullopt;
  std::string host_text = host.get();
  for (char& c : host_text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return host_text;
}

}  // namespace kuzet::config
