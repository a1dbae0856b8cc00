#include "extractor/nesting_cap.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "base/strings.h"

namespace kuzet::extractor {
namespace {

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// A lowercased tag name as one integer: names of up to 8 bytes packed (bit 63 stays clear, the
// bytes being ASCII-lowercased), longer ones hashed (FNV-1a) with bit 63 set, so that two
// different names never share a key by truncation (<custom-element-a> is not </custom-element-b>).
class KeyBuilder {
 public:
  constexpr void Add(char c) {
    const auto byte = static_cast<unsigned char>(c);
    if (length_ < 8) packed_ |= static_cast<uint64_t>(byte) << (8 * length_);
    hash_ = (hash_ ^ byte) * 0x100000001B3ULL;
    ++length_;
  }
  constexpr uint64_t key() const { return length_ <= 8 ? packed_ : hash_ | (1ULL << 63); }

 private:
  uint64_t packed_ = 0;
  uint64_t hash_ = 0xCBF29CE484222325ULL;
  size_t length_ = 0;
};

constexpr uint64_t Key(std::string_view name) {
  KeyBuilder b;
  for (char c : name) b.Add(c);
  return b.key();
}

// What the HTML5 tree builder (HTML §13.2.6.4.7 "in body", §13.2.6.5 foreign content) does with
// a tag, as far as it changes the depth of the stack of open elements. Flags combine.
enum TagFlags : uint16_t {
  kVoid = 1 << 0,            // never pushed (§13.1.2 void elements, plus image/isindex/...)
  kRawText = 1 << 1,         // content is text up to the end tag (script, style, textarea, ...)
  kSpecial = 1 << 2,         // §13.2.4.2 "special": stops the walk of "any other end tag"
  kScope = 1 << 3,           // bounds "has an element in scope"
  kClosesP = 1 << 4,         // start tag closes a p element in button scope first
  kFormatting = 1 << 5,      // §13.2.4.3 the list of active formatting elements
  kMarker = 1 << 6,          // pushes a marker on the list of active formatting elements
  kTablePart = 1 << 7,       // table, tbody/thead/tfoot, tr, td/th, caption, colgroup
  kBreakout = 1 << 8,        // start tag leaves foreign content (§13.2.6.5)
  kHeading = 1 << 9,         // h1..h6
  kNoReconstruct = 1 << 10,  // special start tags that do not reconstruct formatting elements
  kMerged = 1 << 11,         // html, body, head, frameset: merged into the existing element
};

struct TagInfo {
  std::string_view name;
  uint16_t flags;
};

constexpr uint16_t kBlock = kSpecial | kClosesP | kNoReconstruct;

constexpr TagInfo kTagInfo[] = {
    // Void elements (area..wbr are special; reconstruct formatting first, but never nest).
    {"area", kVoid | kSpecial},
    {"base", kVoid | kSpecial | kNoReconstruct},
    {"basefont", kVoid | kSpecial | kNoReconstruct},
    {"bgsound", kVoid | kSpecial | kNoReconstruct},
    {"br", kVoid | kSpecial | kBreakout},
    {"col", kVoid | kSpecial | kNoReconstruct},
    {"embed", kVoid | kSpecial | kBreakout},
    {"frame", kVoid | kSpecial | kNoReconstruct},
    {"hr", kVoid | kBlock | kBreakout},
    {"image", kVoid | kSpecial},
    {"img", kVoid | kSpecial | kBreakout},
    {"input", kVoid | kSpecial},
    {"isindex", kVoid | kSpecial},
    {"menuitem", kSpecial},
    {"keygen", kVoid | kSpecial},
    {"link", kVoid | kSpecial | kNoReconstruct},
    {"meta", kVoid | kSpecial | kNoReconstruct | kBreakout},
    {"param", kVoid | kSpecial | kNoReconstruct},
    {"source", kVoid | kSpecial | kNoReconstruct},
    {"track", kVoid | kSpecial | kNoReconstruct},
    {"wbr", kVoid | kSpecial},
    // Raw text and RCDATA (Gumbo parses noscript as raw text: scripting is on).
    {"script", kRawText | kSpecial | kNoReconstruct},
    {"style", kRawText | kSpecial | kNoReconstruct},
    {"textarea", kRawText | kSpecial},
    {"title", kRawText | kSpecial | kNoReconstruct},
    {"xmp", kRawText | kBlock},
    {"iframe", kRawText | kSpecial},
    {"noembed", kRawText | kSpecial},
    {"noframes", kRawText | kSpecial | kNoReconstruct},
    {"noscript", kRawText | kSpecial | kNoReconstruct},
    // Document structure.
    {"html", kMerged | kSpecial | kScope},
    {"head", kMerged | kSpecial | kBreakout},
    {"body", kMerged | kSpecial | kBreakout},
    {"frameset", kMerged | kSpecial},
    // Blocks that close an open p.
    {"address", kBlock},
    {"article", kBlock},
    {"aside", kBlock},
    {"blockquote", kBlock | kBreakout},
    {"center", kBlock | kBreakout},
    {"details", kBlock},
    {"dialog", kBlock},
    {"dir", kBlock},
    {"div", kBlock | kBreakout},
    {"dl", kBlock | kBreakout},
    {"fieldset", kBlock},
    {"figcaption", kBlock},
    {"figure", kBlock},
    {"footer", kBlock},
    {"form", kBlock},
    {"header", kBlock},
    {"hgroup", kBlock},
    {"listing", kBlock | kBreakout},
    {"main", kBlock},
    {"menu", kBlock | kBreakout},
    {"nav", kBlock},
    {"ol", kBlock | kBreakout},
    {"p", kBlock | kBreakout},
    {"pre", kBlock | kBreakout},
    {"search", kBlock},
    {"section", kBlock},
    {"summary", kBlock},
    {"ul", kBlock | kBreakout},
    {"li", kBlock | kBreakout},
    {"dd", kBlock | kBreakout},
    {"dt", kBlock | kBreakout},
    {"h1", kBlock | kHeading | kBreakout},
    {"h2", kBlock | kHeading | kBreakout},
    {"h3", kBlock | kHeading | kBreakout},
    {"h4", kBlock | kHeading | kBreakout},
    {"h5", kBlock | kHeading | kBreakout},
    {"h6", kBlock | kHeading | kBreakout},
    {"plaintext", kBlock},
    // Tables (table closes p only in no-quirks mode: not assumed, so the estimate stays high).
    {"table", kSpecial | kScope | kTablePart | kNoReconstruct | kBreakout},
    {"caption", kSpecial | kScope | kTablePart | kMarker | kNoReconstruct},
    {"colgroup", kSpecial | kTablePart | kNoReconstruct},
    {"tbody", kSpecial | kTablePart | kNoReconstruct},
    {"thead", kSpecial | kTablePart | kNoReconstruct},
    {"tfoot", kSpecial | kTablePart | kNoReconstruct},
    {"tr", kSpecial | kTablePart | kNoReconstruct},
    {"td", kSpecial | kScope | kTablePart | kMarker | kNoReconstruct},
    {"th", kSpecial | kScope | kTablePart | kMarker | kNoReconstruct},
    // Other special elements.
    {"applet", kSpecial | kScope | kMarker},
    {"marquee", kSpecial | kScope | kMarker},
    {"object", kSpecial | kScope | kMarker},
    {"template", kSpecial | kScope | kMarker | kNoReconstruct},
    {"button", kSpecial},
    {"select", kSpecial},
    // Formatting elements.
    {"a", kFormatting},
    {"b", kFormatting | kBreakout},
    {"big", kFormatting | kBreakout},
    {"code", kFormatting | kBreakout},
    {"em", kFormatting | kBreakout},
    {"font", kFormatting},  // a breakout only with color, face or size (checked apart)
    {"i", kFormatting | kBreakout},
    {"nobr", kFormatting | kBreakout},
    {"s", kFormatting | kBreakout},
    {"small", kFormatting | kBreakout},
    {"strike", kFormatting | kBreakout},
    {"strong", kFormatting | kBreakout},
    {"tt", kFormatting | kBreakout},
    {"u", kFormatting | kBreakout},
    // Other breakouts from foreign content.
    {"ruby", kBreakout},
    {"span", kBreakout},
    {"sub", kBreakout},
    {"sup", kBreakout},
    {"var", kBreakout},
};

// Open-addressing table from Key(name) to flags, built at compile time: one multiply and usually
// one probe per tag.
struct TagTable {
  static constexpr size_t kSlots = 512;
  std::array<uint64_t, kSlots> keys{};
  std::array<uint16_t, kSlots> flags{};

