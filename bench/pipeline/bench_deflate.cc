// Component benchmark: the evidence archive's deflate (storage/warc/gzip_member.h) against the
// levels of zlib and libdeflate, on real pages: bytes of the page compressed and MB/s on one core.
// Usage: bench_deflate SHARED_DIR [MORE_HTML_DIR...]: the .html.gz pages of
// SHARED_DIR/corpus/{aeb-dev,daniel-ru-dev}/html and every file under the other directories (a
// generated bench/pipeline host, say).
#include <libdeflate.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "bench/extract/corpus_files.h"
#include "storage/warc/gzip_member.h"

namespace fs = std::filesystem;

namespace {

size_t ZlibRaw(const std::string& in, int level) {
  z_stream s{};
  if (deflateInit2(&s, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) return 0;
  std::string out(deflateBound(&s, in.size()), '\0');
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  s.avail_in = static_cast<uInt>(in.size());
  s.next_out = reinterpret_cast<Bytef*>(out.data());
  s.avail_out = static_cast<uInt>(out.size());
  deflate(&s, Z_FINISH);
  const size_t n = s.total_out;
  deflateEnd(&s);
  return n;
}

size_t LibdeflateRaw(const std::string& in, int level) {
  libdeflate_compressor* c = libdeflate_alloc_compressor(level);
  if (c == nullptr) return 0;
  std::string out(libdeflate_deflate_compress_bound(c, in.size()), '\0');
  const size_t n = libdeflate_deflate_compress(c, in.data(), in.size(), out.data(), out.size());
  libdeflate_free_compressor(c);
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_deflate SHARED_DIR [MORE_HTML_DIR...]\n");
    return 2;
  }
  std::vector<fs::path> dirs = {fs::path(argv[1]) / "corpus/aeb-dev/html",
                                fs::path(argv[1]) / "corpus/daniel-ru-dev/html"};
  for (int i = 2; i < argc; ++i) dirs.emplace_back(argv[i]);
  std::vector<std::string> pages;
  size_t total = 0;
  for (const fs::path& dir : dirs) {
    if (!fs::is_directory(dir)) {
      std::fprintf(stderr, "skipping %s: not a directory\n", dir.c_str());
      continue;
    }
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      if (!entry.is_regular_file()) continue;
      std::string page;
      const bool read = entry.path().extension() == ".gz"
                            ? kuzet::bench::ReadGzip(entry.path(), page)
                            : kuzet::bench::ReadFile(entry.path(), page);
      if (!read) {
        std::fprintf(stderr, "cannot read %s\n", entry.path().c_str());
        return 1;
      }
      total += page.size();
      pages.push_back(std::move(page));
    }
  }
  if (pages.empty()) {
    std::fprintf(stderr, "no pages\n");
    return 1;
  }
  std::printf("%zu pages, %.1f MB\n", pages.size(), static_cast<double>(total) / 1e6);
  auto run = [&](const char* name, const std::function<size_t(const std::string&)>& compress) {
    const auto start = std::chrono::steady_clock::now();
    size_t out = 0;
    for (const std::string& page : pages) out += compress(page);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%-28s %5.1f %% of the page  %6.1f MB/s\n", name,
                100.0 * static_cast<double>(out) / static_cast<double>(total),
                static_cast<double>(total) / 1e6 / seconds);
  };
  for (int level : {1, 3, 6}) {
    run(("zlib " + std::to_string(level)).c_str(),
        [level](const std::string& p) { return ZlibRaw(p, level); });
  }
  for (int level : {1, 2, 4, 6}) {
    run(("libdeflate " + std::to_string(level)).c_str(),
        [level](const std::string& p) { return LibdeflateRaw(p, level); });
  }
  run("kuzet GzipMember", [](const std::string& p) {
    const auto member = kuzet::storage::warc::GzipMember(p);
    return member.ok() ? member->size() : 0;
  });
  return 0;
}
