// The write lock, told apart from other I/O errors by the lock itself (storage/rocks_db.h), not by
// the words of RocksDB's message: a writer in another process is reported as holding the data
// dir, and an I/O error whose message happens to contain "lock" (a data dir named "clock-...") is
// an I/O error, not "another kuzet process holds this data dir". Also for the crawl state.
#include <gtest/gtest.h>
#include <rocksdb/env.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "crawler/crawl_state.h"
#include "storage/store.h"
#include "tests/storage/store_test_util.h"

namespace kuzet::storage {
namespace {

using testing::TempDir;

// The holder child: opens the store read-write, says so, waits for the parent, exits.
// Arguments: "to_parent_fd from_parent_fd dir".
const bool kIsHolderChild = [] {
  if (auto args = testing::ChildRole("lock-holder")) {
    int to_parent = 0, from_parent = 0, used = 0;
    if (sscanf(args->c_str(), "%d %d %n", &to_parent, &from_parent, &used) != 2) _exit(5);
    auto store = Store::Open(args->substr(used));
    if (!store.ok()) _exit(2);
    char go;
    if (write(to_parent, "h", 1) != 1 || read(from_parent, &go, 1) != 1) _exit(4);
    _exit(0);
  }
  return false;
}();

TEST(WriteLockTest, AWriterInAnotherProcessHoldsTheDataDir) {
  TempDir dir;
  int to_parent[2], to_child[2];
  ASSERT_EQ(pipe(to_parent), 0);
  ASSERT_EQ(pipe(to_child), 0);
  pid_t child =
      testing::SpawnChild("lock-holder", std::to_string(to_parent[1]) + " " +
                                             std::to_string(to_child[0]) + " " + dir.path());
  ASSERT_GE(child, 0);
  char held;
  ASSERT_EQ(read(to_parent[0], &held, 1), 1);
  auto second = Store::Open(dir.path());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kUnavailable) << second.status().message();
  EXPECT_NE(second.status().message().find(dir.db_path() + "/LOCK is held"), std::string::npos)
      << second.status().message();
  EXPECT_TRUE(Store::Open(dir.path(), Store::Mode::kReadOnly).ok()) << "readers are welcome";

  ASSERT_EQ(write(to_child[1], "g", 1), 1);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "holder status " << status;
  EXPECT_TRUE(Store::Open(dir.path()).ok()) << "the lock goes with its holder";
}

// Creating any file fails with an I/O error naming the file: under a data dir whose name holds
// "lock", RocksDB's message holds "lock" too.
class NoNewFilesEnv : public rocksdb::EnvWrapper {
 public:
  NoNewFilesEnv() : rocksdb::EnvWrapper(rocksdb::Env::Default()) {}
  const char* Name() const override { return "kuzet.NoNewFilesEnv"; }
  rocksdb::Status NewWritableFile(const std::string& name, std::unique_ptr<rocksdb::WritableFile>*,
                                  const rocksdb::EnvOptions&) override {
    return rocksdb::Status::IOError("injected: cannot create", name);
  }
};

TEST(WriteLockTest, AnIoErrorMentioningLockIsNotTakenForTheLock) {
  TempDir parent;
  const std::string dir = parent.path() + "/clock-tower";
  ASSERT_TRUE(Store::Open(dir).ok());  // a store, closed again
  NoNewFilesEnv env;
  Store::OpenOptions options;
  options.env = &env;
  auto store = Store::Open(dir, Store::Mode::kReadWrite, options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kIOError) << store.status().message();
  EXPECT_NE(store.status().message().find("injected: cannot create"), std::string::npos)
      << store.status().message();
  EXPECT_EQ(store.status().message().find("another kuzet process"), std::string::npos)
      << store.status().message();
}

TEST(WriteLockTest, TheCrawlStateIsHeldTheSameWay) {
  TempDir dir;
  const std::string state_dir = dir.path() + "/crawl";
  auto first = crawler::CrawlState::Open(state_dir);
  ASSERT_TRUE(first.ok()) << first.status().message();
  auto second = crawler::CrawlState::Open(state_dir);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kUnavailable) << second.status().message();
  EXPECT_NE(second.status().message().find(state_dir + "/LOCK is held"), std::string::npos)
      << second.status().message();
  first->reset();
  EXPECT_TRUE(crawler::CrawlState::Open(state_dir).ok());
}

}  // namespace
}  // namespace kuzet::storage
