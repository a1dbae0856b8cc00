#include "extractor/content.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

#include "extractor/dom.h"
#include "extractor/fragment_set.h"
#include "extractor/node_text.h"

namespace kuzet::extractor {
namespace {

// Attempt flags, relaxed one by one when the strict attempt yields too little text (as
// readability.js does).
constexpr unsigned kStripUnlikely = 1;
constexpr unsigned kWeightClasses = 2;
constexpr unsigned kCleanConditionally = 4;
constexpr size_t kMinArticleChars = 500;
constexpr size_t kShortArticleChars = 140;
constexpr int kMaxSectionEnderNodes = 64;  // flattened nodes under a section-ending heading

// Class/id fragments. Latin names dominate even on Cyrillic sites; transliterations and a few
// Cyrillic names cover the rest.
constexpr std::string_view kPositive[] = {
    "article", "body",   "content", "entry", "hentry",       "h-entry",  "main",   "page",
    "post",    "text",   "blog",    "story", "news",         "statya",   "stati",  "material",
    "full",    "detail", "single",  "txt",   "novost",       "publicat", "статья", "материал",
    "новост",  "текст",  "maket",   "lenta", "announce-text"};
constexpr std::string_view kNegative[] = {
    "-ad-",       "hidden",     "banner",  "combx",      "comment",  "com-",      "contact",
    "foot",       "footnote",   "gdpr",    "masthead",   "media",    "meta",      "outbrain",
    "promo",      "related",    "scroll",  "share",      "shoutbox", "sidebar",   "skyscraper",
    "sponsor",    "shopping",   "tags",    "tool",       "widget",   "cookie",    "subscri",
    "patreon",    "reply",      "respond", "disclaim",   "legal",    "copyright", "popular",
    "recommend",  "breadcrumb", "social",  "newsletter", "donat",    "login",     "rating",
    "коммент",    "реклам",     "also",    "similar",    "teaser",   "pager",     "pagination",
    "author-bio", "signup",     "modal",   "popup",      "banner",   "advert",    "nav"};
// Class/id fragments of blocks that are not the article: removed before scoring unless the
// name also carries a kMaybe fragment ("sidebar-and-main", "text _reachbanner_").
constexpr std::string_view kUnlikely[] = {
    "-ad-",     "ai2html",    "banner",     "breadcrumbs",  "combx",    "community", "cover-wrap",
    "extra",    "footer",     "header",     "legends",      "menu",     "remark",    "rss",
    "shoutbox", "skyscraper", "sponsor",    "supplemental", "ad-break", "agegate",   "pagination",
    "pager",    "popup",      "yom-remote", "privacy",      "terms-of", "sidebar",   "social",
    "share",    "related",    "similar"};
// Fragments so specific that a kMaybe fragment does not save the block ("comment-content").
constexpr std::string_view kStrongUnlikely[] = {
    "comment",    "disqus", "replies",   "respond", "cookie",   "gdpr",      "subscribe", "patreon",
    "disclaimer", "legal",  "copyright", "коммент", "readalso", "read-also", "also-read"};
constexpr std::string_view kMaybe[] = {"and",  "article", "body",   "column", "content",
                                       "main", "mathjax", "shadow", "text"};

// Short blocks that open an end-of-article section (comments, related stories...). The block
// and everything after it in the same parent is dropped.
constexpr std::string_view kSectionEnders[] = {"leave a reply",
                                               "leave a comment",
                                               "related posts",
                                               "related articles",
                                               "related stories",
                                               "you may also like",
                                               "you might also like",
                                               "share this",
                                               "comments",
                                               "responses",
                                               "читайте также",
                                               "похожие новости",
                                               "похожие материалы",
                                               "похожие статьи",
                                               "комментарии",
                                               "оставить комментарий",
                                               "оставьте комментарий",
                                               "добавить комментарий",
                                               "смотрите также",
                                               "другие новости",
                                               "ещё по теме",
                                               "еще по теме",
                                               "новости по теме",
                                               "материалы по теме",
                                               "поделиться",
                                               "тағы оқыңыз",
                                               "ұқсас жаңалықтар",
                                               "пікірлер",
                                               "пікір қалдыру",
                                               "тақырыпқа қатысты"};

// Link texts that end a teaser (lowercase; Cyrillic phrases match lowercase text only).
constexpr std::string_view kReadMore[] = {"read more",    "continue reading", "read the full",
                                          "подробнее",    "Подробнее",        "читать далее",
                                          "Читать далее", "читать полностью", "Читать полностью",
                                          "толығырақ",    "Толығырақ"};

// The class/id fragment lists, indexed together once per process (immutable after
// construction, so safe to share between threads). Bits of FragmentSet::Find:
constexpr uint32_t kHintPositive = 1, kHintNegative = 2, kHintUnlikely = 4, kHintStrongUnlikely = 8,
                   kHintMaybe = 16;

const FragmentSet& NameHints() {
  static const FragmentSet hints{kPositive, kNegative, kUnlikely, kStrongUnlikely, kMaybe};
  return hints;
}

// Class and id are matched separately yet the removal rule reads them as one "class id" string;
// that is the same only while no fragment holds a space.
constexpr bool HasNoSpace(std::span<const std::string_view> fragments) {
  for (std::string_view f : fragments) {
    if (f.find(' ') != std::string_view::npos) return false;
  }
  return true;
}
static_assert(HasNoSpace(kPositive) && HasNoSpace(kNegative) && HasNoSpace(kUnlikely) &&
              HasNoSpace(kStrongUnlikely) && HasNoSpace(kMaybe));

enum class Kind : uint8_t { kElement, kText };

struct Node {
  const GumboNode* g = nullptr;
  int parent = -1;
  int end = 0;     // one past the last pre-order index of the subtree
  int owner = -1;  // nearest block ancestor-or-self: whose paragraph this inline text is
  GumboTag tag = GUMBO_TAG_UNKNOWN;
  Kind kind = Kind::kElement;
  bool is_block = false;
  bool has_block_child = false;
  bool in_link = false;
  bool candidate = false;
  int16_t class_weight = 0;
  uint32_t text = 0, link_text = 0, commas = 0;         // subtree totals
  uint32_t own_text = 0, own_link = 0, own_commas = 0;  // inline text directly owned
  uint32_t p_count = 0, img_count = 0, li_count = 0, input_count = 0, embed_count = 0;
  double score = 0;
};

bool IsBlockTag(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_HTML:
    case GUMBO_TAG_BODY:
    case GUMBO_TAG_P:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TH:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_FIELDSET:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_CENTER:
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_SUMMARY:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_ASIDE:
      return true;
    default:
      return false;
  }
}

// Subtrees that never hold article text.
bool IsAlwaysRemoved(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_SVG:
    case GUMBO_TAG_MATH:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_EMBED:
    case GUMBO_TAG_CANVAS:
    case GUMBO_TAG_VIDEO:
    case GUMBO_TAG_AUDIO:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_MAP:
    case GUMBO_TAG_MENU:
    case GUMBO_TAG_LABEL:
      return true;
    default:
      return false;
  }
}

