// A power cut, simulated the way LevelDB's fault_injection_test does: the rocksdb::Env the store
// is opened with records how many bytes of every file it wrote were synced, and which new files
// had their directory synced; at the "power cut" it stops every later write, and then drops what
// a disk would lose (each file truncated to its synced length, files whose directory entry was
// never synced deleted). kill -9 cannot show this: the OS page cache survives it.
//
// With sync_mentions every acknowledged page with mentions must survive; the same sequence with
// the sync switched off must lose some, which shows the test would catch a missing fsync.
#include <gtest/gtest.h>
#include <rocksdb/env.h>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/store.h"
#include "tests/storage/store_test_util.h"

namespace kuzet::storage {
namespace {

namespace fs = std::filesystem;
using testing::Page;
using testing::Rule;
using testing::TempDir;

constexpr int64_t kT0 = 1'700'000'000'000'000;

// What the env knows of one file it created.
struct FileState {
  uint64_t written = 0;       // bytes appended
  uint64_t synced = 0;        // bytes a Sync/Fsync made durable
  bool entry_synced = false;  // its directory was synced after it was created
};

class PowerCutEnv;

// Passes writes through while the power is on and records what was synced; discards them after.
class TrackedFile : public rocksdb::WritableFile {
 public:
  TrackedFile(std::unique_ptr<rocksdb::WritableFile> target, std::string name, PowerCutEnv& env)
      : target_(std::move(target)), name_(std::move(name)), env_(env) {}
  using rocksdb::WritableFile::Append;
  rocksdb::Status Append(const rocksdb::Slice& data) override;
  rocksdb::Status Flush() override;
  rocksdb::Status Sync() override;
  rocksdb::Status Fsync() override { return Sync(); }
  rocksdb::Status Close() override { return target_->Close(); }
  uint64_t GetFileSize() override { return target_->GetFileSize(); }
  rocksdb::Status Truncate(uint64_t size) override;
  // Starting write-back is not durability: nothing is recorded.
  rocksdb::Status RangeSync(uint64_t, uint64_t) override { return rocksdb::Status::OK(); }
  bool IsSyncThreadSafe() const override { return target_->IsSyncThreadSafe(); }

 private:
  std::unique_ptr<rocksdb::WritableFile> target_;
  const std::string name_;
  PowerCutEnv& env_;
};

class TrackedDirectory : public rocksdb::Directory {
 public:
  TrackedDirectory(std::unique_ptr<rocksdb::Directory> target, std::string name, PowerCutEnv& env)
      : target_(std::move(target)), name_(std::move(name)), env_(env) {}
  rocksdb::Status Fsync() override;
  rocksdb::Status Close() override { return target_->Close(); }

 private:
  std::unique_ptr<rocksdb::Directory> target_;
  const std::string name_;
  PowerCutEnv& env_;
};

class PowerCutEnv : public rocksdb::EnvWrapper {
 public:
  PowerCutEnv() : rocksdb::EnvWrapper(rocksdb::Env::Default()) {}
  const char* Name() const override { return "kuzet.PowerCutEnv"; }

  rocksdb::Status NewWritableFile(const std::string& name,
                                  std::unique_ptr<rocksdb::WritableFile>* result,
                                  const rocksdb::EnvOptions& options) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (power_off_) return rocksdb::Status::IOError("power is off", name);
    rocksdb::Status s = target()->NewWritableFile(name, result, options);
    if (!s.ok()) return s;
    files_[Normal(name)] = FileState{};
    *result = std::make_unique<TrackedFile>(std::move(*result), Normal(name), *this);
    return s;
  }
  rocksdb::Status ReopenWritableFile(const std::string& name,
                                     std::unique_ptr<rocksdb::WritableFile>*,
                                     const rocksdb::EnvOptions&) override {
    return rocksdb::Status::NotSupported("PowerCutEnv does not track reopened files", name);
  }
  rocksdb::Status NewDirectory(const std::string& name,
                               std::unique_ptr<rocksdb::Directory>* result) override {
    rocksdb::Status s = target()->NewDirectory(name, result);
    if (s.ok())
      *result = std::make_unique<TrackedDirectory>(std::move(*result), Normal(name), *this);
    return s;
  }
  rocksdb::Status DeleteFile(const std::string& name) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (power_off_) return rocksdb::Status::OK();
    files_.erase(Normal(name));
    return target()->DeleteFile(name);
  }
  rocksdb::Status RenameFile(const std::string& from, const std::string& to) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (power_off_) return rocksdb::Status::OK();
    // A rename is taken as durable once made (RocksDB syncs the directory right after renaming
    // CURRENT): the simulation does not restore a replaced file.
    auto it = files_.find(Normal(from));
    if (it != files_.end()) {
      FileState state = it->second;
      state.entry_synced = true;
      files_.erase(it);
      files_[Normal(to)] = state;
    }
    return target()->RenameFile(from, to);
  }

  // The power goes: nothing written from now on reaches the disk.
  void CutPower() {
    std::lock_guard<std::mutex> lock(mutex_);
    power_off_ = true;
  }
  // What the disk holds after the power cut (call once the store is closed): every file cut to
  // its synced length, every file whose directory entry was never synced gone. Returns how many
  // unsynced bytes were dropped.
  uint64_t DropUnsyncedData() {
    std::lock_guard<std::mutex> lock(mutex_);
    uint64_t dropped = 0;
    for (const auto& [name, state] : files_) {
      std::error_code ec;
      if (!state.entry_synced) {
        dropped += state.written;
        fs::remove(name, ec);
      } else if (state.written > state.synced) {
        dropped += state.written - state.synced;
        fs::resize_file(name, state.synced, ec);
      }
      EXPECT_FALSE(ec) << name << ": " << ec.message();
    }
    files_.clear();
    return dropped;
  }

  // Called by TrackedFile and TrackedDirectory. false: the power is off, discard the write.
  bool Appended(const std::string& name, uint64_t n) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (power_off_) return false;
    files_[name].written += n;
    return true;
  }
  bool Synced(const std::string& name) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (power_off_) return false;
    FileState& state = files_[name];
    state.synced = state.written;
    return true;
  }
  bool Truncated(const std::string& name, uint64_t size) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (power_off_) return false;
    FileState& state = files_[name];
    state.written = size;
    state.synced = std::min(state.synced, size);
    return true;
  }
  bool DirectorySynced(const std::string& dir) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (power_off_) return false;
    for (auto& [name, state] : files_) {
      if (fs::path(name).parent_path() == fs::path(dir)) state.entry_synced = true;
    }
    return true;
  }

 private:
  static std::string Normal(const std::string& path) {
    std::string normal = fs::path(path).lexically_normal().string();
    while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
    return normal;
  }

  std::mutex mutex_;
  bool power_off_ = false;
  std::map<std::string, FileState> files_;
};

