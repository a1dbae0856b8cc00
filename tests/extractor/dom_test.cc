#include "extractor/dom.h"

#include <gtest/gtest.h>
#include <gumbo.h>

#include <string>
#include <string_view>

namespace kuzet::extractor {
namespace {

const GumboNode* FindTag(const GumboNode* n, GumboTag tag) {
  if (Tag(n) == tag) return n;
  if (n->type != GUMBO_NODE_ELEMENT) return nullptr;
  for (unsigned k = 0; k < n->v.element.children.length; ++k) {
    const GumboNode* found =
        FindTag(static_cast<const GumboNode*>(n->v.element.children.data[k]), tag);
    if (found != nullptr) return found;
  }
  return nullptr;
}

TEST(DomTest, NodeTextPrefixIsThePrefixOfNodeText) {
  // Leading and trailing whitespace, no-break spaces, block breaks and a script, so that every
  // cut point meets a case of the trimming and collapsing.
  const std::string_view html =
      "<html><body> \n <p>\xC2\xA0 Жанаозен,\n  16 декабря</p><div>  second\tblock </div>"
      "<script>var x = 1;</script><br>третий &nbsp; абзац \xC2\xA0</body></html>";
  GumboOutput* out = gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size());
  const GumboNode* body = FindTag(out->root, GUMBO_TAG_BODY);
  ASSERT_NE(body, nullptr);
  const std::string full = NodeText(body);
  ASSERT_EQ(full, "Жанаозен, 16 декабря second block третий абзац");
  for (size_t max = 0; max <= full.size() + 3; ++max) {
    EXPECT_EQ(NodeTextPrefix(body, max), full.substr(0, max)) << max;
  }
  gumbo_destroy_output(&kGumboDefaultOptions, out);
}

TEST(DomTest, AppendCollapsedJoinsRunsAcrossCalls) {
  std::string out;
  AppendCollapsed("a  b\xC2\xA0\xC2\xA0", out);
  AppendCollapsed(" \tc", out);
  AppendCollapsed("", out);
  AppendCollapsed("d\xC2", out);  // a lone lead byte is not a no-break space
  EXPECT_EQ(out, "a b cd\xC2");
}

}  // namespace
}  // namespace kuzet::extractor