bool IsHeading(GumboTag t) { return t >= GUMBO_TAG_H1 && t <= GUMBO_TAG_H6; }

// The attributes the scorer reads, gathered in one pass (Gumbo lowercases attribute names).
struct ElementAttrs {
  std::string_view cls, id, style, role;
  std::string_view lower_cls, lower_id;  // lowercased copies (set by the scorer for blocks)
  uint32_t cls_hints = 0, id_hints = 0;  // NameHints().Find of lower_cls and lower_id
  bool hidden = false;
};

ElementAttrs ReadAttrs(const GumboNode* g) {
  ElementAttrs a;
  const GumboVector& attrs = g->v.element.attributes;
  for (unsigned k = 0; k < attrs.length; ++k) {
    const auto* at = static_cast<const GumboAttribute*>(attrs.data[k]);
    const char* name = at->name;
    if (AttrNameIs(name, "class")) {
      a.cls = at->value;
    } else if (AttrNameIs(name, "id")) {
      a.id = at->value;
    } else if (AttrNameIs(name, "style")) {
      a.style = at->value;
    } else if (AttrNameIs(name, "role")) {
      a.role = at->value;
    } else if (AttrNameIs(name, "hidden")) {
      a.hidden = true;
    } else if (AttrNameIs(name, "aria-hidden")) {
      a.hidden = a.hidden || std::strcmp(at->value, "true") == 0;
    }
  }
  return a;
}

