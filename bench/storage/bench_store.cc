// bench_store: the Kuzet store (RocksDB) against the same store written on SQLite, on the same
// real article texts (shared/corpus ground truth), in one run. Both sync to disk every page that
// brings mentions (RocksDB WAL sync / SQLite WAL with synchronous=FULL) and no other, keep the
// same records and indexes, and apply the same dedup rules. Phases: new pages, the same pages again
// (unchanged), the same texts at new URLs (exact duplicates), then mention queries (by time, by
// rule, by site).
//
// Usage: bench_store [shared_dir] [work_dir]
#include <sqlite3.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

#include "storage/sha256.h"
#include "storage/store.h"

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

}  // namespace

int main(int argc, char** argv) {
  fs::path shared = argc > 1 ? argv[1] : KUZET_SHARED_DIR;
  fs::path work = argc > 2 ? fs::path(argv[2]) : fs::temp_directory_path() / "kuzet-bench-store";
  std::vector<PageInput> pages = LoadPages(shared);
  if (pages.empty()) {
    std::cerr << "no pages: " << shared << "/corpus/*/ground-truth.json not found\n";
    return 1;
  }
  std::vector<PageInput> reprints = pages;
  for (PageInput& p : reprints) p.url += "/reprint";
  fs::remove_all(work);
  fs::create_directories(work);

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
        auto put = store.PutPage(p);
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
    for (int i = 0; i < kQueries; ++i) ours += store.Mentions(query_of(i))->size();
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
