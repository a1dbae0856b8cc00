#include "watch/change_excerpt.h"

#include <unicode/brkiter.h>
#include <unicode/utext.h>

#include <algorithm>
#include <memory>

#include "base/escape.h"
#include "base/strings.h"
#include "watch/word_diff.h"

namespace kuzet::watch {

namespace {

struct Range {
  std::size_t begin, end;
};

// Where [begin, end) of `a` is in `b`, by the word diff from a to b: the equal bytes it spans,
// and the insertions that replace the deletions it touches.
Range MapThroughDiff(std::string_view a, std::string_view b, Range in_a) {
  const WordDiffResult diff = WordDiff(a, b);
  std::size_t a_pos = 0, b_pos = 0;
  std::size_t out_begin = std::string_view::npos, out_end = 0;
  std::size_t b_at_begin = b.size();  // where in_a.begin falls in b
  auto take = [&](std::size_t begin, std::size_t end) {
    out_begin = std::min(out_begin, begin);
    out_end = std::max(out_end, end);
  };
  for (std::size_t e = 0; e < diff.edits.size(); ++e) {
    const WordEdit& edit = diff.edits[e];
    const std::size_t length = edit.text.size();
    const bool begins_here = a_pos <= in_a.begin && in_a.begin < a_pos + length;
    switch (edit.kind) {
      case EditKind::kEqual:
        if (begins_here) b_at_begin = b_pos + (in_a.begin - a_pos);
        if (a_pos < in_a.end && in_a.begin < a_pos + length) {
          take(b_pos + (std::max(in_a.begin, a_pos) - a_pos),
               b_pos + (std::min(in_a.end, a_pos + length) - a_pos));
        }
        a_pos += length;
        b_pos += length;
        break;
      case EditKind::kDelete: {
        const bool replaced =
            e + 1 < diff.edits.size() && diff.edits[e + 1].kind == EditKind::kInsert;
        const std::size_t inserted = replaced ? diff.edits[e + 1].text.size() : 0;
        if (begins_here) b_at_begin = b_pos;
        if (a_pos < in_a.end && in_a.begin < a_pos + length) take(b_pos, b_pos + inserted);
        a_pos += length;
        b_pos += inserted;
        if (replaced) ++e;
        break;
      }
      case EditKind::kInsert:
        if (in_a.begin < a_pos && a_pos < in_a.end) take(b_pos, b_pos + length);
        b_pos += length;
        break;
    }
  }
  if (out_begin == std::string_view::npos) return Range{b_at_begin, b_at_begin};
  return Range{out_begin, out_end};
}

bool IsContinuation(std::string_view text, std::size_t at) {
  return at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80;
}

// Moves `at` back (or forward) off UTF-8 continuation bytes, at most 3.
std::size_t CharStartBefore(std::string_view text, std::size_t at) {
  for (int i = 0; i < 3 && at > 0 && IsContinuation(text, at); ++i) --at;
  return at;
}
std::size_t CharStartAfter(std::string_view text, std::size_t at) {
  for (int i = 0; i < 3 && IsContinuation(text, at); ++i) ++at;
  return at;
}

// The sentence of `text` around `mark` (ICU sentence rules, UAX #29, over the UTF-8 bytes),
// without the white space around it.
Range SentenceAround(std::string_view text, Range mark) {
  Range sentence{0, text.size()};
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> breaker(
      icu::BreakIterator::createSentenceInstance(icu::Locale::getRoot(), status));
  if (U_SUCCESS(status) && breaker && text.size() < static_cast<std::size_t>(INT32_MAX)) {
    UText* utext = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()), &status);
    breaker->setText(utext, status);
    if (U_SUCCESS(status)) {
      // With a UTF-8 UText the iterator's offsets are byte offsets.
      const auto before = static_cast<int32_t>(std::min(mark.begin + 1, text.size()));
      const auto after =
          static_cast<int32_t>(std::min(std::max(mark.end, mark.begin + 1) - 1, text.size()));
      const int32_t begin = breaker->preceding(before);
      const int32_t end = breaker->following(after);
      if (begin != icu::BreakIterator::DONE) sentence.begin = static_cast<std::size_t>(begin);
      if (end != icu::BreakIterator::DONE) sentence.end = static_cast<std::size_t>(end);
    }
    utext_close(utext);
  }
  sentence.begin = std::min(sentence.begin, mark.begin);
  sentence.end = std::min(std::max(sentence.end, mark.end), text.size());
  while (sentence.begin < mark.begin && base::IsAsciiWhitespace(text[sentence.begin]))
    ++sentence.begin;
  while (sentence.end > mark.end && base::IsAsciiWhitespace(text[sentence.end - 1])) --sentence.end;
  return sentence;
}

