#include "app/pipeline.h"

#include <gtest/gtest.h>

namespace kuzet::app {
namespace {

TEST(MatchableTextTest, TitleBecomesTheFirstParagraphUnlessTheTextStartsWithIt) {
  EXPECT_EQ(MatchableText("Strike", "Workers struck."), "Strike\n\nWorkers struck.");
  EXPECT_EQ(MatchableText("Strike", "Strike\n\nWorkers struck."), "Strike\n\nWorkers struck.");
  EXPECT_EQ(MatchableText("", "Workers struck."), "Workers struck.");
  EXPECT_EQ(MatchableText("Strike", ""), "Strike");
}

TEST(GroupMatchesByRuleTest, OneMentionPerRuleWithAllHitsInTextOrderAndTheFirstSnippet) {
  std::vector<keywords::Match> matches = {
      {"zh", "Zhanaozen", "Zhanaozen", 0, 9, "Zhanaozen strike.", 0, 9},
      {"kmg", "KazMunaiGas", "KazMunaiGas", 20, 31, "Against KazMunaiGas.", 8, 19},
      {"zh", "Zhanaozen", "Жанаозене", 40, 58, "В Жанаозене.", 3, 21},
  };
  std::vector<storage::MentionInput> mentions = GroupMatchesByRule(matches);
  ASSERT_EQ(mentions.size(), 2u);
  EXPECT_EQ(mentions[0].rule_id, "zh");
  ASSERT_EQ(mentions[0].hits.size(), 2u);
  EXPECT_EQ(mentions[0].hits[1].surface, "Жанаозене");
  EXPECT_EQ(mentions[0].hits[1].begin, 40u);
  EXPECT_EQ(mentions[0].snippet, "Zhanaozen strike.");
  EXPECT_EQ(mentions[1].rule_id, "kmg");
  EXPECT_EQ(mentions[1].snippet_mark_begin, 8u);
  EXPECT_EQ(mentions[1].snippet_mark_end, 19u);
}

}  // namespace
}  // namespace kuzet::app
