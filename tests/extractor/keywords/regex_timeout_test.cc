// Fault: a regex term with catastrophic backtracking runs into ICU's time limit. The scan stops
// early, so later occurrences on the page are never seen; FindAll must say which rule that was
// (the pipeline logs it with the URL and counts it) instead of reporting a silent miss.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "extractor/keywords/matcher.h"

namespace kuzet::keywords {
namespace {

RuleSpec Rule(std::string id, std::vector<std::string> terms) {
  RuleSpec r;
  r.id = std::move(id);
  r.terms = std::move(terms);
  return r;
}

TEST(RegexTimeout, CatastrophicPatternIsReportedByRuleId) {
  auto m = Matcher::Compile(
      {Rule("fast", {"/zhana\\w+/"}), Rule("slow", {"/(a|aa)+b/"}), Rule("zh", {"Zhanaozen"})});
  ASSERT_TRUE(m.ok()) << m.status().message();
  const std::string text = "Zhanaozen " + std::string(60, 'a') + "!";
  std::vector<std::string> timed_out = {"stale entry from an earlier page"};
  auto matches = m->FindAll(text, "en", "site", &timed_out);
  EXPECT_EQ(timed_out, std::vector<std::string>{"slow"});
  // The other rules, regex or not, still report what they found.
  ASSERT_EQ(matches.size(), 2u);
  EXPECT_EQ(matches[0].rule_id, "fast");
  EXPECT_EQ(matches[1].rule_id, "zh");
}

TEST(RegexTimeout, PatternThatFinishesIsNotReported) {
  auto m = Matcher::Compile({Rule("slow", {"/(a|aa)+b/"})});
  ASSERT_TRUE(m.ok()) << m.status().message();
  std::vector<std::string> timed_out = {"stale"};
  auto matches = m->FindAll("aaab and Zhanaozen", "", "", &timed_out);
  EXPECT_TRUE(timed_out.empty());
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].surface, "aaab");
}

TEST(RegexTimeout, OneEntryPerRuleEvenWithSeveralTimedOutTerms) {
  auto m = Matcher::Compile({Rule("slow", {"/(a|aa)+b/", "/(a|aa)+c/"})});
  ASSERT_TRUE(m.ok()) << m.status().message();
  std::vector<std::string> timed_out;
  m->FindAll(std::string(60, 'a'), "", "", &timed_out);
  EXPECT_EQ(timed_out, std::vector<std::string>{"slow"});
}

}  // namespace
}  // namespace kuzet::keywords
