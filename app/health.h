// /healthz of `kuzet run`: whether the daemon is ready, and if not, why.
//
//   ready                  started, the store and crawl state writable, the loop coming round
//   starting               the daemon has not finished starting (the store and crawl state are
//                          open, alert delivery and the first round not yet set going)
//   storage: disk full     a write met a full disk: crawling is paused until space returns
//   storage: failed        corruption or an I/O error in the store or crawl state: the daemon
//                          stops (the log says which file and why)
//   stalled                the daemon's loop has not come round for 3 beat periods (it comes
//                          round at least once a period, crawling or not; see RunCommand)
//
// The reason is one of these fixed texts (with the stalled seconds): never a path, URL or stored
// text, so /healthz is served without the bearer token, as probes (systemd, a load balancer,
// blackbox_exporter) need. The full fault message is in the log.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>

#include "crawler/crawl_state.h"
#include "storage/store.h"

namespace kuzet::app {

struct HealthVerdict {
  bool ready = false;
  std::string reason;  // "ready", or why not (the list above)
};

// Thread-safe: the daemon's loop marks and beats, HTTP threads check.
class Health {
 public:
  using Clock = std::chrono::steady_clock;

  // `store` and `state`: the daemon's (read-write), outliving this. `beat_period`: the longest
  // the daemon's loop waits between beats. `now`: the clock (a test's, to step over a stall).
  Health(const storage::Store& store, const crawler::CrawlState& state,
         std::chrono::milliseconds beat_period,
         std::function<Clock::time_point()> now = Clock::now);

  void MarkReady();  // the daemon has finished starting
  void Beat();       // the daemon's loop came round

  HealthVerdict Check() const;

 private:
  const storage::Store& store_;
  const crawler::CrawlState& state_;
  const std::chrono::milliseconds stall_after_;
  const std::function<Clock::time_point()> now_;
  std::atomic<bool> ready_{false};
  std::atomic<Clock::rep> last_beat_;  // Clock ticks since its epoch
};

}  // namespace kuzet::app
