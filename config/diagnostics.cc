#include "config/diagnostics.h"

#include <algorithm>

#include "base/strings.h"

namespace kuzet::config {

void ErrorList::Add(int line, std::string_view field, std::string_view what) {
  std::string text = source_name_;
  text += ':';
  text += std::to_string(line);
  text += ": ";
  text += field;
  text += ": ";
  text += what;
  errors_.push_back({line, std::move(text)});
}

Status ErrorList::ToStatus() const {
  if (errors_.empty()) return Status::Ok();
  // toml++ tables iterate in key order, not file order; sorting gives the reader file order.
  std::vector<Error> sorted = errors_;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Error& a, const Error& b) { return a.line < b.line; });
  std::string message;
  for (const Error& error : sorted) {
    if (!message.empty()) message += '\n';
    message += error.text;
  }
  return Status::InvalidArgument(std::move(message));
}

namespace {

// Levenshtein distance, ASCII case-insensitive (keys are ASCII; "Interval" is a typo too).
std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      bool same = base::AsciiLower(a[i - 1]) == base::AsciiLower(b[j - 1]);
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string ClosestKey(std::string_view unknown, std::span<const std::string_view> known) {
  std::size_t limit = std::min<std::size_t>(2, unknown.size() / 2);
  std::string_view best;
  std::size_t best_distance = limit + 1;
  for (std::string_view candidate : known) {
    std::size_t distance = EditDistance(unknown, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return std::string(best);
}

std::string Quoted(std::string_view text) {
  std::string out = "\"";
  out += text;
  out += '"';
  return out;
}

}  // namespace kuzet::config
