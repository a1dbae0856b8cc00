// The keys a search index stores for a text, and what a compiled query needs of them.
//
// FindAll (matcher.h) matches a text word when a term word's key (or one of its variants) is a
// prefix of the word's key and the rest is an accepted tail. So an index of every distinct
// cross-script word key of a page answers "which pages can a term of a cross-script rule match"
// by prefix scans over the term's trie keys: cross-script and inflection folding come free, and
// the candidates are a superset of the pages FindAll matches (the tails are not checked), which
// a search then verifies by running FindAll itself on each candidate's text. Plain keys
// (cross_script = false) are not indexed: searches compile cross-script queries, and a plain
// term in a plan stands for every page.
#pragma once

#include <unicode/uversion.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "extractor/keywords/key_folder.h"
#include "extractor/keywords/matcher.h"
#include "extractor/keywords/morphology.h"
#include "extractor/keywords/position_lists.h"
#include "extractor/keywords/token_checkpoints.h"

U_NAMESPACE_BEGIN
class BreakIterator;
U_NAMESPACE_END

namespace kuzet::keywords {

// A key is a word's cross-script match key cut to kMaxSearchKeyBytes (a cut key is still
// prefixed by every term key it was, and a longer term key is cut the same way at query time:
// the candidates stay a superset).
inline constexpr size_t kMaxSearchKeyBytes = 48;

// A word class (format 7, issue #18): what FindAll knows of a text word beyond its key
// (Morphology::TextWord: the grammars of its page's language and its own letters, its script,
// whether it declines, a bare -а/-у form), in one byte kept with the key in the index. A search
// then asks of each (key, class) whether the term word accepts that key in such a word, as
// FindAll will, instead of in the most accepting word there is: "strange" on an English page
// is no form of Russian "стран" (a Kazakh -ге tail needs a Kazakh page or Kazakh letters).
// Bits 0-2: grammars (Morphology::Grammar); 3: cyrillic; 4: declines; 5: cyrillic_bare_a_or_u;
// 6-7: zero (a byte with them set is read as any class).
uint8_t WordClassOf(const Morphology::TextWord& word);
// The TextWord of a class byte; nullopt for a byte no writer writes.
std::optional<Morphology::TextWord> TextWordOfClass(uint8_t word_class);

// The search keys of a text with the word positions of each: positions[i] are the indexes (in
// the text's tokens, as TextIndex splits it) of the words whose key is keys[i], ascending and
// distinct. A hyphen-joined pair (Жаңа-Өзен) is at both of its words t and t+1, so the nearest
// stored positions of two keys are never farther apart than FindAll's NEAR reads them.
struct SearchKeyPositions {
  std::vector<std::string> keys;  // sorted; (key, class) pairs distinct
  std::vector<uint8_t> classes;   // parallel to keys: the word class of those words
  PositionLists positions;        // parallel to keys
  // Where a later FindAllAt on the text may start breaking it into words (token_checkpoints.h):
  // stored with the document, from the same pass over its words.
  std::vector<TokenCheckpoint> checkpoints;
};

// The keys of a text gathered from a pass that folds its words: KeysOf, and FindAll with search
// keys (find_all.cc), which folds every distinct word form and hyphen-joined pair anyway; both
// add the cross-script key of each, and the positions of its tokens, and so give the same keys
// and positions (issue #17: one pass per page; issue #18: positions for phrases and NEAR).
class SearchKeySet {
 public:
  // The cross-script key (KeyFolder::Fold) of a word form or joined pair, and its word class
  // (WordClassOf); an empty key is none. Returns the handle AddPosition takes, or -1 for an
  // empty key.
  int Add(std::string_view key, uint8_t word_class) {
    if (key.empty()) return -1;
    keys_.emplace_back(key.substr(0, std::min(key.size(), kMaxSearchKeyBytes)));
    classes_.push_back(word_class);
    return static_cast<int>(keys_.size()) - 1;
  }
  // Token `position` of the text holds the key added as `handle` (-1: nothing).
  void AddPosition(int handle, size_t position) {
    if (handle < 0) return;
    entries_.push_back({static_cast<uint32_t>(handle),
                        static_cast<uint32_t>(std::min<size_t>(position, UINT32_MAX))});
  }
  // The (key, class) pairs added, distinct and sorted, each with the union of its positions (two
  // forms can fold to one key and class: Жанаозен and Жанаозен).
  SearchKeyPositions Take() &&;

 private:
  struct Entry {
    uint32_t handle;
    uint32_t position;
  };
  std::vector<std::string> keys_;
  std::vector<uint8_t> classes_;  // parallel to keys_
  std::vector<Entry> entries_;    // every AddPosition, in order
};

class SearchKeys {
 public:
  static Result<SearchKeys> Create();
  SearchKeys(SearchKeys&&) noexcept;
  SearchKeys& operator=(SearchKeys&&) noexcept;
  ~SearchKeys();

  // The distinct keys of the words of `utf8_text` (ICU word breaks, as FindAll splits it) and of
  // each two words joined by one hyphen (FindAll reads those as one word too), with their word
  // classes on a page of language `lang` (a BCP 47 tag, as FindAll takes it; "" = unknown),
  // sorted, with the token positions of each (SearchKeyPositions). Safe to call from several
  // threads at once. A caller that runs FindAll on the text anyway gets the same keys, classes
  // and positions from its pass over the words (Matcher::FindAll with search keys, matcher.h).
  SearchKeyPositions KeysOf(std::string_view utf8_text, std::string_view lang) const;

  // The folder the keys come from (for Matcher::Compile: a search compiles with it).
  const KeyFolder& folder() const { return *folder_; }

