// bench_analyze: the pipeline workers' work on a page after the parse (app/pipeline.cc Analyze),
// over the real pages of ../shared/corpus (aeb-dev, English, and daniel-ru-dev, Russian): the
// matcher, the search index's word keys and the store's text keys of each article, as extracted
// (issue #17). For instruction counts, run it under callgrind:
//
//   valgrind --tool=callgrind build/bench/pipeline/bench_analyze ../shared before 1
//
// Modes: `before` (FindAll, then SearchKeys::KeysOf, then TextKeysOf: two word breaks and key
// folds of the text), `onepass` (FindAll with search keys, then TextKeysOf: what Analyze does),
// `match`, `search_keys`, `text_keys` (one step alone), `words` (the word breaking alone:
// keywords::TextIndex, the first step of FindAll), `extract` (extractor::Extract of the
// HTML: parse, main text, language), `load` (reading and extracting the pages only, to subtract).
// The rules are those of run_pipeline_bench.sh's config.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/pipeline.h"
#include "bench/extract/corpus_files.h"
#include "extractor/extractor.h"
#include "extractor/keywords/matcher.h"
#include "extractor/keywords/search_keys.h"
#include "extractor/keywords/text_index.h"
#include "storage/page.h"

namespace {

namespace fs = std::filesystem;
namespace keywords = kuzet::keywords;

struct Page {
  std::string html, url, text, lang;
};

std::vector<Page> CorpusPages(const fs::path& shared) {
  std::vector<Page> pages;
  for (const char* corpus : {"aeb-dev", "daniel-ru-dev"}) {
    const fs::path dir = shared / "corpus" / corpus;
    std::ifstream in(dir / "ground-truth.json");
    if (!in) continue;
    const nlohmann::json truth = nlohmann::json::parse(in, nullptr, false);
    if (!truth.is_object()) continue;
    for (const auto& [id, entry] : truth.items()) {
      Page page;
      if (!kuzet::bench::ReadGzip(dir / "html" / (id + ".html.gz"), page.html)) continue;
      page.url = entry.is_object() ? entry.value("url", "") : "";
      auto article = kuzet::extractor::Extract(page.html, "text/html", page.url);
      if (!article.ok() || article->text.size() < 200) continue;
      page.text = kuzet::app::MatchableText(article->title, article->text);
      page.lang = article->lang;
      pages.push_back(std::move(page));
    }
  }
  return pages;
}

// run_pipeline_bench.sh's rules.
std::vector<keywords::RuleSpec> MonitorRules() {
  std::vector<keywords::RuleSpec> rules(6);
  rules[0] = {.id = "zhanaozen", .terms = {"Zhanaozen", "Жанаозен", "Жаңаөзен"}};
  rules[1] = {.id = "kmg", .terms = {"KazMunayGas", "КазМунайГаз"}, .exact = true};
  rules[2] = {.id = "kazakhstan", .terms = {"Kazakhstan", "Казахстан"}};
  rules[3] = {.id = "gazprom", .terms = {"Gazprom", "Газпром"}};
  rules[4] = {.id = "putin", .terms = {"Putin", "Путин"}, .languages = {"ru"}};
  rules[5] = {.id = "trump-china", .query = "Trump NEAR/5 China"};
  return rules;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(
        stderr,
        "usage: %s SHARED_DIR before|onepass|match|search_keys|text_keys|words|extract|load "
        "ROUNDS\n",
        argv[0]);
    return 2;
  }
  const std::string mode = argv[2];
  const int rounds = std::atoi(argv[3]);
  const std::vector<Page> pages = CorpusPages(argv[1]);
  if (pages.empty()) {
    std::fprintf(stderr, "no corpus pages under %s/corpus\n", argv[1]);
    return 1;
  }
  auto matcher = keywords::Matcher::Compile(MonitorRules());
  auto search_keys = keywords::SearchKeys::Create();
  if (!matcher.ok() || !search_keys.ok()) {
    std::fprintf(stderr, "compiling the rules or the search keys failed\n");
    return 1;
  }
  UErrorCode status = U_ZERO_ERROR;
  const std::unique_ptr<icu::BreakIterator> word_breaker(
      icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  if (U_FAILURE(status)) {
    std::fprintf(stderr, "ICU's word BreakIterator: %s\n", u_errorName(status));
    return 1;
  }
  size_t bytes = 0;
  for (const Page& page : pages) bytes += page.text.size();
  uint64_t checksum = 0;  // keeps the work from being optimized away
  const auto start = std::chrono::steady_clock::now();
  for (int round = 0; round < rounds; ++round) {
    for (const Page& page : pages) {
      const bool match = mode == "before" || mode == "match";
      if (match) checksum += matcher->FindAll(page.text, page.lang, "").size();
      if (mode == "before" || mode == "search_keys") {
        checksum += search_keys->KeysOf(page.text, page.lang).keys.size();
      }
      if (mode == "onepass") {
        std::optional<kuzet::keywords::SearchKeyPositions> keys;
        checksum += matcher->FindAll(page.text, page.lang, "", nullptr, &keys).size();
        checksum += keys ? keys->keys.size() : 0;
      }
      if (mode == "before" || mode == "onepass" || mode == "text_keys") {
        checksum += kuzet::storage::TextKeysOf(page.text).simhash.value_or(0);
      }
      if (mode == "words") {
        const keywords::TextIndex index(page.text, word_breaker.get());
        checksum += index.tokens().size();
      }
      if (mode == "extract") {
        auto article = kuzet::extractor::Extract(page.html, "text/html", page.url);
        checksum += article.ok() ? article->text.size() : 0;
      }
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%s: %zu pages, %zu text bytes, %d rounds: %.3f s, %.1f us/page (checksum %llu)\n",
              mode.c_str(), pages.size(), bytes, rounds, seconds,
              seconds * 1e6 / static_cast<double>(pages.size() * rounds),
              static_cast<unsigned long long>(checksum % 1000));
  return 0;
}
