// bench_search: Kuzet's search (storage/search_index.h) against SQLite FTS5 on the same
// articles and the same queries, in one run (issue #18).
//
// Articles: N texts of 6-20 sentences drawn (seeded) from the real English and Russian articles
// of shared/corpus (aeb-dev, daniel-ru-dev ground truth), one language per article, each
// article a new combination. Queries: words picked from the generated articles by frequency
// rank (common, middle, rare), as single terms, AND, OR, two-word phrases, NEAR/5 and AND NOT —
// what both engines can do. Kuzet's run what a user runs (cross-script, inflecting: it finds
// more), FTS5's are the same words in its syntax (unicode61 tokenizer, diacritics removed).
// Both return the 20 newest matching documents; Kuzet's time includes compiling the query and
// verifying each candidate with the matcher (its hits carry title, URL and snippets). FTS5 runs
// twice: contentless, returning rowids (an index alone), and with content (title and text
// stored in the FTS5 table), returning rowid, title and `snippet()` of the text — what a
// listing shows, the fair peer.
//
// Measures: ingest (Kuzet PutPages in groups of 64, no sync; FTS5 one transaction per 1,000),
// the CPU per page that computing the index keys costs (SearchKeys::KeysOf, the part of
// PutPages the index added) against PutPages' whole CPU per page, index size (the search
// family's table files after a full compaction; the contentless FTS5 table after VACUUM), and
// per query kind p50 / p99 latency over one timed pass after a warm-up pass.
//
// Usage: bench_search [--docs N] [--work DIR] [--shared DIR] [--group N] [--no-compact] [--reuse]
//                     [--passes N] [--kind KIND]
// (--reuse: only the queries, on the stores a run with the same --docs and --work left, after
// compacting Kuzet's store again unless --no-compact;
// --group: pages per PutPages, default 64; --no-compact: query before the full compaction, with
// the search family's merge operands as the writes left them, one per group and word key in the
// memtable; the size is then that of the uncompacted table files; --kind: only the queries of
// one kind, e.g. phrase, for a profile of it)
#include <sqlite3.h>
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include <rocksdb/db.h>
#include <nlohmann/json.hpp>

#include "bench/work_dir.h"
#include "extractor/keywords/search_keys.h"
#include "storage/mention.h"
#include "storage/store.h"

namespace {

namespace fs = std::filesystem;
using kuzet::storage::PageInput;

double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double ThreadCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

struct Pools {
  std::vector<std::string> en, ru;
};

// Sentences of the corpus articles, by language (split after . ! ? and at line breaks).
Pools LoadSentences(const fs::path& shared) {
  Pools pools;
  for (const auto& [corpus, ru] : {std::pair{"corpus/aeb-dev/ground-truth.json", false},
                                   std::pair{"corpus/daniel-ru-dev/ground-truth.json", true}}) {
    std::ifstream in(shared / corpus);
    if (!in) continue;
    nlohmann::json truth = nlohmann::json::parse(in, nullptr, false);
    if (truth.is_discarded()) continue;
    for (auto& [id, entry] : truth.items()) {
      const std::string text = entry.value("articleBody", "");
      size_t start = 0;
      for (size_t i = 0; i < text.size(); ++i) {
        const bool end = text[i] == '\n' || ((text[i] == '.' || text[i] == '!' || text[i] == '?') &&
                                             i + 1 < text.size() && text[i + 1] == ' ');
        if (!end) continue;
        std::string s = text.substr(start, i + 1 - start);
        start = i + 1;
        while (!s.empty() && (s.front() == ' ' || s.front() == '\n')) s.erase(0, 1);
        if (s.size() >= 40) (ru ? pools.ru : pools.en).push_back(std::move(s));
      }
    }
  }
  return pools;
}

PageInput MakeArticle(const Pools& pools, std::mt19937_64& rng, uint64_t n, int64_t t) {
  const bool ru = rng() % 2 == 0;
  const std::vector<std::string>& pool = ru ? pools.ru : pools.en;
  PageInput p;
  p.site_id = "site" + std::to_string(rng() % 1000);
  p.url = "https://bench.example/" + std::to_string(n);
  p.final_url = p.url;
  p.lang = ru ? "ru" : "en";
  const size_t sentences = 6 + rng() % 15;
  for (size_t i = 0; i < sentences; ++i) {
    p.text += pool[rng() % pool.size()];
    p.text += i % 4 == 3 ? "\n" : " ";
  }
  p.title = p.text.substr(0, std::min<size_t>(60, p.text.find('.')));
  p.fetched_at_us = t;
  p.http_status = 200;
  return p;
}

// Lower-case words of letters (ASCII or Cyrillic) of 4+ characters, by frequency, for queries.
std::vector<std::pair<std::string, size_t>> Vocabulary(const std::vector<PageInput>& sample) {
  std::map<std::string, size_t> counts;
  const std::regex word("[A-Za-z]{4,}|(?:\xD0[\x90-\xBF]|\xD1[\x80-\x8F]){4,}");
  for (const PageInput& p : sample) {
    for (auto it = std::sregex_iterator(p.text.begin(), p.text.end(), word);
         it != std::sregex_iterator(); ++it) {
      std::string w = it->str();
      if (w[0] >= 'A' && w[0] <= 'Z') continue;  // lower-case words only: no case questions
      if (static_cast<unsigned char>(w[0]) == 0xD0 && static_cast<unsigned char>(w[1]) < 0xB0) {
        continue;  // a capital Cyrillic letter
      }
      ++counts[w];
    }
  }
  std::vector<std::pair<std::string, size_t>> v(counts.begin(), counts.end());
  std::stable_sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.second > b.second; });
  return v;
}

