// A full disk: the store lives on a small tmpfs this test mounts (it runs as root; skipped
// otherwise), a filler file takes nearly all the space, and pages are stored until a write
// fails. The process must not abort (RocksDB's own info-log writer asserted on the next write
// after a failed one); the store reports kDiskFull with a message naming its directory; writes
// stay refused while the disk is full; once the filler is removed ResumeWrites() resumes them,
// the refused pages are stored, and after a reopen every acknowledged page is there.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "storage/store.h"
#include "tests/storage/store_test_util.h"

namespace kuzet::storage {
namespace {

namespace fs = std::filesystem;
using testing::Page;
using testing::Rule;
using testing::TempDir;

constexpr int64_t kT0 = 1'700'000'000'000'000;

PageInput NumberedPage(int n) {
  std::string text = "Zhanaozen strike report " + std::to_string(n) + ". ";
  while (text.size() < 4000)
    text += "Oil workers of Zhanaozen demanded equal pay " + std::to_string(n) + ". ";
  return Page("https://a.kz/" + std::to_string(n), text, kT0 + n,
              {Rule("zhanaozen", text, "Zhanaozen")});
}

// A tmpfs of `megabytes` at <dir>/mnt, unmounted when the object goes.
class SmallDisk {
 public:
  SmallDisk(const TempDir& dir, int megabytes) : path_(dir.path() + "/mnt") {
    fs::create_directories(path_);
    const std::string options = "size=" + std::to_string(megabytes) + "m";
    mounted_ = geteuid() == 0 && mount("tmpfs", path_.c_str(), "tmpfs", 0, options.c_str()) == 0;
  }
  ~SmallDisk() {
    if (mounted_) umount2(path_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::string& path() const { return path_; }

  // Takes all but `leave` bytes of the free space.
  void Fill(uintmax_t leave) {
    std::ofstream filler(path_ + "/filler", std::ios::binary);
    const uintmax_t available = fs::space(path_).available;
    const std::string chunk(1 << 16, 'x');
    for (uintmax_t written = 0; written + leave < available; written += chunk.size()) {
      if (!filler.write(chunk.data(), static_cast<std::streamsize>(chunk.size()))) break;
    }
  }
  void Free() { fs::remove(path_ + "/filler"); }

 private:
  std::string path_;
  bool mounted_ = false;
};

TEST(DiskFullTest, WritesPauseWithAClearErrorAndResumeWhenSpaceReturnsLosingNothing) {
  TempDir dir;
  SmallDisk disk(dir, 24);
  if (!disk.mounted()) GTEST_SKIP() << "needs root to mount a tmpfs at " << disk.path();
  const std::string data_dir = disk.path() + "/data";
  auto store = Store::Open(data_dir);
  ASSERT_TRUE(store.ok()) << store.status().message();
  disk.Fill(1 << 20);

  int acknowledged = 0;
  Status refused;
  for (int n = 0; n < 5000; ++n) {
    auto put = (*store)->writer().PutPage(NumberedPage(n));
    if (!put.ok()) {
      refused = put.status();
      break;
    }
    ++acknowledged;
  }
  ASSERT_FALSE(refused.ok()) << "the disk never filled up";
  EXPECT_NE(refused.message().find("the disk is full"), std::string::npos) << refused.message();
  StorageFault fault = (*store)->Fault();
  EXPECT_EQ(fault.kind, StorageFault::Kind::kDiskFull) << fault.message;
  EXPECT_NE(fault.message.find("disk full at " + data_dir + "/store"), std::string::npos)
      << fault.message;

  // While the disk is full: every write is refused, resuming fails, nothing aborts.
  for (int attempt = 0; attempt < 3; ++attempt) {
    EXPECT_FALSE((*store)->writer().PutPage(NumberedPage(acknowledged)).ok());
    EXPECT_EQ((*store)->ResumeWrites().kind, StorageFault::Kind::kDiskFull);
  }

  disk.Free();
  fault = (*store)->ResumeWrites();
  ASSERT_TRUE(fault.ok()) << fault.message;
  EXPECT_TRUE((*store)->Fault().ok());
  const int total = acknowledged + 20;
  for (int n = acknowledged; n < total; ++n) {
    auto put = (*store)->writer().PutPage(NumberedPage(n));
    ASSERT_TRUE(put.ok()) << put.status().message();
    EXPECT_EQ(put->new_mentions, 1);
  }
  store->reset();

  auto reopened = Store::Open(data_dir);
  ASSERT_TRUE(reopened.ok()) << reopened.status().message();
  EXPECT_EQ(*(*reopened)->reader().LastMentionId(), static_cast<uint64_t>(total));
  for (int n = 0; n < total; ++n) {
    auto url = (*reopened)->reader().GetUrl("https://a.kz/" + std::to_string(n));
    ASSERT_TRUE(url.ok() && url->has_value() && (*url)->doc_id != 0) << "page " << n;
  }
}

// A restart while the disk is full: RocksDB's recovery flushes the log into a table file and
// cannot. The open fails saying so (it aborted the process, at every start), and once space
// returns the store opens with every page.
TEST(DiskFullTest, OpeningOnAFullDiskFailsClearlyAndLosesNothing) {
  TempDir dir;
  SmallDisk disk(dir, 24);
  if (!disk.mounted()) GTEST_SKIP() << "needs root to mount a tmpfs at " << disk.path();
  const std::string data_dir = disk.path() + "/data";
  constexpr int kPages = 50;
  {
    auto store = Store::Open(data_dir);
    ASSERT_TRUE(store.ok()) << store.status().message();
    for (int n = 0; n < kPages; ++n) ASSERT_TRUE((*store)->writer().PutPage(NumberedPage(n)).ok());
  }
  disk.Fill(0);
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto store = Store::Open(data_dir);
    ASSERT_FALSE(store.ok());
    EXPECT_NE(store.status().message().find("the disk is full: free some space"), std::string::npos)
        << store.status().message();
  }
  disk.Free();
  auto store = Store::Open(data_dir);
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_EQ(*(*store)->reader().LastMentionId(), static_cast<uint64_t>(kPages));
}

}  // namespace
}  // namespace kuzet::storage
