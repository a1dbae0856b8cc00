// Helpers shared by the storage tests: a temporary data dir, page builders, and a raw dump of
// every column family (read with RocksDB directly, so tests see exactly what is on disk).
#pragma once

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/perf_context.h>
#include <rocksdb/perf_level.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "storage/posting_list.h"
#include "storage/posting_merge.h"
#include "storage/records.h"
#include "storage/store.h"

namespace kuzet::storage::testing {

// Two real-length article texts (over 32 words: each has a SimHash) on different subjects.
inline const std::string kStrikeArticle =
    "Oil workers in Zhanaozen went on strike in May 2011, demanding higher pay, safer conditions "
    "and the right to form an independent union. The strike lasted seven months until police "
    "opened fire on the sixteenth of December, killing at least fourteen people in the central "
    "square of the town. Dozens were wounded and many strikers were later put on trial.";
inline const std::string kCourtArticle =
    "The regional court in Aktau heard the appeal of the union lawyer on Tuesday. Her defence "
    "argued that the prosecution had relied on testimony obtained under pressure, and asked the "
    "judges to release her pending a new investigation. The hearing was adjourned until next "
    "month after the prosecutor requested more time to study the documents.";

// A fresh directory under /tmp, removed with everything in it when the object goes.
class TempDir {
 public:
  TempDir() {
    std::string path = (std::filesystem::temp_directory_path() / "kuzet-storage-test-XXXXXX");
    path_ = mkdtemp(path.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string db_path() const { return path_ + "/store"; }

 private:
  std::string path_;
};

inline MentionInput Rule(const std::string& rule_id, const std::string& text,
                         const std::string& term) {
  MentionInput m;
  m.rule_id = rule_id;
  size_t at = text.find(term);
  m.hits.push_back(
      MatchHit{term, term, static_cast<uint32_t>(at), static_cast<uint32_t>(at + term.size())});
  m.snippet = text;
  m.snippet_mark_begin = static_cast<uint32_t>(at);
  m.snippet_mark_end = static_cast<uint32_t>(at + term.size());
  return m;
}

inline PageInput Page(const std::string& url, const std::string& text, int64_t fetched_at_us,
                      std::vector<MentionInput> mentions = {}) {
  PageInput p;
  p.site_id = "site";
  p.url = url;
  p.final_url = url;
  p.title = text.substr(0, std::min<size_t>(text.size(), 24));
  p.text = text;
  p.lang = "en";
  p.charset = "utf-8";
  p.fetched_at_us = fetched_at_us;
  p.http_status = 200;
  p.mentions = std::move(mentions);
  return p;
}

// The strike article (fetched at `fetched_at_us`, mentioned by rules "zhanaozen" and "strike"),
// watched: its first re-fetch is due at `due_us` (schedule fingerprint 42).
inline PageInput WatchedStrike(int64_t fetched_at_us, int64_t due_us) {
  PageInput page = Page(
      "https://a.kz/strike", kStrikeArticle, fetched_at_us,
      {Rule("zhanaozen", kStrikeArticle, "Zhanaozen"), Rule("strike", kStrikeArticle, "strike")});
  page.watch = WatchStart{due_us, 42};
  return page;
}

// The re-fetch of WatchedStrike's document due at `due_us` finding it gone (404, Zhanaozen
// removed), queuing step `next_step` at `next_due_us` (none: the watch ends).
inline VersionInput GoneRefetch(uint64_t doc_id, int64_t fetched_at_us, int64_t due_us,
                                std::optional<int64_t> next_due_us, uint32_t next_step) {
  VersionInput input;
  input.doc_id = doc_id;
  input.due_us = due_us;
  VersionRecord v;
  v.fetched_at_us = due_us + 5;
  v.http_status = 404;
  v.kinds = {"gone"};
  v.names_removed = {{"zhanaozen", "Zhanaozen"}};
  input.version = v;
  input.next_due_us = next_due_us;
  input.next = WatchEntry{"https://a.kz/strike", "site", next_step, 42, fetched_at_us};
  return input;
}

using FamilyDump = std::map<std::string, std::map<std::string, std::string>>;

// Every key and value of every column family. The store must be closed (or this reads a
// consistent point in time of a read-only open, which RocksDB allows next to a writer).
// The options a test opening the store's RocksDB directly gives family `name`: the search
// family's merge operator (FORMAT.md, *search*), without which its entries cannot be read.
inline rocksdb::ColumnFamilyOptions RawFamilyOptions(const std::string& name) {
  rocksdb::ColumnFamilyOptions options;
  if (name == kSearchFamily) options.merge_operator = std::make_shared<PostingListUnion>("test");
  return options;
}

inline FamilyDump DumpFamilies(const std::string& db_path) {
  FamilyDump dump;
  rocksdb::Options options;
  std::vector<std::string> names;
  if (!rocksdb::DB::ListColumnFamilies(options, db_path, &names).ok()) return dump;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& n : names) descriptors.emplace_back(n, RawFamilyOptions(n));
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  if (!rocksdb::DB::OpenForReadOnly(options, db_path, descriptors, &handles, &db).ok()) {
    return dump;
  }
  for (rocksdb::ColumnFamilyHandle* h : handles) {
    auto& family = dump[h->GetName()];
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator({}, h));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      family[it->key().ToString()] = it->value().ToString();
    }
    if (!it->status().ok()) ADD_FAILURE() << h->GetName() << ": " << it->status().ToString();
    db->DestroyColumnFamilyHandle(h);
  }
  delete db;
  return dump;
}

