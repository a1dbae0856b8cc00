// SimHash on real articles (shared/corpus ground truth, English and Russian): the small edits a
// republished article goes through stay within the near-duplicate distance for most articles, and
// no two different articles come anywhere near it. The rates are measured, not assumed; the
// floors below sit a little under what this corpus gives (see storage/README.md).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/simhash.h"
#include "storage/store.h"
#include "tests/shared_corpus.h"

namespace kuzet::storage {
namespace {

std::vector<std::string> LoadArticles() {
  std::vector<std::string> texts;
  for (const char* corpus : {"daniel-ru-dev", "aeb-dev"}) {
    for (const testing::GroundTruthArticle& article : testing::GroundTruth(corpus)) {
      if (TextSimHash(article.body)) texts.push_back(article.body);
    }
  }
  return texts;
}

struct Edit {
  const char* name;
  std::string (*apply)(const std::string&);
  double min_share_within;  // of articles whose edited text stays within distance 3
};

const Edit kEdits[] = {
    {"one word inserted mid-text",
     [](const std::string& t) {
       std::string e = t;
       size_t mid = e.find(' ', e.size() / 2);
       if (mid != std::string::npos) e.insert(mid, " today");
       return e;
     },
     0.88},
    {"a subscription line appended",
     [](const std::string& t) {
       return t + "\nПодписывайтесь на наш канал в Telegram, чтобы быть в курсе новостей.";
     },
     0.95},
    {"last sentence dropped",
     [](const std::string& t) { return t.substr(0, t.rfind('.', t.size() - 2) + 1); }, 0.55},
};

TEST(SimHashTest, SmallEditsOfRealArticlesMostlyStayWithinDistanceThree) {
  std::vector<std::string> articles = LoadArticles();
  if (articles.empty()) GTEST_SKIP() << KUZET_SHARED_DIR << "/corpus ground truth not found";
  ASSERT_GE(articles.size(), 200u);
  for (const Edit& edit : kEdits) {
    int within = 0;
    for (const std::string& text : articles) {
      auto original = TextSimHash(text);
      auto edited = TextSimHash(edit.apply(text));
      within += edited && HammingDistance(*original, *edited) <= kMaxNearDuplicateDistance;
    }
    double share = static_cast<double>(within) / static_cast<double>(articles.size());
    EXPECT_GE(share, edit.min_share_within) << edit.name;
    std::cout << edit.name << ": " << within << "/" << articles.size() << " within distance "
              << kMaxNearDuplicateDistance << "\n";
  }
}

TEST(SimHashTest, DifferentRealArticlesAreNeverNearDuplicates) {
  std::vector<std::string> articles = LoadArticles();
  if (articles.empty()) GTEST_SKIP() << KUZET_SHARED_DIR << "/corpus ground truth not found";
  std::vector<uint64_t> hashes;
  for (const std::string& text : articles) hashes.push_back(*TextSimHash(text));
  int closest = 64;
  for (size_t i = 0; i < hashes.size(); ++i) {
    for (size_t j = i + 1; j < hashes.size(); ++j) {
      if (NormalizeForFingerprint(articles[i]) == NormalizeForFingerprint(articles[j])) continue;
      closest = std::min(closest, HammingDistance(hashes[i], hashes[j]));
    }
  }
  // Far beyond 3: a margin that keeps stories from swallowing unrelated articles.
  EXPECT_GT(closest, 2 * kMaxNearDuplicateDistance + 2);
  std::cout << "closest pair of different articles: distance " << closest << "\n";
}

}  // namespace
}  // namespace kuzet::storage
