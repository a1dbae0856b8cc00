// The durable outbox worker: takes due alerts from the store's outbox, delivers them through the
// rule's channels, then marks them sent (issue #8).
//
// Exactly once, as far as a crash allows: an outbox entry is written in the same atomic batch as
// its mention, and it leaves the outbox only after every channel of its rule accepted it
// (send, THEN mark). After kill -9 at any point a restart finds the entry still pending and sends
// it; the only repeat possible is a crash between send and mark, and the resend carries the same
// Message-ID (<kuzet.{mention id}@domain>, mime.h) and JSON "id".
//
// Per rule: immediate (one message per mention) or digest (one message per rule listing every
// waiting mention, sent once the oldest has waited the digest interval). An hourly cap (excess
// waits in the outbox, never dropped), quiet repeats (DeliveryPolicy::quiet_repeats), and retries
// with exponential backoff; after max_attempts failures, or at once for a permanent error (bad
// address, login denied: IsRetryable false), the entry is marked failed and logged, to be listed
// by `kuzet alerts --failed` and requeued by `kuzet alerts --retry`.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "alert/alert.h"
#include "alert/channel.h"
#include "alert/delivery_policy.h"
#include "config/status.h"

namespace kuzet::alert {

// One pending outbox entry, as the worker sees it.
struct DueAlert {
  uint64_t mention_id = 0;
  int64_t due_us = 0;
  uint32_t attempts = 0;  // failed attempts so far
};

// A due entry's content: the alert to send and the story it belongs to.
struct OutboxAlert {
  Alert alert;            // alert.id is the mention id in decimal
  uint64_t story_id = 0;  // 0: unknown (never quiet)
};

// The outbox as the worker needs it. The app adapts storage::Store (app/alert_outbox.h); every
// call must be durable when it returns OK.
class AlertOutbox {
 public:
  virtual ~AlertOutbox() = default;
  // Pending entries due at now_us, oldest due first, at most `limit`.
  virtual Result<std::vector<DueAlert>> Due(int64_t now_us, size_t limit) = 0;
  // The alert of a mention; nullopt when the mention no longer exists.
  virtual Result<std::optional<OutboxAlert>> Load(uint64_t mention_id) = 0;
  // True when another mention of `story_id` for `rule_id` was already sent (or quieted).
  virtual Result<bool> StoryAlerted(const std::string& rule_id, uint64_t story_id,
                                    uint64_t except_mention_id) = 0;
  virtual Status MarkSent(uint64_t mention_id, int64_t sent_us) = 0;
  virtual Status Reschedule(uint64_t mention_id, int64_t next_due_us, const std::string& error) = 0;
  virtual Status MarkFailed(uint64_t mention_id, const std::string& error) = 0;
};

// Where one rule's alerts go. An alert counts as delivered when every channel accepted it; a
// retry goes to every channel again (they see the same id, so a repeat is recognisable).
struct RuleRoute {
  std::vector<std::shared_ptr<const AlertChannel>> channels;
  bool digest = false;
  std::chrono::seconds digest_interval{3600};
};

struct WorkerOptions {
  DeliveryPolicy policy;
  std::map<std::string, RuleRoute> routes;  // by rule id
  RuleRoute fallback;  // for a rule no longer in the config ([alerts] defaults)
  std::chrono::milliseconds poll_interval{2000};  // how often Run looks at the outbox
  size_t batch = 200;                             // due entries read per pass
};

struct PassStats {
  int sent = 0;      // alerts delivered (a digest counts each alert it carries)
  int messages = 0;  // messages per channel set (a digest is one)
  int quieted = 0;   // marked sent without a message (story already alerted)
  int retried = 0;   // rescheduled after a retryable failure
  int failed = 0;    // marked failed
  int waiting = 0;   // due but held back by the rate cap or a digest not yet due
};

class DeliveryWorker {
 public:
  // Test only: when the environment variable KUZET_TEST_CRASH_AFTER_SEND is set to a number N
  // at construction, the process _exit(86)s right after its N-th successful delivery and before
  // marking it sent, to test the crash window between send and mark.
  DeliveryWorker(AlertOutbox& outbox, WorkerOptions options);

  // One pass over what is due at now_us. Errors are store errors (delivery failures are handled
  // and counted, not returned).
  Result<PassStats> RunOnce(int64_t now_us);

  // Passes every poll_interval (or sooner after Wake) until Stop. Blocks; run it in a thread.
  void Run();
  void Stop();  // thread-safe; Run returns after the message in flight
  void Wake();  // thread-safe; e.g. after a crawl stored new mentions

 private:
  Status DeliverOne(const DueAlert& due, const OutboxAlert& item, const RuleRoute& route,
                    int64_t now_us, PassStats& stats);
  Status DeliverDigest(const std::string& rule_id, const std::vector<DueAlert>& due,
                       const std::vector<OutboxAlert>& items, const RuleRoute& route,
                       int64_t now_us, PassStats& stats);
  Status HandleFailure(const DueAlert& due, const Status& error, int64_t now_us, PassStats& stats);
  const RuleRoute& RouteFor(const std::string& rule_id) const;
  void AfterSuccessfulSend();

  AlertOutbox& outbox_;
  WorkerOptions options_;
  HourlyRateCap rate_cap_;
  int crash_after_sends_ = 0;  // test only; 0: never
  int sends_ = 0;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool woken_ = false;
};

int64_t NowMicros();

}  // namespace kuzet::alert
