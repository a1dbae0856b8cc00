#include "alert/title_snippet.h"

#include <algorithm>

namespace kuzet::alert {
namespace {

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";

bool IsContinuation(std::string_view s, size_t i) {
  return i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80;
}

bool IsSpaceOrControl(unsigned char c) { return c <= 0x20 || c == 0x7F; }

// White space and controls as single spaces, trimmed, without a leading or trailing ellipsis.
std::string Normalized(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (IsSpaceOrControl(c)) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  // Spaces and ellipses off either end, in any order; every step shortens the view.
  std::string_view view = out;
  for (;;) {
    if (view.starts_with(' ')) {
      view.remove_prefix(1);
    } else if (view.ends_with(' ')) {
      view.remove_suffix(1);
    } else if (view.starts_with(kEllipsis)) {
      view.remove_prefix(kEllipsis.size());
    } else if (view.ends_with(kEllipsis)) {
      view.remove_suffix(kEllipsis.size());
    } else {
      return std::string(view);
    }
  }
}

// Where a sentence ends at byte `i` of `text`: the length of the terminator there (a line break,
// or . ! ? … followed by white space), or 0.
size_t SentenceEndAt(std::string_view text, size_t i) {
  if (text[i] == '\n' || text[i] == '\r') return 1;
  size_t length = 0;
  if (text[i] == '.' || text[i] == '!' || text[i] == '?') {
    length = 1;
  } else if (text.substr(i).starts_with(kEllipsis)) {
    length = kEllipsis.size();
  } else {
    return 0;
  }
  const size_t next = i + length;
  return next < text.size() && IsSpaceOrControl(static_cast<unsigned char>(text[next])) ? length
                                                                                        : 0;
}

}  // namespace

bool SnippetRepeatsTitle(std::string_view snippet, std::string_view title) {
  const std::string s = Normalized(snippet);
  return s.empty() || Normalized(title).find(s) != std::string::npos;
}

std::optional<MarkedSentence> SentenceAround(std::string_view text, size_t begin, size_t end,
                                             size_t max_context) {
  if (begin >= end || end > text.size()) return std::nullopt;
  while (begin > 0 && IsContinuation(text, begin)) --begin;
  while (IsContinuation(text, end)) ++end;
  // Backwards to the previous sentence end, at most max_context bytes.
  const size_t floor = begin > max_context ? begin - max_context : 0;
  size_t left = floor;
  bool cut_left = floor > 0;
  for (size_t i = begin; i > floor; --i) {
    if (size_t length = SentenceEndAt(text, i - 1); length > 0 && i - 1 + length <= begin) {
      left = i - 1 + length;
      cut_left = false;
      break;
    }
  }
  // Forwards to the next one (its terminator kept), at most max_context bytes.
  const size_t ceiling = std::min(text.size(), end + max_context);
  size_t right = ceiling;
  bool cut_right = ceiling < text.size();
  for (size_t i = end; i < ceiling; ++i) {
    if (size_t length = SentenceEndAt(text, i); length > 0) {
      right = text[i] == '\n' || text[i] == '\r' ? i : std::min(ceiling, i + length);
      cut_right = false;
      break;
    }
  }
  while (left < begin && IsContinuation(text, left)) ++left;
  while (right > end && IsContinuation(text, right)) --right;
  std::string_view before = text.substr(left, begin - left);
  std::string_view after = text.substr(end, right - end);
  // Leading white space of the sentence is not part of it.
  while (!before.empty() && IsSpaceOrControl(static_cast<unsigned char>(before.front()))) {
    before.remove_prefix(1);
  }
  MarkedSentence sentence;
  if (cut_left) sentence.text += kEllipsis;
  sentence.text += before;
  sentence.mark_begin = static_cast<uint32_t>(sentence.text.size());
  sentence.text += text.substr(begin, end - begin);
  sentence.mark_end = static_cast<uint32_t>(sentence.text.size());
  sentence.text += after;
  if (cut_right) sentence.text += kEllipsis;
  return sentence;
}

}  // namespace kuzet::alert
