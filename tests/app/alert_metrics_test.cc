// Fault: one alert channel is dead (a webhook on a port nobody listens on) beside a working hook.
// The worker over the store's outbox counts into /metrics' families per channel: the hook's send,
// each failed webhook attempt, and the webhook given up after max_attempts (issue #19 item 4).
#include <unistd.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "alert/channel.h"
#include "alert/delivery_worker.h"
#include "app/alert_delivery.h"
#include "app/pipeline_metrics.h"
#include "tests/app/alert_test_pages.h"
#include "tests/app/refusing_port.h"

namespace kuzet::app {
namespace {

namespace fs = std::filesystem;

TEST(AlertMetricsTest, SendsFailuresAndGivingUpAreCountedPerChannel) {
  fs::path dir = fs::temp_directory_path() / ("kuzet-alert-metrics-" + std::to_string(getpid()));
  fs::remove_all(dir);
  auto store = storage::Store::Open(dir.string());
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto config = config::ParseConfig(testing::kSteppeConfig, "t.toml");
  ASSERT_TRUE(config.ok()) << config.status().message();
  PipelineMetrics metrics;
  StoreAlertOutbox outbox(**store, *config, &metrics);

  kuzet::testing::RefusingPort refusing;  // the webhook's every connection is refused
  ASSERT_GT(refusing.port(), 0);
  std::string dead = "http://127.0.0.1:" + std::to_string(refusing.port()) + "/hook";

  alert::RuleRoute route;
  route.channels.push_back(
      alert::MakeCommandChannel({"/bin/sh", "-c", "cat > /dev/null"}, std::chrono::seconds(10)));
  alert::WebhookSettings quick;
  quick.connect_timeout = std::chrono::seconds(2);
  quick.timeout = std::chrono::seconds(5);
  route.channels.push_back(alert::MakeWebhookChannel(dead, quick));
  alert::WorkerOptions options;
  options.policy.max_attempts = 2;
  options.routes["zhanaozen"] = std::move(route);
  alert::DeliveryWorker worker(outbox, std::move(options));

  const int64_t t0 = int64_t{1764400000} * 1000000;
  auto put = (*store)->writer().PutPage(
      testing::Page("https://steppe.kz/1", "Strike", testing::StrikeText("a"), t0));
  ASSERT_TRUE(put.ok()) << put.status().message();
  ASSERT_TRUE(worker.RunOnce(t0).ok());
  ASSERT_TRUE(worker.RunOnce(t0 + int64_t{3600} * 1000000).ok());  // past any backoff

  PipelineCounts counts = metrics.Snapshot();
  EXPECT_EQ(counts.alert_sends["hook"], 1u);
  EXPECT_EQ(counts.alert_sends.count("webhook"), 0u);
  EXPECT_EQ(counts.alert_send_failures["webhook"], 2u);
  EXPECT_EQ(counts.alert_send_failures.count("hook"), 0u);
  EXPECT_EQ(counts.alert_given_up["webhook"], 1u);
  auto failed = (*store)->outbox().FailedAlerts(10);
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->size(), 1u) << "the alert waits for `kuzet alerts --retry`";
  store->reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace kuzet::app
