// Tests of Store::Mode::kReadOnly: an analyst's `kuzet mentions` opens the store as a RocksDB
// secondary while the daemon holds it read-write, sees what was written before it opened, and
// sees later writes after CatchUp().
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include <rocksdb/db.h>

#include "storage/rocks_db.h"
#include "storage/store.h"
#include "tests/storage/store_test_util.h"

namespace kuzet::storage {
namespace {

using testing::Page;
using testing::Rule;
using testing::TempDir;

constexpr int64_t kT0 = 1'700'000'000'000'000;

PageInput MentioningPage(int n) {
  std::string text = "Zhanaozen report number " + std::to_string(n);
  return Page("https://a.kz/" + std::to_string(n), text, kT0 + n,
              {Rule("zhanaozen", text, "Zhanaozen")});
}

size_t CountMentions(const Store& store) {
  MentionQuery all;
  all.limit = 1000;
  auto mentions = store.reader().Mentions(all);
  EXPECT_TRUE(mentions.ok()) << mentions.status().message();
  return mentions.ok() ? mentions->size() : 0;
}

TEST(SecondaryTest, ReadOnlyStoreSeesEarlierWritesAndLaterOnesAfterCatchUp) {
  TempDir dir;
  auto writer = Store::Open(dir.path());
  ASSERT_TRUE(writer.ok()) << writer.status().message();
  for (int n = 0; n < 3; ++n) ASSERT_TRUE((*writer)->writer().PutPage(MentioningPage(n)).ok());

  auto reader = Store::Open(dir.path(), Store::Mode::kReadOnly);
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  EXPECT_EQ(CountMentions(**reader), 3u);
  auto url = (*reader)->reader().GetUrl("https://a.kz/1");
  ASSERT_TRUE(url.ok() && url->has_value());
  auto doc = (*reader)->reader().GetDocument((*url)->doc_id);
  ASSERT_TRUE(doc.ok() && doc->has_value());
  EXPECT_EQ((*doc)->mentions.size(), 1u);

  for (int n = 3; n < 5; ++n) ASSERT_TRUE((*writer)->writer().PutPage(MentioningPage(n)).ok());
  EXPECT_EQ(CountMentions(**reader), 3u) << "a secondary moves only when told to";
  ASSERT_TRUE((*reader)->reader().CatchUp().ok());
  EXPECT_EQ(CountMentions(**reader), 5u);

  auto refused = (*reader)->writer().PutPage(MentioningPage(9));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("read-only"), std::string::npos);
  EXPECT_FALSE((*reader)->writer().RecordFetch("https://a.kz/9", 200, kT0, "", "").ok());
}

// The writer child: stores pages 0-3, says so, waits for a go, stores 4-7, says so, waits, exits.
// Arguments: "to_parent_fd to_child_fd dir".
const bool kIsWriterChild = [] {
  if (auto args = testing::ChildRole("secondary-writer")) {
    int to_parent = 0, from_parent = 0, used = 0;
    if (sscanf(args->c_str(), "%d %d %n", &to_parent, &from_parent, &used) != 2) _exit(5);
    auto writer = Store::Open(args->substr(used));
    if (!writer.ok()) _exit(2);
    char go;
    for (int round = 0; round < 2; ++round) {
      for (int n = round * 4; n < round * 4 + 4; ++n) {
        if (!(*writer)->writer().PutPage(MentioningPage(n)).ok()) _exit(3);
      }
      if (write(to_parent, "w", 1) != 1 || read(from_parent, &go, 1) != 1) _exit(4);
    }
    _exit(0);
  }
  return false;
}();

// The deployment case: the daemon is another process. The writer runs in a child; pipes say
// when it has written and when it may go on.
TEST(SecondaryTest, ReadsWhileAnotherProcessHoldsTheStoreReadWrite) {
  TempDir dir;
  int to_parent[2], to_child[2];
  ASSERT_EQ(pipe(to_parent), 0);
  ASSERT_EQ(pipe(to_child), 0);
  pid_t child =
      testing::SpawnChild("secondary-writer", std::to_string(to_parent[1]) + " " +
                                                  std::to_string(to_child[0]) + " " + dir.path());
  ASSERT_GE(child, 0);
  char done;
  ASSERT_EQ(read(to_parent[0], &done, 1), 1);
  auto reader = Store::Open(dir.path(), Store::Mode::kReadOnly);
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  EXPECT_EQ(CountMentions(**reader), 4u);

  ASSERT_EQ(write(to_child[1], "g", 1), 1);
  ASSERT_EQ(read(to_parent[0], &done, 1), 1);
  ASSERT_TRUE((*reader)->reader().CatchUp().ok());
  EXPECT_EQ(CountMentions(**reader), 8u);

  ASSERT_EQ(write(to_child[1], "g", 1), 1);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "writer status " << status;
  ASSERT_TRUE((*reader)->reader().CatchUp().ok());
  EXPECT_EQ(CountMentions(**reader), 8u);
}

// The secondary's private directory goes under $TMPDIR (the data dir may not be writable by an
// analyst) and is removed on close.
TEST(SecondaryTest, ReadOnlyStoreLeavesNoPrivateDirectoryBehind) {
  TempDir dir, tmp;
  { ASSERT_TRUE(Store::Open(dir.path()).ok()); }
  const char* old_tmpdir = getenv("TMPDIR");
  std::string saved = old_tmpdir ? old_tmpdir : "";
  setenv("TMPDIR", tmp.path().c_str(), 1);
  auto entries = [&] {
    auto it = std::filesystem::directory_iterator(tmp.path());
    return std::distance(begin(it), end(it));
  };
  {
    auto reader = Store::Open(dir.path(), Store::Mode::kReadOnly);
    EXPECT_TRUE(reader.ok()) << reader.status().message();
    EXPECT_EQ(entries(), 1);
  }
  EXPECT_EQ(entries(), 0);
  if (old_tmpdir) {
    setenv("TMPDIR", saved.c_str(), 1);
  } else {
    unsetenv("TMPDIR");
  }
}

// A reader that holds a view (here an iterator, in the product a query) across a catch-up and
// then drops it frees that view itself. The writer's options ask RocksDB to hand such work to its
// purge thread (avoid_unnecessary_blocking_io), which on a secondary trips an assertion kept on in
// Debian's librocksdb: the process aborted (seen once in CI under an HTTP burst).
TEST(SecondaryTest, ReaderDroppingAViewOlderThanACatchUpSurvives) {
  TempDir dir;
  rocksdb::Options options;
  options.avoid_unnecessary_blocking_io = true;  // as the store and the crawl state set it
  options.max_open_files = -1;
  RocksDb::Spec spec;
  spec.path = dir.path();
  spec.label = "test db";
  auto family = [](const std::string&) { return rocksdb::ColumnFamilyOptions(); };
  auto writer = RocksDb::Open(spec, RocksDb::Mode::kReadWrite, options, family);
  ASSERT_TRUE(writer.ok()) << writer.status().message();
  rocksdb::DB* primary = (*writer)->db();
  ASSERT_TRUE(primary->Put(rocksdb::WriteOptions(), "k0", "v").ok());
  auto reader = RocksDb::Open(spec, RocksDb::Mode::kReadOnly, options, family);
  ASSERT_TRUE(reader.ok()) << reader.status().message();

  for (int round = 1; round <= 3; ++round) {
    std::unique_ptr<rocksdb::Iterator> view((*reader)->db()->NewIterator(rocksdb::ReadOptions()));
    view->SeekToFirst();
    ASSERT_TRUE(view->Valid());
    ASSERT_TRUE(primary->Put(rocksdb::WriteOptions(), "k" + std::to_string(round), "v").ok());
    ASSERT_TRUE(primary->Flush(rocksdb::FlushOptions()).ok());
    ASSERT_TRUE((*reader)->CatchUp().ok());
    view.reset();  // the last reference to the view from before the catch-up
  }
  std::string value;
  EXPECT_TRUE((*reader)->db()->Get(rocksdb::ReadOptions(), "k3", &value).ok());
}

}  // namespace
}  // namespace kuzet::storage
