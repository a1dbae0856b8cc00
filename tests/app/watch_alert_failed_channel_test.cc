// A change of two rules (issue #20) through the delivery worker when one channel fails once: each
// channel gets one message with the rules that route to it (the shared one both), and after the
// failure only the failed channel gets the change again, so every recipient gets it exactly once.
// The outbox and the channels are in memory; the routes are what WorkerOptionsFromConfig builds
// for two rules with their own lists and an address in both (one channel per recipient class).
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "alert/channel.h"
#include "alert/delivery_worker.h"

namespace kuzet::alert {
namespace {

constexpr int64_t kSecond = 1000000;
constexpr int64_t kT0 = int64_t{1764400000} * kSecond;
constexpr uint64_t kEntry = (uint64_t{1} << 63) | (uint64_t{7} << 16) | 2;  // change 7.2

// A channel that records what it accepted and fails its first `failures` sends (retryably).
class RecordingChannel : public AlertChannel {
 public:
  RecordingChannel(std::string key, int failures) : key_(std::move(key)), failures_(failures) {}
  const std::string& name() const override { return key_; }
  std::string_view key() const override { return key_; }
  Status DeliverArticle(const Article& article) const override {
    if (failures_ > 0) {
      --failures_;
      return Status::Unavailable("server busy");
    }
    std::vector<std::string> rules;
    for (const Alert& a : article.alerts) rules.push_back(a.rule_id);
    accepted.push_back(rules);
    return Status::Ok();
  }
  Status DeliverDigest(const Digest& digest) const override {
    return DeliverArticle(Article{digest.alerts});
  }
  mutable std::vector<std::vector<std::string>> accepted;  // the rules of each message

 private:
  std::string key_;
  mutable int failures_;
};

// One entry in memory, as the store's outbox keeps it.
class MemoryOutbox : public AlertOutbox {
 public:
  explicit MemoryOutbox(OutboxAlert item) : item_(std::move(item)) {}
  Result<std::vector<DueAlert>> Due(int64_t now_us, size_t) override {
    if (done_ || due_.due_us > now_us) return std::vector<DueAlert>{};
    return std::vector<DueAlert>{due_};
  }
  Result<std::optional<OutboxAlert>> Load(uint64_t) override {
    return std::optional<OutboxAlert>(item_);
  }
  Result<bool> StoryAlerted(const std::string&, uint64_t, uint64_t) override { return false; }
  Status RecordChannel(uint64_t, const ChannelState& channel) override {
    for (ChannelState& c : due_.channels) {
      if (c.channel == channel.channel) {
        c = channel;
        return Status::Ok();
      }
    }
    due_.channels.push_back(channel);
    return Status::Ok();
  }
  Status MarkSent(uint64_t, int64_t) override {
    done_ = true;
    return Status::Ok();
  }
  Status Reschedule(uint64_t, int64_t next_due_us, const std::string&) override {
    due_.due_us = next_due_us;
    return Status::Ok();
  }
  Status MarkFailed(uint64_t, const std::string&) override {
    done_ = failed_ = true;
    return Status::Ok();
  }
  bool done() const { return done_; }
  bool failed() const { return failed_; }

