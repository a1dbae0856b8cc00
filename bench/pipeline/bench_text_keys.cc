// bench_text_keys: the store's text keys of a page (storage::TextKeysOf: NFKC case fold, SHA-256
// of the collapsed fold, SimHash), which the pipeline's workers compute for every page, over the
// article bodies of ../shared/corpus (issue #17). For instruction counts, run it under callgrind:
//
//   valgrind --tool=callgrind build/bench/pipeline/bench_text_keys ../shared keys 5
//
// Modes: `keys` (TextKeysOf, one pass over the fold for the collapse and the SimHash),
// `separate` (the same keys the way PutPage made them before issue #17's change: the collapse
// and the SimHash in passes of their own), `load` (reading the corpus only, to subtract).
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "storage/page.h"
#include "storage/sha256.h"
#include "storage/simhash.h"
#include "storage/text_fold.h"

namespace {

std::vector<std::string> CorpusArticles(const std::filesystem::path& shared) {
  std::vector<std::string> texts;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(shared / "corpus", error)) {
    std::ifstream in(entry.path() / "ground-truth.json");
    if (!in) continue;
    const nlohmann::json truth = nlohmann::json::parse(in, nullptr, false);
    if (!truth.is_object()) continue;
    for (const auto& [id, article] : truth.items()) {
      if (!article.is_object()) continue;
      std::string body = article.value("articleBody", "");
      if (body.size() > 200) texts.push_back(std::move(body));
    }
  }
  return texts;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s SHARED_DIR keys|separate|load ROUNDS\n", argv[0]);
    return 2;
  }
  const std::string mode = argv[2];
  const int rounds = std::atoi(argv[3]);
  const std::vector<std::string> texts = CorpusArticles(argv[1]);
  if (texts.empty()) {
    std::fprintf(stderr, "no corpus articles under %s/corpus\n", argv[1]);
    return 1;
  }
  size_t bytes = 0;
  for (const std::string& text : texts) bytes += text.size();
  uint64_t checksum = 0;  // keeps the work from being optimized away
  const auto start = std::chrono::steady_clock::now();
  for (int round = 0; round < rounds; ++round) {
    for (const std::string& text : texts) {
      if (mode == "keys") {
        const kuzet::storage::TextKeys keys = kuzet::storage::TextKeysOf(text);
        checksum += static_cast<uint8_t>(keys.fingerprint_key[0]) + keys.simhash.value_or(0);
      } else if (mode == "separate") {
        const std::string folded = kuzet::storage::FoldText(text);
        const std::array<uint8_t, 32> digest =
            kuzet::storage::Sha256(kuzet::storage::CollapseWhitespace(folded));
        checksum += digest[0] + kuzet::storage::SimHashOfFoldedText(folded).value_or(0);
      }
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%s: %zu articles, %zu bytes, %d rounds: %.3f s, %.1f MB/s (checksum %llu)\n",
              mode.c_str(), texts.size(), bytes, rounds, seconds,
              static_cast<double>(bytes) * rounds / 1e6 / seconds,
              static_cast<unsigned long long>(checksum % 1000));
  return 0;
}
