// Fault: one alert channel is dead (issue #15 item 8). The delivery worker over a real store with a
// working channel (a hook program appending what it receives) beside a dead webhook (a loopback
// server answering 500, or a port nobody listens on): the working channel delivers exactly once
// however often the dead one is retried, the dead one is given up after max_attempts of its own,
// and the outbox tells per channel what happened. Also: a crash between a send and its record
// repeats only that channel, and `alerts --retry` sends only to the channels that failed.
#include <atomic>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "alert/channel.h"
#include "alert/delivery_worker.h"
#include "app/alert_delivery.h"
#include "config/config.h"
#include "storage/store.h"
#include "tests/alert/child_process.h"
#include "tests/app/alert_test_pages.h"
#include "tests/app/forwarding_outbox.h"
#include "tests/app/json_lines.h"
#include "tests/app/refusing_port.h"
#include "tests/wait_until.h"

namespace kuzet::app {
namespace {

using alert::testing::TempDir;
using nlohmann::json;
using State = storage::ChannelDelivery::State;

constexpr int64_t kSecond = 1000000;
constexpr int64_t kT0 = int64_t{1764400000} * kSecond;
constexpr int kMaxAttempts = 4;

// A webhook endpoint on 127.0.0.1 answering every POST with `status`, counting them.
class WebhookServer {
 public:
  explicit WebhookServer(int status) {
    server_.Post(".*", [this, status](const httplib::Request&, httplib::Response& res) {
      ++posts_;
      res.status = status;
      if (status >= 500) res.set_content("database is down", "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    WaitUntil([this] { return server_.is_running(); }, std::chrono::seconds(5),
              std::chrono::milliseconds(1));
  }
  ~WebhookServer() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hooks/SECRET"; }
  int port() const { return port_; }
  int posts() const { return posts_; }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> posts_{0};
};

// The two ways a webhook is dead.
enum class DeadWebhook { kAnswers500, kRefusesConnections };

std::string FaultName(const ::testing::TestParamInfo<DeadWebhook>& info) {
  return info.param == DeadWebhook::kAnswers500 ? "Answers500" : "RefusesConnections";
}

// The outbox as the store has it, except that recording a channel's outcome fails from the
// `crash_at`-th record on: what the worker sees when the process dies between a send and its
// record (a RunOnce error ends the pass, as a crash would; nothing after it is written).
class CrashingOutbox : public kuzet::testing::ForwardingOutbox {
 public:
  CrashingOutbox(alert::AlertOutbox& store, int crash_at)
      : ForwardingOutbox(store), crash_at_(crash_at) {}
  Status RecordChannel(uint64_t mention_id, const alert::ChannelState& channel) override {
    if (++records_ >= crash_at_) return Status::IOError("crashed before recording");
    return ForwardingOutbox::RecordChannel(mention_id, channel);
  }

 private:
  int crash_at_;
  int records_ = 0;
};

// A real store and outbox, and the routes of a working hook beside a webhook.
class AlertChannelsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::Store::Open(dir_.path() + "/data");
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(store).value();
    auto config = config::ParseConfig(testing::kSteppeConfig, "t.toml");
    ASSERT_TRUE(config.ok()) << config.status().message();
    config_ = std::move(config).value();
    outbox_ = std::make_unique<StoreAlertOutbox>(*store_, config_);
  }

