// Extraction quality floors on the shared development corpora; a regression below them fails.
#include <gtest/gtest.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "extractor/extractor.h"
#include "tests/shared_corpus.h"

namespace kuzet::extractor {
namespace {

namespace fs = std::filesystem;

// Word 4-gram multiset, words = \w+ (the article-extraction benchmark's shingles).
std::unordered_map<std::string, int> Shingles(std::string_view s) {
  std::vector<std::string> w;
  std::string cur;
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const auto n = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < n;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c >= 0 && (u_isalnum(c) || c == '_' || u_charType(c) == U_NON_SPACING_MARK)) {
      cur.append(s.substr(static_cast<size_t>(start), static_cast<size_t>(i - start)));
    } else if (!cur.empty()) {
      w.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) w.push_back(std::move(cur));
  std::unordered_map<std::string, int> out;
  for (size_t i = 0; i + 4 <= w.size(); ++i)
    ++out[w[i] + ' ' + w[i + 1] + ' ' + w[i + 2] + ' ' + w[i + 3]];
  if (w.size() < 4 && !w.empty()) ++out[w[0]];
  return out;
}

double CorpusF1(const char* corpus) {
  const std::vector<testing::GroundTruthArticle> articles = testing::GroundTruth(corpus);
  if (articles.empty()) return -1;
  const fs::path dir = testing::SharedCorpusDir(corpus);
  double sp = 0, sr = 0;
  int pages = 0;
  for (const testing::GroundTruthArticle& article : articles) {
    const std::string html = testing::ReadGzipFile(dir / "html" / (article.id + ".html.gz"));
    const auto r = Extract(html, "", article.url);
    const auto pred = Shingles(r.ok() ? r->text : "");
    const auto truth = Shingles(article.body);
    long common = 0, np = 0, nt = 0;
    for (const auto& [k, c] : pred) {
      np += c;
      if (auto it = truth.find(k); it != truth.end()) common += std::min(c, it->second);
    }
    for (const auto& [k, c] : truth) nt += c;
    sp += np ? static_cast<double>(common) / np : 0;
    sr += nt ? static_cast<double>(common) / nt : 0;
    ++pages;
  }
  const double P = sp / pages, R = sr / pages;
  return 2 * P * R / (P + R);
}

void CheckFloor(const char* corpus, double floor) {
  const fs::path dir = testing::SharedCorpusDir(corpus);
  if (!fs::exists(dir / "ground-truth.json")) {
    GTEST_SKIP() << "shared corpus " << dir << " is absent; skipping the quality floor";
  }
  const double f1 = CorpusF1(corpus);
  ::testing::Test::RecordProperty("F1", std::to_string(f1));
  EXPECT_GE(f1, floor) << corpus << " F1 fell below the floor";
}

// Every daniel-ru-dev page is UTF-8, though several declare windows-1251 or nothing: each must be
// decoded as UTF-8, with no replacement character that the page's own bytes do not contain.
TEST(ExtractorCorpusTest, EveryDanielRuDevPageIsDecodedRight) {
  const fs::path dir = testing::SharedCorpusDir("daniel-ru-dev");
  if (!fs::exists(dir / "html")) {
    GTEST_SKIP() << "shared corpus " << dir << " is absent; skipping the decoding check";
  }
  const std::string replacement = "\xEF\xBF\xBD";
  int pages = 0;
  for (const auto& entry : fs::directory_iterator(dir / "html")) {
    const std::string html = testing::ReadGzipFile(entry.path());
    ASSERT_FALSE(html.empty()) << entry.path();
    const auto r = Extract(html, "", "");
    ASSERT_TRUE(r.ok()) << entry.path() << ": " << r.status().message();
    EXPECT_EQ(r->charset, "UTF-8") << entry.path();
    if (html.find(replacement) == std::string::npos) {
      EXPECT_EQ(r->text.find(replacement), std::string::npos) << entry.path();
      EXPECT_EQ(r->title.find(replacement), std::string::npos) << entry.path();
    }
    ++pages;
  }
  EXPECT_EQ(pages, 100);
}

TEST(ExtractorCorpusTest, AebDevF1Floor) { CheckFloor("aeb-dev", 0.94); }
TEST(ExtractorCorpusTest, DanielRuDevF1Floor) { CheckFloor("daniel-ru-dev", 0.89); }

}  // namespace
}  // namespace kuzet::extractor
