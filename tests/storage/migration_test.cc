// Format 1 -> 2 (storage/README.md, *Format version*): a store written with the first SimHash
// definition, its tables as 'h' keys in `stories`, is upgraded by the first read-write open, which
// recomputes every SimHash from the stored texts; stories stay as they were. Until then a
// read-only open answers every query but the near-duplicate lookup, which says what to do.
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <map>
#include <string>
#include <vector>

#include "storage/encoding.h"
#include "storage/records.h"
#include "storage/simhash.h"
#include "storage/store.h"
#include "tests/storage/store_test_util.h"

namespace kuzet::storage {
namespace {

using testing::DumpFamilies;
using testing::FamilyDump;
using testing::kCourtArticle;
using testing::kStrikeArticle;
using testing::Page;
using testing::Rule;
using testing::TempDir;

constexpr int64_t kT0 = 1'700'000'000'000'000;
constexpr int64_t kHour = 3'600'000'000;

const std::string kOld =
    "Ten years after the shooting, relatives of the victims gathered at the memorial on the "
    "square. They asked again for an independent inquiry into who gave the order to fire, and "
    "for the release of the trade union activists who were jailed after the events of December "
    "and who say they were tortured in custody while the investigation went on.";

// A format-1 'h' key: 'h', block, the block's 16 bits, SimHash BE64, doc id BE64.
std::string LegacyTableKey(int block, uint64_t simhash, uint64_t doc_id) {
  std::string key(1, kLegacySimHashTag);
  key.push_back(static_cast<char>(block));
  key.push_back(static_cast<char>(SimHashBlock(simhash, block) >> 8));
  key.push_back(static_cast<char>(SimHashBlock(simhash, block) & 0xff));
  PutFixed64BE(key, simhash);
  PutFixed64BE(key, doc_id);
  return key;
}

// Rewrites a store into format 1: no `simhash` family, the old tables in `stories`, and in
// every story record a SimHash this kuzet would not compute (as a format-1 store holds).
void DowngradeToFormat1(const std::string& db_path) {
  rocksdb::Options options;
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(options, db_path, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& n : names) descriptors.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(options, db_path, descriptors, &handles, &db).ok());
  std::map<std::string, rocksdb::ColumnFamilyHandle*> family;
  for (auto* h : handles) family[h->GetName()] = h;
  rocksdb::WriteBatch batch;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator({}, family.at(kStoriesFamily)));
  for (it->Seek("d"); it->Valid() && it->key().starts_with("d"); it->Next()) {
    DocStory story;
    ASSERT_TRUE(DecodeDocStory(it->value().ToStringView(), story));
    const uint64_t doc_id = DecodeFixed64BE(it->key().ToStringView().substr(1));
    story.simhash = 0x5a5a5a5a5a5a5a5aULL ^ doc_id;  // an old-definition value
    batch.Put(family.at(kStoriesFamily), it->key(), EncodeDocStory(story));
    for (int block = 0; block < kSimHashBlocks; ++block) {
      batch.Put(family.at(kStoriesFamily), LegacyTableKey(block, *story.simhash, doc_id), "");
    }
  }
  it.reset();
  std::string version;
  PutFixed32BE(version, 1);
  batch.Put(family.at(kMetaFamily), std::string(kFormatVersionKey), version);
  ASSERT_TRUE(db->Write({}, &batch).ok());
  ASSERT_TRUE(db->DropColumnFamily(family.at(kSimHashFamily)).ok());
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  delete db;
}

class MigrationTest : public ::testing::Test {
 protected:
  // Documents: 1 = kOld (text later dropped by retention), 2 = kStrikeArticle, 3 = its reprint
  // (story 2), 4 = kCourtArticle.
  void SetUp() override {
    auto store = Store::Open(dir_.path());
    ASSERT_TRUE(store.ok()) << store.status().message();
    for (auto [url, text, at] :
         {std::tuple{"https://a.kz/old", kOld, kT0 - 10 * kHour},
          std::tuple{"https://a.kz/1", kStrikeArticle, kT0},
          std::tuple{"https://b.kz/1", "Updated: " + kStrikeArticle, kT0 + kHour},
          std::tuple{"https://a.kz/2", kCourtArticle, kT0 + 2 * kHour}}) {
      auto put = (*store)->PutPage(Page(url, text, at, {Rule("zh", text, "the")}));
      ASSERT_TRUE(put.ok()) << put.status().message();
    }
    ASSERT_EQ((*store)->GetDocument(3).value()->story_id, 2u);
    auto dropped = (*store)->DropTextOlderThan(kT0 - kHour);
    ASSERT_TRUE(dropped.ok() && dropped->texts_dropped == 1);
    store->reset();
    DowngradeToFormat1(dir_.db_path());
  }
  TempDir dir_;
};

