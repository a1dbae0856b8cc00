#include "base/strings.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kuzet::base {
namespace {

TEST(AsciiLowerTest, FoldsOnlyAsciiLetters) {
  struct Case {
    std::string in, out;
  };
  const Case cases[] = {
      {"", ""},
      {"User-Agent", "user-agent"},
      {"HTTPS://VLAST.KZ/", "https://vlast.kz/"},
      {"@[`{", "@[`{"},          // neighbours of A-Z and a-z stay
      {"ЖАНАӨЗЕН", "ЖАНАӨЗЕН"},  // UTF-8 bytes are not touched
      {std::string("A\0B", 3), std::string("a\0b", 3)},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(AsciiLower(c.in), c.out) << c.in;
    std::string in_place = c.in;
    AsciiLowerInPlace(in_place);
    EXPECT_EQ(in_place, c.out) << c.in;
  }
  EXPECT_EQ(AsciiLower('Z'), 'z');
  EXPECT_EQ(AsciiLower('\xC3'), '\xC3');
}

TEST(IgnoreAsciiCaseTest, ComparesAndMatchesPrefixes) {
  struct Case {
    std::string_view text, other;
    bool equal, starts;
  };
  const Case cases[] = {
      {"Content-Type", "content-type", true, true},
      {"JavaScript:alert(1)", "javascript:", false, true},
      {"java", "javascript:", false, false},
      {"", "", true, true},
      {"abc", "", false, true},
      {"É", "é", false, false},  // ASCII only: no Unicode case folding
  };
  for (const Case& c : cases) {
    EXPECT_EQ(EqualsIgnoreAsciiCase(c.text, c.other), c.equal) << c.text << " / " << c.other;
    EXPECT_EQ(StartsWithIgnoreAsciiCase(c.text, c.other), c.starts) << c.text << " / " << c.other;
  }
}

TEST(TrimAsciiWhitespaceTest, RemovesInfraWhitespaceAtBothEnds) {
  struct Case {
    std::string_view in, out;
  };
  const Case cases[] = {
      {"", ""},
      {" \t\r\n\f", ""},
      {"  Disallow : /a  ", "Disallow : /a"},
      {"\va\v", "\va\v"},                          // VT is not ASCII whitespace (WHATWG Infra)
      {"\xC2\xA0x\xC2\xA0", "\xC2\xA0x\xC2\xA0"},  // nor is U+00A0
      {"a b", "a b"},
  };
  for (const Case& c : cases) EXPECT_EQ(TrimAsciiWhitespace(c.in), c.out) << c.in;
}

TEST(JoinTest, SeparatesItemsAndProjects) {
  struct Case {
    std::vector<std::string> items;
    std::string separator, out;
  };
  const Case cases[] = {
      {{}, ", ", ""},
      {{"a"}, ", ", "a"},
      {{"a", "b", "c"}, ", ", "a, b, c"},
      {{"", ""}, ",", ","},
      {{"Жанаозен", "Zhanaozen"}, "\n", "Жанаозен\nZhanaozen"},
  };
  for (const Case& c : cases) EXPECT_EQ(Join(c.items, c.separator), c.out) << c.out;

  struct Rule {
    std::string id;
  };
  const std::vector<Rule> rules = {{"zhanaozen"}, {"kmg"}};
  EXPECT_EQ(Join(rules, " ", &Rule::id), "zhanaozen kmg");
  const std::vector<unsigned> ids = {3, 1, 2};
  EXPECT_EQ(Join(ids, "+", [](unsigned id) { return std::to_string(id); }), "3+1+2");
}

}  // namespace
}  // namespace kuzet::base