  // The working channel first (as e-mail is in a configured route), then the webhook.
  alert::WorkerOptions Options(const std::string& webhook_url, bool digest = false) {
    alert::RuleRoute route;
    route.channels.push_back(alert::MakeCommandChannel(
        {"/bin/sh", "-c", "cat >> \"$0\"", received_}, std::chrono::seconds(10)));
    alert::WebhookSettings quick;
    quick.connect_timeout = std::chrono::seconds(2);
    quick.timeout = std::chrono::seconds(5);
    route.channels.push_back(alert::MakeWebhookChannel(webhook_url, quick));
    route.digest = digest;
    route.digest_interval = std::chrono::seconds(60);
    alert::WorkerOptions options;
    options.policy.retry_initial = std::chrono::seconds(10);
    options.policy.retry_max = std::chrono::seconds(40);
    options.policy.max_attempts = kMaxAttempts;
    options.routes["zhanaozen"] = std::move(route);
    return options;
  }
  // What the working channel received, one JSON a line.
  std::vector<json> Received() { return kuzet::testing::ReadJsonLines(received_); }
  uint64_t Put(const std::string& url, const std::string& text, int64_t at_us) {
    auto put = store_->writer().PutPage(testing::Page(url, "Strike", text, at_us));
    EXPECT_TRUE(put.ok()) << put.status().message();
    EXPECT_EQ(put->new_mentions, 1);
    auto id = store_->reader().LastMentionId();
    EXPECT_TRUE(id.ok());
    return id.ok() ? *id : 0;
  }
  // Passes at each moment something is due, until nothing is pending (at most `max_passes`).
  int RunUntilSettled(alert::DeliveryWorker& worker, int max_passes = 20) {
    int passes = 0;
    for (; passes < max_passes; ++passes) {
      auto due = store_->outbox().DueAlerts(INT64_MAX, 1);
      EXPECT_TRUE(due.ok());
      if (!due.ok() || due->empty()) break;
      auto pass = worker.RunOnce(std::max(now_, due->front().due_us));
      EXPECT_TRUE(pass.ok()) << pass.status().message();
      now_ = std::max(now_, due->front().due_us);
    }
    return passes;
  }
  const storage::ChannelDelivery* Channel(const storage::OutboxEntry& entry,
                                          const std::string& key) {
    for (const storage::ChannelDelivery& c : entry.channels) {
      if (c.channel == key) return &c;
    }
    return nullptr;
  }
  // The one failed alert's channels: the hook sent once, the webhook given up after
  // kMaxAttempts attempts with an error naming the server but not the secret path.
  void ExpectHookSentWebhookFailed(const storage::OutboxEntry& entry) {
    const storage::ChannelDelivery* hook = Channel(entry, "hook");
    const storage::ChannelDelivery* webhook = Channel(entry, "webhook");
    ASSERT_NE(hook, nullptr);
    ASSERT_NE(webhook, nullptr);
    EXPECT_EQ(hook->state, State::kSent);
    EXPECT_EQ(hook->attempts, 0u);
    EXPECT_EQ(webhook->state, State::kFailed);
    EXPECT_EQ(webhook->attempts, static_cast<uint32_t>(kMaxAttempts));
    EXPECT_NE(webhook->last_error.find("webhook http://127.0.0.1:"), std::string::npos)
        << webhook->last_error;
    EXPECT_EQ(webhook->last_error.find("SECRET"), std::string::npos) << webhook->last_error;
    EXPECT_NE(entry.last_error.find(webhook->last_error), std::string::npos) << entry.last_error;
  }

  TempDir dir_;
  std::string received_ = dir_.path() + "/received.jsonl";
  std::unique_ptr<storage::Store> store_;
  config::Config config_;
  std::unique_ptr<StoreAlertOutbox> outbox_;
  int64_t now_ = kT0;
};

class DeadChannelTest : public AlertChannelsTest,
                        public ::testing::WithParamInterface<DeadWebhook> {
 protected:
  void SetUp() override {
    AlertChannelsTest::SetUp();
    if (GetParam() == DeadWebhook::kAnswers500) {
      dead_ = std::make_unique<WebhookServer>(500);
      dead_url_ = dead_->Url();
    } else {
      ASSERT_GT(refusing_.port(), 0);
      dead_url_ = "http://127.0.0.1:" + std::to_string(refusing_.port()) + "/hooks/SECRET";
    }
  }

  std::unique_ptr<WebhookServer> dead_;
  kuzet::testing::RefusingPort refusing_;
  std::string dead_url_;
};

TEST_P(DeadChannelTest, WorkingChannelDeliversOnceAndDeadOneFailsAfterItsOwnMaxAttempts) {
  uint64_t id = Put("http://127.0.0.1/a", testing::StrikeText("today"), kT0);
  alert::DeliveryWorker worker(*outbox_, Options(dead_url_));
  EXPECT_EQ(RunUntilSettled(worker), kMaxAttempts);

  std::vector<json> received = Received();
  ASSERT_EQ(received.size(), 1u) << "the working channel got the alert again on a retry";
  EXPECT_EQ(received[0].at("id"), std::to_string(id));
  if (dead_) {
    EXPECT_EQ(dead_->posts(), kMaxAttempts);
  }
  auto failed = store_->outbox().FailedAlerts(10);
  ASSERT_TRUE(failed.ok()) << failed.status().message();
  ASSERT_EQ(failed->size(), 1u);
  ExpectHookSentWebhookFailed((*failed)[0]);
  EXPECT_FALSE(*store_->outbox().IsAlertSent(id));
  EXPECT_TRUE(store_->outbox().DueAlerts(INT64_MAX, 10)->empty());

  // Per-channel state survives a reopen (it is what `kuzet alerts --failed` prints).
  outbox_.reset();
  store_.reset();
  store_ = std::move(storage::Store::Open(dir_.path() + "/data")).value();
  failed = store_->outbox().FailedAlerts(10);
  ASSERT_TRUE(failed.ok());
  ASSERT_EQ(failed->size(), 1u);
  ExpectHookSentWebhookFailed((*failed)[0]);
}

TEST_P(DeadChannelTest, RetryAfterFailureSendsOnlyToTheChannelThatFailed) {
  uint64_t id = Put("http://127.0.0.1/a", testing::StrikeText("today"), kT0);
  alert::DeliveryWorker worker(*outbox_, Options(dead_url_));
  RunUntilSettled(worker);
  ASSERT_EQ(Received().size(), 1u);

  // `kuzet alerts --retry`, then the webhook works again.
  now_ += 3600 * kSecond;
  auto requeued = store_->outbox().RequeueFailedAlerts(now_);
  ASSERT_TRUE(requeued.ok());
  EXPECT_EQ(*requeued, 1);
  WebhookServer alive(204);
  alert::DeliveryWorker fixed(*outbox_, Options(alive.Url()));
  EXPECT_EQ(RunUntilSettled(fixed), 1);
  EXPECT_EQ(alive.posts(), 1);
  EXPECT_EQ(Received().size(), 1u) << "the retry repeated the channel that had delivered";
  EXPECT_TRUE(*store_->outbox().IsAlertSent(id));
  EXPECT_TRUE(store_->outbox().FailedAlerts(10)->empty());
}

TEST_P(DeadChannelTest, DigestGoesOutOnceOnTheWorkingChannel) {
  Put("http://127.0.0.1/a", testing::StrikeText("today"), kT0);
  Put("http://127.0.0.1/b", "Zhanaozen is a town in the Mangystau region of Kazakhstan.",
      kT0 + kSecond);
  alert::DeliveryWorker worker(*outbox_, Options(dead_url_, /*digest=*/true));
  now_ = kT0 + 60 * kSecond;  // the digest interval has passed
  RunUntilSettled(worker);

  std::vector<json> received = Received();
  ASSERT_EQ(received.size(), 1u) << "the digest went out again on the working channel";
  EXPECT_EQ(received[0].at("schema"), "kuzet.digest.v1");
  EXPECT_EQ(received[0].at("alerts").size(), 2u);
  if (dead_) {
    EXPECT_EQ(dead_->posts(), kMaxAttempts) << "one digest per attempt, not per alert";
  }
  auto failed = store_->outbox().FailedAlerts(10);
  ASSERT_TRUE(failed.ok());
  ASSERT_EQ(failed->size(), 2u);
  for (const storage::OutboxEntry& entry : *failed) ExpectHookSentWebhookFailed(entry);
}

TEST_P(DeadChannelTest, OldRecordWithoutChannelStatesSendsEachChannelAndKeepsItsAttempts) {
  // A record from before per-channel state: alert-level attempts, no channel list. An entry
  // rescheduled without any channel recorded reads exactly like one.
  uint64_t id = Put("http://127.0.0.1/a", testing::StrikeText("today"), kT0);
  ASSERT_TRUE(store_->outbox().RescheduleAlert(id, kT0 + 10 * kSecond, "server down").ok());
  ASSERT_TRUE(store_->outbox().RescheduleAlert(id, kT0 + 20 * kSecond, "server down").ok());
  auto pending = store_->outbox().DueAlerts(INT64_MAX, 10);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].attempts, 2u);
  EXPECT_TRUE((*pending)[0].channels.empty());

