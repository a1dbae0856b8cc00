#include "app/fetch_error_kind.h"

#include <curl/curl.h>

#include <string>

namespace kuzet::app {

namespace {

constexpr std::string_view kRobotsUnreachable =
    "disallowed by robots.txt (robots.txt unreachable: ";

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// "network error: <curl_easy_strerror(code)> fetching <url>" (crawler/fetcher.cc): the kind of
// the libcurl error code whose text it is.
FetchErrorKind TransportKind(std::string_view detail) {
  struct Code {
    CURLcode code;
    FetchErrorKind kind;
  };
  static constexpr Code kCodes[] = {
      {CURLE_COULDNT_RESOLVE_HOST, FetchErrorKind::kDns},
      {CURLE_COULDNT_RESOLVE_PROXY, FetchErrorKind::kDns},
      {CURLE_COULDNT_CONNECT, FetchErrorKind::kConnect},
      {CURLE_OPERATION_TIMEDOUT, FetchErrorKind::kTimeout},
      {CURLE_SSL_CONNECT_ERROR, FetchErrorKind::kTls},
      {CURLE_PEER_FAILED_VERIFICATION, FetchErrorKind::kTls},
      {CURLE_SSL_CERTPROBLEM, FetchErrorKind::kTls},
      {CURLE_SSL_CIPHER, FetchErrorKind::kTls},
      {CURLE_SSL_CACERT_BADFILE, FetchErrorKind::kTls},
      {CURLE_SSL_ISSUER_ERROR, FetchErrorKind::kTls},
      {CURLE_SSL_PINNEDPUBKEYNOTMATCH, FetchErrorKind::kTls},
      {CURLE_SSL_INVALIDCERTSTATUS, FetchErrorKind::kTls},
      {CURLE_SSL_SHUTDOWN_FAILED, FetchErrorKind::kTls},
      {CURLE_SSL_CRL_BADFILE, FetchErrorKind::kTls},
      {CURLE_SSL_ENGINE_INITFAILED, FetchErrorKind::kTls},
      {CURLE_USE_SSL_FAILED, FetchErrorKind::kTls},
      {CURLE_FILESIZE_EXCEEDED, FetchErrorKind::kTooLarge},
      {CURLE_TOO_MANY_REDIRECTS, FetchErrorKind::kRedirect},
  };
  for (const Code& c : kCodes) {
    std::string_view text = curl_easy_strerror(c.code);
    if (StartsWith(detail, text) && StartsWith(detail.substr(text.size()), " fetching ")) {
      return c.kind;
    }
  }
  return FetchErrorKind::kNetwork;
}

// "HTTP <status> for <url>..." (or "HTTP <status>)" in a robots.txt note).
FetchErrorKind HttpKind(std::string_view message) {
  if (message.size() < 9 || (message[8] != ' ' && message[8] != ')')) return FetchErrorKind::kOther;
  std::string_view digits = message.substr(5, 3);
  if (digits[0] == '4') return FetchErrorKind::kHttp4xx;
  if (digits[0] == '5') return FetchErrorKind::kHttp5xx;
  return FetchErrorKind::kHttpOther;
}

}  // namespace

const char* FetchErrorKindLabel(FetchErrorKind kind) {
  switch (kind) {
    case FetchErrorKind::kDns:
      return "dns";
    case FetchErrorKind::kConnect:
      return "connect";
    case FetchErrorKind::kTimeout:
      return "timeout";
    case FetchErrorKind::kTls:
      return "tls";
    case FetchErrorKind::kNetwork:
      return "network";
    case FetchErrorKind::kHttp4xx:
      return "http_4xx";
    case FetchErrorKind::kHttp5xx:
      return "http_5xx";
    case FetchErrorKind::kHttpOther:
      return "http_other";
    case FetchErrorKind::kTooLarge:
      return "too_large";
    case FetchErrorKind::kRedirect:
      return "redirect";
    case FetchErrorKind::kBlockedAddress:
      return "blocked_address";
    case FetchErrorKind::kRobots:
      return "robots";
    case FetchErrorKind::kUnparseable:
      return "unparseable";
    case FetchErrorKind::kBadUrl:
      return "bad_url";
    case FetchErrorKind::kOther:
      return "other";
  }
  return "other";
}

FetchErrorKind ClassifyFetchError(const Status& error) {
  std::string_view m = error.message();
  switch (error.code()) {
    case Status::Code::kCorruption:  // feed and sitemap parsers
      return FetchErrorKind::kUnparseable;
    case Status::Code::kInvalidArgument:  // url::Canonicalize of a configured URL
      return FetchErrorKind::kBadUrl;
    case Status::Code::kUnavailable:  // the crawler's own verdicts
      if (StartsWith(m, "HTTP ")) return HttpKind(m);
      if (StartsWith(m, kRobotsUnreachable)) {
        // A host whose robots.txt could not be fetched is not crawled (crawler.cc ProcessRobots):
        // the kind is why it could not, the fetcher's message or the HTTP status after the note.
        std::string_view why = m.substr(kRobotsUnreachable.size());
        if (StartsWith(why, "HTTP ")) return HttpKind(why);
        return ClassifyFetchError(Status::Network(std::string(why)));
      }
      if (StartsWith(m, "disallowed by robots.txt")) return FetchErrorKind::kRobots;
      if (StartsWith(m, "redirected out of the site's scope")) return FetchErrorKind::kRedirect;
      return FetchErrorKind::kOther;
    case Status::Code::kNetwork:  // the fetcher's Fail, and the crawler's redirect checks
      if (StartsWith(m, "timed out after")) return FetchErrorKind::kTimeout;
      if (StartsWith(m, "body larger than")) return FetchErrorKind::kTooLarge;
      if (StartsWith(m, "refused to connect to non-public address") ||
          StartsWith(m, "refused redirect to non-public address")) {
        return FetchErrorKind::kBlockedAddress;
      }
      if (StartsWith(m, "redirect loop") || StartsWith(m, "too many redirects") ||
          StartsWith(m, "refused non-http(s) URL")) {
        return FetchErrorKind::kRedirect;
      }
      if (StartsWith(m, "network error: ")) return TransportKind(m.substr(15));
      return FetchErrorKind::kNetwork;
    default:
      return FetchErrorKind::kOther;
  }
}

}  // namespace kuzet::app
