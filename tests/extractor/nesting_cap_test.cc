#include "extractor/nesting_cap.h"

#include <gtest/gtest.h>
#include <gumbo.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "extractor/extractor.h"
#include "extractor/page_budget.h"
#include "extractor/parsed_html.h"
#include "tests/sanitizer_slowdown.h"

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

// The depth of the element tree Gumbo really builds (explicit stack: the tree may be deep).
int GumboDepth(const GumboNode* root) {
  int deepest = 0;
  std::vector<std::pair<const GumboNode*, int>> todo{{root, 1}};
  while (!todo.empty()) {
    auto [node, depth] = todo.back();
    todo.pop_back();
    deepest = std::max(deepest, depth);
    if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) continue;
    const GumboVector& kids = node->v.element.children;
    for (unsigned k = 0; k < kids.length; ++k) {
      todo.emplace_back(static_cast<const GumboNode*>(kids.data[k]), depth + 1);
    }
  }
  return deepest;
}

int GumboDepth(const std::string& html) {
  GumboOutput* output = gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size());
  const int depth = GumboDepth(output->root);
  gumbo_destroy_output(&kGumboDefaultOptions, output);
  return depth;
}

// "<b id=0><p>x<b id=1><p>x...": every round adds one distinct formatting element.
std::string Numbered(std::string_view before, std::string_view after, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    out += before;
    out += std::to_string(i);
    out += after;
  }
  return out;
}

// Shapes of markup that nest deeply in the HTML5 tree builder while a tag count says they do
// not. Each is a few thousand levels: fast for Gumbo even uncapped, far past the cap of 100.
struct AttackCase {
  const char* name;
  std::string html;
};

std::vector<AttackCase> AttackCases(int n) {
  return {
      {"StrayEndTags", Repeat("<div></span>", n)},
      {"StrayEndTagsOfLongCustomNames", Repeat("<custom-element-a></custom-element-b>", n)},
      {"UnclosedSvg", "<svg>" + Repeat("<g></div>", n)},
      {"SvgTitleIsNotRawText", "<svg><title>" + Repeat("<section>", n)},
      {"SvgStyleIsNotRawText", "<svg><style>" + Repeat("<g>", n)},
      {"MathEndTagsOfHtmlNames", "<math>" + Repeat("<mrow></span></div>", n)},
      {"ReopenedFormattingElements", Numbered("<b id=", "><p>x", n)},
      {"FormattingClosedByBlocks", Numbered("<i class=", "><div>x</i>", n)},
      {"EmptyCommentHidesNothing", "<!-->" + Repeat("<div>", n)},
      {"EndTagsWithQuotedGreaterThan", Repeat("<div title=\"a>b\"></x title=\"</div>\">", n)},
      {"FormInsideBlocks", Repeat("<form><div></form>", n)},
      {"TablesFullOfFormatting", Numbered("<table><tr><td><i class=", "><b><u><s>x</s></u>", n)},
  };
}

class DeepNestingAttackTest : public ::testing::TestWithParam<AttackCase> {};

TEST_P(DeepNestingAttackTest, CapBoundsTheTreeGumboBuilds) {
  const std::string& html = GetParam().html;
  const auto capped = CapNesting(html, 100);
  const int depth = GumboDepth(capped ? *capped : html);
  // html, body, the cap, and what reconstruction of the capped formatting list may add.
  EXPECT_LE(depth, 100 + 12 + 8) << GetParam().name << ": uncapped depth " << GumboDepth(html);
  if (capped) {
    EXPECT_EQ(capped->size(), html.size());
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, DeepNestingAttackTest, ::testing::ValuesIn(AttackCases(3000)),
                         [](const ::testing::TestParamInfo<AttackCase>& info) {
                           return std::string(info.param.name);
                         });

// The measurement: pages of ~1 MB took Gumbo 18-35 s (100 000 levels) to 458 s
// (300 000). Through ParsedHtml (the default cap) each shape, 1 MiB of it or 300 000 rounds when
// that is shorter, must now parse within the default page CPU budget, so that no crafted page is
// cut off by it (this thread's CPU: the machine may be busy with other work). The costliest
// shape, ReopenedFormattingElements (12 formatting elements cloned at each of ~100 000 texts),
// takes 0.9-1.3 s of CPU on a 2-core CI VM (1.0 s, the bound before, failed one CI run).
TEST(DeepNestingAttackTest, MegabytePagesParseWithinTheDefaultPageCpuBudget) {
  const double budget_seconds =
      std::chrono::duration<double>(config::Settings().page_cpu_budget).count();
  const std::vector<AttackCase> shapes = AttackCases(1000);  // to measure a round's size
  for (size_t k = 0; k < shapes.size(); ++k) {
    const int rounds = static_cast<int>(
        std::min<size_t>(300000, (size_t{1} << 20) * 1000 / shapes[k].html.size()));
    const AttackCase attack = AttackCases(rounds)[k];
    const PageBudget clock;  // measures this thread's CPU time
    const ParsedHtml parsed(attack.html);
    const double seconds = std::chrono::duration<double>(clock.cpu_used()).count();
    ASSERT_NE(parsed.output(), nullptr);
    EXPECT_TRUE(parsed.nesting_capped()) << attack.name;
    EXPECT_LT(seconds, budget_seconds * kSanitizerSlowdown)
        << attack.name << ": " << attack.html.size() << " bytes";
    EXPECT_LE(GumboDepth(parsed.output()->root), kMaxNestingDepth + 12 + 8) << attack.name;
    std::printf("%-34s %8zu bytes %6.3f s CPU\n", attack.name, attack.html.size(), seconds);
  }
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
                    false},
        NestingCase{"ClosedFormatting", Repeat("<p><b>bold</b> and <i>it</i><a href=x>a</a>", 5000),
                    false},
        NestingCase{"ItemsWithUnclosedFormatting", "<ul>" + Repeat("<li><b>item", 5000), false},
        NestingCase{"TableRowsAndCells", "<table>" + Repeat("<tr><td>a<td>b", 5000), false},
        NestingCase{"NestedTablesClosed",
                    Repeat("<table><tr><td><div>x</div></td></tr></table>", 5000), false},
        NestingCase{"SvgIconsInsideLinks",
                    Repeat("<a href=x><svg><use href=\"#i\"></use></svg>Icon</a>", 5000), false},
        NestingCase{"CustomElementsClosed",
                    Repeat("<my-card><my-title>t</my-title></my-card>", 5000), false}),
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

// Real pages are never rewritten: the model must not see depth where the tree builder has none
// (Readability's test pages in many languages, htmldate's news pages from many countries).
TEST(CapNestingTest, LeavesRealPagesUntouched) {
  const std::filesystem::path corpus = std::filesystem::path(KUZET_SHARED_DIR) / "corpus";
  if (!std::filesystem::is_directory(corpus / "readability")) GTEST_SKIP() << corpus << " absent";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(corpus / "readability")) {
    files.push_back(entry.path() / "source.html");
  }
  for (const auto& entry :
       std::filesystem::directory_iterator(corpus / "htmldate-dev" / "test_set")) {
    files.push_back(entry.path());
  }
  int pages = 0;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) continue;
    std::stringstream html;
    html << in.rdbuf();
    ++pages;
    EXPECT_FALSE(CapNesting(html.str()).has_value()) << file;
    // And the model is not blind on them either: with a low cap, deep pages are capped.
    if (GumboDepth(html.str()) > 60) {
      EXPECT_TRUE(CapNesting(html.str(), 40).has_value()) << file;
    }
  }
  EXPECT_GT(pages, 300);
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