// The (word key, doc id) pairs the search family of `dump` holds (FORMAT.md, *search*).
inline std::set<std::pair<std::string, uint64_t>> SearchPostings(const FamilyDump& dump) {
  std::set<std::pair<std::string, uint64_t>> postings;
  auto family = dump.find(kSearchFamily);
  if (family == dump.end()) return postings;
  for (const auto& [key, value] : family->second) {
    std::string_view word;
    std::optional<uint8_t> word_class;  // a word's classes are one word here
    uint64_t block = 0;
    PostingList list;
    if (!ParseSearchBlockKey(key, word, word_class, block) ||
        !DecodePostingList(value, block, list) || list.whole_block) {
      ADD_FAILURE() << "search entry " << key.substr(0, key.find('\0')) << " is malformed";
      continue;
    }
    for (uint64_t id : list.doc_ids) postings.emplace(std::string(word), id);
  }
  return postings;
}

}  // namespace kuzet::storage::testing

namespace kuzet::storage::testing {

// Starts this test binary again as a child process that runs `role` (see ChildRole) instead of
// the tests. A fresh exec, not a bare fork: RocksDB's background threads do not survive fork(),
// so a forked child of a process that ever opened a store could stall.
inline pid_t SpawnChild(const std::string& role, const std::string& args) {
  pid_t pid = fork();
  if (pid == 0) {
    setenv("KUZET_STORAGE_CHILD", role.c_str(), 1);
    setenv("KUZET_STORAGE_CHILD_ARGS", args.c_str(), 1);
    execl("/proc/self/exe", "/proc/self/exe", static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

// The arguments given to SpawnChild when this process is that child in `role`; nullopt otherwise.
inline std::optional<std::string> ChildRole(const std::string& role) {
  const char* r = getenv("KUZET_STORAGE_CHILD");
  const char* args = getenv("KUZET_STORAGE_CHILD_ARGS");
  if (r == nullptr || args == nullptr || role != r) return std::nullopt;
  return std::string(args);
}

// Table blocks `query` needed on this thread (RocksDB's perf context): read from the files, and
// found in the block cache.
struct TableBlocks {
  uint64_t read = 0;
  uint64_t cached = 0;
};
template <typename Query>
TableBlocks TableBlocksOf(Query query) {
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kEnableCount);
  rocksdb::get_perf_context()->Reset();
  query();
  const rocksdb::PerfContext& perf = *rocksdb::get_perf_context();
  TableBlocks blocks{perf.block_read_count, perf.block_cache_hit_count};
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
  return blocks;
}

}  // namespace kuzet::storage::testing
