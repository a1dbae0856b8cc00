#include "extractor/keywords/token_checkpoints.h"

#include <limits>

#include "extractor/keywords/text_index.h"

namespace kuzet::keywords {

std::vector<TokenCheckpoint> TokenCheckpointsOf(const TextIndex& index) {
  std::vector<TokenCheckpoint> out;
  const std::vector<Token>& tokens = index.tokens();
  const std::string_view text = index.utf8();
  constexpr size_t kMax = std::numeric_limits<uint32_t>::max();
  size_t previous = 0;
  for (size_t t = kTokensBetweenCheckpoints; t < tokens.size() && t <= kMax; ++t) {
    if (t - previous < kTokensBetweenCheckpoints) continue;
    // Only non-word segments lie between two consecutive words.
    const size_t gap_begin = tokens[t - 1].byte_end;
    const size_t line_feed = text.substr(gap_begin, tokens[t].byte_begin - gap_begin).rfind('\n');
    if (line_feed == std::string_view::npos) continue;
    const size_t byte = gap_begin + line_feed + 1;
    if (byte > kMax) break;
    out.push_back(TokenCheckpoint{static_cast<uint32_t>(t), static_cast<uint32_t>(byte)});
    previous = t;
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
