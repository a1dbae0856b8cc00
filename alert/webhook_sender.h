// Delivers an alert as an HTTP POST of its JSON (alert_json.h) to a URL the monitor configured.
#pragma once

#include <chrono>
#include <string>

#include "base/status.h"

namespace kuzet::alert {

struct WebhookSettings {
  std::chrono::seconds connect_timeout{10};
  std::chrono::seconds timeout{30};
  std::string user_agent = "Kuzet-alert/1";
};

// "scheme://host:port" of an http(s) URL, as named in messages; "" if `url` is not one.
std::string WebhookOrigin(const std::string& url);

class WebhookSender {
 public:
  explicit WebhookSender(WebhookSettings settings = {});

  // POST `json` with Content-Type: application/json to `url` (http:// or https://; redirects are
  // not followed, a POST must not silently change target).
  //   OK               a 2xx response.
  //   kNetwork         cannot connect, timeout, 5xx, 408 or 429. Retry later.
  //   kInvalidArgument bad URL or any other status (the endpoint rejects the request as such).
  // Messages name scheme://host:port and the HTTP status, never the URL path or query, which
  // often carries a secret token.
  // A non-empty `idempotency_key` is sent as `Idempotency-Key: "<key>"`
  // (draft-ietf-httpapi-idempotency-key-header): the same for a resend after a crash, so the
  // receiver can drop the repeat. It must be printable ASCII without `"` or `\`.
  // Thread-safe: each call uses its own connection.
  Status Send(const std::string& url, const std::string& json,
              const std::string& idempotency_key = "") const;

 private:
  WebhookSettings settings_;
};

}  // namespace kuzet::alert