bool IsHidden(const ElementAttrs& a) {
  if (a.hidden) return true;
  // Cheap reject before normalising: both patterns need "none" or "hidden".
  if (a.style.size() < 12 || (a.style.find("none") == std::string_view::npos &&
                              a.style.find("hidden") == std::string_view::npos &&
                              a.style.find("NONE") == std::string_view::npos &&
                              a.style.find("HIDDEN") == std::string_view::npos))
    return false;
  std::string compact;
  for (char c : a.style) {
    if (c != ' ') compact.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
  }
  return compact.find("display:none") != std::string::npos ||
         compact.find("visibility:hidden") != std::string::npos;
}

bool IsDialogRole(std::string_view role) {
  return role == "menu" || role == "menubar" || role == "complementary" || role == "navigation" ||
         role == "alert" || role == "alertdialog" || role == "dialog";
}

// Length of collapsed text in characters (UTF-8 lead bytes; whitespace runs count once).
void MeasureText(std::string_view s, uint32_t& chars, uint32_t& commas) {
  bool space = true;
  for (char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (b == ' ' || b == '\n' || b == '\t' || b == '\r' || b == '\f') {
      if (!space) ++chars;
      space = true;
      continue;
    }
    space = false;
    if ((b & 0xC0) != 0x80) ++chars;
    if (b == ',') ++commas;
  }
}

class Extraction {
 public:
  explicit Extraction(const GumboNode* root) : root_(root) {
    nodes_.reserve(8192);  // a typical news page; grows if needed
  }

  std::string Run() {
    std::string best;
    for (unsigned flags : {kStripUnlikely | kWeightClasses | kCleanConditionally,
                           kWeightClasses | kCleanConditionally, kCleanConditionally, 0u}) {
      flags_ = flags;
      Build();
      Score();
      std::string text = Render(SelectRegion());
      const size_t chars = CountChars(text);
      if (chars >= kMinArticleChars) return text;
      // A short but real article found with all safeguards on beats a longer relaxed guess,
      // which on such pages is usually a legal notice or a comment thread.
      if (flags == (kStripUnlikely | kWeightClasses | kCleanConditionally) &&
          chars >= kShortArticleChars)
        return text;
      if (CountChars(text) > CountChars(best)) best = std::move(text);
    }
    return best;
  }

