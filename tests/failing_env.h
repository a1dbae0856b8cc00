// A rocksdb::Env whose writes fail while `fail` is set: an I/O error that is not a full disk (a
// failing disk or controller), for the store's and the crawl state's I/O error tests. Files opened
// while it is set fail at once; files opened before fail at their next write or sync.
#pragma once

#include <rocksdb/env.h>

#include <atomic>
#include <memory>
#include <string>

namespace kuzet::testing {

inline rocksdb::Status Injected() {
  return rocksdb::Status::IOError("injected", "the disk controller reported an error");
}

// A file whose writes fail while `fail` is set.
class FailingFile : public rocksdb::WritableFile {
 public:
  FailingFile(std::unique_ptr<rocksdb::WritableFile> target, const std::atomic<bool>& fail)
      : target_(std::move(target)), fail_(fail) {}
  using rocksdb::WritableFile::Append;
  rocksdb::Status Append(const rocksdb::Slice& data) override {
    return fail_ ? Injected() : target_->Append(data);
  }
  rocksdb::Status Flush() override { return fail_ ? Injected() : target_->Flush(); }
  rocksdb::Status Sync() override { return fail_ ? Injected() : target_->Sync(); }
  rocksdb::Status Fsync() override { return fail_ ? Injected() : target_->Fsync(); }
  rocksdb::Status Close() override { return target_->Close(); }
  uint64_t GetFileSize() override { return target_->GetFileSize(); }
  rocksdb::Status Truncate(uint64_t size) override { return target_->Truncate(size); }
  rocksdb::Status RangeSync(uint64_t offset, uint64_t n) override {
    return fail_ ? Injected() : target_->RangeSync(offset, n);
  }
  rocksdb::Status Allocate(uint64_t offset, uint64_t n) override {
    return target_->Allocate(offset, n);
  }
  bool IsSyncThreadSafe() const override { return target_->IsSyncThreadSafe(); }

 private:
  std::unique_ptr<rocksdb::WritableFile> target_;
  const std::atomic<bool>& fail_;
};

class FailingEnv : public rocksdb::EnvWrapper {
 public:
  FailingEnv() : rocksdb::EnvWrapper(rocksdb::Env::Default()) {}
  const char* Name() const override { return "kuzet.FailingEnv"; }
  rocksdb::Status NewWritableFile(const std::string& name,
                                  std::unique_ptr<rocksdb::WritableFile>* result,
                                  const rocksdb::EnvOptions& options) override {
    if (fail) return Injected();
    rocksdb::Status s = target()->NewWritableFile(name, result, options);
    if (s.ok()) *result = std::make_unique<FailingFile>(std::move(*result), fail);
    return s;
  }
  std::atomic<bool> fail{false};
};

}  // namespace kuzet::testing
