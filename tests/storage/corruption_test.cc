// Tests that a damaged or foreign store is refused with a clear error naming the data dir, and
// never crashes: a store written by a newer format, garbage in CURRENT, in a table file's footer
// or in a data block, a malformed record, and a data dir holding something else.
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <filesystem>
#include <fstream>

#include "storage/records.h"
#include "storage/store.h"
#include "tests/storage/store_test_util.h"

namespace kuzet::storage {
namespace {

namespace fs = std::filesystem;
using testing::Page;
using testing::Rule;
using testing::TempDir;

constexpr int64_t kT0 = 1'700'000'000'000'000;

// Runs `edit` on the store's RocksDB opened directly, with every family.
template <typename F>
void EditRaw(const std::string& db_path, F&& edit) {
  rocksdb::Options options;
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(options, db_path, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& n : names) descriptors.emplace_back(n, testing::RawFamilyOptions(n));
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(options, db_path, descriptors, &handles, &db).ok());
  std::map<std::string, rocksdb::ColumnFamilyHandle*> by_name;
  for (auto* h : handles) by_name[h->GetName()] = h;
  edit(*db, by_name);
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  delete db;
}

// A store with a few pages, flushed into table files (a store closed by RocksDB may keep recent
// writes only in its log).
void MakeStore(const TempDir& dir) {
  {
    auto store = Store::Open(dir.path());
    ASSERT_TRUE(store.ok()) << store.status().message();
    for (int n = 0; n < 20; ++n) {
      std::string text = "Zhanaozen strike report " + std::to_string(n);
      ASSERT_TRUE((*store)
                      ->writer()
                      .PutPage(Page("https://a.kz/" + std::to_string(n), text, kT0 + n,
                                    {Rule("zhanaozen", text, "Zhanaozen")}))
                      .ok());
    }
  }
  EditRaw(dir.db_path(), [](rocksdb::DB& db, auto& families) {
    for (auto& [name, handle] : families) {
      ASSERT_TRUE(db.Flush(rocksdb::FlushOptions(), handle).ok());
    }
  });
}

std::vector<fs::path> TableFiles(const TempDir& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir.db_path())) {
    if (entry.path().extension() == ".sst") files.push_back(entry.path());
  }
  return files;
}

void Overwrite(const fs::path& file, std::streamoff offset, size_t length) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(f) << file;
  f.seekp(offset);
  std::string garbage(length, '\xA5');
  f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
}

void ExpectClearError(const Status& s, const TempDir& dir, const std::string& expected_words) {
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("data dir " + dir.path()), std::string::npos) << s.message();
  EXPECT_NE(s.message().find(expected_words), std::string::npos) << s.message();
}

TEST(CorruptionTest, NewerFormatVersionIsRefusedInBothModes) {
  TempDir dir;
  MakeStore(dir);
  EditRaw(dir.db_path(), [](rocksdb::DB& db, auto& families) {
    std::string version = {0, 0, 0, static_cast<char>(kFormatVersion + 1)};
    ASSERT_TRUE(db.Put({}, families.at(kMetaFamily), std::string(kFormatVersionKey), version).ok());
  });
  for (Store::Mode mode : {Store::Mode::kReadWrite, Store::Mode::kReadOnly}) {
    auto store = Store::Open(dir.path(), mode);
    ASSERT_FALSE(store.ok());
    ExpectClearError(store.status(), dir,
                     "format version " + std::to_string(kFormatVersion + 1) +
                         ", newer than this kuzet understands");
  }
}

// Format 1 lived in development builds only (storage/FORMAT.md, *Versions*): refused, not
// migrated, with what to do.
TEST(CorruptionTest, DevelopmentFormatOneIsRefusedInBothModes) {
  TempDir dir;
  MakeStore(dir);
  EditRaw(dir.db_path(), [](rocksdb::DB& db, auto& families) {
    std::string version = {0, 0, 0, 1};
    ASSERT_TRUE(db.Put({}, families.at(kMetaFamily), std::string(kFormatVersionKey), version).ok());
  });
  for (Store::Mode mode : {Store::Mode::kReadWrite, Store::Mode::kReadOnly}) {
    auto store = Store::Open(dir.path(), mode);
    ASSERT_FALSE(store.ok());
    ExpectClearError(store.status(), dir, "format version 1, from a development build");
  }
}

