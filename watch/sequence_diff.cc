#include "watch/sequence_diff.h"

#include <algorithm>
#include <optional>

namespace kuzet::watch {

namespace {

// Adds a run, merging it into the previous one of the same kind.
void Append(std::vector<Edit>& edits, EditKind kind, std::size_t a_begin, std::size_t a_end,
            std::size_t b_begin, std::size_t b_end) {
  if (a_begin == a_end && b_begin == b_end) return;
  if (!edits.empty() && edits.back().kind == kind && edits.back().a_end == a_begin &&
      edits.back().b_end == b_begin) {
    edits.back().a_end = a_end;
    edits.back().b_end = b_end;
    return;
  }
  edits.push_back(Edit{kind, a_begin, a_end, b_begin, b_end});
}

// One step of the middle's script, in sequence coordinates.
struct Step {
  EditKind kind;
  std::size_t a_begin, a_end, b_begin, b_end;
};

// Myers' forward search over a[0, n) and b[0, m). Returns the steps in reverse order, or nothing
// when a limit is reached. trace[d] keeps the furthest x on each diagonal k = -d, -d+2, ..., d
// after d edits (index (k + d) / 2), which the backtrack needs.
std::optional<std::vector<Step>> Myers(std::span<const std::uint64_t> a,
                                       std::span<const std::uint64_t> b, const DiffLimits& limits) {
  const auto n = static_cast<std::ptrdiff_t>(a.size());
  const auto m = static_cast<std::ptrdiff_t>(b.size());
  const auto max_d = static_cast<std::ptrdiff_t>(
      std::min<std::size_t>(limits.max_edits, static_cast<std::size_t>(n + m)));
  const std::ptrdiff_t offset = max_d + 1;
  std::vector<std::ptrdiff_t> v(static_cast<std::size_t>(2 * max_d + 3), 0);
  std::vector<std::vector<std::ptrdiff_t>> trace;
  std::uint64_t work = 0;
  std::ptrdiff_t found_d = -1;
  for (std::ptrdiff_t d = 0; d <= max_d && found_d < 0; ++d) {
    for (std::ptrdiff_t k = -d; k <= d; k += 2) {
      std::ptrdiff_t x = (k == -d || (k != d && v[k - 1 + offset] < v[k + 1 + offset]))
                             ? v[k + 1 + offset]
                             : v[k - 1 + offset] + 1;
      std::ptrdiff_t y = x - k;
      while (x < n && y < m && a[x] == b[y]) {
        ++x;
        ++y;
        ++work;
      }
      v[k + offset] = x;
      ++work;
      if (x >= n && y >= m) found_d = d;
    }
    if (work > limits.max_work) return std::nullopt;
    std::vector<std::ptrdiff_t>& row = trace.emplace_back(static_cast<std::size_t>(d + 1));
    for (std::ptrdiff_t k = -d; k <= d; k += 2) row[(k + d) / 2] = v[k + offset];
  }
  if (found_d < 0) return std::nullopt;

  std::vector<Step> steps;
  std::ptrdiff_t x = n, y = m;
  for (std::ptrdiff_t d = found_d; d > 0; --d) {
    const std::vector<std::ptrdiff_t>& previous = trace[d - 1];
    auto at = [&](std::ptrdiff_t k) { return previous[(k + d - 1) / 2]; };
    const std::ptrdiff_t k = x - y;
    const bool down = k == -d || (k != d && at(k - 1) < at(k + 1));  // an insertion
    const std::ptrdiff_t previous_k = down ? k + 1 : k - 1;
    const std::ptrdiff_t previous_x = at(previous_k);
    const std::ptrdiff_t previous_y = previous_x - previous_k;
    const std::ptrdiff_t mid_x = down ? previous_x : previous_x + 1;
    const std::ptrdiff_t mid_y = down ? previous_y + 1 : previous_y;
    auto u = [](std::ptrdiff_t i) { return static_cast<std::size_t>(i); };
    if (mid_x < x) steps.push_back(Step{EditKind::kEqual, u(mid_x), u(x), u(mid_y), u(y)});
    if (down) {
      steps.push_back(
          Step{EditKind::kInsert, u(previous_x), u(previous_x), u(previous_y), u(previous_y + 1)});
    } else {
      steps.push_back(
          Step{EditKind::kDelete, u(previous_x), u(previous_x + 1), u(previous_y), u(previous_y)});
    }
    x = previous_x;
    y = previous_y;
  }
  if (x > 0)
    steps.push_back(
        Step{EditKind::kEqual, 0, static_cast<std::size_t>(x), 0, static_cast<std::size_t>(y)});
  return steps;
}

}  // namespace

SequenceDiff DiffSequences(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b,
                           const DiffLimits& limits) {
  std::size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  std::size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
         a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
    ++suffix;
  }
  const std::size_t a_mid_end = a.size() - suffix, b_mid_end = b.size() - suffix;
  std::span<const std::uint64_t> a_mid = a.subspan(prefix, a_mid_end - prefix);
  std::span<const std::uint64_t> b_mid = b.subspan(prefix, b_mid_end - prefix);

  SequenceDiff diff;
  Append(diff.edits, EditKind::kEqual, 0, prefix, 0, prefix);
  std::optional<std::vector<Step>> steps;
  if (!a_mid.empty() && !b_mid.empty()) steps = Myers(a_mid, b_mid, limits);
  if (steps) {
    // Between two equal runs the deletions cover one range of a and the insertions one range of
    // b: gather each hunk so its deletion comes first.
    std::size_t hunk_a = prefix, hunk_b = prefix;
    auto flush = [&](std::size_t a_at, std::size_t b_at) {
      Append(diff.edits, EditKind::kDelete, hunk_a, a_at, hunk_b, hunk_b);
      Append(diff.edits, EditKind::kInsert, a_at, a_at, hunk_b, b_at);
    };
    for (auto step = steps->rbegin(); step != steps->rend(); ++step) {
      if (step->kind != EditKind::kEqual) continue;
      flush(prefix + step->a_begin, prefix + step->b_begin);
      Append(diff.edits, EditKind::kEqual, prefix + step->a_begin, prefix + step->a_end,
             prefix + step->b_begin, prefix + step->b_end);
      hunk_a = prefix + step->a_end;
      hunk_b = prefix + step->b_end;
    }
    flush(a_mid_end, b_mid_end);
  } else {
    diff.coarse = !a_mid.empty() && !b_mid.empty();
    Append(diff.edits, EditKind::kDelete, prefix, a_mid_end, prefix, prefix);
    Append(diff.edits, EditKind::kInsert, a_mid_end, a_mid_end, prefix, b_mid_end);
  }
  Append(diff.edits, EditKind::kEqual, a_mid_end, a.size(), b_mid_end, b.size());
  return diff;
}

}  // namespace kuzet::watch