rocksdb::Status TrackedFile::Append(const rocksdb::Slice& data) {
  if (!env_.Appended(name_, data.size())) return rocksdb::Status::OK();
  return target_->Append(data);
}
rocksdb::Status TrackedFile::Flush() {
  // Flush hands the data to the OS (the page cache), which a power cut loses.
  return target_->Flush();
}
rocksdb::Status TrackedFile::Sync() {
  rocksdb::Status s = target_->Sync();
  if (s.ok()) env_.Synced(name_);
  return s;
}
rocksdb::Status TrackedFile::Truncate(uint64_t size) {
  if (!env_.Truncated(name_, size)) return rocksdb::Status::OK();
  return target_->Truncate(size);
}
rocksdb::Status TrackedDirectory::Fsync() {
  rocksdb::Status s = target_->Fsync();
  if (s.ok()) env_.DirectorySynced(name_);
  return s;
}

PageInput NumberedPage(int n) {
  const std::string text = "Zhanaozen strike report number " + std::to_string(n);
  return Page("https://a.kz/" + std::to_string(n), text, kT0 + n,
              {Rule("zhanaozen", text, "Zhanaozen")});
}

// Writes `pages` pages with one mention each through a store on `env` (each PutPage acknowledged
// before the next), cuts the power with the store open, and returns how many of the
// acknowledged mentions a fresh open finds.
int SurvivingMentions(const std::string& dir, bool sync_mentions, int pages, int group_size) {
  PowerCutEnv env;
  {
    Store::OpenOptions options;
    options.env = &env;
    options.sync_mentions = sync_mentions;
    auto store = Store::Open(dir, Store::Mode::kReadWrite, options);
    EXPECT_TRUE(store.ok()) << store.status().message();
    if (!store.ok()) return -1;
    for (int n = 0; n < pages;) {
      std::vector<PageInput> group;
      for (int i = 0; i < group_size && n < pages; ++i) group.push_back(NumberedPage(n++));
      if (group_size == 1) {
        auto put = (*store)->writer().PutPage(group[0]);
        EXPECT_TRUE(put.ok()) << put.status().message();
      } else {
        auto put = (*store)->writer().PutPages(group);
        EXPECT_TRUE(put.ok()) << put.status().message();
      }
    }
    env.CutPower();
  }  // the store closes with the power off: nothing it writes while closing reaches the disk
  env.DropUnsyncedData();

  auto store = Store::Open(dir);
  EXPECT_TRUE(store.ok()) << store.status().message();
  if (!store.ok()) return -1;
  int found = 0;
  for (int n = 0; n < pages; ++n) {
    auto url = (*store)->reader().GetUrl(NumberedPage(n).url);
    EXPECT_TRUE(url.ok()) << url.status().message();
    if (url.ok() && url->has_value()) ++found;
  }
  auto last = (*store)->reader().LastMentionId();
  EXPECT_TRUE(last.ok());
  if (last.ok()) {
    EXPECT_EQ(*last, static_cast<uint64_t>(found)) << "a mention without its page";
  }
  return found;
}

TEST(FaultInjectionTest, EveryAcknowledgedPageWithMentionsSurvivesAPowerCut) {
  TempDir dir;
  EXPECT_EQ(SurvivingMentions(dir.path(), /*sync_mentions=*/true, 40, 1), 40);
}

TEST(FaultInjectionTest, EveryAcknowledgedGroupSurvivesAPowerCut) {
  for (int group_size : {2, 16}) {
    TempDir dir;
    EXPECT_EQ(SurvivingMentions(dir.path(), /*sync_mentions=*/true, 40, group_size), 40)
        << "groups of " << group_size;
  }
}

// The same writes without the sync lose acknowledged pages under the same power cut: the test
// above can fail, and would if the store stopped syncing.
TEST(FaultInjectionTest, WithoutTheSyncThePowerCutLosesAcknowledgedPages) {
  for (int group_size : {1, 16}) {
    TempDir dir;
    EXPECT_LT(SurvivingMentions(dir.path(), /*sync_mentions=*/false, 40, group_size), 40)
        << "groups of " << group_size;
  }
}

}  // namespace
}  // namespace kuzet::storage
