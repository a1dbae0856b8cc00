// bench_story: one story of many copies, to measure what a query costs when stories grow large.
//
// Writes `--copies N` pages through Store::PutPage into a fresh data dir: one wire article
// republished on N sites, each copy with its own short source line (left out of the SimHash, so
// every copy is a near-duplicate of the first and they form one story of N documents), each
// matching rule "zh" once, a minute apart. Then run the queries to measure, e.g.
//   /usr/bin/time -v kuzet mentions --limit 50 --format json --data-dir DIR | wc -c
//
// Usage: bench_story --data-dir DIR [--copies N]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "storage/store.h"

namespace {

using kuzet::storage::MentionInput;
using kuzet::storage::PageInput;
using kuzet::storage::Store;

const char kArticle[] =
    "Oil workers in Zhanaozen went on strike in May 2011, demanding higher pay, safer conditions "
    "and the right to form an independent union. The strike lasted seven months until police "
    "opened fire on the sixteenth of December, killing at least fourteen people in the central "
    "square of the town. Dozens were wounded and many strikers were later put on trial.";

int Usage() {
  std::fprintf(stderr, "usage: bench_story --data-dir DIR [--copies N]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data_dir;
  long copies = 3000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--data-dir") == 0) {
      data_dir = argv[i + 1];
    } else if (std::strcmp(argv[i], "--copies") == 0) {
      copies = std::strtol(argv[i + 1], nullptr, 10);
    } else {
      return Usage();
    }
  }
  if (data_dir.empty() || copies < 1 || copies > 10'000'000) return Usage();
  if (std::filesystem::exists(data_dir)) {
    std::fprintf(stderr, "%s exists: give a fresh data dir\n", data_dir.c_str());
    return 2;
  }
  auto store = Store::Open(data_dir, Store::Mode::kReadWrite, Store::OpenOptions{false});
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().message().c_str());
    return 1;
  }
  const int64_t t0 = 1'700'000'000'000'000;
  const std::string article = kArticle;
  const auto started = std::chrono::steady_clock::now();
  uint64_t first_story = 0;
  for (long i = 0; i < copies; ++i) {
    PageInput page;
    page.site_id = "site" + std::to_string(i);
    page.url = "https://site" + std::to_string(i) + ".example/news/zhanaozen-strike-anniversary";
    page.final_url = page.url;
    page.title = "Zhanaozen strike anniversary (" + page.site_id + ")";
    // A short line (< 70 characters) differs per copy: a new document, the same SimHash.
    page.text = article + "\nSource: " + page.site_id + ", item " + std::to_string(i);
    page.lang = "en";
    page.fetched_at_us = t0 + i * 60'000'000;
    page.http_status = 200;
    MentionInput zh;
    zh.rule_id = "zh";
    const uint32_t at = static_cast<uint32_t>(article.find("Zhanaozen"));
    zh.hits.push_back({"Zhanaozen", "Zhanaozen", at, at + 9});
    zh.snippet = article.substr(0, article.find('.') + 1);
    zh.snippet_mark_begin = at;
    zh.snippet_mark_end = at + 9;
    page.mentions.push_back(std::move(zh));
    auto put = (*store)->writer().PutPage(page);
    if (!put.ok()) {
      std::fprintf(stderr, "%s\n", put.status().message().c_str());
      return 1;
    }
    if (i == 0) first_story = put->story_id;
    if (put->story_id != first_story) {
      std::fprintf(stderr, "copy %ld went to story %llu, not %llu\n", i,
                   static_cast<unsigned long long>(put->story_id),
                   static_cast<unsigned long long>(first_story));
      return 1;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("stored %ld copies of one story (story %llu) in %s in %.1f s\n", copies,
              static_cast<unsigned long long>(first_story), data_dir.c_str(), seconds);
  return 0;
}
