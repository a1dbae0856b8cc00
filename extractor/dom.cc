#include "extractor/dom.h"

#include <vector>

namespace kuzet::extractor {

using base::IsAsciiWhitespace;

void AppendCollapsed(std::string_view text, std::string& out) {
  bool space = !out.empty() && out.back() == ' ';
  auto is_nbsp = [&](size_t i) {
    return text[i] == '\xC2' && i + 1 < text.size() && text[i + 1] == '\xA0';
  };
  size_t i = 0;
  while (i < text.size()) {
    // Runs of non-space bytes are copied whole: this builds every text the extractor returns.
    size_t end = i;
    while (end < text.size() && !IsAsciiWhitespace(text[end]) && !is_nbsp(end)) ++end;
    if (end > i) {
      out.append(text, i, end - i);
      space = false;
      i = end;
      continue;
    }
    i += is_nbsp(i) ? 2 : 1;
    if (!space) out.push_back(' ');
    space = true;
  }
}

namespace {

// Collapsed text under node; stops after the text node that brings it to stop_after bytes.
std::string CollectText(const GumboNode* node, size_t stop_after) {
  std::string out;
  std::vector<const GumboNode*> stack{node};
  while (!stack.empty()) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_CDATA ||
        n->type == GUMBO_NODE_WHITESPACE) {
      AppendCollapsed(n->v.text.text, out);
      if (out.size() >= stop_after) break;
      continue;
    }
    if (n->type != GUMBO_NODE_ELEMENT) continue;
    const GumboTag t = n->v.element.tag;
    if (t == GUMBO_TAG_SCRIPT || t == GUMBO_TAG_STYLE || t == GUMBO_TAG_TEMPLATE ||
        t == GUMBO_TAG_NOSCRIPT)
      continue;
    const GumboVector& kids = n->v.element.children;
    if (t == GUMBO_TAG_BR || t == GUMBO_TAG_P || t == GUMBO_TAG_DIV || t == GUMBO_TAG_LI) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    }
    for (unsigned k = kids.length; k-- > 0;)
      stack.push_back(static_cast<const GumboNode*>(kids.data[k]));
  }
  return out;
}

}  // namespace

std::string NodeText(const GumboNode* node) {
  return std::string(Trim(CollectText(node, std::string::npos)));
}

std::string NodeTextPrefix(const GumboNode* node, size_t max_bytes) {
  // Collapsing leaves at most one space at each end for Trim to remove, so two bytes beyond
  // max_bytes make the trimmed prefix equal to that of the whole text.
  const size_t stop_after = max_bytes > std::string::npos - 2 ? std::string::npos : max_bytes + 2;
  const std::string collected = CollectText(node, stop_after);
  return std::string(Trim(collected).substr(0, max_bytes));
}

std::string_view Trim(std::string_view s) {
  for (;;) {
    if (!s.empty() && IsAsciiWhitespace(s.front())) {
      s.remove_prefix(1);
    } else if (s.starts_with("\xC2\xA0")) {
      s.remove_prefix(2);
    } else {
      break;
    }
  }
  for (;;) {
    if (!s.empty() && IsAsciiWhitespace(s.back())) {
      s.remove_suffix(1);
    } else if (s.ends_with("\xC2\xA0")) {
      s.remove_suffix(2);
    } else {
      break;
    }
  }
  return s;
}

}  // namespace kuzet::extractor
