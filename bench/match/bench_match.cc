// bench_match: how fast the keyword matcher scans real article text as the number of terms
// grows (10, 1,000, 10,000 — one rule per term, the worst case for rule count), next to GNU grep
// searching the same text for the same terms as fixed, case-insensitive strings:
//   grep -F -i -c -f terms.txt text.txt
// grep is a floor, not a like-for-like peer: it reports matching lines, not words, and does no
// word boundaries, Unicode normalization, cross-script folding, inflection or snippets. (With -w
// or -o GNU grep 3.8 falls off a cliff on UTF-8 -i patterns: ~0.01 MB/s at 10,000 terms.)
//
// Text: article bodies from ../shared/corpus/daniel-ru-dev (Russian) and aeb-dev (English), by
// path; skipped with a message when absent. Terms: words of that text (so they do match) mixed
// with synthetic Kazakh/Russian-looking names (which mostly do not).
//
// Throughput is text bytes per CPU second (user + system) of each side, so that a busy shared
// machine does not skew the ratio; grep's includes the shell that popen starts.
//
// Usage: bench_match [--repeat N] [--row 10|1000|10000|10000n]
//   --repeat N  each measurement scans the text N times (default 3)
//   --row R     only that row (10000n: the names-only row), e.g. under perf
//   --dump F    writes every match of each row (page, rule, term, offsets, snippet) to F, one a
//               line, outside the timing: `diff` the files of two builds to see that a change
//               to the engine finds exactly the same
#include <sys/resource.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "extractor/keywords/matcher.h"

namespace fs = std::filesystem;
using kuzet::keywords::Matcher;
using kuzet::keywords::RuleSpec;