  static constexpr size_t Slot(uint64_t key) {
    return static_cast<size_t>((key * 0x9E3779B97F4A7C15ULL) >> 55);
  }
  constexpr void Add(uint64_t key, uint16_t f) {
    size_t slot = Slot(key);
    while (keys[slot] != 0) slot = (slot + 1) % kSlots;
    keys[slot] = key;
    flags[slot] = f;
  }
  uint16_t Find(uint64_t key) const {
    for (size_t slot = Slot(key);; slot = (slot + 1) % kSlots) {
      if (keys[slot] == key) return flags[slot];
      if (keys[slot] == 0) return 0;
    }
  }
};

constexpr TagTable kTags = [] {
  TagTable t;
  for (const TagInfo& info : kTagInfo) t.Add(Key(info.name), info.flags);
  return t;
}();

constexpr uint64_t kP = Key("p"), kLi = Key("li"), kDd = Key("dd"), kDt = Key("dt"), kA = Key("a"),
                   kNobr = Key("nobr"), kForm = Key("form"), kBr = Key("br"), kTable = Key("table"),
                   kTbody = Key("tbody"), kThead = Key("thead"), kTfoot = Key("tfoot"),
                   kTr = Key("tr"), kTd = Key("td"), kTh = Key("th"), kButton = Key("button"),
                   kOption = Key("option"), kOptgroup = Key("optgroup"), kSvg = Key("svg"),
                   kMath = Key("math"), kFont = Key("font"), kRb = Key("rb"), kRp = Key("rp"),
                   kRt = Key("rt"), kRtc = Key("rtc"), kOl = Key("ol"), kUl = Key("ul"),
                   kPlaintext = Key("plaintext"), kTemplate = Key("template"),
                   kAddress = Key("address"), kDiv = Key("div");

// Foreign elements where HTML content resumes (§13.2.6.5 integration points), keyed as foreign.
// annotation-xml is one only with an HTML encoding attribute: taken as foreign, which makes the
// model read more tags than the tree builder does, never fewer.
bool IsIntegrationPoint(uint64_t key) {
  static constexpr uint64_t kPoints[] = {
      Key("foreignobject"), Key("desc"), Key("title"), Key("mi"), Key("mo"), Key("mn"), Key("ms"),
      Key("mtext")};
  return std::find(std::begin(kPoints), std::end(kPoints), key) != std::end(kPoints);
}

// Foreign elements that are special and bound the default scope (§13.2.4.2).
bool IsForeignSpecial(uint64_t key) {
  return key == Key("annotation-xml") || IsIntegrationPoint(key);
}

// Entries of the list of active formatting elements kept after the last marker: real pages keep a
// handful open; more would make every reconstruction clone them all (O(n²) nodes).
constexpr size_t kMaxActiveFormatting = 12;
// How far <li>/<dd>/<dt> look down the stack for an open item to close (the spec walks until a
// special element; a deeper one is taken as not found, which only overestimates the depth).
constexpr int kMaxItemWalk = 16;
// Above this many non-special elements on top of the stack, an end tag that closes nothing makes
// Gumbo walk them all; it is turned into a comment (same bytes) instead.
constexpr int kMaxStrayWalk = 64;

// The stack of open elements of the tree builder, with the indices the depth rules need kept per
// entry, so every query is O(1): where the topmost element of a name is, and where the topmost
// special / scope-bounding / HTML element is.
class OpenElements {
 public:
  struct Entry {
    uint64_t key;
    uint16_t flags;
    bool foreign;
    bool integration;      // a foreign element whose content is HTML
    int previous_same;     // index of the next element of this name below, or -1
    int top_special;       // topmost special element at or below this one, or -1
    int top_scope;         // topmost default-scope boundary at or below, or -1
    int top_button_scope;  // ... including button
    int top_list_scope;    // ... including ol, ul
    int top_table_scope;   // html, table, template at or below, or -1
    int top_html;          // topmost HTML-namespace element, or -1
  };

