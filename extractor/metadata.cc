#include "extractor/metadata.h"

#include <nlohmann/json.hpp>

#include <array>
#include <optional>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "extractor/date_parse.h"
#include "extractor/dom.h"

namespace kuzet::extractor {
namespace {

// <meta> names/properties carrying the publication date, best first.
constexpr std::string_view kDateMetaNames[] = {"article:published_time",
                                               "og:published_time",
                                               "article:published",
                                               "published_time",
                                               "datepublished",
                                               "publishdate",
                                               "publish_date",
                                               "publish-date",
                                               "pubdate",
                                               "date",
                                               "dc.date.issued",
                                               "dc.date",
                                               "dcterms.date",
                                               "dcterms.created",
                                               "dc.date.created",
                                               "sailthru.date",
                                               "parsely-pub-date",
                                               "citation_publication_date",
                                               "citation_date",
                                               "article.published",
                                               "og:article:published_time",
                                               "date.published",
                                               "created",
                                               "article_date_original",
                                               "original-publish-date",
                                               "cxenseparse:recs:publishtime",
                                               "mediator_published_time",
                                               "dc.created",
                                               "dcterms.issued",
                                               "release_date"};

int DateMetaRank(std::string_view name) {
  for (size_t k = 0; k < std::size(kDateMetaNames); ++k) {
    if (kDateMetaNames[k] == name) return static_cast<int>(k);
  }
  return -1;
}

struct Scan {
  std::string og_title, h1, title_tag, og_site_name, app_name;
  std::string canonical, og_url, base_href;
  std::string meta_author, article_author, itemprop_author, rel_author;
  int date_rank = 1 << 30;
  std::string meta_date;
  std::string itemprop_date, time_date, time_pub_date;
  std::vector<const GumboNode*> dated_elements;  // class/id names a date or byline
  bool meta_utc = false, itemprop_utc = false, time_utc = false, time_pub_utc = false;
  std::vector<std::string> json_ld;
  // Views into the Gumbo tree, which outlives the scan: a page has hundreds of links.
  std::vector<std::string_view> hrefs, feed_hrefs;
};

bool RelHas(std::string_view rel, std::string_view word) {
  const std::string lower = AsciiLower(rel);
  size_t pos = 0;
  while ((pos = lower.find(word, pos)) != std::string::npos) {
    const bool start = pos == 0 || lower[pos - 1] == ' ';
    const bool end = pos + word.size() == lower.size() || lower[pos + word.size()] == ' ';
    if (start && end) return true;
    ++pos;
  }
  return false;
}

// A timestamp in UTC ("...Z", "+00:00") may fall on another calendar day than the publisher's.
bool IsUtcStamp(std::string_view v) {
  v = Trim(v);
  if (v.size() < 11) return false;  // a bare date has no zone
  return v.ends_with('Z') || v.ends_with("+00:00") || v.ends_with("+0000") || v.ends_with("GMT") ||
         v.ends_with("UTC");
}

enum class DateNaming { kNone, kDated, kChanged };

// One scan of a class/id value for "date", "time", "byline", "publish" (kDated) and "update",
// "modif" (kChanged, which wins), case-insensitively.
DateNaming ClassifyDateName(std::string_view v) {
  DateNaming result = DateNaming::kNone;
  auto at = [&](size_t i, std::string_view word) {
    if (i + word.size() > v.size()) return false;
    for (size_t k = 0; k < word.size(); ++k) {
      char c = v[i + k];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
      if (c != word[k]) return false;
    }
    return true;
  };
  for (size_t i = 0; i < v.size(); ++i) {
    switch (v[i] | 0x20) {
      case 'd':
        if (at(i, "date")) result = DateNaming::kDated;
        break;
      case 't':
        if (at(i, "time")) result = DateNaming::kDated;
        break;
      case 'b':
        if (at(i, "byline")) result = DateNaming::kDated;
        break;
      case 'p':
        if (at(i, "publish")) result = DateNaming::kDated;
        break;
      case 'u':
        if (at(i, "update")) return DateNaming::kChanged;
        break;
      case 'm':
        if (at(i, "modif")) return DateNaming::kChanged;
        break;
      default:
        break;
    }
  }
  return result;
}

void VisitElement(const GumboNode* n, Scan& s) {
  switch (n->v.element.tag) {
    case GUMBO_TAG_META: {
      std::string key = AsciiLower(Attr(n, "property"));
      if (key.empty()) key = AsciiLower(Attr(n, "name"));
      if (key.empty()) key = AsciiLower(Attr(n, "itemprop"));
      const std::string_view content = Trim(Attr(n, "content"));
      if (key.empty() || content.empty()) return;
      if (key == "og:title" && s.og_title.empty()) s.og_title = content;
      if (key == "og:site_name" && s.og_site_name.empty()) s.og_site_name = content;
      if (key == "application-name" && s.app_name.empty()) s.app_name = content;
      if (key == "og:url" && s.og_url.empty()) s.og_url = content;
      if (key == "author" && s.meta_author.empty()) s.meta_author = content;
      if ((key == "article:author" || key == "dc.creator" || key == "sailthru.author") &&
          s.article_author.empty() && !content.starts_with("http"))
        s.article_author = content;
      if (const int rank = DateMetaRank(key); rank >= 0 && rank < s.date_rank) {
        std::string d = NormalizeDate(content);
        if (!d.empty()) {
          s.date_rank = rank;
          s.meta_date = std::move(d);
          s.meta_utc = IsUtcStamp(content);
        }
      }
      return;
    }
    case GUMBO_TAG_LINK: {
      const std::string_view rel = Attr(n, "rel");
      const std::string_view href = Attr(n, "href");
      if (href.empty()) return;
      if (RelHas(rel, "canonical") && s.canonical.empty()) s.canonical = href;
      if (RelHas(rel, "alternate")) {
        const std::string type = AsciiLower(Trim(Attr(n, "type")));
        if (type == "application/rss+xml" || type == "application/atom+xml") {
          s.feed_hrefs.emplace_back(href);
        }
      }
      return;
    }
    case GUMBO_TAG_BASE:
      if (s.base_href.empty()) s.base_href = Attr(n, "href");
      return;
    case GUMBO_TAG_TITLE:
      if (s.title_tag.empty()) s.title_tag = NodeText(n);
      return;
    case GUMBO_TAG_H1:
      if (s.h1.empty()) s.h1 = NodeText(n);
      break;
    case GUMBO_TAG_SCRIPT:
      if (AsciiLower(Trim(Attr(n, "type"))) == "application/ld+json" && s.json_ld.size() < 16) {
        std::string text;
        for (unsigned k = 0; k < n->v.element.children.length; ++k) {
          const auto* c = static_cast<const GumboNode*>(n->v.element.children.data[k]);
          if (c->type == GUMBO_NODE_TEXT || c->type == GUMBO_NODE_CDATA) text += c->v.text.text;
        }
        s.json_ld.push_back(std::move(text));
      }
      return;
    case GUMBO_TAG_TIME: {
      const std::string_view dt = Attr(n, "datetime");
      if (!dt.empty()) {
        const bool pub = gumbo_get_attribute(&n->v.element.attributes, "pubdate") != nullptr ||
                         AsciiLower(Attr(n, "class")).find("publish") != std::string::npos ||
                         Attr(n, "itemprop") == "datePublished";
        std::string d = NormalizeDate(dt);
        if (!d.empty()) {
          if (pub && s.time_pub_date.empty()) {
            s.time_pub_date = d;
            s.time_pub_utc = IsUtcStamp(dt);
          }
          if (s.time_date.empty()) {
            s.time_date = std::move(d);
            s.time_utc = IsUtcStamp(dt);
          }
        }
      }
      break;
    }
    case GUMBO_TAG_A: {
      const std::string_view href = Attr(n, "href");
      if (!href.empty()) s.hrefs.emplace_back(href);
      if (RelHas(Attr(n, "rel"), "author") && s.rel_author.empty()) s.rel_author = NodeText(n);
      break;
    }
    default:
      break;
  }
  // One pass over the attributes (Gumbo lowercases their names).
  std::string_view cls, id, itemprop;
  const GumboVector& attrs = n->v.element.attributes;
  for (unsigned k = 0; k < attrs.length; ++k) {
    const auto* a = static_cast<const GumboAttribute*>(attrs.data[k]);
    const std::string_view name(a->name);
    if (name == "class") {
      cls = a->value;
    } else if (name == "id") {
      id = a->value;
    } else if (name == "itemprop") {
      itemprop = a->value;
    }
  }
  if (s.dated_elements.size() < 16 && (!cls.empty() || !id.empty())) {
    // Elements whose class or id names a date or byline ("published-date", "entry-date",
    // "byline", "datetime"), not "updated"/"modified" ones; read later only if markup has no date.
    const DateNaming c = ClassifyDateName(cls), i = ClassifyDateName(id);
    if ((c == DateNaming::kDated || i == DateNaming::kDated) && c != DateNaming::kChanged &&
        i != DateNaming::kChanged)
      s.dated_elements.push_back(n);
  }
  if (itemprop == "datePublished" && s.itemprop_date.empty()) {
    std::string_view v = Attr(n, "content");
    if (v.empty()) v = Attr(n, "datetime");
    s.itemprop_date = v.empty() ? NormalizeDate(NodeText(n)) : NormalizeDate(v);
    s.itemprop_utc = IsUtcStamp(v);
  } else if (itemprop == "author" && s.itemprop_author.empty()) {
    std::string_view v = Attr(n, "content");
    s.itemprop_author = v.empty() ? NodeText(n) : std::string(v);
  }
}

// Finds datePublished, author.name, publisher.name in JSON-LD (objects, arrays, @graph).
void ReadJsonLd(std::string_view text, std::string& date, bool& date_utc, std::string& author,
                std::string& site) {
  const auto doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    // Hand-written JSON-LD is often invalid (raw newlines, trailing commas); still read the
    // plain "datePublished": "..." pair.
    if (!date.empty()) return;
    const size_t key = text.find("\"datePublished\"");
    if (key == std::string_view::npos) return;
    const size_t open = text.find('"', text.find(':', key));
    if (open == std::string_view::npos) return;
    const size_t close = text.find('"', open + 1);
    if (close != std::string_view::npos) {
      date = NormalizeDate(text.substr(open + 1, close - open - 1));
      date_utc = IsUtcStamp(text.substr(open + 1, close - open - 1));
    }
    return;
  }
  std::vector<const nlohmann::json*> stack{&doc};
  size_t visited = 0;
  while (!stack.empty() && ++visited < 10000) {
    const nlohmann::json* j = stack.back();
    stack.pop_back();
    if (j->is_array()) {
      for (auto it = j->rbegin(); it != j->rend(); ++it) stack.push_back(&*it);
      continue;
    }
    if (!j->is_object()) continue;
    if (date.empty()) {
      if (auto it = j->find("datePublished"); it != j->end() && it->is_string()) {
        date = NormalizeDate(it->get<std::string>());
        date_utc = IsUtcStamp(it->get<std::string>());
      }
    }
    if (author.empty()) {
      if (auto it = j->find("author"); it != j->end()) {
        const nlohmann::json* a = &*it;
        if (a->is_array() && !a->empty()) a = &(*a)[0];
        if (a->is_string()) author = a->get<std::string>();
        if (a->is_object()) {
          if (auto n = a->find("name"); n != a->end() && n->is_string())
            author = n->get<std::string>();
        }
      }
    }
    if (site.empty()) {
      if (auto it = j->find("publisher"); it != j->end() && it->is_object()) {
        if (auto n = it->find("name"); n != it->end() && n->is_string())
          site = n->get<std::string>();
      }
    }
    if (auto it = j->find("@graph"); it != j->end()) stack.push_back(&*it);
    if (auto it = j->find("mainEntity"); it != j->end()) stack.push_back(&*it);
  }
}

// Resolves each href and keeps the first of each distinct URL, in order.
void AppendResolvedUnique(const std::vector<std::string_view>& hrefs, const UrlResolver& resolver,
                          std::vector<std::string>& out) {
  // Views of the kept URLs: `out` is reserved up front, so its strings never move.
  out.reserve(out.size() + hrefs.size());
  std::unordered_set<std::string_view> seen;
  seen.reserve(hrefs.size());
  for (const std::string_view href : hrefs) {
    std::optional<std::string> u = resolver.Resolve(href);
    if (!u) continue;
    out.push_back(std::move(*u));
    if (!seen.insert(out.back()).second) out.pop_back();
  }
}

std::string FirstNonEmpty(std::initializer_list<const std::string*> values) {
  for (const std::string* v : values) {
    if (!v->empty()) return *v;
  }
  return "";
}

}  // namespace

