// /healthz's verdict (app/health.h): starting until the daemon is ready, stalled after three beat
// periods without a beat, ready again at the next beat; and through the HTTP server, 200 or 503
// with the reason, without the token. Also the fetch latency histogram's buckets.
#include "app/health.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include <httplib.h>

#include "app/http_server.h"
#include "app/latency_histogram.h"

namespace kuzet::app {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class HealthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("kuzet-health-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    auto store = storage::Store::Open((dir_ / "store").string());
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(store).value();
    auto state = crawler::CrawlState::Open((dir_ / "crawl").string());
    ASSERT_TRUE(state.ok()) << state.status().message();
    state_ = std::move(state).value();
  }
  void TearDown() override {
    store_.reset();
    state_.reset();
    fs::remove_all(dir_);
  }

  fs::path dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<crawler::CrawlState> state_;
  Health::Clock::time_point now_ = Health::Clock::time_point(1000h);
};

TEST_F(HealthTest, StartingThenReadyThenStalledThenReadyAgain) {
  Health health(*store_, *state_, 60s, [this] { return now_; });
  HealthVerdict v = health.Check();
  EXPECT_FALSE(v.ready);
  EXPECT_EQ(v.reason, "starting");

  health.MarkReady();
  v = health.Check();
  EXPECT_TRUE(v.ready);
  EXPECT_EQ(v.reason, "ready");

  now_ += 180s;  // three beat periods: still within
  EXPECT_TRUE(health.Check().ready);
  now_ += 1s;
  v = health.Check();
  EXPECT_FALSE(v.ready);
  EXPECT_EQ(v.reason, "stalled: the daemon's loop has not come round for 181 s");

  health.Beat();
  EXPECT_TRUE(health.Check().ready);
}

// Over HTTP: 503 with the reason while not ready, 200 "ready" after; no token asked for, though
// the server has one; kuzet_healthy in /metrics agrees.
TEST_F(HealthTest, HealthzAnswers503WithTheReasonUntilReady) {
  Health health(*store_, *state_, 60s, [this] { return now_; });
  HttpServerOptions options;
  options.data_dir = (dir_ / "store").string();
  options.listen = "127.0.0.1:0";
  options.token = "s3cret";
  options.daemon.health = &health;
  auto server = HttpServer::Start(options);
  ASSERT_TRUE(server.ok()) << server.status().message();
  httplib::Client client("127.0.0.1", (*server)->port());
  httplib::Headers auth = {{"Authorization", "Bearer s3cret"}};

  auto starting = client.Get("/healthz");
  ASSERT_TRUE(starting);
  EXPECT_EQ(starting->status, 503);
  EXPECT_EQ(starting->body, "starting\n");
  auto metrics = client.Get("/metrics", auth);
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("\nkuzet_healthy 0\n"), std::string::npos) << metrics->body;

  health.MarkReady();
  auto ready = client.Get("/healthz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
  EXPECT_EQ(ready->body, "ready\n");
  metrics = client.Get("/metrics", auth);
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("\nkuzet_healthy 1\n"), std::string::npos) << metrics->body;
}

TEST(LatencyHistogramTest, BucketsAreCumulativeAndBoundsInclusive) {
  LatencyHistogram h;
  for (double s : {0.01, 0.05, 0.3, 2.0, 75.0}) h.Observe(s);
  h.Observe(-1);  // a clock that stepped back counts as 0
  EXPECT_EQ(h.count(), 6u);
  EXPECT_DOUBLE_EQ(h.sum(), 0.01 + 0.05 + 0.3 + 2.0 + 75.0);
  EXPECT_EQ(h.CumulativeCount(0), 3u);  // le 0.05: 0.01, 0.05 and the 0
  EXPECT_EQ(h.CumulativeCount(2), 3u);  // le 0.25
  EXPECT_EQ(h.CumulativeCount(3), 4u);  // le 0.5
  EXPECT_EQ(h.CumulativeCount(5), 5u);  // le 2
  EXPECT_EQ(h.CumulativeCount(LatencyHistogram::kBounds.size() - 1), 5u);  // le 60: not 75
}

}  // namespace
}  // namespace kuzet::app