  int size() const { return static_cast<int>(stack_.size()); }
  bool empty() const { return stack_.empty(); }
  size_t pushes() const { return pushes_; }
  const Entry& top() const { return stack_.back(); }
  const Entry& at(int i) const { return stack_[static_cast<size_t>(i)]; }

  void Push(uint64_t key, uint16_t flags, bool foreign) {
    const int i = size();
    const Entry* below = empty() ? nullptr : &top();
    auto inherit = [&](int Entry::*field, bool here) {
      return here ? i : (below != nullptr ? below->*field : -1);
    };
    const uint64_t name = NameKey(key, foreign);
    auto it = topmost_.find(name);
    const bool integration = foreign && IsIntegrationPoint(key);
    const bool foreign_special = foreign && IsForeignSpecial(key);
    const bool scope = (flags & kScope) != 0 || foreign_special;
    Entry e{key,
            flags,
            foreign,
            integration,
            it == topmost_.end() ? -1 : it->second,
            inherit(&Entry::top_special, (flags & kSpecial) != 0 || foreign_special),
            inherit(&Entry::top_scope, scope),
            inherit(&Entry::top_button_scope, scope || (!foreign && key == kButton)),
            inherit(&Entry::top_list_scope, scope || (!foreign && (key == kOl || key == kUl))),
            inherit(&Entry::top_table_scope,
                    !foreign && (key == kTable || key == kTemplate || key == Key("html"))),
            inherit(&Entry::top_html, !foreign)};
    stack_.push_back(e);
    topmost_[name] = i;
    ++pushes_;
  }

