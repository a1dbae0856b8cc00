#include "alert/delivery_worker.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include <spdlog/spdlog.h>

namespace kuzet::alert {

namespace {

// Delivers through every channel; the first failure (named by its channel) wins.
template <typename Send>
Status SendToAll(const RuleRoute& route, Send send) {
  for (const auto& channel : route.channels) {
    Status status = send(*channel);
    if (!status.ok()) {
      std::string message = channel->name() + ": " + status.message();
      return IsRetryable(status) ? Status::Unavailable(message) : Status::InvalidArgument(message);
    }
  }
  return Status::Ok();
}

// Alerts of a digest grouped by story (first appearance order), so the monitor reads one story's
// mentions together; the order within a story is the outbox order.
std::vector<Alert> GroupedByStory(const std::vector<OutboxAlert>& items) {
  std::vector<uint64_t> story_order;
  for (const OutboxAlert& item : items) {
    if (item.story_id == 0 ||
        std::find(story_order.begin(), story_order.end(), item.story_id) == story_order.end()) {
      story_order.push_back(item.story_id);
    }
  }
  std::vector<Alert> alerts;
  std::vector<bool> taken(items.size(), false);
  for (uint64_t story : story_order) {
    for (size_t i = 0; i < items.size(); ++i) {
      if (!taken[i] && items[i].story_id == story) {
        alerts.push_back(items[i].alert);
        taken[i] = true;
        if (story == 0) break;  // story 0: each alert on its own
      }
    }
  }
  return alerts;
}

int CrashAfterSendsFromEnvironment() {
  const char* value = std::getenv("KUZET_TEST_CRASH_AFTER_SEND");
  return value ? std::atoi(value) : 0;
}

}  // namespace

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

DeliveryWorker::DeliveryWorker(AlertOutbox& outbox, WorkerOptions options)
    : outbox_(outbox),
      options_(std::move(options)),
      rate_cap_(options_.policy.max_per_hour),
      crash_after_sends_(CrashAfterSendsFromEnvironment()) {}

const RuleRoute& DeliveryWorker::RouteFor(const std::string& rule_id) const {
  auto it = options_.routes.find(rule_id);
  return it == options_.routes.end() ? options_.fallback : it->second;
}

void DeliveryWorker::AfterSuccessfulSend() {
  if (crash_after_sends_ > 0 && ++sends_ >= crash_after_sends_) {
    // Test only (see the header): die like kill -9 would, between send and mark.
    std::fprintf(stderr, "KUZET_TEST_CRASH_AFTER_SEND: exiting after a send, before marking\n");
    _exit(86);
  }
}

Status DeliveryWorker::HandleFailure(const DueAlert& due, const Status& error, int64_t now_us,
                                     PassStats& stats) {
  uint32_t attempts = due.attempts + 1;
  if (!IsRetryable(error) || attempts >= static_cast<uint32_t>(options_.policy.max_attempts)) {
    spdlog::error(
        "alert {}: failed after {} attempt(s), kept as failed (see `kuzet alerts "
        "--failed`): {}",
        due.mention_id, attempts, error.message());
    ++stats.failed;
    return outbox_.MarkFailed(due.mention_id, error.message());
  }
  auto delay = BackoffDelay(options_.policy, attempts);
  spdlog::warn("alert {}: attempt {} failed, retrying in {} s: {}", due.mention_id, attempts,
               std::chrono::duration_cast<std::chrono::seconds>(delay).count(), error.message());
  ++stats.retried;
  return outbox_.Reschedule(due.mention_id, now_us + delay.count(), error.message());
}

Status DeliveryWorker::DeliverOne(const DueAlert& due, const OutboxAlert& item,
                                  const RuleRoute& route, int64_t now_us, PassStats& stats) {
  if (!rate_cap_.Allows(now_us)) {
    ++stats.waiting;
    return Status::Ok();
  }
  Status sent =
      SendToAll(route, [&](const AlertChannel& channel) { return channel.Deliver(item.alert); });
  if (!sent.ok()) return HandleFailure(due, sent, now_us, stats);
  AfterSuccessfulSend();
  rate_cap_.Record(now_us);
  ++stats.messages;
  ++stats.sent;
  spdlog::info("alert {} ({}) delivered", due.mention_id, item.alert.rule_id);
  return outbox_.MarkSent(due.mention_id, now_us);
}

Status DeliveryWorker::DeliverDigest(const std::string& rule_id, const std::vector<DueAlert>& due,
                                     const std::vector<OutboxAlert>& items, const RuleRoute& route,
                                     int64_t now_us, PassStats& stats) {
  int64_t oldest = now_us;
  for (const OutboxAlert& item : items) oldest = std::min(oldest, item.alert.found_at_us);
  if (!DigestIsDue(oldest, route.digest_interval, now_us) || !rate_cap_.Allows(now_us)) {
    stats.waiting += static_cast<int>(due.size());
    return Status::Ok();
  }
  Digest digest;
  uint64_t first_id = due.front().mention_id;
  for (const DueAlert& d : due) first_id = std::min(first_id, d.mention_id);
  // The lowest mention id names the digest, so a resend after a crash keeps its Message-ID.
  digest.id = rule_id + "." + std::to_string(first_id);
  digest.alerts = GroupedByStory(items);
  Status sent =
      SendToAll(route, [&](const AlertChannel& channel) { return channel.DeliverDigest(digest); });
  if (!sent.ok()) {
    for (const DueAlert& d : due) {
      if (Status s = HandleFailure(d, sent, now_us, stats); !s.ok()) return s;
    }
    return Status::Ok();
  }
  AfterSuccessfulSend();
  rate_cap_.Record(now_us);
  ++stats.messages;
  spdlog::info("digest {} with {} alert(s) delivered", digest.id, due.size());
  for (const DueAlert& d : due) {
    if (Status s = outbox_.MarkSent(d.mention_id, now_us); !s.ok()) return s;
    ++stats.sent;
  }
  return Status::Ok();
}

Result<PassStats> DeliveryWorker::RunOnce(int64_t now_us) {
  PassStats stats;
  auto due = outbox_.Due(now_us, options_.batch);
  if (!due.ok()) return due.status();
  struct DigestBatch {
    std::vector<DueAlert> due;
    std::vector<OutboxAlert> items;
  };
  std::map<std::string, DigestBatch> digests;
  for (const DueAlert& entry : *due) {
    {
      std::lock_guard lock(mutex_);
      if (stop_) return stats;
    }
    auto loaded = outbox_.Load(entry.mention_id);
    if (!loaded.ok()) return loaded.status();
    if (!loaded->has_value()) {
      ++stats.failed;
      spdlog::error("alert {}: its mention is not in the store; kept as failed", entry.mention_id);
      if (Status s = outbox_.MarkFailed(entry.mention_id, "mention not found"); !s.ok()) return s;
      continue;
    }
    const OutboxAlert& item = **loaded;
    const RuleRoute& route = RouteFor(item.alert.rule_id);
    if (route.channels.empty()) {
      ++stats.failed;
      std::string error = "no alert channel configured for rule " + item.alert.rule_id;
      spdlog::error("alert {}: {}", entry.mention_id, error);
      if (Status s = outbox_.MarkFailed(entry.mention_id, error); !s.ok()) return s;
      continue;
    }
    if (options_.policy.quiet_repeats && item.story_id != 0) {
      auto alerted = outbox_.StoryAlerted(item.alert.rule_id, item.story_id, entry.mention_id);
      if (!alerted.ok()) return alerted.status();
      if (*alerted) {
        spdlog::info("alert {}: story {} already alerted for rule {}; no message", entry.mention_id,
                     item.story_id, item.alert.rule_id);
        ++stats.quieted;
        if (Status s = outbox_.MarkSent(entry.mention_id, now_us); !s.ok()) return s;
        continue;
      }
    }
    if (route.digest) {
      DigestBatch& batch = digests[item.alert.rule_id];
      batch.due.push_back(entry);
      batch.items.push_back(item);
      continue;
    }
    if (Status s = DeliverOne(entry, item, route, now_us, stats); !s.ok()) return s;
  }
  for (const auto& [rule_id, batch] : digests) {
    Status s = DeliverDigest(rule_id, batch.due, batch.items, RouteFor(rule_id), now_us, stats);
    if (!s.ok()) return s;
  }
  return stats;
}

void DeliveryWorker::Run() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    lock.unlock();
    auto pass = RunOnce(NowMicros());
    if (!pass.ok()) spdlog::error("alert delivery: {}", pass.status().message());
    lock.lock();
    wake_.wait_for(lock, options_.poll_interval, [&] { return stop_ || woken_; });
    woken_ = false;
  }
}

void DeliveryWorker::Stop() {
  std::lock_guard lock(mutex_);
  stop_ = true;
  wake_.notify_all();
}

void DeliveryWorker::Wake() {
  std::lock_guard lock(mutex_);
  woken_ = true;
  wake_.notify_all();
}

}  // namespace kuzet::alert
