// bench_store: the Kuzet store (RocksDB) against the same store written on SQLite, on the same
// real article texts (shared/corpus ground truth), in one run. Both sync to disk every page that
// brings mentions (RocksDB WAL sync / SQLite WAL with synchronous=FULL) and no other, keep the
// same records and indexes, and apply the same dedup rules. Phases: new pages, the same pages again
// (unchanged), the same texts at new URLs (exact duplicates), then mention queries (by time, by
// rule, by site).
//
// With --docs N it runs the scale benchmark instead (see RunScale): N synthetic documents with
// five mentions each, ingest rate, query latencies and disk size at N/10, N/2 and N documents.
//
// Usage: bench_store [shared_dir] [work_dir]
//        bench_store --docs 200000 [work_dir]
#include <sqlite3.h>

#include <algorithm>
#include <random>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "bench/work_dir.h"
#include "storage/sha256.h"
#include "storage/simhash.h"
#include "storage/store.h"
#include "storage/text_fold.h"

namespace {

namespace fs = std::filesystem;
using kuzet::storage::MatchHit;
using kuzet::storage::MentionInput;
using kuzet::storage::PageInput;

const char* const kTerms[] = {"Россия", "Казахстан", "года",       "президент", "the",
                              "said",   "police",    "government", "Украин",    "million"};

std::vector<PageInput> LoadPages(const fs::path& shared) {
  std::vector<PageInput> pages;
  int64_t t = 1'700'000'000'000'000;
  for (const char* corpus :
       {"corpus/daniel-ru-dev/ground-truth.json", "corpus/aeb-dev/ground-truth.json"}) {
    std::ifstream in(shared / corpus);
    if (!in) continue;
    nlohmann::json truth = nlohmann::json::parse(in, nullptr, false);
    if (truth.is_discarded()) continue;
    for (auto& [id, entry] : truth.items()) {
      PageInput p;
      p.site_id = id.substr(0, id.find('_') == std::string::npos ? 4 : 12);
      p.url = "https://bench.example/" + id;
      p.final_url = p.url;
      p.text = entry.value("articleBody", "");
      p.title = p.text.substr(0, p.text.find('\n'));
      p.lang = std::string(corpus).find("ru") != std::string::npos ? "ru" : "en";
      p.fetched_at_us = t += 1'000'000;
      p.http_status = 200;
      for (const char* term : kTerms) {
        MentionInput m;
        m.rule_id = term;
        for (size_t at = p.text.find(term); at != std::string::npos;
             at = p.text.find(term, at + 1)) {
          m.hits.push_back(MatchHit{term, term, static_cast<uint32_t>(at),
                                    static_cast<uint32_t>(at + std::strlen(term))});
        }
        if (m.hits.empty()) continue;
        size_t start = p.text.rfind('.', m.hits[0].begin);
        start = start == std::string::npos ? 0 : start + 1;
        m.snippet = p.text.substr(start, 200);
        m.snippet_mark_begin = m.hits[0].begin - static_cast<uint32_t>(start);
        m.snippet_mark_end = m.snippet_mark_begin + static_cast<uint32_t>(std::strlen(term));
        p.mentions.push_back(std::move(m));
      }
      pages.push_back(std::move(p));
    }
  }
  return pages;
}

// The peer: the same records, indexes and rules on SQLite.
class SqliteStore {
 public:
  explicit SqliteStore(const std::string& path) {
    sqlite3_open(path.c_str(), &db_);
    Exec(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
        "CREATE TABLE docs(id INTEGER PRIMARY KEY, site_id, url, final_url, title, text, lang,"
        " charset, author, published, canonical_url, fetched_at, http_status, etag,"
        " last_modified, first_seen, content_hash, duplicate_urls);"
        "CREATE TABLE urls(url TEXT PRIMARY KEY, last_fetch, http_status, etag, last_modified,"
        " doc_id, content_hash) WITHOUT ROWID;"
        "CREATE TABLE fingerprints(hash BLOB PRIMARY KEY, doc_id) WITHOUT ROWID;"
        "CREATE TABLE mentions(id INTEGER PRIMARY KEY, doc_id, rule_id, site_id, url, title,"
        " lang, snippet, mark_begin, mark_end, found_at, hits, UNIQUE(doc_id, rule_id));"
        "CREATE INDEX mentions_by_time ON mentions(found_at, id);"
        "CREATE INDEX mentions_by_rule ON mentions(rule_id, found_at, id);"
        "CREATE TABLE outbox(due, mention_id, state, attempts, PRIMARY KEY(due, mention_id))"
        " WITHOUT ROWID;");
  }
  ~SqliteStore() { sqlite3_close(db_); }

