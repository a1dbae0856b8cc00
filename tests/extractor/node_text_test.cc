// AppendNodeText copies runs of visible bytes with one append each (issue #17); its output must
// be byte for byte that of the per-byte loop Render had before, kept here as the reference.
#include "extractor/node_text.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "tests/shared_corpus.h"

namespace kuzet::extractor {
namespace {

namespace fs = std::filesystem;

// content.cc's emit_text as it was, on the same state.
void ReferenceAppend(std::string_view s, std::string* out, PendingBreaks* pending) {
  for (size_t k = 0; k < s.size(); ++k) {
    const char c = s[k];
    const bool nbsp = c == '\xC2' && k + 1 < s.size() && s[k + 1] == '\xA0';
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || nbsp) {
      if (nbsp) ++k;
      if (!out->empty() && out->back() != ' ' && out->back() != '\n') out->push_back(' ');
      continue;
    }
    if (pending->paragraph || pending->line) {
      while (!out->empty() && out->back() == ' ') out->pop_back();
      if (!out->empty()) *out += pending->paragraph ? "\n\n" : "\n";
      pending->paragraph = pending->line = false;
    }
    out->push_back(c);
  }
}

// Appends `nodes` one by one to both, with the pending breaks drawn at random between them (as
// blocks and <br> come between text nodes), and expects the same text and state throughout.
void ExpectSameAsReference(const std::vector<std::string_view>& nodes, const std::string& start,
                           std::mt19937* random, const std::string& what) {
  std::string out = start, expected = start;
  PendingBreaks pending, expected_pending;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const unsigned flags = (*random)() % 6;  // mostly none
    if (flags == 1 || flags == 3) pending.paragraph = expected_pending.paragraph = true;
    if (flags == 2 || flags == 3) pending.line = expected_pending.line = true;
    AppendNodeText(nodes[i], &out, &pending);
    ReferenceAppend(nodes[i], &expected, &expected_pending);
    if (out != expected || pending.paragraph != expected_pending.paragraph ||
        pending.line != expected_pending.line) {
      ADD_FAILURE() << what << ": differs after node " << i << " \"" << nodes[i] << "\"";
      return;
    }
  }
}

TEST(AppendNodeTextTest, GeneratedNodesEqualTheReference) {
  const char* const pieces[] = {" ",  "  ",       "\n",       "\t",           "\r", "\f",
                                "\v", "\xC2\xA0", "\xC2",     "\xA0",         "a",  "Zh",
                                "ж",  "ә",        "\xC2\xA9", "\xC2\xC2\xA0", ".",  "\x00"};
  const std::string starts[] = {"", "x", "x ", "x\n", "x  ", " ", "\n\n"};
  std::mt19937 random(17);
  for (int round = 0; round < 20000; ++round) {
    std::vector<std::string> texts(1 + random() % 4);
    for (std::string& text : texts) {
      for (unsigned n = random() % 10; n > 0; --n) {
        const char* p = pieces[random() % std::size(pieces)];
        text += *p == '\0' ? std::string(1, '\0') : std::string(p);
      }
    }
    const std::vector<std::string_view> nodes(texts.begin(), texts.end());
    ExpectSameAsReference(nodes, starts[random() % std::size(starts)], &random,
                          "round " + std::to_string(round));
  }
}

// Every page of ../shared (aeb-dev, daniel-ru-dev, readability, htmldate-dev), its article bodies
// and its raw HTML, cut into nodes of random length (the cuts fall inside U+00A0 and inside runs
// of white space too).
TEST(AppendNodeTextTest, EverySharedPageEqualsTheReference) {
  const fs::path corpus = testing::SharedCorpusDir("");
  if (!fs::is_directory(corpus)) GTEST_SKIP() << "no shared corpus at " << corpus;
  std::vector<std::pair<std::string, std::string>> texts;  // (name, text)
  for (const char* name : {"aeb-dev", "daniel-ru-dev"}) {
    const std::vector<testing::GroundTruthArticle> articles = testing::GroundTruth(name);
    ASSERT_FALSE(articles.empty()) << corpus / name / "ground-truth.json";
    for (const testing::GroundTruthArticle& article : articles) {
      texts.emplace_back(std::string(name) + "/" + article.id, article.body);
      texts.emplace_back(std::string(name) + "/" + article.id + ".html.gz",
                         testing::ReadGzipFile(corpus / name / "html" / (article.id + ".html.gz")));
    }
  }
  for (const fs::directory_entry& page : fs::directory_iterator(corpus / "readability")) {
    texts.emplace_back(page.path().filename().string(),
                       testing::ReadCorpusFile(page.path() / "source.html"));
  }
  for (const fs::directory_entry& page :
       fs::directory_iterator(corpus / "htmldate-dev" / "test_set")) {
    texts.emplace_back(page.path().filename().string(), testing::ReadCorpusFile(page.path()));
  }
  ASSERT_GT(texts.size(), 700u);
  std::mt19937 random(2011);
  for (const auto& [name, text] : texts) {
    std::vector<std::string_view> nodes;
    for (size_t pos = 0; pos < text.size();) {
      const size_t length = std::min<size_t>(text.size() - pos, 1 + random() % 400);
      nodes.push_back(std::string_view(text).substr(pos, length));
      pos += length;
    }
    ExpectSameAsReference(nodes, "", &random, name);
  }
}

}  // namespace
}  // namespace kuzet::extractor
