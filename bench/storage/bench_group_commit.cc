// bench_group_commit: pages/s stored with PutPage (groups of 1) and PutPages (groups of 16 and
// 64), every page bringing a mention, so every group is synced (sync_mentions = true, the
// daemon's setting). Synthetic texts of 300 words from a 5,000-word vocabulary, each distinct.
//
//   bench_group_commit [pages_per_run] [work_dir]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "bench/work_dir.h"
#include "storage/store.h"

namespace {

namespace fs = std::filesystem;
using kuzet::storage::PageInput;
using kuzet::storage::Store;

std::vector<PageInput> Pages(int n, uint32_t seed) {
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> word(0, 4999);
  std::vector<PageInput> pages;
  for (int i = 0; i < n; ++i) {
    PageInput page;
    page.site_id = "site" + std::to_string(i % 10);
    page.url = "https://site" + std::to_string(i % 10) + ".kz/news/" + std::to_string(i);
    page.final_url = page.url;
    page.title = "Page " + std::to_string(i);
    page.text = "Zhanaozen";
    for (int w = 0; w < 300; ++w) page.text += " w" + std::to_string(word(random));
    page.lang = "en";
    page.fetched_at_us = 1'700'000'000'000'000 + i;
    page.http_status = 200;
    kuzet::storage::MentionInput mention;
    mention.rule_id = "zhanaozen";
    mention.hits.push_back({"zhanaozen", "Zhanaozen", 0, 9});
    mention.snippet = page.text.substr(0, 200);
    mention.snippet_mark_end = 9;
    page.mentions.push_back(std::move(mention));
    pages.push_back(std::move(page));
  }
  return pages;
}

// Pages per second for `pages` stored in groups of `group_size`; -1 on an error.
double Run(const fs::path& dir, const std::vector<PageInput>& pages, size_t group_size) {
  fs::remove_all(dir);
  auto store = Store::Open(dir.string());
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().message().c_str());
    return -1;
  }
  const auto start = std::chrono::steady_clock::now();
  for (size_t at = 0; at < pages.size(); at += group_size) {
    const size_t n = std::min(group_size, pages.size() - at);
    auto put = (*store)->writer().PutPages(std::span<const PageInput>(pages).subspan(at, n));
    if (!put.ok()) {
      std::fprintf(stderr, "%s\n", put.status().message().c_str());
      return -1;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return static_cast<double>(pages.size()) / seconds;
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 2048;
  if (n < 64 || n > 1'000'000) {
    std::fprintf(stderr, "usage: bench_group_commit [pages_per_run: 64..1000000] [work_dir]\n");
    return 2;
  }
  const fs::path work =
      argc > 2 ? fs::path(argv[2]) : fs::temp_directory_path() / "kuzet-bench-group";
  if (kuzet::Status claimed = kuzet::bench::ClaimWorkDir(work); !claimed.ok()) {
    std::fprintf(stderr, "%s\n", claimed.message().c_str());
    return 2;
  }
  const std::vector<PageInput> pages = Pages(n, 17);
  std::printf("%d pages a run, each with a mention (every group synced)\n", n);
  std::printf("%-10s %12s\n", "group", "pages/s");
  for (size_t group : {1, 16, 64}) {
    const double rate = Run(work / ("group-" + std::to_string(group)), pages, group);
    if (rate < 0) return 1;
    std::printf("%-10zu %12.0f\n", group, rate);
  }
  fs::remove_all(work);
  return 0;
}