// The sentence around `mark`, cut to about kMaxExcerptBytes around the mark (the mark itself cut
// first when it alone is longer), with "…" where it is cut.
Excerpt MakeExcerpt(std::string_view text, Range mark) {
  mark.end = std::min(mark.end, text.size());
  mark.begin = std::min(mark.begin, mark.end);
  if (mark.end - mark.begin > kMaxExcerptBytes) {
    mark.end = CharStartBefore(text, mark.begin + kMaxExcerptBytes);
  }
  const Range sentence = SentenceAround(text, mark);
  Range kept = sentence;
  if (kept.end - kept.begin > kMaxExcerptBytes) {
    const std::size_t room = kMaxExcerptBytes - (mark.end - mark.begin);
    const std::size_t before = mark.begin - sentence.begin, after = sentence.end - mark.end;
    std::size_t left = std::min(room / 2, before);
    const std::size_t right = std::min(room - left, after);
    left = std::min(room - right, before);
    kept.begin = CharStartAfter(text, mark.begin - left);
    kept.end = CharStartBefore(text, mark.end + right);
  }
  constexpr std::string_view kEllipsis = "…";
  const bool cut_left = kept.begin > sentence.begin, cut_right = kept.end < sentence.end;
  Excerpt excerpt;
  if (cut_left) excerpt.text = kEllipsis;
  excerpt.mark_begin = excerpt.text.size() + (mark.begin - kept.begin);
  excerpt.mark_end = excerpt.mark_begin + (mark.end - mark.begin);
  excerpt.text += text.substr(kept.begin, kept.end - kept.begin);
  if (cut_right) excerpt.text += kEllipsis;
  return excerpt;
}

std::string PlainPart(std::string_view bytes) { return base::TerminalText(bytes); }

}  // namespace

BeforeAfter ExcerptNameChange(std::string_view old_text, std::string_view new_text,
                              NameChange change, std::size_t name_begin, std::size_t name_end) {
  const bool removed = change == NameChange::kRemoved;
  std::string_view with_name = removed ? old_text : new_text;
  std::string_view other = removed ? new_text : old_text;
  Range name{std::min(name_begin, with_name.size()), std::min(name_end, with_name.size())};
  name.begin = std::min(name.begin, name.end);
  const Range there = MapThroughDiff(with_name, other, name);
  Excerpt named = MakeExcerpt(with_name, name);
  Excerpt counterpart = MakeExcerpt(other, there);
  return removed ? BeforeAfter{std::move(named), std::move(counterpart)}
                 : BeforeAfter{std::move(counterpart), std::move(named)};
}

std::string RenderPlain(const Excerpt& excerpt) {
  std::string_view text = excerpt.text;
  std::string out = PlainPart(text.substr(0, excerpt.mark_begin));
  if (excerpt.mark_end > excerpt.mark_begin) {
    out += "[[" +
           PlainPart(text.substr(excerpt.mark_begin, excerpt.mark_end - excerpt.mark_begin)) + "]]";
  }
  out += PlainPart(text.substr(excerpt.mark_end));
  return out;
}

std::string RenderHtml(const Excerpt& excerpt) {
  std::string_view text = excerpt.text;
  // XML's escaping is HTML-safe too, and it also replaces the control characters HTML forbids.
  auto escaped = [](std::string_view part) { return base::XmlEscape(part); };
  std::string out = escaped(text.substr(0, excerpt.mark_begin));
  if (excerpt.mark_end > excerpt.mark_begin) {
    out += "<mark>" +
           escaped(text.substr(excerpt.mark_begin, excerpt.mark_end - excerpt.mark_begin)) +
           "</mark>";
  }
  out += escaped(text.substr(excerpt.mark_end));
  return out;
}

}  // namespace kuzet::watch
