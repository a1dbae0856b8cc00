// Stories that grow large (issue #17): a story of 3,000 copies is read a page at a time (RocksDB
// perf context counts what a page reads), paged through exactly once, and sized by a count kept
// in each page's batch; and a chain of near-duplicates that walks
// away from its first document does not stay one story.
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/perf_context.h>
#include <rocksdb/perf_level.h>

#include <random>
#include <set>

#include "storage/simhash.h"
#include "storage/store.h"
#include "tests/storage/store_test_util.h"

namespace kuzet::storage {
namespace {

using testing::kStrikeArticle;
using testing::Page;
using testing::Rule;
using testing::TempDir;

constexpr int64_t kT0 = 1'700'000'000'000'000;
constexpr int kCopies = 3000;

// A copy of kStrikeArticle with its own short line (left out of the SimHash): one story.
PageInput Copy(int i) {
  const std::string n = std::to_string(i);
  PageInput page = Page("https://s" + n + ".kz/strike", kStrikeArticle + "\nSource: copy " + n,
                        kT0 + i, {Rule("zh", kStrikeArticle, "Zhanaozen")});
  page.site_id = "s" + n;
  return page;
}

// What the calling thread read from RocksDB since construction: the bytes of the values point
// reads returned and of the keys and values iterators decoded.
struct ReadCost {
  ReadCost() {
    rocksdb::SetPerfLevel(rocksdb::PerfLevel::kEnableCount);
    rocksdb::get_perf_context()->Reset();
  }
  ~ReadCost() { rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable); }
  uint64_t bytes() const {
    const rocksdb::PerfContext& p = *rocksdb::get_perf_context();
    return p.get_read_bytes + p.multiget_read_bytes + p.iter_read_bytes;
  }
};

class LargeStoryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    auto store = Store::Open(dir_->path(), Store::Mode::kReadWrite, Store::OpenOptions{false});
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = store->release();
    for (int i = 0; i < kCopies; ++i) {
      auto put = store_->writer().PutPage(Copy(i));
      ASSERT_TRUE(put.ok()) << put.status().message();
      ASSERT_EQ(put->story_id, 1u);
    }
  }
  static void TearDownTestSuite() {
    delete store_;
    delete dir_;
  }
  static TempDir* dir_;
  static Store* store_;
};
TempDir* LargeStoryTest::dir_ = nullptr;
Store* LargeStoryTest::store_ = nullptr;

TEST_F(LargeStoryTest, APageReadsItsOwnDocumentsNotTheStory) {
  const size_t one_document = store_->reader().GetDocument(1).value()->text.size();
  ReadCost cost;
  auto page = store_->reader().StoryMembers(1, 11);
  ASSERT_TRUE(page.ok()) << page.status().message();
  EXPECT_EQ(page->members.size(), 11u);
  EXPECT_EQ(page->total_documents, static_cast<uint64_t>(kCopies));
  EXPECT_EQ(page->total_places, static_cast<uint64_t>(kCopies));
  EXPECT_EQ(page->members.front().doc_id, static_cast<uint64_t>(kCopies)) << "newest first";
  EXPECT_EQ(page->next_before, kCopies - 10u);
  // 11 document records, 12 member keys and a count: reading the whole story would be 3,000.
  EXPECT_LT(cost.bytes(), 11 * (one_document + 300) + 12 * 32 + 64);
}

TEST_F(LargeStoryTest, MentionsOfAStoryReadWhatTheyReturn) {
  MentionQuery query;
  query.story_id = 1;
  query.limit = 50;
  ReadCost cost;
  auto mentions = store_->reader().Mentions(query);
  ASSERT_TRUE(mentions.ok()) << mentions.status().message();
  ASSERT_EQ(mentions->size(), 50u);
  EXPECT_EQ(mentions->front().doc_id, static_cast<uint64_t>(kCopies)) << "newest first";
  EXPECT_EQ(mentions->back().doc_id, kCopies - 49u);
  const size_t one_mention = kStrikeArticle.size() + 200;  // its snippet is the whole text
  EXPECT_LT(cost.bytes(), 50 * (one_mention + 64)) << "50 mentions' entries and records";
}

TEST_F(LargeStoryTest, PagesListEveryDocumentExactlyOnce) {
  for (size_t page_size : {size_t{1}, size_t{7}, size_t{1000}, size_t{5000}}) {
    SCOPED_TRACE(page_size);
    std::set<uint64_t> seen;
    uint64_t before = 0;
    size_t pages = 0;
    do {
      auto page = store_->reader().StoryMembers(1, page_size, before);
      ASSERT_TRUE(page.ok()) << page.status().message();
      ASSERT_LE(page->members.size(), page_size);
      for (const StoryMember& m : page->members) {
        ASSERT_TRUE(seen.insert(m.doc_id).second) << "doc " << m.doc_id << " twice";
      }
      before = page->next_before;
      ASSERT_LE(++pages, static_cast<size_t>(kCopies));
    } while (before != 0);
    EXPECT_EQ(seen.size(), static_cast<size_t>(kCopies));
    EXPECT_EQ(pages, (kCopies + page_size - 1) / page_size);
  }
}

std::vector<uint64_t> MentionIds(const Store& store, uint64_t story_id) {
  MentionQuery query;
  query.story_id = story_id;
  std::vector<uint64_t> ids;
  auto mentions = store.reader().Mentions(query);
  EXPECT_TRUE(mentions.ok()) << mentions.status().message();
  if (mentions.ok()) {
    for (const Mention& m : *mentions) ids.push_back(m.id);
  }
  return ids;
}

