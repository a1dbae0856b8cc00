// Small helpers over Gumbo's tree, shared by the content and metadata passes.
#pragma once

#include <gumbo.h>

#include <cstring>
#include <string>
#include <string_view>

#include "base/strings.h"

namespace kuzet::extractor {

inline bool IsElement(const GumboNode* n) { return n != nullptr && n->type == GUMBO_NODE_ELEMENT; }

// Attribute value or "" (Gumbo has already decoded character references).
inline std::string_view Attr(const GumboNode* n, const char* name) {
  if (!IsElement(n)) return {};
  const GumboAttribute* a = gumbo_get_attribute(&n->v.element.attributes, name);
  return a == nullptr ? std::string_view() : std::string_view(a->value);
}

// Whether an attribute name (Gumbo lowercases them; NUL-terminated) is the literal. Compares the
// first byte inline: the per-element attribute loops ask this for every attribute of the page.
template <size_t N>
inline bool AttrNameIs(const char* name, const char (&literal)[N]) {
  return name[0] == literal[0] && std::strcmp(name, literal) == 0;
}

inline GumboTag Tag(const GumboNode* n) { return IsElement(n) ? n->v.element.tag : GUMBO_TAG_LAST; }

// Appends text to out collapsing every run of HTML whitespace (and U+00A0) to one space.
void AppendCollapsed(std::string_view text, std::string& out);

// All text under node (script/style/template excluded), whitespace collapsed and trimmed.
std::string NodeText(const GumboNode* node);

// The first max_bytes bytes of NodeText(node) (all of it if shorter), without walking the rest
// of the subtree: the date fallback reads only the top of a page's visible text.
std::string NodeTextPrefix(const GumboNode* node, size_t max_bytes);

using base::AsciiLower;  // the extractor's passes call it unqualified

// s with leading and trailing whitespace (ASCII and U+00A0) removed.
std::string_view Trim(std::string_view s);

}  // namespace kuzet::extractor
