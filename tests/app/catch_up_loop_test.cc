// CatchUpLoop (app/catch_up_loop.h): a read-only store follows its writer with no reader asking,
// at the interval given, and stops at once however long the interval.
#include "app/catch_up_loop.h"

#include <chrono>
#include <memory>
#include <thread>

#include <gtest/gtest.h>

#include "base/time.h"
#include "storage/store.h"
#include "tests/app/http_test_store.h"
#include "tests/scratch_dir.h"
#include "tests/wait_until.h"

namespace kuzet::app {
namespace {

using namespace std::chrono_literals;

class CatchUpLoopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_dir_ = (dir_.path() / "data").string();
    auto writer = storage::Store::Open(data_dir_);
    ASSERT_TRUE(writer.ok()) << writer.status().message();
    writer_ = std::move(writer).value();
    auto reader = storage::Store::Open(data_dir_, storage::Store::Mode::kReadOnly);
    ASSERT_TRUE(reader.ok()) << reader.status().message();
    reader_ = std::move(reader).value();
  }

  void WritePage(int n) {
    auto put = writer_->writer().PutPage(testing::NumberedPage(n, base::NowMicros()));
    ASSERT_TRUE(put.ok()) << put.status().message();
  }

  uint64_t LastMentionSeen() {
    auto last = reader_->reader().LastMentionId();
    EXPECT_TRUE(last.ok()) << last.status().message();
    return last.ok() ? *last : 0;
  }

  testing::ScratchDir dir_{"kuzet-catch-up"};
  std::string data_dir_;
  std::unique_ptr<storage::Store> writer_, reader_;
};

TEST_F(CatchUpLoopTest, TheReaderSeesNewWritesWithNobodyAsking) {
  CatchUpLoop loop(reader_->reader(), 20ms);
  for (int round = 0; round < 3; ++round) {
    int64_t written_us = base::NowMicros();
    WritePage(round);
    auto wanted = writer_->reader().LastMentionId();
    ASSERT_TRUE(wanted.ok());
    ASSERT_TRUE(WaitUntil([&] { return LastMentionSeen() == *wanted; }, 10s))
        << "round " << round << ": the reader still shows mention " << LastMentionSeen();
    // The time of the catch-up that showed it (noted when it returns) is after the write.
    EXPECT_TRUE(WaitUntil([&] { return loop.caught_up_us() >= written_us; }, 10s))
        << loop.caught_up_us() << " < " << written_us;
  }
}

TEST_F(CatchUpLoopTest, NothingIsReadBeforeTheIntervalAndStoppingDoesNotWaitForIt) {
  const uint64_t seen_at_open = LastMentionSeen();
  auto started = std::chrono::steady_clock::now();
  {
    CatchUpLoop loop(reader_->reader(), std::chrono::hours(1));
    int64_t opened_us = loop.caught_up_us();
    WritePage(1);
    std::this_thread::sleep_for(100ms);  // a loop that did not wait would have caught up by now
    EXPECT_EQ(LastMentionSeen(), seen_at_open);
    EXPECT_EQ(loop.caught_up_us(), opened_us);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, 30s) << "the destructor waited";
  // The store itself still catches up when asked.
  ASSERT_TRUE(reader_->reader().CatchUp().ok());
  EXPECT_GT(LastMentionSeen(), seen_at_open);
}

}  // namespace
}  // namespace kuzet::app
