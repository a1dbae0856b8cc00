// Rule compile errors name the origin, the rule, the term or query, and the column.
#include <gtest/gtest.h>

#include "extractor/keywords/matcher.h"
#include "extractor/keywords/query.h"

namespace kuzet::keywords {
namespace {

std::string CompileError(const std::vector<std::string>& terms, const std::string& query) {
  RuleSpec rule;
  rule.id = "zh";
  rule.origin = "example.toml:40";
  rule.terms = terms;
  rule.query = query;
  auto matcher = Matcher::Compile({rule});
  return matcher.ok() ? "OK" : matcher.status().message();
}

TEST(QueryErrors, NameOriginRuleAndColumn) {
  EXPECT_EQ(CompileError({}, "Zhanaozen AND (strike OR"),
            "example.toml:40: rules.zh: query: column 25: expected term after OR");
  EXPECT_EQ(CompileError({}, "(Zhanaozen OR x) AND"),
            "example.toml:40: rules.zh: query: column 21: expected term after AND");
  EXPECT_EQ(CompileError({}, "Zhanaozen strike"),
            "example.toml:40: rules.zh: query: column 11: expected AND, OR or NEAR/n before "
            "\"strike\"");
  EXPECT_EQ(CompileError({}, "(a OR b"),
            "example.toml:40: rules.zh: query: column 8: expected ')' to close '(' at column 1");
  EXPECT_EQ(CompileError({}, "a OR b)"),
            "example.toml:40: rules.zh: query: column 7: unmatched ')'");
  EXPECT_EQ(CompileError({}, "a NEAR b"),
            "example.toml:40: rules.zh: query: column 3: NEAR needs a distance in words, e.g. "
            "NEAR/5");
  EXPECT_EQ(CompileError({}, "a NEAR/x b"),
            "example.toml:40: rules.zh: query: column 3: NEAR needs a distance in words, e.g. "
            "NEAR/5");
  EXPECT_EQ(CompileError({}, "a NEAR/3 NOT b"),
            "example.toml:40: rules.zh: query: column 3: NEAR/3 needs words on both sides, not a "
            "NOT expression");
  EXPECT_EQ(CompileError({}, "\"trade union"),
            "example.toml:40: rules.zh: query: column 1: unterminated quoted phrase");
  EXPECT_EQ(CompileError({}, "NOT strike"),
            "example.toml:40: rules.zh: query: column 1: the query has no term outside NOT and "
            "the rule has no terms, so it could never report a match");
  EXPECT_EQ(CompileError({"Zhanaozen"}, "NOT football"), "OK");
  EXPECT_EQ(CompileError({}, "Жанаозен AND /strik(e/"),
            "example.toml:40: rules.zh: query: column 22: invalid regular expression: "
            "U_REGEX_MISMATCHED_PAREN");
  EXPECT_EQ(CompileError({}, "a AND b*c"),
            "example.toml:40: rules.zh: query: column 8: '*' is only allowed at the end of a "
            "term");
}

TEST(TermErrors, NameTheTermAndColumn) {
  EXPECT_EQ(CompileError({"Zhanaozen", "oil|"}, ""),
            "example.toml:40: rules.zh: terms[1] \"oil|\": column 5: empty alternative around '|'");
  EXPECT_EQ(CompileError({"/strik(e/"}, ""),
            "example.toml:40: rules.zh: terms[0] \"/strik(e/\": column 9: invalid regular "
            "expression: U_REGEX_MISMATCHED_PAREN");
  EXPECT_EQ(CompileError({"/strike"}, ""),
            "example.toml:40: rules.zh: terms[0] \"/strike\": column 1: unterminated regular "
            "expression (no closing '/')");
  EXPECT_EQ(CompileError({"!!!"}, ""),
            "example.toml:40: rules.zh: terms[0] \"!!!\": column 1: term has no letters or digits");
  EXPECT_EQ(CompileError({"=oil*"}, ""),
            "example.toml:40: rules.zh: terms[0] \"=oil*\": column 1: a term cannot be both exact "
            "(=) and a prefix (*)");
  EXPECT_EQ(CompileError({}, ""), "example.toml:40: rules.zh: rule has neither terms nor a query");
}

// A config is input like any other: a term, a query and the number of terms are bounded, and
// the error names the rule.
TEST(RuleErrors, TermQueryAndTermCountBounds) {
  EXPECT_EQ(CompileError({std::string(kMaxTermBytes, 'a')}, ""), "OK");
  EXPECT_EQ(CompileError({"oil", std::string(kMaxTermBytes + 1, 'a')}, ""),
            "example.toml:40: rules.zh: terms[1]: 1001 bytes, more than the 1000 a term may have");
  std::string query = "oil";
  while (query.size() <= kMaxQueryBytes) query += " OR oil";
  EXPECT_EQ(CompileError({}, query),
            "example.toml:40: rules.zh: query: " + std::to_string(query.size()) +
                " bytes, more than the 10000 a query may have");

  std::vector<RuleSpec> rules(kMaxTerms / 10);
  for (size_t r = 0; r < rules.size(); ++r) {
    // (append, not "r" + to_string: GCC 12 warns falsely about that, -Wrestrict)
    rules[r].id = std::string("r").append(std::to_string(r));
    for (size_t t = 0; t < 10; ++t) {
      rules[r].terms.push_back(std::string("t").append(std::to_string(r * 10 + t)));
    }
  }
  ASSERT_TRUE(Matcher::Compile(rules).ok());
  rules.back().terms.push_back("one more");
  auto over = Matcher::Compile(rules);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().message(), "rules.r" + std::to_string(rules.size() - 1) +
                                         ": more than 100000 terms in all rules together");
}

TEST(RuleErrors, DuplicateAndMissingIds) {
  RuleSpec a;
  a.id = "x";
  a.terms = {"oil"};
  auto dup = Matcher::Compile({a, a});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().message(), "rules.x: duplicate rule id");
  a.id = "";
  EXPECT_FALSE(Matcher::Compile({a}).ok());
}

TEST(QueryParser, PrecedenceNearOverAndOverOr) {
  auto q = ParseQuery("a OR b AND c NEAR/2 d");
  ASSERT_TRUE(q.ok()) << q.status().message();
  const QueryNode& root = q->nodes[q->root];
  EXPECT_EQ(root.kind, QueryNode::Kind::kOr);
  const QueryNode& right = q->nodes[root.right];
  EXPECT_EQ(right.kind, QueryNode::Kind::kAnd);
  const QueryNode& near = q->nodes[right.right];
  EXPECT_EQ(near.kind, QueryNode::Kind::kNear);
  EXPECT_EQ(near.distance, 2);
}

TEST(QueryParser, LowerCaseOperatorsAreWords) {
  auto q = ParseQuery("\"rock and roll\" AND or");
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_EQ(q->nodes[q->nodes[q->root].left].term, "rock and roll");
  EXPECT_EQ(q->nodes[q->nodes[q->root].right].term, "or");
}

}  // namespace
}  // namespace kuzet::keywords