struct QuerySet {
  std::string kind;
  std::vector<std::pair<std::string, std::string>> queries;  // (kuzet, fts5)
};

std::vector<QuerySet> MakeQueries(const std::vector<std::pair<std::string, size_t>>& vocab,
                                  const std::vector<PageInput>& sample, std::mt19937_64& rng) {
  auto pick = [&](size_t from, size_t to) {
    to = std::min(to, vocab.size());
    return vocab[from + rng() % (to - from)].first;
  };
  auto common = [&] { return pick(0, 50); };
  auto middle = [&] { return pick(500, 3000); };
  auto rare = [&] { return pick(vocab.size() * 3 / 4, vocab.size()); };
  std::vector<QuerySet> sets = {{"common term", {}}, {"middle term", {}}, {"rare term", {}},
                                {"AND", {}},         {"OR", {}},          {"phrase", {}},
                                {"NEAR/5", {}},      {"AND NOT", {}}};
  // Whole words (\b): without it "about half" gave the phrase "bout half", which occurs nowhere.
  const std::regex pair_re("\\b([a-z]{4,}) ([a-z]{4,})\\b");
  for (int i = 0; i < 25; ++i) {
    std::string c = common(), m = middle(), m2 = middle(), r = rare();
    sets[0].queries.push_back({c, c});
    sets[1].queries.push_back({m, m});
    sets[2].queries.push_back({r, r});
    sets[3].queries.push_back({c + " AND " + m, c + " AND " + m});
    sets[4].queries.push_back({m + " OR " + m2, m + " OR " + m2});
    // A two-word phrase that occurs in a sampled article.
    for (int tries = 0; tries < 100; ++tries) {
      const std::string& text = sample[rng() % sample.size()].text;
      std::smatch found;
      if (std::regex_search(text, found, pair_re)) {
        const std::string phrase = found[1].str() + " " + found[2].str();
        sets[5].queries.push_back({"\"" + phrase + "\"", "\"" + phrase + "\""});
        break;
      }
    }
    sets[6].queries.push_back({c + " NEAR/5 " + m, "NEAR(" + c + " " + m + ", 5)"});
    sets[7].queries.push_back({m + " AND NOT " + c, m + " NOT " + c});
  }
  return sets;
}

uint64_t DirBytes(const fs::path& dir) {
  uint64_t total = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) total += e.file_size();
  }
  return total;
}

// The search family's table files, read with RocksDB directly (the store closed).
uint64_t SearchFamilyBytes(const fs::path& db_path) {
  rocksdb::Options options;
  std::vector<std::string> names;
  if (!rocksdb::DB::ListColumnFamilies(options, db_path.string(), &names).ok()) return 0;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& n : names) descriptors.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  if (!rocksdb::DB::OpenForReadOnly(options, db_path.string(), descriptors, &handles, &db).ok()) {
    return 0;
  }
  uint64_t bytes = 0;
  for (auto* h : handles) {
    if (h->GetName() == "search") db->GetIntProperty(h, "rocksdb.total-sst-files-size", &bytes);
    db->DestroyColumnFamilyHandle(h);
  }
  delete db;
  return bytes;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  return v[i];
}

