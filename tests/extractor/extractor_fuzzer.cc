// libFuzzer target: Extract() must return a result or an error for any bytes, header and URL,
// without crashing, hanging or reading out of bounds (run under ASan/UBSan), and within its page
// budget: an input that keeps one call busy past kWallBound is reported as a crash, whatever
// libFuzzer's own -timeout says.
// Build: cmake -DKUZET_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ ...;
// run:   extractor_fuzzer -max_len=1048576 -timeout=20 -rss_limit_mb=4096
// (-timeout above kWallBound, so that this target's own message names the budget.)
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "extractor/extractor.h"
#include "extractor/page_budget.h"

namespace {

// The product's defaults (config/README.md), with room for the sanitizers' slowdown (~3-5x).
constexpr auto kCpuBudget = std::chrono::seconds(2);
constexpr size_t kMemoryBudget = size_t{256} << 20;
constexpr auto kWallBound = std::chrono::seconds(10);

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // The first line, if short, is the Content-Type header; the rest is the body.
  std::string_view header;
  std::string_view body = input;
  if (const size_t nl = input.find('\n'); nl != std::string_view::npos && nl < 80) {
    header = input.substr(0, nl);
    body = input.substr(nl + 1);
  }
  kuzet::extractor::PageBudget budget(kCpuBudget, kMemoryBudget);
  const auto started = std::chrono::steady_clock::now();
  auto result =
      kuzet::extractor::Extract(body, header, "https://fuzz.example.kz/a/b.html", &budget);
  const auto took = std::chrono::steady_clock::now() - started;
  if (took > kWallBound) {
    // The budget is checked between stages: one stage (the parse, bounded by the nesting cap and
    // the memory estimate) ran this long on its own.
    std::fprintf(
        stderr, "extractor_fuzzer: one input took %lld ms, over the bound of %lld ms\n",
        static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()),
        static_cast<long long>(
            std::chrono::duration_cast<std::chrono::milliseconds>(kWallBound).count()));
    std::abort();
  }
  if (result.ok()) {
    // Touch the outputs so that lazily wrong sizes show up under the sanitizers.
    volatile size_t sink = result->text.size() + result->links.size() + result->lang.size();
    (void)sink;
  }
  return 0;
}
