// The floor of any HTML5 crawl pipeline: every page of a directory tree parsed with bare Gumbo
// (gumbo_parse, then gumbo_destroy_output; nothing extracted) on N threads. The pages are read
// into memory first, so only the parse is timed.
//
// Usage: bench_gumbo_floor DIR [THREADS]   (THREADS: 0 or absent = one per core)
// Prints "gumbo pages=<n> threads=<t> seconds=<s> pages_per_s=<r>".
#include <gumbo.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

std::vector<std::string> ReadPages(const std::filesystem::path& dir) {
  std::vector<std::string> pages;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".html") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    pages.push_back(std::move(body).str());
  }
  return pages;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DIR [THREADS]\n", argv[0]);
    return 2;
  }
  int threads = argc > 2 ? std::atoi(argv[2]) : 0;
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const std::vector<std::string> pages = ReadPages(argv[1]);
  if (pages.empty()) {
    std::fprintf(stderr, "no .html files under %s\n", argv[1]);
    return 1;
  }
  std::atomic<size_t> next{0};
  std::atomic<size_t> nodes{0};  // used, so that the parse cannot be optimized away
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (size_t i = next++; i < pages.size(); i = next++) {
        GumboOutput* output =
            gumbo_parse_with_options(&kGumboDefaultOptions, pages[i].data(), pages[i].size());
        if (output->root->type == GUMBO_NODE_ELEMENT) {
          nodes += output->root->v.element.children.length;
        }
        gumbo_destroy_output(&kGumboDefaultOptions, output);
      }
    });
  }
  for (std::thread& thread : pool) thread.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("gumbo pages=%zu threads=%d seconds=%.3f pages_per_s=%.0f (root children %zu)\n",
              pages.size(), threads, seconds, pages.size() / seconds, nodes.load());
  return 0;
}
