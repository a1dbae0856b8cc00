#include "crawler/links.h"

#include <unicode/utf8.h>

#include <array>
#include <cstring>

#include "base/strings.h"
#include "url/url.h"

namespace kuzet::crawler {

namespace {

// Position of the first case-insensitive occurrence of `lower` in html at or after `from`.
size_t FindLower(std::string_view html, std::string_view lower, size_t from) {
  while (from < html.size()) {
    size_t at = html.find('<', from);
    if (at == std::string_view::npos || at + lower.size() > html.size()) break;
    if (base::EqualsIgnoreAsciiCase(html.substr(at, lower.size()), lower)) return at;
    from = at + 1;
  }
  return std::string_view::npos;
}

void AppendUtf8(std::string& out, unsigned long code) {
  if (code == 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) code = 0xFFFD;
  char buffer[U8_MAX_LENGTH];
  int32_t length = 0;
  U8_APPEND_UNSAFE(buffer, length, static_cast<UChar32>(code));
  out.append(buffer, static_cast<size_t>(length));
}

// Attribute value with character references decoded and surrounding spaces trimmed; tabs and
// newlines inside are removed (as the URL parser does, WHATWG URL §4.4).
std::string DecodeAttribute(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\t' || c == '\n' || c == '\r') continue;
    if (c != '&') {
      out += c;
      continue;
    }
    size_t semi = raw.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out += c;
      continue;
    }
    std::string_view name = raw.substr(i + 1, semi - i - 1);
    static constexpr std::array<std::pair<std::string_view, char>, 5> kNamed = {
        {{"amp", '&'}, {"quot", '"'}, {"lt", '<'}, {"gt", '>'}, {"apos", '\''}}};
    bool done = false;
    for (const auto& [entity, value] : kNamed) {
      if (name == entity) {
        out += value;
        done = true;
      }
    }
    if (!done && name.size() >= 2 && name[0] == '#') {
      bool hex = name[1] == 'x' || name[1] == 'X';
      std::string digits(name.substr(hex ? 2 : 1));
      char* end = nullptr;
      unsigned long code = std::strtoul(digits.c_str(), &end, hex ? 16 : 10);
      if (!digits.empty() && end != nullptr && *end == '\0') {
        AppendUtf8(out, code);
        done = true;
      }
    }
    if (!done) {
      out += c;
      continue;
    }
    i = semi;
  }
  size_t start = 0, end = out.size();
  while (start < end && base::IsAsciiWhitespace(out[start])) ++start;
  while (end > start && base::IsAsciiWhitespace(out[end - 1])) --end;
  return out.substr(start, end - start);
}

struct Tag {
  std::string_view name;
  std::string_view href, rel, type;
  bool has_href = false;
  size_t end = 0;         // position after '>'
  bool complete = false;  // '>' was found; a tag cut off by the end of input is dropped
};

// Parses the tag starting at html[at] == '<' (a start tag with a letter after '<').
Tag ParseTag(std::string_view html, size_t at) {
  Tag tag;
  size_t i = at + 1;
  size_t name_start = i;
  while (i < html.size() && !base::IsAsciiWhitespace(html[i]) && html[i] != '>' && html[i] != '/')
    ++i;
  tag.name = html.substr(name_start, i - name_start);
  while (i < html.size()) {
    while (i < html.size() && (base::IsAsciiWhitespace(html[i]) || html[i] == '/')) ++i;
    if (i >= html.size()) break;
    if (html[i] == '>') {
      tag.end = i + 1;
      tag.complete = true;
      return tag;
    }
    size_t attr_start = i;
    while (i < html.size() && !base::IsAsciiWhitespace(html[i]) && html[i] != '=' &&
           html[i] != '>' && html[i] != '/') {
      ++i;
    }
    if (i == attr_start) ++i;  // a stray character such as '"': skip it
    std::string_view attr = html.substr(attr_start, i - attr_start);
    while (i < html.size() && base::IsAsciiWhitespace(html[i])) ++i;
    std::string_view value;
    bool has_value = false;
    if (i < html.size() && html[i] == '=') {
      ++i;
      while (i < html.size() && base::IsAsciiWhitespace(html[i])) ++i;
      if (i < html.size() && (html[i] == '"' || html[i] == '\'')) {
        char quote = html[i++];
        size_t close = html.find(quote, i);
        if (close == std::string_view::npos) break;
        value = html.substr(i, close - i);
        i = close + 1;
      } else {
        size_t value_start = i;
        while (i < html.size() && !base::IsAsciiWhitespace(html[i]) && html[i] != '>') ++i;
        value = html.substr(value_start, i - value_start);
      }
      has_value = true;
    }
    // The first occurrence of an attribute wins (WHATWG §13.2.5.33).
    if (base::EqualsIgnoreAsciiCase(attr, "href") && !tag.has_href) {
      tag.href = value;
      tag.has_href = has_value;
    } else if (base::EqualsIgnoreAsciiCase(attr, "rel") && tag.rel.empty()) {
      tag.rel = value;
    } else if (base::EqualsIgnoreAsciiCase(attr, "type") && tag.type.empty()) {
      tag.type = value;
    }
  }
  tag.end = html.size();
  return tag;
}

