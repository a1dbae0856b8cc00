#include "watch/word_diff.h"

#include "watch/text_tokens.h"

namespace kuzet::watch {

namespace {

std::vector<std::uint64_t> Keys(std::string_view text, const Tokens& tokens) {
  std::vector<std::uint64_t> keys;
  keys.reserve(tokens.spans.size());
  for (const Span& span : tokens.spans) {
    keys.push_back(Fingerprint(text.substr(span.begin, span.end - span.begin)));
  }
  return keys;
}

// The bytes of tokens [first, last) of `text`.
std::string_view Range(std::string_view text, const Tokens& tokens, std::size_t first,
                       std::size_t last) {
  if (first == last) return {};
  const std::size_t begin = tokens.spans[first].begin;
  return text.substr(begin, tokens.spans[last - 1].end - begin);
}

}  // namespace

WordDiffResult WordDiff(std::string_view a, std::string_view b, const WordDiffOptions& options) {
  WordSplitter splitter;
  const Tokens a_tokens = splitter.Split(a, options.max_tokens);
  const Tokens b_tokens = splitter.Split(b, options.max_tokens);
  const std::vector<std::uint64_t> a_keys = Keys(a, a_tokens), b_keys = Keys(b, b_tokens);
  const SequenceDiff diff = DiffSequences(a_keys, b_keys, options.limits);

  WordDiffResult result;
  result.coarse = diff.coarse || a_tokens.truncated || b_tokens.truncated;
  for (const Edit& edit : diff.edits) {
    // Equal keys are equal hashes; the equal text is taken from b, so b is rebuilt exactly even
    // in the (2^-64) case of a collision.
    std::string_view text = edit.kind == EditKind::kDelete
                                ? Range(a, a_tokens, edit.a_begin, edit.a_end)
                                : Range(b, b_tokens, edit.b_begin, edit.b_end);
    result.edits.push_back(WordEdit{edit.kind, text});
  }
  return result;
}

std::string FormatWordDiff(const WordDiffResult& diff) {
  std::string out;
  for (const WordEdit& edit : diff.edits) {
    switch (edit.kind) {
      case EditKind::kEqual:
        out += edit.text;
        break;
      case EditKind::kDelete:
        out += "[-";
        out += edit.text;
        out += "-]";
        break;
      case EditKind::kInsert:
        out += "{+";
        out += edit.text;
        out += "+}";
        break;
    }
  }
  return out;
}

}  // namespace kuzet::watch