TEST_F(MigrationTest, ReadOnlyOpenOfFormat1AnswersQueriesAndExplainsTheNearDuplicateLookup) {
  auto store = Store::Open(dir_.path(), Store::Mode::kReadOnly);
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto mentions = (*store)->Mentions({});
  ASSERT_TRUE(mentions.ok()) << mentions.status().message();
  EXPECT_EQ(mentions->size(), 4u);
  EXPECT_EQ((*store)->StoryDocuments(2).value(), (std::vector<uint64_t>{2, 3}));
  auto near = (*store)->FindNearDuplicate(kStrikeArticle);
  ASSERT_FALSE(near.ok());
  EXPECT_EQ(near.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(near.status().message().find("format version 1"), std::string::npos)
      << near.status().message();
  EXPECT_NE(near.status().message().find("read-write"), std::string::npos);
}

TEST_F(MigrationTest, ReadWriteOpenRecomputesSimHashesFromTheStoredTextsAndKeepsStories) {
  {
    auto store = Store::Open(dir_.path());
    ASSERT_TRUE(store.ok()) << store.status().message();
    // The recomputed tables find what the new definition finds.
    auto near = (*store)->FindNearDuplicate("Breaking: " + kStrikeArticle);
    ASSERT_TRUE(near.ok()) << near.status().message();
    ASSERT_TRUE(near->has_value());
    EXPECT_EQ((*store)->GetDocument(**near).value()->story_id, 2u);
    EXPECT_FALSE((*store)->FindNearDuplicate(kOld)->has_value())
        << "a text dropped by retention no longer attracts reprints";
    auto reprint =
        (*store)->PutPage(Page("https://c.kz/1", "Breaking: " + kStrikeArticle, kT0 + kHour));
    ASSERT_TRUE(reprint.ok()) << reprint.status().message();
    EXPECT_EQ(reprint->story_id, 2u);
    EXPECT_EQ((*store)->StoryDocuments(2).value(), (std::vector<uint64_t>{2, 3, 5}));
    EXPECT_EQ((*store)->GetDocument(4).value()->story_id, 4u);
  }
  FamilyDump dump = DumpFamilies(dir_.db_path());
  EXPECT_EQ(dump["meta"][std::string(kFormatVersionKey)], std::string("\0\0\0\x02", 4));
  std::map<uint64_t, std::optional<uint64_t>> simhash_of;
  for (const auto& [key, value] : dump["stories"]) {
    EXPECT_NE(key[0], kLegacySimHashTag) << "format-1 table entries are gone";
    if (key[0] != 'd') continue;
    DocStory story;
    ASSERT_TRUE(DecodeDocStory(value, story));
    simhash_of[DecodeFixed64BE(key.substr(1))] = story.simhash;
  }
  const std::map<uint64_t, std::optional<uint64_t>> expected = {
      {1, std::nullopt},
      {2, TextSimHash(kStrikeArticle)},
      {3, TextSimHash("Updated: " + kStrikeArticle)},
      {4, TextSimHash(kCourtArticle)},
      {5, TextSimHash("Breaking: " + kStrikeArticle)}};
  EXPECT_EQ(simhash_of, expected);
  size_t entries = 0;
  for (const auto& [key, value] : dump["simhash"]) {
    std::vector<SimHashEntry> bucket;
    ASSERT_TRUE(DecodeSimHashBucket(value, bucket));
    for (const SimHashEntry& e : bucket) {
      EXPECT_EQ(e.simhash, expected.at(e.doc_id).value_or(~e.simhash)) << e.doc_id;
      EXPECT_EQ(key, SimHashBucketKey(key[0], SimHashBlock(e.simhash, key[0])));
    }
    entries += bucket.size();
  }
  EXPECT_EQ(entries, 4u * kSimHashBlocks);

  // Opening again changes nothing.
  ASSERT_TRUE(Store::Open(dir_.path()).ok());
  EXPECT_EQ(DumpFamilies(dir_.db_path())["simhash"], dump["simhash"]);
}

}  // namespace
}  // namespace kuzet::storage
