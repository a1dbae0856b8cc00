// The HTTP API and web page: `kuzet serve`, and `kuzet run` when the config's [server] is enabled.
//
//   GET /                  the web page (app/web_page.h): articles matching the filters,
//                          rendered on the server; rule, site, lang, since, until, story,
//                          limit, before. Without a token the server wants: a page without data
//                          that asks for one. /page.css and /page.js, its style and script
//   GET /api/mentions      JSON {mentions, next, next_before}, newest first, each mention with
//                          also_at (its story's 10 newest other places) and also_at_total;
//                          since, until, rule, lang, site, limit (1..1000, default 50), before
//                          (a mention id: the next page; `next` is the ready-made URL of it)
//   GET /feed.atom         an Atom feed (RFC 4287, FormatMentionAtom) of the newest mentions;
//                          rule, lang, site, limit; token (the feed token, feed_token_env).
//                          Its rel="self" link is public_url (or, without one, the path: never
//                          the Host header, which the client chooses) plus the validated
//                          filters, never the token. A strong ETag over the feed's content
//                          (RFC 9110 section 8.8.3) answers If-None-Match with 304 Not Modified.
//   GET /metrics           Prometheus text exposition format 0.0.4; under `kuzet run` also the
//                          crawl's counters (app/pipeline_metrics.h), which `kuzet serve` lacks
//   GET /healthz           under `kuzet run`: 200 "ready", or 503 with the reason (app/health.h);
//                          `kuzet serve`: 200 "ready" once its store is open. No token needed:
//                          it says nothing but a fixed reason
//
// Where it reads: inside `kuzet run`, the daemon's own store (HttpServerOptions::store), so a
// mention is served the moment it is stored and no second RocksDB instance is opened; in `kuzet
// serve`, its own read-only instance of data_dir (a RocksDB secondary) that a thread of its own
// catches up with the writer every catch_up_interval (app/catch_up_loop.h), so it runs beside the
// daemon, never blocks its writes, and no request waits for a catch-up.
// Bad parameters get 400 with {"error": "...", "parameter": "<name>"}.
//
// Security (issue #15). GNU libmicrohttpd serves on `threads` event loops (epoll): a slow client
// costs a socket, never a thread. The defaults below bound what a hostile client can hold:
//   - a whole-request deadline: a request head must arrive within request_timeout (10 s) of the
//     connection opening or the previous response ending, and a response must be sent within
//     response_timeout (60 s), however busily the client trickles bytes (http_deadlines.h);
//     idle_timeout (5 s) closes a connection on which no byte moves;
//   - memory_per_connection (32 KiB) holds the request line and all headers: a longer head gets
//     431/414 and the connection is closed, so a header flood costs 32 KiB, not gigabytes; at
//     most 100 header lines (431); GET and HEAD only (405), no request body (413);
//   - max_connections (256) open at once, max_connections_per_client (32) per IP address (more
//     are closed at once), listen_backlog (511, capped by net.core.somaxconn);
//   - the listening socket is never shared (no SO_REUSEPORT): a port in use is an error
//     "address already in use: host:port";
//   - the bearer token is compared as sent (no percent-decoding), in constant time; the feed
//     token (a query value, so percent-decoded) likewise, and only on /feed.atom; neither is
//     logged (request logs name the path, never the query);
//   - response headers are constants: no request or stored text ever reaches a header line.
// Connections cut at a deadline are reset (not drained) and counted in /metrics
// (kuzet_http_connections_cut_off_total); refusals are logged at most once a second.
// Not defended here: many clients from many addresses together (max_connections is a hard cap,
// so a distributed flood can hold every slot for up to request_timeout each: put a reverse proxy
// or firewall in front of a public server); behind such a proxy every client shares its address,
// so max_connections_per_client caps the proxy (raise it, or 0); TLS (use a proxy); slow store
// queries (a request's query runs on its event loop's thread, bounded by limit 1000); memory of
// responses held for slow readers (up to max_connections responses of at most 1000 mentions, for
// at most response_timeout); each connection uses two descriptors (the deadline keeps a
// duplicate), so the open-files limit must allow 2 * max_connections plus the store's files.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "app/web_page_query.h"
#include "base/status.h"
#include "config/config.h"
#include "crawler/crawl_state.h"

namespace kuzet::storage {
class Store;
}

namespace kuzet::storage {
class MentionReader;
}

namespace kuzet::app {

class Health;
class PipelineMetrics;

// What a server inside `kuzet run` shows of the daemon beside the store: its counters in /metrics,
// its health in /healthz and /metrics, its crawl queue's length by site in /metrics. The daemon
// owns them and stops the server first. All null in `kuzet serve`.
struct DaemonView {
  const PipelineMetrics* metrics = nullptr;
  const Health* health = nullptr;
  const crawler::CrawlState* crawl_state = nullptr;
  std::vector<std::string> site_ids;  // the configured sites, for kuzet_site_queued_urls
};

struct HttpServerOptions {
  // The store served: `store` when given (not owned; it must outlive the server: the daemon's
  // own), else data_dir opened kReadOnly.
  storage::Store* store = nullptr;
  std::string data_dir;
  std::string listen = "127.0.0.1:8765";  // host:port; port 0 picks a free port
  std::string token;                      // bearer token for the API, feed and metrics; "": none
  // A read-only token accepted as /feed.atom?token=... (feed readers send no headers), for the
  // feed only; "": none. The bearer token works on the feed too.
  std::string feed_token;
  std::string public_url;  // base of the feed's rel="self" link; "": a path-only (relative) link
  std::chrono::milliseconds catch_up_interval{500};
  size_t threads = 4;  // event loops, each serving many connections
  size_t max_connections = 256;
  size_t max_connections_per_client = 32;  // per client IP address; 0: no limit
  int listen_backlog = 511;
  size_t memory_per_connection = 32 * 1024;  // request line and headers, and I/O buffers
  std::chrono::seconds idle_timeout{5};
  std::chrono::milliseconds request_timeout{10000}, response_timeout{60000};
  // The web page's filter choices: the config's rules, sites and languages (PageChoicesFromConfig);
  // empty, the page has free-text filters.
  PageChoices page_choices;
  // In a server inside `kuzet run`; empty in `kuzet serve`, whose /metrics then has no crawl
  // families.
  DaemonView daemon;
};

// Options from the [server] table (listen/token_env given non-empty override it). Reads the token
// from its environment variable; refuses a non-loopback address without a token.
Result<HttpServerOptions> HttpOptionsFromConfig(const config::Server& server,
                                                const std::string& data_dir,
                                                const std::string& listen_override,
                                                const std::string& token_env_override);

class HttpServer {
 public:
  // Opens the store (unless options.store is given), binds the address and serves on background
  // threads until Stop(). A port in use is an IOError "address already in use: <listen>".
  static Result<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options);
  ~HttpServer();  // stops
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const;  // the bound port (useful with port 0)
  void Stop();       // idempotent; waits for in-flight requests
  // A reloaded config's rules and sites, for the web page's filters from the next request on.
  void SetPageChoices(PageChoices choices);

  class Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kuzet::app
