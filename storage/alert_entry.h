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
// Change alerts of the edit watch (issue #20 item 3) share the outbox and `alerts` family with
// mention alerts in an id space of their own (storage/FORMAT.md, *alerts*): bit 63 set, the
// watched document's id in bits 16-62 and the version number in bits 0-15. Mention ids are
// counters far below 2^63, so the two never meet.
inline constexpr uint64_t kChangeAlertBit = uint64_t{1} << 63;
inline constexpr uint64_t kMaxChangeAlertDocId = (uint64_t{1} << 47) - 1;
inline constexpr uint32_t kMaxChangeAlertVersion = 0xFFFF;
constexpr bool IsChangeAlertId(uint64_t id) { return (id & kChangeAlertBit) != 0; }
// Valid for doc_id <= kMaxChangeAlertDocId and version <= kMaxChangeAlertVersion.
constexpr uint64_t ChangeAlertId(uint64_t doc_id, uint32_t version) {
  return kChangeAlertBit | (doc_id << 16) | version;
}
constexpr uint64_t ChangeAlertDocId(uint64_t id) { return (id & ~kChangeAlertBit) >> 16; }
constexpr uint32_t ChangeAlertVersion(uint64_t id) { return static_cast<uint32_t>(id & 0xFFFF); }

struct OutboxEntry {
  int64_t due_us = 0;
  uint64_t mention_id = 0;  // a mention's id, or a change alert's (IsChangeAlertId)
  enum class State { kPending, kFailed } state = State::kPending;
  uint32_t attempts = 0;   // passes that left the alert undelivered (rescheduled) so far
  std::string last_error;  // the last attempt's error; empty before any failure
  // The channels tried so far, in route order. Empty before the first attempt, and in records
  // written before per-channel state: every channel is then still pending.
  std::vector<ChannelDelivery> channels;
};

}  // namespace kuzet::storage
