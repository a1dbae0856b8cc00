// An I/O error that is not a full disk (a failing disk or controller), injected through the
// rocksdb::Env the store is opened with: writes fail, Store::Fault() turns kFatal naming what
// failed, stays so (ResumeWrites does not clear it, even once the disk answers again: the
// process must stop, not carry on), nothing aborts, and every acknowledged page is there when
// the store is opened again.
#include <gtest/gtest.h>
#include <rocksdb/env.h>

#include <atomic>
#include <memory>

#include "storage/store.h"
#include "tests/failing_env.h"
#include "tests/storage/store_test_util.h"

namespace kuzet::storage {
namespace {

using kuzet::testing::FailingEnv;
using testing::Page;
using testing::Rule;
using testing::TempDir;

constexpr int64_t kT0 = 1'700'000'000'000'000;

PageInput NumberedPage(int n) {
  const std::string text = "Zhanaozen strike report " + std::to_string(n);
  return Page("https://a.kz/" + std::to_string(n), text, kT0 + n,
              {Rule("zhanaozen", text, "Zhanaozen")});
}

TEST(IoErrorTest, FailingWritesAreAFatalFaultAndLoseNothingAcknowledged) {
  TempDir dir;
  FailingEnv env;
  constexpr int kPages = 30;
  {
    Store::OpenOptions options;
    options.env = &env;
    auto store = Store::Open(dir.path(), Store::Mode::kReadWrite, options);
    ASSERT_TRUE(store.ok()) << store.status().message();
    for (int n = 0; n < kPages; ++n) ASSERT_TRUE((*store)->writer().PutPage(NumberedPage(n)).ok());
    EXPECT_TRUE((*store)->Fault().ok());

    env.fail = true;
    auto put = (*store)->writer().PutPage(NumberedPage(kPages));
    ASSERT_FALSE(put.ok());
    EXPECT_EQ(put.status().code(), Status::Code::kIOError) << put.status().message();
    StorageFault fault = (*store)->Fault();
    EXPECT_EQ(fault.kind, StorageFault::Kind::kFatal) << fault.message;
    EXPECT_NE(fault.message.find(dir.db_path()), std::string::npos) << fault.message;
    EXPECT_NE(fault.message.find("the disk controller reported an error"), std::string::npos)
        << fault.message;
    EXPECT_FALSE((*store)->writer().PutPage(NumberedPage(kPages)).ok());
    EXPECT_EQ((*store)->ResumeWrites().kind, StorageFault::Kind::kFatal);

    env.fail = false;  // the disk answers again: the fault stays until the store is reopened
    EXPECT_EQ((*store)->ResumeWrites().kind, StorageFault::Kind::kFatal);
    EXPECT_EQ((*store)->Fault().kind, StorageFault::Kind::kFatal);
  }
  auto store = Store::Open(dir.path());
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_TRUE((*store)->Fault().ok());
  EXPECT_EQ(*(*store)->reader().LastMentionId(), static_cast<uint64_t>(kPages));
  EXPECT_TRUE((*store)->writer().PutPage(NumberedPage(kPages)).ok());
}

}  // namespace
}  // namespace kuzet::storage
