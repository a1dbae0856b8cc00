#include "extractor/nesting_cap.h"

#include <gtest/gtest.h>

#include <string>

#include "extractor/extractor.h"

namespace kuzet::extractor {
namespace {

std::string Repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

size_t Count(std::string_view s, std::string_view what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string_view::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

struct NestingCase {
  const char* name;
  std::string html;
  bool capped;
};

class CapNestingTest : public ::testing::TestWithParam<NestingCase> {};

TEST_P(CapNestingTest, CapsOnlyDeepNesting) {
  EXPECT_EQ(CapNesting(GetParam().html, 100).has_value(), GetParam().capped);
}

INSTANTIATE_TEST_SUITE_P(
    Pages, CapNestingTest,
    ::testing::Values(
        NestingCase{"NestedDivs", Repeat("<div>", 500), true},
        NestingCase{"NestedFormatting", Repeat("<b><font color=red>", 300), true},
        // "/>" does not close an HTML element: Gumbo nests these.
        NestingCase{"SelfClosingDivsStillNest", Repeat("<div/>", 500), true},
        NestingCase{"DivsAroundClosedParagraphs", Repeat("<div><p>text</p><a href=x>a</a>", 500),
                    true},
        NestingCase{"ClosedDivs", Repeat("<div>text</div>", 5000), false},
        NestingCase{"UnclosedParagraphsAndItems", Repeat("<p>text<li>item<td>cell", 5000), false},
        NestingCase{"VoidElements", Repeat("<br><img src=a.png><input>", 5000), false},
        NestingCase{"SvgPathsCloseThemselves",
                    "<svg viewBox=\"0 0 9 9\">" + Repeat("<path d=\"M0 0L9 9\"/>", 5000) + "</svg>",
                    false},
        NestingCase{"TagsInsideScript", "<script>var t = '" + Repeat("<div>", 5000) + "';</script>",
                    false},
        NestingCase{"TagsInsideComment", "<!--" + Repeat("<div>", 5000) + "-->", false},
        NestingCase{"TagsInsideTextarea", "<textarea>" + Repeat("<div>", 5000) + "</TEXTAREA>",
                    false}),
    [](const ::testing::TestParamInfo<NestingCase>& info) { return std::string(info.param.name); });

TEST(CapNestingTest, RenamesStartTagsPastTheCapKeepingLengthAndText) {
  const std::string html = Repeat("<div class=\"x\">", 150) + "Жанаозен";
  const auto capped = CapNesting(html, 100);
  ASSERT_TRUE(capped.has_value());
  EXPECT_EQ(capped->size(), html.size());
  EXPECT_EQ(Count(*capped, "<div class=\"x\">"), 100u);
  EXPECT_EQ(Count(*capped, "<p   class=\"x\">"), 50u);
  EXPECT_TRUE(capped->ends_with("Жанаозен"));
}

TEST(CapNestingTest, DeeplyNestedPageExtractsQuickly) {
  // Uncapped, Gumbo needs over half a minute for this (quadratic in depth).
  const std::string html =
      Repeat("<div>", 200000) + "<p>Workers of Ozenmunaigas gathered on the square.</p>";
  const auto r = Extract(html, "text/html; charset=utf-8", "");
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->text.find("Workers of Ozenmunaigas"), std::string::npos);
}

}  // namespace
}  // namespace kuzet::extractor