  void Pop() {
    const Entry& e = top();
    const uint64_t name = NameKey(e.key, e.foreign);
    if (e.previous_same < 0) {
      topmost_.erase(name);
    } else {
      topmost_[name] = e.previous_same;
    }
    stack_.pop_back();
  }

  void PopTo(int index) {
    while (size() > index) Pop();
  }

  // Index of the topmost element of that name, or -1.
  int Topmost(uint64_t key, bool foreign) const {
    auto it = topmost_.find(NameKey(key, foreign));
    return it == topmost_.end() ? -1 : it->second;
  }

  // Index of the topmost HTML element of that name if it is in the scope `boundary` gives
  // (§13.2.4.2), else -1.
  int InScope(uint64_t key, int Entry::*boundary) const {
    const int i = Topmost(key, false);
    if (i < 0 || empty()) return -1;
    return i >= top().*boundary ? i : -1;
  }

 private:
  static uint64_t NameKey(uint64_t key, bool foreign) {
    return foreign ? key * 0x9E3779B97F4A7C15ULL + 1 : key;
  }

  std::vector<Entry> stack_;
  std::unordered_map<uint64_t, int> topmost_;
  size_t pushes_ = 0;
};

// The depth model: a small simulation of the stack of open elements and the list of active
// formatting elements, with the rules of the HTML5 tree builder that change the depth. Where it
// simplifies it errs towards a deeper stack, never a shallower one.
class TreeModel {
 public:
  explicit TreeModel(int max_depth) : max_depth_(max_depth) {}

  int depth() const { return stack_.size(); }
  size_t elements_opened() const { return stack_.pushes(); }

  bool InForeignContent() const {
    return !stack_.empty() && stack_.top().foreign && !stack_.top().integration;
  }

  // Text between tags: in HTML content it reopens closed formatting elements.
  void Text() {
    if (!InForeignContent()) Reconstruct();
  }

  // A start tag; returns false when it was not taken as itself because the stack is full (the
  // caller renames it to <p>, and it has been processed as one). `attributes_hash` identifies
  // its attributes (Noah's Ark clause), `font_breakout` a <font> with color, face or size.
  bool StartTag(uint64_t key, uint16_t flags, bool self_closing, uint64_t attributes_hash,
                bool font_breakout) {
    if (InForeignContent()) {
      if ((flags & kBreakout) == 0 && !(key == kFont && font_breakout)) {
        if (self_closing) return true;
        if (depth() >= max_depth_) return TakeAsP();
        stack_.Push(key, 0, /*foreign=*/true);
        return true;
      }
      // Breakout: pop to HTML content, then as in body.
      while (InForeignContent()) stack_.Pop();
    }
    return HtmlStartTag(key, flags, self_closing, attributes_hash);
  }

  // An end tag; returns false when it matched nothing and would make the tree builder walk many
  // elements (the caller may then turn it into a comment).
  bool EndTag(uint64_t key, uint16_t flags) {
    if (!stack_.empty() && stack_.top().foreign) {
      // §13.2.6.5 (also at an integration point, which takes only start tags and text as HTML):
      // closes the nearest foreign element of that name above the HTML content.
      const int i = stack_.Topmost(key, true);
      if (i >= 0 && i > stack_.top().top_html) {
        stack_.PopTo(i);
        return true;
      }
    }
    return HtmlEndTag(key, flags);
  }

 private:
  struct Formatting {
    uint64_t key = 0;  // 0: a marker
    uint64_t attributes = 0;
    int index = -1;  // on the stack of open elements, or -1 when closed
  };

