// The shortest edit script between two sequences of 64-bit keys (hashes of paragraphs or words):
// Myers' O((N+M)D) greedy algorithm ("An O(ND) Difference Algorithm and Its Variations", 1986),
// after trimming the common prefix and suffix.
//
// Bounded for hostile sizes: when the middle needs more than `max_edits` edits, or the search
// more than `max_work` steps, the middle is reported as one deletion and one insertion and the
// result is flagged coarse. Either way the script is a correct edit script from a to b.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace kuzet::watch {

struct DiffLimits {
  // Memory of the search grows with the square of the edits: 2,000 edits keep it near 8 MB.
  std::size_t max_edits = 2000;
  // Diagonal steps of the search, about 50 ms of CPU.
  std::uint64_t max_work = 50'000'000;
};

enum class EditKind { kEqual, kDelete, kInsert };

// One run of the script. kEqual: a[a_begin, a_end) equals b[b_begin, b_end) (same length).
// kDelete: a[a_begin, a_end) is removed (b_begin == b_end, the position in b). kInsert:
// b[b_begin, b_end) is inserted (a_begin == a_end).
struct Edit {
  EditKind kind;
  std::size_t a_begin, a_end, b_begin, b_end;

  bool operator==(const Edit&) const = default;
};

struct SequenceDiff {
  // In order over both sequences; no two neighbours of the same kind; in each changed hunk the
  // deletion comes before the insertion.
  std::vector<Edit> edits;
  bool coarse = false;  // a limit was reached: the middle is one deletion and one insertion
};

SequenceDiff DiffSequences(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b,
                           const DiffLimits& limits = {});

}  // namespace kuzet::watch
