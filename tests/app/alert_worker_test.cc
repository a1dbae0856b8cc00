// The delivery worker (alert/delivery_worker.h) over a real store (app/alert_delivery.h's
// StoreAlertOutbox on storage::Store) with a real hook program as the channel: quiet repeats of a
// story, digests grouped by story, backoff timing, permanent errors and mentions found later.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "alert/channel.h"
#include "alert/delivery_worker.h"
#include "app/alert_delivery.h"
#include "config/config.h"
#include "storage/store.h"
#include "tests/alert/child_process.h"
#include "tests/app/alert_test_pages.h"
#include "tests/app/json_lines.h"

namespace kuzet::app {
namespace {

using alert::testing::TempDir;
using nlohmann::json;

constexpr int64_t kSecond = 1000000;
constexpr int64_t kT0 = int64_t{1764400000} * kSecond;

using testing::Page;
using testing::StrikeText;

class AlertWorkerTest : public ::testing::Test {
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

  // A hook appending each JSON it receives to a file, one per line.
  alert::RuleRoute HookRoute(bool digest = false) {
    alert::RuleRoute route;
    route.channels.push_back(alert::MakeCommandChannel(
        {"/bin/sh", "-c", "cat >> \"$0\"", received_}, std::chrono::seconds(10)));
    route.digest = digest;
    route.digest_interval = std::chrono::seconds(60);
    return route;
  }
  alert::WorkerOptions Options(alert::RuleRoute route) {
    alert::WorkerOptions options;
    options.policy.retry_initial = std::chrono::seconds(10);
    options.policy.retry_max = std::chrono::seconds(40);
    options.routes["zhanaozen"] = std::move(route);
    return options;
  }
  std::vector<json> Received() { return kuzet::testing::ReadJsonLines(received_); }
  uint64_t Put(const std::string& url, const std::string& variant, int64_t at_us) {
    auto put = store_->writer().PutPage(Page(url, "Strike " + variant, StrikeText(variant), at_us));
    EXPECT_TRUE(put.ok()) << put.status().message();
    EXPECT_EQ(put->new_mentions, 1);
    return put->story_id;
  }

  TempDir dir_;
  std::string received_ = dir_.path() + "/received.jsonl";
  std::unique_ptr<storage::Store> store_;
  config::Config config_;
  std::unique_ptr<StoreAlertOutbox> outbox_;
};

TEST_F(AlertWorkerTest, LaterMentionOfAnAlertedStoryIsMarkedSentWithoutAMessage) {
  uint64_t story_a = Put("http://127.0.0.1/a", "today", kT0);
  uint64_t story_b = Put("http://127.0.0.1/b", "yesterday", kT0 + kSecond);
  ASSERT_EQ(story_a, story_b) << "the texts should be near-duplicates";
  alert::DeliveryWorker worker(*outbox_, Options(HookRoute()));
  auto pass = worker.RunOnce(kT0 + 2 * kSecond);
  ASSERT_TRUE(pass.ok()) << pass.status().message();
  EXPECT_EQ(pass->sent, 1);
  EXPECT_EQ(pass->quieted, 1);
  auto received = Received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].at("url"), "http://127.0.0.1/a");
  EXPECT_EQ(received[0].at("rule_description"), "Жанаозен");
  EXPECT_EQ(received[0].at("site_name"), "Steppe Labour News");
  auto due = store_->outbox().DueAlerts(kT0 + 100 * kSecond, 10);
  ASSERT_TRUE(due.ok());
  EXPECT_TRUE(due->empty()) << "both entries left the outbox";

  // A third mention of the same story, found later, stays quiet too.
  Put("http://127.0.0.1/c", "tomorrow", kT0 + 5 * kSecond);
  pass = worker.RunOnce(kT0 + 6 * kSecond);
  ASSERT_TRUE(pass.ok());
  EXPECT_EQ(pass->quieted, 1);
  EXPECT_EQ(Received().size(), 1u);
}

TEST_F(AlertWorkerTest, WithoutQuietRepeatsEveryMentionIsAlerted) {
  Put("http://127.0.0.1/a", "today", kT0);
  Put("http://127.0.0.1/b", "yesterday", kT0 + kSecond);
  alert::WorkerOptions options = Options(HookRoute());
  options.policy.quiet_repeats = false;
  alert::DeliveryWorker worker(*outbox_, options);
  auto pass = worker.RunOnce(kT0 + 2 * kSecond);
  ASSERT_TRUE(pass.ok());
  EXPECT_EQ(pass->sent, 2);
  EXPECT_EQ(Received().size(), 2u);
}