  int PutPage(const PageInput& p) {
    auto digest = kuzet::storage::Sha256(kuzet::storage::NormalizeForFingerprint(p.text));
    std::string hash(digest.begin(), digest.end());
    // The reads come before the transaction, so the durability of the commit can follow the
    // Kuzet store's rule (sync the commits that hold mentions); there is a single writer.
    int64_t url_doc = 0;
    std::string url_hash;
    Query("SELECT doc_id, content_hash FROM urls WHERE url=?", {p.url}, [&](sqlite3_stmt* s) {
      url_doc = sqlite3_column_int64(s, 0);
      url_hash.assign(static_cast<const char*>(sqlite3_column_blob(s, 1)),
                      sqlite3_column_bytes(s, 1));
    });
    auto put_url = [&](int64_t doc) {
      Query("INSERT OR REPLACE INTO urls VALUES(?,?,?,?,?,?,?)",
            {p.url, p.fetched_at_us, p.http_status, p.etag, p.last_modified, doc, hash});
    };
    int new_mentions = 0;
    int64_t same_text = 0;
    Query("SELECT doc_id FROM fingerprints WHERE hash=?", {hash},
          [&](sqlite3_stmt* s) { same_text = sqlite3_column_int64(s, 0); });
    const bool unchanged = url_doc != 0 && url_hash == hash;
    const bool duplicate = !unchanged && same_text != 0 && same_text != url_doc;
    // Changed pages (an owned document with new text) are not part of this benchmark.
    Exec(!unchanged && !duplicate && !p.mentions.empty() ? "PRAGMA synchronous=FULL; BEGIN"
                                                         : "PRAGMA synchronous=NORMAL; BEGIN");
    if (unchanged) {
      put_url(url_doc);
    } else {
      if (duplicate) {
        Query("UPDATE docs SET duplicate_urls = duplicate_urls || ? || char(10) WHERE id=?",
              {p.url, same_text});
        put_url(same_text);
      } else {
        Query("INSERT INTO docs VALUES(NULL,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,'')",
              {p.site_id, p.url, p.final_url, p.title, p.text, p.lang, p.charset, p.author,
               p.published, p.canonical_url, p.fetched_at_us, p.http_status, p.etag,
               p.last_modified, p.fetched_at_us, hash});
        int64_t doc = sqlite3_last_insert_rowid(db_);
        Query("INSERT INTO fingerprints VALUES(?,?)", {hash, doc});
        put_url(doc);
        for (const MentionInput& m : p.mentions) {
          std::string hits;
          for (const MatchHit& h : m.hits) {
            hits += h.term + '\t' + h.surface + '\t' + std::to_string(h.begin) + '\t' +
                    std::to_string(h.end) + '\n';
          }
          Query(
              "INSERT INTO mentions VALUES(NULL,?,?,?,?,?,?,?,?,?,?,?)",
              {doc, m.rule_id, p.site_id, p.url, p.title, p.lang, m.snippet,
               int64_t{m.snippet_mark_begin}, int64_t{m.snippet_mark_end}, p.fetched_at_us, hits});
          Query("INSERT INTO outbox VALUES(?,?,'P',0)",
                {p.fetched_at_us, static_cast<int64_t>(sqlite3_last_insert_rowid(db_))});
          ++new_mentions;
        }
      }
    }
    Exec("COMMIT");
    return new_mentions;
  }

  size_t Mentions(const std::string& rule, const std::string& site, int limit) {
    size_t n = 0;
    std::string sql = "SELECT * FROM mentions";
    std::vector<Value> args;
    if (!rule.empty()) sql += " WHERE rule_id=?", args.push_back(rule);
    if (!site.empty())
      sql += rule.empty() ? " WHERE site_id=?" : " AND site_id=?", args.push_back(site);
    sql += " ORDER BY found_at DESC, id DESC LIMIT " + std::to_string(limit);
    Query(sql, args, [&](sqlite3_stmt*) { ++n; });
    return n;
  }

 private:
  using Value = std::variant<std::string, int64_t, int>;
  void Exec(const char* sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
      std::cerr << "sqlite: " << (error ? error : "?") << "\n";
      sqlite3_free(error);
    }
  }
  void Query(const std::string& sql, const std::vector<Value>& args,
             const std::function<void(sqlite3_stmt*)>& row = nullptr) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      std::cerr << "sqlite: " << sqlite3_errmsg(db_) << "\n";
      return;
    }
    for (size_t i = 0; i < args.size(); ++i) {
      int at = static_cast<int>(i + 1);
      if (auto* s = std::get_if<std::string>(&args[i])) {
        sqlite3_bind_blob(stmt, at, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
      } else if (auto* v = std::get_if<int64_t>(&args[i])) {
        sqlite3_bind_int64(stmt, at, *v);
      } else {
        sqlite3_bind_int(stmt, at, std::get<int>(args[i]));
      }
    }
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      if (row) row(stmt);
    }
    sqlite3_finalize(stmt);
  }
  sqlite3* db_ = nullptr;
};

