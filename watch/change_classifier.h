// What changed between the stored version of a watched document and a fetch of it again
// (issue #20): the kinds of change, the paragraphs that changed, the watched names removed or
// added, and whether the change alerts. The rules are in watch/README.md.
//
// Pure and total: any text (ill-formed UTF-8, 100,000 paragraphs, one giant word) gives a
// classification; the diffs are bounded (DiffLimits) and flag when they had to be coarse.
#pragma once

#include <compare>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "watch/sequence_diff.h"

namespace kuzet::watch {

// A watched name found in a version: the rule that matched and the name as the matcher reports
// it (its term or the matched text, whichever the caller stores; compared as bytes).
struct WatchedName {
  std::string rule_id;
  std::string name;

  auto operator<=>(const WatchedName&) const = default;
};

// One fetch of a document and what the extractor and matcher made of it.
struct Version {
  std::string url;        // the URL requested
  std::string final_url;  // after redirects; "" when there were none
  int http_status = 200;  // of the final response; 0 when the fetch failed without one
  std::string title;
  std::vector<std::string> paragraphs;  // the article's text, one paragraph per element
  std::vector<WatchedName> names;
  std::string body_digest;  // of the response body (e.g. SHA-256 hex); "" when unknown
};

enum class ChangeKind {
  kUnchanged,       // 304, the same body, or the same title and paragraphs
  kCosmetic,        // the same words: white space, punctuation, markup, paragraphing, boilerplate
  kTextEdited,      // paragraphs added, removed or modified
  kTitleChanged,    // the title's words changed
  kNameRemoved,     // a watched name is no longer in the document
  kNameAdded,       // a watched name is now in the document
  kGone,            // 404, 410 or 451
  kRedirectedAway,  // redirected to another URL that does not carry the article
  kMoved,           // redirected to another URL that still carries the article
  kReplaced,        // 200, but the article is no longer there
  kFetchFailed,     // no answer, or one that says nothing about the document (5xx, 403, 429, ...)
};

// "unchanged", "text_edited", ... (stable: stored and shown).
std::string_view ChangeKindName(ChangeKind kind);

// Whether the kind alerts when no rule asks for more: name removed or added, gone, redirected
// away and replaced (issue #20 item 3).
bool AlertsByDefault(ChangeKind kind);

// A paragraph of the old version and its edited form in the new one.
struct ModifiedParagraph {
  std::size_t old_index, new_index;
  bool operator==(const ModifiedParagraph&) const = default;
};

struct ParagraphChanges {
  std::vector<std::size_t> removed;  // indexes into the old paragraphs
  std::vector<std::size_t> added;    // indexes into the new paragraphs
  std::vector<ModifiedParagraph> modified;
};

struct Change {
  // Never empty. One of kGone, kRedirectedAway, kReplaced and kFetchFailed alone; otherwise
  // kUnchanged or kCosmetic, or any of kTextEdited, kTitleChanged, kNameRemoved and kNameAdded,
  // each after kMoved when the document moved.
  std::vector<ChangeKind> kinds;
  ParagraphChanges paragraphs;  // also for cosmetic changes (which paragraphs moved or split)
  std::vector<WatchedName> names_removed, names_added;  // sorted
  // Share of the old article's word 3-grams (distinct) found in the new text, 0..1; 1 when the
  // old text has none (nothing to lose).
  double overlap = 1;
  bool coarse = false;        // the paragraph diff reached a limit (see DiffLimits)
  int http_status = 0;        // of the new fetch
  std::string redirected_to;  // where it landed, with kMoved and kRedirectedAway

  bool Has(ChangeKind kind) const;
  // Whether the change alerts: a kind that AlertsByDefault, or, when `alert_cosmetic` (the
  // rule asks for every change), any kind but kUnchanged and kFetchFailed.
  bool Alerts(bool alert_cosmetic = false) const;
};

struct ClassifierOptions {
  // Below this overlap a 200 no longer carries the article (replaced), and a redirect target
  // is away rather than moved.
  double replaced_below = 0.2;
  // A paragraph with fewer words is boilerplate ("Share", "Views: 1532", a date line): changes
  // confined to such paragraphs are cosmetic, unless they add up to boilerplate_total_words
  // (both sides counted: a list of short facts is not boilerplate).
  std::size_t boilerplate_words = 4;
  std::size_t boilerplate_total_words = 12;
  DiffLimits limits;
};

class ChangeClassifier {
 public:
  explicit ChangeClassifier(ClassifierOptions options = {}) : options_(options) {}

  // `old` is the stored version (the last one fetched); `fresh` the new fetch of the document.
  // A redirect counts when the two landed (final_url, else url) on different articles.
  Change Classify(const Version& old, const Version& fresh) const;

 private:
  ClassifierOptions options_;
};

// Whether a redirect from `from` to `to` keeps the same article: equal once the scheme, a
// leading "www." of the host, a default port, the fragment, tracking parameters and a trailing
// '/' of the path are set aside (http -> https, example.kz -> www.example.kz, /a -> /a/).
bool SameArticleUrl(std::string_view from, std::string_view to);

}  // namespace kuzet::watch
