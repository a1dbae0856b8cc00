#include "storage/outbox.h"

#include <rocksdb/db.h>

#include <algorithm>
#include <map>
#include <utility>

#include "storage/encoding.h"
#include "storage/records.h"
#include "storage/store_db.h"

namespace kuzet::storage {

namespace {

OutboxEntry DecodeOutboxKey(std::string_view key, OutboxEntry entry) {
  entry.due_us = static_cast<int64_t>(DecodeFixed64BE(key.substr(0, 8)) ^ (uint64_t{1} << 63));
  entry.mention_id = DecodeFixed64BE(key.substr(8));
  return entry;
}

// The alert outbox over the store's database.
class OutboxSteps {
 public:
  explicit OutboxSteps(StoreDb& store) : store_(store) {}

  // A mention's pending outbox entry and its key.
  struct PendingAlert {
    std::string key;
    OutboxEntry entry;
  };

  Result<std::vector<OutboxEntry>> Pending(size_t limit) const;
  Result<std::vector<OutboxEntry>> DueAlerts(int64_t now_us, size_t limit) const;
  // The outbox key of the mention's pending entry, if it has one.
  Result<std::optional<std::string>> FindPendingAlert(uint64_t mention_id) const;
  Status MarkAlertSent(uint64_t mention_id, int64_t sent_us);
  Result<bool> IsAlertSent(uint64_t mention_id) const;
  // A mention's pending entry and its key; NotFound, prefixed by `what`, when none.
  Result<PendingAlert> LoadPendingAlert(uint64_t mention_id, const std::string& what) const;
  Status RescheduleAlert(uint64_t mention_id, int64_t next_due_us, const std::string& error);
  Status MarkAlertFailed(uint64_t mention_id, const std::string& error);
  Status RecordAlertChannels(const std::vector<std::pair<uint64_t, ChannelDelivery>>& records);
  Result<std::vector<OutboxEntry>> FailedAlerts(size_t limit) const;
  Result<int> RequeueFailedAlerts(int64_t now_us);

