// Fault: `kill -9` during a first start, after RocksDB began creating the database and before it
// wrote CURRENT. Before, every later open refused the store as damaged, so the daemon never came
// up again; now such a directory (which never held a write) is created afresh, while a directory
// that lost CURRENT but holds data is still refused.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "crawler/crawl_state.h"
#include "storage/interrupted_creation.h"
#include "storage/store.h"

namespace kuzet::storage {
namespace {

namespace fs = std::filesystem;

class InterruptedCreationTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() / ("kuzet-interrupted-" + std::to_string(getpid()) + "-" +
                                     testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The files RocksDB's NewDB leaves when killed before CURRENT (and `extra`).
  static void LeaveInterruptedCreation(const fs::path& db, const std::vector<std::string>& extra) {
    fs::create_directories(db);
    for (std::string name : {"LOCK", "IDENTITY", "MANIFEST-000001", "000001.dbtmp"}) {
      std::ofstream(db / name) << "partial";
    }
    for (const std::string& name : extra) std::ofstream(db / name) << "data";
  }

  fs::path dir_;
};

TEST_F(InterruptedCreationTest, StoreIsCreatedAfreshAndWorks) {
  const fs::path db = dir_ / "store";
  LeaveInterruptedCreation(db, {});
  ASSERT_TRUE(IsInterruptedCreation(db.string()));
  auto read_only = Store::Open(dir_.string(), Store::Mode::kReadOnly);
  ASSERT_FALSE(read_only.ok());
  EXPECT_EQ(read_only.status().code(), Status::Code::kNotFound) << read_only.status().message();
  {
    auto store = Store::Open(dir_.string());
    ASSERT_TRUE(store.ok()) << store.status().message();
  }
  EXPECT_TRUE(fs::exists(db / "CURRENT"));
  auto again = Store::Open(dir_.string());
  EXPECT_TRUE(again.ok()) << again.status().message();
}

TEST_F(InterruptedCreationTest, CrawlStateIsCreatedAfresh) {
  const fs::path db = dir_ / "crawl";
  LeaveInterruptedCreation(db, {});
  auto state = crawler::CrawlState::Open(db.string());
  ASSERT_TRUE(state.ok()) << state.status().message();
  EXPECT_TRUE(fs::exists(db / "CURRENT"));
}

// Anything a completed open writes (a log, a table, OPTIONS, a later MANIFEST) means the database
// held data once: that is damage for a person to look at, never cleared.
TEST_F(InterruptedCreationTest, DirectoryWithDataIsStillRefusedAndLeftAlone) {
  for (std::string extra : {"000004.log", "000009.sst", "OPTIONS-000007", "MANIFEST-000005"}) {
    SCOPED_TRACE(extra);
    fs::remove_all(dir_ / "store");
    const fs::path db = dir_ / "store";
    LeaveInterruptedCreation(db, {extra});
    EXPECT_FALSE(IsInterruptedCreation(db.string()));
    auto store = Store::Open(dir_.string());
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.status().code(), Status::Code::kCorruption) << store.status().message();
    EXPECT_TRUE(fs::exists(db / extra));
    EXPECT_FALSE(ClearInterruptedCreation(db.string()).ok());
  }
}

// Another process holding RocksDB's lock is creating the database right now: not interrupted.
TEST_F(InterruptedCreationTest, CreationUnderWayInAnotherProcessIsNotTouched) {
  const fs::path db = dir_ / "store";
  LeaveInterruptedCreation(db, {});
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const int fd = ::open((db / "LOCK").c_str(), O_RDWR);
    struct flock lock = {};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    const char ok = (fd >= 0 && fcntl(fd, F_SETLK, &lock) == 0) ? '1' : '0';
    (void)!write(ready[1], &ok, 1);
    pause();
    _exit(0);
  }
  char ok = 0;
  ASSERT_EQ(read(ready[0], &ok, 1), 1);
  EXPECT_EQ(ok, '1');
  EXPECT_FALSE(IsInterruptedCreation(db.string()));
  EXPECT_TRUE(fs::exists(db / "MANIFEST-000001"));
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  close(ready[0]);
  close(ready[1]);
  EXPECT_TRUE(IsInterruptedCreation(db.string()));  // the lock went with the process
}

}  // namespace
}  // namespace kuzet::storage
