// Bounds how deep a document can make Gumbo nest elements, before Gumbo sees it.
//
// Gumbo's tree construction walks the stack of open elements for most start tags ("has a p
// element in button scope", reconstructing formatting elements), so N nested containers cost
// O(N²): 40 000 nested <div>s take 4 s and 100 000 take 35 s on this machine; 32 MiB of "<div>"
// would take hours. Browsers bound the depth too (Blink stops nesting at 512).
//
// A light scan over the bytes estimates the depth: start tags of elements that can nest add one,
// end tags take one off; comments and the raw text of script, style, textarea, title... are
// skipped; void elements and those that close their own kind (p, li, td, tr, option, a...) do not
// count. Past max_depth every further counted start tag is renamed to <p> in a copy (same length:
// "<div" → "<p  ", "<b" → "<p"), so text, attributes and byte offsets stay and the depth stops
// growing. Real pages stay far below the bound and are returned untouched (no copy).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kuzet::extractor {

inline constexpr int kMaxNestingDepth = 2048;

// html with start tags past max_depth renamed, or nullopt if the estimate never exceeds it.
std::optional<std::string> CapNesting(std::string_view html, int max_depth = kMaxNestingDepth);

}  // namespace kuzet::extractor