std::string StripSiteName(std::string_view title, std::string_view site_name) {
  const std::string_view t = Trim(title);
  static constexpr std::string_view kSeparators[] = {
      " | ", " - ", " — ", " – ", " :: ", " « ", " » ", " / ", " · ", ": "};
  if (!site_name.empty()) {
    for (auto sep : kSeparators) {
      if (t.ends_with(std::string(sep) + std::string(site_name))) {
        return std::string(Trim(t.substr(0, t.size() - sep.size() - site_name.size())));
      }
      if (t.starts_with(std::string(site_name) + std::string(sep))) {
        return std::string(Trim(t.substr(site_name.size() + sep.size())));
      }
    }
  }
  // Without a known site name, drop a short last part after " | " or " — " (typical "Story |
  // Site").
  for (auto sep : {std::string_view(" | "), std::string_view(" — "), std::string_view(" - ")}) {
    const size_t p = t.rfind(sep);
    if (p == std::string_view::npos) continue;
    const std::string_view head = t.substr(0, p);
    const std::string_view tail = t.substr(p + sep.size());
    if (tail.size() * 2 < head.size() && tail.find(' ') == std::string_view::npos) {
      return std::string(Trim(head));
    }
  }
  return std::string(t);
}

PageMetadata ExtractMetadata(const GumboNode* root, std::string_view page_url,
                             UrlResolver& resolver) {
  Scan s;
  std::vector<const GumboNode*> stack{root};
  while (!stack.empty()) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    const GumboVector* kids = nullptr;
    if (n->type == GUMBO_NODE_DOCUMENT) {
      kids = &n->v.document.children;
    } else if (n->type == GUMBO_NODE_ELEMENT) {
      VisitElement(n, s);
      const GumboTag t = n->v.element.tag;
      if (t == GUMBO_TAG_SCRIPT || t == GUMBO_TAG_STYLE || t == GUMBO_TAG_TITLE) continue;
      kids = &n->v.element.children;
    }
    if (kids == nullptr) continue;
    for (unsigned k = kids->length; k-- > 0;)
      stack.push_back(static_cast<const GumboNode*>(kids->data[k]));
  }

  PageMetadata m;
  std::string ld_date, ld_author, ld_site;
  bool ld_utc = false;
  for (const auto& text : s.json_ld) ReadJsonLd(text, ld_date, ld_utc, ld_author, ld_site);

  m.site_name = FirstNonEmpty({&s.og_site_name, &ld_site, &s.app_name});
  const std::string raw_title = FirstNonEmpty({&s.og_title, &s.h1, &s.title_tag});
  m.title = StripSiteName(raw_title, m.site_name);
  m.author = FirstNonEmpty(
      {&ld_author, &s.article_author, &s.meta_author, &s.itemprop_author, &s.rel_author});
  m.author = std::string(Trim(m.author));
  // A full date in the URL path was fixed at publication in the publisher's own calendar; markup
  // values are often UTC timestamps that drift a day, so the URL goes first (as htmldate does).
  m.date = FindDateInUrl(page_url);
  if (m.date.empty()) {
    // Markup sources in order of trust; a local-time value beats a UTC one, whose day may differ
    // from the publisher's.
    const std::pair<const std::string*, bool> sources[] = {{&s.meta_date, s.meta_utc},
                                                           {&ld_date, ld_utc},
                                                           {&s.itemprop_date, s.itemprop_utc},
                                                           {&s.time_pub_date, s.time_pub_utc},
                                                           {&s.time_date, s.time_utc}};
    for (const auto& [date, utc] : sources) {
      if (!date->empty() && !utc) {
        m.date = *date;
        break;
      }
    }
    if (m.date.empty()) {
      for (const auto& [date, utc] : sources) {
        if (!date->empty()) {
          m.date = *date;
          break;
        }
      }
    }
    for (const GumboNode* n : s.dated_elements) {
      if (!m.date.empty()) break;
      const std::string text = NodeText(n);
      if (text.size() < 200) m.date = FindDateInText(text);
    }
  }

  if (!s.base_href.empty()) resolver.SetBase(s.base_href);
  for (const std::string* c : {&s.canonical, &s.og_url}) {
    if (c->empty()) continue;
    if (auto u = resolver.Resolve(*c)) {
      m.canonical_url = std::move(*u);
      break;
    }
  }
  if (m.date.empty() && !m.canonical_url.empty()) m.date = FindDateInUrl(m.canonical_url);

  AppendResolvedUnique(s.hrefs, resolver, m.links);
  AppendResolvedUnique(s.feed_hrefs, resolver, m.feed_links);
  return m;
}

}  // namespace kuzet::extractor