TEST_F(AlertWorkerTest, DigestWaitsForTheIntervalThenListsAllGroupedByStory) {
  Put("http://127.0.0.1/a", "today", kT0);
  auto other = store_->writer().PutPage(
      Page("http://127.0.0.1/other", "Other",
           "Zhanaozen is a town in the Mangystau region of Kazakhstan.", kT0 + kSecond));
  ASSERT_TRUE(other.ok());
  Put("http://127.0.0.1/b", "yesterday", kT0 + 2 * kSecond);
  alert::DeliveryWorker worker(*outbox_, Options(HookRoute(/*digest=*/true)));

  auto pass = worker.RunOnce(kT0 + 30 * kSecond);  // the oldest waited 30 s of 60
  ASSERT_TRUE(pass.ok());
  EXPECT_EQ(pass->waiting, 3);
  EXPECT_TRUE(Received().empty());

  pass = worker.RunOnce(kT0 + 60 * kSecond);
  ASSERT_TRUE(pass.ok());
  EXPECT_EQ(pass->messages, 1);
  EXPECT_EQ(pass->sent, 3);
  auto received = Received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].at("schema"), "kuzet.digest.v1");
  const json& alerts = received[0].at("alerts");
  ASSERT_EQ(alerts.size(), 3u);
  // The story's two mentions together, though the other page was found between them.
  EXPECT_EQ(alerts[0].at("url"), "http://127.0.0.1/a");
  EXPECT_EQ(alerts[1].at("url"), "http://127.0.0.1/b");
  EXPECT_EQ(alerts[2].at("url"), "http://127.0.0.1/other");
  auto due = store_->outbox().DueAlerts(kT0 + 1000 * kSecond, 10);
  ASSERT_TRUE(due.ok());
  EXPECT_TRUE(due->empty());
}

TEST_F(AlertWorkerTest, RetryableFailuresBackOffExponentiallyUpToTheCap) {
  Put("http://127.0.0.1/a", "today", kT0);
  alert::RuleRoute route;
  route.channels.push_back(
      alert::MakeCommandChannel({"/bin/sh", "-c", "exit 1"}, std::chrono::seconds(10)));
  alert::WorkerOptions options = Options(route);
  options.policy.max_attempts = 5;
  alert::DeliveryWorker worker(*outbox_, options);
  // Failures at t, then due again after 10, 20, 40 (cap), and failed at the 5th attempt.
  int64_t now = kT0;
  for (int64_t delay : {10, 20, 40, 40}) {
    auto pass = worker.RunOnce(now);
    ASSERT_TRUE(pass.ok());
    EXPECT_EQ(pass->retried, 1) << "at +" << (now - kT0) / kSecond << " s";
    auto early = store_->outbox().DueAlerts(now + delay * kSecond - 1, 10);
    ASSERT_TRUE(early.ok());
    EXPECT_TRUE(early->empty()) << "due before its backoff of " << delay << " s";
    now += delay * kSecond;
    auto due = store_->outbox().DueAlerts(now, 10);
    ASSERT_TRUE(due.ok());
    ASSERT_EQ(due->size(), 1u);
  }
  auto pass = worker.RunOnce(now);
  ASSERT_TRUE(pass.ok());
  EXPECT_EQ(pass->failed, 1);
  auto failed = store_->outbox().FailedAlerts(10);
  ASSERT_TRUE(failed.ok());
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ((*failed)[0].attempts, 4u);
  EXPECT_NE((*failed)[0].last_error.find("exit"), std::string::npos) << (*failed)[0].last_error;
}

TEST_F(AlertWorkerTest, PermanentErrorFailsAtOnce) {
  Put("http://127.0.0.1/a", "today", kT0);
  alert::RuleRoute route;
  route.channels.push_back(
      alert::MakeCommandChannel({dir_.path() + "/no-such-program"}, std::chrono::seconds(10)));
  alert::DeliveryWorker worker(*outbox_, Options(route));
  auto pass = worker.RunOnce(kT0);
  ASSERT_TRUE(pass.ok());
  EXPECT_EQ(pass->failed, 1);
  EXPECT_EQ(pass->retried, 0);
  auto failed = store_->outbox().FailedAlerts(10);
  ASSERT_TRUE(failed.ok());
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_NE((*failed)[0].last_error.find("no-such-program"), std::string::npos);

  // Requeued (kuzet alerts --retry) and delivered once the channel works.
  auto requeued = store_->outbox().RequeueFailedAlerts(kT0 + kSecond);
  ASSERT_TRUE(requeued.ok());
  EXPECT_EQ(*requeued, 1);
  alert::DeliveryWorker fixed(*outbox_, Options(HookRoute()));
  pass = fixed.RunOnce(kT0 + kSecond);
  ASSERT_TRUE(pass.ok());
  EXPECT_EQ(pass->sent, 1);
  EXPECT_EQ(Received().size(), 1u);
}

TEST_F(AlertWorkerTest, AlertsOfRulesWithoutChannelsAreKeptAsFailed) {
  Put("http://127.0.0.1/a", "today", kT0);
  alert::WorkerOptions options;  // no routes, empty fallback
  alert::DeliveryWorker worker(*outbox_, options);
  auto pass = worker.RunOnce(kT0);
  ASSERT_TRUE(pass.ok());
  EXPECT_EQ(pass->failed, 1);
  auto failed = store_->outbox().FailedAlerts(10);
  ASSERT_TRUE(failed.ok());
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ((*failed)[0].last_error, "no alert channel configured for rule zhanaozen");
}

}  // namespace
}  // namespace kuzet::app
