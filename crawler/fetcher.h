// HTTP(S) GETs with the crawler's safety limits, on libcurl.
//
// Fetcher: one fetch at a time on one curl easy handle (connections are reused between fetches);
// NOT thread-safe, use one per thread. MultiFetcher: many fetches at once on one libcurl multi
// handle driven by its own thread (hundreds in flight, connections and HTTP/2 streams shared, a
// slow server never holds up the others). Both follow redirects themselves, hop by hop, so every
// hop is checked (scheme, private address, loop, count) and errors can name the chain; both give
// the same results and errors for the same request.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "config/config.h"

namespace kuzet::crawler {

struct FetchRequest {
  std::string url;
  // Validators from an earlier response, sent as If-None-Match / If-Modified-Since
  // (RFC 9110 §13.1.2, §13.1.3); empty: not sent.
  std::string etag, last_modified;
  // A redirect to another origin (scheme://host:port) is not followed but returned, with
  // FetchResponse.redirect_location set: the crawler queues the target under its own origin's
  // robots.txt and delay. Redirects within one origin are followed as usual.
  bool stop_at_cross_origin_redirect = false;
};

struct FetchResponse {
  std::string url;        // as requested
  std::string final_url;  // after redirects
  long status = 0;        // HTTP status of the final response; 304 is a normal result
  std::vector<std::pair<std::string, std::string>> headers;  // final response, names lowercased
  std::string content_type;
  std::string body;            // decoded from gzip or deflate (the only codings asked for)
  int64_t bytes_received = 0;  // on the wire, headers and (compressed) bodies of all hops
  double seconds = 0;          // wall time of the whole fetch
  int redirects = 0;
  // The absolute target of a cross-origin redirect not followed (stop_at_cross_origin_redirect);
  // "" otherwise. `status` is then the 3xx and `final_url` the URL that answered it.
  std::string redirect_location;
  int http_version = 0;  // of the final response: 1 (HTTP/1.x), 2 or 3

  // The final hop as it crossed the wire, for the evidence archive (storage/warc): kept until
  // the pipeline knows whether the page is archived, so a fetch holds at most twice
  // max_body_bytes. The request line and header fields as sent, and the status line and header
  // fields as received (after any 1xx), each ending in the empty line (CRLF CRLF); HTTP/2 and
  // HTTP/3 heads in libcurl's HTTP/1-style rendering.
  std::string request_head, response_head;
  // The body as transferred when the server sent it with a Content-Encoding (gzip, deflate),
  // byte for byte; empty when `content_decoded` is false, since `body` is then as transferred.
  std::string encoded_body;
  bool content_decoded = false;
  std::string remote_ip;  // the server's address (CURLINFO_PRIMARY_IP); "" when unknown

  // The entity body as transferred (the payload of a WARC response record).
  const std::string& TransferredBody() const { return content_decoded ? encoded_body : body; }

  // The first value of the header (name compared case-insensitively), or "".
  std::string Header(std::string_view name) const;
};

class Fetcher {
 public:
  // Limits used: user_agent, fetch_timeout (whole fetch incl. redirects), max_body_bytes (of the
  // body as transferred and after decompression), max_redirects, allow_private_hosts.
  explicit Fetcher(const config::Settings& settings);
  ~Fetcher();
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  // Transport failures, refused addresses, too many redirects, an oversized body or a timeout are
  // errors naming the URL. Any HTTP status (404, 500, 304, ...) is a response, not an error.
  Result<FetchResponse> Fetch(const FetchRequest& request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Many concurrent fetches on one libcurl multi handle (curl_multi_poll) and one network thread.
// Start and Wait may be called from any thread; results are collected by Wait. Same limits and
// checks as Fetcher, per fetch. HTTP/2 is negotiated over TLS where the server offers it, and a
// fetch to an origin that already has an HTTP/2 connection waits for it and multiplexes on it
// (CURLOPT_PIPEWAIT) instead of opening another connection.
class MultiFetcher {
 public:
  // ca_file: a PEM file of certificate authorities to trust instead of the system's (a private CA,
  // or a test's self-signed certificate); "" uses the system's.
  explicit MultiFetcher(const config::Settings& settings, std::string ca_file = "");
  ~MultiFetcher();  // aborts the fetches in flight; their results are dropped
  MultiFetcher(const MultiFetcher&) = delete;
  MultiFetcher& operator=(const MultiFetcher&) = delete;

  // Starts fetching; the result comes back from Wait under `id` (chosen by the caller).
  void Start(uint64_t id, FetchRequest request);

  // Blocks until at least one fetch has finished or `deadline` passes, then returns every
  // finished fetch not returned before (possibly none).
  std::vector<std::pair<uint64_t, Result<FetchResponse>>> Wait(
      std::chrono::steady_clock::time_point deadline);

  // From any thread: makes the current (or next) Wait return now, with what has finished (maybe
  // nothing). For work that finishes elsewhere (the crawler's page workers).
  void Interrupt();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Whether settings.allow_private_hosts lets a connection to `ip` (a non-public address) for `host`
// through: it lists "*", the host name, or the address.
bool PrivateHostAllowed(const config::Settings& settings, std::string_view host,
                        std::string_view ip);

}  // namespace kuzet::crawler
