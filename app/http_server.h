// The HTTP API and web page: `kuzet serve`, and `kuzet run` when the config's [server] is enabled.
//
//   GET /                  a page listing mentions, with filters (no data in it: it calls the API)
//   GET /api/mentions      JSON {mentions, next, next_before}, newest first; since, until, rule,
//                          lang, site, limit (1..1000, default 50), before (a mention id: the
//                          next page; `next` is the ready-made URL of the next page)
//   GET /feed.atom         an Atom feed (RFC 4287, FormatMentionAtom) of the newest mentions;
//                          rule, lang, site, limit
//   GET /metrics           Prometheus text exposition format 0.0.4
//
// The server opens the store read-only (a RocksDB secondary) and catches up with the writer at
// most every catch_up_interval, so it runs beside the daemon and never blocks its writes.
// Requests are bounded: URI and headers 8 KiB (cpp-httplib), bodies 8 KiB, read/write timeouts,
// a fixed pool of worker threads and a bounded queue of accepted connections.
// Bad parameters get 400 with {"error": "...", "parameter": "<name>"}.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "config/config.h"
#include "config/status.h"

namespace kuzet::app {

struct HttpServerOptions {
  std::string data_dir;                   // the store, opened kReadOnly
  std::string listen = "127.0.0.1:8765";  // host:port; port 0 picks a free port
  std::string token;                      // bearer token for the API, feed and metrics; "": none
  std::chrono::milliseconds catch_up_interval{500};
  std::chrono::seconds read_timeout{5}, write_timeout{5};
  size_t threads = 4;              // requests served at once
  size_t queued_connections = 64;  // accepted connections waiting for a thread, then accept waits
};

struct ListenAddress {
  std::string host;
  int port = 0;
};

// "127.0.0.1:8765", "localhost:0", "[::1]:8765", "0.0.0.0:80". The error names `listen`.
Result<ListenAddress> ParseListenAddress(std::string_view listen);

// 127.0.0.0/8, ::1 and "localhost".
bool IsLoopbackHost(const std::string& host);

// Options from the [server] table (listen/token_env given non-empty override it). Reads the token
// from its environment variable; refuses a non-loopback address without a token.
Result<HttpServerOptions> HttpOptionsFromConfig(const config::Server& server,
                                                const std::string& data_dir,
                                                const std::string& listen_override,
                                                const std::string& token_env_override);

class HttpServer;

// For `kuzet run`: the server the config's [server] table describes, over its data_dir.
Result<std::unique_ptr<HttpServer>> StartHttpServerFromConfig(const config::Config& config);

class HttpServer {
 public:
  // Opens the store, binds the address and serves on background threads until Stop().
  static Result<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options);
  ~HttpServer();  // stops
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const;  // the bound port (useful with port 0)
  void Stop();       // idempotent; waits for in-flight requests

  class Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kuzet::app
