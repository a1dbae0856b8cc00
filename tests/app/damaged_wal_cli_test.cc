// A damaged write-ahead log record under the commands: `run`, `compact` and `mentions` used to
// open the store anyway, replaying up to the damage and dropping every write after it (exit 0,
// fewer mentions, a word in RocksDB's LOG only). Now each refuses, naming the log and what is
// at stake; `kuzet repair` keeps everything before the damage and says which mentions it lost,
// and then the store opens with exactly those missing.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include <gtest/gtest.h>

#include "tests/app/storage_fault_site.h"

namespace kuzet {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::kArticles;
using testing::NewsSite;
using testing::StoredPaths;

TEST(DamagedWalCliTest, CommandsRefuseADamagedLogAndRepairSaysWhatWasLost) {
  const fs::path dir =
      fs::temp_directory_path() / ("kuzet-damaged-wal-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  NewsSite site(0ms);
  const std::string config = (dir / "kuzet.toml").string();
  testing::WriteNewsConfig(config, (dir / "data").string(), site, "1h");
  auto crawled = testing::RunKuzet("crawl --once --config " + config + " 2>&1");
  ASSERT_EQ(crawled.exit_code, 0) << crawled.out;
  ASSERT_EQ(StoredPaths(config).size(), static_cast<size_t>(kArticles));

  fs::path log;
  for (const auto& entry : fs::directory_iterator(dir / "data" / "store")) {
    if (entry.path().extension() == ".log" && fs::file_size(entry.path()) > 0) log = entry.path();
  }
  ASSERT_FALSE(log.empty());
  {
    std::fstream f(log, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(fs::file_size(log) / 2));
    f.write("\xA5\xA5\xA5\xA5", 4);
  }

  for (const std::string command : {"compact", "mentions", "run"}) {
    SCOPED_TRACE(command);
    // `run` would crawl on for good if it opened the store: 20 s at most.
    auto result = testing::RunShell(std::string("timeout 20 ") + KUZET_BINARY + " " + command +
                                    " --config " + config + " 2>&1");
    EXPECT_EQ(result.exit_code, 1) << result.out;
    EXPECT_NE(result.out.find(log.string() + " is damaged at byte"), std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("kuzet repair --data-dir"), std::string::npos) << result.out;
  }

  auto repaired = testing::RunKuzet("repair --config " + config + " 2>&1");
  ASSERT_EQ(repaired.exit_code, 0) << repaired.out;
  std::smatch lost;
  const std::regex kLost(R"(mentions lost: (\d+) \(ids (\d+)-(\d+)\))");
  ASSERT_TRUE(std::regex_search(repaired.out, lost, kLost)) << repaired.out;
  const size_t count = std::stoul(lost[1]), first = std::stoul(lost[2]), last = std::stoul(lost[3]);
  EXPECT_EQ(last, static_cast<size_t>(kArticles)) << repaired.out;
  EXPECT_EQ(count, last - first + 1) << repaired.out;
  EXPECT_GT(count, 0u);
  // Exactly the reported mentions are missing; the rest are there.
  EXPECT_EQ(StoredPaths(config).size(), first - 1) << repaired.out;
  auto again = testing::RunKuzet("repair --config " + config + " 2>&1");
  EXPECT_EQ(again.exit_code, 0) << again.out;
  EXPECT_NE(again.out.find("nothing to repair"), std::string::npos) << again.out;
  if (!::testing::Test::HasFailure()) fs::remove_all(dir);
}

}  // namespace
}  // namespace kuzet