TEST(CorruptionTest, NewerFormatWithAnUnknownColumnFamilyIsRefusedByTheVersionCheck) {
  TempDir dir;
  MakeStore(dir);
  EditRaw(dir.db_path(), [](rocksdb::DB& db, auto& families) {
    rocksdb::ColumnFamilyHandle* future = nullptr;
    ASSERT_TRUE(
        db.CreateColumnFamily(rocksdb::ColumnFamilyOptions(), "from_the_future", &future).ok());
    db.DestroyColumnFamilyHandle(future);
    std::string version = {0, 0, 0, static_cast<char>(kFormatVersion + 1)};
    ASSERT_TRUE(db.Put({}, families.at(kMetaFamily), std::string(kFormatVersionKey), version).ok());
  });
  auto store = Store::Open(dir.path());
  ASSERT_FALSE(store.ok());
  ExpectClearError(store.status(), dir, "newer than this kuzet understands");
}

TEST(CorruptionTest, GarbageOrEmptyCurrentFileIsACorruptionError) {
  for (const std::string& content : {std::string("garbage\n"), std::string()}) {
    TempDir dir;
    MakeStore(dir);
    std::ofstream(dir.db_path() + "/CURRENT", std::ios::trunc) << content;
    for (Store::Mode mode : {Store::Mode::kReadWrite, Store::Mode::kReadOnly}) {
      auto store = Store::Open(dir.path(), mode);
      ASSERT_FALSE(store.ok()) << "CURRENT = \"" << content << "\"";
      EXPECT_EQ(store.status().code(), Status::Code::kCorruption) << store.status().message();
      ExpectClearError(store.status(), dir, "cannot open the store");
    }
  }
}

TEST(CorruptionTest, GarbageInATableFileFooterFailsTheOpen) {
  TempDir dir;
  MakeStore(dir);
  std::vector<fs::path> tables = TableFiles(dir);
  ASSERT_FALSE(tables.empty());
  for (const fs::path& table : tables) {
    Overwrite(table, static_cast<std::streamoff>(fs::file_size(table)) - 48, 48);
  }
  auto store = Store::Open(dir.path());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kCorruption) << store.status().message();
  ExpectClearError(store.status(), dir, "Corruption");
}

TEST(CorruptionTest, GarbageInADataBlockFailsTheReadsThatTouchIt) {
  TempDir dir;
  MakeStore(dir);
  std::vector<fs::path> tables = TableFiles(dir);
  ASSERT_FALSE(tables.empty());
  for (const fs::path& table : tables) Overwrite(table, 0, 32);  // the first data block
  auto store = Store::Open(dir.path());
  if (!store.ok()) {  // a RocksDB that checks blocks at open is as good
    ExpectClearError(store.status(), dir, "Corruption");
    return;
  }
  auto mentions = (*store)->reader().Mentions({});
  ASSERT_FALSE(mentions.ok()) << "read " << mentions->size() << " mentions from damaged tables";
  EXPECT_EQ(mentions.status().code(), Status::Code::kCorruption);
  ExpectClearError(mentions.status(), dir, "Corruption");
  auto url = (*store)->reader().GetUrl("https://a.kz/3");
  ASSERT_FALSE(url.ok());
  ExpectClearError(url.status(), dir, "Corruption");
}

