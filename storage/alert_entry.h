// An alert of a mention as the outbox (outbox.h) keeps it: pending or failed, with the state of
// each delivery channel.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kuzet::storage {

// One delivery channel's share of an alert (issue #15 item 8): each channel is sent, retried and
// given up on its own, so a channel that keeps failing never makes another one repeat.
struct ChannelDelivery {
  std::string channel;  // the channel's stable key in its rule's route ("email", "webhook", ...)
  enum class State { kPending, kSent, kFailed } state = State::kPending;
  uint32_t attempts = 0;   // failed attempts on this channel
  std::string last_error;  // its last failure; empty before any
  int64_t at_us = 0;       // kPending: next attempt due; kSent: accepted; kFailed: given up
  bool operator==(const ChannelDelivery&) const = default;
};

// An alert of a mention (issue #8): written pending, due when found, in the mention's batch.
// kPending entries are due at due_us; kFailed ones were given up (MarkAlertFailed) and wait for
// RequeueFailedAlerts; a sent alert leaves the outbox and leaves a 'sent' marker (IsAlertSent).
struct OutboxEntry {
  int64_t due_us = 0;
  uint64_t mention_id = 0;
  enum class State { kPending, kFailed } state = State::kPending;
  uint32_t attempts = 0;   // passes that left the alert undelivered (rescheduled) so far
  std::string last_error;  // the last attempt's error; empty before any failure
  // The channels tried so far, in route order. Empty before the first attempt, and in records
  // written before per-channel state: every channel is then still pending.
  std::vector<ChannelDelivery> channels;
};

}  // namespace kuzet::storage
