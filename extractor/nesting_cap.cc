#include "extractor/nesting_cap.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

namespace kuzet::extractor {
namespace {

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

// Tag names of up to 8 letters as one integer, for sorted lookup (a page has thousands of tags).
constexpr uint64_t Key(std::string_view name) {
  uint64_t key = 0;
  for (size_t k = 0; k < name.size() && k < 8; ++k) {
    key |= static_cast<uint64_t>(static_cast<unsigned char>(name[k])) << (8 * k);
  }
  return key;
}

// Elements whose content is raw text up to their end tag (HTML §13.1.2, plus noscript, which
// Gumbo parses as raw text with scripting on).
constexpr std::string_view kRawText[] = {"script", "style",   "textarea", "title",   "xmp",
                                         "iframe", "noembed", "noframes", "noscript"};

// Start tags that never deepen the tree: void elements, and elements a following one of their
// kind (or the parser) closes: p, li, dd/dt, option, table parts, a, nobr, ruby parts, document
// structure.
constexpr std::string_view kFlat[] = {
    "area",    "base",     "br",      "col",     "embed",    "hr",    "img",   "input",
    "keygen",  "link",     "meta",    "param",   "source",   "track", "wbr",   "p",
    "li",      "dd",       "dt",      "option",  "optgroup", "tr",    "td",    "th",
    "tbody",   "thead",    "tfoot",   "caption", "colgroup", "a",     "nobr",  "rb",
    "rt",      "rp",       "rtc",     "html",    "head",     "body",  "frame", "image",
    "isindex", "basefont", "bgsound", "menuitem"};

enum class TagKind : uint8_t { kCounted, kFlat, kRawText };

// Open-addressing table from Key(name) to kind, built at compile time: one multiply and usually
// one probe per tag (a binary search here was 2 % of the parse).
struct TagTable {
  static constexpr size_t kSlots = 256;
  std::array<uint64_t, kSlots> keys{};
  std::array<TagKind, kSlots> kinds{};

  static constexpr size_t Slot(uint64_t key) {
    return static_cast<size_t>((key * 0x9E3779B97F4A7C15ULL) >> 56);
  }
  constexpr void Add(std::string_view name, TagKind kind) {
    size_t slot = Slot(Key(name));
    while (keys[slot] != 0) slot = (slot + 1) % kSlots;
    keys[slot] = Key(name);
    kinds[slot] = kind;
  }
  TagKind Find(uint64_t key) const {
    for (size_t slot = Slot(key);; slot = (slot + 1) % kSlots) {
      if (keys[slot] == key) return kinds[slot];
      if (keys[slot] == 0) return TagKind::kCounted;
    }
  }
};

constexpr TagTable kTags = [] {
  TagTable t;
  for (std::string_view name : kFlat) t.Add(name, TagKind::kFlat);
  for (std::string_view name : kRawText) t.Add(name, TagKind::kRawText);
  return t;
}();

// Position just past "</name" (any case) at or after from, or npos.
size_t FindEndTag(std::string_view html, size_t from, std::string_view name) {
  for (size_t i = html.find("</", from); i != std::string_view::npos; i = html.find("</", i + 2)) {
    if (i + 2 + name.size() > html.size()) return std::string_view::npos;
    bool match = true;
    for (size_t k = 0; k < name.size() && match; ++k) match = Lower(html[i + 2 + k]) == name[k];
    if (match) return i + 2 + name.size();
  }
  return std::string_view::npos;
}

}  // namespace

std::optional<std::string> CapNesting(std::string_view html, int max_depth) {
  std::optional<std::string> capped;
  int depth = 0;
  int foreign = 0;  // open <svg>/<math>: there "/>" closes an element (inline icons' <path/>s)
  size_t i = 0;
  while ((i = html.find('<', i)) != std::string_view::npos) {
    if (html.compare(i, 4, "<!--") == 0) {
      const size_t end = html.find("-->", i + 4);
      if (end == std::string_view::npos) break;
      i = end + 3;
      continue;
    }
    const bool end_tag = i + 2 < html.size() && html[i + 1] == '/' && IsAsciiAlpha(html[i + 2]);
    if (!end_tag && (i + 1 >= html.size() || !IsAsciiAlpha(html[i + 1]))) {
      ++i;
      continue;
    }
    // The tag's name, lowercased. Names over 8 letters are none of the listed ones.
    size_t end = i + (end_tag ? 2 : 1);
    char name_buf[8] = {};
    size_t name_len = 0;
    uint64_t key = 0;
    while (end < html.size() &&
           (IsAsciiAlpha(html[end]) || (html[end] >= '0' && html[end] <= '9'))) {
      if (name_len < sizeof name_buf) {
        name_buf[name_len] = Lower(html[end]);
        key |= static_cast<uint64_t>(static_cast<unsigned char>(name_buf[name_len]))
               << (8 * name_len);
      }
      ++name_len;
      ++end;
    }
    const bool short_name = name_len <= sizeof name_buf;
    const std::string_view name(name_buf, short_name ? name_len : 0);
    const TagKind kind = short_name ? kTags.Find(key) : TagKind::kCounted;
    const bool counted = kind == TagKind::kCounted;
    if (end_tag) {
      // Only the end of a kind that counted: "<div><p></p>" nests the divs all the same.
      if (counted && depth > 0) --depth;
      if (foreign > 0 && (name == "svg" || name == "math")) --foreign;
      i = end;
      continue;
    }
    if (kind == TagKind::kRawText) {
      i = FindEndTag(html, end, name);
      if (i == std::string_view::npos) break;
      continue;
    }
    if (name_len == 9 &&
        (html.compare(i + 1, 9, "plaintext") == 0 || html.compare(i + 1, 9, "PLAINTEXT") == 0))
      break;  // the rest of the document is text
    if (name == "svg" || name == "math") ++foreign;
    if (foreign > 0) {
      const size_t close = html.find('>', end);
      if (close != std::string_view::npos && html[close - 1] == '/') {
        if (name == "svg" || name == "math") --foreign;
        i = close + 1;
        continue;
      }
    }
    if (counted) {
      if (++depth > max_depth) {
        if (!capped) capped.emplace(html);
        (*capped)[i + 1] = 'p';
        std::fill(capped->begin() + static_cast<std::ptrdiff_t>(i) + 2,
                  capped->begin() + static_cast<std::ptrdiff_t>(end), ' ');
        --depth;  // a <p> closes the one before it
      }
    }
    i = end;
  }
  return capped;
}

}  // namespace kuzet::extractor
