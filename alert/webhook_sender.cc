#include "alert/webhook_sender.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>

#include <spdlog/spdlog.h>

#include "alert/untrusted_text.h"

namespace kuzet::alert {
namespace {

constexpr size_t kMaxResponseBytes = 4096;  // of an error response, for the Status message

size_t KeepSome(char* data, size_t size, size_t nmemb, void* userdata) {
  auto* body = static_cast<std::string*>(userdata);
  const size_t n = size * nmemb;
  if (body->size() < kMaxResponseBytes) {
    body->append(data, std::min(n, kMaxResponseBytes - body->size()));
  }
  return n;
}

}  // namespace

std::string WebhookOrigin(const std::string& url) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u(curl_url(), curl_url_cleanup);
  if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return "";
  const auto part = [&](CURLUPart which, unsigned flags) -> std::string {
    char* raw = nullptr;
    if (curl_url_get(u.get(), which, &raw, flags) != CURLUE_OK || raw == nullptr) return "";
    std::string s(raw);
    curl_free(raw);
    return s;
  };
  const std::string scheme = part(CURLUPART_SCHEME, 0);
  if (scheme != "http" && scheme != "https") return "";
  return scheme + "://" + part(CURLUPART_HOST, 0) + ":" + part(CURLUPART_PORT, CURLU_DEFAULT_PORT);
}

WebhookSender::WebhookSender(WebhookSettings settings) : settings_(std::move(settings)) {}

Status WebhookSender::Send(const std::string& url, const std::string& json,
                           const std::string& idempotency_key) const {
  const std::string origin = WebhookOrigin(url);
  if (origin.empty()) {
    return Status::InvalidArgument("webhook: URL must be http:// or https:// and parse");
  }
  const std::string where = "webhook " + origin + ": ";
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return Status::Unavailable(where + "cannot initialise libcurl");
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(
      curl_slist_append(nullptr, "Content-Type: application/json"), curl_slist_free_all);
  if (!idempotency_key.empty()) {
    // An sf-string (RFC 8941 section 3.3.3): quoted, and the key never holds '"' or '\'.
    for (char ch : idempotency_key) {
      if (ch < 0x20 || ch > 0x7e || ch == '"' || ch == '\\') {
        return Status::InvalidArgument(
            where + "idempotency key must be printable ASCII without '\"' or '\\'");
      }
    }
    curl_slist* with_key =
        curl_slist_append(headers.get(), ("Idempotency-Key: \"" + idempotency_key + "\"").c_str());
    if (with_key == nullptr) return Status::Unavailable(where + "out of memory");
  }
  CURL* c = curl.get();
  char error[CURL_ERROR_SIZE] = "";
  std::string response;
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(settings_.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(settings_.timeout.count()));
  curl_easy_setopt(c, CURLOPT_USERAGENT, settings_.user_agent.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, json.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(json.size()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, KeepSome);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &response);
  const CURLcode code = curl_easy_perform(c);
  if (code != CURLE_OK) {
    return Status::Network(where + (error[0] != '\0' ? error : curl_easy_strerror(code)));
  }
  long http = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &http);
  if (http >= 200 && http < 300) {
    spdlog::debug("webhook {}: HTTP {}", origin, http);
    return Status::Ok();
  }
  std::string msg = where + "HTTP " + std::to_string(http);
  const std::string body = HeaderSafeText(response, 200);
  if (!body.empty()) msg += ": " + body;
  if (http >= 500 || http == 408 || http == 429) return Status::Network(msg);
  return Status::InvalidArgument(msg);
}

}  // namespace kuzet::alert