  bool HtmlStartTag(uint64_t key, uint16_t flags, bool self_closing, uint64_t attributes_hash) {
    if (flags & kMerged) return true;
    if (key == kSvg || key == kMath) {
      Reconstruct();
      if (self_closing) return true;
      if (depth() >= max_depth_) return TakeAsP();
      stack_.Push(key, 0, /*foreign=*/true);
      return true;
    }
    if (flags & kClosesP) ClosePInButtonScope();
    if (flags & kHeading) {
      if (!stack_.empty() && !stack_.top().foreign && (stack_.top().flags & kHeading)) Pop();
    }
    if (key == kLi) CloseItem(kLi, kLi);
    if (key == kDd || key == kDt) CloseItem(kDd, kDt);
    if (key == kA || key == kNobr) {
      const int open = LastFormatting(key);
      if (open >= 0) AdoptionAgency(static_cast<size_t>(open));
    }
    if (key == kButton) {
      if (const int i = stack_.InScope(kButton, &OpenElements::Entry::top_scope); i >= 0) PopTo(i);
    }
    if (key == kOption || key == kOptgroup) {
      if (CurrentIs(kOption)) Pop();
      if (key == kOptgroup && CurrentIs(kOptgroup)) Pop();
    }
    if (key == kRb || key == kRp || key == kRt || key == kRtc) {
      if (CurrentIs(kRb) || CurrentIs(kRp) || CurrentIs(kRt) || CurrentIs(kRtc)) Pop();
    }
    if ((flags & kTablePart) && !TableStartTag(key)) return true;
    if ((flags & kNoReconstruct) == 0) Reconstruct();
    if (flags & (kVoid | kRawText)) return true;  // raw text ends with its end tag
    if (depth() >= max_depth_ && key != kP) return TakeAsP();
    if (flags & kFormatting) {
      if (CountAfterMarker() >= kMaxActiveFormatting) return TakeAsP();
      AddFormatting(key, attributes_hash);
    } else {
      stack_.Push(key, flags, false);
    }
    if (flags & kMarker) formatting_.push_back(Formatting{});
    (void)self_closing;  // "/>" does not close an HTML element
    return true;
  }

  bool TakeAsP() {
    while (InForeignContent()) stack_.Pop();  // <p> is a breakout
    ClosePInButtonScope();
    stack_.Push(kP, kTags.Find(kP), false);
    return false;
  }

  bool HtmlEndTag(uint64_t key, uint16_t flags) {
    using E = OpenElements::Entry;
    if (flags & kMerged || key == kBr) return true;
    if (key == kP) return PopToInScope(kP, &E::top_button_scope);
    if (key == kLi) return PopToInScope(key, &E::top_list_scope);
    if (flags & kFormatting) {
      const int entry = LastFormatting(key);
      if (entry >= 0) {
        AdoptionAgency(static_cast<size_t>(entry));
        return true;
      }
      return AnyOtherEndTag(key);
    }
    if (flags & kHeading) {
      // Any open heading in scope closes.
      int best = -1;
      for (const char* h : {"h1", "h2", "h3", "h4", "h5", "h6"}) {
        best = std::max(best, stack_.InScope(Key(h), &E::top_scope));
      }
      if (best >= 0) PopTo(best);
      return true;
    }
    if (key == kForm) {
      // The form element is removed from the stack wherever it is: only when it is the current
      // node does the stack get shallower.
      if (CurrentIs(kForm)) Pop();
      return true;
    }
    if (flags & kTablePart) return PopToInScope(key, &E::top_table_scope);
    if (flags & kSpecial) return PopToInScope(key, &E::top_scope);
    return AnyOtherEndTag(key);
  }

  // §13.2.6.4.7 "any other end tag": the nearest element of that name closes, unless a special
  // element comes first.
  bool AnyOtherEndTag(uint64_t key) {
    if (stack_.empty()) return true;
    const int i = stack_.Topmost(key, false);
    if (i >= 0 && i > stack_.top().top_special) {
      PopTo(i);
      return true;
    }
    return depth() - 1 - stack_.top().top_special <= kMaxStrayWalk;
  }

  // Closes the element if it is in scope; false when it is not and the tree builder's scope
  // check walks more than kMaxStrayWalk elements to find that out.
  bool PopToInScope(uint64_t key, int OpenElements::Entry::*boundary) {
    if (const int i = stack_.InScope(key, boundary); i >= 0) {
      PopTo(i);
      return true;
    }
    return stack_.empty() || depth() - 1 - stack_.top().*boundary <= kMaxStrayWalk;
  }

