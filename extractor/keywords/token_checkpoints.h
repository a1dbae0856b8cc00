// Token checkpoints: where breaking a stored text into words may start instead of at its
// beginning (issue #18: a search hit's FindAllAt broke every word before the phrase it checks).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace kuzet::keywords {

class TextIndex;

// Token `token` of a text is its first word at or after byte `byte`, which follows a line feed.
// UAX #29 always breaks words (WB3a) and sentences (SB4) after a line feed, and the U+FFFD that
// TextIndex reads for invalid UTF-8 never spans an ASCII byte, so the words, offsets and
// sentences of the text from `byte` on are the whole text's, less `token` words and `byte` bytes
// (text_index.cc, FindWords).
struct TokenCheckpoint {
  uint32_t token = 0;
  uint32_t byte = 0;
  bool operator==(const TokenCheckpoint&) const = default;
};

// The fewest words between two checkpoints: a text keeps about one checkpoint per paragraph of
// this many words or more, and FindAllAt breaks at most about this many words (plus the rest of
// a paragraph) before the first it needs.
inline constexpr uint32_t kTokensBetweenCheckpoints = 32;

// The checkpoints of the text `index` holds, ascending: at the first word of a line that is at
// least kTokensBetweenCheckpoints words after the previous checkpoint (the text's start, which
// is not listed). None past 2^32 - 1 bytes or words.
std::vector<TokenCheckpoint> TokenCheckpointsOf(const TextIndex& index);

// The last of `checkpoints` (ascending, as TokenCheckpointsOf gives them) whose word comes
// strictly before word `first` and that is one in `text`: its byte within the text and after a
// line feed. Strictly before, because a word's surname context reads the word before it across
// white space, a line feed included (surname_context.h). {0, 0}, the text's start, when none is.
// Checkpoints read from a store are checked here, not trusted: a wrong one costs no more than
// starting at the text's beginning would.
TokenCheckpoint CheckpointBefore(std::span<const TokenCheckpoint> checkpoints,
                                 std::string_view text, uint32_t first);

}  // namespace kuzet::keywords
