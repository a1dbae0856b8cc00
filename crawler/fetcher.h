// One HTTP(S) GET with the crawler's safety limits, on libcurl.
//
// A Fetcher owns one curl easy handle (connections are reused between fetches) and is NOT
// thread-safe: use one per thread. Redirects are followed by the Fetcher itself, hop by hop, so
// every hop is checked (scheme, private address, loop, count) and errors can name the chain.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.h"
#include "config/status.h"

namespace kuzet::crawler {

struct FetchRequest {
  std::string url;
  // Validators from an earlier response, sent as If-None-Match / If-Modified-Since
  // (RFC 9110 §13.1.2, §13.1.3); empty: not sent.
  std::string etag, last_modified;
};

struct FetchResponse {
  std::string url;        // as requested
  std::string final_url;  // after redirects
  long status = 0;        // HTTP status of the final response; 304 is a normal result
  std::vector<std::pair<std::string, std::string>> headers;  // final response, names lowercased
  std::string content_type;
  std::string body;            // decoded from gzip/deflate/br
  int64_t bytes_received = 0;  // on the wire, headers and (compressed) bodies of all hops
  double seconds = 0;          // wall time of the whole fetch
  int redirects = 0;

  // The first value of the header (name compared case-insensitively), or "".
  std::string Header(std::string_view name) const;
};

class Fetcher {
 public:
  // Limits used: user_agent, fetch_timeout (whole fetch incl. redirects), max_body_bytes (after
  // decompression), max_redirects, allow_private_hosts.
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

// Whether an IP address (textual IPv4 or IPv6) is loopback, private (RFC 1918), carrier-grade NAT,
// link-local, unique-local (fc00::/7), unspecified, multicast or reserved: addresses a public news
// site never has. IPv4-mapped IPv6 addresses are judged by their IPv4 part.
bool IsNonPublicAddress(std::string_view ip);

}  // namespace kuzet::crawler