  // Table structure: a new cell, row or section closes the open one of its kind; a table part
  // directly in a table implies its tbody and tr (deeper, so they are counted). False: ignored,
  // as a cell, row or section outside any table is "in body".
  bool TableStartTag(uint64_t key) {
    using E = OpenElements::Entry;
    const int table = stack_.InScope(kTable, &E::top_table_scope);
    if (key == kTable) {
      if (table >= 0 && (CurrentIs(kTable) || CurrentIs(kTbody) || CurrentIs(kThead) ||
                         CurrentIs(kTfoot) || CurrentIs(kTr))) {
        PopTo(table);
      }
      return true;
    }
    if (table < 0) return false;
    if (key == kTd || key == kTh) {
      const int cell = std::max(stack_.InScope(kTd, &E::top_table_scope),
                                stack_.InScope(kTh, &E::top_table_scope));
      if (cell >= 0) PopTo(cell);
      if (CurrentIs(kTable)) stack_.Push(kTbody, kTags.Find(kTbody), false);
      if (CurrentIs(kTbody) || CurrentIs(kThead) || CurrentIs(kTfoot))
        stack_.Push(kTr, kTags.Find(kTr), false);
      return true;
    }
    if (key == kTr) {
      const int row = stack_.InScope(kTr, &E::top_table_scope);
      if (row >= 0) PopTo(row);
      if (CurrentIs(kTable)) stack_.Push(kTbody, kTags.Find(kTbody), false);
      return true;
    }
    // tbody, thead, tfoot, caption, colgroup: back to the table.
    PopTo(table + 1);
    return true;
  }

  bool CurrentIs(uint64_t key) const {
    return !stack_.empty() && !stack_.top().foreign && stack_.top().key == key;
  }

  void ClosePInButtonScope() {
    if (const int i = stack_.InScope(kP, &OpenElements::Entry::top_button_scope); i >= 0) {
      PopTo(i);
    }
  }

  // <li> closes an open li (<dd>/<dt> an open dd or dt) unless a special element other than
  // address, div and p is nearer (§13.2.6.4.7).
  void CloseItem(uint64_t a, uint64_t b) {
    for (int i = stack_.size() - 1, steps = 0; i >= 0 && steps < kMaxItemWalk; --i, ++steps) {
      const OpenElements::Entry& e = stack_.at(i);
      if (!e.foreign && (e.key == a || e.key == b)) {
        PopTo(i);
        return;
      }
      if ((e.flags & kSpecial) && e.key != kAddress && e.key != kDiv && e.key != kP) return;
    }
  }

  // Pops the elements from index on, closing formatting entries and clearing to the last marker
  // when an element that pushed one goes.
  void PopTo(int index) {
    while (stack_.size() > index) Pop();
  }

  void Pop() {
    const OpenElements::Entry& e = stack_.top();
    const int i = stack_.size() - 1;
    if (!e.foreign && (e.flags & kFormatting)) {
      // Its entry is among the last ones: markers pushed after it went with the elements above.
      for (size_t k = formatting_.size(); k-- > 0;) {
        if (formatting_[k].index == i) {
          formatting_[k].index = -1;
          break;
        }
      }
    }
    if (!e.foreign && (e.flags & kMarker)) {
      while (!formatting_.empty()) {
        const bool marker = formatting_.back().key == 0;
        formatting_.pop_back();
        if (marker) break;
      }
    }
    stack_.Pop();
  }

  size_t CountAfterMarker() const {
    size_t n = 0;
    for (auto it = formatting_.rbegin(); it != formatting_.rend() && it->key != 0; ++it) ++n;
    return n;
  }

  // Index in formatting_ of the last entry of that name after the last marker, or -1.
  int LastFormatting(uint64_t key) const {
    for (size_t k = formatting_.size(); k-- > 0;) {
      if (formatting_[k].key == 0) return -1;
      if (formatting_[k].key == key) return static_cast<int>(k);
    }
    return -1;
  }

  void AddFormatting(uint64_t key, uint64_t attributes) {
    // Noah's Ark clause: at most three identical entries after the last marker.
    int same = 0;
    size_t earliest = formatting_.size();
    for (size_t k = formatting_.size(); k-- > 0 && formatting_[k].key != 0;) {
      if (formatting_[k].key == key && formatting_[k].attributes == attributes) {
        ++same;
        earliest = k;
      }
    }
    if (same >= 3) formatting_.erase(formatting_.begin() + static_cast<std::ptrdiff_t>(earliest));
    stack_.Push(key, kTags.Find(key), false);
    formatting_.push_back(Formatting{key, attributes, stack_.size() - 1});
  }

  // §13.2.4.3: formatting elements closed by something else are opened again, in order.
  void Reconstruct() {
    size_t first = formatting_.size();
    while (first > 0 && formatting_[first - 1].key != 0 && formatting_[first - 1].index < 0) {
      --first;
    }
    for (size_t k = first; k < formatting_.size(); ++k) {
      stack_.Push(formatting_[k].key, kTags.Find(formatting_[k].key), false);
      formatting_[k].index = stack_.size() - 1;
    }
  }

