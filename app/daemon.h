// The daemon, `kuzet run`: crawls each site when one of its feeds, sitemaps or start pages is
// due, serves the HTTP API from its own store when [server] is enabled, delivers alerts when
// [alerts] is set, reloads its config on request, and stops in a fixed order.
//
// Reload (SIGHUP, or RequestReload) re-reads the config file. A file that does not load, whose
// rules do not compile, or whose [server] cannot be served (say a public address without a
// token) is refused whole: an error names file:line and the old config keeps running. Otherwise,
// by section (the reload is taken between crawl rounds, never inside one):
//   [[sites]], [[rules]]  applied: the next round crawls the new sites and matches the new rules;
//                         a rule added or changed is run over the articles stored within
//                         [settings] backfill_window in the background (app/backfill.h);
//   [settings]            applied to the next round (fetch limits, delays, user_agent, workers,
//                         page budgets, allow_private_hosts; log_level at once), except
//                         data_dir: refused with a warning "data_dir changed; restart to apply",
//                         the old one stays in use;
//   [server]              a changed listen address: the new one is bound first and the old
//                         server stops only once it serves (if it cannot be bound, an error
//                         names [server] listen and the old address keeps serving); a changed
//                         token (token_env): the server restarts on the same address; enabled
//                         turned off or on: the server stops or starts. A restart resets the
//                         request counters of /metrics;
//   [alerts]              (and the rules' alert_to/alert_mode, site names, public_url) the alert
//                         worker finishes the alert in flight, stops, and a new one starts with
//                         the new channels, recipients and policy; pending alerts are in the
//                         store's outbox and go out under the new settings, none is lost.
//
// Shutdown (SIGTERM, SIGINT, RequestStop, or a fatal storage fault), in this order:
//   1. the crawl starts no new fetch; fetches in flight and pages being analyzed get 3 s, and
//      each finished page is committed (one write batch); the rest stays in the crawl queue;
//   2. the alert worker stops after the alert in flight (it writes delivery state to the store);
//   3. the HTTP server stops after the requests in flight (it reads the store and the crawl's
//      counters, so it serves until nothing more will change);
//   4. the crawl state and the store close (last: every other part uses them).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "app/service_notify.h"
#include "base/status.h"

namespace kuzet::app {

struct DaemonOptions {
  std::string config_path;
  // SIGTERM/SIGINT stop and SIGHUP reloads (daemon_events.h). They are blocked in the thread that
  // calls Create, which must therefore be called before any thread starts.
  bool take_signals = true;
  // Where READY/RELOADING/STOPPING/WATCHDOG go; no socket: nowhere.
  ServiceNotifier notifier{std::string()};
};

class Daemon {
 public:
  static Result<std::unique_ptr<Daemon>> Create(DaemonOptions options);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Starts the store, crawl, HTTP server and alert worker, runs until a stop, shuts down in the
  // order above. 0 after a requested stop; 1 when it could not start (the reason on stderr) or a
  // fatal storage fault stopped it.
  int Run();

  // From any thread (and, through daemon_events.h, from signals). A request made before Run is
  // taken when it starts.
  void RequestReload();
  void RequestStop();

  // From any thread, to watch the daemon: whether it has started and not begun stopping; the
  // reload requests handled (applied or refused); the port the HTTP server is bound to (0: none).
  bool ready() const;
  uint64_t reloads_handled() const;
  int http_port() const;

  class Impl;

 private:
  explicit Daemon(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kuzet::app
