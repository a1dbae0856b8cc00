// Language of the real Russian article texts of daniel-ru-dev, plain and carrying the noise of
// issue #14 (a code block, URLs and e-mail addresses, an English quotation, a navigation line)
// as much as 70 % of their bytes: every one must stay "ru". Skips when ../shared is absent.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "extractor/language.h"
#include "tests/shared_corpus.h"

namespace kuzet::extractor {
namespace {

// Noise written for this test: what forum posts and news pages carry beside their text.
constexpr std::string_view kCode =
    "#include <stdio.h>\n"
    "int main(int argc, char** argv) {\n"
    "  for (int i = 0; i < argc; ++i) printf(\"%s\\n\", argv[i]);\n"
    "  return 0;\n"
    "}\n";
constexpr std::string_view kUrls =
    "https://www.example.org/news/2011/12/16/zhanaozen-strike-workers-demands\n"
    "http://archive.example.com/kazakhstan/oil/ozenmunaigas?page=2&sort=date\n"
    "E-mail: editor.monitoring@example.org\n";
constexpr std::string_view kEnglish =
    "\"The strike was peaceful until the police opened fire on the crowd,\" a witness said.\n";
constexpr std::string_view kNavigation =
    "Home | News | World | Business | Opinion | Sport | Contact | Sign in\n";

// text with `noise` repeated between its lines until the noise makes 70 % of text's bytes.
std::string WithNoise(const std::string& text, std::string_view noise) {
  std::string out;
  size_t added = 0, from = 0;
  while (from < text.size()) {
    size_t end = text.find('\n', from);
    end = end == std::string::npos ? text.size() : end + 1;
    out.append(text, from, end - from);
    from = end;
    if (added * 10 < text.size() * 7) {
      out += '\n';
      out += noise;
      added += noise.size();
    }
  }
  while (added * 10 < text.size() * 7) {
    out += noise;
    added += noise.size();
  }
  return out;
}

TEST(LanguageCorpusTest, RussianArticlesStayRussianWithNoise) {
  const std::vector<testing::GroundTruthArticle> articles = testing::GroundTruth("daniel-ru-dev");
  if (articles.empty()) {
    GTEST_SKIP() << testing::SharedCorpusDir("daniel-ru-dev")
                 << " is absent; skipping the language check";
  }
  size_t texts = 0;
  for (const testing::GroundTruthArticle& article : articles) {
    const std::string& body = article.body;
    for (std::string_view noise : {std::string_view(), kCode, kUrls, kEnglish, kNavigation}) {
      const std::string text = noise.empty() ? body : WithNoise(body, noise);
      EXPECT_EQ(DetectLanguage(text), "ru") << article.id << " with noise:\n" << noise;
      ++texts;
    }
  }
  EXPECT_EQ(texts, 500u);
}

}  // namespace
}  // namespace kuzet::extractor