 private:
  StoreDb& store_;
};

Result<std::vector<OutboxEntry>> OutboxSteps::Pending(size_t limit) const {
  std::vector<OutboxEntry> out;
  std::unique_ptr<rocksdb::Iterator> it(store_.db()->NewIterator({}, store_.Family(kOutboxFamily)));
  for (it->SeekToFirst(); it->Valid() && out.size() < limit; it->Next()) {
    OutboxEntry entry;
    rocksdb::Slice key = it->key();
    if (key.size() != 16 || !DecodeOutboxValue(it->value().ToStringView(), entry)) {
      return store_.Error(Status::Code::kCorruption, "outbox entry is malformed");
    }
    entry.due_us = static_cast<int64_t>(DecodeFixed64BE(key.ToStringView().substr(0, 8)) ^
                                        (uint64_t{1} << 63));
    entry.mention_id = DecodeFixed64BE(key.ToStringView().substr(8));
    out.push_back(entry);
  }
  if (!it->status().ok()) return store_.Error(it->status(), "cannot read the outbox");
  return out;
}

Result<std::vector<OutboxEntry>> OutboxSteps::DueAlerts(int64_t now_us, size_t limit) const {
  std::vector<OutboxEntry> out;
  if (limit == 0) return out;
  // Pending entries are keyed by due time first: the due ones are the keys below now_us + 1.
  std::string upper;
  if (now_us != INT64_MAX) PutTimeBE(upper, now_us + 1);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions options;
  if (!upper.empty()) options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(
      store_.db()->NewIterator(options, store_.Family(kOutboxFamily)));
  for (it->SeekToFirst(); it->Valid() && out.size() < limit; it->Next()) {
    OutboxEntry entry;
    if (it->key().size() != 16 || !DecodeOutboxValue(it->value().ToStringView(), entry)) {
      return store_.Error(Status::Code::kCorruption, "outbox entry is malformed");
    }
    out.push_back(DecodeOutboxKey(it->key().ToStringView(), std::move(entry)));
  }
  if (!it->status().ok()) return store_.Error(it->status(), "cannot read the outbox");
  return out;
}

Result<std::optional<std::string>> OutboxSteps::FindPendingAlert(uint64_t mention_id) const {
  // A rescheduled entry's due time is under 'p'; an entry never rescheduled is due when found.
  auto moved = store_.Get(kAlertsFamily, AlertKey('p', mention_id));
  if (!moved.ok()) return moved.status();
  std::string key;
  if (moved->has_value()) {
    if ((*moved)->size() != 8)
      return store_.Error(Status::Code::kCorruption, "alert entry is malformed");
    key = **moved + IdKey(mention_id);
  } else if (IsChangeAlertId(mention_id)) {
    return std::optional<std::string>();  // a pending change alert always has its `p` entry
  } else {
    auto mention = store_.LoadMention(mention_id);
    if (!mention.ok()) return mention.status();
    if (!mention->has_value()) return std::optional<std::string>();
    key = OutboxKey((*mention)->found_at_us, mention_id);
  }
  auto entry = store_.Get(kOutboxFamily, key);
  if (!entry.ok()) return entry.status();
  if (!entry->has_value()) return std::optional<std::string>();
  return std::optional<std::string>(key);
}

Status OutboxSteps::MarkAlertSent(uint64_t mention_id, int64_t sent_us) {
  const std::string what = "cannot mark the alert of mention " + std::to_string(mention_id);
  if (Status s = store_.RequireWritable(what); !s.ok()) return s;
  std::lock_guard<std::mutex> lock(store_.write_mutex());
  auto sent = store_.Get(kAlertsFamily, AlertKey('s', mention_id));
  if (!sent.ok()) return sent.status();
  auto pending = FindPendingAlert(mention_id);
  if (!pending.ok()) return pending.status();
  rocksdb::WriteBatch batch;
  if (pending->has_value()) batch.Delete(store_.Family(kOutboxFamily), **pending);
  batch.Delete(store_.Family(kAlertsFamily), AlertKey('p', mention_id));
  batch.Delete(store_.Family(kAlertsFamily), AlertKey('f', mention_id));
  if (!sent->has_value()) {
    std::string value;
    PutVarsint64(value, sent_us);
    batch.Put(store_.Family(kAlertsFamily), AlertKey('s', mention_id), value);
  }
  // Synced: a sent marker lost in a power cut would send the alert again.
  return store_.WriteBatch(batch, what, true);
}

Result<bool> OutboxSteps::IsAlertSent(uint64_t mention_id) const {
  auto sent = store_.Get(kAlertsFamily, AlertKey('s', mention_id));
  if (!sent.ok()) return sent.status();
  return sent->has_value();
}

Result<OutboxSteps::PendingAlert> OutboxSteps::LoadPendingAlert(uint64_t mention_id,
                                                                const std::string& what) const {
  auto key = FindPendingAlert(mention_id);
  if (!key.ok()) return key.status();
  if (!key->has_value()) return store_.Error(Status::Code::kNotFound, what + ": no pending alert");
  auto value = store_.Get(kOutboxFamily, **key);
  if (!value.ok()) return value.status();
  PendingAlert pending{std::move(**key), {}};
  if (!value->has_value() || !DecodeOutboxValue(**value, pending.entry)) {
    return store_.Error(Status::Code::kCorruption, "outbox entry is malformed");
  }
  return pending;
}

Status OutboxSteps::RescheduleAlert(uint64_t mention_id, int64_t next_due_us,
                                    const std::string& error) {
  const std::string what = "cannot reschedule the alert of mention " + std::to_string(mention_id);
  if (Status s = store_.RequireWritable(what); !s.ok()) return s;
  std::lock_guard<std::mutex> lock(store_.write_mutex());
  auto pending = LoadPendingAlert(mention_id, what);
  if (!pending.ok()) return pending.status();
  OutboxEntry& entry = pending->entry;
  entry.attempts += 1;
  entry.last_error = error;
  entry.due_us = next_due_us;
  const std::string new_key = OutboxKey(next_due_us, mention_id);
  rocksdb::WriteBatch batch;
  batch.Delete(store_.Family(kOutboxFamily), pending->key);
  batch.Put(store_.Family(kOutboxFamily), new_key, EncodeOutboxValue(entry));
  batch.Put(store_.Family(kAlertsFamily), AlertKey('p', mention_id), new_key.substr(0, 8));
  return store_.WriteBatch(batch, what, true);
}

Status OutboxSteps::MarkAlertFailed(uint64_t mention_id, const std::string& error) {
  const std::string what =
      "cannot mark the alert of mention " + std::to_string(mention_id) + " failed";
  if (Status s = store_.RequireWritable(what); !s.ok()) return s;
  std::lock_guard<std::mutex> lock(store_.write_mutex());
  auto pending = LoadPendingAlert(mention_id, what);
  if (!pending.ok()) return pending.status();
  OutboxEntry& entry = pending->entry;
  entry = DecodeOutboxKey(pending->key, std::move(entry));
  entry.state = OutboxEntry::State::kFailed;
  entry.last_error = error;
  rocksdb::WriteBatch batch;
  batch.Delete(store_.Family(kOutboxFamily), pending->key);
  batch.Delete(store_.Family(kAlertsFamily), AlertKey('p', mention_id));
  batch.Put(store_.Family(kAlertsFamily), AlertKey('f', mention_id), EncodeOutboxValue(entry));
  return store_.WriteBatch(batch, what, true);
}

Status OutboxSteps::RecordAlertChannels(
    const std::vector<std::pair<uint64_t, ChannelDelivery>>& records) {
  if (records.empty()) return Status::Ok();
  std::string what = "cannot record the " + records.front().second.channel + " delivery of mention";
  for (const auto& [mention_id, channel] : records) {
    what.push_back(' ');
    what += std::to_string(mention_id);
  }
  what += records.size() == 1 ? "'s alert" : "'s alerts";
  if (Status s = store_.RequireWritable(what); !s.ok()) return s;
  std::lock_guard<std::mutex> lock(store_.write_mutex());
  // Entries by key, so two records of one mention update the same entry.
  std::map<std::string, OutboxEntry> updated;
  for (const auto& [mention_id, channel] : records) {
    auto pending = LoadPendingAlert(mention_id, what);
    if (!pending.ok()) return pending.status();
    auto [at, added] = updated.try_emplace(pending->key, std::move(pending->entry));
    std::vector<ChannelDelivery>& channels = at->second.channels;
    auto same = std::find_if(channels.begin(), channels.end(), [&](const ChannelDelivery& c) {
      return c.channel == channel.channel;
    });
    if (same != channels.end()) {
      *same = channel;
    } else {
      channels.push_back(channel);
    }
  }
  rocksdb::WriteBatch batch;
  for (const auto& [key, entry] : updated) {
    batch.Put(store_.Family(kOutboxFamily), key, EncodeOutboxValue(entry));
  }
  // One synced batch: a "sent" lost in a power cut would send on that channel again, and a send
  // recorded for some of its alerts only would send the rest again in a message of their own.
  return store_.WriteBatch(batch, what, true);
}

Result<std::vector<OutboxEntry>> OutboxSteps::FailedAlerts(size_t limit) const {
  std::vector<OutboxEntry> out;
  rocksdb::ColumnFamilyHandle* alerts = store_.Family(kAlertsFamily);
  if (limit == 0) return out;
  std::unique_ptr<rocksdb::Iterator> it(store_.db()->NewIterator({}, alerts));
  for (it->Seek("f"); it->Valid() && it->key().starts_with("f") && out.size() < limit; it->Next()) {
    OutboxEntry entry;
    if (it->key().size() != 9 || !DecodeOutboxValue(it->value().ToStringView(), entry)) {
      return store_.Error(Status::Code::kCorruption, "failed alert entry is malformed");
    }
    entry.mention_id = DecodeFixed64BE(it->key().ToStringView().substr(1));
    out.push_back(std::move(entry));
  }
  if (!it->status().ok()) return store_.Error(it->status(), "cannot read the failed alerts");
  return out;
}

Result<int> OutboxSteps::RequeueFailedAlerts(int64_t now_us) {
  const std::string what = "cannot requeue the failed alerts";
  if (Status s = store_.RequireWritable(what); !s.ok()) return s;
  std::lock_guard<std::mutex> lock(store_.write_mutex());
  auto failed = FailedAlerts(SIZE_MAX);
  if (!failed.ok()) return failed.status();
  rocksdb::WriteBatch batch;
  const std::string due = OutboxKey(now_us, 0).substr(0, 8);
  for (OutboxEntry& entry : *failed) {
    entry.state = OutboxEntry::State::kPending;
    entry.attempts = 0;
    entry.due_us = now_us;
    for (ChannelDelivery& channel : entry.channels) {
      if (channel.state != ChannelDelivery::State::kFailed) continue;  // sent stays sent
      channel.state = ChannelDelivery::State::kPending;
      channel.attempts = 0;
      channel.at_us = now_us;
    }
    batch.Delete(store_.Family(kAlertsFamily), AlertKey('f', entry.mention_id));
    batch.Put(store_.Family(kOutboxFamily), OutboxKey(now_us, entry.mention_id),
              EncodeOutboxValue(entry));
    batch.Put(store_.Family(kAlertsFamily), AlertKey('p', entry.mention_id), due);
  }
  if (failed->empty()) return 0;
  if (Status s = store_.WriteBatch(batch, what, true); !s.ok()) return s;
  return static_cast<int>(failed->size());
}

}  // namespace

Result<std::vector<OutboxEntry>> Outbox::Pending(size_t limit) const {
  return Guard(db_.dir(), [&] { return OutboxSteps(db_).Pending(limit); });
}

Result<std::vector<OutboxEntry>> Outbox::DueAlerts(int64_t now_us, size_t limit) const {
  return Guard(db_.dir(), [&] { return OutboxSteps(db_).DueAlerts(now_us, limit); });
}

Status Outbox::MarkAlertSent(uint64_t mention_id, int64_t sent_us) {
  return Guard(db_.dir(), [&] { return OutboxSteps(db_).MarkAlertSent(mention_id, sent_us); });
}

Result<bool> Outbox::IsAlertSent(uint64_t mention_id) const {
  return Guard(db_.dir(), [&] { return OutboxSteps(db_).IsAlertSent(mention_id); });
}

Status Outbox::RescheduleAlert(uint64_t mention_id, int64_t next_due_us, const std::string& error) {
  return Guard(db_.dir(),
               [&] { return OutboxSteps(db_).RescheduleAlert(mention_id, next_due_us, error); });
}

Status Outbox::MarkAlertFailed(uint64_t mention_id, const std::string& error) {
  return Guard(db_.dir(), [&] { return OutboxSteps(db_).MarkAlertFailed(mention_id, error); });
}

Status Outbox::RecordAlertChannel(uint64_t mention_id, const ChannelDelivery& channel) {
  return RecordAlertChannels({{mention_id, channel}});
}

Status Outbox::RecordAlertChannels(
    const std::vector<std::pair<uint64_t, ChannelDelivery>>& records) {
  return Guard(db_.dir(), [&] { return OutboxSteps(db_).RecordAlertChannels(records); });
}

Result<std::vector<OutboxEntry>> Outbox::FailedAlerts(size_t limit) const {
  return Guard(db_.dir(), [&] { return OutboxSteps(db_).FailedAlerts(limit); });
}

Result<int> Outbox::RequeueFailedAlerts(int64_t now_us) {
  return Guard(db_.dir(), [&] { return OutboxSteps(db_).RequeueFailedAlerts(now_us); });
}

}  // namespace kuzet::storage
