// The on-disk format, pinned byte for byte: a fixed sequence of pages and alert outcomes is
// written to a fresh store, and every key and value of every column family (not RocksDB's own
// file bytes) is compared with tests/storage/testdata/golden_format.txt. Any change to a key
// layout or a record encoding (storage/FORMAT.md) shows in review as a change of that file.
//
// To regenerate after an intended format change: run this test; on a mismatch it writes what
// the store holds now to the file named in its failure message; copy that over
// tests/storage/testdata/golden_format.txt, and describe the change in storage/FORMAT.md (a
// change to an existing key or field also raises the format version).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "base/hex.h"
#include "storage/store.h"
#include "tests/storage/store_test_util.h"

namespace kuzet::storage {
namespace {

using testing::kCourtArticle;
using testing::kStrikeArticle;
using testing::Page;
using testing::Rule;
using testing::TempDir;

constexpr int64_t kT0 = 1'700'000'000'000'000;
constexpr int64_t kMinute = 60'000'000;

const std::string kGoldenPath =
    std::string(KUZET_SOURCE_DIR) + "/tests/storage/testdata/golden_format.txt";

// Writes the fixed history every record kind comes from.
void WriteHistory(Store& store) {
  auto put = [&](PageInput page) {
    auto result = store.writer().PutPage(page);
    ASSERT_TRUE(result.ok()) << result.status().message();
  };
  PageInput strike = Page(
      "https://a.kz/strike", kStrikeArticle, kT0,
      {Rule("zhanaozen", kStrikeArticle, "Zhanaozen"), Rule("strike", kStrikeArticle, "strike")});
  strike.site_id = "a";
  strike.etag = "\"v1\"";
  strike.last_modified = "Tue, 15 Nov 2023 08:00:00 GMT";
  strike.author = "Reporter";
  strike.published = "2023-11-15";
  strike.canonical_url = "https://a.kz/strike";
  strike.charset = "windows-1251";
  put(strike);

  PageInput copy = Page("https://b.kz/copy", kStrikeArticle, kT0 + kMinute,
                        {Rule("zhanaozen", kStrikeArticle, "Zhanaozen")});
  copy.site_id = "b";
  put(copy);  // an exact reprint: a duplicate URL of document 1

  const std::string edit = "Updated: " + kStrikeArticle;
  PageInput near =
      Page("https://c.kz/edit", edit, kT0 + 2 * kMinute, {Rule("zhanaozen", edit, "Zhanaozen")});
  near.site_id = "c";
  near.lang = "ru";
  put(near);  // a near-duplicate: document 2, in document 1's story

  PageInput court = Page("https://a.kz/court", kCourtArticle, kT0 + 3 * kMinute,
                         {Rule("court", kCourtArticle, "court")});
  court.site_id = "a";
  court.watch = WatchStart{kT0 + 63 * kMinute, 0x5eed};
  put(court);  // a story of its own; watched: version 0 and a re-fetch queued
  court.watch.reset();
  court.fetched_at_us = kT0 + 4 * kMinute;
  court.etag = "\"v2\"";
  put(court);  // unchanged: only the URL state moves

  ASSERT_TRUE(store.writer().RecordFetch("https://a.kz/gone", 404, kT0 + 5 * kMinute, "", "").ok());
  put(Page("https://e.kz/short", "Zhanaozen in brief.", kT0 + 6 * kMinute,
           {Rule("zhanaozen", "Zhanaozen in brief.", "Zhanaozen")}));  // no SimHash

  // The court page re-fetched: its text was edited and a name removed (version 1); the next
  // re-fetch is queued.
  VersionInput refetch;
  refetch.doc_id = 3;
  refetch.due_us = kT0 + 63 * kMinute;
  VersionRecord edited;
  edited.fetched_at_us = kT0 + 64 * kMinute;
  edited.http_status = 200;
  edited.digest = std::string(64, 'b');
  edited.kinds = {"text_edited", "name_removed"};
  edited.paragraphs_modified = {{0, 0}};
  edited.names_removed = {{"court", "court"}};
  edited.has_text = true;
  edited.title = "Appeal";
  edited.text = "The appeal was heard.";
  refetch.version = edited;
  refetch.next_due_us = kT0 + 6 * 60 * kMinute;
  refetch.next = WatchEntry{"https://a.kz/court", "a", 1, 0x5eed, kT0 + 3 * kMinute};
  refetch.alert = true;  // a change alert in the version's batch (`outbox` and `alerts` `p`)
  auto version = store.writer().PutVersion(refetch);
  ASSERT_TRUE(version.ok()) << version.status().message();
  ASSERT_TRUE(version->stored);

  // Alert outcomes: mention 1 sent, 2 rescheduled with a channel's state, 3 given up, 4 given up
  // and requeued.
  ASSERT_TRUE(store.outbox().MarkAlertSent(1, kT0 + 10 * kMinute).ok());
  ASSERT_TRUE(store.outbox()
                  .RecordAlertChannel(2, ChannelDelivery{"email", ChannelDelivery::State::kSent, 0,
                                                         "", kT0 + 11 * kMinute})
                  .ok());
  ASSERT_TRUE(store.outbox().RescheduleAlert(2, kT0 + 20 * kMinute, "webhook: HTTP 503").ok());
  ASSERT_TRUE(store.outbox().MarkAlertFailed(3, "smtp: 550 mailbox unavailable").ok());
  ASSERT_TRUE(store.outbox().MarkAlertFailed(4, "command exited 1").ok());
  auto requeued = store.outbox().RequeueFailedAlerts(kT0 + 30 * kMinute);
  ASSERT_TRUE(requeued.ok());
  ASSERT_TRUE(store.outbox().MarkAlertFailed(5, "webhook: timed out").ok());
}

// One line a key: family, key and value in lowercase hex.
std::string DumpAsText(const testing::FamilyDump& dump) {
  std::ostringstream out;
  out << "# family key value (hex); written by tests/storage/golden_format_test.cc\n";
  for (const auto& [family, entries] : dump) {
    for (const auto& [key, value] : entries) {
      out << family << ' ' << base::HexEncode(key) << ' '
          << (value.empty() ? "-" : base::HexEncode(value)) << '\n';
    }
  }
  return out.str();
}

TEST(GoldenFormatTest, AFixedHistoryWritesExactlyTheGoldenKeysAndValues) {
  TempDir dir;
  {
    auto store = Store::Open(dir.path());
    ASSERT_TRUE(store.ok()) << store.status().message();
    ASSERT_NO_FATAL_FAILURE(WriteHistory(**store));
  }
  const std::string actual = DumpAsText(testing::DumpFamilies(dir.db_path()));

  std::stringstream golden;  // empty when the file is missing: the test fails and writes it
  if (std::ifstream in(kGoldenPath, std::ios::binary); in) golden << in.rdbuf();
  if (golden.str() == actual) return;

  const std::string actual_path =
      (std::filesystem::temp_directory_path() / "kuzet-golden_format.actual.txt").string();
  std::ofstream(actual_path, std::ios::binary) << actual;
  // The first line that differs, to read in the failure message.
  std::istringstream a(golden.str()), b(actual);
  std::string line_a, line_b;
  int line = 0;
  while (true) {
    ++line;
    const bool more_a = static_cast<bool>(std::getline(a, line_a));
    const bool more_b = static_cast<bool>(std::getline(b, line_b));
    if (!more_a && !more_b) break;
    if (!more_a || !more_b || line_a != line_b) break;
  }
  ADD_FAILURE() << "the store's keys and values differ from " << kGoldenPath << " first at line "
                << line << ":\n  golden: " << line_a << "\n  now:    " << line_b
                << "\nThe whole dump is in " << actual_path
                << "; if the format change is intended, copy it over the golden file and "
                   "describe the change in storage/FORMAT.md.";
}

}  // namespace
}  // namespace kuzet::storage
