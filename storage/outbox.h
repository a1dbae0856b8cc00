// The alert outbox (issue #8): the alert worker's view of the store. An alert is pending, failed
// or sent, and moves between them in one synced batch (storage/FORMAT.md, *alerts*). The writes
// need the read-write store.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "storage/alert_entry.h"

namespace kuzet::storage {

class StoreDb;

class Outbox {
 public:
  explicit Outbox(StoreDb& db) : db_(db) {}
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // Every pending entry in due order, oldest first, at most `limit`.
  Result<std::vector<OutboxEntry>> Pending(size_t limit) const;
  // Pending entries with due_us <= now_us, oldest due first, at most `limit`.
  Result<std::vector<OutboxEntry>> DueAlerts(int64_t now_us, size_t limit) const;
  // Removes the mention's pending (or failed) entry and records that it was sent at sent_us, in
  // one batch. Sending an alert twice is harmless: the marker keeps the first time.
  Status MarkAlertSent(uint64_t mention_id, int64_t sent_us);
  Result<bool> IsAlertSent(uint64_t mention_id) const;
  // attempts + 1, last_error = error, and the pending entry moves to next_due_us (one batch).
  // NotFound when the mention has no pending entry.
  Status RescheduleAlert(uint64_t mention_id, int64_t next_due_us, const std::string& error);
  // The pending entry becomes failed (no longer due), keeping attempts, with last_error = error.
  // NotFound when the mention has no pending entry.
  Status MarkAlertFailed(uint64_t mention_id, const std::string& error);
  // Records one channel's outcome in the pending entry (replacing that channel's earlier state),
  // synced, where it is: the worker calls it right after each send, so a crash afterwards repeats
  // no channel that was recorded sent. NotFound when the mention has no pending entry.
  Status RecordAlertChannel(uint64_t mention_id, const ChannelDelivery& channel);
  // RecordAlertChannel for several entries in one synced batch: the outcome of one message that
  // carried them all (an article's rules, a digest's alerts), so a crash records all or none.
  // NotFound, with nothing written, when one of the mentions has no pending entry.
  Status RecordAlertChannels(const std::vector<std::pair<uint64_t, ChannelDelivery>>& records);
  // Failed entries, lowest mention id first, at most `limit`.
  Result<std::vector<OutboxEntry>> FailedAlerts(size_t limit) const;
  // Every failed entry becomes pending, due at now_us, attempts 0, and so do its failed channels;
  // channels already sent stay sent. Returns how many (one batch).
  Result<int> RequeueFailedAlerts(int64_t now_us);

 private:
  StoreDb& db_;
};

}  // namespace kuzet::storage
