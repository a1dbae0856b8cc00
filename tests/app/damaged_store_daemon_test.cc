// `kuzet run` on a store whose table files are damaged (garbage over their data blocks; footers
// and indexes intact, so the store opens). Reads that touch the damage fail with Corruption. The
// daemon used to crawl on regardless, logging a storage error for every page and storing
// nothing; it must stop at the first one, with a non-zero exit and a message saying the storage
// failed and how to recover.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "tests/app/storage_fault_site.h"

namespace kuzet {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::NewsSite;
using testing::WaitFor;

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(DamagedStoreDaemonTest, CorruptTablesStopTheDaemonWithAClearMessage) {
  const fs::path dir =
      fs::temp_directory_path() / ("kuzet-damaged-store-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  NewsSite site(0ms);
  const std::string config = (dir / "kuzet.toml").string();
  testing::WriteNewsConfig(config, (dir / "data").string(), site, "1s");
  auto crawled = testing::RunKuzet("crawl --once --config " + config + " 2>&1");
  ASSERT_EQ(crawled.exit_code, 0) << crawled.out;
  auto compacted = testing::RunKuzet("compact --config " + config + " 2>&1");  // into tables
  ASSERT_EQ(compacted.exit_code, 0) << compacted.out;

  // Garbage over the start of the first data block of the `urls` family's table (the file whose
  // properties block names that family): the store opens, and the first URL lookup fails.
  int damaged = 0;
  for (const auto& entry : fs::directory_iterator(dir / "data" / "store")) {
    if (entry.path().extension() != ".sst") continue;
    std::fstream f(entry.path(), std::ios::in | std::ios::out | std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    if (bytes.find("urls") == std::string::npos) continue;
    f.seekp(0);
    f.write("\xA5\xA5\xA5\xA5\xA5\xA5\xA5\xA5", 8);
    ++damaged;
  }
  ASSERT_EQ(damaged, 1);

  const std::string log = (dir / "daemon.log").string();
  pid_t pid = testing::StartKuzetRun(config, log);
  ASSERT_GT(pid, 0);
  int wait_status = 0;
  const bool exited = WaitFor([&] { return waitpid(pid, &wait_status, WNOHANG) == pid; }, 30s);
  if (!exited) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  const std::string text = testing::ReadFile(log);
  ASSERT_TRUE(exited) << "the daemon crawled on with a damaged store\n" << text;
  EXPECT_TRUE(WIFEXITED(wait_status) && WEXITSTATUS(wait_status) != 0) << text;
  EXPECT_NE(text.find("storage failed, kuzet stops"), std::string::npos) << text;
  EXPECT_NE(text.find("Corruption"), std::string::npos) << text;
  EXPECT_NE(text.find("kuzet repair --data-dir " + (dir / "data").string()), std::string::npos)
      << text;
  // It stopped at once: a handful of failed pages at most, not one per article.
  EXPECT_LE(Count(text, " error "), 5u) << text;
  if (!::testing::Test::HasFailure()) fs::remove_all(dir);
}

}  // namespace
}  // namespace kuzet
