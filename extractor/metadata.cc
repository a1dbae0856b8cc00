#include "extractor/metadata.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "base/keyed_hash.h"
#include "base/strings.h"
#include "extractor/charset.h"
#include "extractor/date_parse.h"
#include "extractor/dom.h"
#include "extractor/title.h"

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

// Title sources in <meta>, best first (readability.js's order).
enum MetaTitle { kDcTitle, kOgTitle, kMetaNameTitle, kTwitterTitle, kParselyTitle, kMetaTitles };

struct Scan {
  std::array<std::string, kMetaTitles> meta_titles;
  std::vector<std::string> h1s;  // the first few, for telling the headline from the site name
  std::string title_tag, og_site_name, app_name;
  std::string canonical, og_url, base_href;
  std::string dc_creator, meta_author, parsely_author, article_author;
  std::string itemprop_author, rel_author, byline_author;  // from the page's elements
  int byline_candidates = 0;  // class/id "byline"/"author" elements tried
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
  if (rel.size() < word.size()) return false;  // most links have no rel at all
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

size_t CountChars(std::string_view s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// A space-separated attribute value (itemprop="author creator") holds word.
bool HasWord(std::string_view value, std::string_view word) {
  size_t pos = 0;
  while (pos < value.size()) {
    const size_t end = std::min(value.find(' ', pos), value.size());
    if (value.substr(pos, end - pos) == word) return true;
    pos = end + 1;
  }
  return false;
}

// Whether text contains lower_word, ignoring ASCII case; no allocation (asked for the class and
// id of every element).
bool ContainsNoCase(std::string_view text, std::string_view lower_word) {
  if (lower_word.size() > text.size()) return false;
  for (size_t i = 0; i + lower_word.size() <= text.size(); ++i) {
    size_t k = 0;
    while (k < lower_word.size()) {
      char c = text[i + k];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
      if (c != lower_word[k]) break;
      ++k;
    }
    if (k == lower_word.size()) return true;
  }
  return false;
}

// Class or id of a byline block: "byline", "author", "p-author", "writtenby" (any case), not
// "authorization" or "authors" (login boxes, lists of columnists).
bool NamesByline(std::string_view v) {
  if (v.size() < 6) return false;
  if (ContainsNoCase(v, "author")) {
    return !ContainsNoCase(v, "authoriz") && !ContainsNoCase(v, "authoris") &&
           !ContainsNoCase(v, "authors");
  }
  return ContainsNoCase(v, "byline") || ContainsNoCase(v, "writtenby");
}

// An author element's cleaned text reads as a name or a short list of names: under 100
// characters (readability.js's bound), at most six words, no digits, no sentence punctuation.
// Author blocks also hold "Log in" boxes, lists of the author's other stories and datelines.
bool LooksLikeName(std::string_view name) {
  if (name.empty() || CountChars(name) >= 100) return false;
  if (name.find_first_of("0123456789:!?\"") != std::string_view::npos) return false;
  if (name.find("\xC2\xAB") != std::string_view::npos) return false;  // «
  // A spaced dash joins a headline's parts, not a name's ("Jean-Pierre" has none).
  for (std::string_view dash : {" - ", " \xE2\x80\x93 ", " \xE2\x80\x94 "}) {
    if (name.find(dash) != std::string_view::npos) return false;
  }
  size_t words = 1;
  for (char c : name) words += c == ' ';
  return words <= 6;
}

// How much of title's text the words of candidate cover, 0..1 (after readability.js's
// _textSimilarity): 1 − length of title's words missing from candidate / length of all of them.
double TitleCoverage(std::string_view candidate, std::string_view title) {
  auto words = [](std::string_view s) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : s) {
      const auto u = static_cast<unsigned char>(c);
      if (u >= 0x80 || std::isalnum(u)) {
        cur.push_back(base::AsciiLower(c));
      } else if (!cur.empty()) {
        out.push_back(std::move(cur));
        cur.clear();
      }
    }
    if (!cur.empty()) out.push_back(std::move(cur));
    return out;
  };
  // Word lists are compared pairwise: bound them (titles are short; hostile ones are not).
  const std::vector<std::string> have = words(candidate.substr(0, 4096)),
                                 want = words(title.substr(0, 4096));
  size_t all = 0, missing = 0;
  for (const std::string& w : want) {
    all += w.size() + 1;
    if (std::find(have.begin(), have.end(), w) == have.end()) missing += w.size() + 1;
  }
  return all == 0 ? 0 : 1.0 - static_cast<double>(missing) / static_cast<double>(all);
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

void SetIfEmpty(std::string& field, std::string_view value) {
  if (field.empty()) field = value;
}

void VisitMetaKey(std::string_view key, std::string_view content, Scan& s) {
  if (key == "dc:title" || key == "dc.title" || key == "dcterm:title" || key == "dcterms.title" ||
      key == "dcterms:title")
    SetIfEmpty(s.meta_titles[kDcTitle], content);
  if (key == "og:title") SetIfEmpty(s.meta_titles[kOgTitle], content);
  if (key == "title") SetIfEmpty(s.meta_titles[kMetaNameTitle], content);
  if (key == "twitter:title") SetIfEmpty(s.meta_titles[kTwitterTitle], content);
  if (key == "parsely-title") SetIfEmpty(s.meta_titles[kParselyTitle], content);
  if (key == "og:site_name") SetIfEmpty(s.og_site_name, content);
  if (key == "application-name") SetIfEmpty(s.app_name, content);
  if (key == "og:url") SetIfEmpty(s.og_url, content);
  // A creator or author given as a URL (a profile page) is no name.
  if (!content.starts_with("http")) {
    if (key == "dc:creator" || key == "dc.creator" || key == "dcterm:creator" ||
        key == "dcterms.creator" || key == "dcterms:creator")
      SetIfEmpty(s.dc_creator, content);
    if (key == "author") SetIfEmpty(s.meta_author, content);
    if (key == "parsely-author") SetIfEmpty(s.parsely_author, content);
    if (key == "article:author" || key == "og:article:author" || key == "sailthru.author")
      SetIfEmpty(s.article_author, content);
  }
  if (const int rank = DateMetaRank(key); rank >= 0 && rank < s.date_rank) {
    std::string d = NormalizeDate(content);
    if (!d.empty()) {
      s.date_rank = rank;
      s.meta_date = std::move(d);
      s.meta_utc = IsUtcStamp(content);
    }
  }
}

// The name in an author element: its itemprop=name descendant if it has one (the element often
// holds a photo, a job title, a date), else its own text; "" if that is too long for a name.
std::string AuthorNameIn(const GumboNode* n) {
  std::vector<const GumboNode*> stack{n};
  for (int visited = 0; !stack.empty() && visited < 64; ++visited) {
    const GumboNode* c = stack.back();
    stack.pop_back();
    if (c->type != GUMBO_NODE_ELEMENT) continue;
    if (c != n && Attr(c, "itemprop") == "name") {
      const std::string_view content = Attr(c, "content");
      return content.empty() ? NodeTextPrefix(c, 400) : std::string(content);
    }
    const GumboVector& kids = c->v.element.children;
    for (unsigned k = kids.length; k-- > 0;)
      stack.push_back(static_cast<const GumboNode*>(kids.data[k]));
  }
  return NodeTextPrefix(n, 400);
}

// <a> elements under n, counting up to `enough` within its first 64 nodes.
int CountLinks(const GumboNode* n, int enough) {
  int links = 0;
  std::vector<const GumboNode*> stack{n};
  for (int visited = 0; !stack.empty() && visited < 64 && links < enough; ++visited) {
    const GumboNode* c = stack.back();
    stack.pop_back();
    if (c->type != GUMBO_NODE_ELEMENT) continue;
    links += c->v.element.tag == GUMBO_TAG_A;
    const GumboVector& kids = c->v.element.children;
    for (unsigned k = kids.length; k-- > 0;)
      stack.push_back(static_cast<const GumboNode*>(kids.data[k]));
  }
  return links;
}

void VisitElement(const GumboNode* n, Scan& s) {
  switch (n->v.element.tag) {
    case GUMBO_TAG_META: {
      const std::string_view content = Trim(Attr(n, "content"));
      if (content.empty()) return;
      // property may list several names ("og:title twitter:title"); name and itemprop count
      // when there is no property.
      std::string keys = AsciiLower(Attr(n, "property"));
      if (keys.empty()) keys = AsciiLower(Attr(n, "name"));
      if (keys.empty()) keys = AsciiLower(Attr(n, "itemprop"));
      size_t pos = 0;
      while (pos < keys.size()) {
        const size_t end = std::min(keys.find(' ', pos), keys.size());
        const std::string_view key = std::string_view(keys).substr(pos, end - pos);
        pos = end + 1;
        if (!key.empty()) VisitMetaKey(key, content, s);
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
      if (s.h1s.size() < 4) s.h1s.push_back(NodeTextPrefix(n, 1000));
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
      if (RelHas(Attr(n, "rel"), "author") && s.rel_author.empty()) {
        std::string name = CleanByline(NodeTextPrefix(n, 400));
        if (LooksLikeName(name)) s.rel_author = std::move(name);
      }
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
    if (AttrNameIs(a->name, "class")) {
      cls = a->value;
    } else if (AttrNameIs(a->name, "id")) {
      id = a->value;
    } else if (AttrNameIs(a->name, "itemprop")) {
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
  if (s.byline_author.empty() && s.byline_candidates < 8 && (!cls.empty() || !id.empty()) &&
      (NamesByline(cls) || NamesByline(id))) {
    // The first short "byline"/"author" block (readability.js's rule: under 100 characters).
    ++s.byline_candidates;
    // A block with several links is a teaser ("<columnist> <their latest column>"), not a byline.
    if (CountLinks(n, 2) < 2) {
      std::string name = CleanByline(AuthorNameIn(n));
      if (LooksLikeName(name)) s.byline_author = std::move(name);
    }
  }
  if (itemprop == "datePublished" && s.itemprop_date.empty()) {
    std::string_view v = Attr(n, "content");
    if (v.empty()) v = Attr(n, "datetime");
    s.itemprop_date = v.empty() ? NormalizeDate(NodeText(n)) : NormalizeDate(v);
    s.itemprop_utc = IsUtcStamp(v);
  } else if (s.itemprop_author.empty() && HasWord(itemprop, "author")) {
    const std::string_view v = Attr(n, "content");
    std::string name = CleanByline(v.empty() ? AuthorNameIn(n) : std::string(v));
    if (LooksLikeName(name)) s.itemprop_author = std::move(name);
  }
}

// JSON-LD strings are JSON, not HTML, yet some sites HTML-escape them ("&#163;71.6m",
// "Tom &amp; Jerry"): numeric references and the common named ones are decoded.
std::string DecodeHtmlEntities(std::string_view s) {
  if (s.find('&') == std::string_view::npos) return std::string(s);
  static constexpr std::pair<std::string_view, std::string_view> kNamed[] = {
      {"&amp;", "&"}, {"&quot;", "\""}, {"&apos;", "'"},
      {"&lt;", "<"},  {"&gt;", ">"},    {"&nbsp;", "\xC2\xA0"}};
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (s[i] != '&') {
      out.push_back(s[i++]);
      continue;
    }
    bool done = false;
    for (const auto& [name, text] : kNamed) {
      if (s.substr(i).starts_with(name)) {
        out += text;
        i += name.size();
        done = true;
        break;
      }
    }
    if (!done && s.substr(i).starts_with("&#")) {
      const bool hex = i + 2 < s.size() && (s[i + 2] == 'x' || s[i + 2] == 'X');
      size_t k = i + (hex ? 3 : 2);
      uint32_t cp = 0;
      const size_t digits_start = k;
      while (k < s.size() && k - digits_start < 7 &&
             std::isxdigit(static_cast<unsigned char>(s[k])) &&
             (hex || std::isdigit(static_cast<unsigned char>(s[k])))) {
        const char c = s[k++];
        cp = cp * (hex ? 16 : 10) +
             static_cast<uint32_t>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
      }
      if (k > digits_start && k < s.size() && s[k] == ';' && cp > 0 && cp <= 0x10FFFF &&
          (cp < 0xD800 || cp > 0xDFFF)) {
        AppendUtf8(cp, out);
        i = k + 1;
        done = true;
      }
    }
    if (!done) out.push_back(s[i++]);
  }
  return out;
}

struct JsonLdFields {
  std::string date, author, site, headline;
  std::string headline_object_name;  // "name" of the object whose headline that is
  bool date_utc = false;
};

// The names of a JSON-LD author value: a string, {"name": ...} or an array of either, joined by
// ", " ("Stella Kim, Jennifer Jett").
std::string JsonLdAuthor(const nlohmann::json& a) {
  std::string names;
  auto add = [&](const nlohmann::json& one) {
    std::string name;
    if (one.is_string()) name = one.get<std::string>();
    if (one.is_object()) {
      if (auto n = one.find("name"); n != one.end() && n->is_string()) name = n->get<std::string>();
    }
    name = DecodeHtmlEntities(Trim(name));
    if (name.empty() || name.starts_with("http")) return;
    if (!names.empty()) names += ", ";
    names += name;
  };
  if (a.is_array()) {
    for (size_t k = 0; k < a.size() && k < 8; ++k) add(a[k]);
  } else {
    add(a);
  }
  return names;
}

// Finds datePublished, author names, publisher.name and headline in JSON-LD (objects, arrays,
// @graph, mainEntity).
void ReadJsonLd(std::string_view text, JsonLdFields& f) {
  // Some CMSs wrap the JSON in <![CDATA[ ... ]]> inside the script.
  text = Trim(text);
  if (text.starts_with("<![CDATA[")) text = Trim(text.substr(9));
  if (text.ends_with("]]>")) text = Trim(text.substr(0, text.size() - 3));
  const auto doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    // Hand-written JSON-LD is often invalid (raw newlines, trailing commas); still read the
    // plain "datePublished": "..." pair.
    if (!f.date.empty()) return;
    const size_t key = text.find("\"datePublished\"");
    if (key == std::string_view::npos) return;
    const size_t open = text.find('"', text.find(':', key));
    if (open == std::string_view::npos) return;
    const size_t close = text.find('"', open + 1);
    if (close != std::string_view::npos) {
      f.date = NormalizeDate(text.substr(open + 1, close - open - 1));
      f.date_utc = IsUtcStamp(text.substr(open + 1, close - open - 1));
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
    if (f.date.empty()) {
      if (auto it = j->find("datePublished"); it != j->end() && it->is_string()) {
        f.date = NormalizeDate(it->get<std::string>());
        f.date_utc = IsUtcStamp(it->get<std::string>());
      }
    }
    if (f.author.empty()) {
      if (auto it = j->find("author"); it != j->end()) f.author = JsonLdAuthor(*it);
    }
    if (f.headline.empty()) {
      if (auto it = j->find("headline"); it != j->end() && it->is_string()) {
        f.headline = DecodeHtmlEntities(Trim(it->get<std::string>()));
        if (auto n = j->find("name"); n != j->end() && n->is_string())
          f.headline_object_name = DecodeHtmlEntities(Trim(n->get<std::string>()));
      }
    }
    if (f.site.empty()) {
      if (auto it = j->find("publisher"); it != j->end() && it->is_object()) {
        if (auto n = it->find("name"); n != it->end() && n->is_string())
          f.site = n->get<std::string>();
      }
    }
    if (auto it = j->find("@graph"); it != j->end()) stack.push_back(&*it);
    if (auto it = j->find("mainEntity"); it != j->end()) stack.push_back(&*it);
  }
}

// Resolves each href and keeps the first of each distinct URL, in order.
void AppendResolvedUnique(const std::vector<std::string_view>& hrefs,
                          const url::UrlResolver& resolver, std::vector<std::string>& out) {
  // Views of the kept URLs: `out` is reserved up front, so its strings never move.
  out.reserve(out.size() + hrefs.size());
  std::unordered_set<std::string_view, base::KeyedStringHash> seen;  // the page's links: keyed
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

namespace {

// An English month name or its abbreviation, any case ("May", "Jan.", "SEPT").
bool IsMonthName(std::string_view w) {
  static constexpr std::string_view kMonths[] = {
      "january",   "february", "march",    "april",    "may",  "june", "july", "august",
      "september", "october",  "november", "december", "jan",  "feb",  "mar",  "apr",
      "jun",       "jul",      "aug",      "sep",      "sept", "oct",  "nov",  "dec"};
  if (w.ends_with('.') || w.ends_with(',')) w.remove_suffix(1);
  const std::string lower = AsciiLower(w);
  return std::find(std::begin(kMonths), std::end(kMonths), lower) != std::end(kMonths);
}

}  // namespace

std::string CleanByline(std::string_view byline) {
  std::string collapsed;
  AppendCollapsed(byline, collapsed);
  std::string_view b = Trim(collapsed);
  // "By Jane Doe", "Автор: Айгуль Султанова", "Par Sébastien Farcis": the name only.
  static constexpr std::string_view kPrefixes[] = {"written by ",
                                                   "by: ",
                                                   "by ",
                                                   "von ",
                                                   "par ",
                                                   "por ",
                                                   "door ",
                                                   "автор: ",
                                                   "автор ",
                                                   "авторы: ",
                                                   "текст: ",
                                                   "Автор: ",
                                                   "Автор ",
                                                   "Авторы: ",
                                                   "Текст: ",
                                                   "Автор материала: ",
                                                   "автор материала: ",
                                                   "Авторы ",
                                                   "Текст "};
  for (std::string_view prefix : kPrefixes) {
    if (b.size() > prefix.size() && AsciiLower(b.substr(0, prefix.size())) == prefix) {
      b = Trim(b.substr(prefix.size()));
      break;
    }
  }
  // A date or time after the name ("Joshua Sokol May 20, 2019", "James Akinaka • 8h"): names
  // have no digits.
  // Only after a month name or a separator: "Олег Лурье Сегодня, в 12:00" is not "Олег Лурье
  // Сегодня, в".
  if (const size_t digit = b.find_first_of("0123456789"); digit != std::string_view::npos) {
    std::string_view before = Trim(b.substr(0, digit));
    const size_t last_space = before.rfind(' ');
    if (last_space != std::string_view::npos && IsMonthName(before.substr(last_space + 1))) {
      b = Trim(before.substr(0, last_space));
    } else if (before.ends_with("\xE2\x80\xA2") || before.ends_with('|') ||
               before.ends_with("\xC2\xB7") || before.ends_with(',')) {
      b = before;
    }
  }
  // Trailing separators left by the markup ("Jane Doe —", "Jane Doe |").
  for (;;) {
    if (!b.empty() && (b.back() == '-' || b.back() == '|' || b.back() == ',' || b.back() == ':' ||
                       b.back() == '/' || b.back() == ' ')) {
      b.remove_suffix(1);
    } else if (b.ends_with("\xE2\x80\x94") || b.ends_with("\xE2\x80\x93")) {  // — –
      b.remove_suffix(3);
    } else if (b.ends_with("\xC2\xB7")) {  // ·
      b.remove_suffix(2);
    } else if (b.ends_with("\xE2\x80\xA2")) {  // •
      b.remove_suffix(3);
    } else {
      break;
    }
  }
  if (b.starts_with("http")) return "";
  return std::string(Trim(b));
}

PageMetadata ExtractMetadata(const GumboNode* root, std::string_view page_url,
                             url::UrlResolver& resolver) {
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
  JsonLdFields ld;
  for (const auto& text : s.json_ld) ReadJsonLd(text, ld);
  const std::string& ld_date = ld.date;
  const bool ld_utc = ld.date_utc;

  m.site_name = FirstNonEmpty({&s.og_site_name, &ld.site, &s.app_name});
  // An article object may carry both: one is the headline, the other a site name (aktualne.cz) or
  // a short description (Wikipedia's "headline"). The one that covers more of <title> wins (the
  // name on a tie, as in readability.js).
  if (!ld.headline_object_name.empty() && ld.headline_object_name != ld.headline &&
      TitleCoverage(ld.headline_object_name, s.title_tag) >=
          TitleCoverage(ld.headline, s.title_tag))
    ld.headline = ld.headline_object_name;
  // JSON-LD headlines are often cut at 110 characters (a search engine's limit): a long one that
  // <title> or the first heading continues with more words gives way to the next source.
  if (CountChars(ld.headline) >= 90) {
    for (const std::string* full : {&s.title_tag, s.h1s.empty() ? &s.title_tag : &s.h1s[0]}) {
      const std::string_view f = Trim(*full);
      if (f.size() > ld.headline.size() + 1 && f.starts_with(ld.headline) &&
          (f[ld.headline.size()] != ' ' ||
           std::isalnum(static_cast<unsigned char>(f[ld.headline.size() + 1])) ||
           static_cast<unsigned char>(f[ld.headline.size() + 1]) >= 0x80)) {
        ld.headline.clear();
        break;
      }
    }
  }
  const std::string meta_title =
      FirstNonEmpty({&ld.headline, &s.meta_titles[kDcTitle], &s.meta_titles[kOgTitle],
                     &s.meta_titles[kMetaNameTitle], &s.meta_titles[kTwitterTitle],
                     &s.meta_titles[kParselyTitle]});
  m.title = ChooseTitle({.meta_title = meta_title,
                         .title_tag = s.title_tag,
                         .headings = s.h1s,
                         .site_name = m.site_name,
                         .page_url = page_url});
  // Declared authors first (readability.js's order), then the page's own author elements.
  for (const std::string* author :
       {&ld.author, &s.dc_creator, &s.meta_author, &s.parsely_author, &s.article_author,
        &s.itemprop_author, &s.rel_author, &s.byline_author}) {
    m.author = CleanByline(*author);
    if (!m.author.empty()) break;
  }
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
