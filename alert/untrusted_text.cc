#include "alert/untrusted_text.h"

#include <cstdint>

#include "base/utf8.h"

namespace kuzet::alert {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::string_view kEllipsis = "\xE2\x80\xA6";     // U+2026

bool IsBreakingOrControl(char32_t cp) {
  return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029;
}

bool IsSpace(char32_t cp) { return cp == ' ' || cp == 0xA0 || cp == 0x3000; }

}  // namespace

std::string SingleLineText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const size_t start = i;
    const int32_t cp = base::NextUtf8(text, &i);
    if (cp < 0) {
      out += kReplacement;
    } else if (IsBreakingOrControl(static_cast<char32_t>(cp))) {
      out += ' ';
    } else {
      out.append(text.substr(start, i - start));
    }
  }
  return out;
}

std::string HeaderSafeText(std::string_view text, size_t max_chars) {
  std::string out;
  size_t chars = 0;
  size_t last_fit = 0;  // bytes of `out` holding its first max_chars - 1 characters
  bool pending_space = false;
  for (size_t i = 0; i < text.size();) {
    const size_t start = i;
    const int32_t decoded = base::NextUtf8(text, &i);
    const char32_t cp = decoded < 0 ? char32_t{0xFFFD} : static_cast<char32_t>(decoded);
    const std::string_view piece = decoded < 0 ? kReplacement : text.substr(start, i - start);
    if (IsBreakingOrControl(cp) || IsSpace(cp)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) {
      out += ' ';
      if (++chars < max_chars) last_fit = out.size();
      pending_space = false;
    }
    out.append(piece);
    if (++chars < max_chars) last_fit = out.size();
  }
  if (chars <= max_chars) return out;
  out.resize(last_fit);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (max_chars > 0) out += kEllipsis;
  return out;
}

size_t Utf8PrefixLength(std::string_view text, size_t max_bytes) {
  if (max_bytes >= text.size()) return text.size();
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<uint8_t>(text[cut]) & 0xC0) == 0x80) --cut;
  return cut;
}

}  // namespace kuzet::alert
