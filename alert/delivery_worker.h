// The durable outbox worker: takes due alerts from the store's outbox, delivers them through the
// rule's channels, then marks them sent (issue #8).
//
// Exactly once per channel, as far as a crash allows (issue #15 item 8): an outbox entry is
// written in the same atomic batch as its mention, and every channel's outcome is recorded in it
// right after that channel's send (send, THEN record). A retry goes only to the channels that have
// not accepted the alert yet, each with a backoff and max_attempts of its own, so a dead webhook
// never makes the e-mail go out again. The alert leaves the outbox as sent when every channel
// accepted it, and as failed when every channel has either accepted or been given up on. After
// kill -9 at any point a restart finds the entry still pending with the channels recorded so far;
// the only repeat possible is the one channel whose send a crash separated from its record, and
// the resend carries the same Message-ID (<kuzet.{mention id}@domain>, mime.h) and JSON "id".
//
// Per rule: immediate or digest. Immediate alerts of one document (its mentions of several rules,
// stored in one batch and so due together) go out as one article per channel (issue #18): each
// channel gets one message listing the rules of that page whose route holds it, so a recipient
// sees only the rules it subscribes to, once per article. Digest: one message per channel
// (recipient) listing every waiting alert of the digest rules that route to it, sent once the
// oldest has waited the digest interval. An hourly cap (excess
// waits in the outbox, never dropped), quiet repeats (DeliveryPolicy::quiet_repeats), and retries
// with exponential backoff; after max_attempts failures on a channel, or at once for a permanent
// error (bad address, login denied: IsRetryable false), that channel is given up and logged, and
// the alert is listed by `kuzet alerts --failed` and requeued by `kuzet alerts --retry`.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "alert/alert.h"
#include "alert/channel.h"
#include "alert/delivery_policy.h"
#include "base/status.h"

namespace kuzet::alert {

// One channel's share of an alert (storage's ChannelDelivery, as the worker sees it).
struct ChannelState {
  std::string channel;  // the channel's key in its route (ChannelKeys)
  enum class State { kPending, kSent, kFailed } state = State::kPending;
  uint32_t attempts = 0;   // failed attempts on this channel
  std::string last_error;  // its last failure, named by the channel; empty before any
  int64_t at_us = 0;       // kPending: next attempt due; kSent: accepted; kFailed: given up
};

// One pending outbox entry, as the worker sees it.
struct DueAlert {
  uint64_t mention_id = 0;
  int64_t due_us = 0;
  uint32_t attempts = 0;  // passes that left it undelivered so far
  // Channels tried so far. A route channel not listed is pending; when none is listed (a record
  // from before per-channel state, or none tried yet) each starts from `attempts`.
  std::vector<ChannelState> channels;
};

// A due entry's content: the alert to send, the page it was found on and the story it belongs to.
struct OutboxAlert {
  Alert alert;            // alert.id is the mention id in decimal
  uint64_t doc_id = 0;    // the mentions of one document go out as one article; 0: on its own
  uint64_t story_id = 0;  // 0: unknown (never quiet)
  // A change of a watched document that concerns several rules (issue #20): the same change under
  // each further rule. The entry goes to every channel of their routes and `alert`'s, each channel
  // getting one message with the rules that route to it (as an article's mentions).
  std::vector<Alert> more_rules;
};

// One channel's outcome for one entry (AlertOutbox::RecordChannels).
struct ChannelRecord {
  uint64_t mention_id = 0;
  ChannelState channel;
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
  // One channel's outcome, recorded in the pending entry before the next send.
  virtual Status RecordChannel(uint64_t mention_id, const ChannelState& channel) = 0;
  // The outcome of one send for every entry it carried (an article's rules, a digest's alerts).
  // An outbox that can should write them at once, so a crash never leaves some of them recorded
  // and the rest to be sent again in a smaller message; this default records them one by one.
  virtual Status RecordChannels(const std::vector<ChannelRecord>& records) {
    for (const ChannelRecord& r : records) {
      if (Status s = RecordChannel(r.mention_id, r.channel); !s.ok()) return s;
    }
    return Status::Ok();
  }
  // The alert leaves the outbox: every channel accepted it (or it was quieted).
  virtual Status MarkSent(uint64_t mention_id, int64_t sent_us) = 0;
  // Some channel is still pending: the entry is due again at next_due_us.
  virtual Status Reschedule(uint64_t mention_id, int64_t next_due_us, const std::string& error) = 0;
  // No channel is pending and at least one was given up on.
  virtual Status MarkFailed(uint64_t mention_id, const std::string& error) = 0;
};

// Where one rule's alerts go. An alert counts as delivered when every channel accepted it; a
// retry goes only to the channels that have not (each sees the same id as the first time).
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

// The keys the outbox records a route's channels under, in route order: each channel's key(),
// with "#2", "#3", ... appended to a repeated one.
std::vector<std::string> ChannelKeys(const RuleRoute& route);

struct PassStats {
  int sent = 0;      // alerts delivered on every channel (a digest counts each alert it carries)
  int messages = 0;  // alerts or digests accepted by at least one channel (what the cap counts)
  int quieted = 0;   // marked sent without a message (story already alerted)
  int retried = 0;   // rescheduled: some channel failed and will be retried
  int failed = 0;    // marked failed: no channel left to try, at least one given up
  int waiting = 0;   // due but held back by the rate cap or a digest not yet due
};

class DeliveryWorker {
 public:
  DeliveryWorker(AlertOutbox& outbox, WorkerOptions options);

