// Bounds how deep a document can make Gumbo nest elements, before Gumbo sees it.
//
// Gumbo's tree construction walks the stack of open elements for most start tags ("has a p
// element in button scope", reconstructing formatting elements), so N nested containers cost
// O(N²): 40 000 nested <div>s take 4 s and 100 000 take 35 s on this machine; 32 MiB of "<div>"
// would take hours. Browsers bound the depth too (Blink stops nesting at 512).
//
// One pass over the bytes simulates what the HTML5 tree builder will really nest (HTML §13.2.6):
// a stack of open elements and a list of active formatting elements, with the rules that change
// their depth: void elements; raw text (script, style, textarea, title...) and comments skipped;
// implied end tags (a <p>, <li>, <dd>, <option>, <td>, <tr> closes the open one of its kind);
// end tags that match nothing pop nothing (a stray </span> does not undo a <div>); "any other end
// tag" stops at a special element; foreign content (<svg>, <math>), where every start tag nests
// unless self-closed, end tags close only a foreign element of their name and breakout tags
// (<div>, <p>, <b>...) leave it; formatting elements (<b>, <i>, <font>...) closed by a block and
// reopened by "reconstruct the active formatting elements" (<b id=1><p><b id=2><p>... nests).
// Where the model simplifies, it errs towards a deeper stack. Every step is O(1) per tag (indices
// of the topmost element of each name, special element and scope boundary are kept per entry).
//
// Past max_depth every further start tag is renamed to <p> in a copy (same length: "<div" →
// "<p  ", "<b" → "<p"), so text, attributes and byte offsets stay and the depth stops growing;
// formatting elements stop at 12 in the list after its last marker (each reconstruction clones them
// all). An end tag that closes nothing while the tree builder would walk over more than 64 elements
// to find that out becomes a comment ("</span>" → "</ span>"). Real pages stay far below the bound
// and are returned untouched (no copy).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace kuzet::extractor {

inline constexpr int kMaxNestingDepth = 2048;

struct NestingScan {
  // html with start tags past max_depth renamed, or nullopt if the depth never exceeds it.
  std::optional<std::string> capped;
  // Upper bounds of what Gumbo will create: nodes (elements, reconstructed and implied ones
  // included, text runs, comments) and attributes.
  size_t nodes = 0;
  size_t attributes = 0;
};

NestingScan ScanNesting(std::string_view html, int max_depth = kMaxNestingDepth);

// ScanNesting(html, max_depth).capped.
std::optional<std::string> CapNesting(std::string_view html, int max_depth = kMaxNestingDepth);

// An upper estimate of the bytes Gumbo allocates parsing html (ParsedHtml's arena): measured at
// most ~220 bytes per element, ~170 per attribute, and text and attribute values copied into
// doubling buffers; page_budget_test checks it against the arena on the Readability pages and on
// hostile shapes (above it always, 21x at most: on the smallest page, where the base dominates).
size_t EstimateParseBytes(size_t html_bytes, const NestingScan& scan);

}  // namespace kuzet::extractor
