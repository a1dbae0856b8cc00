#include "extractor/keywords/token_checkpoints.h"

#include <limits>

#include "extractor/keywords/text_index.h"

namespace kuzet::keywords {

std::vector<TokenCheckpoint> TokenCheckpointsOf(const TextIndex& index) {
  std::vector<TokenCheckpoint> out;
  const std::vector<Token>& tokens = index.tokens();
  const std::string_view text = index.utf8();
  constexpr size_t kMax = std::numeric_limits<uint32_t>::max();
  // From line feed to line feed, not word to word: no word holds a line feed, so the first one
  // after word t - 1 ends the gap before the first word at or after t that starts a line.
  for (size_t t = kTokensBetweenCheckpoints; t < tokens.size();) {
    const size_t line_feed = text.find('\n', tokens[t - 1].byte_end);
    if (line_feed == std::string_view::npos) break;
    const size_t first = index.TokenStartingAtOrAfter(line_feed + 1);
    if (first >= tokens.size() || first > kMax) break;
    // After the gap's last line feed (a blank line holds two).
    const size_t gap_begin = tokens[first - 1].byte_end;
    const size_t byte =
        gap_begin + text.substr(gap_begin, tokens[first].byte_begin - gap_begin).rfind('\n') + 1;
    if (byte > kMax) break;
    out.push_back(TokenCheckpoint{static_cast<uint32_t>(first), static_cast<uint32_t>(byte)});
    t = first + kTokensBetweenCheckpoints;
  }
  return out;
}

TokenCheckpoint CheckpointBefore(std::span<const TokenCheckpoint> checkpoints,
                                 std::string_view text, uint32_t first) {
  TokenCheckpoint best;
  for (const TokenCheckpoint& c : checkpoints) {
    if (c.token >= first) break;
    if (c.token <= best.token || c.byte <= best.byte) break;  // not ascending: trust no more
    if (c.byte > text.size() || text[c.byte - 1] != '\n') continue;
    best = c;
  }
  return best;
}

}  // namespace kuzet::keywords