  // One pass over what is due at now_us. Errors are store errors (delivery failures are handled
  // and counted, not returned).
  Result<PassStats> RunOnce(int64_t now_us);

  // Passes every poll_interval (or sooner after Wake) until Stop. Blocks; run it in a thread.
  void Run();
  void Stop();  // thread-safe; Run returns after the message in flight
  void Wake();  // thread-safe; e.g. after a crawl stored new mentions

 private:
  // One document's immediate alerts (of one or more rules), one message per channel.
  Status DeliverArticle(const std::vector<DueAlert>& due, const std::vector<OutboxAlert>& items,
                        int64_t now_us, PassStats& stats);
  // Every waiting digest alert, one digest per channel once the period is over.
  Status DeliverDigest(const std::vector<DueAlert>& due, const std::vector<OutboxAlert>& items,
                       int64_t now_us, PassStats& stats);
  struct Fanout;
  Fanout FanoutOf(const std::vector<DueAlert>& due, const std::vector<OutboxAlert>& items) const;
  // Applies one send's outcome to each entry it carried and records them all in one write.
  Status RecordSend(const std::vector<DueAlert>& due,
                    const std::vector<std::pair<size_t, ChannelState*>>& members,
                    const AlertChannel& channel, const Status& sent, int64_t now_us);
  // With quiet_repeats, marks the entry sent without a message when its story was already alerted
  // for its rule; true then.
  Result<bool> Quieted(const DueAlert& due, const OutboxAlert& item, int64_t now_us,
                       PassStats& stats);
  // The state of each route channel (route order) for an entry.
  std::vector<ChannelState> StatesFor(const DueAlert& due, const RuleRoute& route) const;
  // Applies one send's outcome to a channel's state and logs it (the caller records it).
  void Apply(uint64_t mention_id, const AlertChannel& channel, const Status& sent, int64_t now_us,
             ChannelState& state) const;
  // After one message (an article's or a digest) went out on its channels: counted against the
  // hourly cap when any channel accepted it, then each entry it carried settled.
  Status FinishMessage(bool accepted, const std::vector<DueAlert>& due, const Fanout& fanout,
                       int64_t now_us, PassStats& stats);
  // After a pass over an entry's channels: sent, rescheduled or failed.
  Status Settle(const DueAlert& due, const std::vector<ChannelState>& states, int64_t now_us,
                PassStats& stats);
  const RuleRoute& RouteFor(const std::string& rule_id) const;
  // An entry's route: its rule's; for a change of several rules (OutboxAlert::more_rules) every
  // channel of each rule's route once, digest only when every one of them is.
  RuleRoute RouteOf(const OutboxAlert& item) const;
  // The entry's alerts that go to `channel`: its own, or those of the rules routing there.
  std::vector<Alert> AlertsOn(const OutboxAlert& item, const AlertChannel* channel) const;

  AlertOutbox& outbox_;
  WorkerOptions options_;
  HourlyRateCap rate_cap_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool woken_ = false;
};

}  // namespace kuzet::alert
