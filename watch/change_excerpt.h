// The before/after excerpt an alert shows for a watched name removed from or added to a document:
// the sentence around the name in the old text, and the sentence at the same place in the new
// text (found through the word diff of the two), with the name, and on the other side the words
// that took its place, marked.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kuzet::watch {

// At most this many bytes of a sentence are kept, around the mark, cut at characters.
inline constexpr std::size_t kMaxExcerptBytes = 300;

struct Excerpt {
  std::string text;  // the sentence (or a cut of it, with "…" where cut), as bytes of the source
  std::size_t mark_begin = 0, mark_end = 0;  // the marked bytes of text; empty: a position only
};

struct BeforeAfter {
  Excerpt before, after;
};

enum class NameChange { kRemoved, kAdded };

// The texts are the article text of the old and the new version (the paragraphs joined by "\n\n");
// [name_begin, name_end) is the name's byte range in old_text when removed, in new_text when
// added (the matcher's offsets). Ranges past the text's end are clamped. Any bytes in.
BeforeAfter ExcerptNameChange(std::string_view old_text, std::string_view new_text,
                              NameChange change, std::size_t name_begin, std::size_t name_end);

// For a plain-text alert: valid UTF-8, TAB/LF/CR as spaces and other controls as U+FFFD
// (base::TerminalText), the mark as [[...]].
std::string RenderPlain(const Excerpt& excerpt);
// For an HTML alert: valid UTF-8, escaped, controls as U+FFFD (base::XmlEscape), the mark as
// <mark>...</mark>.
std::string RenderHtml(const Excerpt& excerpt);

}  // namespace kuzet::watch
