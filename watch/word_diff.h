// A word-level diff of two texts (what `kuzet history --diff A B` will show): the texts are cut
// into words, white-space runs and single other characters (WordSplitter::Split), and the
// shortest edit script between the two token sequences is found (DiffSequences).
//
// Total and bounded: any bytes in (ill-formed UTF-8 included), at most max_tokens tokens a side
// (the rest of a longer text is one token) and DiffLimits on the search; past a bound the diff
// is coarser but still exact, and flagged coarse.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "watch/sequence_diff.h"

namespace kuzet::watch {

struct WordDiffOptions {
  std::size_t max_tokens = 200'000;  // per side
  DiffLimits limits;
};

struct WordEdit {
  EditKind kind;
  std::string_view text;  // kEqual and kInsert: bytes of b; kDelete: bytes of a
};

struct WordDiffResult {
  // Concatenating the kEqual and kInsert texts gives b; the kEqual and kDelete texts give a (the
  // equal runs are b's bytes, which are a's unless two different tokens share a 64-bit hash).
  // A deletion comes before the insertion that replaces it.
  std::vector<WordEdit> edits;
  bool coarse = false;  // a bound was reached: some changed runs are longer than they need be
};

// The views point into a and b, which must outlive the result.
WordDiffResult WordDiff(std::string_view a, std::string_view b,
                        const WordDiffOptions& options = {});

// The diff as text, git's --word-diff=plain style: "[-removed-]{+added+}" inline.
std::string FormatWordDiff(const WordDiffResult& diff);

}  // namespace kuzet::watch
