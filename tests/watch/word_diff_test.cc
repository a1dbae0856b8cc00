// Tests of watch/word_diff.h: what the diff shows for typical edits, that it rebuilds both texts
// exactly for any bytes (invalid UTF-8, giant words), and its bounds on hostile sizes.
#include "watch/word_diff.h"

#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>

#include "tests/sanitizer_slowdown.h"

namespace kuzet::watch {
namespace {

std::string Rebuild(const WordDiffResult& diff, EditKind skipped) {
  std::string text;
  for (const WordEdit& edit : diff.edits) {
    if (edit.kind != skipped) text += edit.text;
  }
  return text;
}

void ExpectRebuilds(std::string_view a, std::string_view b, const WordDiffResult& diff) {
  EXPECT_EQ(Rebuild(diff, EditKind::kInsert), a);
  EXPECT_EQ(Rebuild(diff, EditKind::kDelete), b);
}

struct Case {
  const char* a;
  const char* b;
  const char* shown;
};

TEST(WordDiffTest, ShowsWordLevelEdits) {
  const Case cases[] = {
      {"", "", ""},
      {"same text", "same text", "same text"},
      {"Police fired on strikers in Zhanaozen.", "Police fired on protesters in Zhanaozen.",
       "Police fired on [-strikers-]{+protesters+} in Zhanaozen."},
      {"16 people were killed.", "14 people were killed.", "[-16-]{+14+} people were killed."},
      {"Забастовка в Жанаозене продолжается", "Забастовка продолжается",
       "Забастовка [-в Жанаозене -]продолжается"},
      {"Жаңаөзен оқиғасы", "Жаңаөзен оқиғасы, 2011", "Жаңаөзен оқиғасы{+, 2011+}"},
      {"a  b", "a b", "a[-  -]{+ +}b"},
      {"word", "", "[-word-]"},
  };
  for (const Case& c : cases) {
    WordDiffResult diff = WordDiff(c.a, c.b);
    EXPECT_EQ(FormatWordDiff(diff), c.shown) << c.a << " -> " << c.b;
    EXPECT_FALSE(diff.coarse);
    ExpectRebuilds(c.a, c.b, diff);
  }
}

// Random texts from a vocabulary with Cyrillic, punctuation, white space and ill-formed bytes.
TEST(WordDiffTest, RebuildsBothTextsForAnyBytes) {
  const std::string vocabulary[] = {"Жанаозен", "oil",  " ",    "  ",       "\n\n", ",", "«",
                                    "»",        "\xff", "\xd0", "\xe2\x80", "2011", "—", "x"};
  std::mt19937 random(4);
  std::uniform_int_distribution<int> pick(0, std::size(vocabulary) - 1), length(0, 60);
  for (int round = 0; round < 300; ++round) {
    std::string a, b;
    for (int i = length(random); i > 0; --i) a += vocabulary[pick(random)];
    for (int i = length(random); i > 0; --i) b += vocabulary[pick(random)];
    WordDiffResult diff = WordDiff(a, b);
    ExpectRebuilds(a, b, diff);
  }
}

TEST(WordDiffTest, GiantWordsAndTokenCapStayExactAndFlagCoarse) {
  const std::string giant(2'000'000, 'a');
  const std::string a = giant + " tail", b = giant + " end";  // the diff points into them
  WordDiffResult giant_diff = WordDiff(a, b);
  ExpectRebuilds(a, b, giant_diff);
  EXPECT_EQ(FormatWordDiff(giant_diff), giant + " [-tail-]{+end+}");

  std::string many, changed;
  for (int i = 0; i < 1000; ++i) {
    many += 'w';
    many += std::to_string(i) + " ";
    changed += 'w';
    changed += std::to_string(i == 900 ? 9999 : i) + " ";
  }
  WordDiffResult capped = WordDiff(many, changed, WordDiffOptions{.max_tokens = 100});
  EXPECT_TRUE(capped.coarse);
  ExpectRebuilds(many, changed, capped);
  EXPECT_FALSE(WordDiff(many, changed).coarse);
}

TEST(WordDiffTest, HostileSizesAreBoundedInTime) {
  std::string a, b;
  std::mt19937 random(7);
  for (int i = 0; i < 150'000; ++i) {
    a += std::to_string(random() % 5000) + " ";
    b += std::to_string(random() % 5000) + " ";
  }
  const auto start = std::chrono::steady_clock::now();
  WordDiffResult diff = WordDiff(a, b);
  EXPECT_LT(std::chrono::steady_clock::now() - start,
            std::chrono::duration<double>(3 * kSanitizerSlowdown));
  EXPECT_TRUE(diff.coarse);
  ExpectRebuilds(a, b, diff);
}

}  // namespace
}  // namespace kuzet::watch
