// Multilingual keyword matcher: finds the places where monitoring rules mention a text.
//
// A rule lists terms ("Zhanaozen", "trade union", "=Kozlov", "Zhanaozen*", "/strik(e|ing)/") and
// optionally a query expression over terms (AND, OR, NOT, NEAR/n, parentheses, quoted phrases).
// Words are found with ICU word boundaries and compared by a match key: NFKC + case folding,
// Latin diacritics and ё/е folded, and — for cross-script rules — Russian/Kazakh Cyrillic,
// Kazakh Latin and English romanizations folded to one Latin skeleton, so `Zhanaozen` finds
// Жанаозен, Жаңаөзен, Janaozen, "в Жанаозене", "Жаңаөзендегі" and "Zhanaozen's" but not
// "Жанаозенмунайгаз". The term and query syntax is documented in extractor/keywords/README.md.
//
// All terms of all rules are compiled into one trie over match keys, so the cost of FindAll per
// page does not grow with the number of rules. A compiled Matcher is immutable: FindAll is const
// and safe to call from many threads at once; copies share the compiled form.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "extractor/keywords/text_breakers.h"
#include "extractor/keywords/token_checkpoints.h"

namespace kuzet::keywords {

class KeyFolder;
struct SearchKeyPositions;
struct SearchPlan;

struct RuleSpec {
  std::string id;
  std::vector<std::string> terms;             // any term matches (OR); term syntax in README.md
  std::string query;                          // optional expression; "" = just terms
  std::vector<std::string> languages, sites;  // filters; empty = all
  bool cross_script = true;                   // Cyrillic/Latin/Kazakh spellings fold to one key
  bool exact = false;                         // no inflection
  std::string origin;                         // e.g. "example.toml:40", prefixed to compile errors
};

struct Match {
  std::string rule_id, term;  // term as written in the rule
  std::string surface;        // the matched text as it appears in the document
  size_t begin = 0, end = 0;  // UTF-8 byte offsets of surface in the input text
  std::string snippet;        // the sentence around the match, trimmed to ~300 bytes at words
  size_t snippet_begin = 0, snippet_end = 0;  // byte offsets of the match inside snippet
};

// What Compile accepts from a config (every input may be hostile; these bound the automaton's
// size): a term of at most kMaxTermBytes bytes, a query of at most kMaxQueryBytes, and at most
// kMaxTerms terms (written terms and query terms) over all rules together.
inline constexpr size_t kMaxTermBytes = 1000;
inline constexpr size_t kMaxQueryBytes = 10000;
inline constexpr size_t kMaxTerms = 100000;

class Matcher {
 public:
  // An empty matcher: FindAll returns nothing.
  Matcher();
  ~Matcher();
  Matcher(const Matcher&);
  Matcher& operator=(const Matcher&);
  Matcher(Matcher&&) noexcept;
  Matcher& operator=(Matcher&&) noexcept;

  // Compiles all rules into one automaton. An error names the rule's origin, its id, the term
  // or query, and the column of the problem, e.g.
  //   "example.toml:40: rules.zh: query: column 17: expected term after AND".
  static Result<Matcher> Compile(const std::vector<RuleSpec>& rules);
  // The same with a copy of `folder` (KeyFolder::Create builds its tables in ~3 ms, more than
  // the rest of compiling a short query: a search compiles one per request).
  static Result<Matcher> Compile(const std::vector<RuleSpec>& rules, const KeyFolder& folder);

  // All matches of all rules whose language/site filters accept (lang, site_id), in text order
  // (then rule id, then term), each (rule, span) once. lang/site_id "" = unknown and passes
  // every filter. Invalid UTF-8 in the text is treated as U+FFFD; offsets stay byte-exact.
  // A regex term that hits ICU's time limit reports only what it found until then; the ids of
  // such rules (each once, in rule order) go to *regex_timeouts when it is given, so the caller
  // can log and count the possible miss instead of losing it silently.
  std::vector<Match> FindAll(std::string_view utf8_text, std::string_view lang = "",
                             std::string_view site_id = "",
                             std::vector<std::string>* regex_timeouts = nullptr) const;

  // FindAll, and from the same pass over the words the search index keys of the text (issue
  // #17): *search_keys becomes exactly SearchKeys::KeysOf(utf8_text), keys and word positions
  // (search_keys.h; the key folders are the same tables) without the text being broken into words
  // and folded a second time. It is left unset when the call could not finish them (an allocation
  // failure, a default-constructed matcher): the caller then computes them with KeysOf. Any rules,
  // or none.
  // `breakers` (optional) are the calling thread's (text_breakers.h).
  std::vector<Match> FindAll(std::string_view utf8_text, std::string_view lang,
                             std::string_view site_id, std::vector<std::string>* regex_timeouts,
                             std::optional<SearchKeyPositions>* search_keys,
                             TextBreakers* breakers = nullptr) const;

  // FindAll when the caller knows which words of the text can be term words (issue #18: a
  // search reads them from its index's word positions): `word_tokens` are token indexes
  // (ascending, as TextIndex and SearchKeys::KeysOf number the words; a hyphen-joined pair at
  // both of its words): the other words are not folded, and the text past the last of them is
  // not broken into words (from a line feed on, find_all.cc). Equal to FindAll whenever
  // `word_tokens` holds every token whose cross-script key a term word of the rules may match;
  // rules with a regex or a plain-key (non cross-script) term read every word anyway.
  // `checkpoints`, the text's (SearchKeyPositions::checkpoints), let it start breaking the text
  // into words at the last one before the first of `word_tokens` instead of at its beginning;
  // the matches, offsets and snippets are the same (token_checkpoints.h).
  std::vector<Match> FindAllAt(std::string_view utf8_text, std::string_view lang,
                               std::string_view site_id, std::span<const uint32_t> word_tokens,
                               TextBreakers* breakers = nullptr,
                               std::span<const TokenCheckpoint> checkpoints = {}) const;

  // Break iterators for one thread's many calls, of this or any other matcher (empty for a
  // default-constructed matcher).
  TextBreakers NewTextBreakers() const;

  // Number of compiled rules.
  size_t rule_count() const;

  struct Compiled;  // internal: extractor/keywords/compiled_rules.h

 private:
  friend SearchPlan PlanSearch(const Matcher& matcher);  // search_keys.h
  explicit Matcher(std::shared_ptr<const Compiled> compiled);
  // FindAll's one body; `word_tokens` null: every word.
  std::vector<Match> Find(std::string_view utf8_text, std::string_view lang,
                          std::string_view site_id, std::vector<std::string>* regex_timeouts,
                          std::optional<SearchKeyPositions>* search_keys,
                          const std::span<const uint32_t>* word_tokens,
                          TextBreakers* breakers) const;
  std::shared_ptr<const Compiled> compiled_;
};

}  // namespace kuzet::keywords
