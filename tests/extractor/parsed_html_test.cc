#include "extractor/parsed_html.h"

#include <gtest/gtest.h>

#include <string>

#include "extractor/dom.h"

namespace kuzet::extractor {
namespace {

TEST(ParsedHtmlTest, ParsesIntoTheArenaAndKeepsTheTreeUntilDestroyed) {
  std::string html = "<html><head><title>Жанаозен</title></head><body>";
  for (int i = 0; i < 2000; ++i)
    html += "<p class=\"x\">Ozenmunaigas workers, day " + std::to_string(i) + "</p>";
  html += "</body></html>";
  const ParsedHtml parsed(html);
  ASSERT_NE(parsed.output(), nullptr);
  const GumboNode* body =
      static_cast<const GumboNode*>(parsed.output()->root->v.element.children.data[1]);
  ASSERT_EQ(Tag(body), GUMBO_TAG_BODY);
  EXPECT_EQ(body->v.element.children.length, 2000u);
  EXPECT_EQ(NodeText(static_cast<const GumboNode*>(body->v.element.children.data[1999])),
            "Ozenmunaigas workers, day 1999");
  if (!ParsedHtml::UsesArena()) GTEST_SKIP() << "sanitizer build: Gumbo allocates with malloc";
  // Everything Gumbo allocated, freed blocks included, stays within a small multiple of the page
  // (this page is all tiny elements: the worst case for tree size per byte).
  EXPECT_GT(parsed.used_bytes(), html.size());
  EXPECT_LT(parsed.used_bytes(), 16 * html.size());
  EXPECT_GE(parsed.reserved_bytes(), parsed.used_bytes());
}

TEST(ParsedHtmlTest, EmptyAndBinaryInputsParse) {
  EXPECT_NE(ParsedHtml("").output(), nullptr);
  const std::string binary("\0\xFF<\0p>\x80", 7);
  EXPECT_NE(ParsedHtml(binary).output(), nullptr);
}

}  // namespace
}  // namespace kuzet::extractor