double Seconds(const std::function<void()>& f) {
  auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// ---- the scale benchmark (--docs N) -------------------------------------------------------------
//
// N synthetic documents with 5 mentions each (200,000 → 1,000,000 mentions), 100 rules, 500 sites,
// one document every 10 s, every 10th document a near-duplicate of an earlier one. Both stores
// skip fsync here (Kuzet OpenOptions::sync_mentions = false, SQLite synchronous=OFF): a million
// synced commits would measure the disk, not the stores. Queries are measured at N/10, N/2 and N
// documents, so their growth with the data shows. Kuzet indexes each new text for search, so the
// SQLite peer adds it to a contentless FTS5 table in the same transaction; a second SQLite store
// without it (the peer before the search index) is timed for the row "ingest, peer without
// FTS5", for comparison with the figures before it (bench/storage/NOTES.md, Session 18).

constexpr int kScaleRules = 100;
constexpr int kScaleSites = 500;
constexpr int kMentionsPerDoc = 5;
constexpr int64_t kDocEveryUs = 10'000'000;
constexpr int64_t kScaleT0 = 1'700'000'000'000'000;
constexpr int64_t kHourUs = 3'600'000'000;

class Vocabulary {
 public:
  Vocabulary() {
    std::mt19937_64 rng(7);
    const char* syllables[] = {"ka",  "zan", "mu",  "nai", "gas", "oz", "en", "ta", "ra", "sh",
                               "bek", "ul",  "tor", "in",  "al",  "ma", "ty", "pa", "vo", "rek"};
    for (int i = 0; i < 8000; ++i) {
      std::string word;
      int n = 2 + static_cast<int>(rng() % 3);
      for (int j = 0; j < n; ++j) word += syllables[rng() % std::size(syllables)];
      words_.push_back(word);
    }
  }
  const std::string& operator[](size_t i) const { return words_[i % words_.size()]; }
  size_t size() const { return words_.size(); }

 private:
  std::vector<std::string> words_;
};

// The words of document i (a near-duplicate's are its original's with one word replaced).
std::vector<uint32_t> DocWords(int64_t i) {
  if (i % 10 == 9 && i >= 20) {
    std::vector<uint32_t> words = DocWords(i - 17);
    words[(i * 7) % words.size()] = static_cast<uint32_t>(i * 31 % 8000);
    return words;
  }
  std::mt19937_64 rng(static_cast<uint64_t>(i) * 0x9E3779B97F4A7C15ULL + 1);
  std::vector<uint32_t> words(90);
  // Zipf-like: frequent words are frequent, as in prose.
  for (uint32_t& w : words) w = static_cast<uint32_t>((rng() % 8000) * (rng() % 8000) / 8000);
  return words;
}

std::string WordsToText(const Vocabulary& vocabulary, const std::vector<uint32_t>& words) {
  std::string text;
  for (size_t k = 0; k < words.size(); ++k) {
    text += vocabulary[words[k]];
    text += (k % 15 == 14) ? ". " : " ";
  }
  return text;
}

PageInput ScalePage(const Vocabulary& vocabulary, int64_t i) {
  PageInput p;
  p.site_id = "site" + std::to_string(i * 7919 % kScaleSites);
  p.url = "https://" + p.site_id + ".example/news/" + std::to_string(i);
  p.final_url = p.url;
  p.text = WordsToText(vocabulary, DocWords(i));
  p.title = p.text.substr(0, 60);
  p.lang = i % 3 == 0 ? "en" : i % 3 == 1 ? "ru" : "kk";
  p.charset = "utf-8";
  p.fetched_at_us = kScaleT0 + i * kDocEveryUs;
  p.http_status = 200;
  for (int k = 0; k < kMentionsPerDoc; ++k) {
    MentionInput m;
    m.rule_id = "rule" + std::to_string((i * 13 + k * 17) % kScaleRules);
    uint32_t at = static_cast<uint32_t>(p.text.find(' ') + 1);
    uint32_t end = static_cast<uint32_t>(p.text.find(' ', at));
    m.hits.push_back(MatchHit{"term", p.text.substr(at, end - at), at, end});
    m.snippet = p.text.substr(0, 160);
    m.snippet_mark_begin = at;
    m.snippet_mark_end = end;
    p.mentions.push_back(std::move(m));
  }
  return p;
}

// The SQLite peer of the scale run: one table per kind with the indexes its queries need, and
// prepared statements kept for the whole run (the fair way to use SQLite).
class SqliteScaleStore {
 public:
  // `full_text`: also index each new text in a contentless FTS5 table, as Kuzet indexes it for
  // search (the same work); without it, the peer of the figures before the search index.
  SqliteScaleStore(const std::string& path, bool full_text) : full_text_(full_text) {
    sqlite3_open(path.c_str(), &db_);
    Exec(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"
        "CREATE TABLE docs(id INTEGER PRIMARY KEY, site_id, url, final_url, title, text, lang,"
        " charset, fetched_at, http_status, first_seen, content_hash, duplicate_urls);"
        "CREATE TABLE urls(url TEXT PRIMARY KEY, last_fetch, http_status, doc_id, content_hash)"
        " WITHOUT ROWID;"
        "CREATE TABLE fingerprints(hash BLOB PRIMARY KEY, doc_id) WITHOUT ROWID;"
        "CREATE TABLE simhashes(block, value, simhash, doc_id, PRIMARY KEY(block, value, doc_id))"
        " WITHOUT ROWID;"
        "CREATE TABLE stories(doc_id INTEGER PRIMARY KEY, story_id, simhash);"
        "CREATE INDEX stories_by_story ON stories(story_id, doc_id);"
        "CREATE TABLE mentions(id INTEGER PRIMARY KEY, doc_id, rule_id, site_id, url, title,"
        " lang, snippet, mark_begin, mark_end, found_at, hits, story_id, UNIQUE(doc_id, rule_id));"
        "CREATE INDEX mentions_by_time ON mentions(found_at, id);"
        "CREATE INDEX mentions_by_rule ON mentions(rule_id, found_at, id);"
        "CREATE INDEX mentions_by_site ON mentions(site_id, found_at, id);"
        "CREATE INDEX mentions_by_rule_id ON mentions(rule_id, id);"
        "CREATE TABLE outbox(due, mention_id, state, attempts, PRIMARY KEY(due, mention_id))"
        " WITHOUT ROWID;");
    // As bench/search's contentless table: rowids only, an index and not a copy of the texts.
    if (full_text) {
      Exec(
          "CREATE VIRTUAL TABLE docs_fts USING fts5(text, content='',"
          " tokenize='unicode61 remove_diacritics 2');");
    }
    for (const char* sql :
         {"SELECT doc_id, content_hash FROM urls WHERE url=?",                // 0
          "SELECT doc_id FROM fingerprints WHERE hash=?",                     // 1
          "SELECT simhash, doc_id FROM simhashes WHERE block=? AND value=?",  // 2
          "SELECT story_id FROM stories WHERE doc_id=?",                      // 3
          "INSERT INTO docs VALUES(NULL,?,?,?,?,?,?,?,?,?,?,?,'')",           // 4
          "INSERT INTO fingerprints VALUES(?,?)",                             // 5
          "INSERT OR REPLACE INTO urls VALUES(?,?,?,?,?)",                    // 6
          "INSERT INTO simhashes VALUES(?,?,?,?)",                            // 7
          "INSERT INTO stories VALUES(?,?,?)",                                // 8
          "INSERT INTO mentions VALUES(NULL,?,?,?,?,?,?,?,?,?,?,?,?)",        // 9
          "INSERT INTO outbox VALUES(?,?,'P',0)",                             // 10
          "SELECT * FROM mentions WHERE found_at >= ? ORDER BY found_at DESC, id DESC "
          "LIMIT 100",                                                                  // 11
          "SELECT * FROM mentions WHERE rule_id=? AND id>? ORDER BY id LIMIT 100",      // 12
          "BEGIN", "COMMIT",                                                            // 13, 14
          full_text ? "INSERT INTO docs_fts(rowid, text) VALUES(?,?)" : "SELECT 1"}) {  // 15
      sqlite3_stmt* stmt = nullptr;
      if (sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) != SQLITE_OK) {
        std::cerr << "sqlite: " << sqlite3_errmsg(db_) << "\n";
      }
      stmts_.push_back(stmt);
    }
  }
  ~SqliteScaleStore() {
    for (sqlite3_stmt* s : stmts_) sqlite3_finalize(s);
    sqlite3_close(db_);
  }

  // The same decisions as Store::PutPage for new pages: URL state, exact fingerprint, near
  // duplicate through the four block tables, then the document, its story and its mentions.
  int PutPage(const PageInput& p) {
    // The same text keys as the store, computed the same way (one folding for both).
    const std::string folded = kuzet::storage::FoldText(p.text);
    const std::string normalized = kuzet::storage::CollapseWhitespace(folded);
    auto digest = kuzet::storage::Sha256(normalized);
    std::string hash(digest.begin(), digest.end());
    Step(13);
    int64_t url_doc = 0;
    Bind(0, {p.url});
    while (Row(0)) url_doc = sqlite3_column_int64(stmts_[0], 0);
    int64_t same_text = 0;
    Bind(1, {hash});
    while (Row(1)) same_text = sqlite3_column_int64(stmts_[1], 0);
    int mentions = 0;
    if (url_doc == 0 && same_text == 0) {
      std::optional<uint64_t> simhash = kuzet::storage::SimHashOfFoldedText(folded);
      Bind(4, {p.site_id, p.url, p.final_url, p.title, p.text, p.lang, p.charset, p.fetched_at_us,
               int64_t{p.http_status}, p.fetched_at_us, hash});
      Step(4);
      int64_t doc = sqlite3_last_insert_rowid(db_);
      if (full_text_) {
        Bind(15, {doc});
        sqlite3_bind_text(stmts_[15], 2, p.text.data(), static_cast<int>(p.text.size()),
                          SQLITE_TRANSIENT);  // as text: FTS5 tokenizes text
        Step(15);
      }
      int64_t story = doc;
      if (simhash) {
        if (auto near = NearDuplicate(*simhash)) {
          Bind(3, {*near});
          while (Row(3)) story = sqlite3_column_int64(stmts_[3], 0);
        }
        for (int b = 0; b < kuzet::storage::kSimHashBlocks; ++b) {
          Bind(7, {int64_t{b}, int64_t{kuzet::storage::SimHashBlock(*simhash, b)},
                   static_cast<int64_t>(*simhash), doc});
          Step(7);
        }
      }
      Bind(8, {doc, story, static_cast<int64_t>(simhash.value_or(0))});
      Step(8);
      Bind(5, {hash, doc});
      Step(5);
      Bind(6, {p.url, p.fetched_at_us, int64_t{p.http_status}, doc, hash});
      Step(6);
      for (const MentionInput& m : p.mentions) {
        std::string hits;
        for (const MatchHit& h : m.hits) {
          hits += h.term + '\t' + h.surface + '\t' + std::to_string(h.begin) + '\t' +
                  std::to_string(h.end) + '\n';
        }
        Bind(9, {doc, m.rule_id, p.site_id, p.url, p.title, p.lang, m.snippet,
                 int64_t{m.snippet_mark_begin}, int64_t{m.snippet_mark_end}, p.fetched_at_us, hits,
                 story});
        Step(9);
        Bind(10, {p.fetched_at_us, static_cast<int64_t>(sqlite3_last_insert_rowid(db_))});
        Step(10);
        ++mentions;
      }
    }
    Step(14);
    return mentions;
  }

  std::optional<int64_t> NearDuplicate(uint64_t simhash) {
    std::optional<int64_t> best;
    int best_distance = kuzet::storage::kMaxNearDuplicateDistance + 1;
    for (int b = 0; b < kuzet::storage::kSimHashBlocks; ++b) {
      Bind(2, {int64_t{b}, int64_t{kuzet::storage::SimHashBlock(simhash, b)}});
      while (Row(2)) {
        uint64_t candidate = static_cast<uint64_t>(sqlite3_column_int64(stmts_[2], 0));
        int64_t doc = sqlite3_column_int64(stmts_[2], 1);
        int d = kuzet::storage::HammingDistance(simhash, candidate);
        if (d < best_distance || (d == best_distance && best && doc < *best)) {
          best = doc;
          best_distance = d;
        }
      }
    }
    return best;
  }

  size_t MentionsSince(int64_t since) { return Rows(11, {since}); }
  size_t RuleMentionsAfter(const std::string& rule, int64_t after) {
    return Rows(12, {rule, after});
  }

 private:
  using Value = std::variant<std::string, int64_t>;
  void Exec(const char* sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
      std::cerr << "sqlite: " << (error ? error : "?") << "\n";
      sqlite3_free(error);
    }
  }
  void Bind(int i, const std::vector<Value>& args) {
    sqlite3_stmt* stmt = stmts_[i];
    sqlite3_reset(stmt);
    for (size_t k = 0; k < args.size(); ++k) {
      int at = static_cast<int>(k + 1);
      if (auto* s = std::get_if<std::string>(&args[k])) {
        sqlite3_bind_blob(stmt, at, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
      } else {
        sqlite3_bind_int64(stmt, at, std::get<int64_t>(args[k]));
      }
    }
  }
  bool Row(int i) { return sqlite3_step(stmts_[i]) == SQLITE_ROW; }
  void Step(int i) {
    int rc = sqlite3_step(stmts_[i]);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
      std::cerr << "sqlite: " << sqlite3_errmsg(db_) << "\n";
    sqlite3_reset(stmts_[i]);
  }
  size_t Rows(int i, const std::vector<Value>& args) {
    Bind(i, args);
    size_t n = 0;
    // Read every column, as the Kuzet side decodes every field.
    while (Row(i)) {
      for (int c = 0; c < sqlite3_column_count(stmts_[i]); ++c) sqlite3_column_blob(stmts_[i], c);
      ++n;
    }
    return n;
  }
  sqlite3* db_ = nullptr;
  std::vector<sqlite3_stmt*> stmts_;
  bool full_text_ = false;
};

