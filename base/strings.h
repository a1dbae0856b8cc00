// ASCII string helpers: case folding, case-insensitive comparison, whitespace trimming; joining.
//
// Everything here is ASCII-only on purpose and independent of the process locale: protocol
// tokens (HTTP header names, URL schemes, robots.txt keys, TOML ids) are ASCII and compare
// case-insensitively in ASCII only (RFC 9110 §5.1, RFC 3986 §6.2.2.1). Bytes >= 0x80 pass
// through unchanged, so UTF-8 text survives intact.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace kuzet::base {

constexpr char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

// A copy of `text` with A-Z lowercased.
std::string AsciiLower(std::string_view text);

// Lowercases A-Z of `text` where it lies.
void AsciiLowerInPlace(std::string& text);

bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b);
bool StartsWithIgnoreAsciiCase(std::string_view text, std::string_view prefix);

// ASCII whitespace as the WHATWG Infra standard defines it: TAB, LF, FF, CR and SPACE (the set
// HTML, URL and MIME parsing trim; it also covers RFC 9309's and RFC 9110's SP / HTAB).
constexpr bool IsAsciiWhitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

// `text` without leading and trailing ASCII whitespace.
std::string_view TrimAsciiWhitespace(std::string_view text);

// The items of `items` as `to_text` gives each (a callable or a member pointer; by default the
// item itself), with `separator` between them: Join(rules, ", ", &config::Rule::id).
template <typename Range, typename ToText = std::identity>
std::string Join(const Range& items, std::string_view separator, ToText to_text = {}) {
  std::string out;
  bool first = true;
  for (const auto& item : items) {
    if (!first) out += separator;
    first = false;
    out += std::string_view(std::invoke(to_text, item));
  }
  return out;
}

}  // namespace kuzet::base