  alert::DeliveryWorker worker(*outbox_, Options(dead_url_));
  EXPECT_EQ(RunUntilSettled(worker), kMaxAttempts - 2) << "the two old attempts count";
  EXPECT_EQ(Received().size(), 1u);
  if (dead_) {
    EXPECT_EQ(dead_->posts(), kMaxAttempts - 2);
  }
  auto failed = store_->outbox().FailedAlerts(10);
  ASSERT_TRUE(failed.ok());
  ASSERT_EQ(failed->size(), 1u);
  const storage::ChannelDelivery* webhook = Channel((*failed)[0], "webhook");
  ASSERT_NE(webhook, nullptr);
  EXPECT_EQ(webhook->attempts, static_cast<uint32_t>(kMaxAttempts));
}

TEST_F(AlertChannelsTest, CrashBetweenSendAndRecordRepeatsOnlyThatChannel) {
  uint64_t id = Put("http://127.0.0.1/a", testing::StrikeText("today"), kT0);
  WebhookServer alive(204);
  {
    // The hook's delivery is recorded; the process dies after the webhook's send, before its
    // record.
    CrashingOutbox crashing(*outbox_, /*crash_at=*/2);
    alert::DeliveryWorker worker(crashing, Options(alive.Url()));
    auto pass = worker.RunOnce(kT0);
    EXPECT_FALSE(pass.ok());
  }
  EXPECT_EQ(Received().size(), 1u);
  EXPECT_EQ(alive.posts(), 1);
  alert::DeliveryWorker restarted(*outbox_, Options(alive.Url()));
  EXPECT_EQ(RunUntilSettled(restarted), 1);
  EXPECT_EQ(Received().size(), 1u) << "the hook was recorded sent, yet sent again";
  EXPECT_EQ(alive.posts(), 2) << "the webhook's unrecorded send is repeated";
  EXPECT_TRUE(*store_->outbox().IsAlertSent(id));
}

INSTANTIATE_TEST_SUITE_P(Fault, DeadChannelTest,
                         ::testing::Values(DeadWebhook::kAnswers500,
                                           DeadWebhook::kRefusesConnections),
                         FaultName);

}  // namespace
}  // namespace kuzet::app