  // The adoption agency algorithm (§13.2.6.4.7) as far as depth goes: without a special element
  // above the formatting element it is popped with everything above it; with one (the "furthest
  // block") the stack keeps its depth, the element being moved below the block.
  void AdoptionAgency(size_t entry) {
    const int index = formatting_[entry].index;
    if (index < 0) {  // closed already: only leaves the list
      formatting_.erase(formatting_.begin() + static_cast<std::ptrdiff_t>(entry));
      return;
    }
    if (stack_.top().top_scope > index) return;  // not in scope: ignored
    if (stack_.top().top_special > index) return;
    formatting_.erase(formatting_.begin() + static_cast<std::ptrdiff_t>(entry));
    PopTo(index);
  }

  const int max_depth_;
  OpenElements stack_;
  std::vector<Formatting> formatting_;
};

// Position just past "</name" (any case) at or after from, or npos. The tokenizer also wants a
// space, "/" or ">" after the name; ending earlier only makes the model see more tags.
size_t FindEndTag(std::string_view html, size_t from, std::string_view name) {
  for (size_t i = html.find("</", from); i != std::string_view::npos; i = html.find("</", i + 2)) {
    if (i + 2 + name.size() > html.size()) return std::string_view::npos;
    bool match = true;
    for (size_t k = 0; k < name.size() && match; ++k)
      match = base::AsciiLower(html[i + 2 + k]) == name[k];
    if (match) return i + 2 + name.size();
  }
  return std::string_view::npos;
}

// Past the end of a comment that starts at i ("<!--"), per §13.2.5.43-52: "<!-->" and "<!--->"
// are empty comments, "--!>" ends one too; npos when it runs to the end.
size_t CommentEnd(std::string_view html, size_t i) {
  size_t p = i + 4;
  if (html.compare(p, 1, ">") == 0) return p + 1;
  if (html.compare(p, 2, "->") == 0) return p + 2;
  for (p = html.find("--", p); p != std::string_view::npos; p = html.find("--", p + 1)) {
    if (html.compare(p + 2, 1, ">") == 0) return p + 3;
    if (html.compare(p + 2, 2, "!>") == 0) return p + 4;
  }
  return std::string_view::npos;
}

// The attributes of a tag from `from` (just past its name) to its ">": where it ends, whether it
// is self-closing, the identity of its attributes, whether a font's attributes make it a breakout
// from foreign content. Quoted values may contain ">" (§13.2.5.36-38).
struct TagEnd {
  size_t end = std::string_view::npos;  // past ">"
  bool self_closing = false;
  KeyBuilder identity;  // names and values, for the Noah's Ark clause
  bool font_breakout = false;
  size_t attributes = 0;
};

TagEnd ScanAttributes(std::string_view html, size_t from) {
  TagEnd t;
  size_t p = from;
  while (p < html.size()) {
    const char c = html[p];
    if (c == '>') {
      t.end = p + 1;
      return t;
    }
    if (base::IsAsciiWhitespace(c)) {
      ++p;
      continue;
    }
    if (c == '/') {
      t.self_closing = p + 1 < html.size() && html[p + 1] == '>';
      ++p;
      continue;
    }
    // An attribute name, then an optional value.
    KeyBuilder name;
    for (name.Add(base::AsciiLower(html[p++]));
         p < html.size() && !base::IsAsciiWhitespace(html[p]) && html[p] != '/' && html[p] != '>' &&
         html[p] != '=';) {
      name.Add(base::AsciiLower(html[p++]));
    }
    const uint64_t attribute = name.key();
    ++t.attributes;
    if (attribute == Key("color") || attribute == Key("face") || attribute == Key("size")) {
      t.font_breakout = true;
    }
    for (int shift = 0; shift < 64; shift += 8)
      t.identity.Add(static_cast<char>(attribute >> shift));
    t.self_closing = false;
    size_t q = p;
    while (q < html.size() && base::IsAsciiWhitespace(html[q])) ++q;
    if (q >= html.size() || html[q] != '=') continue;
    p = q + 1;
    while (p < html.size() && base::IsAsciiWhitespace(html[p])) ++p;
    if (p >= html.size()) break;
    size_t value_end;
    if (html[p] == '"' || html[p] == '\'') {
      value_end = html.find(html[p], p + 1);
      if (value_end == std::string_view::npos) break;
      for (size_t k = p + 1; k < value_end; ++k) t.identity.Add(html[k]);
      t.identity.Add('\0');
      p = value_end + 1;
    } else {
      while (p < html.size() && !base::IsAsciiWhitespace(html[p]) && html[p] != '>')
        t.identity.Add(html[p++]);
      t.identity.Add('\0');
    }
  }
  return t;  // the tag runs to the end of the input: the tokenizer drops it
}

}  // namespace

NestingScan ScanNesting(std::string_view html, int max_depth) {
  NestingScan scan;
  std::optional<std::string>& capped = scan.capped;
  auto copy = [&]() -> std::string& {
    if (!capped) capped.emplace(html);
    return *capped;
  };
  TreeModel model(max_depth);
  size_t text_from = 0;  // start of the text since the last tag
  size_t i = 0;
  while ((i = html.find('<', i)) != std::string_view::npos) {
    if (i > text_from) {
      model.Text();
      ++scan.nodes;
    }
    if (html.compare(i, 4, "<!--") == 0) {
      ++scan.nodes;
      i = CommentEnd(html, i);
      if (i == std::string_view::npos) break;
      text_from = i;
      continue;
    }
    const bool end_tag = i + 2 < html.size() && html[i + 1] == '/' && IsAsciiAlpha(html[i + 2]);
    const bool start_tag = i + 1 < html.size() && IsAsciiAlpha(html[i + 1]);
    if (!end_tag && !start_tag) {
      // "<!", "<?", "</" + non-letter: a bogus comment up to ">" (§13.2.5.6-7); "<" + other: text.
      if (i + 1 < html.size() && (html[i + 1] == '!' || html[i + 1] == '?' || html[i + 1] == '/')) {
        ++scan.nodes;
        const size_t close = html.find('>', i + 2);
        if (close == std::string_view::npos) break;
        i = close + 1;
      } else {
        ++i;
      }
      text_from = i;
      continue;
    }
    // The tag name runs to a space, "/" or ">" (§13.2.5.8), lowercased.
    const size_t name_begin = i + (end_tag ? 2 : 1);
    size_t name_end = name_begin;
    KeyBuilder name;
    char short_name[10] = {};
    while (name_end < html.size() && !base::IsAsciiWhitespace(html[name_end]) &&
           html[name_end] != '/' && html[name_end] != '>') {
      if (name_end - name_begin < sizeof short_name - 1)
        short_name[name_end - name_begin] = base::AsciiLower(html[name_end]);
      name.Add(base::AsciiLower(html[name_end++]));
    }
    const uint64_t key = name.key();
    const uint16_t flags = kTags.Find(key);
    const TagEnd tag = ScanAttributes(html, name_end);
    if (tag.end == std::string_view::npos) break;  // an unfinished tag at the end is dropped
    scan.attributes += tag.attributes;
    if (end_tag) {
      if (!model.EndTag(key, flags)) copy()[i + 2] = ' ';  // "</ name>": a bogus comment
      i = tag.end;
      text_from = i;
      continue;
    }
    ++scan.nodes;
    const bool foreign = model.InForeignContent();
    if (!model.StartTag(key, flags, tag.self_closing, tag.identity.key(), tag.font_breakout)) {
      std::string& out = copy();
      out[name_begin] = 'p';
      std::fill(out.begin() + static_cast<std::ptrdiff_t>(name_begin) + 1,
                out.begin() + static_cast<std::ptrdiff_t>(name_end), ' ');
      i = tag.end;
      text_from = i;
      continue;
    }
    i = tag.end;
    text_from = i;
    if (!foreign || (flags & kBreakout)) {
      if (key == kPlaintext && !model.InForeignContent()) break;  // the rest is text
      if ((flags & kRawText) && !model.InForeignContent()) {
        const size_t name_length = name_end - name_begin;
        i = FindEndTag(html, i, std::string_view(short_name, std::min<size_t>(name_length, 9)));
        if (i == std::string_view::npos) break;
        text_from = i;  // the raw text's end tag is read next as an ordinary end tag
        i -= 2 + name_length;
      }
    }
  }
  scan.nodes += model.elements_opened();  // reconstructed and implied elements too
  return scan;
}

std::optional<std::string> CapNesting(std::string_view html, int max_depth) {
  return ScanNesting(html, max_depth).capped;
}

size_t EstimateParseBytes(size_t html_bytes, const NestingScan& scan) {
  // Text and attribute values are copied into buffers that grow by doubling, and the arena does
  // not reuse the outgrown ones: up to ~4 bytes per input byte, 6 to be safe; Gumbo's own state
  // is a few KiB.
  return (64u << 10) + 6 * html_bytes + 256 * scan.nodes + 192 * scan.attributes;
}

}  // namespace kuzet::extractor
