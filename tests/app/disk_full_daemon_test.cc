// `kuzet run` on a data dir whose disk fills up mid-crawl (a tmpfs this test mounts: it runs as
// root, and is skipped otherwise). The daemon must not abort (it did: SIGABRT from RocksDB's
// info-log writer, at every restart too), must say clearly that the disk is full and that it
// paused, must resume by itself once space returns, and must end up with every article stored
// once: the pages it could not store stay queued and are fetched again.
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "tests/app/small_disk.h"
#include "tests/app/storage_fault_site.h"

namespace kuzet {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::kArticles;
using testing::NewsSite;
using testing::StoredPaths;
using testing::WaitFor;

TEST(DiskFullDaemonTest, FullDiskPausesTheDaemonWhichResumesWhenSpaceReturnsLosingNothing) {
  auto small_disk = testing::SmallDisk::Mount("kuzet-disk-full", "48m");
  if (small_disk == nullptr) GTEST_SKIP() << "needs root to mount a tmpfs";
  const fs::path dir = small_disk->dir();
  const fs::path disk = small_disk->disk();

  NewsSite site(100ms);
  const std::string config = (dir / "kuzet.toml").string();
  testing::WriteNewsConfig(config, (disk / "data").string(), site, "1h",
                           "per_host_connections = 1\nconcurrency = 1\n");
  const std::string log = (dir / "daemon.log").string();
  pid_t pid = testing::StartKuzetRun(config, log);
  ASSERT_GT(pid, 0);
  struct KillOnEarlyExit {  // a failed ASSERT must not leave the daemon running
    pid_t& pid;
    ~KillOnEarlyExit() {
      if (pid > 0 && kill(pid, SIGKILL) == 0) waitpid(pid, nullptr, 0);
    }
  } reaper{pid};
  ASSERT_TRUE(WaitFor([&] { return site.ArticleRequests() >= 4; }, 30s)) << testing::ReadFile(log);

  // Fill the disk: all but 64 KiB.
  const fs::path filler = disk / "filler";
  {
    std::ofstream out(filler, std::ios::binary);
    const std::string chunk(1 << 16, 'x');
    while (fs::space(disk).available > (64 << 10) &&
           out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()))) {
    }
  }
  const bool paused = WaitFor(
      [&] { return testing::ReadFile(log).find("crawling paused") != std::string::npos; }, 30s);
  int wait_status = 0;
  ASSERT_EQ(waitpid(pid, &wait_status, WNOHANG), 0)
      << "the daemon died on a full disk (signal "
      << (WIFSIGNALED(wait_status) ? WTERMSIG(wait_status) : 0) << ")\n"
      << testing::ReadFile(log);
  ASSERT_TRUE(paused) << testing::ReadFile(log);
  EXPECT_NE(testing::ReadFile(log).find("disk full at " + (disk / "data").string()),
            std::string::npos)
      << testing::ReadFile(log);
  // Paused: no more fetches while the disk stays full. Staying paused is the absence of events
  // (the daemon rechecks the disk every 5 s without a word), so these two waits stay fixed; the
  // first lets fetches that were in flight at the fault end.
  std::this_thread::sleep_for(1s);
  const int requests_while_full = site.ArticleRequests();
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(site.ArticleRequests(), requests_while_full) << "crawled on with a full disk";

  fs::remove(filler);
  EXPECT_TRUE(WaitFor(
      [&] { return testing::ReadFile(log).find("writing resumed") != std::string::npos; }, 30s))
      << testing::ReadFile(log);
  std::set<std::string> stored;
  WaitFor([&] { return (stored = StoredPaths(config)).size() == kArticles; }, 60s);
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  waitpid(pid, &wait_status, 0);
  pid = -1;
  EXPECT_TRUE(WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0) << testing::ReadFile(log);

  std::set<std::string> expected;
  for (int i = 1; i <= kArticles; ++i) expected.insert("/a" + std::to_string(i));
  EXPECT_EQ(stored, expected) << testing::ReadFile(log);
  if (::testing::Test::HasFailure()) std::cerr << testing::ReadFile(log);
}

}  // namespace
}  // namespace kuzet
