#include "base/utf8.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kuzet::base {
namespace {

TEST(NextUtf8Test, DecodesCharactersAndSkipsMaximalIllFormedSubsequences) {
  struct Case {
    std::string name, text;
    std::vector<int32_t> code_points;  // -1: one ill-formed subsequence
  };
  const std::vector<Case> cases = {
      {"ASCII", "a\x7F", {'a', 0x7F}},
      {"two, three and four bytes",
       "\xD0\x96\xE2\x80\xAE\xF0\x9D\x94\x98",
       {0x416, 0x202E, 0x1D518}},
      {"noncharacters are well-formed", "\xEF\xBF\xBE\xF4\x8F\xBF\xBF", {0xFFFE, 0x10FFFF}},
      {"invalid bytes one by one", "\xFF\xFE\xC0\xC1", {-1, -1, -1, -1}},
      {"lone continuation", "\x80z", {-1, 'z'}},
      {"overlong slash", "\xC0\xAF", {-1, -1}},
      {"overlong three-byte", "\xE0\x80\xAF", {-1, -1, -1}},
      {"encoded surrogate", "\xED\xA0\x80", {-1, -1, -1}},
      {"beyond U+10FFFF", "\xF4\x90\x80\x80", {-1, -1, -1, -1}},
      {"cut three-byte: one subpart", "\xE2\x82z", {-1, 'z'}},
      {"cut four-byte: one subpart", "\xF0\x9D\x94", {-1}},
      {"cut at the end", "a\xD0", {'a', -1}},
  };
  for (const Case& c : cases) {
    std::vector<int32_t> got;
    for (size_t pos = 0; pos < c.text.size();) {
      const size_t before = pos;
      got.push_back(NextUtf8(c.text, &pos));
      ASSERT_GT(pos, before) << c.name;  // always advances
      ASSERT_LE(pos, c.text.size()) << c.name;
    }
    EXPECT_EQ(got, c.code_points) << c.name;
  }
}

}  // namespace
}  // namespace kuzet::base