TEST(CorruptionTest, MalformedRecordsAreCorruptionErrorsNotCrashes) {
  TempDir dir;
  MakeStore(dir);
  EditRaw(dir.db_path(), [](rocksdb::DB& db, auto& families) {
    ASSERT_TRUE(db.Put({}, families.at(kDocsFamily), IdKey(1), "\x01\x01trunc").ok());
    ASSERT_TRUE(db.Put({}, families.at(kUrlsFamily), "https://a.kz/2", "\x07").ok());
    ASSERT_TRUE(db.Put({}, families.at(kMentionsFamily), IdKey(3), "").ok());
  });
  auto store = Store::Open(dir.path());
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto doc = (*store)->reader().GetDocument(1);
  ASSERT_FALSE(doc.ok());
  ExpectClearError(doc.status(), dir, "document 1 is malformed");
  auto url = (*store)->reader().GetUrl("https://a.kz/2");
  ASSERT_FALSE(url.ok());
  ExpectClearError(url.status(), dir, "URL state of https://a.kz/2 is malformed");
  auto mentions = (*store)->reader().Mentions({});
  ASSERT_FALSE(mentions.ok());
  ExpectClearError(mentions.status(), dir, "mention 3 is malformed");
  // Writing over a malformed URL state is refused too, rather than losing what it held.
  auto put = (*store)->writer().PutPage(Page("https://a.kz/2", "new text", kT0));
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.status().code(), Status::Code::kCorruption);
}

TEST(CorruptionTest, ForeignRocksDbIsNotReadAsAStore) {
  TempDir dir;
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir.db_path(), &db).ok());
    ASSERT_TRUE(db->Put({}, "some", "thing").ok());
    delete db;
  }
  auto store = Store::Open(dir.path(), Store::Mode::kReadOnly);
  ASSERT_FALSE(store.ok());
  ExpectClearError(store.status(), dir, "column family meta is missing: not a Kuzet store");
}

TEST(CorruptionTest, DataDirHoldingSomethingElseIsNotTurnedIntoAStore) {
  TempDir dir;
  fs::create_directories(dir.db_path());
  std::ofstream(dir.db_path() + "/notes.txt") << "my notes";
  auto store = Store::Open(dir.path());
  ASSERT_FALSE(store.ok());
  ExpectClearError(store.status(), dir, "not a Kuzet store");
  EXPECT_EQ(fs::directory_iterator(dir.db_path())->path().filename(), "notes.txt");
}

// A lost CURRENT file is damage, not "no store yet": a query used to answer "run a crawl first"
// for a data dir holding every mention. The message names what is missing and how to restore
// it, and following it brings the store back whole.
TEST(CorruptionTest, MissingCurrentFileIsReportedAsDamageWithTheWayBack) {
  TempDir dir;
  MakeStore(dir);
  fs::remove(dir.db_path() + "/CURRENT");
  for (Store::Mode mode : {Store::Mode::kReadOnly, Store::Mode::kReadWrite}) {
    auto store = Store::Open(dir.path(), mode);
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.status().code(), Status::Code::kCorruption) << store.status().message();
    ExpectClearError(store.status(), dir,
                     "the store is damaged: " + dir.db_path() + "/CURRENT is missing");
    EXPECT_EQ(store.status().message().find("run a crawl first"), std::string::npos);
  }
  std::string manifest;
  for (const auto& entry : fs::directory_iterator(dir.db_path())) {
    if (entry.path().filename().string().rfind("MANIFEST-", 0) == 0) {
      manifest = entry.path().filename().string();
    }
  }
  auto store = Store::Open(dir.path(), Store::Mode::kReadOnly);
  ASSERT_NE(store.status().message().find("echo " + manifest + " > " + dir.db_path() + "/CURRENT"),
            std::string::npos)
      << store.status().message();
  std::ofstream(dir.db_path() + "/CURRENT") << manifest << "\n";
  store = Store::Open(dir.path(), Store::Mode::kReadOnly);
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_EQ(*(*store)->reader().LastMentionId(), 20u);
}

TEST(CorruptionTest, OnlyAnAbsentStoreSaysToRunACrawlFirst) {
  TempDir dir;
  auto store = Store::Open(dir.path(), Store::Mode::kReadOnly);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kNotFound);
  ExpectClearError(store.status(), dir, "run a crawl first");
}

}  // namespace
}  // namespace kuzet::storage
