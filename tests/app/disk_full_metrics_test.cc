// Fault: the data dir's disk fills up (a tmpfs this test mounts: it runs as root, and is skipped
// otherwise). The pipeline's refused writes count in kuzet_store_write_errors_total, and /healthz's
// verdict says "storage: disk full" rather than ready (issue #19 item 4).
#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "app/health.h"
#include "app/pipeline.h"
#include "app/pipeline_metrics.h"
#include "tests/app/pipeline_test_pages.h"
#include "tests/app/small_disk.h"

namespace kuzet::app {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

TEST(DiskFullMetricsTest, RefusedWritesAreCountedAndHealthSaysDiskFull) {
  auto small_disk = kuzet::testing::SmallDisk::Mount("kuzet-disk-full-metrics", "16m");
  if (small_disk == nullptr) GTEST_SKIP() << "needs root to mount a tmpfs";
  const fs::path dir = small_disk->dir();
  const fs::path disk = small_disk->disk();

  auto store = storage::Store::Open((disk / "data").string());
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto state = crawler::CrawlState::Open((disk / "data" / "crawl").string());
  ASSERT_TRUE(state.ok()) << state.status().message();
  Health health(**store, **state, 60s);
  health.MarkReady();
  ASSERT_EQ(health.Check().reason, "ready");

  auto matcher = keywords::Matcher::Compile({keywords::RuleSpec{"zh", {"Zhanaozen"}}});
  ASSERT_TRUE(matcher.ok()) << matcher.status().message();
  config::Site site;
  site.id = "steppe";
  PipelineMetrics metrics;
  PagePipeline pipeline(*matcher, **store, PageLimits{}, &metrics);

  // Fill the disk: all but 64 KiB.
  {
    std::ofstream out(disk / "filler", std::ios::binary);
    const std::string chunk(1 << 16, 'x');
    while (fs::space(disk).available > (64 << 10) &&
           out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()))) {
    }
  }
  // Articles of 40 KB of distinct text until the store refuses one (a bounded number).
  for (int i = 0; i < 100 && (*store)->Fault().ok(); ++i) {
    std::string body = "<html><body><article><h1>Strike " + std::to_string(i) + "</h1>";
    for (int p = 0; p < 100; ++p) {
      body += "<p>Oil workers in Zhanaozen, article " + std::to_string(i) + " paragraph " +
              std::to_string(p) + ", demand the wage rises promised in 2011.</p>";
    }
    pipeline.OnPage(
        testing::PageAt(site, "https://steppe.kz/" + std::to_string(i), body + "</article>"));
  }
  ASSERT_EQ((*store)->Fault().kind, storage::StorageFault::Kind::kDiskFull)
      << (*store)->Fault().message;
  EXPECT_GE(metrics.Snapshot().store_write_errors, 1u);
  HealthVerdict verdict = health.Check();
  EXPECT_FALSE(verdict.ready);
  EXPECT_EQ(verdict.reason, "storage: disk full");

  fs::remove(disk / "filler");
  (*store)->ResumeWrites();
  (*state)->ResumeWrites();
  EXPECT_EQ(health.Check().reason, "ready") << "space returned";
  state->reset();
  store->reset();
}

}  // namespace
}  // namespace kuzet::app
