// The shared corpus (../shared/corpus, described in ../shared/README.md) as tests read it: by path
// through KUZET_SHARED_DIR, never copied into the project; a test skips clearly when it is absent.
#ifndef KUZET_TESTS_SHARED_CORPUS_H_
#define KUZET_TESTS_SHARED_CORPUS_H_

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace kuzet::testing {

// ../shared/corpus/`folder`, e.g. "daniel-ru-dev".
inline std::filesystem::path SharedCorpusDir(std::string_view folder) {
  return std::filesystem::path(KUZET_SHARED_DIR) / "corpus" / folder;
}

// One page of a ground truth: its id (the name of html/<id>.html.gz), the annotated article
// text and the page's URL ("" where the ground truth has none).
struct GroundTruthArticle {
  std::string id, body, url;
};

// The articles of `folder`/ground-truth.json (aeb-dev, daniel-ru-dev: id -> {articleBody, url}),
// in id order; an entry without a text articleBody is left out. None when the file is absent (the
// caller skips); a test failure besides when it is there but not a JSON object.
inline std::vector<GroundTruthArticle> GroundTruth(std::string_view folder) {
  const std::filesystem::path path = SharedCorpusDir(folder) / "ground-truth.json";
  std::ifstream in(path);
  if (!in) return {};
  const nlohmann::json truth = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!truth.is_object()) {
    ADD_FAILURE() << path << " is not a JSON object";
    return {};
  }
  std::vector<GroundTruthArticle> articles;
  for (const auto& [id, entry] : truth.items()) {  // in key order: a JSON object is a map
    if (!entry.is_object() || !entry.contains("articleBody") || !entry["articleBody"].is_string()) {
      continue;
    }
    const auto url = entry.find("url");
    articles.push_back({id, entry["articleBody"].get<std::string>(),
                        url != entry.end() && url->is_string() ? url->get<std::string>() : ""});
  }
  return articles;
}

// The bytes of a file (a corpus page as it is, invalid UTF-8 included); "" when it cannot be read.
inline std::string ReadCorpusFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The bytes of a gzip file (a corpus page, html/<id>.html.gz); "" when it cannot be read.
inline std::string ReadGzipFile(const std::filesystem::path& path) {
  std::string out;
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) return out;
  char buffer[1 << 16];
  int n;
  while ((n = gzread(file, buffer, sizeof buffer)) > 0) out.append(buffer, static_cast<size_t>(n));
  gzclose(file);
  return out;
}

}  // namespace kuzet::testing

#endif  // KUZET_TESTS_SHARED_CORPUS_H_
