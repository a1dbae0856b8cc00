#include "alert/delivery_worker.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string>

#include <spdlog/spdlog.h>

#include "base/strings.h"
#include "base/time.h"

namespace kuzet::alert {

namespace {

// A channel's error as stored in the outbox and shown by `kuzet alerts --failed`: named by the
// channel, bounded (a hook's stderr line or a server's reply can be long).
constexpr size_t kMaxErrorBytes = 1000;

std::string ChannelError(const AlertChannel& channel, const Status& status) {
  // Hook and webhook messages already start with the channel's name.
  std::string error = status.message().starts_with(channel.name())
                          ? status.message()
                          : channel.name() + ": " + status.message();
  if (error.size() > kMaxErrorBytes) {
    size_t cut = kMaxErrorBytes;
    while (cut > 0 && (static_cast<unsigned char>(error[cut]) & 0xC0) == 0x80) --cut;
    error.resize(cut);
    error += "...";
  }
  return error;
}

bool IsDue(const ChannelState& state, int64_t now_us) {
  return state.state == ChannelState::State::kPending && state.at_us <= now_us;
}

// Alerts of a digest grouped by story (first appearance order), so the monitor reads one story's
// mentions together; the order within a story is the outbox order. `alerts_of[i]` are the alerts
// item i brings (more than one for a change of several rules).
std::vector<Alert> GroupedByStory(const std::vector<const OutboxAlert*>& items,
                                  const std::vector<std::vector<Alert>>& alerts_of) {
  std::vector<uint64_t> story_order;
  for (const OutboxAlert* item : items) {
    if (item->story_id == 0 ||
        std::find(story_order.begin(), story_order.end(), item->story_id) == story_order.end()) {
      story_order.push_back(item->story_id);
    }
  }
  std::vector<Alert> alerts;
  std::vector<bool> taken(items.size(), false);
  for (uint64_t story : story_order) {
    for (size_t i = 0; i < items.size(); ++i) {
      if (!taken[i] && items[i]->story_id == story) {
        alerts.insert(alerts.end(), alerts_of[i].begin(), alerts_of[i].end());
        taken[i] = true;
        if (story == 0) break;  // story 0: each alert on its own
      }
    }
  }
  return alerts;
}

}  // namespace

std::vector<std::string> ChannelKeys(const RuleRoute& route) {
  std::vector<std::string> keys;
  std::map<std::string, int, std::less<>> seen;
  for (const auto& channel : route.channels) {
    std::string key(channel->key());
    int n = ++seen[key];
    keys.push_back(n == 1 ? key : key + "#" + std::to_string(n));
  }
  return keys;
}

DeliveryWorker::DeliveryWorker(AlertOutbox& outbox, WorkerOptions options)
    : outbox_(outbox), options_(std::move(options)), rate_cap_(options_.policy.max_per_hour) {}

const RuleRoute& DeliveryWorker::RouteFor(const std::string& rule_id) const {
  auto it = options_.routes.find(rule_id);
  return it == options_.routes.end() ? options_.fallback : it->second;
}

RuleRoute DeliveryWorker::RouteOf(const OutboxAlert& item) const {
  RuleRoute route = RouteFor(item.alert.rule_id);
  for (const Alert& more : item.more_rules) {
    const RuleRoute& other = RouteFor(more.rule_id);
    for (const auto& channel : other.channels) {
      if (std::find(route.channels.begin(), route.channels.end(), channel) ==
          route.channels.end()) {
        route.channels.push_back(channel);
      }
    }
    route.digest = route.digest && other.digest;
    route.digest_interval = std::min(route.digest_interval, other.digest_interval);
  }
  return route;
}

std::vector<Alert> DeliveryWorker::AlertsOn(const OutboxAlert& item,
                                            const AlertChannel* channel) const {
  if (item.more_rules.empty()) return {item.alert};
  std::vector<Alert> alerts;
  auto routes_here = [&](const Alert& a) {
    const RuleRoute& route = RouteFor(a.rule_id);
    return std::any_of(route.channels.begin(), route.channels.end(),
                       [&](const auto& c) { return c.get() == channel; });
  };
  if (routes_here(item.alert)) alerts.push_back(item.alert);
  for (const Alert& more : item.more_rules) {
    if (routes_here(more)) alerts.push_back(more);
  }
  if (alerts.empty()) alerts.push_back(item.alert);  // not reached: the channel is of some rule
  return alerts;
}

std::vector<ChannelState> DeliveryWorker::StatesFor(const DueAlert& due,
                                                    const RuleRoute& route) const {
  std::vector<ChannelState> states;
  for (const std::string& key : ChannelKeys(route)) {
    auto known = std::find_if(due.channels.begin(), due.channels.end(),
                              [&](const ChannelState& c) { return c.channel == key; });
    // "email:{address}" (recipients split over several e-mail channels) was recorded as plain
    // "email" while the recipients were one list: that list's outcome holds for each address.
    const std::string_view kind = std::string_view(key).substr(0, key.find(':'));
    if (known == due.channels.end() && kind.size() < key.size()) {
      known = std::find_if(due.channels.begin(), due.channels.end(),
                           [&](const ChannelState& c) { return c.channel == kind; });
    }
    if (known != due.channels.end()) {
      states.push_back(*known);
      states.back().channel = key;
      continue;
    }
    // Not tried yet. An entry with no channel state at all may come from before per-channel
    // state, when `attempts` counted every channel's tries: keep counting from there, so an old
    // alert still stops at max_attempts.
    ChannelState fresh;
    fresh.channel = key;
    fresh.attempts = due.channels.empty() ? due.attempts : 0;
    fresh.at_us = due.due_us;
    states.push_back(std::move(fresh));
  }
  return states;
}

void DeliveryWorker::Apply(uint64_t mention_id, const AlertChannel& channel, const Status& sent,
                           int64_t now_us, ChannelState& state) const {
  if (sent.ok()) {
    state.state = ChannelState::State::kSent;
    state.at_us = now_us;
    return;
  }
  state.attempts += 1;
  state.last_error = ChannelError(channel, sent);
  if (!IsRetryable(sent) ||
      state.attempts >= static_cast<uint32_t>(std::max(options_.policy.max_attempts, 1))) {
    state.state = ChannelState::State::kFailed;
    state.at_us = now_us;
    spdlog::error("alert {}: {} given up after {} attempt(s): {}", mention_id, state.channel,
                  state.attempts, state.last_error);
  } else {
    auto delay = BackoffDelay(options_.policy, state.attempts);
    state.at_us = now_us + delay.count();
    spdlog::warn("alert {}: {} attempt {} failed, retrying in {} s: {}", mention_id, state.channel,
                 state.attempts, std::chrono::duration_cast<std::chrono::seconds>(delay).count(),
                 state.last_error);
  }
}

Status DeliveryWorker::Settle(const DueAlert& due, const std::vector<ChannelState>& states,
                              int64_t now_us, PassStats& stats) {
  const ChannelState* next = nullptr;  // the pending channel due first
  const ChannelState* failed = nullptr;
  std::string errors;  // the failures of this alert, one line each (`kuzet alerts --failed`)
  for (const ChannelState& state : states) {
    if (state.state == ChannelState::State::kPending && (!next || state.at_us < next->at_us)) {
      next = &state;
    }
    if (state.state == ChannelState::State::kFailed && !failed) failed = &state;
    if (state.state != ChannelState::State::kSent && !state.last_error.empty()) {
      errors += (errors.empty() ? "" : "\n") + state.last_error;
    }
  }
  if (next != nullptr) {
    ++stats.retried;
    return outbox_.Reschedule(due.mention_id, std::max(next->at_us, now_us), errors);
  }
  if (failed != nullptr) {
    ++stats.failed;
    spdlog::error(
        "alert {}: kept as failed (see `kuzet alerts --failed`); {} given up after {} "
        "attempt(s): {}",
        due.mention_id, failed->channel, failed->attempts, failed->last_error);
    return outbox_.MarkFailed(due.mention_id, errors);
  }
  ++stats.sent;
  return outbox_.MarkSent(due.mention_id, now_us);
}

// A batch of entries (one article's rules, or every waiting digest alert) over their channels:
// each entry's route, channel keys and states, and the distinct channels of their routes in route
// order. Rules share a channel when their routes hold the same channel object under the same key
// (the config builds one e-mail channel per recipient list and one hook and webhook for all rules),
// so each recipient gets one message for the batch, listing only the rules that route to it.
struct DeliveryWorker::Fanout {
  struct Target {
    const AlertChannel* channel;
    std::string key;
  };
  std::vector<RuleRoute> routes;
  std::vector<std::vector<std::string>> keys;
  std::vector<std::vector<ChannelState>> states;
  std::vector<Target> targets;

