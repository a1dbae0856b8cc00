// An I/O error on the crawl state's disk (a failing disk or controller), injected through the
// rocksdb::Env the crawl state is opened with: the failed Commit stops the crawl (no new fetch
// starts), the state's fault names its dir, and nothing is lost: every page whose frontier
// removal failed is still queued, and the next crawl (disk working again) fetches it again.
#include <rocksdb/env.h>

#include <atomic>
#include <ctime>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "crawler/crawl_state.h"
#include "crawler/crawler.h"
#include "tests/crawler/crawl_test_util.h"
#include "tests/failing_env.h"

namespace kuzet::crawler {
namespace {

using kuzet::testing::FailingEnv;
using testing::Contains;
using testing::FastLocalSettings;
using testing::FeedSite;
using testing::RecordingHandler;
using testing::SiteServer;

using CrawlStateIoErrorTest = testing::CrawlStateFixture;

TEST_F(CrawlStateIoErrorTest, FailedCommitStopsTheCrawlAndLosesNothing) {
  constexpr int kPages = 8;
  SiteServer real(FeedSite(kPages));
  config::Site site;
  site.id = "failing-disk";
  site.feeds = {real.Url("/feed.xml")};
  config::Settings settings = FastLocalSettings();
  settings.concurrency = 1;
  settings.per_host_connections = 1;

  FailingEnv env;
  state_.reset();
  auto opened = CrawlState::Open(dir_.string(), CrawlState::Mode::kReadWrite, &env);
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  state_ = std::move(opened).value();

  RecordingHandler handler;
  handler.store_pages = true;  // what the store kept: written before the crawl state failed
  handler.on_page = [&](const CrawledPage&) {
    if (handler.pages.size() == 2) env.fail = true;
  };
  CrawlStats stats;
  {
    Crawler crawler(settings, state_.get());
    stats = crawler.CrawlOnce({site}, handler);
  }
  EXPECT_TRUE(stats.stopped);
  EXPECT_LT(handler.pages.size(), static_cast<size_t>(kPages))
      << "the crawl went on fetching after its crawl state failed a write";
  storage::StorageFault fault = state_->Fault();
  EXPECT_EQ(fault.kind, storage::StorageFault::Kind::kFatal) << fault.message;
  EXPECT_NE(fault.message.find(dir_.string()), std::string::npos) << fault.message;

  // The disk answers again; the process restarts with the crawl state as it is on disk.
  state_.reset();
  env.fail = false;
  Reopen();
  std::vector<std::string> queued = QueuedUrls("failing-disk");
  for (int i = 3; i <= kPages; ++i) {
    const std::string url = real.Url("/a" + std::to_string(i));
    EXPECT_TRUE(Contains(queued, url) || Contains(handler.pages, url)) << url << " was lost";
  }
  const std::vector<std::string> before_fault = handler.pages;
  RecordingHandler next;
  next.stored = handler.stored;
  Crawler crawler(settings, state_.get());
  crawler.CrawlOnce({site}, next);
  for (int i = 1; i <= kPages; ++i) {
    const std::string url = real.Url("/a" + std::to_string(i));
    EXPECT_TRUE(Contains(before_fault, url) || Contains(next.pages, url)) << url << " was lost";
  }
  EXPECT_TRUE(QueuedUrls("failing-disk").empty());
  EXPECT_TRUE(state_->Fault().ok()) << state_->Fault().message;
}

}  // namespace
}  // namespace kuzet::crawler
