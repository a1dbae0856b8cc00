// Main-content extraction: the article text of a parsed page, without navigation, comments,
// share blocks, related links and legal boilerplate.
//
// Readability-style scoring on the Gumbo tree (see README.md "Algorithm"): paragraphs earn points
// for length and commas, their containers inherit them, class/id hints in several languages and
// link density adjust them; the best container plus its qualifying siblings is rendered as plain
// text with conditional cleaning of link-heavy, form-heavy or hint-negative blocks.
#pragma once

#include <gumbo.h>

#include <string>

namespace kuzet::extractor {

// Plain text of the main article under root, paragraphs separated by "\n\n", lines inside a
// paragraph (<br>) by "\n". Empty if the page has no article (e.g. a bare listing).
// Never recurses: depth is bounded only by memory.
std::string ExtractMainText(const GumboNode* root);

}  // namespace kuzet::extractor