TEST(StoryCountTest, ReprintsCountAsPlaces) {
  TempDir dir;
  auto store = Store::Open(dir.path());
  ASSERT_TRUE(store.ok()) << store.status().message();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE((*store)->writer().PutPage(Copy(i)).ok());
  // Exact reprints of copy 0 at two more URLs (one twice): places, not documents.
  PageInput reprint = Copy(0);
  for (const char* url : {"https://r1.kz/a", "https://r2.kz/a", "https://r2.kz/a"}) {
    reprint.url = url;
    auto put = (*store)->writer().PutPage(reprint);
    ASSERT_TRUE(put.ok()) << put.status().message();
    EXPECT_TRUE(put->duplicate || put->unchanged) << url;
  }
  auto page = (*store)->reader().StoryMembers(1, 10);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total_documents, 3u);
  EXPECT_EQ(page->total_places, 5u);
  ASSERT_TRUE((*store)->writer().PutPage(Copy(3)).ok());
  page = (*store)->reader().StoryMembers(1, 1);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total_documents, 4u) << "kept by the next page";
  EXPECT_EQ(page->total_places, 6u);
  EXPECT_EQ(MentionIds(**store, 1), (std::vector<uint64_t>{4, 3, 2, 1}));
}

TEST(StoryCountTest, IdenticalFingerprintsDoNotGrowTheSimHashBuckets) {
  TempDir dir;
  {
    auto store = Store::Open(dir.path());
    ASSERT_TRUE(store.ok()) << store.status().message();
    for (int i = 0; i < 50; ++i) ASSERT_EQ((*store)->writer().PutPage(Copy(i))->story_id, 1u);
    EXPECT_EQ((*store)->reader().FindNearDuplicate(Copy(99).text).value(),
              std::optional<uint64_t>(1));
  }
  rocksdb::Options options;
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(options, dir.db_path(), &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& n : names) descriptors.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(
      rocksdb::DB::OpenForReadOnly(options, dir.db_path(), descriptors, &handles, &db).ok());
  int buckets = 0;
  for (rocksdb::ColumnFamilyHandle* h : handles) {
    if (h->GetName() != "simhash") continue;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator({}, h));
    for (it->SeekToFirst(); it->Valid(); it->Next(), ++buckets) {
      EXPECT_EQ(it->value().size(), 1u + 16u) << "one entry: the first copy";
    }
  }
  EXPECT_EQ(buckets, 4);
  for (rocksdb::ColumnFamilyHandle* h : handles) db->DestroyColumnFamilyHandle(h);
  delete db;
}

// A random walk of one-word edits: each link within kMaxNearDuplicateDistance of the one before,
// until a link is more than `far` bits from the first.
std::vector<std::string> NearDuplicateChain(int far) {
  std::mt19937 random(17);
  auto word = [&] {
    std::string w;
    for (int i = 0; i < 6; ++i) w.push_back(static_cast<char>('a' + random() % 26));
    return w;
  };
  std::vector<std::string> words(60);
  for (std::string& w : words) w = word();
  auto text = [&](const std::vector<std::string>& ws) {
    std::string t;
    for (const std::string& w : ws) t += (t.empty() ? "" : " ") + w;
    return t;
  };
  std::vector<std::string> chain{text(words)};
  const uint64_t first = *TextSimHash(chain.front());
  uint64_t last = first;
  for (int step = 0; step < 100000; ++step) {
    std::vector<std::string> edited = words;
    edited[random() % edited.size()] = word();
    const uint64_t h = *TextSimHash(text(edited));
    const int distance = HammingDistance(h, last);
    if (distance > kMaxNearDuplicateDistance) continue;  // too big a step: try another edit
    words = std::move(edited);
    if (distance < kMaxNearDuplicateDistance) continue;
    chain.push_back(text(words));
    last = h;
    if (HammingDistance(h, first) > far) return chain;
  }
  return {};
}

TEST(StoryDriftTest, AChainOfNearDuplicatesDoesNotCarryAStoryAway) {
  const std::vector<std::string> chain = NearDuplicateChain(8);
  ASSERT_GE(chain.size(), 3u) << "no chain found: the random walk needs more steps";
  const uint64_t first = *TextSimHash(chain.front());
  TempDir dir;
  auto store = Store::Open(dir.path());
  ASSERT_TRUE(store.ok()) << store.status().message();
  std::vector<uint64_t> stories;
  for (size_t i = 0; i < chain.size(); ++i) {
    auto put =
        (*store)->writer().PutPage(Page("https://x.kz/" + std::to_string(i), chain[i], kT0 + i));
    ASSERT_TRUE(put.ok()) << put.status().message();
    stories.push_back(put->story_id);
    // Each link is a near-duplicate of the one before, so it always had a story to join.
    if (i > 0) {
      EXPECT_LE(HammingDistance(*TextSimHash(chain[i]), *TextSimHash(chain[i - 1])),
                kMaxNearDuplicateDistance);
    }
  }
  EXPECT_EQ(stories[1], stories[0]) << "the first edit joins the first document's story";
  EXPECT_NE(stories.back(), stories.front())
      << "the last link is " << HammingDistance(*TextSimHash(chain.back()), first)
      << " bits from the first document";
  for (size_t i = 0; i < chain.size(); ++i) {
    if (stories[i] == stories[0]) {
      EXPECT_LE(HammingDistance(*TextSimHash(chain[i]), first), 2 * kMaxNearDuplicateDistance)
          << "link " << i << " of the first story";
    }
  }
}

}  // namespace
}  // namespace kuzet::storage