 private:
  static size_t CountChars(std::string_view s) {
    return static_cast<size_t>(std::count_if(
        s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
  }

  // Flattens the tree in pre-order (explicit stack) and aggregates text statistics.
  void Build() {
    nodes_.clear();
    struct Frame {
      const GumboNode* g;
      int parent;
    };
    std::vector<Frame> stack{{root_, -1}};
    std::vector<int> open;  // pre-order indices whose `end` is pending
    while (!stack.empty()) {
      const Frame f = stack.back();
      stack.pop_back();
      while (!open.empty() && open.back() != f.parent) {
        nodes_[open.back()].end = static_cast<int>(nodes_.size());
        open.pop_back();
      }
      const GumboNode* g = f.g;
      const int index = static_cast<int>(nodes_.size());
      if (g->type == GUMBO_NODE_TEXT || g->type == GUMBO_NODE_CDATA ||
          g->type == GUMBO_NODE_WHITESPACE) {
        if (f.parent < 0) continue;
        Node n;
        n.g = g;
        n.kind = Kind::kText;
        n.parent = f.parent;
        n.end = index + 1;
        const Node& p = nodes_[f.parent];
        n.owner = p.owner;
        n.in_link = p.in_link;
        MeasureText(g->v.text.text, n.text, n.commas);
        if (n.in_link) n.link_text = n.text;
        nodes_.push_back(n);
        if (n.text > 0 && n.owner >= 0) {
          Node& o = nodes_[n.owner];
          o.own_text += n.text;
          o.own_commas += n.commas;
          if (n.in_link) o.own_link += n.text;
        }
        continue;
      }
      if (g->type != GUMBO_NODE_ELEMENT && g->type != GUMBO_NODE_DOCUMENT) continue;
      const GumboTag tag = g->type == GUMBO_NODE_DOCUMENT ? GUMBO_TAG_HTML : g->v.element.tag;
      ElementAttrs attrs;
      if (g->type == GUMBO_NODE_ELEMENT) {
        if (IsAlwaysRemoved(tag)) continue;
        attrs = ReadAttrs(g);
        if ((!attrs.cls.empty() || !attrs.id.empty()) &&
            (IsBlockTag(tag) || tag == GUMBO_TAG_SPAN)) {
          // Lowercase class and id once for both the removal and the weighting below.
          scratch_.assign(attrs.cls);
          scratch_.push_back(' ');
          scratch_ += attrs.id;
          LowerInPlace(scratch_);
          attrs.lower_cls = std::string_view(scratch_).substr(0, attrs.cls.size());
          attrs.lower_id = std::string_view(scratch_).substr(attrs.cls.size() + 1);
          attrs.cls_hints = NameHints().Find(attrs.lower_cls);
          attrs.id_hints = NameHints().Find(attrs.lower_id);
        }
        if (IsExcluded(attrs, tag)) continue;
      }
      Node n;
      n.g = g;
      n.tag = tag;
      n.parent = f.parent;
      n.is_block = IsBlockTag(tag) || f.parent < 0;
      n.owner = n.is_block ? index : nodes_[f.parent].owner;
      n.in_link = tag == GUMBO_TAG_A || (f.parent >= 0 && nodes_[f.parent].in_link);
      // Hints matter only on blocks: containers that compete or get cleaned.
      if (n.is_block && (flags_ & kWeightClasses)) n.class_weight = ClassWeight(attrs);
      if (n.is_block && f.parent >= 0) nodes_[f.parent].has_block_child = true;
      n.p_count = tag == GUMBO_TAG_P;
      n.img_count = tag == GUMBO_TAG_IMG;
      n.li_count = tag == GUMBO_TAG_LI;
      n.input_count = tag == GUMBO_TAG_INPUT;
      n.embed_count = tag == GUMBO_TAG_OBJECT || tag == GUMBO_TAG_EMBED || tag == GUMBO_TAG_IFRAME;
      nodes_.push_back(n);
      open.push_back(index);
      const GumboVector& kids =
          g->type == GUMBO_NODE_DOCUMENT ? g->v.document.children : g->v.element.children;
      for (unsigned k = kids.length; k-- > 0;) {
        stack.push_back({static_cast<const GumboNode*>(kids.data[k]), index});
      }
    }
    while (!open.empty()) {
      nodes_[open.back()].end = static_cast<int>(nodes_.size());
      open.pop_back();
    }
    // Children follow their parent in pre-order, so a reverse sweep sums subtrees bottom-up.
    for (int i = static_cast<int>(nodes_.size()) - 1; i > 0; --i) {
      const Node& c = nodes_[i];
      if (c.parent < 0) continue;
      Node& p = nodes_[c.parent];
      p.text += c.text;
      p.link_text += c.link_text;
      p.commas += c.commas;
      p.p_count += c.p_count;
      p.img_count += c.img_count;
      p.li_count += c.li_count;
      p.input_count += c.input_count;
      p.embed_count += c.embed_count;
    }
  }

  static void LowerInPlace(std::string& s) {  // ASCII only
    for (char& c : s) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
  }

  bool IsExcluded(const ElementAttrs& a, GumboTag tag) {
    if (tag == GUMBO_TAG_INPUT || tag == GUMBO_TAG_IMG || tag == GUMBO_TAG_BR ||
        tag == GUMBO_TAG_HR)
      return false;  // void elements: counted, cheap
    if (IsHidden(a)) return true;
    if (!(flags_ & kStripUnlikely)) return false;
    if (tag == GUMBO_TAG_BODY || tag == GUMBO_TAG_HTML || tag == GUMBO_TAG_A ||
        tag == GUMBO_TAG_ARTICLE || tag == GUMBO_TAG_MAIN)
      return false;
    if (IsDialogRole(a.role)) return true;
    if (a.lower_cls.empty() && a.lower_id.empty()) return false;  // also: inline, tiny
    const uint32_t hints = a.cls_hints | a.id_hints;
    if (hints & kHintStrongUnlikely) return true;
    return (hints & kHintUnlikely) && !(hints & kHintMaybe);
  }

  int16_t ClassWeight(const ElementAttrs& a) {
    int16_t w = 0;
    for (const uint32_t hints : {a.cls_hints, a.id_hints}) {
      if (hints & kHintNegative) w -= 25;
      if (hints & kHintPositive) w += 25;
    }
    return w;
  }

  static double TagBonus(GumboTag t) {
    switch (t) {
      case GUMBO_TAG_DIV:
        return 5;
      case GUMBO_TAG_ARTICLE:
        return 10;
      case GUMBO_TAG_PRE:
      case GUMBO_TAG_TD:
      case GUMBO_TAG_BLOCKQUOTE:
        return 3;
      case GUMBO_TAG_ADDRESS:
      case GUMBO_TAG_OL:
      case GUMBO_TAG_UL:
      case GUMBO_TAG_DL:
      case GUMBO_TAG_DD:
      case GUMBO_TAG_DT:
      case GUMBO_TAG_LI:
      case GUMBO_TAG_FORM:
        return -3;
      case GUMBO_TAG_H1:
      case GUMBO_TAG_H2:
      case GUMBO_TAG_H3:
      case GUMBO_TAG_H4:
      case GUMBO_TAG_H5:
      case GUMBO_TAG_H6:
      case GUMBO_TAG_TH:
        return -5;
      default:
        return 0;
    }
  }

  void MakeCandidate(int i) {
    Node& n = nodes_[i];
    if (n.candidate) return;
    n.candidate = true;
    n.score = TagBonus(n.tag) + n.class_weight;
  }

  static bool IsParagraphLike(GumboTag t) {
    return t == GUMBO_TAG_P || t == GUMBO_TAG_PRE || t == GUMBO_TAG_TD ||
           (t >= GUMBO_TAG_H2 && t <= GUMBO_TAG_H6);
  }

  static bool IsScorableContainer(GumboTag t) {
    return t == GUMBO_TAG_DIV || t == GUMBO_TAG_SECTION || t == GUMBO_TAG_ARTICLE ||
           t == GUMBO_TAG_MAIN || t == GUMBO_TAG_BLOCKQUOTE || t == GUMBO_TAG_CENTER ||
           t == GUMBO_TAG_FORM || t == GUMBO_TAG_BODY || t == GUMBO_TAG_FONT || t == GUMBO_TAG_SPAN;
  }

  void Score() {
    for (int i = 0; i < static_cast<int>(nodes_.size()); ++i) {
      const Node& n = nodes_[i];
      if (n.kind != Kind::kElement || !n.is_block || n.own_text < 25) continue;
      const bool paragraph = IsParagraphLike(n.tag);
      if (!paragraph && !IsScorableContainer(n.tag)) continue;
      const double content = 1.0 + n.own_commas + std::min(n.own_text / 100u, 3u);
      // A container whose text is all inline is a paragraph itself; otherwise its loose text is
      // a paragraph inside it.
      int ancestor = (paragraph || !n.has_block_child) ? n.parent : i;
      for (int level = 0; level < 5 && ancestor > 0; ++level) {
        const Node& a = nodes_[ancestor];
        if (a.parent < 0) break;  // the document node itself
        MakeCandidate(ancestor);
        const double divider = level == 0 ? 1.0 : level == 1 ? 2.0 : level * 3.0;
        nodes_[ancestor].score += content / divider;
        ancestor = a.parent;
      }
    }
    for (Node& n : nodes_) {
      if (n.candidate) n.score *= 1.0 - LinkDensity(n);
    }
  }

  double LinkDensity(const Node& n) const {
    return n.text == 0 ? 0.0 : static_cast<double>(n.link_text) / n.text;
  }

  bool IsAncestor(int a, int d) const { return a <= d && d < nodes_[a].end; }

  int BodyIndex() const {
    for (int i = 0; i < static_cast<int>(nodes_.size()); ++i) {
      if (nodes_[i].tag == GUMBO_TAG_BODY) return i;
    }
    return 0;
  }

  // The article region: the top candidate and qualifying siblings, in document order.
  std::vector<int> SelectRegion() {
    std::vector<int> top;
    for (int i = 0; i < static_cast<int>(nodes_.size()); ++i) {
      if (!nodes_[i].candidate) continue;
      top.push_back(i);
      std::sort(top.begin(), top.end(),
                [&](int a, int b) { return nodes_[a].score > nodes_[b].score; });
      if (top.size() > 5) top.pop_back();
    }
    const int body = BodyIndex();
    if (top.empty() || nodes_[top[0]].tag == GUMBO_TAG_BODY) return {body};
    int best = top[0];
    // Several near-equal candidates under one ancestor mean the article is split: take it whole.
    std::vector<int> alternatives;
    for (size_t k = 1; k < top.size(); ++k) {
      // Class hints alone can make teasers score like the article; demand comparable text too.
      if (nodes_[top[k]].score / nodes_[best].score >= 0.75 &&
          nodes_[top[k]].text * 5 >= nodes_[best].text * 2)
        alternatives.push_back(top[k]);
    }
    if (alternatives.size() >= 3) {
      for (int p = nodes_[best].parent; p > body; p = nodes_[p].parent) {
        const auto inside = std::count_if(alternatives.begin(), alternatives.end(),
                                          [&](int a) { return IsAncestor(p, a); });
        if (inside >= 3) {
          best = p;
          break;
        }
      }
    }
    if (!nodes_[best].candidate) MakeCandidate(best);
    // A parent that scores higher than its child is the better region.
    double last = nodes_[best].score;
    for (int p = nodes_[best].parent; p > body; p = nodes_[p].parent) {
      if (!nodes_[p].candidate) continue;
      const double s = nodes_[p].score;
      if (s < last / 3) break;
      if (s > last) {
        best = p;
        break;
      }
      last = s;
    }
    // An only child stands for its parent.
    while (nodes_[best].parent > body) {
      const int p = nodes_[best].parent;
      int elements = 0;
      for (int c = p + 1; c < nodes_[p].end; c = nodes_[c].end) {
        if (nodes_[c].kind == Kind::kElement || nodes_[c].text > 0) ++elements;
      }
      if (elements != 1) break;
      best = p;
    }
    const int parent = nodes_[best].parent;
    if (parent < 0) return {best};
    const double best_score = nodes_[best].candidate ? nodes_[best].score : 0;
    const double threshold = std::max(10.0, best_score * 0.2);
    const std::string_view best_class = Attr(nodes_[best].g, "class");
    std::vector<int> region;
    for (int c = parent + 1; c < nodes_[parent].end; c = nodes_[c].end) {
      const Node& s = nodes_[c];
      if (c == best) {
        region.push_back(c);
        continue;
      }
      if (s.kind != Kind::kElement) continue;
      double bonus = 0;
      if (!best_class.empty() && Attr(s.g, "class") == best_class) bonus = best_score * 0.2;
      if (s.candidate && s.score + bonus >= threshold) {
        region.push_back(c);
      } else if (s.tag == GUMBO_TAG_P || (IsScorableContainer(s.tag) && !s.has_block_child)) {
        const double density = LinkDensity(s);
        if (s.text > 80 && density < 0.25) {
          region.push_back(c);
        } else if (s.text > 0 && s.text <= 80 && density == 0 && EndsSentence(s)) {
          region.push_back(c);
        }
      }
    }
    return region;
  }

  bool EndsSentence(const Node& n) const {
    const std::string text = NodeText(n.g);
    return text.ends_with('.') || text.find(". ") != std::string::npos;
  }

  // readability.js _cleanConditionally: drop blocks that look like furniture, not prose.
  bool CleanConditionally(int i) const {
    const Node& n = nodes_[i];
    const bool link_block = n.tag == GUMBO_TAG_UL || n.tag == GUMBO_TAG_OL ||
                            n.tag == GUMBO_TAG_DL || n.tag == GUMBO_TAG_DIV ||
                            n.tag == GUMBO_TAG_SECTION || n.tag == GUMBO_TAG_TABLE;
    // Link lists (menus, "read also", listings) are never article text, in any attempt.
    if (link_block && n.commas < 10 && LinkDensity(n) > 0.5) return true;
    if (!(flags_ & kCleanConditionally)) return false;
    switch (n.tag) {
      case GUMBO_TAG_FORM:
      case GUMBO_TAG_FIELDSET:
      case GUMBO_TAG_TABLE:
      case GUMBO_TAG_UL:
      case GUMBO_TAG_OL:
      case GUMBO_TAG_DL:
      case GUMBO_TAG_DIV:
      case GUMBO_TAG_SECTION:
      case GUMBO_TAG_HEADER:
      case GUMBO_TAG_ASIDE:
        break;
      default:
        return false;
    }
    const bool is_list = n.tag == GUMBO_TAG_UL || n.tag == GUMBO_TAG_OL || n.tag == GUMBO_TAG_DL;
    const double weight = n.class_weight;
    const double content_score = n.candidate ? n.score : 0;
    if (weight + content_score < 0) return true;
    if (n.commas >= 10) return false;
    const double p = n.p_count;
    const double img = n.img_count;
    const double li = static_cast<double>(n.li_count) - 100;
    const double input = n.input_count;
    const double link_density = LinkDensity(n);
    const double length = n.text;
    if (img > 1 && p / img < 0.5) return true;
    if (!is_list && li > p) return true;
    if (input > std::floor(p / 3)) return true;
    if (!is_list && length < 25 && (img == 0 || img > 2)) return true;
    if (!is_list && weight < 25 && link_density > 0.2) return true;
    if (weight >= 25 && link_density > 0.5) return true;
    if ((n.embed_count == 1 && length < 75) || n.embed_count > 1) return true;
    return false;
  }

  // Short block whose whole text announces comments, related links and the like.
  bool IsSectionEnder(int i) const {
    const Node& n = nodes_[i];
    if (n.text == 0 || n.text > 60) return false;
    // Such a heading is a small subtree. Without this bound every level of a deeply nested page
    // (100 000 <div>s) would walk all the levels below it: quadratic time.
    if (n.end - i > kMaxSectionEnderNodes) return false;
    std::string text = NodeText(n.g);
    // Lowercase ASCII and the Cyrillic capitals А-Я/Ё; enough for the phrases above.
    std::string lower;
    for (size_t k = 0; k < text.size(); ++k) {
      const auto b = static_cast<unsigned char>(text[k]);
      if (b >= 'A' && b <= 'Z') {
        lower.push_back(static_cast<char>(b + 32));
      } else if (b == 0xD0 && k + 1 < text.size()) {
        const auto c = static_cast<unsigned char>(text[k + 1]);
        if (c >= 0x90 && c <= 0x9F) {
          lower += "\xD0";
          lower.push_back(static_cast<char>(c + 0x20));
        } else if (c >= 0xA0 && c <= 0xAF) {
          lower += "\xD1";
          lower.push_back(static_cast<char>(c - 0x20));
        } else if (c == 0x81) {
          lower += "\xD1\x91";
        } else {
          lower.push_back(static_cast<char>(b));
          lower.push_back(static_cast<char>(c));
        }
        ++k;
      } else {
        lower.push_back(static_cast<char>(b));
      }
    }
    std::string_view t = Trim(lower);
    while (!t.empty() && (t.back() == ':' || t.back() == '.' || t.back() == ' '))
      t.remove_suffix(1);
    for (auto phrase : kSectionEnders) {
      if (!t.starts_with(phrase)) continue;
      // A few words may follow ("Другие новости по этой теме"), not a sentence.
      const std::string_view rest = t.substr(phrase.size());
      const auto letters = std::count_if(rest.begin(), rest.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
      });
      if (letters <= 14) return true;
    }
    return false;
  }

  std::string Render(const std::vector<int>& region) const {
    std::string out;
    PendingBreaks pending;  // block boundaries and <br> passed since the last text
    for (int start : region) {
      std::vector<int> ends;  // subtree ends of open blocks
      for (int i = start; i < nodes_[start].end;) {
        while (!ends.empty() && i >= ends.back()) {
          ends.pop_back();
          pending.paragraph = true;
        }
        const Node& n = nodes_[i];
        if (n.kind == Kind::kText) {
          AppendNodeText(n.g->v.text.text, &out, &pending);
          ++i;
          continue;
        }
        if (i != start && Drop(i)) {
          i = n.end;
          continue;
        }
        if (i != start &&
            (IsHeading(n.tag) || n.tag == GUMBO_TAG_P || n.tag == GUMBO_TAG_DIV ||
             n.tag == GUMBO_TAG_SECTION || n.tag == GUMBO_TAG_STRONG || n.tag == GUMBO_TAG_B ||
             n.tag == GUMBO_TAG_SPAN) &&
            IsSectionEnder(i)) {
          // Skip this block and its following siblings.
          const int parent = n.parent;
          i = parent >= 0 ? nodes_[parent].end : n.end;
          continue;
        }
        if (n.tag == GUMBO_TAG_BR) {
          pending.line = true;
        } else if (n.tag == GUMBO_TAG_TD || n.tag == GUMBO_TAG_TH) {
          if (!out.empty() && out.back() != ' ' && out.back() != '\n') out.push_back(' ');
        } else if (n.is_block) {
          pending.paragraph = true;
          ends.push_back(n.end);
        }
        ++i;
      }
      pending.paragraph = true;
    }
    while (!out.empty() && (out.back() == ' ' || out.back() == '\n')) out.pop_back();
    return DropRepeatedParagraphs(out);
  }

  // Galleries and sliders repeat the same caption back to back; prose never does.
  static std::string DropRepeatedParagraphs(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    std::string_view previous;
    size_t pos = 0;
    while (pos <= text.size()) {
      size_t end = text.find("\n\n", pos);
      if (end == std::string::npos) end = text.size();
      const std::string_view para(text.data() + pos, end - pos);
      if (para != previous) {
        if (!out.empty()) out += "\n\n";
        out += para;
      }
      previous = para;
      pos = end + 2;
    }
    return out;
  }

  // A short block that ends in a "Read more" link is a teaser for another story.
  bool IsTeaser(int i) const {
    const Node& n = nodes_[i];
    if (n.text == 0 || n.text > 1500 || n.end - i > 300) return false;
    for (int k = n.end - 1; k > i; --k) {
      const Node& c = nodes_[k];
      if (c.kind != Kind::kElement || c.tag != GUMBO_TAG_A) continue;
      if (c.text > 40) return false;  // only the last link counts
      std::string t = NodeText(c.g);
      LowerInPlace(t);
      for (auto phrase : kReadMore) {
        if (t.find(phrase) != std::string::npos) return true;
      }
      return false;
    }
    return false;
  }

  bool Drop(int i) const {
    const Node& n = nodes_[i];
    if ((n.tag == GUMBO_TAG_DIV || n.tag == GUMBO_TAG_ARTICLE || n.tag == GUMBO_TAG_LI ||
         n.tag == GUMBO_TAG_SECTION) &&
        IsTeaser(i))
      return true;
    if (IsHeading(n.tag) && n.class_weight < 0) return true;
    if (n.tag == GUMBO_TAG_FIGCAPTION) return false;
    if ((flags_ & kWeightClasses) && n.text < 500) {
      const std::string_view cls = Attr(n.g, "class");
      if (cls.size() >= 5) {
        std::string lower(cls);
        LowerInPlace(lower);
        if (lower.find("share") != std::string::npos) return true;
      }
    }
    return CleanConditionally(i);
  }

  const GumboNode* root_;
  std::string scratch_;  // reused buffer for lowercased class/id values
  unsigned flags_ = 0;
  std::vector<Node> nodes_;
};

}  // namespace

std::string ExtractMainText(const GumboNode* root) {
  if (root == nullptr) return "";
  return Extraction(root).Run();
}

}  // namespace kuzet::extractor
