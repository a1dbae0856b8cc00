// Tests of watch/sequence_diff.h: the script rebuilds both sequences, is as short as the longest
// common subsequence allows, keeps its shape (no neighbours of one kind, deletion first), and
// falls back to a coarse but correct script past its limits.
#include "watch/sequence_diff.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <random>
#include <vector>

#include "tests/sanitizer_slowdown.h"

namespace kuzet::watch {
namespace {

using Keys = std::vector<std::uint64_t>;

// Checks that the script covers a and b in order and rebuilds them; returns its edit count.
std::size_t CheckScript(const Keys& a, const Keys& b, const SequenceDiff& diff) {
  std::size_t a_at = 0, b_at = 0, edits = 0;
  for (std::size_t i = 0; i < diff.edits.size(); ++i) {
    const Edit& edit = diff.edits[i];
    EXPECT_EQ(edit.a_begin, a_at);
    EXPECT_EQ(edit.b_begin, b_at);
    if (i > 0) {
      EXPECT_NE(diff.edits[i - 1].kind, edit.kind) << "neighbours of one kind";
    }
    if (i > 0 && edit.kind == EditKind::kDelete) {
      EXPECT_NE(diff.edits[i - 1].kind, EditKind::kInsert) << "insertion before deletion";
    }
    switch (edit.kind) {
      case EditKind::kEqual:
        EXPECT_EQ(edit.a_end - edit.a_begin, edit.b_end - edit.b_begin);
        for (std::size_t k = 0; k < edit.a_end - edit.a_begin; ++k) {
          EXPECT_EQ(a[edit.a_begin + k], b[edit.b_begin + k]);
        }
        break;
      case EditKind::kDelete:
        EXPECT_EQ(edit.b_begin, edit.b_end);
        edits += edit.a_end - edit.a_begin;
        break;
      case EditKind::kInsert:
        EXPECT_EQ(edit.a_begin, edit.a_end);
        edits += edit.b_end - edit.b_begin;
        break;
    }
    EXPECT_LT(edit.a_begin + edit.b_begin, edit.a_end + edit.b_end) << "empty run";
    a_at = edit.a_end;
    b_at = edit.b_end;
  }
  EXPECT_EQ(a_at, a.size());
  EXPECT_EQ(b_at, b.size());
  return edits;
}

std::size_t LcsLength(const Keys& a, const Keys& b) {
  std::vector<std::vector<std::size_t>> table(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      table[i][j] = a[i - 1] == b[j - 1] ? table[i - 1][j - 1] + 1
                                         : std::max(table[i - 1][j], table[i][j - 1]);
    }
  }
  return table[a.size()][b.size()];
}

struct Case {
  const char* name;
  Keys a, b;
  std::vector<Edit> expected;
};

TEST(DiffSequencesTest, ScriptsOfSmallCases) {
  using K = EditKind;
  const Case cases[] = {
      {"both empty", {}, {}, {}},
      {"equal", {1, 2, 3}, {1, 2, 3}, {{K::kEqual, 0, 3, 0, 3}}},
      {"all inserted", {}, {1, 2}, {{K::kInsert, 0, 0, 0, 2}}},
      {"all deleted", {1, 2}, {}, {{K::kDelete, 0, 2, 0, 0}}},
      {"one replaced",
       {1, 2, 3},
       {1, 9, 3},
       {{K::kEqual, 0, 1, 0, 1},
        {K::kDelete, 1, 2, 1, 1},
        {K::kInsert, 2, 2, 1, 2},
        {K::kEqual, 2, 3, 2, 3}}},
      {"inserted in the middle",
       {1, 3},
       {1, 2, 3},
       {{K::kEqual, 0, 1, 0, 1}, {K::kInsert, 1, 1, 1, 2}, {K::kEqual, 1, 2, 2, 3}}},
      {"moved to the end",
       {1, 2, 3, 4},
       {2, 3, 4, 1},
       {{K::kDelete, 0, 1, 0, 0}, {K::kEqual, 1, 4, 0, 3}, {K::kInsert, 4, 4, 3, 4}}},
  };
  for (const Case& c : cases) {
    SequenceDiff diff = DiffSequences(c.a, c.b);
    EXPECT_EQ(diff.edits, c.expected) << c.name;
    EXPECT_FALSE(diff.coarse) << c.name;
    CheckScript(c.a, c.b, diff);
  }
}

// Random sequences over a small alphabet (many common runs): the script is correct and minimal
// (its edits are |a| + |b| - 2 LCS).
TEST(DiffSequencesTest, RandomScriptsAreCorrectAndMinimal) {
  std::mt19937 random(20);
  for (int round = 0; round < 500; ++round) {
    std::uniform_int_distribution<int> length(0, 40), symbol(0, 4);
    Keys a(length(random)), b(length(random));
    for (auto& key : a) key = symbol(random);
    for (auto& key : b) key = symbol(random);
    SequenceDiff diff = DiffSequences(a, b);
    ASSERT_FALSE(diff.coarse);
    EXPECT_EQ(CheckScript(a, b, diff), a.size() + b.size() - 2 * LcsLength(a, b)) << round;
  }
}

TEST(DiffSequencesTest, PastTheEditLimitTheMiddleIsCoarseButCorrect) {
  Keys a, b;
  for (std::uint64_t i = 0; i < 100; ++i) {
    a.push_back(i);
    b.push_back(i % 2 == 0 ? i : 1000 + i);  // 50 replaced: 100 edits
  }
  a.insert(a.begin(), 7777);  // a common prefix and suffix stay equal
  b.insert(b.begin(), 7777);
  SequenceDiff exact = DiffSequences(a, b);
  EXPECT_FALSE(exact.coarse);
  EXPECT_EQ(CheckScript(a, b, exact), 100u);

  SequenceDiff coarse = DiffSequences(a, b, DiffLimits{.max_edits = 10});
  EXPECT_TRUE(coarse.coarse);
  EXPECT_EQ(CheckScript(a, b, coarse), 2u * 99);  // all but the equal ends: 1..99 both sides
  ASSERT_EQ(coarse.edits.size(), 3u);
  EXPECT_EQ(coarse.edits[0], (Edit{EditKind::kEqual, 0, 2, 0, 2}));

  SequenceDiff out_of_work = DiffSequences(a, b, DiffLimits{.max_work = 50});
  EXPECT_TRUE(out_of_work.coarse);
  CheckScript(a, b, out_of_work);
}

// 100,000 keys with scattered changes, and two unrelated 100,000-key sequences: the worst cases
// stay within the limits' time.
TEST(DiffSequencesTest, HostileSizesAreBounded) {
  Keys a(100'000), b;
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = i;
  b = a;
  for (std::size_t i = 0; i < b.size(); i += 1000) b[i] += 1'000'000;
  Keys unrelated(100'000);
  for (std::size_t i = 0; i < unrelated.size(); ++i) unrelated[i] = 5'000'000 + i;

  const auto start = std::chrono::steady_clock::now();
  SequenceDiff scattered = DiffSequences(a, b);
  EXPECT_FALSE(scattered.coarse);
  EXPECT_EQ(CheckScript(a, b, scattered), 200u);
  SequenceDiff disjoint = DiffSequences(a, unrelated);
  EXPECT_TRUE(disjoint.coarse);
  EXPECT_EQ(CheckScript(a, unrelated, disjoint), 200'000u);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::duration<double>(2 * kSanitizerSlowdown));
}

}  // namespace
}  // namespace kuzet::watch