bool IsFeedLink(const Tag& tag) {
  const std::string rel = base::AsciiLower(tag.rel), type = base::AsciiLower(tag.type);
  bool alternate = false;
  for (size_t start = 0; start < rel.size();) {
    size_t end = rel.find_first_of(" \t\n\r\f", start);
    if (end == std::string::npos) end = rel.size();
    if (rel.compare(start, end - start, "alternate") == 0) alternate = true;
    start = end + 1;
  }
  return alternate &&
         (type.rfind("application/rss+xml", 0) == 0 || type.rfind("application/atom+xml", 0) == 0);
}

// Whether `ref` is a path-absolute reference ("/a/b.html?x") that can be appended to the origin
// as is: no dot segments, only characters a URL keeps unchanged.
bool IsPlainAbsolutePath(std::string_view ref) {
  if (ref.size() < 1 || ref[0] != '/' || (ref.size() > 1 && ref[1] == '/')) return false;
  char previous = 0;
  for (char c : ref) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::strchr("/-_.~?=&+,;:@!$*()%", c) != nullptr;
    if (!ok || c == '\0') return false;
    if (c == '.' && previous == '/') return false;  // "/./" or "/../" or a dot-file: slow path
    if (c == '%' || c == '?') break;  // the rest is query or escapes: kept verbatim anyway
    previous = c;
  }
  return true;
}

class Resolver {
 public:
  explicit Resolver(std::string_view base) { SetBase(base); }

  void SetBase(std::string_view base) {
    base_ = std::string(base);
    origin_ = url::OriginOf(base);
    // OriginOf lowercases and drops the default port: only use the fast path when the base
    // starts with exactly that origin, so the result matches what Resolve would give.
    if (!origin_.empty() && base_.compare(0, origin_.size(), origin_) != 0) origin_.clear();
  }

  // Appends the resolved http(s) URL of `ref` to `out`, if any.
  void Add(std::string ref, std::vector<std::string>& out) const {
    size_t hash = ref.find('#');
    if (hash != std::string::npos) ref.resize(hash);
    if (ref.empty() && hash != std::string::npos) return;  // same-document fragment
    if (!origin_.empty() && IsPlainAbsolutePath(ref)) {
      out.push_back(origin_ + ref);
      return;
    }
    Result<std::string> absolute = url::Resolve(base_, ref);
    if (!absolute.ok()) return;
    std::string_view url = *absolute;
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) return;
    out.push_back(std::move(*absolute));
  }

 private:
  std::string base_, origin_;
};

}  // namespace

std::vector<std::string> ScanLinks(std::string_view html, std::string_view base_url) {
  std::vector<std::string> links;
  Resolver resolver(base_url);
  bool base_seen = false;
  size_t i = 0;
  while (i < html.size()) {
    size_t at = html.find('<', i);
    if (at == std::string_view::npos || at + 1 >= html.size()) break;
    char next = html[at + 1];
    if (next == '!') {
      if (html.compare(at, 4, "<!--") == 0) {
        size_t close = html.find("-->", at + 4);
        i = close == std::string_view::npos ? html.size() : close + 3;
      } else {
        size_t close = html.find('>', at);
        i = close == std::string_view::npos ? html.size() : close + 1;
      }
      continue;
    }
    bool letter = (next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z');
    if (!letter) {
      i = at + 1;
      continue;
    }
    Tag tag = ParseTag(html, at);
    i = tag.end;
    const std::string name = base::AsciiLower(tag.name);
    if (name == "script" || name == "style" || name == "textarea" || name == "title" ||
        name == "xmp" || name == "noembed" || name == "noframes" || name == "iframe") {
      // Raw text / RCDATA: no tags inside until the matching end tag.
      size_t close = FindLower(html, "</" + name, i);
      i = close == std::string_view::npos ? html.size() : close;
      continue;
    }
    if (!tag.complete || !tag.has_href) continue;
    if (name == "base") {
      if (!base_seen) {
        base_seen = true;
        Result<std::string> resolved = url::Resolve(base_url, DecodeAttribute(tag.href));
        if (resolved.ok()) resolver.SetBase(*resolved);
      }
    } else if (name == "a" || name == "area" || (name == "link" && IsFeedLink(tag))) {
      resolver.Add(DecodeAttribute(tag.href), links);
    }
  }
  return links;
}

}  // namespace kuzet::crawler
