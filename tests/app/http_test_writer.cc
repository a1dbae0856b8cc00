// A writer process for the HTTP stress test: opens the store read-write and writes `pages`
// numbered pages, then prints "wrote <n> pages in <ms> ms". Exit 1 on any store error.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "storage/store.h"
#include "tests/app/http_test_store.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: http_test_writer DATA_DIR FIRST_PAGE PAGES\n");
    return 2;
  }
  auto store = kuzet::storage::Store::Open(argv[1]);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().message().c_str());
    return 1;
  }
  int first = std::atoi(argv[2]), pages = std::atoi(argv[3]);
  auto started = std::chrono::steady_clock::now();
  for (int i = first; i < first + pages; ++i) {
    int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    auto put = (*store)->writer().PutPage(kuzet::testing::NumberedPage(i, now));
    if (!put.ok() || put->new_mentions != 1) {
      std::fprintf(stderr, "page %d: %s\n", i,
                   put.ok() ? "no new mention" : put.status().message().c_str());
      return 1;
    }
  }
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  started)
                .count();
  std::printf("wrote %d pages in %lld ms\n", pages, static_cast<long long>(ms));
  return 0;
}
