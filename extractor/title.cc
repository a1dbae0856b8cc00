#include "extractor/title.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "extractor/dom.h"

namespace kuzet::extractor {
namespace {

// Separators between a headline and a site or section name. ": " is not one of them here: it
// joins the two halves of many headlines ("Жанаозен: пять лет спустя").
constexpr std::string_view kSeparators[] = {" | ", " - ", " — ", " – ",  " :: ", " « ", " » ",
                                            " / ", " · ", " _ ", " \\ ", " > ",  " ~ "};

struct Split {
  size_t begin, end;  // the separator's bytes
};

std::vector<Split> FindSplits(std::string_view t) {
  std::vector<Split> splits;
  for (std::string_view sep : kSeparators) {
    for (size_t p = t.find(sep); p != std::string_view::npos; p = t.find(sep, p + 1)) {
      splits.push_back({p, p + sep.size()});
    }
  }
  std::sort(splits.begin(), splits.end(), [](Split a, Split b) { return a.begin < b.begin; });
  return splits;
}

// ASCII whitespace runs collapsed to one space, trimmed. A no-break space stays: publishers put
// it on purpose ("Screenshot\u00A0: «Vape Wave»").
std::string Squeeze(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f') {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// For comparing a heading with a part of the title: ASCII lowercase, without the trailing
// permalink marks and punctuation headings carry ("Section¶", "Title:").
std::string Comparable(std::string_view s) {
  std::string out = AsciiLower(Trim(s));
  for (;;) {
    if (out.ends_with("\xC2\xB6") || out.ends_with("\xC2\xA7")) {  // ¶ §
      out.resize(out.size() - 2);
    } else if (!out.empty() &&
               (out.back() == '#' || out.back() == ':' || out.back() == '.' || out.back() == ' ')) {
      out.pop_back();
    } else {
      return out;
    }
  }
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && AsciiLower(a) == AsciiLower(b);
}

size_t Words(std::string_view s) {
  size_t words = 0;
  bool in_word = false;
  for (char c : s) {
    const bool space = c == ' ';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

// "Tengrinews.kz", "TENGRINEWS", "eHow" for tengrinews.kz or www.ehow.com.
bool NamesHost(std::string_view part, std::string_view host) {
  if (host.empty()) return false;
  auto letters = [](std::string_view s) {
    std::string out;
    for (char c : s) {
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out.push_back(c);
      if (c >= 'A' && c <= 'Z') out.push_back(static_cast<char>(c + 32));
      if (static_cast<unsigned char>(c) >= 0x80) return std::string();  // not a host name
    }
    return out;
  };
  const std::string p = letters(part);
  if (p.size() < 3) return false;
  const std::string_view first_label = host.substr(0, host.find('.'));
  return p == letters(host) || p == letters(first_label);
}

// A heading that begins with part and goes on after a non-letter ("Жанаозен" →
// "Жанаозен: пять лет спустя") is the fuller form of that part.
bool Extends(std::string_view heading, std::string_view part) {
  if (part.empty() || heading.size() <= part.size() || !heading.starts_with(part)) return false;
  const auto next = static_cast<unsigned char>(heading[part.size()]);
  return next < 0x80 && !((next >= 'a' && next <= 'z') || (next >= '0' && next <= '9'));
}

}  // namespace

std::string HostOf(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
  rest = rest.substr(0, rest.find(':'));
  std::string host = AsciiLower(rest);
  if (host.starts_with("www.")) host.erase(0, 4);
  return host;
}

namespace {

// The title without a declared site name or host name at either end, if it has one there.
std::optional<std::string> WithoutNamedSite(const std::string& t, const std::string& site,
                                            std::string_view host) {
  const std::string_view view(t);
  if (!site.empty() && site.size() < t.size()) {
    auto strip = [&](std::string_view sep) -> std::optional<std::string> {
      if (t.size() <= site.size() + sep.size()) return std::nullopt;
      const size_t head_end = t.size() - site.size() - sep.size();
      if (EqualsNoCase(view.substr(t.size() - site.size()), site) &&
          view.substr(head_end, sep.size()) == sep) {
        return std::string(Trim(view.substr(0, head_end)));
      }
      if (EqualsNoCase(view.substr(0, site.size()), site) &&
          view.substr(site.size(), sep.size()) == sep) {
        return std::string(Trim(view.substr(site.size() + sep.size())));
      }
      return std::nullopt;
    };
    for (std::string_view sep : kSeparators) {
      if (auto stripped = strip(sep)) return stripped;
    }
    if (auto stripped = strip(": ")) return stripped;  // "Site: Headline"
  }
  const std::vector<Split> splits = FindSplits(t);
  if (splits.empty()) return std::nullopt;
  if (NamesHost(view.substr(splits.back().end), host)) {
    return std::string(Trim(view.substr(0, splits.back().begin)));
  }
  if (NamesHost(view.substr(0, splits.front().begin), host)) {
    return std::string(Trim(view.substr(splits.front().end)));
  }
  return std::nullopt;
}

constexpr size_t kMaxTitleBytes = 2048;

// At most max_bytes of s, not cutting a UTF-8 sequence.
std::string_view Utf8Prefix(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t n = max_bytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Bytes a and b share at the start when both go on past them with punctuation, not with more
// words ("<headline> (фото)" and "<headline>. Новости Липецка"), else 0.
size_t SharedStart(std::string_view a, std::string_view b) {
  size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  auto punctuation_follows = [&](std::string_view s) {
    size_t k = n;
    while (k < s.size() && s[k] == ' ') ++k;
    return k < s.size() && static_cast<unsigned char>(s[k]) < 0x80 && !IsAsciiAlnum(s[k]);
  };
  if (n == 0 || n == a.size() || n == b.size()) return 0;
  if (!punctuation_follows(a) || !punctuation_follows(b)) return 0;
  return n;
}

}  // namespace

std::string StripSiteName(std::string_view title, std::string_view site_name, std::string_view host,
                          std::span<const std::string> headings) {
  // Every separator is weighed against every heading: a hostile multi-megabyte <title> full of
  // " | " must not make that quadratic. No real title is this long.
  std::string t = Squeeze(Utf8Prefix(title, kMaxTitleBytes));
  // 1. The declared site name or the host name at either end ("… - MedPortal.ru").
  const std::optional<std::string> without_site = WithoutNamedSite(t, Squeeze(site_name), host);
  if (without_site && !without_site->empty()) t = *without_site;
  const std::string_view view(t);
  const std::vector<Split> splits = FindSplits(t);
  // 2. A heading that agrees with one side of a separator. A matched side much shorter than the
  //    other is more likely a logo <h1> naming the site than the headline.
  std::string head_match, tail_match, extended;
  for (const std::string& h : headings) {
    const std::string heading = Comparable(h);
    if (heading.empty()) continue;
    for (const Split& s : splits) {
      const std::string_view head = Trim(view.substr(0, s.begin));
      const std::string_view tail = Trim(view.substr(s.end));
      const std::string head_cmp = Comparable(head), tail_cmp = Comparable(tail);
      if (heading == head_cmp && head.size() * 2 >= tail.size()) head_match = head;
      if (heading == tail_cmp && tail.size() * 2 >= head.size()) tail_match = tail;
      if (extended.empty() && heading.size() >= tail.size() && Extends(heading, head_cmp)) {
        extended = Squeeze(h);
      }
      if (extended.empty() && heading.size() >= head.size() && Extends(heading, tail_cmp)) {
        extended = Squeeze(h);
      }
    }
  }
  if (!head_match.empty() && !tail_match.empty()) return t;  // both sides are headings
  if (!head_match.empty()) return head_match;
  if (!tail_match.empty()) return tail_match;
  if (!extended.empty()) return extended;
  // 3. A heading of several words that the title contains and that makes up most of it is the
  //    headline the title decorates ("Новости Харькова, новости Украины, <headline>"); a long
  //    start they share is it too ("<headline> (фото)" in the <h1>, "<headline>. Здоровье в
  //    Липецке. Новости Липецка" in the title).
  const std::string title_cmp = Comparable(t);
  for (const std::string& h : headings) {
    const std::string heading = Comparable(h);
    if (Words(heading) < 3 || heading.size() * 2 < title_cmp.size() || heading == title_cmp) {
      continue;
    }
    if (title_cmp.find(heading) != std::string::npos) return Squeeze(h);
    const size_t prefix = SharedStart(heading, title_cmp);
    if (Words(heading.substr(0, prefix)) >= 3 && prefix * 5 >= heading.size() * 3) {
      std::string_view shared = Trim(view.substr(0, prefix));
      while (!shared.empty() && (shared.back() == '.' || shared.back() == ',' ||
                                 shared.back() == ':' || shared.back() == '-')) {
        shared = Trim(shared.substr(0, shared.size() - 1));
      }
      return std::string(shared);
    }
  }
  // 4. No signal: a short last part after a headline of several words is the site, unless a
  //    site part has already gone.
  if (!splits.empty() && !without_site) {
    const std::string_view head = Trim(view.substr(0, splits.back().begin));
    const std::string_view tail = Trim(view.substr(splits.back().end));
    if (Words(tail) <= 4 && Words(head) >= 3 && tail.size() * 2 < head.size()) {
      return std::string(head);
    }
  }
  return t;
}

std::string ChooseTitle(const TitleSources& sources) {
  const std::string host = HostOf(sources.page_url);
  for (std::string_view raw : {sources.meta_title, sources.title_tag}) {
    if (!Trim(raw).empty()) return StripSiteName(raw, sources.site_name, host, sources.headings);
  }
  return sources.headings.empty() ? ""
                                  : Squeeze(Utf8Prefix(sources.headings.front(), kMaxTitleBytes));
}

}  // namespace kuzet::extractor
