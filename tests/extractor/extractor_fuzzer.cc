// libFuzzer target: Extract() must return a result or an error for any bytes, header and URL,
// without crashing, hanging or reading out of bounds (run under ASan/UBSan).
// Build: cmake -DKUZET_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ ...; run: extractor_fuzzer
// -max_len=65536
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "extractor/extractor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // The first line, if short, is the Content-Type header; the rest is the body.
  std::string_view header;
  std::string_view body = input;
  if (const size_t nl = input.find('\n'); nl != std::string_view::npos && nl < 80) {
    header = input.substr(0, nl);
    body = input.substr(nl + 1);
  }
  auto result = kuzet::extractor::Extract(body, header, "https://fuzz.example.kz/a/b.html");
  if (result.ok()) {
    // Touch the outputs so that lazily wrong sizes show up under the sanitizers.
    volatile size_t sink = result->text.size() + result->links.size() + result->lang.size();
    (void)sink;
  }
  return 0;
}