uint64_t DirBytes(const fs::path& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    if (e.is_regular_file(ec)) total += e.file_size(ec);
  }
  return total;
}

struct Latency {
  double p50_us = 0, p99_us = 0;
};

// Runs the two sides alternately, so that both meet the same machine (other jobs share the
// cores), and returns each side's latency percentiles. `block` runs of one side follow each
// other before the other side's: with block = 1 every query runs right after the other store's,
// in CPU caches the other store has just filled ("cold"); with a larger block each store mostly
// follows itself, as in a server answering queries ("warm"). Both are reported.
std::pair<Latency, Latency> MeasureBoth(int runs, int block, const std::function<void(int)>& ours,
                                        const std::function<void(int)>& theirs) {
  std::vector<double> us[2];
  for (int first = 0; first < runs; first += block) {
    const int last = std::min(runs, first + block);
    for (int side = 0; side < 2; ++side) {
      for (int i = first; i < last; ++i) {
        auto start = std::chrono::steady_clock::now();
        (side == 0 ? ours : theirs)(i);
        us[side].push_back(
            std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
                .count());
      }
    }
  }
  Latency result[2];
  for (int side = 0; side < 2; ++side) {
    std::sort(us[side].begin(), us[side].end());
    result[side] = {us[side][us[side].size() / 2],
                    us[side][std::min(us[side].size() - 1, us[side].size() * 99 / 100)]};
  }
  return {result[0], result[1]};
}

