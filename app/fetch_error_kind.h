// The kind of a failed fetch, for the `kind` label of kuzet_fetch_errors_total: a closed set, so
// a hostile site can never add series, whatever URLs or bodies it serves.
#pragma once

#include <string_view>

#include "base/status.h"

namespace kuzet::app {

enum class FetchErrorKind {
  kDns,             // the host name did not resolve
  kConnect,         // no connection (refused, unreachable)
  kTimeout,         // the fetch ran past fetch_timeout
  kTls,             // TLS handshake or certificate failure
  kNetwork,         // any other transport failure (connection reset, empty reply, ...)
  kHttp4xx,         // an HTTP 4xx status
  kHttp5xx,         // an HTTP 5xx status (after any 429/503 retries)
  kHttpOther,       // any other non-200 status
  kTooLarge,        // a body over max_body_bytes (after decompression)
  kRedirect,        // a redirect loop, too many redirects, or one out of the site's scope
  kBlockedAddress,  // a non-public address not in allow_private_hosts
  kRobots,          // disallowed by robots.txt
  kUnparseable,     // a feed or sitemap that could not be read
  kBadUrl,          // a configured or discovered URL that is not a valid http(s) URL
  kOther,
};

// The label value: "dns", "connect", "timeout", "tls", "network", "http_4xx", "http_5xx",
// "http_other", "too_large", "redirect", "blocked_address", "robots", "unparseable", "bad_url",
// "other".
const char* FetchErrorKindLabel(FetchErrorKind kind);

// The kind of an error given to CrawlHandler::OnFetchError. Read from the status code and the
// start of the message, which the crawler and fetcher write (crawler/fetcher.cc Fail, crawler.cc
// ReportError callers) before any URL: text from the network never decides the kind.
FetchErrorKind ClassifyFetchError(const Status& error);

}  // namespace kuzet::app