int Fail(const std::string& what) {
  std::cerr << "bench_search: " << what << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  size_t docs = 100000;
  fs::path work = fs::temp_directory_path() / "kuzet-bench-search";
  fs::path shared = KUZET_SHARED_DIR;
  int passes = 1;      // --passes: timed passes after the warm-up; per query the least is kept
  bool reuse = false;  // --reuse: query the stores a previous run with the same --docs left
  bool compact = true;
  size_t group_size = 64;
  std::string only_kind;  // --kind: time only the queries of this kind (a profile of one kind)
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--reuse") reuse = true;
    if (std::string(argv[i]) == "--no-compact") compact = false;
  }
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--reuse" || flag == "--no-compact") {  // flags without a value
      --i;
      continue;
    }
    if (flag == "--docs") docs = std::stoull(argv[i + 1]);
    if (flag == "--passes") passes = std::max(1, std::stoi(argv[i + 1]));
    if (flag == "--group") group_size = std::max<size_t>(1, std::stoull(argv[i + 1]));
    if (flag == "--work") work = argv[i + 1];
    if (flag == "--shared") shared = argv[i + 1];
    if (flag == "--kind") only_kind = argv[i + 1];
  }
  const Pools pools = LoadSentences(shared);
  if (pools.en.empty() || pools.ru.empty()) return Fail("no corpus under " + shared.string());
  std::cout << "sentences: " << pools.en.size() << " en, " << pools.ru.size() << " ru\n";
  if (kuzet::Status usable =
          reuse ? kuzet::bench::CheckWorkDir(work) : kuzet::bench::ClaimWorkDir(work);
      !usable.ok()) {
    return Fail(usable.message());
  }

  std::mt19937_64 rng(18);
  auto keys = kuzet::keywords::SearchKeys::Create();
  if (!keys.ok()) return Fail(keys.status().message());

  // ---- Kuzet ---------------------------------------------------------------------------------
  kuzet::storage::Store::OpenOptions open;
  open.sync_mentions = false;
  auto store = kuzet::storage::Store::Open((work / "kuzet").string(),
                                           kuzet::storage::Store::Mode::kReadWrite, open);
  if (!store.ok()) return Fail(store.status().message());
  // ---- FTS5 ------------------------------------------------------------------------------------
  sqlite3* fts = nullptr;
  sqlite3_open((work / "fts5.db").c_str(), &fts);
  if (!reuse) {
    sqlite3_exec(fts,
                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"
                 "CREATE VIRTUAL TABLE docs USING fts5(text, content='',"
                 " tokenize='unicode61 remove_diacritics 2');",
                 nullptr, nullptr, nullptr);
  }
  // FTS5 with content, in a database of its own (the contentless one's size stays the index's).
  sqlite3* fts_full = nullptr;
  sqlite3_open((work / "fts5-content.db").c_str(), &fts_full);
  if (!reuse) {
    sqlite3_exec(fts_full,
                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"
                 "CREATE VIRTUAL TABLE docs USING fts5(title, text,"
                 " tokenize='unicode61 remove_diacritics 2');",
                 nullptr, nullptr, nullptr);
  }
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(fts, "INSERT INTO docs(rowid, text) VALUES(?, ?)", -1, &insert, nullptr);
  sqlite3_stmt* insert_full = nullptr;
  sqlite3_prepare_v2(fts_full, "INSERT INTO docs(rowid, title, text) VALUES(?, ?, ?)", -1,
                     &insert_full, nullptr);

  double put_cpu = 0, keys_cpu = 0, fts_cpu = 0;
  uint64_t text_bytes = 0;
  std::vector<PageInput> sample;  // every 50th article: the vocabulary and phrases
  std::vector<PageInput> group;
  int64_t t = 1'700'000'000'000'000;
  const auto wall0 = std::chrono::steady_clock::now();
  sqlite3_exec(fts, "BEGIN", nullptr, nullptr, nullptr);
  sqlite3_exec(fts_full, "BEGIN", nullptr, nullptr, nullptr);
  for (uint64_t n = 1; n <= docs; ++n) {
    group.push_back(MakeArticle(pools, rng, n, t += 1'000'000));
    text_bytes += group.back().text.size();
    if (n % 50 == 0) sample.push_back(group.back());
    if (group.size() < group_size && n != docs) continue;
    if (reuse) {  // the same articles (same seed) for the same queries; nothing written
      group.clear();
      continue;
    }
    double c0 = ThreadCpuSeconds();
    auto stored = (*store)->writer().PutPages(group);
    double c1 = ThreadCpuSeconds();
    if (!stored.ok()) return Fail(stored.status().message());
    size_t key_count = 0;
    for (const PageInput& p : group) key_count += keys->KeysOf(p.text, p.lang).keys.size();
    double c2 = ThreadCpuSeconds();
    for (size_t i = 0; i < group.size(); ++i) {
      sqlite3_bind_int64(insert, 1, static_cast<int64_t>((*stored)[i].doc_id));
      sqlite3_bind_text(insert, 2, group[i].text.data(), static_cast<int>(group[i].text.size()),
                        SQLITE_STATIC);
      if (sqlite3_step(insert) != SQLITE_DONE) return Fail(sqlite3_errmsg(fts));
      sqlite3_reset(insert);
    }
    if (n % 1024 < 64) {
      sqlite3_exec(fts, "COMMIT; BEGIN", nullptr, nullptr, nullptr);
    }
    double c3 = ThreadCpuSeconds();
    for (size_t i = 0; i < group.size(); ++i) {
      sqlite3_bind_int64(insert_full, 1, static_cast<int64_t>((*stored)[i].doc_id));
      sqlite3_bind_text(insert_full, 2, group[i].title.data(),
                        static_cast<int>(group[i].title.size()), SQLITE_STATIC);
      sqlite3_bind_text(insert_full, 3, group[i].text.data(),
                        static_cast<int>(group[i].text.size()), SQLITE_STATIC);
      if (sqlite3_step(insert_full) != SQLITE_DONE) return Fail(sqlite3_errmsg(fts_full));
      sqlite3_reset(insert_full);
    }
    if (n % 1024 < 64) {
      sqlite3_exec(fts_full, "COMMIT; BEGIN", nullptr, nullptr, nullptr);
    }
    put_cpu += c1 - c0;
    keys_cpu += c2 - c1;
    fts_cpu += c3 - c2;
    (void)key_count;
    group.clear();
    if (n % 20000 == 0) std::cerr << n << " articles\n";
  }
  sqlite3_exec(fts, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_finalize(insert);
  sqlite3_exec(fts_full, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_finalize(insert_full);
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  std::cout << "articles: " << docs << ", text " << text_bytes / 1e6 << " MB, load wall " << wall
            << " s\n";
  if (!reuse)
    std::cout << "Kuzet PutPages CPU per page: " << put_cpu / docs * 1e6 << " us (index keys "
              << keys_cpu / docs * 1e6 << " us of it = " << 100 * keys_cpu / put_cpu << " %)\n";
  if (!reuse) std::cout << "FTS5 insert CPU per page: " << fts_cpu / docs * 1e6 << " us\n";

  // The writer's buffered postings (PageWriter::FlushSearchIndex), as a writer with nothing
  // more to store writes them: else the last documents are verified by every query.
  if (auto s = (*store)->writer().FlushSearchIndex(); !s.ok()) return Fail(s.message());
  // Sizes after compaction / VACUUM (a reused store too: a format upgrade's rebuild may have
  // left it otherwise).
  if (reuse && compact) {
    if (auto s = (*store)->maintenance().Compact(); !s.ok()) return Fail(s.message());
  }
  if (!reuse && compact) {
    if (auto s = (*store)->maintenance().Compact(); !s.ok()) return Fail(s.message());
    sqlite3_exec(fts, "INSERT INTO docs(docs) VALUES('optimize'); VACUUM;", nullptr, nullptr,
                 nullptr);
    sqlite3_exec(fts_full, "INSERT INTO docs(docs) VALUES('optimize'); VACUUM;", nullptr, nullptr,
                 nullptr);
  }

  // What compiling a query costs (every search compiles its query).
  {
    const auto a = std::chrono::steady_clock::now();
    for (int i = 0; i < 20; ++i) (void)kuzet::keywords::KeyFolder::Create();
    const auto b = std::chrono::steady_clock::now();
    for (int i = 0; i < 20; ++i) (void)(*store)->searcher().Compile("strike");
    const auto c = std::chrono::steady_clock::now();
    std::cout << "KeyFolder::Create "
              << std::chrono::duration<double, std::milli>(b - a).count() / 20
              << " ms, Searcher::Compile(strike) "
              << std::chrono::duration<double, std::milli>(c - b).count() / 20 << " ms\n";
  }
  const auto vocab = Vocabulary(sample);
  std::mt19937_64 qrng(1);
  const std::vector<QuerySet> sets = MakeQueries(vocab, sample, qrng);

  sqlite3_stmt* select = nullptr;
  sqlite3_prepare_v2(fts, "SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rowid DESC LIMIT 20",
                     -1, &select, nullptr);
  // What a listing needs: the title and a snippet of the text around the match.
  sqlite3_stmt* select_full = nullptr;
  sqlite3_prepare_v2(fts_full,
                     "SELECT rowid, title, snippet(docs, 1, '[', ']', '...', 24) FROM docs "
                     "WHERE docs MATCH ? ORDER BY rowid DESC LIMIT 20",
                     -1, &select_full, nullptr);
  // One prepared FTS5 query: the rows it returns (each column read, as a listing would).
  auto run_fts = [](sqlite3* db, sqlite3_stmt* stmt, const std::string& q, size_t* rows) -> bool {
    sqlite3_bind_text(stmt, 1, q.data(), static_cast<int>(q.size()), SQLITE_STATIC);
    int rc;
    size_t bytes = 0;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      ++*rows;
      for (int col = 1; col < sqlite3_column_count(stmt); ++col) {
        bytes += static_cast<size_t>(sqlite3_column_bytes(stmt, col));
      }
    }
    sqlite3_reset(stmt);
    (void)bytes;
    if (rc != SQLITE_DONE) std::cerr << q << ": " << sqlite3_errmsg(db) << "\n";
    return rc == SQLITE_DONE;
  };
  // Per query, the least over the timed passes (--passes): on a shared machine the other
  // processes' bursts only ever add time.
  struct Times {
    std::vector<double> wall, cpu;
    void Add(size_t query, double w, double c) {
      if (query == wall.size()) {
        wall.push_back(w);
        cpu.push_back(c);
        return;
      }
      wall[query] = std::min(wall[query], w);
      cpu[query] = std::min(cpu[query], c);
    }
  };
  auto cell = [](const Times& t, double p) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%6.2f (%5.2f)", Percentile(t.wall, p), Percentile(t.cpu, p));
    return std::string(buf);
  };
  Times all_kuzet, all_full, all_fts;
  std::string slowest_lines;
  std::cout << "\nwall ms (thread CPU ms); FTS5+content returns rowid, title, snippet(); FTS5 "
               "contentless rowids only\n"
            << "kind             | Kuzet p50      | Kuzet p99      | FTS5+content p50 | "
               "FTS5+content p99 | FTS5 p50       | FTS5 p99       | Kuzet hits | FTS5 hits | "
               "Kuzet examined\n";
  for (const QuerySet& set : sets) {
    if (!only_kind.empty() && set.kind != only_kind) continue;
    Times kuzet, full, contentless;
    size_t k_hits = 0, f_hits = 0, full_hits = 0, examined = 0;
    std::string slowest;  // Kuzet's slowest query of the kind, and what it read
    double slowest_ms = -1;
    for (int pass = 0; pass <= passes; ++pass) {
      for (size_t query = 0; query < set.queries.size(); ++query) {
        const auto& [kq, fq] = set.queries[query];
        const double cpu_a = ThreadCpuMs();
        auto a = std::chrono::steady_clock::now();
        auto matcher = (*store)->searcher().Compile(kq);
        if (!matcher.ok()) return Fail(kq + ": " + matcher.status().message());
        kuzet::storage::SearchQuery q;
        q.limit = 20;
        auto result = (*store)->searcher().Search(*matcher, q);
        if (!result.ok()) return Fail(result.status().message());
        auto b = std::chrono::steady_clock::now();
        const double cpu_b = ThreadCpuMs();
        size_t full_rows = 0, rows = 0;
        if (!run_fts(fts_full, select_full, fq, &full_rows)) return Fail("FTS5 with content");
        auto c = std::chrono::steady_clock::now();
        const double cpu_c = ThreadCpuMs();
        if (!run_fts(fts, select, fq, &rows)) return Fail("FTS5 contentless");
        auto d = std::chrono::steady_clock::now();
        const double cpu_d = ThreadCpuMs();
        using Ms = std::chrono::duration<double, std::milli>;
        if (pass >= 1) {
          kuzet.Add(query, Ms(b - a).count(), cpu_b - cpu_a);
          full.Add(query, Ms(c - b).count(), cpu_c - cpu_b);
          contentless.Add(query, Ms(d - c).count(), cpu_d - cpu_c);
        }
        if (pass == 1) {
          k_hits += result->hits.size();
          f_hits += rows;
          full_hits += full_rows;
          examined += result->examined;
          if (Ms(b - a).count() > slowest_ms) {
            slowest_ms = Ms(b - a).count();
            slowest = "[" + kq + "] " + std::to_string(slowest_ms) + " ms, " +
                      std::to_string(result->examined) + " read, " +
                      std::to_string(result->hits.size()) + " hits";
          }
        }
      }
    }
    if (full_hits != f_hits) return Fail("FTS5 with and without content disagree: " + set.kind);
    for (auto [from, into] : {std::pair{&kuzet, &all_kuzet}, std::pair{&full, &all_full},
                              std::pair{&contentless, &all_fts}}) {
      into->wall.insert(into->wall.end(), from->wall.begin(), from->wall.end());
      into->cpu.insert(into->cpu.end(), from->cpu.begin(), from->cpu.end());
    }
    std::printf("%-16s | %s | %s | %s   | %s   | %s | %s | %10zu | %9zu | %zu\n", set.kind.c_str(),
                cell(kuzet, 0.5).c_str(), cell(kuzet, 0.99).c_str(), cell(full, 0.5).c_str(),
                cell(full, 0.99).c_str(), cell(contentless, 0.5).c_str(),
                cell(contentless, 0.99).c_str(), k_hits, f_hits, examined);
    slowest_lines += "  " + set.kind + ": " + slowest + "\n";
  }
  std::printf("%-16s | %s | %s | %s   | %s   | %s | %s |\n", "all", cell(all_kuzet, 0.5).c_str(),
              cell(all_kuzet, 0.99).c_str(), cell(all_full, 0.5).c_str(),
              cell(all_full, 0.99).c_str(), cell(all_fts, 0.5).c_str(),
              cell(all_fts, 0.99).c_str());
  std::cout << "Kuzet's slowest query of each kind:\n" << slowest_lines;

  // What verifying one candidate costs, by part, on 400 documents spread over the store: reading
  // it (GetDocument: the record and its decoding), and Matcher::FindAll over its text for a
  // query that matches it (with snippets), one it holds the words of but does not match (the
  // phrase's words reversed: no snippet), and one it does not hold (the words and keys only).
  {
    const std::string word_a = sets[0].queries[0].first, word_b = sets[0].queries[1].first;
    auto hit = (*store)->searcher().Compile(word_a);
    auto reject = (*store)->searcher().Compile("\"" + word_b + " " + word_a + " " + word_b + "\"");
    auto absent = (*store)->searcher().Compile("qqqxyzzy");
    if (!hit.ok() || !reject.ok() || !absent.ok()) return Fail("verification queries");
    double read_us = 0, hit_us = 0, reject_us = 0, absent_us = 0, at_us = 0, from_us = 0;
    size_t hits = 0, rejects = 0, n = 0;
    // What a search runs on a hit whose postings are written: FindAllAt at the tokens of the term
    // words' accepted keys (keywords::TermWordTokens), the keys computed untimed.
    const kuzet::keywords::SearchPlan hit_plan = kuzet::keywords::PlanSearch(*hit);
    auto tokens_of = [&](const std::string& text, const std::string& lang) {
      const kuzet::keywords::SearchKeyPositions kp = keys->KeysOf(text, lang);
      std::vector<std::vector<uint32_t>> word_positions;
      for (int node : hit_plan.word_nodes) {
        std::vector<uint32_t> positions;
        for (const std::string& prefix : hit_plan.nodes[node].prefixes) {
          for (auto it = std::lower_bound(kp.keys.begin(), kp.keys.end(), prefix);
               it != kp.keys.end() && it->starts_with(prefix); ++it) {
            const size_t k = static_cast<size_t>(it - kp.keys.begin());
            if (!hit_plan.KeyMayMatch(node, *it, kp.classes[k])) continue;
            const auto& p = kp.positions[k];
            positions.insert(positions.end(), p.begin(), p.end());
          }
        }
        std::sort(positions.begin(), positions.end());
        positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
        word_positions.push_back(std::move(positions));
      }
      std::vector<uint32_t> tokens;
      kuzet::keywords::TermWordTokens(hit_plan, word_positions, &tokens);
      return tokens;
    };
    for (uint64_t id = docs; id > 0 && n < 400; id -= std::max<uint64_t>(1, docs / 400), ++n) {
      const double a = ThreadCpuMs();
      auto doc = (*store)->reader().GetDocument(id);
      const double b = ThreadCpuMs();
      if (!doc.ok() || !doc->has_value()) return Fail("document " + std::to_string(id));
      const kuzet::storage::Document& d = **doc;
      const size_t found = hit->FindAll(d.text, d.lang, d.site_id).size();
      const double c = ThreadCpuMs();
      rejects += reject->FindAll(d.text, d.lang, d.site_id).empty() ? 1 : 0;
      const double e = ThreadCpuMs();
      (void)absent->FindAll(d.text, d.lang, d.site_id);
      const double f = ThreadCpuMs();
      read_us += (b - a) * 1e3;
      if (found > 0) {
        hit_us += (c - b) * 1e3;
        ++hits;
        const std::vector<uint32_t> tokens = tokens_of(d.text, d.lang);
        const double g = ThreadCpuMs();
        const size_t found_at = hit->FindAllAt(d.text, d.lang, d.site_id, tokens).size();
        const double h = ThreadCpuMs();
        // From the document's token checkpoints (the stored ones), as a search runs it.
        const size_t found_from =
            hit->FindAllAt(d.text, d.lang, d.site_id, tokens, nullptr, d.token_checkpoints).size();
        at_us += (h - g) * 1e3;
        from_us += (ThreadCpuMs() - h) * 1e3;
        if (found_at != found || found_from != found) {
          return Fail("FindAllAt and FindAll differ on " + std::to_string(id));
        }
      }
      reject_us += (e - c) * 1e3;
      absent_us += (f - e) * 1e3;
    }
    std::printf(
        "verifying a candidate, thread CPU us (%zu documents): read %.1f; FindAll matching [%s] "
        "%.1f (%zu docs), FindAllAt at its term words' tokens %.1f, the same from the token "
        "checkpoints %.1f; not matching a phrase of its words %.1f (%zu docs); words only (absent "
        "term) %.1f\n",
        n, read_us / static_cast<double>(n), word_a.c_str(),
        hits ? hit_us / static_cast<double>(hits) : 0.0, hits,
        hits ? at_us / static_cast<double>(hits) : 0.0,
        hits ? from_us / static_cast<double>(hits) : 0.0, reject_us / static_cast<double>(n),
        rejects, absent_us / static_cast<double>(n));
  }
  std::cout << "examples: ";
  for (const QuerySet& set : sets) std::cout << "[" << set.queries[0].first << "] ";
  std::cout << "\n";
  sqlite3_finalize(select);
  sqlite3_finalize(select_full);
  sqlite3_close(fts);
  sqlite3_close(fts_full);
  store->reset();

  const uint64_t search_bytes = SearchFamilyBytes(work / "kuzet" / "store");
  const uint64_t fts_bytes = fs::file_size(work / "fts5.db");
  std::cout << "\nindex size: Kuzet search family " << search_bytes / 1e6 << " MB, FTS5 "
            << fts_bytes / 1e6 << " MB (contentless; with content "
            << fs::file_size(work / "fts5-content.db") / 1e6 << " MB), ratio "
            << static_cast<double>(search_bytes) / static_cast<double>(fts_bytes) << "\n";
  std::cout << "whole Kuzet store " << DirBytes(work / "kuzet") / 1e6 << " MB\n";
  return 0;
}
