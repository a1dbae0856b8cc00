// ParseDuration: "<number><unit>" groups with units d, h, m, s in that order, e.g. "1h30m".
#include <cctype>
#include <cstdint>

#include "config/config.h"
#include "config/diagnostics.h"

namespace kuzet::config {

namespace {

// Unit letters from largest to smallest; a duration must use them in this order, each at most
// once, so "30m1h" and "1m1m" (almost certainly typos) are rejected.
constexpr std::string_view kUnits = "dhms";
constexpr std::int64_t kUnitSeconds[] = {86400, 3600, 60, 1};
// Ten years: longer is a typo, and the cap keeps the arithmetic far from overflow.
constexpr std::int64_t kMaxSeconds = std::int64_t{10} * 366 * 86400;

Status Invalid(std::string_view text, std::string_view hint = {}) {
  std::string message = "expected a duration like \"15m\", got " + Quoted(text);
  if (!hint.empty()) message += " (" + std::string(hint) + ")";
  return Status::InvalidArgument(std::move(message));
}

}  // namespace

Result<Seconds> ParseDuration(std::string_view text) {
  if (text.empty()) return Invalid(text);
  std::int64_t total = 0;
  std::size_t next_unit = 0;  // index into kUnits of the largest unit still allowed
  std::size_t i = 0;
  while (i < text.size()) {
    std::int64_t number = 0;
    std::size_t digits = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      number = number * 10 + (text[i] - '0');
      if (number > kMaxSeconds) return Invalid(text, "too long");
      ++i;
      ++digits;
    }
    if (digits == 0) return Invalid(text);
    if (i == text.size()) {
      // A bare number: seconds or minutes? Refuse to guess.
      return Invalid(text, total == 0 && next_unit == 0 ? "add a unit: s, m, h or d" : "");
    }
    std::size_t unit = kUnits.find(text[i]);
    if (unit == std::string_view::npos || unit < next_unit) return Invalid(text);
    total += number * kUnitSeconds[unit];
    if (total > kMaxSeconds) return Invalid(text, "too long");
    next_unit = unit + 1;
    ++i;
  }
  return Seconds(total);
}

}  // namespace kuzet::config