namespace {

struct Page {
  std::string text;
  std::string lang;
};

std::vector<Page> LoadPages(const fs::path& truth, const std::string& lang) {
  std::vector<Page> pages;
  if (!fs::exists(truth)) {
    std::printf("skipping %s: absent\n", truth.c_str());
    return pages;
  }
  std::ifstream in(truth);
  nlohmann::json json = nlohmann::json::parse(in, nullptr, false);
  if (json.is_discarded()) {
    std::printf("skipping %s: not JSON\n", truth.c_str());
    return pages;
  }
  for (const auto& [id, page] : json.items()) {
    std::string body = page.value("articleBody", "");
    if (!body.empty()) pages.push_back({std::move(body), lang});
  }
  return pages;
}

// Words of at least 5 code points, split at ASCII non-letters and common punctuation.
std::vector<std::string> WordsOf(const std::vector<Page>& pages) {
  std::vector<std::string> words;
  std::unordered_set<std::string> seen;
  for (const Page& p : pages) {
    std::string word;
    auto flush = [&] {
      size_t cps = 0;
      for (char c : word) cps += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
      if (cps >= 5 && seen.insert(word).second) words.push_back(word);
      word.clear();
    };
    for (char c : p.text) {
      unsigned char u = static_cast<unsigned char>(c);
      if (u >= 0x80 || std::isalpha(u)) {
        word += c;
      } else {
        flush();
      }
    }
    flush();
  }
  // Multi-byte punctuation (« » — “ ”) stays glued to words; drop those words.
  std::erase_if(words, [](const std::string& w) {
    return w.find("\xC2\xAB") != std::string::npos || w.find("\xC2\xBB") != std::string::npos ||
           w.find("\xE2\x80") != std::string::npos;
  });
  return words;
}

std::vector<std::string> SyntheticNames(size_t n, std::mt19937* rng) {
  const std::vector<std::string> heads = {"Kara", "Zhan", "Nur",  "Ak",    "Bek", "Tole",
                                          "Sar",  "Kaz",  "Ozen", "Mangy", "Ер",  "Жан",
                                          "Нұр",  "Сар",  "Қара", "Бек",   "Ток", "Ман"};
  const std::vector<std::string> mids = {"bay", "gali", "mur", "zhan", "tay",  "ғали",
                                         "бай", "мұр",  "жан", "тай",  "sult", "сұлт"};
  const std::vector<std::string> tails = {"ov",  "ova", "ev",  "eva",  "uly",   "kyzy",  "ин",
                                          "ова", "ев",  "ұлы", "қызы", "bekov", "бекова"};
  std::vector<std::string> out;
  std::set<std::string> seen;
  while (out.size() < n) {
    std::string name = heads[(*rng)() % heads.size()] + mids[(*rng)() % mids.size()] +
                       mids[(*rng)() % mids.size()] + tails[(*rng)() % tails.size()];
    if (seen.insert(name).second) out.push_back(name);
  }
  return out;
}

double Seconds(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// CPU seconds of this process (self) or of its waited-for children: the machine may be shared,
// and CPU time is what both sides actually spend.
double CpuSeconds(int who) {
  rusage usage{};
  getrusage(who, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  int repeat = 3;
  std::string only;  // one row: "10", "1000", "10000" or "10000n" (for profiling)
  std::string dump;  // file for every match of the first pass (to diff two builds)
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--repeat" && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--row" && i + 1 < argc) {
      only = argv[++i];
    } else if (arg == "--dump" && i + 1 < argc) {
      dump = argv[++i];
    } else {
      std::fprintf(stderr,
                   "usage: bench_match [--repeat N] [--row 10|1000|10000|10000n] [--dump FILE]\n");
      return 2;
    }
  }
  const fs::path corpus = fs::path(KUZET_SHARED_DIR) / "corpus";
  std::vector<Page> pages = LoadPages(corpus / "daniel-ru-dev/ground-truth.json", "ru");
  std::vector<Page> english = LoadPages(corpus / "aeb-dev/ground-truth.json", "en");
  pages.insert(pages.end(), english.begin(), english.end());
  if (pages.empty()) {
    std::printf("bench_match: no corpus text under %s; nothing to measure\n", corpus.c_str());
    return 0;
  }
  size_t bytes = 0;
  for (const Page& p : pages) bytes += p.text.size();
  const double mb = bytes / 1e6;
  std::printf("text: %zu pages, %.2f MB (daniel-ru-dev + aeb-dev article bodies), %d passes\n",
              pages.size(), mb, repeat);

  // The same text for grep, one page after another.
  char dir_template[] = "/tmp/kuzet-bench-match-XXXXXX";
  if (mkdtemp(dir_template) == nullptr) {
    std::perror("mkdtemp");
    return 1;
  }
  const fs::path dir = dir_template;
  {
    std::ofstream out(dir / "text.txt", std::ios::binary);
    for (int r = 0; r < repeat; ++r) {
      for (const Page& p : pages) out << p.text << "\n";
    }
  }

  std::mt19937 rng(20111216);
  std::vector<std::string> words = WordsOf(pages);
  std::shuffle(words.begin(), words.end(), rng);
  std::vector<std::string> names = SyntheticNames(10000, &rng);

  std::printf("%8s %10s %12s %12s %10s %12s %12s %8s\n", "terms", "compile_s", "kuzet_MB/s",
              "kuzet_hits", "grep_MB/s", "grep_lines", "kuzet/grep", "");
  // The last row uses only synthetic names, which the text hardly contains: the scan cost
  // without the cost of reporting matches (snippets), i.e. what a page costs as rules grow.
  struct Row {
    size_t terms;
    bool names_only;
  };
  for (const Row& row : {Row{10, false}, Row{1000, false}, Row{10000, false}, Row{10000, true}}) {
    const size_t n = row.terms;
    if (!only.empty() && only != std::to_string(n) + (row.names_only ? "n" : "")) continue;
    std::vector<std::string> terms;
    for (size_t i = 0; i < n; ++i) {
      // Half real words, half names.
      if (!row.names_only && i % 2 == 0 && i / 2 < words.size()) {
        terms.push_back(words[i / 2]);
      } else {
        terms.push_back(names[i % names.size()]);
      }
    }
    std::vector<RuleSpec> rules;
    for (size_t i = 0; i < terms.size(); ++i) {
      RuleSpec r;
      r.id = "r";
      r.id += std::to_string(i);
      r.terms = {terms[i]};
      rules.push_back(std::move(r));
    }
    auto t0 = std::chrono::steady_clock::now();
    auto matcher = Matcher::Compile(rules);
    auto t1 = std::chrono::steady_clock::now();
    if (!matcher.ok()) {
      std::printf("compile failed: %s\n", matcher.status().message().c_str());
      return 1;
    }
    if (!dump.empty()) {
      std::ofstream out(dump, std::ios::app | std::ios::binary);
      for (size_t p = 0; p < pages.size(); ++p) {
        for (const auto& m : matcher->FindAll(pages[p].text, pages[p].lang)) {
          out << n << (row.names_only ? "n" : "") << '\t' << p << '\t' << m.rule_id << '\t'
              << m.term << '\t' << m.begin << '\t' << m.end << '\t' << m.snippet_begin << '\t'
              << m.snippet_end << '\t' << m.snippet << '\n';
        }
      }
    }
    size_t hits = 0;
    const double cpu0 = CpuSeconds(RUSAGE_SELF);
    for (int r = 0; r < repeat; ++r) {
      for (const Page& p : pages) hits += matcher->FindAll(p.text, p.lang).size();
    }
    const double kuzet_mbps = mb * repeat / (CpuSeconds(RUSAGE_SELF) - cpu0);

    {
      std::ofstream out(dir / "terms.txt", std::ios::binary);
      for (const std::string& t : terms) out << t << "\n";
    }
    const std::string command = "LC_ALL=C.UTF-8 grep -F -i -c -f '" + (dir / "terms.txt").string() +
                                "' '" + (dir / "text.txt").string() + "'";
    const double child0 = CpuSeconds(RUSAGE_CHILDREN);
    FILE* pipe = popen(command.c_str(), "r");
    long grep_hits = -1;
    if (pipe != nullptr) {
      if (std::fscanf(pipe, "%ld", &grep_hits) != 1) grep_hits = -1;
      pclose(pipe);
    }
    const double grep_mbps = mb * repeat / (CpuSeconds(RUSAGE_CHILDREN) - child0);
    std::printf("%7zu%s %10.3f %12.2f %12zu %10.2f %12ld %12.3f\n", n, row.names_only ? "n" : " ",
                Seconds(t0, t1), kuzet_mbps, hits / repeat, grep_mbps,
                grep_hits < 0 ? -1 : grep_hits / repeat, kuzet_mbps / grep_mbps);
  }
  std::printf("(n = synthetic names only: scan cost without reporting matches)\n");
  std::error_code ec;
  fs::remove_all(dir, ec);
  return 0;
}
