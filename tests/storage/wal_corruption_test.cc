// A damaged write-ahead log record: the store refuses to open (in both modes) with an error
// naming the log, where it is damaged, what is at stake and how to recover, instead of silently
// replaying up to the damage and dropping every write after it; `Store::Repair` (kuzet repair)
// keeps everything before the damage, keeps a copy of the damaged logs and reports what it
// dropped. A last record cut short by a crash is not damage: it was never acknowledged as synced.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "storage/search_index.h"
#include "storage/store.h"
#include "tests/storage/store_test_util.h"

namespace kuzet::storage {
namespace {

namespace fs = std::filesystem;
using testing::Page;
using testing::Rule;
using testing::TempDir;

constexpr int64_t kT0 = 1'700'000'000'000'000;
constexpr int kPages = 120;  // one mention each, so mention n is page n - 1

PageInput NumberedPage(int n) {
  std::string text = "Zhanaozen strike report " + std::to_string(n) + ". ";
  while (text.size() < 1500) text += "Oil workers of Zhanaozen demanded equal pay. ";
  return Page("https://a.kz/" + std::to_string(n), text, kT0 + n,
              {Rule("zhanaozen", text, "Zhanaozen")});
}

// A store whose pages are only in its write-ahead log (RocksDB does not flush on close).
fs::path MakeStoreInItsLog(const TempDir& dir) {
  auto store = Store::Open(dir.path());
  EXPECT_TRUE(store.ok()) << store.status().message();
  for (int n = 0; n < kPages; ++n) EXPECT_TRUE((*store)->writer().PutPage(NumberedPage(n)).ok());
  store->reset();
  fs::path log;
  for (const auto& entry : fs::directory_iterator(dir.db_path())) {
    if (entry.path().extension() == ".log" && fs::file_size(entry.path()) > 0) log = entry.path();
  }
  return log;
}

void Overwrite(const fs::path& file, uint64_t offset, const std::string& bytes) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

uint64_t StoredMentions(const std::string& dir) {
  auto store = Store::Open(dir, Store::Mode::kReadOnly);
  EXPECT_TRUE(store.ok()) << store.status().message();
  return store.ok() ? *(*store)->reader().LastMentionId() : 0;
}

TEST(WalCorruptionTest, DamagedRecordRefusesTheOpenNamingTheLogWhatIsAtStakeAndTheRepair) {
  // Damage in the middle of the log, and in its very last record.
  for (double where : {0.5, 0.995}) {
    SCOPED_TRACE(where);
    TempDir dir;
    const fs::path log = MakeStoreInItsLog(dir);
    ASSERT_FALSE(log.empty());
    const uint64_t offset = static_cast<uint64_t>(static_cast<double>(fs::file_size(log)) * where);
    Overwrite(log, offset, "\xA5\xA5\xA5\xA5");
    for (Store::Mode mode : {Store::Mode::kReadWrite, Store::Mode::kReadOnly}) {
      auto store = Store::Open(dir.path(), mode);
      ASSERT_FALSE(store.ok()) << "opened, with " << *(*store)->reader().LastMentionId() << " of "
                               << kPages << " mentions";
      const std::string& message = store.status().message();
      EXPECT_EQ(store.status().code(), Status::Code::kCorruption) << message;
      EXPECT_NE(message.find(log.string() + " is damaged at byte"), std::string::npos) << message;
      EXPECT_NE(message.find("kuzet repair --data-dir " + dir.path()), std::string::npos)
          << message;
      if (where == 0.5) {
        EXPECT_NE(message.find("mention(s) (ids "), std::string::npos) << message;
      }
    }
  }
}

TEST(WalCorruptionTest, RepairKeepsWritesBeforeTheDamageAndReportsWhatItDropped) {
  TempDir dir;
  const fs::path log = MakeStoreInItsLog(dir);
  ASSERT_FALSE(log.empty());
  const uint64_t size = fs::file_size(log);
  Overwrite(log, size / 2, "\xA5\xA5\xA5\xA5");
  std::ifstream original(log, std::ios::binary);
  const std::string damaged_bytes((std::istreambuf_iterator<char>(original)),
                                  std::istreambuf_iterator<char>());

  auto report = Store::Repair(dir.path());
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_TRUE(report->damaged);
  EXPECT_EQ(report->file, log.string());
  EXPECT_EQ(report->reason, "checksum mismatch");
  EXPECT_GT(report->batches_dropped, 0u);
  // Mention n + 1 is page n's: the ids from the first lost one to the last page's are reported.
  EXPECT_EQ(report->last_mention_id, static_cast<uint64_t>(kPages));
  EXPECT_GT(report->first_mention_id, 1u);
  EXPECT_EQ(report->mentions_dropped, report->last_mention_id - report->first_mention_id + 1);
  EXPECT_EQ(report->documents_dropped, report->mentions_dropped);
  EXPECT_EQ(report->last_document_id, static_cast<uint64_t>(kPages));

  // The damaged log is kept, byte for byte.
  ASSERT_FALSE(report->saved_logs_dir.empty());
  std::ifstream saved(fs::path(report->saved_logs_dir) / log.filename(), std::ios::binary);
  const std::string saved_bytes((std::istreambuf_iterator<char>(saved)),
                                std::istreambuf_iterator<char>());
  EXPECT_EQ(saved_bytes, damaged_bytes);

  // Everything before the damage is there; the store opens and takes new pages, whose ids do
  // not reuse the dropped ones (read cursors may already be past them).
  EXPECT_EQ(StoredMentions(dir.path()), report->first_mention_id - 1);
  {
    auto store = Store::Open(dir.path());
    ASSERT_TRUE(store.ok()) << store.status().message();
    for (uint64_t id = 1; id < report->first_mention_id; ++id) {
      auto mention = (*store)->reader().GetMention(id);
      ASSERT_TRUE(mention.ok() && mention->has_value()) << "mention " << id;
    }
    auto put = (*store)->writer().PutPage(NumberedPage(kPages));
    ASSERT_TRUE(put.ok()) << put.status().message();
    EXPECT_EQ(put->doc_id, report->last_document_id + 1);
    EXPECT_EQ(*(*store)->reader().LastMentionId(), report->last_mention_id + 1);
  }
  // A second repair finds nothing to do.
  auto again = Store::Repair(dir.path());
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_FALSE(again->damaged);
}

TEST(WalCorruptionTest, LastRecordCutShortByACrashIsNotDamage) {
  TempDir dir;
  const fs::path log = MakeStoreInItsLog(dir);
  ASSERT_FALSE(log.empty());
  // A crash in the middle of the last write: the close's write of the buffered search postings
  // (PageWriter::kSearchBufferDocuments), which the open redoes from the stored texts.
  fs::resize_file(log, fs::file_size(log) - 100);
  auto store = Store::Open(dir.path());
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_EQ(*(*store)->reader().LastMentionId(), static_cast<uint64_t>(kPages));
  auto matcher = CompileSearchQuery("Zhanaozen");
  ASSERT_TRUE(matcher.ok());
  SearchQuery all;
  all.limit = 1000;
  auto found = (*store)->searcher().Search(*matcher, all);
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_EQ(found->hits.size(), static_cast<size_t>(kPages));
}

}  // namespace
}  // namespace kuzet::storage