 private:
  SearchKeys(KeyFolder folder, std::unique_ptr<icu::BreakIterator> word_breaker);
  std::unique_ptr<KeyFolder> folder_;
  std::unique_ptr<icu::BreakIterator> word_breaker_;  // prototype, cloned per call
};

// Which pages a compiled matcher can match, as an expression over key prefixes: a page is a
// candidate when the root holds for the keys SearchKeys stored for it.
struct SearchPlan {
  enum class Kind {
    kAll,   // every page (a regex term, a plain-key term, NOT: the index cannot narrow it)
    kKeys,  // a page holding a key that starts with one of `prefixes`
    kAnd,   // every child holds
    kOr,    // some child holds (none when there are no children)
    // Every child (kKeys nodes: a phrase's words, in order) holds, and where the index knows
    // their word positions (SearchKeyPositions), at consecutive ones: PhraseMayBeAt.
    kPhrase,
    // Both children hold, and where both are kKeys nodes with known positions, some of them are
    // at most `distance` words apart: NearMayBeAt. Other children (a phrase, an OR) as kAnd.
    kNear,
  };
  struct Node {
    Kind kind = Kind::kAll;
    std::vector<std::string> prefixes;  // kKeys: sorted, none a prefix of another
    std::vector<int> children;          // kAnd, kOr, kPhrase, kNear
    uint32_t phrase = 0, word = 0;      // kKeys: the matcher's term word the keys are for
    int distance = 0;                   // kNear: most words allowed between the two sides
  };
  std::vector<Node> nodes;
  int root = -1;  // -1: the matcher has no rules (no page matches)
  // Every term word of the matcher (those under a NOT too) as a kKeys node outside the tree,
  // when every term is of cross-script keys (no regex, no plain-key term: `words_known`). A
  // page's tokens that FindAll can read as a term word are then among the positions of these
  // nodes' accepted keys (KeyMayMatch), which Matcher::FindAllAt takes.
  std::vector<int> word_nodes;  // ordered by (phrase, word)
  bool words_known = false;
  std::vector<uint32_t> phrase_words;  // per phrase id (Node::phrase): how many words it has
  // One-word terms whose occurrence anywhere in a page means the matcher does not match it: the
  // NOT terms on the AND chain from the root of the matcher's only rule (`x AND NOT y`: y), as
  // written, with a kKeys node outside the tree per spelling. A search rejects a candidate where
  // one occurs without breaking the rest of its text into words. Only when words_known.
  struct Excluding {
    std::string term;
    std::vector<int> word_nodes;
  };
  std::vector<Excluding> excluding;

  // Whether a page word whose index key is `key` (one that starts with a prefix of kKeys node
  // `node`) and whose word class is `word_class` can be that node's term word when FindAll
  // reads the page: decided by FindAll's own test (the term key and the key's tail through the
  // morphology) on a word of that class (WordClassOf). Without a class (an entry of format 6, or
  // a byte no writer writes), on the most accepting word there is: the Kazakh, Russian and
  // English endings all apply, and Cyrillic-only and Latin-only tails both. A key cut at
  // kMaxSearchKeyBytes always may. So "strike" skips the postings of "strikebreaker", Zhanaozen
  // those of Жанаозенмунайгаз, стран those of "strange" on English pages, and the candidates
  // stay a superset of FindAll's matches.
  bool KeyMayMatch(int node, std::string_view key,
                   std::optional<uint8_t> word_class = std::nullopt) const;

  // Whether every page word whose index key is `key` and whose word class is `word_class` is
  // read by FindAll as kKeys node `node`'s term word, whatever its context: the node is the word
  // of a one-word term, the key is not cut, the class is known, and the term accepts the key's
  // tail in such a word without asking the words around (a masculine surname's -а form does). A
  // page holding such a word holds an occurrence of the term, which lets a search reject
  // `x AND NOT y` candidates from the index alone (issue #18).
  bool KeyAlwaysMatches(int node, std::string_view key, std::optional<uint8_t> word_class) const;

  std::shared_ptr<const Matcher::Compiled> compiled;  // the matcher planned (KeyMayMatch)
};

// The plan of every rule of `matcher` together (a page is a candidate for any of them).
SearchPlan PlanSearch(const Matcher& matcher);

// The position tests of kPhrase and kNear (issue #18), over the ascending token positions a page
// holds each child's accepted keys at (the union over those keys). An empty list is "unknown"
// (the index did not keep them) and passes. Both are supersets of what FindAll accepts: a phrase
// occurrence is tokens t..t+k-1 with token t+j one of word j's keys, and NEAR/n keeps two
// one-word occurrences at tokens p and q when |p - q| - 1 <= n (rule_evaluation.cc; a
// hyphen-joined word is at both of its tokens, so the nearest positions are its exact distance).
// Sentence breaks inside a phrase are left to the verification.
bool PhraseMayBeAt(std::span<const std::vector<uint32_t>> word_positions);

// The tokens of a page FindAll can read as term words in its matches, for Matcher::FindAllAt,
// from the positions of each of plan.word_nodes' accepted keys on the page (parallel to
// word_nodes; empty: the page holds none; all must be known): every position of a one-word
// phrase's word, and of a phrase of several words only those where the positions of all its
// words line up (a phrase's word counts only inside an occurrence of the whole phrase). Into
// *out, ascending and distinct.
void TermWordTokens(const SearchPlan& plan, std::span<const std::vector<uint32_t>> word_positions,
                    std::vector<uint32_t>* out);
bool NearMayBeAt(std::span<const uint32_t> a, std::span<const uint32_t> b, int distance);

}  // namespace kuzet::keywords
