// A write that fails half-way (the disk or the file size limit reached): the writer reports it,
// cuts the file back to its last whole record so everything written before still verifies, never
// returns a location for the lost records, and writes the next group to a new file.
//
// The fault is real, not simulated: RLIMIT_FSIZE makes the kernel refuse the bytes past the limit
// with EFBIG, exactly as a full disk refuses them with ENOSPC (a short write, then an error).
#include <gtest/gtest.h>

#include <sys/resource.h>

#include <csignal>
#include <string>
#include <vector>

#include "storage/warc/capture_records.h"
#include "storage/warc/warc_reader.h"
#include "storage/warc/warc_verifier.h"
#include "storage/warc/warc_writer.h"
#include "warc_test_util.h"

namespace kuzet::storage::warc {
namespace {

using testing::GzipExchange;
using testing::kFetchMicros;
using testing::ScratchDir;

// Sets RLIMIT_FSIZE for this process while in scope; SIGXFSZ is ignored so the write fails with
// EFBIG instead of killing the test.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    EXPECT_EQ(getrlimit(RLIMIT_FSIZE, &saved_), 0);
    previous_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit = saved_;
    limit.rlim_cur = bytes;
    EXPECT_EQ(setrlimit(RLIMIT_FSIZE, &limit), 0);
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, previous_handler_);
  }

 private:
  rlimit saved_{};
  void (*previous_handler_)(int) = nullptr;
};

std::vector<WarcRecord> Capture() {
  Result<ExchangeRecords> exchange = MakeExchangeRecords(GzipExchange());
  EXPECT_TRUE(exchange.ok());
  return {exchange->request, exchange->response};
}

TEST(WarcWriteErrorTest, FailedWriteIsCutBackAndTheNextGoesToANewFile) {
  ScratchDir dir;
  Result<std::unique_ptr<WarcWriter>> writer =
      WarcWriter::Open({dir.path(), uint64_t{1} << 30, "Kuzet test", [] { return kFetchMicros; }});
  ASSERT_TRUE(writer.ok());
  const std::vector<WarcRecord> records = Capture();
  Result<std::vector<WarcLocation>> kept = (*writer)->Write(records);
  ASSERT_TRUE(kept.ok());
  const std::filesystem::path first = dir.path() / kept->front().file;
  const uint64_t size_before = std::filesystem::file_size(first);
  const uint64_t group = size_before - kept->front().offset;

  {
    // Room for half of the next group: the first record's member goes down, the rest does not.
    FileSizeLimit limit(size_before + group / 2);
    Result<std::vector<WarcLocation>> lost = (*writer)->Write(records);
    ASSERT_FALSE(lost.ok());
    EXPECT_EQ(lost.status().code(), Status::Code::kIOError);
    EXPECT_NE(lost.status().message().find(first.string()), std::string::npos)
        << lost.status().message();
  }
  EXPECT_EQ(std::filesystem::file_size(first), size_before);
  Result<uint64_t> verified = VerifyWarcFile(first);
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_EQ(*verified, 3u);  // warcinfo, request, response: nothing lost, nothing half-written
  for (const WarcLocation& at : *kept) EXPECT_TRUE(ReadWarcRecordAt(first, at.offset).ok());

  Result<std::vector<WarcLocation>> next = (*writer)->Write(records);
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_NE(next->front().file, kept->front().file);
  Result<uint64_t> verified_next = VerifyWarcFile(dir.path() / next->front().file);
  ASSERT_TRUE(verified_next.ok()) << verified_next.status().ToString();
  EXPECT_EQ(*verified_next, 3u);
}

// A new file whose warcinfo cannot be written is removed, not left empty or half-written.
TEST(WarcWriteErrorTest, FileThatCannotStartIsRemoved) {
  ScratchDir dir;
  Result<std::unique_ptr<WarcWriter>> writer =
      WarcWriter::Open({dir.path(), uint64_t{1} << 30, "Kuzet test", [] { return kFetchMicros; }});
  ASSERT_TRUE(writer.ok());
  {
    FileSizeLimit limit(10);
    EXPECT_FALSE((*writer)->Write(Capture()).ok());
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
  EXPECT_TRUE((*writer)->Write(Capture()).ok());
}

}  // namespace
}  // namespace kuzet::storage::warc