  // The entries `target` has not accepted yet and that are due on it, with their states there.
  std::vector<std::pair<size_t, ChannelState*>> DueOn(const Target& target, int64_t now_us) {
    std::vector<std::pair<size_t, ChannelState*>> members;
    for (size_t i = 0; i < routes.size(); ++i) {
      for (size_t c = 0; c < routes[i].channels.size(); ++c) {
        if (routes[i].channels[c].get() != target.channel || keys[i][c] != target.key) continue;
        if (IsDue(states[i][c], now_us)) members.emplace_back(i, &states[i][c]);
        break;
      }
    }
    return members;
  }
};

DeliveryWorker::Fanout DeliveryWorker::FanoutOf(const std::vector<DueAlert>& due,
                                                const std::vector<OutboxAlert>& items) const {
  Fanout fanout;
  for (size_t i = 0; i < due.size(); ++i) {
    fanout.routes.push_back(RouteOf(items[i]));
    fanout.keys.push_back(ChannelKeys(fanout.routes[i]));
    fanout.states.push_back(StatesFor(due[i], fanout.routes[i]));
    for (size_t c = 0; c < fanout.routes[i].channels.size(); ++c) {
      Fanout::Target target{fanout.routes[i].channels[c].get(), fanout.keys[i][c]};
      if (std::none_of(fanout.targets.begin(), fanout.targets.end(), [&](const auto& t) {
            return t.channel == target.channel && t.key == target.key;
          })) {
        fanout.targets.push_back(std::move(target));
      }
    }
  }
  return fanout;
}

Status DeliveryWorker::RecordSend(const std::vector<DueAlert>& due,
                                  const std::vector<std::pair<size_t, ChannelState*>>& members,
                                  const AlertChannel& channel, const Status& sent, int64_t now_us) {
  std::vector<ChannelRecord> records;
  for (const auto& [i, state] : members) {
    Apply(due[i].mention_id, channel, sent, now_us, *state);
    records.push_back(ChannelRecord{due[i].mention_id, *state});
  }
  return outbox_.RecordChannels(records);
}

Status DeliveryWorker::DeliverArticle(const std::vector<DueAlert>& due,
                                      const std::vector<OutboxAlert>& items, int64_t now_us,
                                      PassStats& stats) {
  if (!rate_cap_.Allows(now_us)) {
    stats.waiting += static_cast<int>(due.size());
    return Status::Ok();
  }
  Fanout fanout = FanoutOf(due, items);
  bool accepted = false;
  for (const Fanout::Target& target : fanout.targets) {
    const auto members = fanout.DueOn(target, now_us);
    if (members.empty()) continue;  // sent, given up, or backing off
    Article article;
    for (const auto& [i, state] : members) {
      for (Alert& a : AlertsOn(items[i], target.channel)) article.alerts.push_back(std::move(a));
    }
    Status sent = target.channel->DeliverArticle(article);
    if (Status s = RecordSend(due, members, *target.channel, sent, now_us); !s.ok()) return s;
    if (sent.ok()) {
      accepted = true;
      spdlog::info("alert {} ({}) delivered by {}", article.alerts.front().id,
                   base::Join(article.alerts, ",", &Alert::rule_id), target.channel->name());
    }
  }
  return FinishMessage(accepted, due, fanout, now_us, stats);
}

Status DeliveryWorker::FinishMessage(bool accepted, const std::vector<DueAlert>& due,
                                     const Fanout& fanout, int64_t now_us, PassStats& stats) {
  if (accepted) {
    rate_cap_.Record(now_us);
    ++stats.messages;
  }
  for (size_t i = 0; i < due.size(); ++i) {
    if (Status s = Settle(due[i], fanout.states[i], now_us, stats); !s.ok()) return s;
  }
  return Status::Ok();
}

Status DeliveryWorker::DeliverDigest(const std::vector<DueAlert>& due,
                                     const std::vector<OutboxAlert>& items, int64_t now_us,
                                     PassStats& stats) {
  // One period for all digest rules: it ends when the oldest waiting alert has waited the
  // interval (the shortest of their routes'; the config gives them one).
  int64_t oldest = now_us;
  std::chrono::seconds interval = std::chrono::seconds::max();
  for (const OutboxAlert& item : items) {
    oldest = std::min(oldest, item.alert.found_at_us);
    interval = std::min(interval, RouteOf(item).digest_interval);
  }
  if (items.empty() || !DigestIsDue(oldest, interval, now_us) || !rate_cap_.Allows(now_us)) {
    stats.waiting += static_cast<int>(due.size());
    return Status::Ok();
  }
  Fanout fanout = FanoutOf(due, items);
  bool accepted = false;
  // Each channel gets the alerts it has not accepted yet, so after a partial failure the
  // channel that failed gets the same digest again and the others nothing.
  for (const Fanout::Target& target : fanout.targets) {
    const auto members = fanout.DueOn(target, now_us);
    if (members.empty()) continue;
    std::vector<const OutboxAlert*> member_items;
    std::vector<std::vector<Alert>> member_alerts;
    std::set<std::string> rules;
    // The lowest mention id names the digest, so a resend after a crash keeps its Message-ID;
    // a digest of one rule is "{rule}.{id}" as it always was.
    uint64_t first_id = due[members.front().first].mention_id;
    for (const auto& [i, state] : members) {
      member_items.push_back(&items[i]);
      member_alerts.push_back(AlertsOn(items[i], target.channel));
      for (const Alert& a : member_alerts.back()) rules.insert(a.rule_id);
      first_id = std::min(first_id, due[i].mention_id);
    }
    Digest digest;
    digest.id = (rules.size() == 1 ? *rules.begin() + "." : std::string("rules.")) +
                std::to_string(first_id);
    digest.alerts = GroupedByStory(member_items, member_alerts);
    Status sent = target.channel->DeliverDigest(digest);
    if (sent.ok()) {
      accepted = true;
      spdlog::info("digest {} with {} alert(s) delivered by {}", digest.id, members.size(),
                   target.channel->name());
    }
    if (Status s = RecordSend(due, members, *target.channel, sent, now_us); !s.ok()) return s;
  }
  return FinishMessage(accepted, due, fanout, now_us, stats);
}

Result<bool> DeliveryWorker::Quieted(const DueAlert& due, const OutboxAlert& item, int64_t now_us,
                                     PassStats& stats) {
  if (!options_.policy.quiet_repeats || item.story_id == 0) return false;
  auto alerted = outbox_.StoryAlerted(item.alert.rule_id, item.story_id, due.mention_id);
  if (!alerted.ok()) return alerted.status();
  if (!*alerted) return false;
  spdlog::info("alert {}: story {} already alerted for rule {}; no message", due.mention_id,
               item.story_id, item.alert.rule_id);
  ++stats.quieted;
  if (Status s = outbox_.MarkSent(due.mention_id, now_us); !s.ok()) return s;
  return true;
}

Result<PassStats> DeliveryWorker::RunOnce(int64_t now_us) {
  PassStats stats;
  auto due = outbox_.Due(now_us, options_.batch);
  if (!due.ok()) return due.status();
  struct Batch {
    std::vector<DueAlert> due;
    std::vector<OutboxAlert> items;
  };
  Batch digest;  // every digest rule's alerts: one digest per recipient and period
  // Immediate alerts by document, in due order; a mention of no known document goes alone.
  std::vector<Batch> articles;
  std::map<uint64_t, size_t> article_of_doc;
  // A full read may have cut the last document's mentions in two: leave that document to the
  // next pass (unless it is all there is), so its rules still go out in one message.
  uint64_t cut_doc = 0;
  if (due->size() >= options_.batch && due->size() > 1) {
    auto last = outbox_.Load(due->back().mention_id);
    if (!last.ok()) return last.status();
    if (last->has_value()) cut_doc = (*last)->doc_id;
  }
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
    const RuleRoute route = RouteOf(item);
    if (route.channels.empty()) {
      ++stats.failed;
      std::string error = "no alert channel configured for rule " + item.alert.rule_id;
      spdlog::error("alert {}: {}", entry.mention_id, error);
      if (Status s = outbox_.MarkFailed(entry.mention_id, error); !s.ok()) return s;
      continue;
    }
    if (route.digest) {
      auto quieted = Quieted(entry, item, now_us, stats);
      if (!quieted.ok()) return quieted.status();
      if (*quieted) continue;
    }
    Batch* batch = nullptr;
    if (route.digest) {
      batch = &digest;
    } else if (item.doc_id == 0) {
      batch = &articles.emplace_back();
    } else {
      auto [at, added] = article_of_doc.try_emplace(item.doc_id, articles.size());
      batch = added ? &articles.emplace_back() : &articles[at->second];
    }
    batch->due.push_back(entry);
    batch->items.push_back(item);
  }
  if (cut_doc != 0 && article_of_doc.contains(cut_doc) && articles.size() > 1) {
    // Erase only if it is the last group added and not the only one.
    const size_t at = article_of_doc[cut_doc];
    if (at + 1 == articles.size()) articles.pop_back();
  }
  for (Batch& article : articles) {
    {
      std::lock_guard lock(mutex_);
      if (stop_) return stats;
    }
    // Lowest mention id first: it names the message, the same after a crash.
    std::vector<size_t> order(article.due.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return article.due[a].mention_id < article.due[b].mention_id;
    });
    // Quieted only now: an article sent earlier in this pass may carry the story already.
    Batch sorted;
    for (size_t i : order) {
      auto quieted = Quieted(article.due[i], article.items[i], now_us, stats);
      if (!quieted.ok()) return quieted.status();
      if (*quieted) continue;
      sorted.due.push_back(article.due[i]);
      sorted.items.push_back(article.items[i]);
    }
    if (sorted.due.empty()) continue;
    if (Status s = DeliverArticle(sorted.due, sorted.items, now_us, stats); !s.ok()) return s;
  }
  if (!digest.due.empty()) {
    if (Status s = DeliverDigest(digest.due, digest.items, now_us, stats); !s.ok()) return s;
  }
  return stats;
}

void DeliveryWorker::Run() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    lock.unlock();
    auto pass = RunOnce(base::NowMicros());
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