 private:
  OutboxAlert item_;
  DueAlert due_{kEntry, kT0, 0, {}};
  bool done_ = false, failed_ = false;
};

Alert ChangeOf(const std::string& rule) {
  Alert a;
  a.id = "change.7.2";
  a.rule_id = rule;
  a.url = "https://vlast.kz/a.html";
  a.title = "Strike leaders on trial";
  a.found_at_us = kT0;
  ChangeDetails c;
  c.doc_id = 7;
  c.version = 2;
  c.kinds = {"gone"};
  c.headline = "deleted (HTTP 404)";
  c.http_status = 404;
  a.change = c;
  return a;
}

struct Case {
  std::string name;
  int leaders_failures, both_failures, oil_failures;
};

TEST(WatchAlertFailedChannelTest, EachChannelGetsItsRulesOnceThroughAFailure) {
  const std::vector<Case> cases = {
      {"no failure", 0, 0, 0},
      {"the leaders desk fails once", 1, 0, 0},
      {"the shared recipient fails once", 0, 1, 0},
      {"the oil desk fails twice", 0, 0, 2},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto leaders = std::make_shared<RecordingChannel>("email:leaders", c.leaders_failures);
    auto both = std::make_shared<RecordingChannel>("email:editor", c.both_failures);
    auto oil = std::make_shared<RecordingChannel>("email:oil", c.oil_failures);
    WorkerOptions options;
    options.policy.max_attempts = 5;
    options.policy.max_per_hour = 1000;
    options.routes["leaders"].channels = {leaders, both};
    options.routes["zhanaozen"].channels = {oil, both};
    OutboxAlert item{ChangeOf("leaders"), 0, 0, {ChangeOf("zhanaozen")}};
    MemoryOutbox outbox(item);
    DeliveryWorker worker(outbox, options);
    for (int pass = 0; pass < 10 && !outbox.done(); ++pass) {
      ASSERT_TRUE(worker.RunOnce(kT0 + pass * 3600 * kSecond).ok());
    }
    EXPECT_TRUE(outbox.done());
    EXPECT_FALSE(outbox.failed());
    using Rules = std::vector<std::vector<std::string>>;
    EXPECT_EQ(leaders->accepted, (Rules{{"leaders"}}));
    EXPECT_EQ(both->accepted, (Rules{{"leaders", "zhanaozen"}}));
    EXPECT_EQ(oil->accepted, (Rules{{"zhanaozen"}}));
  }
}

// The entry is routed by all its rules: a change whose first rule has no channel of its own still
// reaches the other rule's.
TEST(WatchAlertFailedChannelTest, ARuleWithoutChannelsDoesNotStopTheOthers) {
  auto oil = std::make_shared<RecordingChannel>("email:oil", 0);
  WorkerOptions options;
  options.routes["leaders"].channels = {};
  options.routes["zhanaozen"].channels = {oil};
  MemoryOutbox outbox(OutboxAlert{ChangeOf("leaders"), 0, 0, {ChangeOf("zhanaozen")}});
  DeliveryWorker worker(outbox, options);
  ASSERT_TRUE(worker.RunOnce(kT0).ok());
  EXPECT_TRUE(outbox.done());
  EXPECT_EQ(oil->accepted, (std::vector<std::vector<std::string>>{{"zhanaozen"}}));
}

// Both rules in digest mode: the change waits for the period, then each channel's digest lists
// the rules that route to it. One rule immediate: the change goes at once.
TEST(WatchAlertFailedChannelTest, ADigestOfEachChannelListsItsRules) {
  for (const bool both_digest : {true, false}) {
    SCOPED_TRACE(both_digest ? "both rules digest" : "one rule immediate");
    auto leaders = std::make_shared<RecordingChannel>("email:leaders", 0);
    auto both = std::make_shared<RecordingChannel>("email:editor", 0);
    auto oil = std::make_shared<RecordingChannel>("email:oil", 0);
    WorkerOptions options;
    options.policy.max_per_hour = 1000;
    options.routes["leaders"] = RuleRoute{{leaders, both}, true, std::chrono::hours(1)};
    options.routes["zhanaozen"] = RuleRoute{{oil, both}, both_digest, std::chrono::hours(1)};
    MemoryOutbox outbox(OutboxAlert{ChangeOf("leaders"), 0, 0, {ChangeOf("zhanaozen")}});
    DeliveryWorker worker(outbox, options);
    ASSERT_TRUE(worker.RunOnce(kT0 + kSecond).ok());
    EXPECT_EQ(outbox.done(), !both_digest);
    ASSERT_TRUE(worker.RunOnce(kT0 + 3601 * kSecond).ok());
    EXPECT_TRUE(outbox.done());
    using Rules = std::vector<std::vector<std::string>>;
    EXPECT_EQ(leaders->accepted, (Rules{{"leaders"}}));
    EXPECT_EQ(both->accepted, (Rules{{"leaders", "zhanaozen"}}));
    EXPECT_EQ(oil->accepted, (Rules{{"zhanaozen"}}));
  }
}

}  // namespace
}  // namespace kuzet::alert