int RunScale(int64_t docs, const fs::path& work) {
  if (kuzet::Status claimed = kuzet::bench::ClaimWorkDir(work); !claimed.ok()) {
    std::cerr << claimed.message() << "\n";
    return 2;
  }
  kuzet::storage::Store::OpenOptions no_sync;
  no_sync.sync_mentions = false;
  auto opened = kuzet::storage::Store::Open((work / "kuzet").string(),
                                            kuzet::storage::Store::Mode::kReadWrite, no_sync);
  if (!opened.ok()) {
    std::cerr << opened.status().message() << "\n";
    return 1;
  }
  kuzet::storage::Store& store = **opened;
  SqliteScaleStore peer((work / "peer.sqlite").string(), /*full_text=*/true);
  // Timed for ingest only (its queries would be peer's: the same mention tables).
  SqliteScaleStore former_peer((work / "peer-no-fts.sqlite").string(), /*full_text=*/false);
  Vocabulary vocabulary;

  std::printf("%lld synthetic documents, %d mentions each, %d rules, %d sites; no fsync\n",
              static_cast<long long>(docs), kMentionsPerDoc, kScaleRules, kScaleSites);
  std::printf("%-9s %-9s %-26s %12s %12s %8s\n", "docs", "mentions", "measure", "kuzet", "sqlite",
              "ratio");
  bool agree = true;
  int64_t loaded = 0;
  // Every measure's (Kuzet, SQLite) value at each checkpoint, in the order first printed.
  std::vector<std::pair<std::string, std::vector<std::pair<double, double>>>> series;
  for (int64_t checkpoint : {docs / 10, docs / 2, docs}) {
    // Ingest up to the checkpoint: page building is outside the timed part.
    double kuzet_s = 0, sqlite_s = 0, former_s = 0;
    const int64_t first = loaded;
    for (; loaded < checkpoint; loaded += 1000) {
      std::vector<PageInput> pages;
      for (int64_t i = loaded; i < std::min(checkpoint, loaded + 1000); ++i) {
        pages.push_back(ScalePage(vocabulary, i));
      }
      kuzet_s += Seconds([&] {
        for (const PageInput& p : pages) {
          auto put = store.writer().PutPage(p);
          if (!put.ok()) std::cerr << put.status().message() << "\n";
        }
      });
      sqlite_s += Seconds([&] {
        for (const PageInput& p : pages) peer.PutPage(p);
      });
      former_s += Seconds([&] {
        for (const PageInput& p : pages) former_peer.PutPage(p);
      });
    }
    loaded = checkpoint;
    const double n = static_cast<double>(checkpoint - first);
    auto row = [&](const char* what, double k, double s, double ratio, const char* unit) {
      auto it = std::find_if(series.begin(), series.end(),
                             [&](const auto& entry) { return entry.first == what; });
      if (it == series.end()) it = series.insert(series.end(), {what, {}});
      it->second.emplace_back(k, s);
      std::printf(
          "%-9lld %-9lld %-26s %10.1f%-2s %10.1f%-2s %8.2f\n", static_cast<long long>(checkpoint),
          static_cast<long long>(checkpoint * kMentionsPerDoc), what, k, unit, s, unit, ratio);
    };
    row("ingest docs/s", n / kuzet_s, n / sqlite_s, (n / kuzet_s) / (n / sqlite_s), "");
    // The peer of the figures before Kuzet indexed texts for search: not the same work.
    row("ingest, peer without FTS5", n / kuzet_s, n / former_s, (n / kuzet_s) / (n / former_s), "");

    // Queries in a steady state: RocksDB's flushes and compactions of the load done (SQLite has
    // no background work to wait for).
    if (auto s = store.maintenance().WaitForBackgroundWork(120'000); !s.ok())
      std::cerr << s.message() << "\n";
    // Queries as at the time of the last document: "the last hour" holds 360 documents' worth.
    const int64_t now = kScaleT0 + (checkpoint - 1) * kDocEveryUs;
    // 5,000 runs a measure: p99 is then the 50th-slowest run, not the 5th, so one preemption by
    // another job on the shared cores does not decide it.
    const int kRuns = 5000;
    size_t ours = 0, theirs = 0;
    // Each query is measured warm (10 blocks of 500 runs a side, so only 0.2 % of the runs are
    // the first after a switch) and cold (alternating every run); the rows give p50 and p99
    // warm, then p99 cold.
    auto measure = [&](const char* name, const std::function<void(int)>& kuzet_query,
                       const std::function<void(int)>& sqlite_query) {
      auto [k, s] = MeasureBoth(kRuns, kRuns / 10, kuzet_query, sqlite_query);
      auto [kc, sc] = MeasureBoth(kRuns, 1, kuzet_query, sqlite_query);
      const std::string label = name;
      row((label + " p50 us").c_str(), k.p50_us, s.p50_us, s.p50_us / k.p50_us, "");
      row((label + " p99 us").c_str(), k.p99_us, s.p99_us, s.p99_us / k.p99_us, "");
      row((label + " p99 cold").c_str(), kc.p99_us, sc.p99_us, sc.p99_us / kc.p99_us, "");
    };
    measure(
        "--since 1h",
        [&](int) {
          kuzet::storage::MentionQuery q;
          q.since_us = now - kHourUs;
          ours += store.reader().Mentions(q)->size();
        },
        [&](int) { theirs += peer.MentionsSince(now - kHourUs); });
    agree = agree && ours == theirs;

    // An analyst whose cursor for rule R is where the stream was an hour ago.
    const uint64_t cursor = static_cast<uint64_t>(checkpoint - 360) * kMentionsPerDoc;
    ours = theirs = 0;
    measure(
        "--rule R --new",
        [&](int i) {
          kuzet::storage::MentionQuery q;
          q.rule_id = "rule" + std::to_string(i % kScaleRules);
          ours += store.reader().MentionsAfter(cursor, q)->mentions.size();
        },
        [&](int i) {
          theirs += peer.RuleMentionsAfter("rule" + std::to_string(i % kScaleRules),
                                           static_cast<int64_t>(cursor));
        });
    agree = agree && ours == theirs;

    // Near-duplicate lookups of lightly edited stored texts (SimHash computed inside both).
    std::vector<std::string> probes;
    for (int i = 0; i < kRuns; ++i) {
      std::vector<uint32_t> words = DocWords((i * 7919LL) % checkpoint);
      words[i % words.size()] = 7999;
      probes.push_back(WordsToText(vocabulary, words));
    }
    ours = theirs = 0;
    measure(
        "near-dup lookup",
        [&](int i) { ours += store.reader().FindNearDuplicate(probes[i])->has_value(); },
        [&](int i) {
          auto h = kuzet::storage::TextSimHash(probes[i]);
          theirs += h && peer.NearDuplicate(*h).has_value();
        });
    agree = agree && ours == theirs;
    const double kuzet_mb = DirBytes(work / "kuzet") / 1e6;
    double sqlite_mb = 0;  // peer.sqlite, -wal, -shm (not the former peer's)
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::error_code ec;
      const uintmax_t bytes = fs::file_size(work / (std::string("peer.sqlite") + suffix), ec);
      if (!ec) sqlite_mb += static_cast<double>(bytes) / 1e6;
    }
    row("disk MB", kuzet_mb, sqlite_mb, sqlite_mb / kuzet_mb, "");
    std::fflush(stdout);
  }
  // Growth with the data: ten times the documents from the first checkpoint to the last. A cost
  // that grew tenfold would be linear in the store's size; the goal is flat or logarithmic.
  std::printf("\ngrowth from %lld to %lld documents (x10 the data): last / first\n",
              static_cast<long long>(docs / 10), static_cast<long long>(docs));
  std::printf("%-26s %10s %10s  %s\n", "measure", "kuzet", "sqlite", "kuzet's growth");
  for (const auto& [what, values] : series) {
    const double k = values.back().first / values.front().first;
    const double q = values.back().second / values.front().second;
    const bool rate = what.find("docs/s") != std::string::npos;  // a rate: lower is slower
    const double cost = rate ? 1 / k : k;  // how much more each unit of work costs
    const char* verdict = what.find("disk") != std::string::npos ? "(size)"
                          : cost < 1.5                           ? "flat"
                          : cost < 5                             ? "sublinear"
                                                                 : "LINEAR";
    std::printf("%-26s %9.2fx %9.2fx  %s\n", what.c_str(), k, q, verdict);
  }
  std::cout << (agree ? "both stores agree on every query's row count\n"
                      : "STORES DISAGREE on some query's row count\n");
  fs::remove_all(work);
  return agree ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 2 && std::string(argv[1]) == "--docs") {
    int64_t docs = std::atoll(argv[2]);
    if (docs < 1000) {
      std::cerr << "--docs: at least 1000\n";
      return 2;
    }
    return RunScale(docs,
                    argc > 3 ? fs::path(argv[3]) : fs::temp_directory_path() / "kuzet-bench-scale");
  }
  fs::path shared = argc > 1 ? argv[1] : KUZET_SHARED_DIR;
  fs::path work = argc > 2 ? fs::path(argv[2]) : fs::temp_directory_path() / "kuzet-bench-store";
  std::vector<PageInput> pages = LoadPages(shared);
  if (pages.empty()) {
    std::cerr << "no pages: " << shared << "/corpus/*/ground-truth.json not found\n";
    return 1;
  }
  std::vector<PageInput> reprints = pages;
  for (PageInput& p : reprints) p.url += "/reprint";
  if (kuzet::Status claimed = kuzet::bench::ClaimWorkDir(work); !claimed.ok()) {
    std::cerr << claimed.message() << "\n";
    return 2;
  }

  auto opened = kuzet::storage::Store::Open((work / "kuzet").string());
  if (!opened.ok()) {
    std::cerr << opened.status().message() << "\n";
    return 1;
  }
  kuzet::storage::Store& store = **opened;
  SqliteStore peer((work / "peer.sqlite").string());

  size_t mention_count = 0;
  for (const PageInput& p : pages) mention_count += p.mentions.size();
  std::cout << pages.size() << " pages, " << mention_count << " mentions (real article texts)\n";
  std::cout << "phase                  kuzet s    sqlite s   sqlite/kuzet\n";
  bool agree = true;
  auto phase = [&](const char* name, const std::vector<PageInput>& input, int expected_mentions) {
    int ours = 0, theirs = 0;
    double k = Seconds([&] {
      for (const PageInput& p : input) {
        auto put = store.writer().PutPage(p);
        if (!put.ok()) std::cerr << put.status().message() << "\n";
        if (put.ok()) ours += put->new_mentions;
      }
    });
    double s = Seconds([&] {
      for (const PageInput& p : input) theirs += peer.PutPage(p);
    });
    agree = agree && ours == expected_mentions && theirs == expected_mentions;
    std::printf("%-20s %9.3f %11.3f %12.2f   (%d / %d new mentions)\n", name, k, s, s / k, ours,
                theirs);
  };
  phase("new pages", pages, static_cast<int>(mention_count));
  phase("unchanged re-crawl", pages, 0);
  phase("exact duplicates", reprints, 0);

  const int kQueries = 2000;
  size_t ours = 0, theirs = 0;
  auto query_of = [&](int i) {
    kuzet::storage::MentionQuery q;
    q.limit = 20;
    if (i % 3 == 1) q.rule_id = kTerms[i % std::size(kTerms)];
    if (i % 3 == 2) q.site_id = pages[i % pages.size()].site_id;
    return q;
  };
  double k = Seconds([&] {
    for (int i = 0; i < kQueries; ++i) ours += store.reader().Mentions(query_of(i))->size();
  });
  double s = Seconds([&] {
    for (int i = 0; i < kQueries; ++i) {
      auto q = query_of(i);
      theirs += peer.Mentions(q.rule_id, q.site_id, 20);
    }
  });
  agree = agree && ours == theirs;
  std::printf("%-20s %9.3f %11.3f %12.2f   (%zu / %zu rows)\n", "2000 queries", k, s, s / k, ours,
              theirs);
  std::cout << (agree ? "both stores agree on every count\n" : "STORES DISAGREE\n");
  fs::remove_all(work);
  return agree ? 0 : 1;
}
